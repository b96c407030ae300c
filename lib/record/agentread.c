#define _GNU_SOURCE
#include "record/agentread.h"

#include <elf.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "agent/agent.h"
#include "core/util.h"

#include <uthash.h>

_Static_assert(AGENTREAD_EVENTS_ALL == AGENT_EV_ALL, "the agent's events");
_Static_assert(AGENTREAD_RATE_DEFAULT == AGENT_RATE_DEFAULT, "the agent's rate");

const char *const agentread_view_names[] = {
	"alloc-space", "alloc-objects", "inuse-space", "inuse-objects", "peak",
	"lock", "block", "threadcreate", NULL
};

const char *
agentread_view_unit(int view)
{
	switch (view) {
	case AGENTREAD_ALLOC_OBJECTS:
	case AGENTREAD_INUSE_OBJECTS:
		return "objects";
	case AGENTREAD_LOCK:
	case AGENTREAD_BLOCK:
		return "ns";
	case AGENTREAD_THREADCREATE:
		return "threads";
	default:
		return "bytes";
	}
}

/* A stack of an image, and what it counts in each view. */
struct stk {
	UT_hash_handle hh;
	uint32_t id;
	int n;                      /* -1: its AGENT_REC_STACK not read */
	uint64_t *pc;
	char *name;                 /* folded, made at the first view */
	size_t namelen;
	double alloc_b, alloc_n;
	double live_b, live_n;      /* now, as records come */
	double snap_b, snap_n;      /* at the image's peak, if snap_epoch is */
	uint64_t snap_epoch;
	double inuse_b, inuse_n;    /* at the end, from the live blocks */
	uint64_t inuse_k;           /* live samples at the end */
	uint64_t wait_ns[AGENT_WAIT_JOIN + 1];   /* by kind */
	uint64_t wait_n[AGENT_WAIT_JOIN + 1];    /* the waits, by kind */
	uint64_t threads;
};

/* A wait's leaf frame: the function waited in (its timed variant too). */
static const char *const wait_fn[AGENT_WAIT_JOIN + 1] = {
	NULL, "pthread_mutex_lock", "pthread_rwlock_rdlock", "pthread_rwlock_wrlock",
	"pthread_cond_wait", "sem_wait", "pthread_join"
};

/* A live sampled block; ptr 0 is an empty slot. */
struct blk {
	uint64_t ptr, size;
	struct stk *s;
};

enum { IMG_OPEN, IMG_EXECING, IMG_EXITED, IMG_EXECD, IMG_CUT };

struct image {
	UT_hash_handle hh;          /* in open, by pid, while open */
	struct image *next;         /* every image, in order */
	int pid, ppid;
	char comm[17];
	uint64_t rate;
	unsigned flags;
	int state;
	uint32_t next_seq;
	struct unwind_proc *up;
	struct stk *stacks;
	size_t nstacks;
	struct blk *live;
	size_t cap_live, nlive;
	double heap, heap_max;
	uint64_t epoch;
	uint64_t allocs, frees, waits, threads;
	struct agent_exit exit;
	int has_exit;
};

struct agentread {
	struct agentread_opts o;
	struct image *images, **tail, *open;
	size_t nimages, nstacks, nlive;
	unsigned char in[2 * AGENT_CHUNK_MAX];
	size_t inlen;
	int ended;
	struct agentread_stats st;
	struct stackname_buf name;
};

struct agentread *
agentread_new(const struct agentread_opts *o)
{
	struct agentread *a = xcalloc(1, sizeof(*a));

	a->o = *o;
	a->tail = &a->images;
	return a;
}

/* ---- stacks and blocks ---- */

static struct stk *
stk_get(struct agentread *a, struct image *im, uint32_t id)
{
	struct stk *s;

	HASH_FIND(hh, im->stacks, &id, sizeof(id), s);
	if (s != NULL)
		return s;
	if (id != 0 && (im->nstacks >= AGENT_MAX_STACKS ||
	    a->nstacks >= AGENTREAD_MAX_STACKS))
		return stk_get(a, im, 0);
	s = xcalloc(1, sizeof(*s));
	s->id = id;
	s->n = -1;
	s->snap_epoch = im->epoch;
	HASH_ADD(hh, im->stacks, id, sizeof(s->id), s);
	im->nstacks++;
	a->nstacks++;
	return s;
}

