#define _GNU_SOURCE
#include "flame/flame.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "core/util.h"
#include "folded/frame.h"
#include "folded/stacktable.h"

/* Finding the child of a node by name: one open-addressing table over
 * all nodes, keyed by (parent, name). */
struct priv {
	uint32_t *slots;        /* node index + 1; 0 empty */
	size_t nslots;
	uint32_t *last;         /* last child of each node, for appending */
	uint32_t *prev;         /* previous sibling of each node */
	count_t *gap;           /* width of the dropped siblings just before */
	count_t *pending;       /* width dropped after a node's last child */
	unsigned char *dropped;
	size_t cap;             /* room in v and the arrays beside it */
	char **blocks;          /* name arena */
	size_t nblocks, used, size;
	count_t cut;
	/* FLAME_SORTED: the path of the last stack added, whose nodes are
	 * the last children of their parents.  path[d] is its node at depth
	 * d (path[0] the root), end[d] where that frame ends in laststack, and
	 * acc[d] counts of stacks ending at or below path[d] not yet in its
	 * total: a total is settled when the path leaves the node, so a
	 * stack costs the frames it does not share with the one before. */
	uint32_t *path;
	size_t *end;
	count_t (*acc)[2];
	size_t depth, pathcap;
	char *laststack;        /* its bytes */
	size_t lastlen, lastcap;
};

static unsigned
key_hash(uint32_t parent, const char *name, size_t len)
{
	return stacktable_hash(name, len) ^ (parent * 0x9e3779b1u);
}

static const char *
intern(struct priv *p, const char *s, size_t n)
{
	char *d;

	/* An empty frame name (";a", "a;;b") is legal; it owns no bytes, and
	 * before the first block exists there is nowhere to point into. */
	if (n == 0)
		return "";
	if (p->used + n > p->size) {
		p->size = n > 65536 ? n : 65536;
		p->blocks = xreallocarray(p->blocks, p->nblocks + 1, sizeof(*p->blocks));
		p->blocks[p->nblocks++] = xmalloc(p->size);
		p->used = 0;
	}
	d = p->blocks[p->nblocks - 1] + p->used;
	memcpy(d, s, n);
	p->used += n;
	return d;
}

static void
rehash(struct flame *f)
{
	struct priv *p = f->priv;
	size_t n = p->nslots ? p->nslots * 2 : 1024;

	free(p->slots);
	p->slots = xcalloc(n, sizeof(*p->slots));
	p->nslots = n;
	for (uint32_t i = 1; i < f->n; i++) {
		size_t h = key_hash(f->v[i].parent, f->v[i].name, f->v[i].len) & (n - 1);
		while (p->slots[h])
			h = (h + 1) & (n - 1);
		p->slots[h] = i + 1;
	}
}

struct flame *
flame_new(int flags, int diff)
{
	struct flame *f = xcalloc(1, sizeof(*f));
	struct priv *p = xcalloc(1, sizeof(*p));

	f->flags = flags;
	f->diff = diff;
	f->priv = p;
	p->cap = 1024;
	f->v = xcalloc(p->cap, sizeof(*f->v));
	p->last = xcalloc(p->cap, sizeof(*p->last));
	p->prev = xcalloc(p->cap, sizeof(*p->prev));
	p->gap = xcalloc(p->cap, sizeof(*p->gap));
	p->pending = xcalloc(p->cap, sizeof(*p->pending));
	f->n = 1;
	f->v[0].name = "all";
	f->v[0].len = 3;
	p->pathcap = 64;
	p->path = xcalloc(p->pathcap, sizeof(*p->path));
	p->end = xcalloc(p->pathcap, sizeof(*p->end));
	p->acc = xcalloc(p->pathcap, sizeof(*p->acc));
	rehash(f);
	return f;
}

