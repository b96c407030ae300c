#include <stddef.h>
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

/*
 * Sorting: a multikey quicksort (Bentley and Sedgewick) that keeps, beside
 * each item, seven bytes of its key from the depth reached and how many
 * of them there are (Rantala's caching), as one integer: items are
 * compared as integers in one array, and a key is read again only when
 * more bytes are needed.  Long common prefixes, the rule in stacks, are
 * read once.  In frame order the bytes are mapped so that ';' is the
 * smallest and the order of the others stays: (b < ';' ? b + 1 : b) for
 * the rest, a bijection, so that integer order is frame order.  The
 * items are sorted in place, their caches in an array beside them: 8
 * bytes an item.
 */
#define CACHE_BYTES 7

/* What is sorted: items whose key's length (a size_t) and bytes are at
 * these offsets, the map of the order, and the caches. */
struct sorter {
	size_t len_off, len_size, key_off;
	unsigned char map[256];
	void **v;
	uint64_t *c;    /* CACHE_BYTES mapped key bytes from the depth, big-endian, 0-padded, then their number */
};

static size_t
key_len(const struct sorter *so, const void *item)
{
	uint32_t l32;
	size_t len;

	if (so->len_size == sizeof(len)) {
		memcpy(&len, (const char *)item + so->len_off, sizeof(len));
		return len;
	}
	memcpy(&l32, (const char *)item + so->len_off, sizeof(l32));
	return l32;
}

static const unsigned char *
key_bytes(const struct sorter *so, const void *item)
{
	return (const unsigned char *)item + so->key_off;
}

static uint64_t
load(const struct sorter *so, const void *item, size_t d)
{
	size_t len = key_len(so, item), k;
	const unsigned char *s = key_bytes(so, item);
	uint64_t c = 0;

	k = len > d ? len - d : 0;
	if (k > CACHE_BYTES)
		k = CACHE_BYTES;
	for (size_t i = 0; i < k; i++)
		c = c << 8 | so->map[s[d + i]];
	return (c << (8 * (CACHE_BYTES - k)) << 8) | k;
}

/* Items are read in array order, but lie anywhere: asking for the ones a
 * few places ahead hides most of the wait for memory. */
#define AHEAD 8

/* Loads the caches of items lo..hi at depth d. */
static void
load_all(const struct sorter *so, size_t lo, size_t hi, size_t d)
{
	for (size_t i = lo; i < hi; i++) {
		if (i + AHEAD < hi) {
			const char *p = so->v[i + AHEAD];

			__builtin_prefetch(p + so->len_off);
			__builtin_prefetch(p + so->key_off + d);
			__builtin_prefetch(p + so->key_off + d + CACHE_BYTES - 1);
		}
		so->c[i] = load(so, so->v[i], d);
	}
}

/* The keys of x and y, equal before depth d, compared from there. */
static int
cmp_from(const struct sorter *so, const void *x, const void *y, size_t d)
{
	size_t xl = key_len(so, x), yl = key_len(so, y);
	const unsigned char *a = key_bytes(so, x), *b = key_bytes(so, y);
	size_t n = xl < yl ? xl : yl;

	for (size_t i = d; i < n; i++)
		if (a[i] != b[i])
			return so->map[a[i]] - so->map[b[i]];
	return (xl > yl) - (xl < yl);
}

/* Items i and j, at depth d with their caches loaded, compared. */
static int
cmp_at(const struct sorter *so, size_t i, size_t j, size_t d)
{
	if (so->c[i] != so->c[j])
		return so->c[i] < so->c[j] ? -1 : 1;
	return (so->c[i] & 0xff) == CACHE_BYTES ? cmp_from(so, so->v[i], so->v[j], d + CACHE_BYTES) : 0;
}

static void
swap(const struct sorter *so, size_t i, size_t j)
{
	void *t = so->v[i];
	uint64_t c = so->c[i];

	so->v[i] = so->v[j];
	so->v[j] = t;
	so->c[i] = so->c[j];
	so->c[j] = c;
}

/* Insertion sort of items lo..lo+n, equal before depth d. */
static void
small_sort(const struct sorter *so, size_t lo, size_t n, size_t d)
{
	for (size_t i = lo + 1; i < lo + n; i++)
		for (size_t j = i; j > lo && cmp_at(so, j - 1, j, d) > 0; j--)
			swap(so, j - 1, j);
}