static size_t
blk_hash(uint64_t p)
{
	p ^= p >> 33;
	p *= 0xff51afd7ed558ccdull;
	p ^= p >> 33;
	return (size_t)p;
}

static struct blk *
blk_find(struct image *im, uint64_t p)
{
	size_t i, mask = im->cap_live - 1;

	if (im->cap_live == 0)
		return NULL;
	for (i = blk_hash(p) & mask; im->live[i].ptr != 0; i = (i + 1) & mask)
		if (im->live[i].ptr == p)
			return &im->live[i];
	return NULL;
}

static void
blk_grow(struct image *im)
{
	size_t ncap = im->cap_live ? im->cap_live * 2 : 1024, i, j;
	struct blk *t = xcalloc(ncap, sizeof(*t));

	for (i = 0; i < im->cap_live; i++) {
		if (im->live[i].ptr == 0)
			continue;
		for (j = blk_hash(im->live[i].ptr) & (ncap - 1); t[j].ptr != 0;
		    j = (j + 1) & (ncap - 1))
			;
		t[j] = im->live[i];
	}
	free(im->live);
	im->live = t;
	im->cap_live = ncap;
}

/* Removes the block b (a slot of im->live): backward shift. */
static void
blk_del(struct image *im, struct blk *b)
{
	size_t mask = im->cap_live - 1, i = (size_t)(b - im->live), j = i, k;

	for (;;) {
		im->live[i].ptr = 0;
		for (;;) {
			j = (j + 1) & mask;
			if (im->live[j].ptr == 0) {
				im->nlive--;
				return;
			}
			k = blk_hash(im->live[j].ptr) & mask;
			if (i <= j ? (i < k && k <= j) : (i < k || k <= j))
				continue;
			break;
		}
		im->live[i] = im->live[j];
		i = j;
	}
}

/* The live counts of s change: first, keep its count at the last peak. */
static void
live_change(struct image *im, struct stk *s, double db, double dn)
{
	if (s->snap_epoch != im->epoch) {
		s->snap_b = s->live_b;
		s->snap_n = s->live_n;
		s->snap_epoch = im->epoch;
	}
	s->live_b += db;
	s->live_n += dn;
	im->heap += db;
}

static void
do_free(struct agentread *a, struct image *im, uint64_t ptr)
{
	struct blk *b = blk_find(im, ptr);
	double wb, wn;

	if (b == NULL) {
		a->st.unknown_frees++;
		return;
	}
	agent_weight(b->size, im->rate, &wb, &wn);
	live_change(im, b->s, -wb, -wn);
	blk_del(im, b);
	a->nlive--;
}

static void
do_alloc(struct agentread *a, struct image *im, uint32_t id, uint64_t size, uint64_t ptr)
{
	struct stk *s = stk_get(a, im, id);
	struct blk *b;
	double wb, wn;
	size_t i, mask;

	agent_weight(size, im->rate, &wb, &wn);
	s->alloc_b += wb;
	s->alloc_n += wn;
	if (ptr == 0)
		return;
	if (blk_find(im, ptr) != NULL)
		do_free(a, im, ptr);     /* a free we were not told of */
	if (a->nlive >= AGENTREAD_MAX_LIVE) {
		a->st.untracked++;
		return;
	}
	if ((im->nlive + 1) * 4 > im->cap_live * 3)
		blk_grow(im);
	mask = im->cap_live - 1;
	for (i = blk_hash(ptr) & mask; im->live[i].ptr != 0; i = (i + 1) & mask)
		;
	b = &im->live[i];
	b->ptr = ptr;
	b->size = size;
	b->s = s;
	im->nlive++;
	a->nlive++;
	live_change(im, s, wb, wn);
	if (im->heap > im->heap_max) {
		/* a new peak: every stack's count now is its peak count */
		im->heap_max = im->heap;
		im->epoch++;
	}
}

/* ---- images ---- */

/* The image ends: its live blocks become its inuse counts (none after
 * an exec, which frees them). */
