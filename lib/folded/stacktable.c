#define _GNU_SOURCE  /* qsort_r */
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
 * each item, fifteen bytes of its key from the depth reached and how many
 * of them there are (Rantala's caching), as one integer: items are
 * compared as integers in one array, and a key is read again only when
 * more bytes are needed.  Long common prefixes, the rule in stacks,
 * are read once.  In frame order the bytes are mapped so that ';' is the
 * smallest and the order of the others stays: (b < ';' ? b + 1 : b) for
 * the rest, a bijection, so that integer order is frame order.
 */
typedef unsigned __int128 sortkey;
#define SORTKEY_BYTES 15

struct sortent {
	sortkey c;      /* SORTKEY_BYTES mapped key bytes from the depth,
	                   big-endian, 0-padded, then their number */
	void *item;
};

struct sorter {
	const char *(*key)(const void *item, size_t *len);
	unsigned char map[256];
};

static sortkey
load(const struct sorter *so, const void *item, size_t d)
{
	size_t len, k;
	const unsigned char *s = (const unsigned char *)so->key(item, &len);
	sortkey c = 0;

	k = len > d ? len - d : 0;
	if (k > SORTKEY_BYTES)
		k = SORTKEY_BYTES;
	for (size_t i = 0; i < k; i++)
		c = c << 8 | so->map[s[d + i]];
	return (c << (8 * (SORTKEY_BYTES - k)) << 8) | k;
}

/* The keys of x and y, equal before depth d, compared from there. */
static int
cmp_from(const struct sorter *so, const void *x, const void *y, size_t d)
{
	size_t xl, yl;
	const unsigned char *a = (const unsigned char *)so->key(x, &xl);
	const unsigned char *b = (const unsigned char *)so->key(y, &yl);
	size_t n = xl < yl ? xl : yl;

	for (size_t i = d; i < n; i++)
		if (a[i] != b[i])
			return so->map[a[i]] - so->map[b[i]];
	return (xl > yl) - (xl < yl);
}

static void
swap(struct sortent *a, size_t i, size_t j)
{
	struct sortent t = a[i];

	a[i] = a[j];
	a[j] = t;
}

/* Insertion sort of a[0..n), equal before depth d, caches at d. */
static void
small_sort(const struct sorter *so, struct sortent *a, size_t n, size_t d)
{
	for (size_t i = 1; i < n; i++)
		for (size_t j = i; j > 0; j--) {
			int c = a[j - 1].c < a[j].c ? -1 : a[j - 1].c > a[j].c ? 1 :
			    (a[j].c & 0xff) == SORTKEY_BYTES ?
			    cmp_from(so, a[j - 1].item, a[j].item, d + SORTKEY_BYTES) : 0;
			if (c <= 0)
				break;
			swap(a, j - 1, j);
		}
}

static sortkey
median3(sortkey x, sortkey y, sortkey z)
{
	return x < y ? (y < z ? y : x < z ? z : x) : (x < z ? x : y < z ? z : y);
}

struct task {
	size_t lo, n, d;
	int budget;     /* partitions left before it is not worth the risk */
};

struct fallback {
	const struct sorter *so;
	size_t d;
};

static int
cmp_fallback(const void *a, const void *b, void *arg)
{
	const struct sortent *x = a, *y = b;
	const struct fallback *fb = arg;

	if (x->c != y->c)
		return x->c < y->c ? -1 : 1;
	return (x->c & 0xff) == SORTKEY_BYTES ? cmp_from(fb->so, x->item, y->item, fb->d + SORTKEY_BYTES) : 0;
}

static void
mkqs(const struct sorter *so, struct sortent *a, size_t n)
{
	struct task *st = NULL;
	size_t nst = 0, cap = 0;

	int budget = 4;

	for (size_t m = n; m > 1; m >>= 1)
		budget += 2;
	for (size_t i = 0; i < n; i++)
		a[i].c = load(so, a[i].item, 0);
	st = xreallocarray(st, cap = 64, sizeof(*st));
	st[nst++] = (struct task){ 0, n, 0, budget };
	while (nst > 0) {
		struct task t = st[--nst];
		struct sortent *b = a + t.lo;
		size_t lt = 0, i = 0, gt = t.n;
		sortkey p;

		if (t.n < 16) {
			small_sort(so, b, t.n, t.d);
			continue;
		}
		if (t.budget == 0) {
			/* pivots that split badly, over and over (input made to
			 * defeat the median of three): a merge sort, n log n */
			struct fallback fb = { so, t.d };
			qsort_r(b, t.n, sizeof(*b), cmp_fallback, &fb);
			continue;
		}
		p = median3(b[0].c, b[t.n / 2].c, b[t.n - 1].c);
		/* Dijkstra's three-way partition: [0,lt) < p, [lt,i) = p, [gt,n) > p */
		while (i < gt) {
			if (b[i].c < p)
				swap(b, lt++, i++);
			else if (b[i].c > p)
				swap(b, i, --gt);
			else
				i++;
		}
		if (nst + 3 > cap)
			st = xreallocarray(st, cap *= 2, sizeof(*st));
		if (lt > 1)
			st[nst++] = (struct task){ t.lo, lt, t.d, t.budget - 1 };
		if (t.n - gt > 1)
			st[nst++] = (struct task){ t.lo + gt, t.n - gt, t.d, t.budget - 1 };
		/* equal to p: the same key so far, and longer if p is whole */
		if (gt - lt > 1 && (p & 0xff) == SORTKEY_BYTES) {
			for (size_t k = lt; k < gt; k++)
				b[k].c = load(so, b[k].item, t.d + SORTKEY_BYTES);
			st[nst++] = (struct task){ t.lo + lt, gt - lt, t.d + SORTKEY_BYTES, budget };
		}
	}
	free(st);
}

void
stacktable_sort(void *v[], size_t n, const char *(*key)(const void *item, size_t *len), int order)
{
	struct sorter so = { .key = key };
	struct sortent *a;
	size_t i;

	for (int b = 0; b < 256; b++)
		so.map[b] = (unsigned char)(order == STACKTABLE_FRAMES ?
		    (b == ';' ? 0 : b < ';' ? b + 1 : b) : b);
	/* a sorted input, as prof writes them, costs one pass */
	for (i = 1; i < n && cmp_from(&so, v[i - 1], v[i], 0) <= 0; i++)
		;
	if (i >= n)
		return;
	a = xreallocarray(NULL, n, sizeof(*a));
	for (i = 0; i < n; i++)
		a[i].item = v[i];
	mkqs(&so, a, n);
	for (i = 0; i < n; i++)
		v[i] = a[i].item;
	free(a);
}

static const char *
entry_key(const void *item, size_t *len)
{
	const struct stacktable_entry *e = item;

	*len = e->len;
	return e->key;
}

struct stacktable_entry **
stacktable_sorted(struct stacktable *t, size_t *n)
{
	size_t count = stacktable_count(t), i = 0;
	struct stacktable_entry **v = xreallocarray(NULL, count, sizeof(*v)), *e, *tmp;

	HASH_ITER(hh, t->head, e, tmp)
		v[i++] = e;
	stacktable_sort((void **)v, count, entry_key, STACKTABLE_BYTES);
	*n = count;
	return v;
}
