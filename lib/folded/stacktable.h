/*
 * stacktable: the stack table, distinct stacks with their summed counts.
 *
 * A table maps a stack (bytes, usually "frame;frame;leaf", not
 * NUL-terminated in the input, stored with a NUL) to one or two counts.  It
 * owns copies of its keys, in an arena freed with the table.  Order is
 * undefined until stacktable_sorted(), which returns the entries sorted bytewise
 * by key (a proper prefix sorts first), the order every folded writer uses.
 * A table is used by one thread at a time; parallel readers each fill their
 * own and merge them with stacktable_merge().
 * Every count that enters a table is in its totals; adding overflows die.
 * A table with a sink stores no stack: each one added goes to the sink
 * (a reader that sums as it reads, such as prof-top's), and the table
 * keeps only its totals.
 */
#ifndef PROF_STACKTABLE_H
#define PROF_STACKTABLE_H

#include <stddef.h>

#include <uthash.h>

#include "core/count.h"

struct stacktable_entry {
	UT_hash_handle hh;
	count_t n[2];    /* n[1] is used by differential tables only */
	size_t len;
	char key[];      /* len bytes and a NUL */
};

struct stacktable {
	struct stacktable_entry *head;  /* uthash head */
	count_t total[2];         /* sums of all counts added */
	char *arena;              /* current arena block */
	size_t arena_used, arena_size;
	void **blocks;            /* all arena blocks, for freeing */
	size_t nblocks;
	void (*sink)(void *arg, const char *key, size_t len, const count_t n[2]);
	void *sink_arg;
};

/* Returns a new, empty table. */
struct stacktable *stacktable_new(void);

/* Frees the table and every entry. */
void stacktable_free(struct stacktable *t);

/* Adds counts n[0], n[1] to the entry for key[0..len), creating it. */
void stacktable_add(struct stacktable *t, const char *key, size_t len, const count_t n[2]);

/* Adds every entry of src to dst (and its totals: all a sink table has),
 * then frees src. */
void stacktable_merge(struct stacktable *dst, struct stacktable *src);

/* The number of distinct stacks. */
size_t stacktable_count(const struct stacktable *t);

/*
 * Returns a malloc'd array of the entries sorted bytewise by key, and their
 * number in *n.  The entries stay owned by the table.
 */
struct stacktable_entry **stacktable_sorted(struct stacktable *t, size_t *n);

/* The hash used by the table (exposed for other tables of byte strings). */
unsigned stacktable_hash(const void *key, size_t len);

#endif
