/*
 * fuzz-pprof: pprof profiles (lib/pprof), read as every prof reader
 * reads them (pprof_read, as lib/input calls it), then written back
 * (pprof_write_table) and read again.
 *
 * Properties: a refused profile adds nothing to the table (its stacks
 * are checked before the first is counted); an accepted one's entries
 * sum to the table's totals; what was read, written as a profile (when
 * its counts fit pprof's int64 values), reads back as the same stacks
 * with the same counts; input's detection agrees that a gzip stream is
 * a profile.  The limits of pprof.h bound memory on every input.
 *
 * Seeds (t/fuzz/pprof/): the cases of t/data/pprof/craft.py, named after
 * them (`python3 t/data/pprof/craft.py CASE`; features-gz gzipped),
 * go-cpu, go-heap and go-mutex from t/data/pprof/profgen.go, and the
 * crash-* inputs the fuzzer found (UBSan: a null buffer for empty text).
 */
#define _GNU_SOURCE
#include <stdio.h>
#include <string.h>

#include "folded/meta.h"
#include "folded/stacktable.h"
#include "fuzz.h"
#include "pprof/pprof.h"

static void
same_tables(struct stacktable *a, struct stacktable *b)
{
	size_t na, nb;
	struct stacktable_entry **va = stacktable_sorted(a, &na), **vb = stacktable_sorted(b, &nb);

	if (na != nb)
		fuzz_fail("%zu stacks read, %zu read back", na, nb);
	for (size_t i = 0; i < na; i++) {
		if (va[i]->len != vb[i]->len || memcmp(va[i]->key, vb[i]->key, va[i]->len) != 0)
			fuzz_fail("stack %zu read as '%s', read back as '%s'", i, va[i]->key, vb[i]->key);
		if (va[i]->n[0] != vb[i]->n[0])
			fuzz_fail("stack '%s' counts %s, read back %s", va[i]->key,
			    fuzz_count(va[i]->n[0], 0), fuzz_count(vb[i]->n[0], 1));
	}
	free(va);
	free(vb);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const char *const labels[] = { "phase" };
	struct pprof_opts o = { 0 };
	struct stacktable *t = stacktable_new();
	struct meta m = { 0 };
	char err[512];

	if (size >= 2 && data[0] == 0x1f && data[1] == 0x8b)
		fuzz_assert(pprof_detect(data, size, 0));
	/* the first byte picks the options, so that each path is fuzzed */
	if (size > 0 && (data[0] & 0x80) == 0) {
		o.context = data[0] & 1;
		if (data[0] & 2) {
			o.labels = labels;
			o.nlabels = 1;
		}
	}
	if (pprof_read(data, size, &o, t, &m, err, sizeof(err)) < 0) {
		if (stacktable_count(t) != 0 || t->total[0] != 0)
			fuzz_fail("a refused profile added %zu stacks (%s)", stacktable_count(t), err);
		goto out;
	}
	count_t sum = 0;
	for (struct stacktable_entry *e = t->head; e != NULL; e = e->hh.next)
		fuzz_assert(count_add(&sum, e->n[0]) == 0);
	if (sum != t->total[0])
		fuzz_fail("the entries sum to %s, the total is %s", fuzz_count(sum, 0),
		    fuzz_count(t->total[0], 1));

	/* written back and read again: the same stacks (frames without
	 * locations, where writing and reading are inverses) */
	if (!o.context) {
		size_t n, len = 0;
		char *buf = NULL;
		struct stacktable_entry **v = stacktable_sorted(t, &n);
		FILE *fp = open_memstream(&buf, &len);
		struct stacktable *back = stacktable_new();
		struct meta m2 = { 0 };
		struct pprof_opts plain = { 0 };
		int fits = 1;

		fuzz_assert(fp != NULL);
		for (size_t i = 0; i < n; i++)
			if (v[i]->n[0] / COUNT_ONE > (count_t)INT64_MAX)
				fits = 0;
		if (fits) {
			if (pprof_write_table(fp, v, n, &m, err, sizeof(err)) < 0)
				fuzz_fail("the profile read cannot be written: %s", err);
			fuzz_assert(fclose(fp) == 0);
			fuzz_assert(pprof_detect(buf, len, 0));
			if (pprof_read(buf, len, &plain, back, &m2, err, sizeof(err)) < 0)
				fuzz_fail("prof's own profile cannot be read: %s", err);
			same_tables(t, back);
		} else {
			fclose(fp);
		}
		free(buf);
		free(v);
		stacktable_free(back);
		meta_free(&m2);
	}
out:
	stacktable_free(t);
	meta_free(&m);
	return 0;
}