static void
image_close(struct agentread *a, struct image *im, int state)
{
	struct stk *s;
	double wb, wn;
	size_t i;

	if (im->state == IMG_EXECING && state == IMG_CUT)
		state = IMG_EXECD;
	im->state = state;
	HASH_DELETE(hh, a->open, im);
	if (state == IMG_CUT)
		a->st.unfinished++;
	if (state != IMG_EXECD) {
		for (i = 0; i < im->cap_live; i++) {
			if (im->live[i].ptr == 0)
				continue;
			s = im->live[i].s;
			agent_weight(im->live[i].size, im->rate, &wb, &wn);
			s->inuse_b += wb;
			s->inuse_n += wn;
			s->inuse_k++;
		}
	}
	a->nlive -= im->nlive;
	free(im->live);
	im->live = NULL;
	im->cap_live = im->nlive = 0;
	if (im->has_exit) {
		if (im->exit.allocs > im->allocs)
			a->st.missing += im->exit.allocs - im->allocs;
		if (im->exit.frees > im->frees)
			a->st.missing += im->exit.frees - im->frees;
		if (im->exit.waits > im->waits)
			a->st.missing += im->exit.waits - im->waits;
		if (im->exit.threads > im->threads)
			a->st.missing += im->exit.threads - im->threads;
	}
}

static struct image *
image_new(struct agentread *a, int pid, const struct agent_start *st)
{
	struct image *im;
	struct image *old;

	HASH_FIND_INT(a->open, &pid, old);
	if (old != NULL)
		image_close(a, old, IMG_CUT);
	if (a->nimages >= AGENTREAD_MAX_IMAGES)
		return NULL;
	im = xcalloc(1, sizeof(*im));
	im->pid = pid;
	if (st != NULL) {
		im->ppid = st->ppid;
		memcpy(im->comm, st->comm, sizeof(st->comm));
		im->rate = st->rate;
		im->flags = st->h.arg;
		if (im->flags & AGENT_START_NOUNWIND)
			a->st.nounwind++;
	} else {
		/* its start was lost: its counts are taken as exact */
		im->rate = 1;
	}
	if (im->rate > 1)
		a->st.sampled++;
	im->up = unwind_proc_new(pid, 0);
	HASH_ADD_INT(a->open, pid, im);
	*a->tail = im;
	a->tail = &im->next;
	a->nimages++;
	a->st.images++;
	return im;
}

/* ---- records ---- */

static void
do_map(struct image *im, const struct agent_map *r, size_t size)
{
	char path[AGENT_PATH_MAX + 1];
	size_t len = size - sizeof(*r);
	struct stat st;

	if (len > AGENT_PATH_MAX)
		len = AGENT_PATH_MAX;
	memcpy(path, r->path, len);
	path[len] = '\0';
	if (r->end <= r->start)
		return;
	/* A file is opened only if it is a regular one (a FIFO would hang
	 * the open, a device be read): the path is the stream's word. */
	if (path[0] == '/' && (stat(path, &st) != 0 || !S_ISREG(st.st_mode)))
		path[0] = '\0';
	unwind_mmap(im->up, r->start, r->end - r->start, r->pgoff, path, NULL, 0);
}

/* One record of im; returns 0, or -1 if it is malformed. */
static int
record(struct agentread *a, struct image *im, const struct agent_rec *h, size_t size)
{
	const struct agent_stack *sr;
	const struct agent_alloc *ar;
	const struct agent_wait *wr;
	struct stk *s;

	switch (h->type) {
	case AGENT_REC_MAP:
		if (size < sizeof(struct agent_map))
			return -1;
		do_map(im, (const struct agent_map *)h, size);
		return 0;
	case AGENT_REC_STACK:
		sr = (const struct agent_stack *)h;
		if (size < sizeof(*sr) || sr->n > AGENT_MAX_FRAMES ||
		    size < sizeof(*sr) + sr->n * sizeof(uint64_t))
			return -1;
		s = stk_get(a, im, h->arg);
		if (s->n >= 0 || s->id != h->arg)
			return 0;       /* known, or past the limits */
		s->n = (int)sr->n;
		s->pc = xreallocarray(NULL, sr->n ? sr->n : 1, sizeof(uint64_t));
		memcpy(s->pc, sr->pc, sr->n * sizeof(uint64_t));
		return 0;
	case AGENT_REC_ALLOC:
		if (size < sizeof(struct agent_alloc))
			return -1;
		ar = (const struct agent_alloc *)h;
		do_alloc(a, im, h->arg, ar->size, ar->ptr);
		im->allocs++;
		a->st.allocs++;
		return 0;
	case AGENT_REC_FREE:
		if (size < sizeof(struct agent_free))
			return -1;
		do_free(a, im, ((const struct agent_free *)h)->ptr);
		im->frees++;
		a->st.frees++;
		return 0;
	case AGENT_REC_WAIT:
		if (size < sizeof(struct agent_wait))
			return -1;
		wr = (const struct agent_wait *)h;
		if (wr->kind < AGENT_WAIT_MUTEX || wr->kind > AGENT_WAIT_JOIN)
			return -1;
		s = stk_get(a, im, h->arg);
		s->wait_ns[wr->kind] += wr->ns;
		s->wait_n[wr->kind]++;
		im->waits++;
		a->st.waits++;
		return 0;
	case AGENT_REC_THREAD:
		stk_get(a, im, h->arg)->threads++;
		im->threads++;
		a->st.threads++;
		return 0;
	case AGENT_REC_COUNT: {
		struct agent_count c;
		if (size < sizeof(c))
			return -1;
		memcpy(&c, h, sizeof(c));
		a->st.counted++;
		a->st.counted_allocs += c.allocs;
		a->st.counted_bytes += c.bytes;
		return 0;
	}
	case AGENT_REC_EXIT:
		if (size < sizeof(struct agent_exit))
			return -1;
		memcpy(&im->exit, h, sizeof(im->exit));
		im->has_exit = 1;
		if (h->arg == AGENT_EXIT_EXEC)
			im->state = IMG_EXECING;
		else
			image_close(a, im, IMG_EXITED);
		return 0;
	default:
		return -1;
	}
}

