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
#include <stdint.h>

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

/*
 * Sorts the entries v[0..n) by key: order STACKTABLE_BYTES is bytewise,
 * a proper prefix first (prof's order); STACKTABLE_FRAMES is frame by
 * frame, the end of a frame (';') before any byte, so "a;x;z" before
 * "a;x.y" (a flame graph's order).  Equal keys end up next to each
 * other.  Keys are read a few bytes at a time from where they start to
 * differ, and a sorted input is one pass.
 */
enum { STACKTABLE_BYTES, STACKTABLE_FRAMES };
void stacktable_sort(struct stacktable_entry **v, size_t n, int order);

/* The same for any items v[0..n) whose key's length (an unsigned integer
 * of len_size bytes, 4 or 8) and bytes are at offsets len_off and key_off. */
void stacktable_sort_items(void *v[], size_t n, size_t len_off, size_t len_size, size_t key_off,
    int order);

/*
 * A flat table holds the same sums with less memory and work, for the
 * programs that want every stack once and then sorted (prof-flame,
 * prof-diff): no hash handle per stack, and no hashing at all while the
 * stacks come in bytewise order (a sorted profile): each is compared
 * with the one before, added to it when equal.  The first stack out of
 * order builds an index (open addressing, the hash's high bits kept in
 * the slot, so that growing it reads no key).  v[0..n) are the stacks,
 * in the order first added; totals as in a table; adding overflows die.
 */
struct stacktable_stack {
	uint64_t n[2];   /* the counts (count_t's units), unless wide: then
	                    n[0] is the address of a count_t[2] */
	uint32_t len;
	unsigned char wide;
	char key[];      /* len bytes */
};

struct stacktable_flat {
	struct stacktable_stack **v;
	size_t n, cap;
	count_t total[2];
	int ordered;              /* v is in bytewise order, no index */
	uint64_t *slots;          /* hash << 32 | where the stack is; 0 empty */
	size_t nslots;
	char *arena;
	size_t arena_used, arena_size;
	char **blocks;
	size_t nblocks;
	count_t (**wide)[2];      /* the counts too large for 64 bits */
	size_t nwide;
};

struct stacktable_flat *stacktable_flat_new(void);

/* The counts of stack s. */
void stacktable_stack_counts(const struct stacktable_stack *s, count_t n[2]);

/* Adds counts n[0], n[1] to the stack key[0..len), made if new. */
void stacktable_flat_add(struct stacktable_flat *t, const char *key, size_t len, const count_t n[2]);

/*
 * Adds the stacks l[0..m), hash stacktable_hash() of their key, as
 * stacktable_flat_add() each: the same, faster, for a reader that can
 * gather a few dozen (their memory is looked up all at once).
 */
struct stacktable_line {
	const char *key;
	size_t len;
	uint32_t hash;
	count_t n[2];
};
void stacktable_flat_add_lines(struct stacktable_flat *t, const struct stacktable_line *l, size_t m);

/* Sorts v in order (STACKTABLE_BYTES or STACKTABLE_FRAMES) and frees the
 * index: call it after the last stacktable_flat_add(). */
void stacktable_flat_sort(struct stacktable_flat *t, int order);

void stacktable_flat_free(struct stacktable_flat *t);

/* The hash used by the table (exposed for other tables of byte strings). */
unsigned stacktable_hash(const void *key, size_t len);

/*
 * prof's order of stacks, the one stacktable_sorted() gives: bytewise, a
 * proper prefix first.  Returns <0, 0 or >0, as memcmp.
 */
int stacktable_cmp(const char *a, size_t n, const char *b, size_t m);

#endif