static uint32_t
new_node(struct flame *f, uint32_t parent, const char *name, size_t len)
{
	struct priv *p = f->priv;
	uint32_t i = (uint32_t)f->n;
	struct flame_node *v;

	/* (f->n goes down too, when frames are dropped as they are added) */
	if (f->n == p->cap) {
		p->cap *= 2;
		f->v = xreallocarray(f->v, p->cap, sizeof(*f->v));
		p->last = xreallocarray(p->last, p->cap, sizeof(*p->last));
		p->prev = xreallocarray(p->prev, p->cap, sizeof(*p->prev));
		p->gap = xreallocarray(p->gap, p->cap, sizeof(*p->gap));
		p->pending = xreallocarray(p->pending, p->cap, sizeof(*p->pending));
	}
	if (f->n == UINT32_MAX - 1)
		die("more than 4 billion frames in one graph");
	/* field by field: a node is made for every frame of a profile, and
	 * zeroing it whole is a slow string instruction */
	v = &f->v[i];
	v->name = intern(p, name, len);
	v->len = len;
	v->total[0] = v->total[1] = v->self[0] = v->self[1] = v->hidden = v->x = 0;
	v->parent = parent;
	v->child = v->next = 0;
	v->depth = f->v[parent].depth + 1;
	v->nhidden = 0;
	p->last[i] = 0;
	p->prev[i] = p->last[parent];
	p->gap[i] = p->pending[parent];
	p->pending[parent] = 0;
	p->pending[i] = 0;
	if (p->last[parent])
		f->v[p->last[parent]].next = i;
	else
		f->v[parent].child = i;
	p->last[parent] = i;
	f->n++;
	if (f->flags & (FLAME_CHART | FLAME_SORTED))
		return i;
	if (f->n * 2 > p->nslots)
		rehash(f);
	else {
		size_t h = key_hash(parent, name, len) & (p->nslots - 1);
		while (p->slots[h])
			h = (h + 1) & (p->nslots - 1);
		p->slots[h] = i + 1;
	}
	return i;
}

static void
drop_last(struct flame *f, uint32_t parent)
{
	struct priv *p = f->priv;
	uint32_t l = p->last[parent], before = p->prev[l];
	struct flame_node *v = &f->v[parent];

	count_add(&p->pending[parent], p->gap[l]);
	count_add(&p->pending[parent], f->v[l].total[0]);
	count_add(&v->hidden, f->v[l].total[0]);
	v->nhidden++;
	p->last[parent] = before;
	if (before)
		f->v[before].next = 0;
	else
		v->child = 0;
	f->n = l;
}

void
flame_set_cut(struct flame *f, count_t cut)
{
	((struct priv *)f->priv)->cut = cut;
}

static uint32_t
child(struct flame *f, uint32_t parent, const char *name, size_t len)
{
	struct priv *p = f->priv;

	if (f->flags & (FLAME_CHART | FLAME_SORTED)) {
		/* time or frame order: only the latest child can continue */
		uint32_t l = p->last[parent];
		if (l && f->v[l].len == len && memcmp(f->v[l].name, name, len) == 0)
			return l;
		/* In frame order the last child is complete once another begins:
		 * if too narrow to draw, it and all after it (its subtree) go,
		 * their width kept as a gap, their count in the parent's hidden. */
		if (l && (f->flags & FLAME_SORTED) && p->cut > 0 && f->v[l].total[0] < p->cut)
			drop_last(f, parent);
		return new_node(f, parent, name, len);
	}
	for (size_t h = key_hash(parent, name, len) & (p->nslots - 1); p->slots[h];
	    h = (h + 1) & (p->nslots - 1)) {
		struct flame_node *c = &f->v[p->slots[h] - 1];
		if (c->parent == parent && c->len == len && memcmp(c->name, name, len) == 0)
			return p->slots[h] - 1;
	}
	return new_node(f, parent, name, len);
}

static void
add_counts(struct flame_node *v, const count_t w[2], int self)
{
	for (int k = 0; k < 2; k++) {
		if (count_add(&v->total[k], w[k]) < 0)
			die("count overflow");
		if (self)
			count_add(&v->self[k], w[k]);
	}
}

/* The length of the prefix a[0..n) and b[0..m) have in common. */
static size_t
common_prefix(const char *a, size_t n, const char *b, size_t m)
{
	size_t k = n < m ? n : m, i = 0;

#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
	/* eight bytes at a time; the lowest set bit of x ^ y is in the
	 * first byte that differs */
	for (; i + 8 <= k; i += 8) {
		uint64_t x, y;

		memcpy(&x, a + i, 8);
		memcpy(&y, b + i, 8);
		if (x != y)
			return i + (size_t)__builtin_ctzll(x ^ y) / 8;
	}
#endif
	while (i < k && a[i] == b[i])
		i++;
	return i;
}

/* Settles the totals of the nodes of the last path deeper than d: each
 * takes its pending counts and hands them to its parent. */
