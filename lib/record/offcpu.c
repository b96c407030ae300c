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
	uint64_t lost_intervals, lost_ns;   /* of those, without their stack */
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

/*
 * The interval t opened at t->out_at, up to time in: added under its
 * switch-out sample, the one held if it was taken while the thread last
 * ran (a sample comes before its switch record, or at the same time), else
 * under no stack; closed.
 */
static void
add_interval(struct offcpu *oc, struct pending_thread *t, uint64_t in)
{
	uint64_t from = t->out_at > oc->start ? t->out_at : oc->start, ns, n;
	int stack = t->held && t->s.time >= t->in_at && t->s.time <= t->out_at;
	struct sample_record lost;
	unsigned __int128 x;

	t->held = 0;
	t->out_at = 0;
	if (oc->end != 0 && in > oc->end)
		in = oc->end;
	if (in <= from)
		return;
	ns = in - from;
	oc->intervals++;
	oc->ns += ns;
	if (!stack) {
		oc->lost_intervals++;
		oc->lost_ns += ns;
	}
	n = ns;
	if (oc->freq > 0) {
		x = (unsigned __int128)ns * (unsigned)oc->freq + t->carry;
		n = (uint64_t)(x / 1000000000u);
		t->carry = (uint64_t)(x % 1000000000u);
		if (n == 0)
			return;    /* no sample: not even unwound */
	}
	if (!stack) {
		memset(&lost, 0, sizeof(lost));
		lost.kind = SAMPLE_SAMPLE;
		lost.event = SAMPLE_EV_SWITCH_OUT;
		lost.pid = t->s.pid;
		lost.tid = t->tid;
		lost.time = in;
		lost.leaf = t->preempt ? RECORD_RUNNABLE : OFFCPU_LOST;
		lost.weighted = 1;
		lost.weight = n;
		record_sample(oc->rec, &lost);
		return;
	}
	if (t->s.leaf == NULL)
		t->s.leaf = t->preempt ? RECORD_RUNNABLE : guess_leaf(oc, &t->s);
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
		if (oc->end != 0 && s->time >= oc->end)
			return;
		/* Later than the interval open: its switch-in was lost, and
		 * the thread ran again. */
		if ((t = pending_get(oc->threads, s->tid, 0)) != NULL && t->out_at != 0 &&
		    s->time > t->out_at)
			add_interval(oc, t, s->time);
		t = pending_hold(oc->threads, s);
		t->s.leaf = state_leaf(s->state);
		return;
	case SAMPLE_SWITCH:
		t = pending_get(oc->threads, s->tid, 1);
		if (t->s.pid == 0)
			t->s.pid = s->pid;
		if (!s->out) {
			if (t->out_at != 0)
				add_interval(oc, t, s->time);
			t->in_at = s->time;
			return;
		}
		if (oc->end != 0 && s->time >= oc->end)
			return;
		if (t->out_at != 0)     /* a switch-in lost */
			add_interval(oc, t, s->time);
		t->out_at = s->time;
		t->preempt = s->preempt;
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
	if (t != NULL && (t->held || t->out_at != 0 || t->in_at != 0))
		return;
	t = pending_hold(oc->threads, s);
	t->s.time = oc->start;
	t->out_at = oc->start;
	t->in_at = 0;
	t->preempt = 0;
}

static void
finish_one(void *ctx, struct pending_thread *t)
{
	struct offcpu *oc = ctx;

	if (t->out_at != 0)
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

uint64_t
offcpu_lost_intervals(const struct offcpu *oc)
{
	return oc->lost_intervals;
}

uint64_t
offcpu_lost_ns(const struct offcpu *oc)
{
	return oc->lost_ns;
}
