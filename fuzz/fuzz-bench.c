/*
 * fuzz-bench: benchmark results as prof-diff reads them (lib/bresread,
 * lib/json, lib/bresgo by content): prof-bench's and hyperfine's JSON and
 * CSV.  Properties (bres-check.h): summaries agree with the runs, and what
 * is read writes back as JSON that reads the same.
 */
#include "bres-check.h"

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	FILE *fp;
	struct bres *r;

	if (size == 0)
		return 0;   /* fmemopen refuses an empty buffer */
	if ((fp = fmemopen((void *)data, size, "r")) == NULL)
		fuzz_fail("fmemopen");
	r = bres_read(fp, "fuzz");
	fclose(fp);
	if (r == NULL)
		return 0;
	fuzz_assert(r->n >= 1);
	bres_check(r);
	bres_free(r);
	return 0;
}
