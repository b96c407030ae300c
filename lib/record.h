/*
 * record: samples turned into folded stacks.
 *
 * A struct rec follows the processes the sampler reports (mmap, comm,
 * fork, exec, exit), unwinds each user sample in its process (lib/stack),
 * names the frames, and adds the stack "comm;root;...;leaf" to a stack
 * table, counting one per sample.  Kernel frames (from the kernel's
 * callchain) go after the user frames, marked _[k].  Frame names follow
 * prof-folded(5): ';' becomes ':', control bytes become spaces, inlined
 * functions are frames of their own marked _[i], and with lines a frame
 * carries "\tFILE:LINE".
 * The table is the caller's; rec only adds to it.  One thread.
 */
#ifndef PROF_RECORD_H
#define PROF_RECORD_H

#include <stdint.h>
#include <sys/types.h>

#include "sample.h"
#include "stab.h"

struct rec_opts {
	int pid, tid;        /* root frame comm-PID or comm-PID/TID */
	int kernel;          /* kernel frames, from the callchain */
	int lines;           /* frames carry their file:line */
	int inline_frames;   /* inlined functions as frames of their own */
	int depth;           /* at most this many frames from the leaf; 0: all */
	int unwinder;        /* enum stk_unwinder */
	int compare;         /* also unwind with libunwind, count disagreements */
};

struct rec;

/* A recorder adding to out. */
struct rec *rec_new(const struct rec_opts *o, struct stab *out);

/* From now on, stacks go to out (the caller flushed the old table). */
void rec_set_out(struct rec *r, struct stab *out);

/* A running process to follow: its mappings and thread names now. */
void rec_attach(struct rec *r, pid_t pid);

/* The sampler's callback: ctx is the struct rec. */
void rec_record(void *ctx, const struct smp_record *s);

/* Samples added so far, and those whose stack could not be unwound past
 * the leaf (reported, still counted). */
uint64_t rec_samples(const struct rec *r);
uint64_t rec_truncated(const struct rec *r);

/* With compare: samples whose two unwinds differed, of *compared. */
uint64_t rec_disagreed(const struct rec *r, uint64_t *compared);

/*
 * One stack per thread of pid, now: stops each thread with ptrace, copies
 * its registers and stack, resumes it, and adds "comm;...;leaf 1" per
 * thread.  Returns the number of threads, or -1 with a message in err.
 */
int rec_threads(struct rec *r, pid_t pid, char *err, size_t errlen);

/*
 * The ptrace sampler, for when perf_event_open is refused: one sample of
 * every thread of pid (only those running, with running_only), taken as
 * rec_threads() does.  Returns the threads sampled, or -1 with a message
 * in err when none could be read.
 */
int rec_ptrace_sample(struct rec *r, pid_t pid, int running_only, char *err, size_t errlen);

/*
 * The ptrace sampler leaves no thread traced or stopped by it: each is
 * let go before rec_ptrace_sample() returns, a signal that arrived
 * meanwhile is delivered, and a fatal signal in prof-record (SIGSEGV,
 * SIGABRT, ...) lets the thread held go before it takes its course
 * (handlers installed at the first sample).  The tracer is told first
 * when a traced thread ends: when that thread was the caller's own child,
 * its wait status is kept, and rec_reaped() returns 1 and gives it in
 * *status once (waitpid() then fails with ECHILD); otherwise 0.
 */
int rec_reaped(struct rec *r, pid_t pid, int *status);

void rec_free(struct rec *r);

#endif
