/*
 * benchreport: prof-bench's summary for a person: a block of figures per
 * benchmark, the warnings a careful reader needs (outliers, a slow first
 * run, failures that were ignored), and the speeds relative to the
 * fastest or to the reference.
 *
 * Times are shown by bench_time_show: in the unit given, or each block in
 * the unit that suits its median.  Figures a run set
 * does not have (no CPU times in a built-in, no memory in Go results) are
 * left out, never shown as 0.
 */
#ifndef PROF_BENCHREPORT_H
#define PROF_BENCHREPORT_H

#include <stdio.h>

#include "bench/bench.h"

/*
 * Writes the summary of r (summarised and related to benchmark ref, or
 * to the fastest when ref is -1) to fp: each benchmark's block, then,
 * with two or more, the relative speeds in the order of order[0..r->n)
 * (indexes into r->b).  Returns 0, or -1 on a write error.
 */
int benchreport_write(FILE *fp, const struct bench_results *r, const size_t *order, const char *unit, long ref);

/*
 * Warns (stderr) about what makes r's figures doubtful: outliers, with
 * the advice to use --warmup or --prepare; a first run much slower than
 * the others (an outlier by the others' median and MAD, and slower than
 * all of them); runs that failed but were kept (--ignore-failure).
 */
void benchreport_warnings(const struct bench_results *r);

#endif
