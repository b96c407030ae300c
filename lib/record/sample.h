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
	SAMPLE_LOST       /* the kernel dropped lost samples (ring buffer full);
	                  the last losses of a run come in no record: see sample_lost */
};

struct sample_record {
	int kind;                   /* enum sample_kind */
	uint32_t pid, tid, ppid, ptid;
	uint64_t time;              /* CLOCK_MONOTONIC, ns */

	/* SAMPLE_SAMPLE */
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

/* With opts.kernel, why the kernel is not sampled after all:
 * "perf_event_paranoid=N" when the kernel refused it and the session fell
 * back to user mode; NULL when it is sampled, or was not asked for. */
const char *sample_kernel_refused(const struct sample_session *s);

/* Closes the events and frees the session. */
void sample_close(struct sample_session *s);

#endif
