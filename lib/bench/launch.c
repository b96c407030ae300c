/* launch: one run of a benchmarked command.  See launch.h. */
#define _GNU_SOURCE  /* pipe2 */
#include <errno.h>
#include <fcntl.h>
#include <linux/perf_event.h>
#include <signal.h>
#include <spawn.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "bench/bench.h"
#include "bench/launch.h"
#include "core/util.h"

extern char **environ;

double
launch_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

static long
perf_open(struct perf_event_attr *a, pid_t pid, int group)
{
	return syscall(SYS_perf_event_open, a, pid, -1, group, PERF_FLAG_FD_CLOEXEC);
}

static void
hw_attr(struct perf_event_attr *a, unsigned long long config)
{
	memset(a, 0, sizeof *a);
	a->size = sizeof *a;
	a->type = PERF_TYPE_HARDWARE;
	a->config = config;
	a->disabled = 1;
	a->exclude_kernel = 1;
	a->exclude_hv = 1;
	a->inherit = 1;
	a->enable_on_exec = 1;
}

int
launch_hw_available(char *why, size_t len)
{
	static int known = -1;
	static char reason[160];

	if (known < 0) {
		struct perf_event_attr a;
		long fd;

		hw_attr(&a, PERF_COUNT_HW_CPU_CYCLES);
		a.enable_on_exec = 0;
		a.inherit = 0;
		fd = perf_open(&a, 0, -1);
		if (fd >= 0) {
			known = 1;
			close((int)fd);
		} else {
			known = 0;
			snprintf(reason, sizeof reason, "no hardware cycles counter on this machine "
			    "(perf_event_open: %s)", strerror(errno));
		}
	}
	if (!known && why)
		snprintf(why, len, "%s", reason);
	return known;
}

static void
fill(struct bench_run *run, int status, const struct rusage *ru, double wall)
{
	run->value = wall;
	run->user = (double)ru->ru_utime.tv_sec + (double)ru->ru_utime.tv_usec * 1e-6;
	run->sys = (double)ru->ru_stime.tv_sec + (double)ru->ru_stime.tv_usec * 1e-6;
	run->maxrss = (double)ru->ru_maxrss * 1024; /* Linux gives KiB */
	run->minflt = (double)ru->ru_minflt;
	run->majflt = (double)ru->ru_majflt;
	run->nvcsw = (double)ru->ru_nvcsw;
	run->nivcsw = (double)ru->ru_nivcsw;
	run->exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

static int
spawn_attrs(const struct launch_io *io, posix_spawn_file_actions_t *fa, posix_spawnattr_t *at)
{
	sigset_t def, none;

	posix_spawn_file_actions_init(fa);
	if (io) {
		if (io->in >= 0)
			posix_spawn_file_actions_adddup2(fa, io->in, 0);
		if (io->out >= 0)
			posix_spawn_file_actions_adddup2(fa, io->out, 1);
		if (io->err >= 0)
			posix_spawn_file_actions_adddup2(fa, io->err, 2);
	}
	/* prof-bench ignores SIGPIPE to see its own write errors; the command
	 * must get the default back, and an empty mask. */
	posix_spawnattr_init(at);
	sigemptyset(&def);
	sigaddset(&def, SIGPIPE);
	sigemptyset(&none);
	posix_spawnattr_setsigdefault(at, &def);
	posix_spawnattr_setsigmask(at, &none);
	return posix_spawnattr_setflags(at, POSIX_SPAWN_SETSIGDEF | POSIX_SPAWN_SETSIGMASK);
}

/* Starts argv; *t0 gets the time just before, after the set-up. */
static long
start_plain(char *const argv[], const struct launch_io *io, double *t0)
{
	posix_spawn_file_actions_t fa;
	posix_spawnattr_t at;
	pid_t pid;
	int e;

	spawn_attrs(io, &fa, &at);
	*t0 = launch_now();
	e = posix_spawnp(&pid, argv[0], &fa, &at, argv, environ);
	posix_spawn_file_actions_destroy(&fa);
	posix_spawnattr_destroy(&at);
	if (e) {
		errno = e;
		return -1;
	}
	return pid;
}

/*
 * The counted start: the child waits on a pipe until its counters are
 * open, then execs; exec errors come back on a second, close-on-exec pipe.
 */
static long
start_counted(char *const argv[], const struct launch_io *io, int fds[2], double *t0)
{
	int go[2], report[2], e = 0;
	pid_t pid;
	char c = 0;

	if (pipe2(go, O_CLOEXEC) < 0 || pipe2(report, O_CLOEXEC) < 0)
		return -1;
	*t0 = launch_now();
	if ((pid = fork()) < 0)
		return -1;
	if (pid == 0) {
		sigset_t none;
		if (io && io->in >= 0)
			dup2(io->in, 0);
		if (io && io->out >= 0)
			dup2(io->out, 1);
		if (io && io->err >= 0)
			dup2(io->err, 2);
		signal(SIGPIPE, SIG_DFL);
		sigemptyset(&none);
		sigprocmask(SIG_SETMASK, &none, NULL);
		if (read(go[0], &c, 1) != 1)
			_exit(127);
		execvp(argv[0], argv);
		e = errno;
		if (write(report[1], &e, sizeof e) < 0)
			_exit(127);
		_exit(127);
	}
	close(go[0]);
	close(report[1]);
	for (int i = 0; i < 2; i++) {
		struct perf_event_attr a;
		hw_attr(&a, i == 0 ? PERF_COUNT_HW_CPU_CYCLES : PERF_COUNT_HW_INSTRUCTIONS);
		fds[i] = (int)perf_open(&a, pid, -1);
	}
	if (write(go[1], &c, 1) < 0)
		e = errno;
	close(go[1]);
	if (read(report[0], &e, sizeof e) == (ssize_t)sizeof e) {
		close(report[0]);
		waitpid(pid, NULL, 0);
		for (int i = 0; i < 2; i++)
			if (fds[i] >= 0)
				close(fds[i]);
		errno = e;
		return -1;
	}
	close(report[0]);
	return pid;
}

int
launch_run(char *const argv[], const struct launch_io *io, int hw, struct bench_run *run)
{
	int fds[2] = { -1, -1 }, status;
	struct rusage ru;
	double t0, t1;
	long pid;

	hw = hw && launch_hw_available(NULL, 0);
	if (hw) {
		pid = start_counted(argv, io, fds, &t0);
	} else {
		pid = start_plain(argv, io, &t0);
	}
	if (pid < 0)
		return -1;
	while (wait4((pid_t)pid, &status, 0, &ru) < 0)
		if (errno != EINTR)
			return -1;
	t1 = launch_now();
	fill(run, status, &ru, t1 - t0);
	run->cycles = run->instructions = -1;
	for (int i = 0; i < 2; i++) {
		uint64_t v;
		if (fds[i] < 0)
			continue;
		if (read(fds[i], &v, sizeof v) == (ssize_t)sizeof v)
			*(i == 0 ? &run->cycles : &run->instructions) = (double)v;
		close(fds[i]);
	}
	return 0;
}

long
launch_start(char *const argv[], const struct launch_io *io, double *t0)
{
	return start_plain(argv, io, t0);
}

long
launch_wait_any(double (*start)(long pid, void *arg), void *arg, struct bench_run *run)
{
	struct rusage ru;
	int status;
	pid_t pid;

	while ((pid = wait4(-1, &status, 0, &ru)) < 0)
		if (errno != EINTR)
			return -1;
	fill(run, status, &ru, launch_now() - start(pid, arg));
	run->cycles = run->instructions = -1;
	return pid;
}
