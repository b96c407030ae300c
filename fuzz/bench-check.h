/*
 * bench-check: the properties fuzz-bench and fuzz-gobench check of a result
 * set read (lib/bench/bench.h): every benchmark's summary agrees with its runs,
 * and the set written as JSON reads back the same (benchmarks, runs, their
 * values), as prof-bench --save and prof-diff --baseline rely on.
 */
#ifndef PROF_FUZZ_BRES_CHECK_H
#define PROF_FUZZ_BRES_CHECK_H

#include <math.h>
#include <string.h>

#include "bench/bench.h"
#include "fuzz.h"

static int
same_double(double a, double b)
{
	return a == b || (isnan(a) && isnan(b));
}

static void
bench_check(const struct bench_results *r)
{
	char *text = NULL;
	size_t len = 0;
	FILE *fp;
	struct bench_results *back;

	for (size_t i = 0; i < r->n; i++) {
		const struct bench_entry *b = &r->b[i];
		const struct bench_summary *s = &b->sum;

		fuzz_assert(b->name != NULL && b->command != NULL);
		if (b->nruns == 0)
			continue;
		if (s->n != b->nruns)
			fuzz_fail("%s: %zu runs, summary n %zu", b->name, b->nruns, s->n);
		for (size_t k = 0; k < b->nruns; k++)
			if (!(b->runs[k].value >= s->min && b->runs[k].value <= s->max))
				fuzz_fail("%s: run %zu's value %.17g outside [%.17g, %.17g]", b->name,
				    k, b->runs[k].value, s->min, s->max);
		if (!(s->min <= s->median && s->median <= s->max))
			fuzz_fail("%s: median %.17g outside [%.17g, %.17g]", b->name, s->median,
			    s->min, s->max);
	}

	if ((fp = open_memstream(&text, &len)) == NULL)
		fuzz_fail("open_memstream");
	if (bench_write_json(r, fp) < 0)
		fuzz_fail("bench_write_json failed");
	fclose(fp);
	if ((fp = fmemopen(text, len, "r")) == NULL)
		fuzz_fail("fmemopen");
	back = bench_read(fp, "written");
	fclose(fp);
	if (back == NULL) {
		fwrite(text, 1, len, stderr);
		fuzz_fail("the JSON written does not read back");
	}
	if (back->n != r->n)
		fuzz_fail("%zu benchmarks written, %zu read back", r->n, back->n);
	for (size_t i = 0; i < r->n; i++) {
		const struct bench_entry *a = &r->b[i], *b = &back->b[i];

		if (a->nruns != b->nruns)
			fuzz_fail("%s: %zu runs written, %zu read back", a->name, a->nruns, b->nruns);
		for (size_t k = 0; k < a->nruns; k++)
			if (!same_double(a->runs[k].value, b->runs[k].value))
				fuzz_fail("%s: run %zu: %.17g written, %.17g read back", a->name, k,
				    a->runs[k].value, b->runs[k].value);
	}
	bench_free(back);
	free(text);
}

#endif
