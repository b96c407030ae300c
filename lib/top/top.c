#define _GNU_SOURCE
#include <pthread.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "core/util.h"

#define HASH_FUNCTION(keyptr, keylen, hashv) ((hashv) = stacktable_hash((keyptr), (keylen)))
#include "folded/frame.h"
#include "top/top.h"

enum { F_FOCUS = 1, F_IGNORE = 2, F_HIDE = 4 };

/* A distinct frame as written, and what it maps to; the cache that makes
 * each distinct frame cost one split and one regexec per expression. */
struct fent {
	uint32_t row;
	unsigned flags;
	size_t len;
	char key[];
};

/* A row's name in the row index. */
struct rent {
	UT_hash_handle hh;
	uint32_t row;
	size_t len;
	char key[];
};

/* Per-row state while building. */
struct rstate {
	uint32_t active;            /* occurrences on the open path */
	uint64_t caller_stamp, callee_stamp;
	count_t caller[2], callee[2];
};

/* The distinct frames, an open-addressing table at most half full: a
 * lookup is one probe of a slot and one key, where uthash's chains cost
 * several cache misses, and this lookup is most of top_add's time. */
struct fslot {
	unsigned hash;
	struct fent *e;
};

struct priv {
	struct fslot *frames;
	size_t fslots, nframes;
	struct rent *names;
	struct rstate *st;
	size_t cap;
	const struct top_opts *o;
	long peek;                  /* the peeked row, or -1 */
	char *buf;                  /* scratch for keys and regexec */
	size_t bufcap;
	/* The last stack's frames ([0]) and this one's ([1]), per frame i:
	 * the frame, the flags of frames 0..i, how many of 0..i are kept
	 * (not hidden); and the rows of the kept frames. */
	struct fent **f[2];
	unsigned *any[2];
	size_t *kept[2];
	uint32_t *rows[2];
	size_t nprev, fcap;
	/* The open path: the rows of the last stack kept, each with the count
	 * of the stacks through it so far, and whether it is the outermost
	 * occurrence of its row (recursion counts once). */
	uint32_t *prow;
	count_t (*pacc)[2];
	char *pouter;
	size_t pathn, pathcap;
	char *pkey;                 /* the last stack */
	size_t plen, pcap;
	uint64_t stamp, root_stamp; /* stacks added */
	count_t root[2], self[2];   /* the peeked row as root, as leaf */
};

static const char *const granularities[] = { "function", "file", "line", "module" };

int
top_granularity_parse(const char *s)
{
	for (int i = 0; i < 4; i++)
		if (strcmp(s, granularities[i]) == 0)
			return i;
	return -1;
}

int
top_sort_parse(const char *s)
{
	static const char *const sorts[] = { "flat", "cum", "name", "delta" };

	for (int i = 0; i < 4; i++)
		if (strcmp(s, sorts[i]) == 0)
			return i;
	return -1;
}

static char *
scratch(struct priv *p, size_t n)
{
	if (n > p->bufcap)
		p->buf = xrealloc(p->buf, p->bufcap = n * 2);
	return p->buf;
}

static uint32_t
row_of(struct top *tp, const char *key, size_t len, int located)
{
	struct priv *p = tp->priv;
	struct rent *r;

	HASH_FIND(hh, p->names, key, len, r);
	if (r == NULL) {
		if (tp->n == p->cap) {
			p->cap = p->cap ? 2 * p->cap : 256;
			tp->rows = xreallocarray(tp->rows, p->cap, sizeof(*tp->rows));
			p->st = xreallocarray(p->st, p->cap, sizeof(*p->st));
		}
		r = xmalloc(sizeof(*r) + len + 1);
		memcpy(r->key, key, len);
		r->key[len] = '\0';
		r->len = len;
		r->row = (uint32_t)tp->n;
		HASH_ADD(hh, p->names, key[0], len, r);
		memset(&tp->rows[tp->n], 0, sizeof(tp->rows[0]));
		memset(&p->st[tp->n], 0, sizeof(p->st[0]));
		tp->rows[tp->n].name = r->key;
		tp->rows[tp->n].len = len;
		tp->rows[tp->n].located = 1;
		if (p->o->peek != NULL && len == p->o->peek_len && memcmp(key, p->o->peek, len) == 0)
			p->peek = (long)tp->n;
		tp->n++;
	}
	if (!located && tp->rows[r->row].located) {
		tp->rows[r->row].located = 0;
		tp->unlocated++;
	}
	return r->row;
}

