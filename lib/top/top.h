/*
 * top: the cost of each function (or file, line, module) of a profile,
 * pprof's "top" and "peek".
 *
 * A top reads each stack once, as a stream (top_add) or from a stack
 * table (top_build).  A frame is taken
 * apart (frame.h) and keyed by the granularity: the function's name (an
 * inlined frame, _[i], is its function; other suffixes stay, so a kernel
 * function is not a user one), its file, "name file:line", or its module.
 * A frame without the information asked is keyed by its name (with its
 * suffix: a kernel frame stays apart), and its row says so (located = 0).
 * Filters, in this order, as pprof: --focus keeps the stacks with a frame
 * that matches, --ignore drops the stacks with a frame that matches, then
 * --hide removes the matching frames from the stacks kept, so a hidden
 * leaf's self cost goes to the frame that called it.  A regular expression
 * matches a frame when it matches its name (with its suffix), its location
 * or its module.
 * Rows of functions that only the filters saw (in dropped stacks, or
 * hidden) are left out, and so are rows of stacks whose count is 0.
 * Per row: flat is the count of the stacks whose leaf is the row; cum the
 * count of the stacks that hold the row at least once (recursion counts
 * once per stack).  Nothing is lost: over the profile,
 *   total = sum of flat + dropped (focus, ignore) + allhidden
 * for each of the two counts of a differential profile.  Percentages are
 * of total, the whole profile, whatever the filters kept (as pprof).
 * The result owns its names; the stack table is not changed.
 */
#ifndef PROF_TOP_H
#define PROF_TOP_H

#include <regex.h>
#include <stddef.h>

#include "core/count.h"
#include "folded/stacktable.h"

enum top_granularity { TOP_FUNCTION, TOP_FILE, TOP_LINE, TOP_MODULE };

/* The granularity named s ("function", "file", "line", "module"), or -1. */
int top_granularity_parse(const char *s);

struct top_opts {
	int granularity;        /* enum top_granularity */
	regex_t *focus, *ignore, *hide;  /* NULL: none */
	const char *peek;       /* a row's name: collect its callers and callees */
	size_t peek_len;
};

struct top_row {
	const char *name;       /* the key, not NUL-terminated */
	size_t len;
	count_t flat[2], cum[2];
	int located;            /* the frame had the file, line or module asked */
};

/* A caller or callee of the peeked row, with the count of the stacks where
 * it is one (once per stack); "(root)" and "(self)" name the ends. */
struct top_peek_row {
	const char *name;
	size_t len;
	count_t n[2];
};

struct top {
	struct top_row *rows;   /* unordered until top_sort() */
	size_t n;
	int diff;               /* two counts per row */
	count_t total[2];       /* the whole profile */
	count_t dropped[2];     /* stacks dropped by focus or ignore */
	count_t allhidden[2];   /* stacks kept whose every frame was hidden */
	size_t unlocated;       /* rows keyed by name for lack of information */
	/* With opts->peek: */
	int peek_found;         /* a row has that name */
	struct top_peek_row *callers, *callees;
	size_t ncallers, ncallees;  /* sorted by count (AFTER's), then name */
	void *priv;
};

/*
 * A new, empty top with options o (kept, not copied: o must outlive it).
 * Stacks are then added one by one, in any order, in memory that grows
 * with the distinct frames, not with the stacks; consecutive stacks that
 * share their first frames (sorted input) cost little more than reading.
 */
struct top *top_new(const struct top_opts *o);

/* Adds one stack, root first, with its counts (n[1] 0 unless differential).
 * The reader has checked that the totals fit (stacktable, stream). */
void top_add(struct top *tp, const char *stack, size_t len, const count_t n[2]);

/* Adds what src has read to dst (both not finished), then frees src: so
 * threads can each read part of a profile into their own top. */
void top_merge(struct top *dst, struct top *src);

/*
 * A top filled by worker threads from one stream of stacks: the caller
 * adds stacks as it reads them; they are copied into chunks that the
 * workers (jobs of them, each with its own top) sum; top_feed_end()
 * merges and returns the top, finished as top_finish(tp, diff) does.
 * For a reader that is itself sequential (prof-diff's merge).
 */
struct top_feed;
struct top_feed *top_feed_new(const struct top_opts *o, int jobs);
void top_feed_add(struct top_feed *f, const char *stack, size_t len, const count_t n[2]);
struct top *top_feed_end(struct top_feed *f, int diff);

/* Ends adding: diff says whether the profile was differential; collects
 * the peek.  Call once, before top_sort(). */
void top_finish(struct top *tp, int diff);

/* top_new, top_add of every stack of t (one count each, or two when
 * diff), top_finish. */
struct top *top_build(struct stacktable *t, int diff, const struct top_opts *o);

enum top_sort { TOP_SORT_FLAT, TOP_SORT_CUM, TOP_SORT_NAME, TOP_SORT_DELTA, TOP_SORT_SHARE };

/* The sort named s ("flat", "cum", "name", "delta"), or -1. */
int top_sort_parse(const char *s);

/*
 * Sorts the rows: FLAT and CUM by that count, largest first (the AFTER
 * count of a differential profile); NAME bytewise; DELTA by the size of
 * the change AFTER - BEFORE (of cum when cum, else of flat); SHARE by the
 * size of the change of the share of the total in percentage points.
 * Ties go by the other count, then by name, so the order is total.
 */
void top_sort(struct top *tp, int by, int cum);

/* Share of the total i (0 or 1) that c is, in percent (0 when the total is 0). */
double top_pct(const struct top *tp, count_t c, int i);

void top_free(struct top *tp);

#endif