/* One chunk, its size checked. */
static void
chunk(struct agentread *a, const unsigned char *c, size_t size)
{
	struct agent_chunk ch;
	struct agent_rec h;
	struct image *im;
	size_t off;
	/* aligned copy of a record: the chunk's bytes may not be */
	uint64_t rec[AGENT_CHUNK_MAX / 8];

	memcpy(&ch, c, sizeof(ch));
	a->st.chunks++;
	HASH_FIND_INT(a->open, &ch.pid, im);
	for (off = sizeof(ch); off < size; off += h.size) {
		if (size - off < sizeof(h)) {
			a->st.bad_records++;
			return;
		}
		memcpy(&h, c + off, sizeof(h));
		if (h.size < sizeof(h) || h.size % 8 != 0 || h.size > size - off) {
			a->st.bad_records++;
			return;
		}
		memcpy(rec, c + off, h.size);
		if (h.type == AGENT_REC_START) {
			if (h.size < sizeof(struct agent_start)) {
				a->st.bad_records++;
				continue;
			}
			im = image_new(a, ch.pid, (const struct agent_start *)rec);
			if (im != NULL)
				im->next_seq = ch.seq + 1;
			continue;
		}
		if (im == NULL || (im->state != IMG_OPEN && im->state != IMG_EXECING)) {
			if (a->nimages >= AGENTREAD_MAX_IMAGES) {
				a->st.skipped++;
				continue;
			}
			im = image_new(a, ch.pid, NULL);
			im->next_seq = ch.seq + 1;
		}
		if (off == sizeof(ch)) {
			/* the image's next chunk: an exec that failed goes on */
			if (ch.seq > im->next_seq)
				a->st.lost_chunks += ch.seq - im->next_seq;
			if (ch.seq >= im->next_seq)
				im->next_seq = ch.seq + 1;
			if (im->state == IMG_EXECING)
				im->state = IMG_OPEN;
		}
		if (record(a, im, (const struct agent_rec *)rec, h.size) != 0)
			a->st.bad_records++;
		if (im->state == IMG_EXITED)
			im = NULL;
	}
}

void
agentread_feed(struct agentread *a, const void *buf, size_t n)
{
	const unsigned char *p = buf;
	struct agent_chunk ch;
	size_t take, off;

	while (n > 0) {
		take = sizeof(a->in) - a->inlen;
		if (take > n)
			take = n;
		memcpy(a->in + a->inlen, p, take);
		a->inlen += take;
		p += take;
		n -= take;
		off = 0;
		while (a->inlen - off >= sizeof(ch)) {
			memcpy(&ch, a->in + off, sizeof(ch));
			if (ch.magic != AGENT_MAGIC || ch.size < sizeof(ch) ||
			    ch.size > AGENT_CHUNK_MAX) {
				off++;
				a->st.bad_bytes++;
				continue;
			}
			if (a->inlen - off < ch.size)
				break;
			chunk(a, a->in + off, ch.size);
			off += ch.size;
		}
		memmove(a->in, a->in + off, a->inlen - off);
		a->inlen -= off;
	}
}