static void
settle(struct flame *f, size_t d)
{
	struct priv *p = f->priv;

	for (; p->depth > d; p->depth--) {
		size_t k = p->depth;

		add_counts(&f->v[p->path[k]], p->acc[k], 0);
		/* no overflow: the root's total, checked, is larger */
		for (int i = 0; i < 2; i++) {
			p->acc[k - 1][i] += p->acc[k][i];
			p->acc[k][i] = 0;
		}
	}
}

/* flame_add in frame order: the frames shared with the last stack are
 * its path's, found by comparing the bytes once. */
static void
add_sorted(struct flame *f, const char *stack, size_t len, const count_t w[2])
{
	struct priv *p = f->priv;
	size_t l = common_prefix(p->laststack, p->lastlen, stack, len), k = 0;

	/* frame k + 1 is shared when its end, a ';' or the end of both
	 * stacks, is in the common prefix */
	while (k < p->depth && (p->end[k + 1] < l ||
	    (p->end[k + 1] == l && (l == len || stack[l] == ';'))))
		k++;
	settle(f, k);
	if (k == 0 || p->end[k] < len) {
		size_t s = k == 0 ? 0 : p->end[k] + 1;

		for (;;) {
			const char *semi = memchr(stack + s, ';', len - s);
			size_t e = semi ? (size_t)(semi - stack) : len;
			uint32_t c = child(f, p->path[k], stack + s, e - s);

			if (++k >= p->pathcap) {
				p->pathcap *= 2;
				p->path = xreallocarray(p->path, p->pathcap, sizeof(*p->path));
				p->end = xreallocarray(p->end, p->pathcap, sizeof(*p->end));
				p->acc = xreallocarray(p->acc, p->pathcap, sizeof(*p->acc));
			}
			p->path[k] = c;
			p->end[k] = e;
			p->acc[k][0] = p->acc[k][1] = 0;
			if (semi == NULL)
				break;
			s = e + 1;
		}
	}
	p->depth = k;
	for (int i = 0; i < 2; i++) {
		p->acc[k][i] += w[i];
		count_add(&f->v[p->path[k]].self[i], w[i]);
	}
	if (len > p->lastcap)
		p->laststack = xrealloc(p->laststack, p->lastcap = len * 2);
	if (len > 0)   /* an empty stack first: there is no buffer yet */
		memcpy(p->laststack, stack, len);
	p->lastlen = len;
}

void
flame_add(struct flame *f, const char *stack, size_t len, const count_t n[2])
{
	count_t w[2];
	uint32_t at = 0;

	if (f->diff) {
		w[0] = f->flags & FLAME_NEGATE ? n[0] : n[1];
		w[1] = f->flags & FLAME_NEGATE ? n[1] : n[0];
	} else {
		w[0] = n[0];
		w[1] = 0;
	}
	add_counts(&f->v[0], w, 0);
	if ((f->flags & FLAME_SORTED) && !(f->flags & FLAME_REVERSE)) {
		add_sorted(f, stack, len, w);
		return;
	}
	if (f->flags & FLAME_REVERSE) {
		const char *end = stack + len;
		for (;;) {
			const char *semi = end;
			while (semi > stack && semi[-1] != ';')
				semi--;
			at = child(f, at, semi, (size_t)(end - semi));
			add_counts(&f->v[at], w, 0);
			if (semi == stack)
				break;
			end = semi - 1;
		}
	} else {
		const char *s = stack, *end = stack + len;
		for (;;) {
			const char *semi = memchr(s, ';', (size_t)(end - s));
			const char *e = semi ? semi : end;
			at = child(f, at, s, (size_t)(e - s));
			add_counts(&f->v[at], w, 0);
			if (semi == NULL)
				break;
			s = semi + 1;
		}
	}
	/* the last frame reached is where the samples were taken */
	for (int k = 0; k < 2; k++)
		count_add(&f->v[at].self[k], w[k]);
}

/* Node indexes by the nodes' names; arg is the graph. */
static int
by_name(const void *a, const void *b, void *arg)
{
	const struct flame *f = arg;
	const struct flame_node *x = &f->v[*(const uint32_t *)a];
	const struct flame_node *y = &f->v[*(const uint32_t *)b];
	size_t n = x->len < y->len ? x->len : y->len;
	int c = memcmp(x->name, y->name, n);

	return c ? c : (x->len > y->len) - (x->len < y->len);
}