/* The filters that match the frame (frame_match). */
static unsigned
flags_of(struct priv *p, const struct frame_parts *fp)
{
	const regex_t *res[3] = { p->o->focus, p->o->ignore, p->o->hide };
	size_t n = fp->name_len + fp->suffix_len + fp->loc_len + fp->module_len + 1;
	char *b = scratch(p, n);
	unsigned flags = 0;

	for (int i = 0; i < 3; i++)
		if (res[i] != NULL && frame_match(res[i], fp, b))
			flags |= 1u << i;
	return flags;
}

static void
grow_slots(struct priv *p)
{
	size_t n = p->fslots ? 2 * p->fslots : 1024, mask = n - 1;
	struct fslot *v = xcalloc(n, sizeof(*v));

	for (size_t i = 0; i < p->fslots; i++)
		if (p->frames[i].e != NULL) {
			size_t j = p->frames[i].hash & mask;
			while (v[j].e != NULL)
				j = (j + 1) & mask;
			v[j] = p->frames[i];
		}
	free(p->frames);
	p->frames = v;
	p->fslots = n;
}

static struct fent *
frame_of(struct top *tp, const char *f, size_t n)
{
	struct priv *p = tp->priv;
	struct frame_parts fp;
	struct fent *e;
	char *k;
	size_t klen;
	int located = 1, ann;

	unsigned h = stacktable_hash(f, n);
	size_t i, mask = p->fslots - 1;

	for (i = h & mask; p->frames[i].e != NULL; i = (i + 1) & mask) {
		e = p->frames[i].e;
		if (p->frames[i].hash == h && e->len == n && memcmp(e->key, f, n) == 0)
			return e;
	}
	frame_split(f, n, &fp);
	ann = frame_annotation(&fp);
	k = scratch(p, fp.name_len + fp.suffix_len + fp.loc_len + 2);
	/* An inlined frame is its function; other annotations tell code
	 * apart (a kernel function is not a user one of the same name). */
	memcpy(k, fp.name, fp.name_len);
	klen = fp.name_len;
	if (ann != 'i') {
		memcpy(k + klen, fp.suffix, fp.suffix_len);
		klen += fp.suffix_len;
	}
	switch (p->o->granularity) {
	case TOP_FILE:
		if (fp.file_len > 0)
			k = (char *)fp.file, klen = fp.file_len;
		else
			located = 0;
		break;
	case TOP_LINE:
		if (fp.loc_len > 0) {
			k[klen++] = ' ';
			memcpy(k + klen, fp.loc, fp.loc_len);
			klen += fp.loc_len;
		} else
			located = 0;
		break;
	case TOP_MODULE:
		if (fp.module_len > 0)
			k = (char *)fp.module, klen = fp.module_len;
		else
			located = 0;
		break;
	}
	e = xmalloc(sizeof(*e) + n + 1);
	e->row = row_of(tp, k, klen, located);
	memcpy(e->key, f, n);
	e->key[n] = '\0';
	e->len = n;
	e->flags = flags_of(p, &fp);
	p->frames[i] = (struct fslot){ h, e };
	if (++p->nframes * 2 > p->fslots)
		grow_slots(p);
	return e;
}

static void
add2(count_t a[2], const count_t b[2])
{
	a[0] += b[0];
	a[1] += b[1];
}

