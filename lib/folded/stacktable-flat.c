#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#include "core/util.h"
#include "folded/stacktable.h"

/* Stacks are 8-byte aligned in blocks of at most BLOCK bytes, so that a
 * slot of the index can say where one is in 32 bits: its block (plus
 * one, 0 is an empty slot) above, its offset / 8 below.  A stack's counts
 * take 64 bits each until one needs more (a count_t's units are 1e-9: 64
 * bits hold counts up to 1.8e10), so most take half the room.  The first
 * SMALL_BLOCKS blocks are small; the next ones are aligned for huge
 * pages, and asked to have them: a table of a large profile is hundreds
 * of megabytes, and a page fault each 4 KiB of it was a tenth of
 * prof-diff's time, while a small profile (or each of many threads'
 * tables) keeps to small pages. */
#define BLOCK (1u << 22)
#define SMALL_BLOCK (1u << 20)
#define SMALL_BLOCKS 4
#define ALIGN 8
#define SLOT_OFF_BITS 19
#define HUGE_PAGE (1u << 21)

/* The size of block b, unless it holds one stack larger. */
static size_t
block_size(size_t b)
{
	return b < SMALL_BLOCKS ? SMALL_BLOCK : BLOCK;
}
#define MAX_BLOCKS ((1u << (32 - SLOT_OFF_BITS)) - 1)

struct stacktable_flat *
stacktable_flat_new(void)
{
	struct stacktable_flat *t = xcalloc(1, sizeof(*t));

	t->ordered = 1;
	return t;
}

void
stacktable_flat_free(struct stacktable_flat *t)
{
	if (t == NULL)
		return;
	for (size_t i = 0; i < t->nblocks; i++)
		free(t->blocks[i]);
	free(t->blocks);
	for (size_t i = 0; i < t->nwide; i++)
		free(t->wide[i]);
	free(t->wide);
	free(t->v);
	free(t->slots);
	free(t);
}

static char *
new_block(size_t b, size_t size)
{
	void *p;

	if (b < SMALL_BLOCKS)
		return xmalloc(size);
	if (posix_memalign(&p, HUGE_PAGE, size) != 0)
		die("out of memory");
#ifdef MADV_HUGEPAGE
	(void)madvise(p, size, MADV_HUGEPAGE);
#endif
	return p;
}

static struct stacktable_stack *
alloc_stack(struct stacktable_flat *t, const char *key, size_t len)
{
	struct stacktable_stack *s;
	size_t n = (offsetof(struct stacktable_stack, key) + len + ALIGN - 1) & ~(size_t)(ALIGN - 1);

	if (len > UINT32_MAX)
		die("a stack of %zu bytes is too long (4 GB at most)", len);
	if (t->arena_used + n > t->arena_size) {
		size_t size = n > block_size(t->nblocks) ? n : block_size(t->nblocks);

		if (t->nblocks == MAX_BLOCKS)
			die("more than %u blocks of stacks in one table", MAX_BLOCKS);
		t->blocks = xreallocarray(t->blocks, t->nblocks + 1, sizeof(*t->blocks));
		t->arena = t->blocks[t->nblocks] = new_block(t->nblocks, size);
		t->nblocks++;
		t->arena_size = size;
		t->arena_used = 0;
	}
	s = (struct stacktable_stack *)(t->arena + t->arena_used);
	t->arena_used += n;
	s->n[0] = s->n[1] = 0;
	s->len = (uint32_t)len;
	s->wide = 0;
	memcpy(s->key, key, len);
	if (t->n == t->cap)
		t->v = xreallocarray(t->v, t->cap = t->cap ? t->cap * 2 : 1024, sizeof(*t->v));
	t->v[t->n++] = s;
	return s;
}

void
stacktable_stack_counts(const struct stacktable_stack *s, count_t n[2])
{
	if (s->wide) {
		const count_t (*w)[2];

		memcpy(&w, &s->n[0], sizeof(w));
		n[0] = (*w)[0];
		n[1] = (*w)[1];
	} else {
		n[0] = s->n[0];
		n[1] = s->n[1];
	}
}

static void
add_counts(struct stacktable_flat *t, struct stacktable_stack *s, const count_t n[2])
{
	count_t (*w)[2];

	for (int i = 0; i < 2; i++)
		if (count_add(&t->total[i], n[i]) < 0)
			die("count overflow: the sum is larger than the format's limit");
	if (!s->wide) {
		if (n[0] <= UINT64_MAX - s->n[0] && n[1] <= UINT64_MAX - s->n[1]) {
			s->n[0] += (uint64_t)n[0];
			s->n[1] += (uint64_t)n[1];
			return;
		}
		/* too large for 64 bits: the counts move out */
		w = xmalloc(sizeof(*w));
		(*w)[0] = s->n[0];
		(*w)[1] = s->n[1];
		t->wide = xreallocarray(t->wide, t->nwide + 1, sizeof(*t->wide));
		t->wide[t->nwide++] = w;
		memcpy(&s->n[0], &w, sizeof(w));
		s->wide = 1;
	}
	memcpy(&w, &s->n[0], sizeof(w));
	/* no overflow: the total, checked, is larger */
	(*w)[0] += n[0];
	(*w)[1] += n[1];
}

/* Where stack s, in block b, is, as a slot says it. */
static uint32_t
where(const struct stacktable_flat *t, size_t b, const struct stacktable_stack *s)
{
	return (uint32_t)((b + 1) << SLOT_OFF_BITS | (size_t)((const char *)s - t->blocks[b]) / ALIGN);
}

