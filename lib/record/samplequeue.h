/*
 * samplequeue: the records of a sampling session, parsed out of the kernel's ring
 * buffers, waiting in time order to be handed out.  Internal to lib/record/sample.c,
 * which owns the events and the rings; this half knows the record formats.
 *
 * Every record is copied (samples: the kernel frames and the valid part of
 * the stack, not the whole reserved copy), because the ring's space goes back
 * to the kernel before the record's turn comes.  Copies are allocated in
 * power-of-2 classes and recycled through free lists: a steady run allocates
 * nothing.  Records of equal time keep their order of arrival.  At most
 * 1024 stacks of switches and system calls wait (samplequeue_shed).
 */
#ifndef PROF_SAMPLEQUEUE_H
#define PROF_SAMPLEQUEUE_H

#include <stddef.h>
#include <stdint.h>

#include "record/sample.h"

/*
 * The registers sampled: AX..IP and R8..R15, what DWARF CFI can name.  The
 * segment registers are left out (the kernel refuses DS, ES, FS and GS on
 * x86-64), and so is FLAGS, which no unwinder reads.
 */
#define SAMPLEQUEUE_REGS_MASK (((1ULL << (PERF_REG_X86_IP + 1)) - 1) | \
	(((1ULL << PERF_REG_X86_64_MAX) - 1) & ~((1ULL << PERF_REG_X86_R8) - 1)))

struct samplequeue;

/*
 * The fields of the records: samples of (IDENTIFIER if identifier), TID,
 * TIME, PERIOD, (CALLCHAIN if callchain), (RAW if raw), REGS_USER with
 * SAMPLEQUEUE_REGS_MASK and STACK_USER; other records carry sample_id_all's
 * TID, TIME and (IDENTIFIER).  Without identifier, every sample is of
 * event; with it, of the event samplequeue_id() gave its id.  The raw data
 * of a tracepoint is read at the offsets its format gives: sched_switch's
 * prev_state (state_off, -1: none), raw_syscalls' id, args and ret.
 */
struct samplequeue_layout {
	int callchain, raw, identifier;
	int event;                      /* enum sample_event */
	int state_off, nr_off, args_off, ret_off;
};

struct samplequeue *samplequeue_new(const struct samplequeue_layout *l);
void samplequeue_free(struct samplequeue *q);

/* The samples of the event with this id are of event (enum sample_event). */
void samplequeue_id(struct samplequeue *q, uint64_t id, int event);

/* Queues a copy of the record rec[0..size) (a perf_event_header first) if it
 * is one of enum sample_kind's, counts it if lost or throttled.  Returns its
 * time, 0 when it has none or is malformed. */
uint64_t samplequeue_parse(struct samplequeue *q, const unsigned char *rec, size_t size);

/* Hands out, in time order, every record of time <= limit; returns how many. */
int samplequeue_flush(struct samplequeue *q, uint64_t limit,
    void (*cb)(void *ctx, const struct sample_record *r), void *ctx);

/* Samples lost and throttle records, as parsed so far. */
uint64_t samplequeue_lost(const struct samplequeue *q);
uint64_t samplequeue_throttled(const struct samplequeue *q);

/* The samples of switches out and system call entries dropped because
 * SHED_AT (1024) of them waited already: the reader was behind, and their
 * stacks go so that the intervals and results, in rings of their own, do
 * not. */
uint64_t samplequeue_shed(const struct samplequeue *q);

#endif