/* Callers and callees of the peeked row in one stack of rows v[0..n). */
static void
peek_stack(struct top *tp, const uint32_t *v, size_t n, uint64_t stamp, const count_t c[2])
{
	struct priv *p = tp->priv;
	count_t *root = p->root, *self = p->self;
	uint64_t *root_stamp = &p->root_stamp;
	uint32_t pk = (uint32_t)p->peek;

	for (size_t j = 0; j < n; j++) {
		if (v[j] != pk)
			continue;
		if (j == 0) {
			if (*root_stamp != stamp) {
				*root_stamp = stamp;
				add2(root, c);
			}
		} else if (p->st[v[j - 1]].caller_stamp != stamp) {
			p->st[v[j - 1]].caller_stamp = stamp;
			add2(p->st[v[j - 1]].caller, c);
		}
		if (j == n - 1)
			add2(self, c);  /* the leaf occurs once per stack */
		else if (p->st[v[j + 1]].callee_stamp != stamp) {
			p->st[v[j + 1]].callee_stamp = stamp;
			add2(p->st[v[j + 1]].callee, c);
		}
	}
}

/* Rows of a differential profile sort by AFTER's count: *diff is 1. */
static int
peek_cmp(const void *a, const void *b, void *diff)
{
	const struct top_peek_row *x = a, *y = b;
	int i = *(const int *)diff;
	size_t m = x->len < y->len ? x->len : y->len;
	int c;

	if (x->n[i] != y->n[i])
		return x->n[i] > y->n[i] ? -1 : 1;
	if (x->n[!i] != y->n[!i])
		return x->n[!i] > y->n[!i] ? -1 : 1;
	c = memcmp(x->name, y->name, m);
	return c ? c : (x->len > y->len) - (x->len < y->len);
}

static void
peek_collect(struct top *tp)
{
	struct priv *p = tp->priv;
	const count_t *root = p->root, *self = p->self;
	size_t nc = 1, ne = 1;

	tp->peek_found = p->peek >= 0;
	if (!tp->peek_found)
		return;
	tp->callers = xcalloc(tp->n + 1, sizeof(*tp->callers));
	tp->callees = xcalloc(tp->n + 1, sizeof(*tp->callees));
	tp->callers[0] = (struct top_peek_row){ "(root)", 6, { root[0], root[1] } };
	tp->callees[0] = (struct top_peek_row){ "(self)", 6, { self[0], self[1] } };
	if (root[0] == 0 && root[1] == 0)
		nc = 0;
	if (self[0] == 0 && self[1] == 0)
		ne = 0;
	for (size_t i = 0; i < tp->n; i++) {
		const struct rstate *s = &p->st[i];
		if (s->caller_stamp)
			tp->callers[nc++] = (struct top_peek_row){ tp->rows[i].name, tp->rows[i].len,
			    { s->caller[0], s->caller[1] } };
		if (s->callee_stamp)
			tp->callees[ne++] = (struct top_peek_row){ tp->rows[i].name, tp->rows[i].len,
			    { s->callee[0], s->callee[1] } };
	}
	if (nc > 1)
		qsort_r(tp->callers, nc, sizeof(*tp->callers), peek_cmp, &tp->diff);
	if (ne > 1)
		qsort_r(tp->callees, ne, sizeof(*tp->callees), peek_cmp, &tp->diff);
	tp->ncallers = nc;
	tp->ncallees = ne;
}

struct top *
top_new(const struct top_opts *o)
{
	struct top *tp = xcalloc(1, sizeof(*tp));
	struct priv *p = xcalloc(1, sizeof(*p));

	tp->priv = p;
	p->o = o;
	p->peek = -1;
	grow_slots(p);
	return tp;
}

static void
grow_frames(struct priv *p, size_t nf)
{
	if (nf < p->fcap)
		return;
	p->fcap = p->fcap ? 2 * p->fcap : 64;
	for (int i = 0; i < 2; i++) {
		p->f[i] = xreallocarray(p->f[i], p->fcap, sizeof(*p->f[i]));
		p->any[i] = xreallocarray(p->any[i], p->fcap, sizeof(*p->any[i]));
		p->kept[i] = xreallocarray(p->kept[i], p->fcap, sizeof(*p->kept[i]));
		p->rows[i] = xreallocarray(p->rows[i], p->fcap, sizeof(*p->rows[i]));
	}
}