int
agentread_fd(struct agentread *a, int fd)
{
	char buf[65536];
	ssize_t n;

	for (;;) {
		n = read(fd, buf, sizeof(buf));
		if (n > 0)
			agentread_feed(a, buf, (size_t)n);
		else if (n == 0)
			return 0;
		else if (errno != EINTR)
			return -1;
	}
}

void
agentread_end(struct agentread *a)
{
	struct image *im, *tmp;

	if (a->ended)
		return;
	a->ended = 1;
	a->st.bad_bytes += a->inlen;
	a->inlen = 0;
	HASH_ITER(hh, a->open, im, tmp)
		image_close(a, im, IMG_CUT);
}

/* ---- views ---- */

static const char *
stk_name(struct agentread *a, struct image *im, struct stk *s, size_t *len)
{
	int n;

	if (s->name == NULL) {
		a->name.len = 0;
		stackname_root(&a->name, im->comm, im->pid, 0, &a->o.name);
		n = s->n < 0 ? 0 : s->n;
		if (a->o.max_stack > 0 && n > a->o.max_stack)
			n = a->o.max_stack;
		if (n == 0)
			stackname_put(&a->name, ";[unknown]", 10);
		else
			stackname_frames(&a->name, im->up, s->pc, n, 0, &a->o.name);
		s->name = xmemdup(a->name.s, a->name.len);
		s->namelen = a->name.len;
	}
	*len = s->namelen;
	return s->name;
}

/* An image still running: its live blocks are in use now. */
static int
image_open(const struct image *im)
{
	return im->state == IMG_OPEN || im->state == IMG_EXECING;
}

static double
value(const struct image *im, const struct stk *s, int view, int now)
{
	switch (view) {
	case AGENTREAD_ALLOC_SPACE:
		return s->alloc_b;
	case AGENTREAD_ALLOC_OBJECTS:
		return s->alloc_n;
	case AGENTREAD_INUSE_SPACE:
		return now && image_open(im) ? s->live_b : s->inuse_b;
	case AGENTREAD_INUSE_OBJECTS:
		return now && image_open(im) ? s->live_n : s->inuse_n;
	case AGENTREAD_PEAK:
		return s->snap_epoch == im->epoch ? s->snap_b : s->live_b;
	case AGENTREAD_THREADCREATE:
		return (double)s->threads;
	default:
		return 0;
	}
}

static count_t
to_count(double v)
{
	if (!(v >= 0.5))
		return 0;
	if (v > 1e30)
		v = 1e30;
	return (count_t)llround(fmin(v, 9e18)) * COUNT_ONE;
}

/* The view's stacks to out; with now, as of now (agentread_snapshot). */
static void
add_view(struct agentread *a, int view, struct stacktable *out, int now)
{
	struct image *im;
	struct stk *s, *tmp;
	const char *name;
	size_t len;
	count_t n[2] = { 0, 0 };
	int k, lo, hi;

	lo = view == AGENTREAD_LOCK ? AGENT_WAIT_MUTEX : AGENT_WAIT_COND;
	hi = view == AGENTREAD_LOCK ? AGENT_WAIT_WRLOCK : AGENT_WAIT_JOIN;
	for (im = a->images; im != NULL; im = im->next) {
		HASH_ITER(hh, im->stacks, s, tmp) {
			if (view != AGENTREAD_LOCK && view != AGENTREAD_BLOCK) {
				if ((n[0] = to_count(value(im, s, view, now))) == 0)
					continue;
				name = stk_name(a, im, s, &len);
				stacktable_add(out, name, len, n);
				continue;
			}
			/* a wait's stack ends in the function waited in */
			for (k = lo; k <= hi; k++) {
				if (s->wait_ns[k] == 0 && s->wait_n[k] == 0)
					continue;
				n[0] = (count_t)s->wait_ns[k] * COUNT_ONE;
				if (now)
					n[1] = (count_t)s->wait_n[k] * COUNT_ONE;
				else if (n[0] == 0)
					continue;
				name = stk_name(a, im, s, &len);
				a->name.len = 0;
				stackname_put(&a->name, name, len);
				stackname_put(&a->name, ";", 1);
				stackname_put(&a->name, wait_fn[k], strlen(wait_fn[k]));
				stacktable_add(out, a->name.s, a->name.len, n);
			}
		}
	}
}

void
agentread_view(struct agentread *a, int view, struct stacktable *out)
{
	agentread_end(a);
	add_view(a, view, out, 0);
}

