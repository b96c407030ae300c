#include "folded/meta.h"

#include <stdlib.h>
#include <string.h>

#include "core/util.h"

int
meta_parse(struct meta *m, const char *line, size_t len)
{
	const char *p = line, *end = line + len, *colon, *k0, *k1;
	char *key, *value;
	size_t vlen;

	/* trailing white space, as folded_parse skips it */
	while (end > p && (end[-1] == ' ' || (end[-1] >= '\t' && end[-1] <= '\r')))
		end--;
	if (p == end || *p != '#')
		return -1;
	p++;
	while (p < end && (*p == ' ' || *p == '\t'))
		p++;
	k0 = p;
	while (p < end && (*p == '_' || *p == '-' || (*p >= 'a' && *p <= 'z') ||
	    (*p >= 'A' && *p <= 'Z') || (*p >= '0' && *p <= '9')))
		p++;
	k1 = p;
	colon = p;
	if (k1 == k0 || colon >= end || *colon != ':')
		return -1;
	p = colon + 1;
	while (p < end && (*p == ' ' || *p == '\t'))
		p++;
	vlen = (size_t)(end - p);
	if (vlen >= 2 && p[0] == '"' && p[vlen - 1] == '"') {
		p++;
		vlen -= 2;
	}
	key = xmemdup(k0, (size_t)(k1 - k0));
	value = xmemdup(p, vlen);
	meta_set(m, key, value);
	free(key);
	free(value);
	return 0;
}

const char *
meta_get(const struct meta *m, const char *key)
{
	for (size_t i = 0; i < m->n; i++)
		if (strcmp(m->items[i].key, key) == 0)
			return m->items[i].value;
	return NULL;
}

void
meta_set(struct meta *m, const char *key, const char *value)
{
	for (size_t i = 0; i < m->n; i++)
		if (strcmp(m->items[i].key, key) == 0) {
			free(m->items[i].value);
			m->items[i].value = xstrdup(value);
			return;
		}
	m->items = xreallocarray(m->items, m->n + 1, sizeof(*m->items));
	m->items[m->n].key = xstrdup(key);
	m->items[m->n].value = xstrdup(value);
	m->n++;
}

void
meta_del(struct meta *m, const char *key)
{
	for (size_t i = 0; i < m->n; i++)
		if (strcmp(m->items[i].key, key) == 0) {
			free(m->items[i].key);
			free(m->items[i].value);
			memmove(&m->items[i], &m->items[i + 1], (m->n - i - 1) * sizeof(*m->items));
			m->n--;
			return;
		}
}

void
meta_merge(struct meta *dst, const struct meta *src, int first)
{
	if (first) {
		for (size_t i = 0; i < src->n; i++)
			meta_set(dst, src->items[i].key, src->items[i].value);
		return;
	}
	for (size_t i = 0; i < dst->n;) {
		const char *key = dst->items[i].key;
		const char *v = meta_get(src, key);
		if (v != NULL && strcmp(v, dst->items[i].value) == 0) {
			i++;
			continue;
		}
		if (v != NULL && (strcmp(key, "type") == 0 || strcmp(key, "unit") == 0))
			dst->conflict_unit = 1;
		meta_del(dst, key);
	}
}

void
meta_write(FILE *fp, const struct meta *m)
{
	for (size_t i = 0; i < m->n; i++) {
		const char *v = m->items[i].value;
		size_t n = strlen(v);
		/* flamegraph.pl reads a line ending in a number as a stack, and a
		 * quote at both ends would be taken off by the reader. */
		int quote = n > 0 && ((v[n - 1] >= '0' && v[n - 1] <= '9') ||
		    v[n - 1] == '.' || (v[0] == '"' && v[n - 1] == '"'));
		fprintf(fp, quote ? "# %s: \"%s\"\n" : "# %s: %s\n", m->items[i].key, v);
	}
}

void
meta_free(struct meta *m)
{
	for (size_t i = 0; i < m->n; i++) {
		free(m->items[i].key);
		free(m->items[i].value);
	}
	free(m->items);
	memset(m, 0, sizeof(*m));
}
