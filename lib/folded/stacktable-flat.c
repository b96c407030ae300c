#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "core/util.h"
#include "folded/stacktable.h"

#define BLOCK (1u << 20)

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
	free(t->v);
	free(t->slots);
	free(t);
}

static struct stacktable_stack *
alloc_stack(struct stacktable_flat *t, const char *key, size_t len)
{
	struct stacktable_stack *s;
	size_t n = (sizeof(*s) + len + 15) & ~(size_t)15;

	if (n < len)
		die("a stack of %zu bytes is too long", len);
	if (t->arena_used + n > t->arena_size) {
		size_t size = n > BLOCK ? n : BLOCK;
		t->blocks = xreallocarray(t->blocks, t->nblocks + 1, sizeof(*t->blocks));
		t->arena = t->blocks[t->nblocks++] = xmalloc(size);
		t->arena_size = size;
		t->arena_used = 0;
	}
	s = (struct stacktable_stack *)(t->arena + t->arena_used);
	t->arena_used += n;
	s->n[0] = s->n[1] = 0;
	s->len = len;
	memcpy(s->key, key, len);
	if (t->n == t->cap)
		t->v = xreallocarray(t->v, t->cap = t->cap ? t->cap * 2 : 1024, sizeof(*t->v));
	t->v[t->n++] = s;
	return s;
}

static void
add_counts(struct stacktable_flat *t, struct stacktable_stack *s, const count_t n[2])
{
	for (int i = 0; i < 2; i++)
		if (count_add(&s->n[i], n[i]) < 0 || count_add(&t->total[i], n[i]) < 0)
			die("count overflow: the sum is larger than the format's limit");
}

/* The slot of stack i, hash h, in an index with room for it. */
static void
put_slot(struct stacktable_flat *t, uint32_t h, size_t i)
{
	size_t mask = t->nslots - 1, k = h & mask;

	while (t->slots[k] != 0)
		k = (k + 1) & mask;
	t->slots[k] = (uint64_t)h << 32 | (uint64_t)(i + 1);
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
		for (size_t i = 0; i < t->n; i++)
			put_slot(t, stacktable_hash(t->v[i]->key, t->v[i]->len), i);
	} else {
		for (size_t k = 0; k < nold; k++)
			if (old[k] != 0)
				put_slot(t, (uint32_t)(old[k] >> 32), (size_t)(old[k] & 0xffffffffu) - 1);
		free(old);
	}
}

/* Bytewise, a proper prefix first. */
static int
cmp_key(const char *a, size_t n, const char *b, size_t m)
{
	int c = memcmp(a, b, n < m ? n : m);

	return c ? c : (n > m) - (n < m);
}

void
stacktable_flat_add(struct stacktable_flat *t, const char *key, size_t len, const count_t n[2])
{
	uint32_t h;
	size_t mask, k;

	if (t->ordered) {
		int c = t->n == 0 ? 1 : cmp_key(key, len, t->v[t->n - 1]->key, t->v[t->n - 1]->len);

		if (c == 0) {
			add_counts(t, t->v[t->n - 1], n);
			return;
		}
		if (c > 0) {
			add_counts(t, alloc_stack(t, key, len), n);
			return;
		}
		t->ordered = 0;
	}
	if (t->slots == NULL)
		grow_index(t);
	h = stacktable_hash(key, len);
	mask = t->nslots - 1;
	for (k = h & mask; t->slots[k] != 0; k = (k + 1) & mask) {
		struct stacktable_stack *s;

		if ((uint32_t)(t->slots[k] >> 32) != h)
			continue;
		s = t->v[(t->slots[k] & 0xffffffffu) - 1];
		if (s->len == len && memcmp(s->key, key, len) == 0) {
			add_counts(t, s, n);
			return;
		}
	}
	add_counts(t, alloc_stack(t, key, len), n);
	t->slots[k] = (uint64_t)h << 32 | (uint64_t)t->n;
	if (2 * t->n > t->nslots)
		grow_index(t);
}

const char *
stacktable_stack_key(const void *stack, size_t *len)
{
	const struct stacktable_stack *s = stack;

	*len = s->len;
	return s->key;
}

void
stacktable_flat_sort(struct stacktable_flat *t, int order)
{
	free(t->slots);
	t->slots = NULL;
	t->nslots = 0;
	if (!(t->ordered && order == STACKTABLE_BYTES))
		stacktable_sort((void **)t->v, t->n, stacktable_stack_key, order);
	/* adding again finds the stacks by an index made anew */
	t->ordered = 0;
}
