/*
 * diffmerge: the two inputs of prof-diff made ready to be merged line by
 * line (profdiff_merge), in memory that does not grow with them.
 *
 * The merge needs two sorted folded files (prof's order, stream.h) and
 * their totals before the first line is written (-n scales by them), so
 * each input is read twice: a first reading, of both at once, one thread
 * each, finds the totals, checks the order and gathers the metadata; the
 * second, after diffmerge_rewind(), is the merge's.  Reading twice needs
 * regular files: a pipe is first copied to an unnamed temporary file
 * (diffmerge_spill), disk instead of memory.  Unsorted folded files are
 * for flat tables (profdiff_flat_read), other inputs (perf script text)
 * for stack tables.
 */
#ifndef PROF_DIFFMERGE_H
#define PROF_DIFFMERGE_H

#include "core/count.h"
#include "folded/stream.h"

struct diffmerge {
	struct stream fs[2];    /* [0] before, [1] after: kind and meta read */
	count_t total[2];       /* each input's total, of the first reading */
};

/*
 * The fd of a regular file that holds what fd holds: fd itself when it
 * is a regular file, or when no unnamed file can be made in TMPDIR (or
 * /tmp); else the copy, at its start, of all that fd gives (a pipe, a
 * terminal: read to its end; fd is not closed).  Dies when reading fd or
 * writing the copy fails.
 */
int diffmerge_spill(int fd, const char *name);

/*
 * Opens fd[0] (before) and fd[1] (after), named name[0] and name[1], and
 * reads both a first time, at once when jobs > 1.  Returns 0 when both
 * are regular files of sorted folded stacks, read without error: their
 * unreadable lines are reported, kinds, metadata and totals known, and
 * m is to be rewound, then closed.  Returns 1 when both are regular files
 * of folded stacks but one is not sorted (its reading stops at the first
 * stack out of order: for profdiff_flat_read), -1 otherwise; then
 * nothing is reported, m is closed and the fds' offsets are anywhere.
 */
int diffmerge_open(struct diffmerge *m, int fd[2], const char *name[2], int jobs);

/* Starts both inputs over for the merge.  Dies when one cannot seek. */
void diffmerge_rewind(struct diffmerge *m);

/* Frees what m owns (not the fds). */
void diffmerge_close(struct diffmerge *m);

#endif
