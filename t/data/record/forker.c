/*
 * forker.c: a child made by fork, with and without exec.
 *
 *   forker fork SECONDS              the child, not exec'd, spins in
 *                                    child_work() for SECONDS of CPU time
 *   forker exec SECONDS PROG [ARG]   the child execs PROG ARG...
 *
 * Meanwhile the parent spins in parent_work() for SECONDS, then waits for
 * the child and exits with its status.  It prints "parent PID" and
 * "child PID" on stdout first.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static volatile uint64_t sink;

static double
cpu_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static inline void
burn(double secs)
{
	double end = cpu_now() + secs;
	uint64_t x = sink;

	do
		for (int i = 0; i < 1 << 18; i++)
			x = x * 6364136223846793005ULL + 1442695040888963407ULL;
	while (cpu_now() < end);
	sink = x;
}

__attribute__((noipa)) void parent_work(double secs) { burn(secs); }
__attribute__((noipa)) void child_work(double secs) { burn(secs); }

int
main(int argc, char *argv[])
{
	double seconds;
	int status, exec;
	pid_t pid;

	if (argc < 3 || (seconds = atof(argv[2])) <= 0 ||
	    ((exec = strcmp(argv[1], "exec") == 0) && argc < 4) ||
	    (!exec && strcmp(argv[1], "fork") != 0)) {
		fprintf(stderr, "usage: forker fork SECONDS | forker exec SECONDS PROG [ARG...]\n");
		return 2;
	}
	fflush(stdout);
	if ((pid = fork()) < 0) {
		perror("fork");
		return 1;
	}
	if (pid == 0) {
		if (exec) {
			execvp(argv[3], argv + 3);
			perror(argv[3]);
			_exit(127);
		}
		child_work(seconds);
		_exit(0);
	}
	printf("parent %d\nchild %d\n", (int)getpid(), (int)pid);
	fflush(stdout);
	parent_work(seconds);
	if (waitpid(pid, &status, 0) < 0) {
		perror("waitpid");
		return 1;
	}
	return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}
