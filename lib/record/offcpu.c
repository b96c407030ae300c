#include "record/offcpu.h"

#include <stdlib.h>
#include <string.h>

#include "core/util.h"
#include "record/pending.h"

struct offcpu {
	struct record *rec;
	struct pending *threads;
	int freq;
	uint64_t start, end;        /* end 0: not yet */
	uint64_t intervals, ns;
};

struct offcpu *
offcpu_new(struct record *rec, int freq)
{
	struct offcpu *oc = xcalloc(1, sizeof(*oc));

	oc->rec = rec;
	oc->freq = freq;
	oc->threads = pending_new();
	return oc;
}

void
offcpu_free(struct offcpu *oc)
{
	if (oc == NULL)
		return;
	pending_free(oc->threads);
	free(oc);
}

void
offcpu_start(struct offcpu *oc, uint64_t t)
{
	oc->start = t;
}

void
offcpu_stop(struct offcpu *oc, uint64_t t)
{
	oc->end = t;
}

/* Kernel functions that wait for I/O: a thread switched out under one of
 * them is in D for the disk (or a device), as vmstat's "b" counts. */
static const char *const io_waits[] = {
	"io_schedule", "wait_io", "folio_wait", "wait_on_page", "wait_on_buffer",
	"blk_mq_get_tag", NULL
};

/* The state of a switch-out without sched_switch's: from its kernel frames. */
static const char *
guess_leaf(struct offcpu *oc, const struct sample_record *s)
{
	for (size_t i = 0; i < s->nkchain; i++) {
		const char *name = record_ksym(oc->rec, s->kchain[i]);
		for (int j = 0; name != NULL && io_waits[j] != NULL; j++)
			if (strstr(name, io_waits[j]) != NULL)
				return RECORD_DISK;
	}
	return RECORD_SLEEP;
}

static const char *
state_leaf(uint64_t state)
{
	if (state == SAMPLE_STATE_UNKNOWN)
		return NULL;
	if ((state & 0xff) == 0)
		return RECORD_RUNNABLE;
	return state & SAMPLE_STATE_D ? RECORD_DISK : RECORD_SLEEP;
}

/* The interval of t's held switch-out, up to time in: added, released. */
static void
add_interval(struct offcpu *oc, struct pending_thread *t, uint64_t in)
{
	uint64_t from = t->s.time > oc->start ? t->s.time : oc->start, ns, n;
	unsigned __int128 x;

	t->held = 0;
	if (oc->end != 0 && in > oc->end)
		in = oc->end;
	if (in <= from)
		return;
	ns = in - from;
	oc->intervals++;
	oc->ns += ns;
	n = ns;
	if (oc->freq > 0) {
		x = (unsigned __int128)ns * (unsigned)oc->freq + t->carry;
		n = (uint64_t)(x / 1000000000u);
		t->carry = (uint64_t)(x % 1000000000u);
		if (n == 0)
			return;    /* no sample: not even unwound */
	}
	if (t->s.leaf == NULL)
		t->s.leaf = guess_leaf(oc, &t->s);
	t->s.weighted = 1;
	t->s.weight = n;
	record_sample(oc->rec, &t->s);
}

void
offcpu_record(void *ctx, const struct sample_record *s)
{
	struct offcpu *oc = ctx;
	struct pending_thread *t;

	switch (s->kind) {
	case SAMPLE_SAMPLE:
		if (s->event != SAMPLE_EV_SWITCH_OUT)
			break;
		/* A switch-in lost: the interval ends here. */
		if ((t = pending_get(oc->threads, s->tid, 0)) != NULL && t->held)
			add_interval(oc, t, s->time);
		if (oc->end != 0 && s->time >= oc->end)
			return;
		t = pending_hold(oc->threads, s);
		t->s.leaf = state_leaf(s->state);
		return;
	case SAMPLE_SWITCH:
		if ((t = pending_get(oc->threads, s->tid, 0)) == NULL || !t->held)
			return;
		if (!s->out)
			add_interval(oc, t, s->time);
		else if (s->preempt && t->s.leaf == NULL)
			t->s.leaf = RECORD_RUNNABLE;
		return;
	case SAMPLE_EXIT:
		pending_drop(oc->threads, s->tid);
		break;
	}
	record_sample(oc->rec, s);
}

void
offcpu_blocked(void *ctx, const struct sample_record *s)
{
	struct offcpu *oc = ctx;
	struct pending_thread *t = pending_get(oc->threads, s->tid, 0);

	/* Its switch-out since the events opened is the better sample. */
	if (t != NULL && t->held)
		return;
	t = pending_hold(oc->threads, s);
	t->s.time = oc->start;
}

static void
finish_one(void *ctx, struct pending_thread *t)
{
	struct offcpu *oc = ctx;

	if (t->held)
		add_interval(oc, t, oc->end);
}

void
offcpu_finish(struct offcpu *oc)
{
	if (oc->end == 0)
		oc->end = sample_now();
	pending_each(oc->threads, finish_one, oc);
}

uint64_t
offcpu_intervals(const struct offcpu *oc)
{
	return oc->intervals;
}

uint64_t
offcpu_ns(const struct offcpu *oc)
{
	return oc->ns;
}
