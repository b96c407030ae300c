/*
 * fuzz-bench: benchmark results as prof-diff reads them (lib/bench/bench-read,
 * lib/core/json, lib/bench/bench-go by content): prof-bench's and hyperfine's JSON and
 * CSV.  Properties (bench-check.h): summaries agree with the runs, and what
 * is read writes back as JSON that reads the same.
 */
#include "bench-check.h"

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	FILE *fp;
	struct bench_results *r;

	if (size == 0)
		return 0;   /* fmemopen refuses an empty buffer */
	if ((fp = fmemopen((void *)data, size, "r")) == NULL)
		fuzz_fail("fmemopen");
	r = bench_read(fp, "fuzz");
	fclose(fp);
	if (r == NULL)
		return 0;
	fuzz_assert(r->n >= 1);
	bench_check(r);
	bench_free(r);
	return 0;
}