void
agentread_snapshot(struct agentread *a, int view, struct stacktable *out)
{
	add_view(a, view, out, 1);
}

int
agentread_heap(const struct agentread *a, int pid, struct agentread_heap *h)
{
	const struct image *im;
	const struct stk *s, *tmp;
	double lb = 0, ln = 0, ab = 0, an = 0;
	int found = 0;

	for (im = a->images; im != NULL; im = im->next) {
		if (im->pid != pid)
			continue;
		found = 1;
		HASH_ITER(hh, im->stacks, s, tmp) {
			ab += s->alloc_b;
			an += s->alloc_n;
			if (image_open(im)) {
				lb += s->live_b;
				ln += s->live_n;
			}
		}
	}
	h->live_bytes = (uint64_t)llround(fmax(lb, 0));
	h->live_blocks = (uint64_t)llround(fmax(ln, 0));
	h->alloc_bytes = (uint64_t)llround(ab);
	h->allocs = (uint64_t)llround(an);
	return found ? 0 : -1;
}

void
agentread_get_stats(const struct agentread *a, struct agentread_stats *s)
{
	*s = a->st;
}

/* ---- the leak summary ---- */

/* n with a comma every three digits. */
static const char *
grouped(uint64_t n, char buf[32])
{
	char digits[24];
	int len = snprintf(digits, sizeof(digits), "%llu", (unsigned long long)n), i, j = 0;

	for (i = 0; i < len; i++) {
		if (i > 0 && (len - i) % 3 == 0)
			buf[j++] = ',';
		buf[j++] = digits[i];
	}
	buf[j] = '\0';
	return buf;
}

static int
by_bytes(const void *x, const void *y)
{
	const struct stacktable_entry *p = *(struct stacktable_entry *const *)x;
	const struct stacktable_entry *q = *(struct stacktable_entry *const *)y;

	if (p->n[0] != q->n[0])
		return p->n[0] > q->n[0] ? -1 : 1;
	return stacktable_cmp(p->key, p->len, q->key, q->len);
}

/* The stack innermost first, " < " between frames, at most 6 frames
 * (the root, the command, left out). */
static void
put_frames(FILE *fp, const char *key, size_t len)
{
	const char *end = key + len, *p, *start;
	int k = 0;

	for (p = end; p > key && k < 6; k++) {
		start = p;
		while (start > key && start[-1] != ';')
			start--;
		if (start == key)
			break;          /* the root */
		if (k > 0)
			fputs(" < ", fp);
		for (const char *c = start; c < p; c++)
			fputc(*c == '\t' ? ' ' : *c, fp);
		p = start - 1;
	}
	if (p > key && k == 6)
		fputs(" < ...", fp);
}

uint64_t
agentread_leaks(struct agentread *a, FILE *fp, const char *prefix, int top)
{
	struct stacktable *t = stacktable_new();
	struct stacktable_entry **v;
	struct image *im;
	struct stk *s, *tmp;
	const char *name;
	char b1[32], b2[32], b3[32];
	double bytes = 0, blocks = 0;
	uint64_t samples = 0, rate = 1;
	size_t n, i, len;
	count_t c[2];
	int sampled = 0;

	agentread_end(a);
	for (im = a->images; im != NULL; im = im->next) {
		if (im->state == IMG_EXECD)
			continue;
		if (im->rate > 1) {
			sampled = 1;
			rate = im->rate;
		}
		HASH_ITER(hh, im->stacks, s, tmp) {
			if (s->inuse_k == 0)
				continue;
			bytes += s->inuse_b;
			blocks += s->inuse_n;
			samples += s->inuse_k;
			c[0] = to_count(s->inuse_b);
			c[1] = to_count(s->inuse_n);
			name = stk_name(a, im, s, &len);
			stacktable_add(t, name, len, c);
		}
	}
	v = stacktable_sorted(t, &n);
	qsort(v, n, sizeof(*v), by_bytes);
	fprintf(fp, "%s%s%s byte%s in %s%s block%s not freed, from %zu stack%s",
	    prefix, sampled ? "about " : "", grouped((uint64_t)llround(bytes), b1),
	    llround(bytes) == 1 ? "" : "s",
	    sampled ? "about " : "", grouped((uint64_t)llround(blocks), b2),
	    llround(blocks) == 1 ? "" : "s", n, n == 1 ? "" : "s");
	if (sampled && samples > 0)
		fprintf(fp, " (estimated from %llu sample%s, one per %s bytes on "
		    "average: %.0f%% standard error)",
		    (unsigned long long)samples, samples == 1 ? "" : "s",
		    grouped(rate, b3), 100 / sqrt((double)samples));
	fputc('\n', fp);
	for (i = 0; i < n && (int)i < top; i++) {
		fprintf(fp, "%s  %s byte%s in %s block%s: ", prefix,
		    grouped((uint64_t)(v[i]->n[0] / COUNT_ONE), b1),
		    v[i]->n[0] == COUNT_ONE ? "" : "s",
		    grouped((uint64_t)(v[i]->n[1] / COUNT_ONE), b2),
		    v[i]->n[1] == COUNT_ONE ? "" : "s");
		put_frames(fp, v[i]->key, v[i]->len);
		fputc('\n', fp);
	}
	free(v);
	stacktable_free(t);
	return (uint64_t)llround(bytes);
}

