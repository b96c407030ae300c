#include "record/samplequeue.h"

#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#include <linux/perf_event.h>

#include "core/util.h"

/* Copies are allocated in power-of-2 classes, 512 B to 128 KiB (a record is
 * at most 64 KiB), and up to FREE_MAX bytes are kept for reuse. */
#define MINCLASS 9
#define NCLASS 9
#define FREE_MAX (8u << 20)

struct pend {                           /* a record waiting for its turn */
	struct sample_record r;
	uint64_t seq;                   /* arrival order, for equal times */
	struct pend *next;              /* on a free list */
	int cls;
	uint64_t data[];                /* kchain, then stack or a string */
};

struct evid {
	uint64_t id;
	int event;
};

/* Stacks of switches and calls waiting, at most: 16 KiB each. */
#define SHED_AT 1024

struct samplequeue {
	uint64_t nstacks;               /* switch-out and call-entry samples queued */
	uint64_t shed;                  /* ... dropped, SHED_AT being queued */
	struct samplequeue_layout l;
	struct evid *ids;               /* sorted by id */
	size_t nids;
	struct pend **heap;             /* by (time, seq) */
	size_t nheap, capheap;
	struct pend *freel[NCLASS];
	size_t freebytes;
	uint64_t seq, lost, throttled;
};

static struct pend *
pend_new(struct samplequeue *s, int kind, size_t extra)
{
	size_t need = sizeof(struct pend) + extra;
	struct pend *p;
	int c = 0;

	while (c < NCLASS - 1 && ((size_t)1 << (MINCLASS + c)) < need)
		c++;
	if ((p = s->freel[c]) != NULL) {
		s->freel[c] = p->next;
		s->freebytes -= (size_t)1 << (MINCLASS + c);
	} else {
		p = xmalloc((size_t)1 << (MINCLASS + c));
	}
	memset(&p->r, 0, sizeof(p->r));
	p->r.kind = kind;
	p->cls = c;
	return p;
}

static void
pend_free(struct samplequeue *s, struct pend *p)
{
	size_t size = (size_t)1 << (MINCLASS + p->cls);

	if (s->freebytes + size > FREE_MAX) {
		free(p);
		return;
	}
	p->next = s->freel[p->cls];
	s->freel[p->cls] = p;
	s->freebytes += size;
}

static int
before(const struct pend *a, const struct pend *b)
{
	return a->r.time < b->r.time || (a->r.time == b->r.time && a->seq < b->seq);
}

static void
heap_push(struct samplequeue *s, struct pend *p)
{
	size_t i, up;

	if (s->nheap == s->capheap) {
		s->capheap = s->capheap ? 2 * s->capheap : 256;
		s->heap = xreallocarray(s->heap, s->capheap, sizeof(*s->heap));
	}
	p->seq = s->seq++;
	for (i = s->nheap++; i > 0 && before(p, s->heap[up = (i - 1) / 2]); i = up)
		s->heap[i] = s->heap[up];
	s->heap[i] = p;
}

static struct pend *
heap_pop(struct samplequeue *s)
{
	struct pend *top = s->heap[0], *last = s->heap[--s->nheap];
	size_t i = 0, c;

	while ((c = 2 * i + 1) < s->nheap) {
		if (c + 1 < s->nheap && before(s->heap[c + 1], s->heap[c]))
			c++;
		if (!before(s->heap[c], last))
			break;
		s->heap[i] = s->heap[c];
		i = c;
	}
	s->heap[i] = last;
	return top;
}

/* Reads n bytes at *p if they lie before end; advances *p. */
static int
take(const unsigned char **p, const unsigned char *end, void *dst, size_t n)
{
	if ((size_t)(end - *p) < n)
		return -1;
	if (dst != NULL)
		memcpy(dst, *p, n);
	*p += n;
	return 0;
}

static int
event_of(const struct samplequeue *s, uint64_t id)
{
	size_t lo = 0, hi = s->nids, mid;

	while (lo < hi) {
		mid = lo + (hi - lo) / 2;
		if (s->ids[mid].id == id)
			return s->ids[mid].event;
		if (s->ids[mid].id < id)
			lo = mid + 1;
		else
			hi = mid;
	}
	return -1;
}

void
samplequeue_id(struct samplequeue *s, uint64_t id, int event)
{
	size_t i;

	if (event_of(s, id) >= 0)
		return;
	s->ids = xreallocarray(s->ids, s->nids + 1, sizeof(*s->ids));
	for (i = s->nids++; i > 0 && s->ids[i - 1].id > id; i--)
		s->ids[i] = s->ids[i - 1];
	s->ids[i].id = id;
	s->ids[i].event = event;
}

/* An 8-byte field of a tracepoint's raw data, 0 when it is not there. */
static uint64_t
raw_u64(const unsigned char *raw, uint32_t n, int off)
{
	uint64_t v = 0;

	if (raw != NULL && off >= 0 && (uint64_t)off + 8 <= n)
		memcpy(&v, raw + off, 8);
	return v;
}

