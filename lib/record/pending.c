#include "record/pending.h"

#include <stdlib.h>
#include <string.h>

#include <uthash.h>

#include "core/util.h"

struct entry {
	struct pending_thread t;
	unsigned char *buf;         /* kchain, then the stack */
	size_t cap;
	UT_hash_handle hh;
};

struct pending {
	struct entry *threads;
};

struct pending *
pending_new(void)
{
	return xcalloc(1, sizeof(struct pending));
}

static struct entry *
find(struct pending *p, uint32_t tid)
{
	struct entry *e;
	unsigned key = tid;

	HASH_FIND(hh, p->threads, &key, sizeof(key), e);
	return e;
}

struct pending_thread *
pending_get(struct pending *p, uint32_t tid, int create)
{
	struct entry *e = find(p, tid);

	if (e == NULL && create) {
		e = xcalloc(1, sizeof(*e));
		e->t.tid = tid;
		HASH_ADD(hh, p->threads, t.tid, sizeof(e->t.tid), e);
	}
	return e != NULL ? &e->t : NULL;
}

struct pending_thread *
pending_hold(struct pending *p, const struct sample_record *s)
{
	struct entry *e = (struct entry *)pending_get(p, s->tid, 1);
	size_t kbytes = s->nkchain * sizeof(*s->kchain), need = kbytes + s->stack_size;

	if (need > e->cap) {
		e->cap = need;
		free(e->buf);
		e->buf = xmalloc(need);
	}
	e->t.s = *s;
	if (kbytes > 0)
		memcpy(e->buf, s->kchain, kbytes);
	if (s->stack_size > 0)
		memcpy(e->buf + kbytes, s->stack, s->stack_size);
	e->t.s.kchain = (const uint64_t *)(void *)e->buf;
	e->t.s.stack = e->buf + kbytes;
	e->t.held = 1;
	return &e->t;
}

void
pending_drop(struct pending *p, uint32_t tid)
{
	struct entry *e = find(p, tid);

	if (e == NULL)
		return;
	HASH_DEL(p->threads, e);
	free(e->buf);
	free(e);
}

void
pending_each(struct pending *p, void (*fn)(void *ctx, struct pending_thread *t), void *ctx)
{
	struct entry *e, *tmp;

	HASH_ITER(hh, p->threads, e, tmp)
		fn(ctx, &e->t);
}

void
pending_free(struct pending *p)
{
	struct entry *e, *tmp;

	if (p == NULL)
		return;
	HASH_ITER(hh, p->threads, e, tmp) {
		HASH_DEL(p->threads, e);
		free(e->buf);
		free(e);
	}
	free(p);
}
