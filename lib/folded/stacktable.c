#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "core/util.h"

/* uthash's default (Jenkins) hash reads a byte at a time; stacks are long,
 * and hashing them is much of prof-fold's work, so read eight at a time. */
#define HASH_FUNCTION(keyptr, keylen, hashv) ((hashv) = stacktable_hash((keyptr), (keylen)))
#include "folded/stacktable.h"

#define ARENA_BLOCK (256u * 1024)

unsigned
stacktable_hash(const void *key, size_t len)
{
	const unsigned char *p = key;
	uint64_t h = 0x9e3779b97f4a7c15ull ^ (len * 0xff51afd7ed558ccdull);
	uint64_t w;

	for (; len >= 8; p += 8, len -= 8) {
		memcpy(&w, p, 8);
		h = (h ^ w) * 0x100000001b3ull;
		h ^= h >> 29;
	}
	w = 0;
	memcpy(&w, p, len);
	h = (h ^ w) * 0x100000001b3ull;
	h ^= h >> 32;
	h *= 0xd6e8feb86659fd93ull;
	h ^= h >> 32;
	return (unsigned)h;
}

struct stacktable *
stacktable_new(void)
{
	return xcalloc(1, sizeof(struct stacktable));
}

void
stacktable_free(struct stacktable *t)
{
	if (t == NULL)
		return;
	HASH_CLEAR(hh, t->head);
	for (size_t i = 0; i < t->nblocks; i++)
		free(t->blocks[i]);
	free(t->blocks);
	free(t);
}

static void *
arena_alloc(struct stacktable *t, size_t n)
{
	void *p;

	n = (n + 15) & ~(size_t)15;
	if (t->arena_used + n > t->arena_size) {
		size_t size = n > ARENA_BLOCK ? n : ARENA_BLOCK;
		t->blocks = xreallocarray(t->blocks, t->nblocks + 1, sizeof(void *));
		t->arena = t->blocks[t->nblocks++] = xmalloc(size);
		t->arena_size = size;
		t->arena_used = 0;
	}
	p = t->arena + t->arena_used;
	t->arena_used += n;
	return p;
}

static void
add_total(struct stacktable *t, struct stacktable_entry *e, const count_t n[2])
{
	for (int i = 0; i < 2; i++)
		if (count_add(&e->n[i], n[i]) < 0 || count_add(&t->total[i], n[i]) < 0)
			die("count overflow: the sum is larger than the format's limit");
}

void
stacktable_add(struct stacktable *t, const char *key, size_t len, const count_t n[2])
{
	struct stacktable_entry *e;
	unsigned hv;

	if (t->sink != NULL) {
		if (count_add(&t->total[0], n[0]) < 0 || count_add(&t->total[1], n[1]) < 0)
			die("count overflow: the sum is larger than the format's limit");
		t->sink(t->sink_arg, key, len, n);
		return;
	}
	hv = stacktable_hash(key, len);
	HASH_FIND_BYHASHVALUE(hh, t->head, key, len, hv, e);
	if (e == NULL) {
		e = arena_alloc(t, sizeof(*e) + len + 1);
		memset(e, 0, sizeof(*e));
		memcpy(e->key, key, len);
		e->key[len] = '\0';
		e->len = len;
		HASH_ADD_KEYPTR_BYHASHVALUE(hh, t->head, e->key, len, hv, e);
	}
	add_total(t, e, n);
}

void
stacktable_merge(struct stacktable *dst, struct stacktable *src)
{
	struct stacktable_entry *e, *tmp;

	if (src->sink != NULL) {
		for (int i = 0; i < 2; i++)
			if (count_add(&dst->total[i], src->total[i]) < 0)
				die("count overflow: the sum is larger than the format's limit");
	} else if (dst->head == NULL && dst->nblocks == 0) {
		/* Nothing to sum into: take src's entries as they are. */
		struct stacktable swap = *dst;
		*dst = *src;
		*src = swap;
	} else {
		HASH_ITER(hh, src->head, e, tmp)
			stacktable_add(dst, e->key, e->len, e->n);
	}
	stacktable_free(src);
}

size_t
stacktable_count(const struct stacktable *t)
{
	return HASH_COUNT(t->head);
}

static int
cmp_entry(const void *a, const void *b)
{
	const struct stacktable_entry *x = *(struct stacktable_entry *const *)a;
	const struct stacktable_entry *y = *(struct stacktable_entry *const *)b;
	size_t n = x->len < y->len ? x->len : y->len;
	int c = memcmp(x->key, y->key, n);

	if (c != 0)
		return c;
	return (x->len > y->len) - (x->len < y->len);
}

struct stacktable_entry **
stacktable_sorted(struct stacktable *t, size_t *n)
{
	size_t count = stacktable_count(t), i = 0;
	struct stacktable_entry **v = xreallocarray(NULL, count, sizeof(*v)), *e, *tmp;

	HASH_ITER(hh, t->head, e, tmp)
		v[i++] = e;
	qsort(v, count, sizeof(*v), cmp_entry);
	*n = count;
	return v;
}