static void
parse_raw(const struct samplequeue *s, struct sample_record *r, const unsigned char *raw, uint32_t n)
{
	switch (r->event) {
	case SAMPLE_EV_SWITCH_OUT:
		r->state = s->l.state_off >= 0 && raw != NULL ?
		    raw_u64(raw, n, s->l.state_off) : SAMPLE_STATE_UNKNOWN;
		break;
	case SAMPLE_EV_SYS_ENTER:
		r->nr = (int64_t)raw_u64(raw, n, s->l.nr_off);
		for (int i = 0; i < 6; i++)
			r->args[i] = raw_u64(raw, n, s->l.args_off + 8 * i);
		break;
	case SAMPLE_EV_SYS_EXIT:
		r->nr = (int64_t)raw_u64(raw, n, s->l.nr_off);
		r->ret = (int64_t)raw_u64(raw, n, s->l.ret_off);
		break;
	}
}

static uint64_t
parse_sample(struct samplequeue *s, const unsigned char *p, const unsigned char *end)
{
	const unsigned char *chain = NULL, *regs = NULL, *stack = NULL, *raw = NULL;
	uint32_t ids[2], rawsize = 0;
	uint64_t time, period, nr = 0, abi = 0, size = 0, dyn = 0, ip, id;
	size_t nregs = (size_t)__builtin_popcountll(SAMPLEQUEUE_REGS_MASK), nk = 0, i, j;
	int event = s->l.event;
	struct pend *q;

	if (s->l.identifier) {
		if (take(&p, end, &id, 8) || (event = event_of(s, id)) < 0)
			return 0;
	}
	if (take(&p, end, ids, 8) || take(&p, end, &time, 8) || take(&p, end, &period, 8))
		return 0;
	if (s->l.callchain) {
		if (take(&p, end, &nr, 8) || nr > (uint64_t)(end - p) / 8)
			return 0;
		chain = p;
		p += nr * 8;
	}
	if (s->l.raw) {
		/* A u32 size, then the data, padded to 8 bytes with the size. */
		if (take(&p, end, &rawsize, 4) || rawsize > (uint64_t)(end - p))
			return 0;
		raw = p;
		p += rawsize;
	}
	if (take(&p, end, &abi, 8))
		return 0;
	if (abi != PERF_SAMPLE_REGS_ABI_NONE) {
		regs = p;
		if (take(&p, end, NULL, nregs * 8))
			return 0;
	}
	if (take(&p, end, &size, 8))
		return 0;
	if (size > 0) {
		stack = p;
		if (take(&p, end, NULL, size) || take(&p, end, &dyn, 8))
			return 0;
		if (dyn > size)
			dyn = size;
	}
	for (i = 0; i < nr; i++) {
		memcpy(&ip, chain + 8 * i, 8);
		nk += ip < PERF_CONTEXT_MAX;
	}

	/* Behind: the stacks of switches and calls wait for the reader
	 * while the rings of their intervals and results fill; those
	 * stacks are dropped here, not those records by the kernel. */
	if (event == SAMPLE_EV_SWITCH_OUT || event == SAMPLE_EV_SYS_ENTER) {
		if (s->nstacks >= SHED_AT) {
			s->shed++;
			return time;
		}
		s->nstacks++;
	}
	q = pend_new(s, SAMPLE_SAMPLE, nk * 8 + dyn);
	q->r.event = event;
	parse_raw(s, &q->r, raw, rawsize);
	q->r.pid = ids[0];
	q->r.tid = ids[1];
	q->r.time = time;
	q->r.period = period;
	for (i = j = 0; i < nr; i++) {
		memcpy(&ip, chain + 8 * i, 8);
		if (ip < PERF_CONTEXT_MAX)
			q->data[j++] = ip;
	}
	q->r.kchain = q->data;
	q->r.nkchain = nk;
	if (regs != NULL) {
		/* Regs come in the order of the mask's bits. */
		q->r.user = 1;
		for (i = j = 0; i < SAMPLE_NREGS; i++)
			if (SAMPLEQUEUE_REGS_MASK & (1ULL << i))
				memcpy(&q->r.regs[i], regs + 8 * j++, 8);
	}
	q->r.stack = (const unsigned char *)(q->data + nk);
	q->r.stack_size = dyn;
	if (dyn > 0)
		memcpy(q->data + nk, stack, dyn);
	heap_push(s, q);
	return time;
}

/* A string field of at most end - p bytes, NUL-terminated or not. */
static struct pend *
pend_string(struct samplequeue *s, int kind, const unsigned char *p, const unsigned char *end)
{
	size_t n = strnlen((const char *)p, (size_t)(end - p));
	struct pend *q = pend_new(s, kind, n + 1);

	memcpy(q->data, p, n);
	((char *)q->data)[n] = '\0';
	return q;
}