/* Closes the path down to depth m: a row's count is final when it leaves
 * the path, and goes to its cum if it was its outermost occurrence. */
static void
path_pop(struct top *tp, size_t m)
{
	struct priv *p = tp->priv;

	while (p->pathn > m) {
		size_t j = --p->pathn;
		uint32_t r = p->prow[j];
		if (p->pouter[j])
			add2(tp->rows[r].cum, p->pacc[j]);
		p->st[r].active--;
		if (j > 0)
			add2(p->pacc[j - 1], p->pacc[j]);
	}
}

static void
path_push(struct top *tp, uint32_t r)
{
	struct priv *p = tp->priv;

	if (p->pathn == p->pathcap) {
		p->pathcap = p->pathcap ? 2 * p->pathcap : 64;
		p->prow = xreallocarray(p->prow, p->pathcap, sizeof(*p->prow));
		p->pacc = xreallocarray(p->pacc, p->pathcap, sizeof(*p->pacc));
		p->pouter = xrealloc(p->pouter, p->pathcap);
	}
	p->prow[p->pathn] = r;
	p->pacc[p->pathn][0] = p->pacc[p->pathn][1] = 0;
	p->pouter[p->pathn] = p->st[r].active++ == 0;
	p->pathn++;
}

/* The length of the common prefix of a[0..n) and b[0..n). */
static size_t
common_prefix(const char *a, const char *b, size_t n)
{
	size_t i = 0;
	uint64_t x, y;

	for (; i + 8 <= n; i += 8) {
		memcpy(&x, a + i, 8);
		memcpy(&y, b + i, 8);
		if (x != y)
			break;
	}
	while (i < n && a[i] == b[i])
		i++;
	return i;
}

/*
 * Each stack shares its first frames with the one before (on sorted
 * input, nearly all of them): what was found for those frames is reused,
 * and only the frames after are looked up.  Counts go to the open path,
 * which changes only where the stacks differ, so a stack costs its new
 * frames, not its depth.
 */