/* Heapsort of items lo..lo+n: n log n whatever their order. */
static void
sift(const struct sorter *so, size_t lo, size_t root, size_t n, size_t d)
{
	for (size_t child; (child = 2 * root + 1) < n; root = child) {
		if (child + 1 < n && cmp_at(so, lo + child, lo + child + 1, d) < 0)
			child++;
		if (cmp_at(so, lo + root, lo + child, d) >= 0)
			return;
		swap(so, lo + root, lo + child);
	}
}

static void
heap_sort(const struct sorter *so, size_t lo, size_t n, size_t d)
{
	for (size_t i = n / 2; i-- > 0;)
		sift(so, lo, i, n, d);
	for (size_t end = n; end-- > 1;) {
		swap(so, lo, lo + end);
		sift(so, lo, 0, end, d);
	}
}

static uint64_t
median3(uint64_t x, uint64_t y, uint64_t z)
{
	return x < y ? (y < z ? y : x < z ? z : x) : (x < z ? x : y < z ? z : y);
}

struct task {
	size_t lo, n, d;
	int budget;     /* partitions left before it is not worth the risk */
};

static void
mkqs(const struct sorter *so, size_t n)
{
	struct task *st;
	size_t nst = 0, cap = 64;
	int budget = 4;

	for (size_t m = n; m > 1; m >>= 1)
		budget += 2;
	load_all(so, 0, n, 0);
	st = xreallocarray(NULL, cap, sizeof(*st));
	st[nst++] = (struct task){ 0, n, 0, budget };
	while (nst > 0) {
		struct task t = st[--nst];
		uint64_t *c = so->c, p;
		size_t lt = t.lo, i = t.lo, gt = t.lo + t.n;

		if (t.n < 16) {
			small_sort(so, t.lo, t.n, t.d);
			continue;
		}
		if (t.budget == 0) {
			/* pivots that split badly, over and over (input made to
			 * defeat the median of three) */
			heap_sort(so, t.lo, t.n, t.d);
			continue;
		}
		p = median3(c[t.lo], c[t.lo + t.n / 2], c[t.lo + t.n - 1]);
		/* Dijkstra's three-way partition: < p, = p, > p */
		while (i < gt) {
			if (c[i] < p)
				swap(so, lt++, i++);
			else if (c[i] > p)
				swap(so, i, --gt);
			else
				i++;
		}
		if (nst + 3 > cap)
			st = xreallocarray(st, cap *= 2, sizeof(*st));
		if (lt - t.lo > 1)
			st[nst++] = (struct task){ t.lo, lt - t.lo, t.d, t.budget - 1 };
		if (t.lo + t.n - gt > 1)
			st[nst++] = (struct task){ gt, t.lo + t.n - gt, t.d, t.budget - 1 };
		/* equal to p: the same key so far, and longer if p is whole */
		if (gt - lt > 1 && (p & 0xff) == CACHE_BYTES) {
			load_all(so, lt, gt, t.d + CACHE_BYTES);
			st[nst++] = (struct task){ lt, gt - lt, t.d + CACHE_BYTES, budget };
		}
	}
	free(st);
}

void
stacktable_sort_items(void *v[], size_t n, size_t len_off, size_t len_size, size_t key_off, int order)
{
	struct sorter so = { .len_off = len_off, .len_size = len_size, .key_off = key_off, .v = v };
	size_t i;

	for (int b = 0; b < 256; b++)
		so.map[b] = (unsigned char)(order == STACKTABLE_FRAMES ?
		    (b == ';' ? 0 : b < ';' ? b + 1 : b) : b);
	/* a sorted input, as prof writes them, costs one pass */
	for (i = 1; i < n && cmp_from(&so, v[i - 1], v[i], 0) <= 0; i++)
		;
	if (i >= n)
		return;
	so.c = xreallocarray(NULL, n, sizeof(*so.c));
	mkqs(&so, n);
	free(so.c);
}

void
stacktable_sort(struct stacktable_entry **v, size_t n, int order)
{
	stacktable_sort_items((void **)v, n, offsetof(struct stacktable_entry, len), sizeof(size_t),
	    offsetof(struct stacktable_entry, key), order);
}

struct stacktable_entry **
stacktable_sorted(struct stacktable *t, size_t *n)
{
	size_t count = stacktable_count(t), i = 0;
	struct stacktable_entry **v = xreallocarray(NULL, count, sizeof(*v)), *e, *tmp;

	HASH_ITER(hh, t->head, e, tmp)
		v[i++] = e;
	stacktable_sort(v, count, STACKTABLE_BYTES);
	*n = count;
	return v;
}