void
agentread_free(struct agentread *a)
{
	struct image *im, *next;
	struct stk *s, *tmp;

	if (a == NULL)
		return;
	for (im = a->images; im != NULL; im = next) {
		next = im->next;
		HASH_ITER(hh, im->stacks, s, tmp) {
			HASH_DEL(im->stacks, s);
			free(s->pc);
			free(s->name);
			free(s);
		}
		unwind_proc_free(im->up);
		free(im->live);
		free(im);
	}
	HASH_CLEAR(hh, a->open);
	stackname_buf_free(&a->name);
	free(a);
}

/* ---- before a run ---- */

/* cmd as execvp finds it, into path. */
static int
find_cmd(const char *cmd, char *path, size_t size)
{
	const char *dirs = getenv("PATH"), *p, *e;
	struct stat st;

	if (strchr(cmd, '/') != NULL)
		return snprintf(path, size, "%s", cmd) < (int)size ? 0 : -1;
	if (dirs == NULL)
		dirs = "/usr/local/bin:/usr/bin:/bin";
	for (p = dirs; ; p = e + 1) {
		if ((e = strchr(p, ':')) == NULL)
			e = p + strlen(p);
		if (snprintf(path, size, "%.*s%s%s", (int)(e - p), p,
		    e > p ? "/" : "", cmd) < (int)size &&
		    stat(path, &st) == 0 && S_ISREG(st.st_mode) &&
		    access(path, X_OK) == 0)
			return 0;
		if (*e == '\0')
			return -1;
	}
}

static int
preloadable(const char *cmd, char *err, size_t errlen, int depth)
{
	char path[PATH_MAX], head[256], *s, *e;
	Elf64_Ehdr eh;
	Elf64_Phdr ph;
	struct stat st;
	ssize_t n;
	int fd, i, interp = 0;

	if (find_cmd(cmd, path, sizeof(path)) != 0) {
		snprintf(err, errlen, "%s: command not found", cmd);
		return 0;
	}
	if ((fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK)) < 0) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		return 0;
	}
	if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
		close(fd);
		snprintf(err, errlen, "%s: not a regular file", path);
		return 0;
	}
	if (st.st_mode & (S_ISUID | S_ISGID)) {
		close(fd);
		snprintf(err, errlen, "%s is set%cid: the dynamic loader does not "
		    "preload the agent into it", path,
		    (st.st_mode & S_ISUID) ? 'u' : 'g');
		return 0;
	}
	n = pread(fd, head, sizeof(head) - 1, 0);
	if (n >= 2 && head[0] == '#' && head[1] == '!') {
		close(fd);
		head[n] = '\0';
		for (s = head + 2; *s == ' ' || *s == '\t'; s++)
			;
		for (e = s; *e != '\0' && *e != ' ' && *e != '\t' && *e != '\n'; e++)
			;
		*e = '\0';
		if (*s != '/' || depth > 4) {
			snprintf(err, errlen, "%s: a script without an interpreter "
			    "to preload the agent into", path);
			return 0;
		}
		return preloadable(s, err, errlen, depth + 1);
	}
	if (n < (ssize_t)sizeof(eh) || pread(fd, &eh, sizeof(eh), 0) != sizeof(eh) ||
	    memcmp(eh.e_ident, ELFMAG, SELFMAG) != 0 ||
	    eh.e_ident[EI_CLASS] != ELFCLASS64 || eh.e_machine != EM_X86_64 ||
	    eh.e_phentsize != sizeof(ph)) {
		close(fd);
		snprintf(err, errlen, "%s: not an x86-64 ELF executable, as the "
		    "agent is", path);
		return 0;
	}
	for (i = 0; i < eh.e_phnum && i < 4096; i++) {
		if (pread(fd, &ph, sizeof(ph), (off_t)(eh.e_phoff + (uint64_t)i * sizeof(ph))) !=
		    sizeof(ph))
			break;
		if (ph.p_type == PT_INTERP)
			interp = 1;
	}
	close(fd);
	if (!interp) {
		snprintf(err, errlen, "%s is statically linked: the agent can only be "
		    "preloaded into a dynamically linked program", path);
		return 0;
	}
	return 1;
}

