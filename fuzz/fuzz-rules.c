/*
 * fuzz-rules: prof-plan's rules files (lib/plan/rules, CSV read with libcsv),
 * read over an empty catalog, or over the built-in one when the first
 * byte is odd (so that replacing and turning off rules is reached).
 * Properties: a file read keeps the invariants of struct rules (unique
 * ids, speed-ups in (1, 1000], one fallback at most, a pattern compiled
 * for every rule but the fallback); a file refused leaves the catalog as
 * it was.
 */
#include <string.h>

#include "fuzz.h"
#include "plan/rules.h"

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct rules rs = { 0 };
	size_t n0;
	char *id0;
	int other = 0;

	if (size < 1)
		return 0;
	if (data[0] & 1)
		rules_builtin(&rs);
	n0 = rs.n;
	id0 = rs.n ? strdup(rs.v[0].id) : NULL;
	if (rules_parse(&rs, (const char *)data + 1, size - 1, "fuzz.csv") < 0) {
		if (rs.n != n0 || (n0 && strcmp(rs.v[0].id, id0) != 0))
			fuzz_fail("a refused file changed the catalog");
	} else {
		for (size_t i = 0; i < rs.n; i++) {
			const struct rules_entry *r = &rs.v[i];

			fuzz_assert(r->id != NULL && r->problem != NULL && r->advice != NULL);
			if (r->match == RULES_OTHER)
				other++;
			else
				fuzz_assert(r->pattern_text != NULL);
			if (!(r->speedup > 1 && r->speedup <= 1000))
				fuzz_fail("rule %s: speedup %g", r->id, r->speedup);
			fuzz_assert(r->category >= RULES_CPU && r->category <= RULES_LOCKING);
			fuzz_assert(!r->loop || r->source_text != NULL);
			for (size_t j = 0; j < i; j++)
				if (strcmp(rs.v[j].id, r->id) == 0)
					fuzz_fail("rule id %s twice", r->id);
		}
		fuzz_assert(other <= 1);
	}
	free(id0);
	rules_free(&rs);
	return 0;
}