static struct stacktable_stack *
stack_at(const struct stacktable_flat *t, uint64_t slot)
{
	uint32_t w = (uint32_t)slot;

	return (struct stacktable_stack *)(t->blocks[(w >> SLOT_OFF_BITS) - 1] +
	    (size_t)(w & ((1u << SLOT_OFF_BITS) - 1)) * ALIGN);
}

/* Puts the slot of a stack, hash h, where w, in an index with room. */
static void
put_slot(struct stacktable_flat *t, uint32_t h, uint32_t w)
{
	size_t mask = t->nslots - 1, k = h & mask;

	while (t->slots[k] != 0)
		k = (k + 1) & mask;
	t->slots[k] = (uint64_t)h << 32 | w;
}

/* Makes the index twice as large, or first, for every stack in v. */
static void
grow_index(struct stacktable_flat *t)
{
	uint64_t *old = t->slots;
	size_t nold = t->nslots, n = t->nslots ? t->nslots * 2 : 1024;

	while (n < 2 * t->n + 2)
		n *= 2;
	if (t->n >= UINT32_MAX - 1)
		die("more than 4 billion distinct stacks");
	t->slots = xcalloc(n, sizeof(*t->slots));
	t->nslots = n;
	if (old == NULL) {
		/* v is in the order of the blocks */
		for (size_t i = 0, b = 0; i < t->n; i++) {
			const char *s = (const char *)t->v[i];

			/* (a larger stack is alone in its block, at its start) */
			while (s < t->blocks[b] || s >= t->blocks[b] + block_size(b))
				b++;
			put_slot(t, stacktable_hash(t->v[i]->key, t->v[i]->len), where(t, b, t->v[i]));
		}
	} else {
		for (size_t k = 0; k < nold; k++)
			if (old[k] != 0)
				put_slot(t, (uint32_t)(old[k] >> 32), (uint32_t)old[k]);
		free(old);
	}
}

int
stacktable_cmp(const char *a, size_t n, const char *b, size_t m)
{
	int c = memcmp(a, b, n < m ? n : m);

	return c ? c : (n > m) - (n < m);
}

/* Adds n to the stack key[0..len) of hash h in an indexed table. */
static void
add_hashed(struct stacktable_flat *t, const char *key, size_t len, uint32_t h, const count_t n[2])
{
	size_t mask = t->nslots - 1, k;
	struct stacktable_stack *s;

	for (k = h & mask; t->slots[k] != 0; k = (k + 1) & mask) {
		if ((uint32_t)(t->slots[k] >> 32) != h)
			continue;
		s = stack_at(t, t->slots[k]);
		if (s->len == len && memcmp(s->key, key, len) == 0) {
			add_counts(t, s, n);
			return;
		}
	}
	s = alloc_stack(t, key, len);
	add_counts(t, s, n);
	/* the new stack is in the last block */
	t->slots[k] = (uint64_t)h << 32 | where(t, t->nblocks - 1, s);
	if (2 * t->n > t->nslots)
		grow_index(t);
}

/* Adds while the stacks come in order; returns 0 when key does not. */
static int
add_ordered(struct stacktable_flat *t, const char *key, size_t len, const count_t n[2])
{
	int c = t->n == 0 ? 1 : stacktable_cmp(key, len, t->v[t->n - 1]->key, t->v[t->n - 1]->len);

	if (c < 0) {
		t->ordered = 0;
		return 0;
	}
	add_counts(t, c == 0 ? t->v[t->n - 1] : alloc_stack(t, key, len), n);
	return 1;
}

void
stacktable_flat_add(struct stacktable_flat *t, const char *key, size_t len, const count_t n[2])
{
	if (t->ordered && add_ordered(t, key, len, n))
		return;
	if (t->slots == NULL)
		grow_index(t);
	add_hashed(t, key, len, stacktable_hash(key, len), n);
}

void
stacktable_flat_add_lines(struct stacktable_flat *t, const struct stacktable_line *l, size_t m)
{
	size_t i = 0;

	while (i < m && t->ordered && add_ordered(t, l[i].key, l[i].len, l[i].n))
		i++;
	if (i == m)
		return;
	if (t->slots == NULL)
		grow_index(t);
	/* Each stack costs a wait for its slot, and one for the stack the
	 * slot names: asked for all at once, they overlap. */
	for (size_t j = i; j < m; j++)
		__builtin_prefetch(&t->slots[l[j].hash & (t->nslots - 1)]);
	for (size_t j = i; j < m; j++) {
		size_t mask = t->nslots - 1;

		for (size_t k = l[j].hash & mask; t->slots[k] != 0; k = (k + 1) & mask)
			if ((uint32_t)(t->slots[k] >> 32) == l[j].hash) {
				__builtin_prefetch(stack_at(t, t->slots[k]));
				break;
			}
	}
	for (; i < m; i++)
		add_hashed(t, l[i].key, l[i].len, l[i].hash, l[i].n);
}

void
stacktable_flat_sort(struct stacktable_flat *t, int order)
{
	free(t->slots);
	t->slots = NULL;
	t->nslots = 0;
	if (!(t->ordered && order == STACKTABLE_BYTES))
		stacktable_sort_items((void **)t->v, t->n, offsetof(struct stacktable_stack, len),
		    sizeof(uint32_t), offsetof(struct stacktable_stack, key), order);
	/* adding again finds the stacks by an index made anew */
	t->ordered = 0;
}
