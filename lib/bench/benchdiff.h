/*
 * benchdiff: two sets of benchmark results (bench.h) compared benchmark by
 * benchmark, as prof-diff shows them.
 *
 * Benchmarks are matched by name: the k-th benchmark named N in the old
 * set goes with the k-th named N in the new set (names are usually
 * unique in a set).  The rows are the old set's benchmarks in its order,
 * then those only in the new set in its order; a benchmark in one set
 * only is a row of its own (BENCHDIFF_OLD_ONLY, BENCHDIFF_NEW_ONLY),
 * never dropped.
 *
 * A side's figures come from its runs' values (seconds per run or per
 * operation; a run whose value was not measured, negative, is left out;
 * without runs, the median is the one its file gives, if any):
 *  - its centre, the median (stats_quantile of the sorted values);
 *  - the 95% confidence interval of the median from binomial order
 *    statistics (stats_median_ci), which needs 6 runs.
 * Between the two sides of a benchmark:
 *  - delta_pct = (new - old) / old x 100, of the medians (unknown when
 *    a median is, or the old one is 0 and the new not);
 *  - the two-sided Mann-Whitney U test of the old runs against the new
 *    (stats_mwu: exact for small samples without ties, else the normal
 *    approximation with tie and continuity corrections);
 *  - significant: p <= alpha and both sides have 4 runs or more (with 3
 *    against 3, no p is below 0.1).
 * The geometric-mean row, added when 2 benchmarks or more are on both
 * sides with medians > 0, is over those benchmarks: its change is the
 * geometric mean of their ratios new/old, less 1, in percent; its old
 * and new are the geometric means of their old and new medians (whose
 * ratio that is), its unit the first one's.  It has no test, no
 * interval and no runs.
 *
 * A benchdiff owns copies of every string it holds; the sets it was
 * built from can be freed.
 */
#ifndef PROF_BENCHDIFF_H
#define PROF_BENCHDIFF_H

#include <stddef.h>
#include <stdio.h>

#include "bench/bench.h"
#include "bench/stats.h"

enum benchdiff_kind { BENCHDIFF_BOTH, BENCHDIFF_OLD_ONLY, BENCHDIFF_NEW_ONLY, BENCHDIFF_GEOMEAN };

/* Runs needed on each side for a test, and for a 95% interval. */
#define BENCHDIFF_MIN_TEST 4
#define BENCHDIFF_MIN_CI 6

/*
 * One side (old or new) of a benchmark.  A benchmark without runs (a
 * hyperfine CSV export has only their summary) has the median of its
 * file, if any, and no test.
 */
struct benchdiff_side {
	size_t n;            /* runs measured; 0 too on the side a benchmark is missing from */
	int has_median;      /* median is known */
	double median;       /* seconds */
	int has_ci;          /* 1: lo and hi are the 95% interval of the median */
	double lo, hi;
};

struct benchdiff_row {
	char *name;
	char *unit;                    /* "s" per run or "s/op" (the old side's) */
	int kind;                      /* enum benchdiff_kind */
	struct benchdiff_side side[2]; /* [0] old, [1] new */
	int has_delta;                 /* delta_pct is known */
	double delta_pct;
	int tested;                    /* mwu holds a test (both sides have runs) */
	struct stats_mwu mwu;
	int significant;
};

struct benchdiff {
	struct benchdiff_row *rows;    /* benchmarks, then the geometric mean if any */
	size_t n;
	double alpha;
	char *source[2];               /* the sets' sources, for notes */
};

/*
 * Compares the sets old and cur at significance level alpha, in (0, 1).
 * Warns (warn(), stderr) once per benchmark on both sides and side with
 * too few runs: none (a median from the file, or none), fewer than 4 (no
 * test and no interval), fewer than 6 (no interval); and when the two
 * sides of a benchmark differ in unit (per run, per operation).
 */
struct benchdiff *benchdiff_new(const struct bench_results *old, const struct bench_results *cur, double alpha);

/*
 * Writes d to fp in format (enum table_format):
 *  table, markdown  notes, then a row per benchmark: old and new as
 *             "median ± h%" (h: the larger distance from the median to an
 *             end of its interval, in percent of the median; "± ∞" without
 *             an interval; "-" unknown) in a time unit from ns to s
 *             chosen per row (that of the smaller median);
 *             the change, or "~" when not significant; p; runs old/new;
 *             the name last (cut to width in a table).  With color, a
 *             significant slowdown is red, a speedup green.
 *  csv        name,kind,unit,old,new,delta_pct,p_value,significant,old_n,
 *             new_n,old_ci_low,old_ci_high,new_ci_low,new_ci_high,u,exact;
 *  json       an array of objects with the same keys, in that order.
 * In csv and json, times are exact seconds (shortest form that reads back
 * as the same double), kind is "both", "old-only", "new-only" or
 * "geomean", significant and exact are true or false, and what is unknown
 * is empty (csv) or null (json).  Write errors are left to the caller
 * (ferror).
 */
void benchdiff_write(const struct benchdiff *d, FILE *fp, int format, int color, int width);

/*
 * The gate: the rows of benchmarks significantly slower by more than pct
 * percent (delta_pct > pct), largest change first: a malloc'd array of
 * row indexes, their number in *n.
 */
size_t *benchdiff_regressed(const struct benchdiff *d, double pct, size_t *n);

void benchdiff_free(struct benchdiff *d);

/* prof-diff's comparison of two sets of results, from its options. */
struct benchdiff_opts {
	const char *ofile;     /* the output ("-": stdout), replaced atomically */
	int format;            /* enum table_format */
	double alpha;          /* significance level, in (0, 1) */
	int gate;              /* with fail_above */
	double fail_above;     /* percent slower, significantly, that fails */
};

/*
 * Reads the sets of results open on fd[0] (old) and fd[1] (new), named
 * name[0] and name[1] (bench_read; each fd is closed, then -1), compares
 * them and writes the comparison to o->ofile (benchdiff_write; colour and
 * width for a terminal).  With o->gate, the benchmarks significantly
 * slower by more than o->fail_above percent are named on stderr, largest
 * change first, with their change and p.  Returns EXIT_OK; EXIT_FINDING
 * when a benchmark failed the gate or the output could not be written;
 * EXIT_USAGE when a set could not be read (reported; nothing written).
 */
int benchdiff_compare(const struct benchdiff_opts *o, int fd[2], const char *name[2]);

#endif
