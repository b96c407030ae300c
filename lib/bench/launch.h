/*
 * launch: one run of a benchmarked command, started and measured.
 *
 * A command is an argument vector, exec'd with a PATH search: either the
 * words of the command line (cmdline_split, prof-bench -N and commands
 * without shell syntax) or a shell's ["sh", "-c", LINE].  A run is
 * measured from just before the process is created to just after wait4()
 * reaps it, on CLOCK_MONOTONIC; the CPU times, the maximum resident set,
 * the page faults and the context switches are wait4()'s rusage of that
 * child alone (and of the descendants it waited for).  Linux reports as a
 * child's maximum resident set at least that of the process that started
 * it, as it was then, so prof-bench keeps its own small.
 *
 * Hardware counters (cycles, instructions) are counted when the machine
 * has them: the child is then forked and held until the counters, opened
 * on it with enable_on_exec and inherit, are ready, so that they count
 * from its exec on, across its threads and children.  Without them the
 * child is started by posix_spawn (a vfork: the cheapest start, so the
 * harness's own floor stays low).
 */
#ifndef PROF_LAUNCH_H
#define PROF_LAUNCH_H

#include <stddef.h>

/* measured into; see bench.h (launch.c includes it) */
struct bench_run;

/* Where a run's standard streams go: file descriptors dup'd onto 0, 1, 2;
 * -1 keeps prof-bench's own. */
struct launch_io {
	int in, out, err;
};

/*
 * Whether the hardware counters can be used: 1, or 0 with the reason in
 * why[0..len) ("no cycles counter: ..."); the answer is found once.
 */
int launch_hw_available(char *why, size_t len);

/*
 * Runs argv once with io and measures it into *run (cycles and
 * instructions when hw and the machine has the counters).  The process
 * inherits prof-bench's environment, signal dispositions are reset to
 * their defaults.  Returns 0, or -1 with errno when the command could not
 * be started (not found: ENOENT, not executable: EACCES).
 */
int launch_run(char *const argv[], const struct launch_io *io, int hw, struct bench_run *run);

/*
 * Starts argv without waiting, for --concurrency: returns its pid, or -1
 * with errno; *t0 gets the monotonic start time in seconds.
 */
long launch_start(char *const argv[], const struct launch_io *io, double *t0);

/*
 * Waits for any child started by launch_start; fills *run (the value is
 * the time since its start) and returns its pid, or -1 with errno (ECHILD:
 * none left).  start(pid) gives the child's start time.
 */
long launch_wait_any(double (*start)(long pid, void *arg), void *arg, struct bench_run *run);

/* The monotonic clock in seconds. */
double launch_now(void);

#endif
