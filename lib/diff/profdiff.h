/*
 * profdiff: two profiles made into one differential profile, FlameGraph's
 * difffolded.pl, and the functions whose share of the total grew.
 *
 * The differential table holds every stack of either profile with two
 * counts, BEFORE and AFTER (0 where the stack is missing on one side), so
 * both totals are conserved exactly.  With strip_hex, each run of "0x" and
 * hex digits in a stack becomes "0x..." before stacks are matched
 * (difffolded.pl -s).  Normalizing (difffolded.pl -n) happens only when
 * the differential profile is written: each BEFORE becomes
 * floor(BEFORE x total AFTER / total BEFORE), an integer, computed exactly
 * (difffolded.pl computes it in floating point, which agrees while the
 * product stays below 2^53); the table itself keeps the counts read, so
 * shares and the gate never see rounding.
 *
 * prof-diff's inputs are profiles (folded stacks or perf script text);
 * profdiff_input() tells them from benchmark results (a JSON or CSV export,
 * Go benchmark text), which prof-diff compares otherwise (benchdiff.h).
 * profdiff_compare() (profdiff-compare.c) is prof-diff's comparison of two
 * profiles from end to end: inputs to output and gate.
 */
#ifndef PROF_PROFDIFF_H
#define PROF_PROFDIFF_H

#include <stddef.h>
#include <stdio.h>

#include "folded/stacktable.h"
#include "folded/stream.h"
#include "top/top.h"

/* A new differential table of before and after (both kept). */
struct stacktable *profdiff_build(struct stacktable *before, struct stacktable *after, int strip_hex);

/*
 * Writes the differential table d as folded lines "stack BEFORE AFTER",
 * sorted bytewise; with normalize, BEFORE is scaled to AFTER's total as
 * above (not when the totals are equal or BEFORE's is 0).
 */
void profdiff_write(FILE *fp, struct stacktable *d, int normalize);

/*
 * Compares the sorted profiles (prof's order, stream.h) fs[0] (before)
 * and fs[1] (after) line by line, in memory that does not grow with them:
 * writes the differential lines to fp (unless NULL) as profdiff_write() does, with the
 * inputs' totals given (from a first reading, for normalize), and adds
 * each to the feed tp unless NULL.  Returns 0, or -1 when a read fails or an input
 * turns out not to be sorted after all (the output is then incomplete).
 */
int profdiff_merge(struct stream fs[2], FILE *fp, const count_t total[2], int normalize,
    struct top_feed *tp);

/*
 * The differential profile of two folded files in any order, in less
 * memory than stack tables: every stack once, with both counts, in flat
 * tables (stacktable.h).  k threads (1 to 4) each read both inputs and
 * keep the stacks whose hash is theirs, so the k tables hold different
 * stacks and fill, then sort, in parallel; the writer merges them.
 * fs[0] and fs[1] are the first thread's readings (kind, metadata,
 * totals, unreadable lines; streams closed, meta kept).
 */
struct profdiff_flat {
	struct stacktable_flat **part;  /* k tables, bytewise sorted */
	int k;
	struct stream fs[2];
	int error;                      /* a read error (reported) */
};

/*
 * Reads the folded files open on fd[0] (before) and fd[1] (after), named
 * name[0] and name[1] (from their start; the fds are not closed, each
 * thread opens its own), with -s's hex stripping when strip_hex, by up
 * to jobs threads.  Unreadable lines are not reported (folded_report
 * with fs[i] does it).
 */
void profdiff_flat_read(struct profdiff_flat *d, int fd[2], const char *name[2], int strip_hex, int jobs);

/* Writes d's lines as profdiff_merge() does, to fp unless NULL, each
 * added to tp unless NULL. */
void profdiff_flat_write(struct profdiff_flat *d, FILE *fp, const count_t total[2], int normalize,
    struct top_feed *tp);

void profdiff_flat_free(struct profdiff_flat *d);

/*
 * The rows of tp (built from a differential table) whose share of the
 * total (flat, or cum when cum) grew by more than pct percentage points,
 * largest growth first: a malloc'd array of row indexes, their number in *n.
 */
size_t *profdiff_grown(const struct top *tp, double pct, int cum, size_t *n);

enum profdiff_input { PROFDIFF_PROFILE, PROFDIFF_RESULTS };

/*
 * What the regular file open on fd holds, from its first 4 KiB at the
 * current offset (read with pread, so the offset does not move): RESULTS
 * for JSON ('{', or '[' followed by '{', '"' or ']': not a stack whose root
 * is "[unknown]"), a CSV export (a header starting "command,") or Go
 * benchmark text (a line starting "goos:", or starting "Benchmark" and
 * holding "/op", as "BenchmarkX-8  100  12 ns/op": a stack line ends in a
 * count); PROFILE otherwise, and for a pipe or a terminal.
 */
int profdiff_input(int fd);

/* prof-diff's comparison of two profiles, from its options. */
struct profdiff_opts {
	const char *ofile;      /* the output ("-": stdout), replaced atomically */
	int normalize;          /* -n */
	int strip_hex;          /* -s */
	int summary;            /* a table of the largest changes of share
	                           instead of the differential profile */
	int format;             /* of the summary: enum table_format */
	size_t rows;            /* of the summary; 0: all */
	int cum;                /* shares of the summary and the gate: total
	                           (cum), else self (flat) */
	int granularity;        /* enum top_granularity */
	int gate;               /* with fail_above */
	double fail_above;      /* share points a function may grow by */
	int jobs;               /* threads reading, 1 or more */
};

/*
 * Compares the profiles open on fd[0] (before) and fd[1] (after), named
 * name[0] and name[1] (the fds are read, not closed; a pipe is best
 * spilled first, diffmerge.h).  Two sorted folded files are merged line
 * by line in bounded memory (diffmerge.h, profdiff_merge); other inputs
 * (perf script text, unsorted stacks, any with strip_hex, which changes
 * the order) are read into stack tables; the result is the same.  Writes
 * to o->ofile the metadata ("# type: diff", the inputs' unit, the
 * frequency, period and event both share, before and after: the names)
 * and the differential profile, or the summary; with o->gate, names on
 * stderr the functions whose share grew by more than o->fail_above
 * points, ten at most, largest growth first.  Returns EXIT_OK;
 * EXIT_FINDING when a share failed the gate or the output could not be
 * written; EXIT_USAGE when the inputs cannot be compared (unreadable, a
 * differential profile, units that differ: reported; nothing written).
 * Inputs sampled at different frequencies or periods are warned about
 * (unless normalize).
 */
int profdiff_compare(const struct profdiff_opts *o, int fd[2], const char *name[2]);

#endif