void
flame_finish(struct flame *f, count_t cut)
{
	struct priv *p = f->priv;
	uint32_t *kids = NULL;
	size_t cap = 0;

	settle(f, 0);
	p->cut = cut;
	p->dropped = xcalloc(f->n, 1);
	/* Parents are created before their children, so one pass in index
	 * order sees every parent settled before its children. */
	for (uint32_t i = 0; i < f->n; i++) {
		struct flame_node *v = &f->v[i];
		size_t k = 0;
		count_t x = v->x;

		if (p->dropped[i]) {
			for (uint32_t c = v->child; c; c = f->v[c].next)
				p->dropped[c] = 1;
			continue;
		}
		if (v->depth > f->maxdepth)
			f->maxdepth = v->depth;
		for (uint32_t c = v->child; c; c = f->v[c].next) {
			if (k == cap)
				kids = xreallocarray(kids, (cap = cap ? cap * 2 : 64), sizeof(*kids));
			kids[k++] = c;
		}
		/* in frame order, children come in name order */
		if (!(f->flags & (FLAME_CHART | FLAME_SORTED)) && k > 1)
			qsort_r(kids, k, sizeof(*kids), by_name, f);
		v->child = 0;
		for (size_t j = k; j > 0; j--) {
			f->v[kids[j - 1]].next = v->child;
			v->child = kids[j - 1];
		}
		for (uint32_t c = v->child; c; c = f->v[c].next) {
			x += p->gap[c];
			f->v[c].x = x;
			x += f->v[c].total[0];
			if (cut > 0 && f->v[c].total[0] < cut) {
				p->dropped[c] = 1;
				v->hidden += f->v[c].total[0];
				v->nhidden++;
			}
		}
	}
	free(kids);
}

/* Frame order (flame_sort's) of two stacks of flat tables. */
static int
frame_order(const struct stacktable_stack *x, const struct stacktable_stack *y)
{
	size_t i = common_prefix(x->key, x->len, y->key, y->len);

	if (i < x->len && i < y->len) {
		unsigned char c = (unsigned char)x->key[i], d = (unsigned char)y->key[i];
		int cc = c == ';' ? 0 : c + 1, dd = d == ';' ? 0 : d + 1;

		return cc - dd;
	}
	return (x->len > y->len) - (x->len < y->len);
}

/* Merges the sorted v[lo..mid) and v[mid..hi) into out[lo..hi). */
static void
merge(struct stacktable_stack **v, size_t lo, size_t mid, size_t hi, struct stacktable_stack **out)
{
	size_t i = lo, j = mid, k = lo;

	while (i < mid && j < hi)
		out[k++] = frame_order(v[j], v[i]) < 0 ? v[j++] : v[i++];
	memcpy(out + k, v + i, (mid - i) * sizeof(*v));
	k += mid - i;
	memcpy(out + k, v + j, (hi - j) * sizeof(*v));
}

/*
 * Merges the sorted runs v[run[0]..run[1]), v[run[1]..run[2]), ...
 * (run[nrun] is n), pairwise until at most two are left; returns how
 * many.
 */
static size_t
merge_runs(struct stacktable_stack **v, size_t n, size_t *run, size_t nrun)
{
	struct stacktable_stack **tmp, **src = v, **dst;

	if (nrun <= 2)
		return nrun;
	dst = tmp = xreallocarray(NULL, n, sizeof(*tmp));
	while (nrun > 2) {
		size_t m = 0;

		for (size_t r = 0; r < nrun; r += 2, m++) {
			if (r + 1 < nrun)
				merge(src, run[r], run[r + 1], run[r + 2], dst);
			else
				memcpy(dst + run[r], src + run[r], (run[r + 1] - run[r]) * sizeof(*src));
			run[m] = run[r];
		}
		run[m] = n;
		nrun = m;
		dst = src;
		src = src == v ? tmp : v;
	}
	if (src != v)
		memcpy(v, src, n * sizeof(*v));
	free(tmp);
	return nrun;
}

void
flame_sort(struct stacktable_entry **v, size_t n)
{
	stacktable_sort(v, n, STACKTABLE_FRAMES);
}

/* How far ahead stacks are asked for from memory. */
#define AHEAD 8

static void *
sort_job(void *arg)
{
	stacktable_flat_sort(arg, STACKTABLE_FRAMES);
	return NULL;
}

