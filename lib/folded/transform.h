/*
 * transform: transforms of folded stacks, applied to a whole stack table.
 *
 * The order is fixed, so that a command line means one thing whatever the
 * order of its options: strip addresses, focus/ignore, hide, collapse
 * recursion, depth, scale.  The filters are pprof's (prof-top has them
 * too): focus and ignore look at every frame of a stack, hidden ones
 * included; hide then removes the matching frames, so recursion collapses
 * and depth counts over the frames that are left.  Stacks that become
 * equal are summed.  Every transform but the filters (focus, ignore, and
 * hide of a stack whose every frame matches) and scale keeps the total:
 * what a stack loses in frames it keeps in count.
 *
 * transform_reverse() is apart: it reorders the frames of every stack,
 * which no option of prof-fold asks for (prof-flame --reverse does).
 */
#ifndef PROF_TRANSFORM_H
#define PROF_TRANSFORM_H

#include <regex.h>

#include "folded/stacktable.h"

struct transform_opts {
	int strip_addrs;         /* +0x.. removed, other addresses to one form */
	int collapse_recursion;  /* a;b;b;c -> a;b;c */
	regex_t *focus;          /* keep stacks with a frame that matches */
	regex_t *ignore;         /* drop stacks with a frame that matches */
	regex_t *hide;           /* remove the frames that match */
	long depth;              /* keep the root-most frames; 0: all */
	int scale;               /* multiply counts by factor */
	count_t factor;
};

/* Returns non-zero if o changes anything. */
int transform_active(const struct transform_opts *o);

/* Applies o to every stack of t; returns the new table and frees t. */
struct stacktable *transform_apply(struct stacktable *t, const struct transform_opts *o);

/*
 * Rewrites one frame f[0..n) for --strip-addrs into out (room for n bytes:
 * the result is never longer) and returns its length.
 */
size_t transform_strip_frame(const char *f, size_t n, char *out);

/*
 * Reverses the frames of every stack of t, leaf first ("a;b;c" becomes
 * "c;b;a"), so that stacks merge from the leaf (who calls this); the
 * counts and the total are kept.  Returns the new table and frees t.
 */
struct stacktable *transform_reverse(struct stacktable *t);

#endif