static uint64_t
parse_mmap(struct samplequeue *s, const struct perf_event_header *h,
    const unsigned char *p, const unsigned char *end, uint64_t time)
{
	uint32_t ids[2], prot;
	uint64_t v[3];
	unsigned char id[24];
	struct pend *q;

	if (take(&p, end, ids, 8) || take(&p, end, v, 24) || take(&p, end, id, 24) ||
	    take(&p, end, &prot, 4) || take(&p, end, NULL, 4))
		return 0;
	if (!(prot & PROT_EXEC))
		return time;
	q = pend_string(s, SAMPLE_MMAP, p, end);
	q->r.filename = (const char *)q->data;
	q->r.pid = ids[0];
	q->r.tid = ids[1];
	q->r.addr = v[0];
	q->r.len = v[1];
	q->r.pgoff = v[2];
	if ((h->misc & PERF_RECORD_MISC_MMAP_BUILD_ID) && id[0] <= sizeof(q->r.build_id)) {
		q->r.build_id_size = id[0];
		memcpy(q->r.build_id, id + 4, id[0]);
	}
	q->r.time = time;
	heap_push(s, q);
	return time;
}

uint64_t
samplequeue_parse(struct samplequeue *s, const unsigned char *rec, size_t size)
{
	struct perf_event_header h;
	const unsigned char *p = rec + sizeof(h), *end = rec + size;
	uint32_t ids[4];
	uint64_t time, v[2];
	struct pend *q;

	memcpy(&h, rec, sizeof(h));
	if (h.type == PERF_RECORD_SAMPLE)
		return parse_sample(s, p, end);
	/* sample_id_all: every other record ends with pid, tid and time,
	 * and the identifier. */
	if (s->l.identifier) {
		if (end - p < 8)
			return 0;
		end -= 8;
	}
	if (end - p < 16)
		return 0;
	end -= 16;
	memcpy(&time, end + 8, 8);
	switch (h.type) {
	case PERF_RECORD_SWITCH:
		q = pend_new(s, SAMPLE_SWITCH, 0);
		memcpy(ids, end, 8);
		q->r.pid = ids[0];
		q->r.tid = ids[1];
		q->r.out = (h.misc & PERF_RECORD_MISC_SWITCH_OUT) != 0;
		q->r.preempt = (h.misc & PERF_RECORD_MISC_SWITCH_OUT_PREEMPT) != 0;
		break;
	case PERF_RECORD_MMAP2:
		return parse_mmap(s, &h, p, end, time);
	case PERF_RECORD_COMM:
		if (take(&p, end, ids, 8))
			return 0;
		q = pend_string(s, SAMPLE_COMM, p, end);
		q->r.comm = (const char *)q->data;
		q->r.exec = (h.misc & PERF_RECORD_MISC_COMM_EXEC) != 0;
		q->r.pid = ids[0];
		q->r.tid = ids[1];
		break;
	case PERF_RECORD_FORK:
	case PERF_RECORD_EXIT:
		if (take(&p, end, ids, 16))
			return 0;
		q = pend_new(s, h.type == PERF_RECORD_FORK ? SAMPLE_FORK : SAMPLE_EXIT, 0);
		q->r.pid = ids[0];
		q->r.ppid = ids[1];
		q->r.tid = ids[2];
		q->r.ptid = ids[3];
		break;
	case PERF_RECORD_LOST:
	case PERF_RECORD_LOST_SAMPLES:
		if (h.type == PERF_RECORD_LOST ? take(&p, end, v, 16) : take(&p, end, v + 1, 8))
			return 0;
		s->lost += v[1];
		q = pend_new(s, SAMPLE_LOST, 0);
		memcpy(ids, end, 8);
		q->r.pid = ids[0];
		q->r.tid = ids[1];
		q->r.lost = v[1];
		break;
	case PERF_RECORD_THROTTLE:
		s->throttled++;
		return time;
	default:
		return time;
	}
	q->r.time = time;
	heap_push(s, q);
	return time;
}

int
samplequeue_flush(struct samplequeue *s, uint64_t limit, void (*cb)(void *, const struct sample_record *), void *ctx)
{
	struct pend *p;
	int n = 0;

	while (s->nheap > 0 && s->heap[0]->r.time <= limit) {
		p = heap_pop(s);
		if (p->r.kind == SAMPLE_SAMPLE &&
		    (p->r.event == SAMPLE_EV_SWITCH_OUT || p->r.event == SAMPLE_EV_SYS_ENTER))
			s->nstacks--;
		cb(ctx, &p->r);
		pend_free(s, p);
		n++;
	}
	return n;
}

uint64_t
samplequeue_lost(const struct samplequeue *s)
{
	return s->lost;
}

uint64_t
samplequeue_shed(const struct samplequeue *s)
{
	return s->shed;
}

uint64_t
samplequeue_throttled(const struct samplequeue *s)
{
	return s->throttled;
}

struct samplequeue *
samplequeue_new(const struct samplequeue_layout *l)
{
	struct samplequeue *s = xcalloc(1, sizeof(*s));

	s->l = *l;
	return s;
}

void
samplequeue_free(struct samplequeue *s)
{
	struct pend *p;

	if (s == NULL)
		return;
	while (s->nheap > 0)
		free(s->heap[--s->nheap]);
	for (int c = 0; c < NCLASS; c++)
		while ((p = s->freel[c]) != NULL) {
			s->freel[c] = p->next;
			free(p);
		}
	free(s->heap);
	free(s->ids);
	free(s);
}
