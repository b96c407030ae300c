/*
 * offcpu: the time threads spend off CPU, as weighted stacks.
 *
 * An offcpu follows the records of a sampler that samples switches
 * (lib/record/sample, SAMPLE_SWITCHES).  The switch records (out and in)
 * make the intervals: they come in rings of their own, so a thread's
 * intervals are all there even when the kernel drops stack samples.  The
 * switch-out sample of a thread, its stack, is held (lib/record/pending)
 * until the interval it opened ends at the thread's next switch-in, and is
 * then added to the recorder (lib/record/record) with the length of the
 * interval as its weight, in nanoseconds, or for a wall-clock profile in
 * samples at the frequency: interval x freq / 1e9, the fraction carried to
 * the thread's next interval, so that counts are integers and a thread off
 * CPU for its whole life has duration x freq samples.  The stack ends in
 * the leaf of the thread's state: RECORD_SLEEP, RECORD_DISK or
 * RECORD_RUNNABLE, from sched_switch where the samples carry it; else
 * runnable when the kernel says the switch-out preempted the thread, disk
 * when its kernel frames wait for I/O (io_schedule, folio_wait_bit,
 * bit_wait_io, ...), sleep otherwise.  An interval whose sample the kernel
 * dropped keeps its time, under "[unknown]" and the leaf RECORD_RUNNABLE
 * when it was preempted, else OFFCPU_LOST ("[stack lost]"), and is counted
 * apart (offcpu_lost_ns).
 *
 * Intervals are cut to the recording: they start no earlier than
 * offcpu_start's time, end no later than offcpu_stop's; a thread off CPU
 * when the recording started (offcpu_blocked) counts from its start, and
 * one still off CPU at the end counts up to it (offcpu_finish).  Every
 * other record goes to the recorder as it is: with the on-CPU samples of a
 * wall-clock profile, a thread's time is all counted, on CPU or off.
 * One thread uses an offcpu; the recorder is the caller's.
 */
#ifndef PROF_OFFCPU_H
#define PROF_OFFCPU_H

#include <stdint.h>

#include "record/record.h"
#include "record/sample.h"

struct offcpu;

/* Intervals in nanoseconds, or with freq > 0 in samples at freq Hz. */
struct offcpu *offcpu_new(struct record *rec, int freq);
void offcpu_free(struct offcpu *oc);

/* The start of the recording (sample_now's clock). */
void offcpu_start(struct offcpu *oc, uint64_t t);

/* The sampler's callback: ctx is the struct offcpu. */
void offcpu_record(void *ctx, const struct sample_record *s);

/* A thread off CPU since before the start, s a snapshot of it with the
 * leaf of its state (record_ptrace_blocked's callback). */
void offcpu_blocked(void *ctx, const struct sample_record *s);

/* The end of the recording: nothing counts after t. */
void offcpu_stop(struct offcpu *oc, uint64_t t);

/* Adds the threads still off CPU, up to the end; after the sampler's
 * last records. */
void offcpu_finish(struct offcpu *oc);

/* The leaf of an interval whose stack the kernel dropped. */
#define OFFCPU_LOST "[stack lost]"

/* The intervals added, and their nanoseconds; of those, the ones whose
 * stack was lost. */
uint64_t offcpu_intervals(const struct offcpu *oc);
uint64_t offcpu_ns(const struct offcpu *oc);
uint64_t offcpu_lost_intervals(const struct offcpu *oc);
uint64_t offcpu_lost_ns(const struct offcpu *oc);

#endif