int
agentread_preloadable(const char *cmd, char *err, size_t errlen)
{
	return preloadable(cmd, err, errlen, 0);
}

int
agentread_agent_path(char *buf, size_t size)
{
	static const char *const where[] = { "", "/../lib/prof" };
	char exe[PATH_MAX], *slash;
	ssize_t n;
	size_t i;

	if ((n = readlink("/proc/self/exe", exe, sizeof(exe) - 1)) <= 0)
		return -1;
	exe[n] = '\0';
	if ((slash = strrchr(exe, '/')) == NULL)
		return -1;
	*slash = '\0';
	for (i = 0; i < sizeof(where) / sizeof(where[0]); i++) {
		if (snprintf(buf, size, "%s%s/%s", exe, where[i], AGENT_LIBRARY) >= (int)size)
			continue;
		if (access(buf, R_OK) == 0)
			return strpbrk(buf, " :") != NULL ? -1 : 0;
	}
	return -1;
}

int
agentread_agent_version(const char *path, char *buf, size_t size)
{
	static const char tag[] = AGENT_VERSION_TAG;
	struct stat st;
	char *data = NULL, *p, *end;
	size_t n = 0, len;
	ssize_t r;
	int fd, ret = -1;

	if (size == 0 || (fd = open(path, O_RDONLY | O_CLOEXEC)) < 0)
		return -1;
	if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode) || st.st_size <= 0 ||
	    (uint64_t)st.st_size > AGENTREAD_MAX_AGENT)
		goto out;
	data = xmalloc((size_t)st.st_size);
	while (n < (size_t)st.st_size) {
		if ((r = read(fd, data + n, (size_t)st.st_size - n)) < 0 && errno == EINTR)
			continue;
		if (r <= 0)
			break;
		n += (size_t)r;
	}
	end = data + n;
	for (p = data; (p = memmem(p, (size_t)(end - p), tag, sizeof(tag) - 1)) != NULL; p++) {
		char *v = p + sizeof(tag) - 1;
		/* a version: printable, NUL-terminated, and short */
		for (len = 0; v + len < end && len < 64 && v[len] > ' ' && v[len] < 0x7f; len++)
			;
		if (len == 0 || len >= size || v + len >= end || v[len] != '\0')
			continue;
		memcpy(buf, v, len);
		buf[len] = '\0';
		ret = 0;
		break;
	}
out:
	free(data);
	close(fd);
	return ret;
}

void
agentread_setenv(const char *agent, int fd, uint64_t rate, unsigned events)
{
	static const char *const kinds[] = { "memory", "lock", "block", "threadcreate", "count" };
	const char *old = getenv("LD_PRELOAD");
	char num[32], list[64] = "";
	char *s;
	size_t i;

	s = old != NULL && *old != '\0' ? xasprintf("%s %s", agent, old) : xstrdup(agent);
	setenv("LD_PRELOAD", s, 1);
	free(s);
	snprintf(num, sizeof(num), "%d", fd);
	setenv(AGENT_ENV_FD, num, 1);
	snprintf(num, sizeof(num), "%llu", (unsigned long long)rate);
	setenv(AGENT_ENV_RATE, num, 1);
	for (i = 0; i < sizeof(kinds) / sizeof(kinds[0]); i++)
		if (events & (1u << i))
			snprintf(list + strlen(list), sizeof(list) - strlen(list),
			    "%s%s", list[0] ? "," : "", kinds[i]);
	setenv(AGENT_ENV_EVENTS, list, 1);
}

void
agentread_setenv_flush(unsigned ms)
{
	char num[32];

	snprintf(num, sizeof(num), "%u", ms);
	setenv(AGENT_ENV_FLUSH, num, 1);
}
