/*
 * sample: on-CPU sampling with perf_event_open(2), records in time order.
 *
 * A session opens one sampling event per CPU (software cpu-clock, or
 * hardware cycles when the machine counts them) for a set of processes,
 * inherited by their threads and children, with one ring buffer per CPU.
 * Each sample carries the user registers (x86-64) and a copy of the top of
 * the user stack, for unwinding without frame pointers; the kernel's
 * callchain is kept for kernel frames.  Side-band records (mmap, comm,
 * fork, exit) come from the same buffers.  sample_read() hands out the
 * records of all CPUs merged in time order: a record is handed out only
 * once every buffer has moved past its time, or at the end (sample_drain).
 *
 * Times are CLOCK_MONOTONIC (attr.use_clockid), comparable with
 * clock_gettime(CLOCK_MONOTONIC) in the caller.
 *
 * Without opts.kernel the kernel does not sample a thread while it runs in
 * the kernel (the cpu-clock skips those ticks), so system calls cost no
 * samples; with it they do, with user regs and stack as they were at the
 * entry to the kernel, and the kernel's frames in kchain.  Where the kernel
 * refuses that (kernel.perf_event_paranoid above 1 without CAP_PERFMON),
 * the session samples user mode only: sample_kernel_refused says so.
 *
 * Other events than the on-CPU one (opts.events): context switches, a
 * sample at each switch-out of a thread (SAMPLE_EV_SWITCH_OUT) with the
 * same registers, stack and kernel chain, and a SAMPLE_SWITCH record at
 * each switch in and out; and system calls, a sample at the entry of each
 * one opts.syscalls names (SAMPLE_EV_SYS_ENTER, with the registers and
 * stack) and at its exit (SAMPLE_EV_SYS_EXIT, its result, no stack).  The
 * switch records, with the mappings and threads' births, deaths and
 * names, come from an event of their own (SAMPLE_EV_SIDE, which never
 * samples) into rings of their own: when the stack samples come faster
 * than the reader takes them and the kernel drops some, the records that
 * say when each thread left and got a CPU are still there, so that no
 * time goes missing (a stack can, and is then said to be lost).  So do
 * the exits of system calls (SAMPLE_EV_SYS_EXIT), whose results are there
 * when the kernel drops the entries' stacks.  The
 * switch-out samples come from the tracepoint sched:sched_switch where
 * tracefs is mounted and the kernel grants it, with the state the thread
 * left the CPU in (sample_switch_state() says so); else from the software
 * event context-switches, without it.  System calls need tracefs's
 * raw_syscalls tracepoints.  These events count in the kernel: they need
 * what sampling the kernel needs (root, CAP_PERFMON or
 * kernel.perf_event_paranoid at most 1), and ignore opts.kernel.
 *
 * Ownership: a record and everything it points to (stack copy, file name,
 * callchain) belong to the session and stay valid until the callback
 * returns.  One thread uses a session.  x86-64 only, for now.
 */
#ifndef PROF_SAMPLE_H
#define PROF_SAMPLE_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include <asm/perf_regs.h>

#define SAMPLE_NREGS PERF_REG_X86_64_MAX

enum sample_kind {
	SAMPLE_SAMPLE,    /* a sample: pid, tid, time, regs, stack, kernel chain */
	SAMPLE_MMAP,      /* an executable mapping: addr, len, pgoff, filename, build_id */
	SAMPLE_COMM,      /* a thread's name changed (exec sets exec = 1) */
	SAMPLE_FORK,      /* pid/tid created by ppid/ptid */
	SAMPLE_EXIT,      /* pid/tid ended */
	SAMPLE_LOST,      /* the kernel dropped lost samples (ring buffer full);
	                  the last losses of a run come in no record: see sample_lost */
	SAMPLE_SWITCH     /* tid left a CPU (out; preempt: still runnable) or got one */
};

/* What a SAMPLE_SAMPLE is a sample of. */
enum sample_event {
	SAMPLE_EV_CPU,          /* on CPU, at the frequency */
	SAMPLE_EV_SWITCH_OUT,   /* leaving the CPU; state as sched_switch gives it */
	SAMPLE_EV_SYS_ENTER,    /* entering system call nr with args */
	SAMPLE_EV_SYS_EXIT,     /* leaving system call nr with ret (no regs, no stack) */
	SAMPLE_EV_SIDE          /* side-band records only (switches, mappings,
	                           threads), in rings of their own; never samples */
};

/* The events a session opens (sample_opts.events), or-ed. */
enum sample_events {
	SAMPLE_ON_CPU = 1,      /* with SAMPLE_SWITCHES: the cpu-clock, a time */
	SAMPLE_SWITCHES = 2,
	SAMPLE_SYSCALLS = 4
};

/* sched_switch's prev_state: the bits of TASK_INTERRUPTIBLE ("S") and
 * TASK_UNINTERRUPTIBLE ("D"); none of the low byte's, runnable (preempted,
 * "R" or "R+"); SAMPLE_STATE_UNKNOWN without the tracepoint. */
#define SAMPLE_STATE_S 0x1u
#define SAMPLE_STATE_D 0x2u
#define SAMPLE_STATE_UNKNOWN (~(uint64_t)0)

struct sample_record {
	int kind;                   /* enum sample_kind */
	uint32_t pid, tid, ppid, ptid;
	uint64_t time;              /* CLOCK_MONOTONIC, ns */

	/* SAMPLE_SAMPLE */
	int event;                  /* enum sample_event */
	uint64_t period;
	int user;                   /* regs and stack are valid (0: a kernel thread) */
	uint64_t regs[SAMPLE_NREGS];   /* indexed by PERF_REG_X86_*: AX..IP and R8..R15
	                               are sampled, FLAGS and the segments are 0 */
	const unsigned char *stack; /* copy of the user stack from regs[SP] */
	uint64_t stack_size;        /* bytes valid in stack: at most opts.stack_size,
	                               less where the stack's mapping ends */
	const uint64_t *kchain;     /* kernel frames, leaf first (no markers) */
	size_t nkchain;