void
top_add(struct top *tp, const char *k, size_t len, const count_t n[2])
{
	struct priv *p = tp->priv;
	const struct top_opts *o = p->o;
	size_t common, nf = 0, start = 0, nk, m;
	uint32_t *rows;
	int done = 0;

	tp->total[0] += n[0];
	tp->total[1] += n[1];
	p->stamp++;
	common = common_prefix(k, p->pkey, len < p->plen ? len : p->plen);
	/* frames the last stack had */
	for (;;) {
		const char *semi = memchr(k + start, ';', len - start);
		size_t end = semi ? (size_t)(semi - k) : len;
		if (!(nf < p->nprev && end <= common && (end == p->plen || p->pkey[end] == ';')))
			break;
		nf++;
		if (semi == NULL) {
			done = 1;
			break;
		}
		start = end + 1;
	}
	grow_frames(p, nf);
	if (nf > 0) {
		memcpy(p->f[1], p->f[0], nf * sizeof(*p->f[0]));
		memcpy(p->any[1], p->any[0], nf * sizeof(*p->any[0]));
		memcpy(p->kept[1], p->kept[0], nf * sizeof(*p->kept[0]));
		memcpy(p->rows[1], p->rows[0], p->kept[0][nf - 1] * sizeof(*p->rows[0]));
	}
	/* and new ones */
	while (!done) {
		const char *semi = memchr(k + start, ';', len - start);
		size_t end = semi ? (size_t)(semi - k) : len;
		struct fent *e = frame_of(tp, k + start, end - start);
		size_t kc = nf ? p->kept[1][nf - 1] : 0;
		grow_frames(p, nf + 1);
		p->f[1][nf] = e;
		p->any[1][nf] = (nf ? p->any[1][nf - 1] : 0) | e->flags;
		if (!(e->flags & F_HIDE))
			p->rows[1][kc++] = e->row;
		p->kept[1][nf] = kc;
		nf++;
		if (semi == NULL)
			break;
		start = end + 1;
	}
	{
		struct fent **a = p->f[0];
		unsigned *b = p->any[0];
		size_t *c = p->kept[0];
		uint32_t *d = p->rows[0];
		p->f[0] = p->f[1], p->f[1] = a;
		p->any[0] = p->any[1], p->any[1] = b;
		p->kept[0] = p->kept[1], p->kept[1] = c;
		p->rows[0] = p->rows[1], p->rows[1] = d;
	}
	p->nprev = nf;
	if (len > p->pcap)
		p->pkey = xrealloc(p->pkey, p->pcap = 2 * len);
	memcpy(p->pkey, k, len);
	p->plen = len;
	if ((o->focus != NULL && !(p->any[0][nf - 1] & F_FOCUS)) || (p->any[0][nf - 1] & F_IGNORE)) {
		add2(tp->dropped, n);
		return;
	}
	rows = p->rows[0];
	nk = p->kept[0][nf - 1];
	if (nk == 0) {
		add2(tp->allhidden, n);
		return;
	}
	add2(tp->rows[rows[nk - 1]].flat, n);
	for (m = 0; m < nk && m < p->pathn && p->prow[m] == rows[m]; m++)
		;
	path_pop(tp, m);
	for (; m < nk; m++)
		path_push(tp, rows[m]);
	add2(p->pacc[nk - 1], n);
	if (p->peek >= 0)
		peek_stack(tp, rows, nk, p->stamp, n);
}

void
top_finish(struct top *tp, int diff)
{
	size_t k = 0;

	tp->diff = diff;
	path_pop(tp, 0);
	peek_collect(tp);
	/* Rows only the filters saw (in stacks dropped, or hidden frames)
	 * cost nothing: they are not in the profile shown. */
	tp->unlocated = 0;
	for (size_t i = 0; i < tp->n; i++) {
		const struct top_row *r = &tp->rows[i];
		if (r->cum[0] == 0 && r->cum[1] == 0)
			continue;
		tp->unlocated += !r->located;
		tp->rows[k++] = *r;
	}
	tp->n = k;
}

void
top_merge(struct top *dst, struct top *src)
{
	struct priv *d = dst->priv, *sp = src->priv;

	path_pop(src, 0);
	add2(dst->total, src->total);
	add2(dst->dropped, src->dropped);
	add2(dst->allhidden, src->allhidden);
	add2(d->root, sp->root);
	add2(d->self, sp->self);
	for (size_t i = 0; i < src->n; i++) {
		const struct top_row *r = &src->rows[i];
		const struct rstate *s = &sp->st[i];
		uint32_t j = row_of(dst, r->name, r->len, r->located);
		add2(dst->rows[j].flat, r->flat);
		add2(dst->rows[j].cum, r->cum);
		/* a stamp only says "seen" once the stacks are all in */
		if (s->caller_stamp) {
			d->st[j].caller_stamp = 1;
			add2(d->st[j].caller, s->caller);
		}
		if (s->callee_stamp) {
			d->st[j].callee_stamp = 1;
			add2(d->st[j].callee, s->callee);
		}
	}
	top_free(src);
}

#define FEED_CHUNK (1u << 20)

/* A chunk: records of (len, counts, stack bytes) end to end. */
struct feed_chunk {
	char *buf;
	size_t len;
};

struct feed_worker {
	pthread_t th;
	struct top_feed *f;
	struct top *tp;
};

struct top_feed {
	pthread_mutex_t mu;
	pthread_cond_t ready, space;
	struct feed_chunk q[8];
	size_t qhead, qlen;
	int done, jobs;
	struct feed_chunk cur;
	struct feed_worker *w;
};

