/*
 * flame: the tree a flame graph draws, built from folded stacks.
 *
 * Node 0 is the root (all samples); every other node is a frame, the
 * child of the frame that called it.  Stacks are merged from the root
 * (or, reversed, from the leaf: who calls this), so a node's total is the
 * sum of the stacks through it and its self count what ends there.  In a
 * flame chart (FLAME_CHART) only a stack's frames equal to the previous
 * stack's at the same depth merge, keeping the input order (time).
 * Counts: n[0] is the count that sets a frame's width (the profile's, or a
 * differential profile's AFTER, or BEFORE with negate), n[1] the other
 * count of a differential profile; totals over the tree are exact.
 * After flame_finish(): children are in name order (bytewise; input order
 * in a flame chart), each node has its depth and its x, the sum of the
 * totals left of it under the same root, so x / root total is its
 * position; nodes whose total is under the cut are dropped into their
 * parent's "hidden" count, so nothing is lost, only not drawn.
 * The tree owns its names (an arena); indexes are stable.
 */
#ifndef PROF_FLAME_H
#define PROF_FLAME_H

#include <stddef.h>
#include <stdint.h>

#include "core/count.h"

/*
 * FLAME_SORTED: the caller adds stacks in frame order (flame_sort()), so a
 * frame can only continue its parent's last child: no lookup table, the
 * fast path for big inputs.
 */
enum { FLAME_REVERSE = 1, FLAME_CHART = 2, FLAME_NEGATE = 4, FLAME_SORTED = 8 };

struct flame_node {
	const char *name;       /* not NUL-terminated; "all" for the root */
	size_t len;
	count_t total[2], self[2];
	count_t hidden;         /* total[0] of children too narrow to draw */
	count_t x;              /* total[0] of the nodes left of this one */
	uint32_t parent, child, next;  /* first child, next sibling; 0: none */
	uint32_t depth;         /* root 0 */
	uint32_t nhidden;       /* how many frames were dropped under it */
};

struct flame {
	struct flame_node *v;   /* v[0] is the root */
	size_t n;
	uint32_t maxdepth;      /* of the drawn nodes */
	int flags;
	int diff;               /* a differential profile (two counts) */
	void *priv;
};

/* An empty tree; flags are FLAME_*; diff when stacks carry two counts. */
struct flame *flame_new(int flags, int diff);

/* With FLAME_SORTED, frames under cut are dropped as the stacks are added
 * (set it before the first flame_add), so memory follows what is drawn. */
void flame_set_cut(struct flame *f, count_t cut);

/* Adds one stack, root first ("a;b;c"), with its counts as read (for a
 * differential line, n[0] BEFORE and n[1] AFTER, as folded.h gives). */
void flame_add(struct flame *f, const char *stack, size_t len, const count_t n[2]);

/*
 * Orders children, drops the nodes whose total[0] is under cut (0: none)
 * into their parents' hidden counts, and computes depth and x.  Call once,
 * after the last flame_add().
 */
void flame_finish(struct flame *f, count_t cut);

/*
 * What a frame shows, prof-folded(5)'s "Source locations and modules"
 * taken apart: the function, with its annotation suffix ("parse",
 * "inl_fn_[i]"), and apart from it the location ("src/parse.c:42",
 * "app.c", or empty) and the module (empty when unknown).  A frame
 * without a tab is its own function.  The parts point into the frame,
 * but for a function with a suffix after a location or module, which is
 * copied to buf (room for len bytes).
 */
struct flame_label {
	const char *fn, *loc, *module;
	size_t fn_len, loc_len, module_len;
	size_t file_len;        /* loc[0..file_len): loc without ":LINE" */
};
void flame_label(const char *frame, size_t len, char *buf, struct flame_label *l);

/* Visits the drawn nodes, parents before children. */
#define FLAME_FOR_EACH(f, i) for (uint32_t i = 0; i < (f)->n; i++) if (!flame_dropped((f), i))

/* Non-zero if node i was dropped by flame_finish (too narrow). */
int flame_dropped(const struct flame *f, uint32_t i);

/*
 * Sorts stacks v[0..n) (struct stacktable_entry *) in frame order: frame by
 * frame, bytewise, a stack before its own extensions.  (Plain bytewise
 * order is not enough: "a;x.y" sorts between "a;x" and "a;x;z".)  Stacks
 * already in order cost one comparison each (stacktable_sort).
 */
struct stacktable_entry;
void flame_sort(struct stacktable_entry **v, size_t n);

/*
 * What is too narrow to draw (--minwidth): pct percent of the total when
 * pct > 0, else px pixels of an image width pixels wide (less its two
 * 10-pixel margins) when px > 0, else nothing.
 */
struct flame_cut {
	double pct, px;
	int width;
};

/* The count under which a frame of a tree whose total is total is cut. */
count_t flame_cut_count(const struct flame_cut *c, count_t total);

/*
 * The tree of the stacks of the flat tables t[0..k) taken together (a
 * stack in several of them is summed; diff: two counts a stack), as
 * parallel readers leave them: each table is sorted in frame order in a
 * thread of its own, then their stacks are merged and added in that
 * order (FLAME_SORTED), the frames under the cut dropped as they are
 * added, so that memory follows what is drawn; not finished.  flags must
 * not hold FLAME_CHART, nor FLAME_REVERSE: stacks are reversed as they
 * are read, so that they too go in frame order.
 */
struct stacktable_flat;
struct flame *flame_from_flat(struct stacktable_flat *const t[], int k, int diff, int flags,
    const struct flame_cut *c);

/*
 * What one reading thread collects (input.h's sink: flame_reader_add with
 * the reader as its argument): the stacks in a flat table of its own,
 * reversed first (leaf first, "c;b;a") when reverse.
 */
struct flame_reader {
	struct stacktable_flat *tab;
	int reverse;
	char *buf;              /* a reversed stack */
	size_t cap;
};

struct flame_reader *flame_reader_new(int reverse);
void flame_reader_add(void *reader, const char *stack, size_t len, const count_t n[2]);
void flame_reader_free(struct flame_reader *r);

/*
 * The flame chart (FLAME_CHART in flags) of the inputs files[0..n) (none,
 * or "-": the standard input), read as they come (stream.h): nothing
 * sums or sorts them, so x is time.  The kind of the first stack line
 * (differential or not) is that of the tree and of every later input.
 * Their metadata is set in *meta, a later input's value winning.
 * Returns the tree (empty without stacks; not finished) and in *status
 * EXIT_OK, or EXIT_USAGE when a file could not be opened (reported; the
 * others are read all the same).
 */
struct meta;
struct flame *flame_chart(int flags, int n, char *const files[], struct meta *meta, int *status);

void flame_free(struct flame *f);

#endif
