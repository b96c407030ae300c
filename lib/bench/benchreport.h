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

/*
 * --sort: the order of the summary's relative speeds and of the Markdown
 * export's rows (the other exports keep the order run).  The values are
 * in the order of the --sort words "auto", "command", "mean-time".
 */
enum benchreport_sort {
	BENCHREPORT_AUTO,       /* the summary by mean time, the table as run */
	BENCHREPORT_COMMAND,    /* both as run */
	BENCHREPORT_MEAN_TIME   /* both by mean time */
};

/* What prof-bench writes at the end of a session. */
struct benchreport_opts {
	const char *unit;       /* -u: "s", "ms", "us", "ns"; NULL: by size */
	int sort;               /* enum benchreport_sort */
	long ref;               /* the reference benchmark, or -1: the fastest */
	int hw_note;            /* say so when cycles and instructions were not counted */
	const char *json, *csv, *markdown; /* --export-*: files; NULL none */
	const char *save;       /* the path of the saved results; NULL none */
};

/*
 * The end of a session: summarises every benchmark of r and relates it
 * to o->ref (bench_summarise, bench_relate), warns about r
 * (benchreport_warnings), writes the summary to stdout (then, with
 * hw_note, a note when the machine has no hardware counters), then the
 * exports and the saved results, each atomically.  Returns 0, or 1 after a
 * message naming each output that could not be written (the others are
 * still written).
 */
int benchreport_session(struct bench_results *r, const struct benchreport_opts *o);

#endif