struct flame *
flame_from_flat(struct stacktable_flat *const t[], int k, int diff, int flags, const struct flame_cut *c)
{
	struct stacktable_stack **v;
	pthread_t *th = xcalloc((size_t)k, sizeof(*th));
	char *started = xcalloc((size_t)k, 1);
	size_t n = 0, *run = xcalloc((size_t)k + 1, sizeof(*run)), nrun = 0;
	count_t total = 0, w[2];
	struct flame *f;
	/* the width count's total is known before the tree is built, so
	 * that frames too narrow are dropped as they are added */
	int wi = diff && !(flags & FLAME_NEGATE) ? 1 : 0;

	/* each table sorted apart, in parallel, then merged: a stack in
	 * several tables comes as equal neighbours, which add up */
	for (int i = 0; i < k; i++) {
		if (count_add(&total, t[i]->total[wi]) < 0)
			die("count overflow");
		started[i] = i > 0 && pthread_create(&th[i], NULL, sort_job, t[i]) == 0;
	}
	for (int i = 0; i < k; i++) {
		if (started[i])
			pthread_join(th[i], NULL);
		else
			sort_job(t[i]);
		if (t[i]->n > 0)
			run[nrun++] = n;
		n += t[i]->n;
	}
	run[nrun] = n;
	v = xreallocarray(NULL, n ? n : 1, sizeof(*v));
	n = 0;
	for (int i = 0; i < k; i++) {
		if (t[i]->n > 0)   /* a table with no stack has no array */
			memcpy(v + n, t[i]->v, t[i]->n * sizeof(*v));
		n += t[i]->n;
	}
	f = flame_new(flags | FLAME_SORTED, diff);
	flame_set_cut(f, flame_cut_count(c, total));
	/* the last two runs are merged as the stacks are added, so that
	 * each is read once, in the order the tree wants them */
	if (merge_runs(v, n, run, nrun) == 2) {
		size_t i = run[0], mid = run[1], j = mid;

		while (i < mid || j < n) {
			struct stacktable_stack *e;

			/* the stacks lie anywhere: ask for those ahead early */
			if (i + AHEAD < mid)
				__builtin_prefetch(v[i + AHEAD]);
			if (j + AHEAD < n)
				__builtin_prefetch(v[j + AHEAD]);
			e = j == n || (i < mid && frame_order(v[j], v[i]) >= 0) ? v[i++] : v[j++];
			stacktable_stack_counts(e, w);
			flame_add(f, e->key, e->len, w);
		}
	} else {
		for (size_t i = 0; i < n; i++) {
			if (i + AHEAD < n)
				__builtin_prefetch(v[i + AHEAD]);
			stacktable_stack_counts(v[i], w);
			flame_add(f, v[i]->key, v[i]->len, w);
		}
	}
	free(v);
	free(th);
	free(started);
	free(run);
	return f;
}

void
flame_label(const char *frame, size_t len, char *buf, struct flame_label *l)
{
	struct frame_parts fp;

	memset(l, 0, sizeof(*l));
	l->fn = frame;
	l->fn_len = len;
	if (memchr(frame, '\t', len) == NULL)
		return;
	frame_split(frame, len, &fp);
	l->loc = fp.loc;
	l->loc_len = fp.loc_len;
	l->file_len = fp.file_len;
	l->module = fp.module;
	l->module_len = fp.module_len;
	l->fn_len = fp.name_len;
	if (fp.suffix_len > 0) {
		memcpy(buf, fp.name, fp.name_len);
		memcpy(buf + fp.name_len, fp.suffix, fp.suffix_len);
		l->fn = buf;
		l->fn_len += fp.suffix_len;
	}
}

int
flame_dropped(const struct flame *f, uint32_t i)
{
	const struct priv *p = f->priv;

	return p->dropped != NULL && p->dropped[i];
}

void
flame_free(struct flame *f)
{
	struct priv *p;

	if (f == NULL)
		return;
	p = f->priv;
	for (size_t i = 0; i < p->nblocks; i++)
		free(p->blocks[i]);
	free(p->blocks);
	free(p->slots);
	free(p->last);
	free(p->prev);
	free(p->gap);
	free(p->pending);
	free(p->dropped);
	free(p->path);
	free(p->end);
	free(p->acc);
	free(p->laststack);
	free(p);
	free(f->v);
	free(f);
}
