/*
 * fuzz-conf: prof.conf (lib/core/conf), through conf_parse, which returns an
 * error where conf_read dies.  Properties: keys are not empty and values
 * are trimmed, as prof.conf(5) says; a (section, key) is stored once, with
 * the last value read; conf_get finds every item.
 */
#include <string.h>

#include "core/conf.h"
#include "fuzz.h"

static int
trimmed(const char *s)
{
	size_t n = strlen(s);

	return n == 0 || (s[0] != ' ' && s[0] != '\t' && s[n - 1] != ' ' && s[n - 1] != '\t' &&
	    s[n - 1] != '\r');
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct conf c = { 0 };
	char err[4400];

	conf_parse(&c, (const char *)data, size, "fuzz.conf", err, sizeof(err));
	for (int i = 0; i < c.n; i++) {
		const struct conf_item *it = &c.items[i];
		const char *where;

		fuzz_assert(it->key[0] != '\0');
		fuzz_assert(trimmed(it->key) && trimmed(it->value) && trimmed(it->section));
		fuzz_assert(strchr(it->key, '=') == NULL);
		if (conf_get(&c, it->section, it->key, &where) != it->value)
			fuzz_fail("[%s] %s: stored twice", it->section, it->key);
		fuzz_assert(where == it->where);
	}
	conf_free(&c);
	return 0;
}