static void *
feed_main(void *arg)
{
	struct feed_worker *w = arg;
	struct top_feed *f = w->f;

	for (;;) {
		struct feed_chunk c;
		pthread_mutex_lock(&f->mu);
		while (f->qlen == 0 && !f->done)
			pthread_cond_wait(&f->ready, &f->mu);
		if (f->qlen == 0) {
			pthread_mutex_unlock(&f->mu);
			return NULL;
		}
		c = f->q[f->qhead];
		f->qhead = (f->qhead + 1) % 8;
		f->qlen--;
		pthread_cond_signal(&f->space);
		pthread_mutex_unlock(&f->mu);
		for (size_t i = 0; i < c.len;) {
			size_t len;
			count_t n[2];
			memcpy(&len, c.buf + i, sizeof(len));
			memcpy(n, c.buf + i + sizeof(len), sizeof(n));
			i += sizeof(len) + sizeof(n);
			top_add(w->tp, c.buf + i, len, n);
			i += len;
		}
		free(c.buf);
	}
}

static void
feed_push(struct top_feed *f)
{
	if (f->cur.len == 0)
		return;
	pthread_mutex_lock(&f->mu);
	while (f->qlen == 8)
		pthread_cond_wait(&f->space, &f->mu);
	f->q[(f->qhead + f->qlen++) % 8] = f->cur;
	pthread_cond_signal(&f->ready);
	pthread_mutex_unlock(&f->mu);
	f->cur.buf = NULL;
	f->cur.len = 0;
}

struct top_feed *
top_feed_new(const struct top_opts *o, int jobs)
{
	struct top_feed *f = xcalloc(1, sizeof(*f));

	pthread_mutex_init(&f->mu, NULL);
	pthread_cond_init(&f->ready, NULL);
	pthread_cond_init(&f->space, NULL);
	f->jobs = jobs < 1 ? 1 : jobs;
	f->w = xcalloc((size_t)f->jobs, sizeof(*f->w));
	for (int i = 0; i < f->jobs; i++) {
		f->w[i].f = f;
		f->w[i].tp = top_new(o);
		if (pthread_create(&f->w[i].th, NULL, feed_main, &f->w[i]) != 0)
			die("cannot start a thread:");
	}
	return f;
}

void
top_feed_add(struct top_feed *f, const char *stack, size_t len, const count_t n[2])
{
	size_t need = sizeof(len) + 2 * sizeof(count_t) + len;

	if (f->cur.buf != NULL && f->cur.len + need > FEED_CHUNK)
		feed_push(f);
	if (f->cur.buf == NULL)
		f->cur.buf = xmalloc(need > FEED_CHUNK ? need : FEED_CHUNK);
	memcpy(f->cur.buf + f->cur.len, &len, sizeof(len));
	memcpy(f->cur.buf + f->cur.len + sizeof(len), n, 2 * sizeof(count_t));
	memcpy(f->cur.buf + f->cur.len + sizeof(len) + 2 * sizeof(count_t), stack, len);
	f->cur.len += need;
}

struct top *
top_feed_end(struct top_feed *f, int diff)
{
	struct top *tp;

	feed_push(f);
	pthread_mutex_lock(&f->mu);
	f->done = 1;
	pthread_cond_broadcast(&f->ready);
	pthread_mutex_unlock(&f->mu);
	for (int i = 0; i < f->jobs; i++)
		pthread_join(f->w[i].th, NULL);
	tp = f->w[0].tp;
	for (int i = 1; i < f->jobs; i++)
		top_merge(tp, f->w[i].tp);
	top_finish(tp, diff);
	pthread_mutex_destroy(&f->mu);
	pthread_cond_destroy(&f->ready);
	pthread_cond_destroy(&f->space);
	free(f->w);
	free(f);
	return tp;
}

