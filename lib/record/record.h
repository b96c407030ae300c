/*
 * record: samples turned into folded stacks.
 *
 * A struct record follows the processes the sampler reports (mmap, comm,
 * fork, exec, exit), unwinds each user sample in its process (lib/record/unwind),
 * names the frames, and adds the stack "comm;root;...;leaf" to a stack
 * table, counting one per sample.  Kernel frames (from the kernel's
 * callchain) go after the user frames, marked _[k].  Frame names follow
 * prof-folded(5): ';' becomes ':', control bytes become spaces, inlined
 * functions are frames of their own marked _[i], and with lines a frame
 * carries "\tFILE:LINE".  A frame without a name is, as prof-folded(5)
 * says: "NEAR+0xOFF?" where a stripped file's exports give a guess,
 * "[MODULE]", or with addrs "MODULE+0xOFFSET" (no guesses), "[unknown]"
 * outside any file.
 * The table is the caller's; rec only adds to it.  One thread.
 */
#ifndef PROF_RECORD_H
#define PROF_RECORD_H

#include <stdint.h>
#include <sys/types.h>

#include "core/count.h"
#include "folded/stacktable.h"
#include "record/sample.h"

/* The leaves of a thread off CPU (sample_record.leaf): waiting for an
 * event (TASK_INTERRUPTIBLE, "S"), for I/O (TASK_UNINTERRUPTIBLE, "D"),
 * or for a CPU (preempted, still runnable). */
#define RECORD_SLEEP "[sleep]"
#define RECORD_DISK "[disk]"
#define RECORD_RUNNABLE "[runnable]"

/* The threads a ptrace sample takes (record_ptrace_sample). */
enum record_ptrace {
	RECORD_PTRACE_ALL,      /* every thread, as it is */
	RECORD_PTRACE_RUNNING,  /* those running or ready to run (R) */
	RECORD_PTRACE_STATES,   /* every thread, those not running with the
	                           leaf of their state */
	RECORD_PTRACE_BLOCKED   /* those sleeping (S) or waiting (D), with it */
};

struct record_opts {
	int pid, tid;        /* root frame comm-PID or comm-PID/TID */
	int kernel;          /* kernel frames, from the callchain */
	int lines;           /* frames carry their file:line */
	int inline_frames;   /* inlined functions as frames of their own */
	int max_stack;       /* at most this many frames from the leaf; 0: all */
	int unwinder;        /* enum unwind_kind */
	int compare;         /* also unwind with libunwind, count disagreements */
	int addrs;           /* unnamed frames as module+0xOFFSET, no guesses */
};

struct record;

/* A recorder adding to out. */
struct record *record_new(const struct record_opts *o, struct stacktable *out);

/* From now on, stacks go to out (the caller flushed the old table). */
void record_set_out(struct record *r, struct stacktable *out);

/* A running process to follow: its mappings and thread names now. */
void record_attach(struct record *r, pid_t pid);

/* The sampler's callback: ctx is the struct record.  A sample adds its
 * stack, with s->leaf after its frames, counting 1 or s->weight. */
void record_sample(void *ctx, const struct sample_record *s);

/* Samples added so far, and those whose stack could not be unwound past
 * the leaf (reported, still counted); the sum of their counts. */
uint64_t record_samples(const struct record *r);
uint64_t record_truncated(const struct record *r);
count_t record_counted(const struct record *r);

/* The name of a kernel address (/proc/kallsyms, read at the first call),
 * or NULL. */
const char *record_ksym(struct record *r, uint64_t addr);

/* The leaf of a thread in /proc state ('S', 'D', 'R'...): RECORD_SLEEP,
 * RECORD_DISK or RECORD_RUNNABLE. */
const char *record_state_leaf(int state);

/* With compare: samples whose two unwinds differed, of *compared. */
uint64_t record_disagreed(const struct record *r, uint64_t *compared);

/*
 * One stack per thread of pid, now: stops each thread with ptrace, copies
 * its registers and stack, resumes it, and adds "comm;...;leaf 1" per
 * thread.  Returns the number of threads, or -1 with a message in err.
 */
int record_threads(struct record *r, pid_t pid, char *err, size_t errlen);

/*
 * The ptrace sampler, for when perf_event_open is refused: one sample of
 * the threads of pid that which (enum record_ptrace) selects, taken as
 * record_threads() does.  Returns the threads sampled, or -1 with a message
 * in err when none could be read.
 */
int record_ptrace_sample(struct record *r, pid_t pid, int which, char *err, size_t errlen);

/*
 * A snapshot of each thread of pid that is off CPU now (S or D in /proc),
 * handed to cb with its leaf and the time, not added: the start of an
 * interval off CPU that began before the recording.  Stopping a thread in
 * a system call interrupts it; the kernel restarts it.  Returns as
 * record_ptrace_sample().
 */
int record_ptrace_blocked(struct record *r, pid_t pid,
    void (*cb)(void *ctx, const struct sample_record *s), void *ctx, char *err, size_t errlen);

/*
 * The ptrace sampler leaves no thread traced or stopped by it: each is
 * let go before record_ptrace_sample() returns, a signal that arrived
 * meanwhile is delivered, and a fatal signal in prof-record (SIGSEGV,
 * SIGABRT, ...) lets the thread held go before it takes its course
 * (handlers installed at the first sample).  The tracer is told first
 * when a traced thread ends: when that thread was the caller's own child,
 * its wait status is kept, and record_reaped() returns 1 and gives it in
 * *status once (waitpid() then fails with ECHILD); otherwise 0.
 */
int record_reaped(struct record *r, pid_t pid, int *status);

void record_free(struct record *r);

#endif
