/*
 * fuzz-gobench: Go benchmark text (`go test -bench` output, lib/bench/bench-go).
 * Properties (bench-check.h): summaries agree with the runs, and the set
 * writes back as JSON that reads the same.
 */
#include "bench-check.h"
#include "bench/bench-int.h"

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct bench_results *r = bench_read_go((const char *)data, size, "fuzz");

	if (r == NULL)
		return 0;
	if (r->n > 0)
		bench_check(r);
	bench_free(r);
	return 0;
}
