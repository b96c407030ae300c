/*
 * pending: per thread, a sample held until its weight is known.
 *
 * An off-CPU interval is weighed at the thread's switch-in, a system call
 * at its exit; the sample that names where it happened (the switch-out,
 * the entry) is held until then, and unwound only when it is added, so
 * that an interval that adds nothing costs no unwinding.  A thread's entry
 * holds at most one sample: a copy of its registers, the valid part of its
 * stack and its kernel frames, owned by the table, in buffers reused by
 * the thread's next sample (its leaf, a string the caller owns, is kept as
 * it is).  The entry also keeps what the caller notes about the thread
 * between samples (carry).  Entries are keyed by tid; one thread uses a
 * table.
 */
#ifndef PROF_PENDING_H
#define PROF_PENDING_H

#include <stdint.h>

#include "record/sample.h"

struct pending_thread {
	uint32_t tid;
	int held;                   /* s is a sample held */
	struct sample_record s;     /* its copy: stack and kchain point into
	                               the entry's buffers */
	uint64_t carry;             /* the caller's, kept while not held */
	uint64_t out_at, in_at;     /* the caller's: when the thread last left a
	                               CPU (0: it has one) and last got one */
	int preempt;                /* the caller's: it left preempted */
};

struct pending;

struct pending *pending_new(void);
void pending_free(struct pending *p);

/* The entry of tid, created (not held) if create and there is none; NULL
 * when there is none and not create. */
struct pending_thread *pending_get(struct pending *p, uint32_t tid, int create);

/* Holds a copy of s in the entry of s->tid (replacing what it held);
 * returns the entry. */
struct pending_thread *pending_hold(struct pending *p, const struct sample_record *s);

/* Forgets the entry of tid (the thread ended). */
void pending_drop(struct pending *p, uint32_t tid);

/* Calls fn for every entry, in no order; fn may release (held = 0) but
 * not drop. */
void pending_each(struct pending *p, void (*fn)(void *ctx, struct pending_thread *t), void *ctx);

#endif
