/*
 * crash.c: a program that dies after spinning a while.
 *
 *   crash segv SECONDS     spins in work() for SECONDS of CPU time, then writes
 *                          through a null pointer (SIGSEGV)
 *   crash abort SECONDS    the same, then calls abort() (SIGABRT)
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static volatile uint64_t sink;
int *volatile nowhere;

static double
cpu_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

__attribute__((noipa)) void
work(double secs)
{
	double end = cpu_now() + secs;
	uint64_t x = sink;

	do
		for (int i = 0; i < 1 << 18; i++)
			x = x * 6364136223846793005ULL + 1442695040888963407ULL;
	while (cpu_now() < end);
	sink = x;
}

int
main(int argc, char *argv[])
{
	double seconds;

	if (argc < 3 || (seconds = atof(argv[2])) <= 0) {
		fprintf(stderr, "usage: crash segv|abort SECONDS\n");
		return 2;
	}
	work(seconds);
	if (strcmp(argv[1], "abort") == 0)
		abort();
	*nowhere = 1;
	return 0;
}
