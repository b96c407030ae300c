/*
 * many.c: many short-lived children, one after the other.
 *
 *   many N MS STATUS
 *
 * forks N children; each execs this program again as "many -c MS", which
 * burns MS milliseconds of its own CPU time in burn() and exits 0.  The
 * parent waits for each, then prints on stdout "children N CPU", N the
 * children that exited 0 and CPU the seconds of CPU time they used
 * (getrusage RUSAGE_CHILDREN, user + system), and exits STATUS.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static volatile uint64_t sink;

static double
cpu_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

__attribute__((noipa)) void
burn(double secs)
{
	double end = cpu_now() + secs;
	uint64_t x = sink;

	do
		for (int i = 0; i < 1 << 14; i++)
			x = x * 6364136223846793005ULL + 1442695040888963407ULL;
	while (cpu_now() < end);
	sink = x;
}

int
main(int argc, char *argv[])
{
	struct rusage ru;
	char self[4096];
	ssize_t len;
	int n, ok = 0, status;

	if (argc == 3 && strcmp(argv[1], "-c") == 0) {
		burn(atof(argv[2]) / 1000);
		return 0;
	}
	if (argc != 4 || (n = atoi(argv[1])) <= 0) {
		fprintf(stderr, "usage: many N MS STATUS\n");
		return 2;
	}
	/* exec'd by its path, so that the children's command name is ours */
	if ((len = readlink("/proc/self/exe", self, sizeof(self) - 1)) < 0) {
		perror("/proc/self/exe");
		return 1;
	}
	self[len] = '\0';
	for (int i = 0; i < n; i++) {
		pid_t pid = fork();
		if (pid < 0) {
			perror("fork");
			return 1;
		}
		if (pid == 0) {
			execl(self, "many", "-c", argv[2], (char *)NULL);
			perror("exec");
			_exit(127);
		}
		if (waitpid(pid, &status, 0) == pid && WIFEXITED(status) && WEXITSTATUS(status) == 0)
			ok++;
	}
	getrusage(RUSAGE_CHILDREN, &ru);
	printf("children %d %.3f\n", ok,
	    (double)ru.ru_utime.tv_sec + (double)ru.ru_utime.tv_usec / 1e6 +
	    (double)ru.ru_stime.tv_sec + (double)ru.ru_stime.tv_usec / 1e6);
	return atoi(argv[3]);
}
