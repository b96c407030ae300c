/*
 * fuzz-gobench: Go benchmark text (`go test -bench` output, lib/bresgo).
 * Properties (bres-check.h): summaries agree with the runs, and the set
 * writes back as JSON that reads the same.
 */
#include "bres-check.h"
#include "bres-int.h"

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct bres *r = bres_read_go((const char *)data, size, "fuzz");

	if (r == NULL)
		return 0;
	if (r->n > 0)
		bres_check(r);
	bres_free(r);
	return 0;
}