struct top *
top_build(struct stacktable *t, int diff, const struct top_opts *o)
{
	struct top *tp = top_new(o);
	struct stacktable_entry *e, *tmp;

	/* The table iterates in insertion order, which for sorted input is
	 * sorted, the order that makes top_add() fast. */
	HASH_ITER(hh, t->head, e, tmp) {
		count_t n[2] = { e->n[0], diff ? e->n[1] : 0 };
		top_add(tp, e->key, e->len, n);
	}
	top_finish(tp, diff);
	return tp;
}

/* How top_sort orders the rows, for its comparator. */
struct sort_ctx {
	int by, cum, diff;
	double total[2];          /* the totals, for shares */
};

static int
cmp_name(const struct top_row *x, const struct top_row *y)
{
	size_t m = x->len < y->len ? x->len : y->len;
	int c = memcmp(x->name, y->name, m);

	return c ? c : (x->len > y->len) - (x->len < y->len);
}

static int
cmp_desc(count_t a, count_t b)
{
	return a == b ? 0 : a > b ? -1 : 1;
}

/* |after - before|, exactly. */
static count_t
change(const count_t n[2])
{
	return n[1] > n[0] ? n[1] - n[0] : n[0] - n[1];
}

static double
share_change(const struct sort_ctx *o, const count_t n[2])
{
	double b = o->total[0] > 0 ? count_double(n[0]) / o->total[0] : 0;
	double a = o->total[1] > 0 ? count_double(n[1]) / o->total[1] : 0;

	return a > b ? a - b : b - a;
}

static int
cmp_rows(const void *a, const void *b, void *ctx)
{
	const struct top_row *x = a, *y = b;
	const struct sort_ctx *o = ctx;
	int i = o->diff, sort_cum = o->cum, c = 0;

	switch (o->by) {
	case TOP_SORT_NAME:
		return cmp_name(x, y);
	case TOP_SORT_DELTA:
		c = cmp_desc(change(sort_cum ? x->cum : x->flat), change(sort_cum ? y->cum : y->flat));
		break;
	case TOP_SORT_SHARE: {
		double dx = share_change(o, sort_cum ? x->cum : x->flat);
		double dy = share_change(o, sort_cum ? y->cum : y->flat);
		c = dx == dy ? 0 : dx > dy ? -1 : 1;
		break;
	}
	}
	if (c)
		return c;
	if (o->by == TOP_SORT_CUM || sort_cum) {
		if ((c = cmp_desc(x->cum[i], y->cum[i])) || (c = cmp_desc(x->flat[i], y->flat[i])))
			return c;
	} else if ((c = cmp_desc(x->flat[i], y->flat[i])) || (c = cmp_desc(x->cum[i], y->cum[i])))
		return c;
	return cmp_name(x, y);
}

void
top_sort(struct top *tp, int by, int cum)
{
	struct sort_ctx o = { by, cum, tp->diff,
	    { count_double(tp->total[0]), count_double(tp->total[1]) } };

	if (tp->n > 1)
		qsort_r(tp->rows, tp->n, sizeof(*tp->rows), cmp_rows, &o);
}

double
top_pct(const struct top *tp, count_t c, int i)
{
	return tp->total[i] ? 100.0 * count_double(c) / count_double(tp->total[i]) : 0;
}

void
top_free(struct top *tp)
{
	struct priv *p;
	struct rent *r, *rt;

	if (tp == NULL)
		return;
	p = tp->priv;
	for (size_t i = 0; i < p->fslots; i++)
		free(p->frames[i].e);
	free(p->frames);
	HASH_ITER(hh, p->names, r, rt) {
		HASH_DEL(p->names, r);
		free(r);
	}
	free(p->st);
	free(p->buf);
	for (int i = 0; i < 2; i++) {
		free(p->f[i]);
		free(p->any[i]);
		free(p->kept[i]);
		free(p->rows[i]);
	}
	free(p->prow);
	free(p->pacc);
	free(p->pouter);
	free(p->pkey);
	free(p);
	free(tp->rows);
	free(tp->callers);
	free(tp->callees);
	free(tp);
}