	/* SAMPLE_MMAP */
	uint64_t addr, len, pgoff;
	const char *filename;       /* as the kernel names it ("[vdso]" too) */
	unsigned char build_id[20];
	size_t build_id_size;       /* 0 when the kernel gave none */

	/* SAMPLE_COMM */
	const char *comm;
	int exec;

	/* SAMPLE_LOST */
	uint64_t lost;

	/* SAMPLE_EV_SWITCH_OUT */
	uint64_t state;             /* SAMPLE_STATE_* bits, or SAMPLE_STATE_UNKNOWN */
	/* SAMPLE_EV_SYS_ENTER, SAMPLE_EV_SYS_EXIT */
	int64_t nr, ret;
	uint64_t args[6];

	/* SAMPLE_SWITCH */
	int out, preempt;

	/* Not from the kernel: what record_sample (lib/record/record) adds
	 * for a sample.  weighted: weight instead of 1 (0 is a count too);
	 * leaf: a frame after all others, as prof-folded(5) writes it. */
	int weighted;
	uint64_t weight;
	const char *leaf;
};

struct sample_opts {
	int freq;                   /* samples a second per thread on CPU; 0: 99 */
	uint32_t stack_size;        /* bytes of user stack per sample, 8 KiB to 64 KiB
	                               (0: 16 KiB; the kernel allows 65528 at most) */
	int kernel;                 /* also sample in the kernel, with its callchain,
	                               where the kernel permits it */
	size_t buffer_pages;        /* ring buffer pages per CPU (rounded up to a
	                               power of 2, at least two samples); 0: a
	                               quarter second of samples at freq, at most
	                               8 MiB a CPU and 64 MiB in all; halved while
	                               the kernel refuses to lock that much */
	int events;                 /* enum sample_events, or-ed; 0: SAMPLE_ON_CPU */
	const char *syscalls;       /* with SAMPLE_SYSCALLS: the tracepoint filter
	                               of those sampled ("id == 0 || id == 1") */
	const char *tracefs;        /* where tracefs is; NULL: /sys/kernel/tracing,
	                               then /sys/kernel/debug/tracing */
};

struct sample_session;

/*
 * Opens the events for the processes pids[0..npids) and every thread they
 * have now or create later (and their children).  For a command launched
 * by the caller, pass its pid while it waits before exec, with
 * enable_on_exec set: sampling then starts at the exec.  Otherwise the
 * processes are running: each thread they have gets its own events, and
 * the mappings they made before are not reported (read /proc/PID/maps);
 * sampling starts before sample_open returns.  Returns NULL and a message in
 * err on failure: refused (naming perf_event_paranoid and CAP_PERFMON), no
 * such process, too many open files (one event per thread and CPU), a
 * frequency over kernel.perf_event_max_sample_rate.  *event_name is set to
 * "cpu-clock" or "cycles", the event used.
 */
struct sample_session *sample_open(const struct sample_opts *o, const pid_t *pids, int npids,
    int enable_on_exec, const char **event_name, char *err, size_t errlen);

/* Waits up to timeout_ms for data (not at all once every process sampled
 * and all it created have exited), then hands out, in time order, every
 * record that is safe to hand out; returns the number handed out. */
int sample_read(struct sample_session *s, int timeout_ms,
    void (*cb)(void *ctx, const struct sample_record *r), void *ctx);

/* Disables the events, then hands out every record left, in time order.
 * The processes sampled run on as before. */
int sample_drain(struct sample_session *s, void (*cb)(void *ctx, const struct sample_record *r), void *ctx);

/* Samples lost and throttled so far, as the kernel reported them.  After
 * sample_drain the lost count is exact (the events' own count, Linux 6.0 and
 * later) and may exceed the sum of the SAMPLE_LOST records. */
uint64_t sample_lost(const struct sample_session *s);
uint64_t sample_throttled(const struct sample_session *s);

/* Of sample_lost, after sample_drain: the switch-out samples and system
 * call entries, whose intervals and results are still known from the
 * side-band records: those the reader dropped when it was behind, and
 * those the kernel dropped (counted by Linux 6.0 and later only). */
uint64_t sample_lost_stacks(const struct sample_session *s);

/* With opts.kernel, why the kernel is not sampled after all:
 * "perf_event_paranoid=N" when the kernel refused it and the session fell
 * back to user mode; NULL when it is sampled, or was not asked for. */
const char *sample_kernel_refused(const struct sample_session *s);

/* With SAMPLE_SWITCHES: 1 when switch-outs carry their state (the
 * tracepoint sched_switch), 0 when they do not (context-switches). */
int sample_switch_state(const struct sample_session *s);

/*
 * The directory of tracefs with the events of the kernel, or NULL when it
 * is not mounted there: opts.tracefs, else /sys/kernel/tracing, else
 * /sys/kernel/debug/tracing.  Mounting it is left to the user.
 */
const char *sample_tracefs(const char *tracefs);

/* Now, on the clock of the records' times (CLOCK_MONOTONIC, ns). */
uint64_t sample_now(void);

/*
 * Raises the calling thread's priority by 10 nice levels (to -10 at most),
 * where that is permitted (root, CAP_SYS_NICE), so that the reader of the
 * rings goes before the threads it samples and a busy machine's: the
 * kernel need not drop what comes faster than a crowded-out reader takes
 * it.  Processes forked before keep their own.
 */
void sample_reader_priority(void);

/* Closes the events and frees the session. */
void sample_close(struct sample_session *s);

#endif
