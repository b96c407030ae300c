/*
 * threads.c: threads that start and end in the middle of the run.
 *
 *   threads SECONDS
 *
 * main spins in before() for SECONDS of CPU time, then starts two
 * threads, named worker-1 and worker-2 (pthread_setname_np), which spin
 * in thread_work() for SECONDS each and end; main waits for them
 * (pthread_join), then spins in after() for SECONDS, and exits 0.
 */
#define _GNU_SOURCE
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

static volatile uint64_t sink;
static double seconds;

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

__attribute__((noipa)) void before(void) { burn(seconds); }
__attribute__((noipa)) void after(void) { burn(seconds); }

__attribute__((noipa)) void *
thread_work(void *arg)
{
	char name[16];

	snprintf(name, sizeof(name), "worker-%d", (int)(intptr_t)arg);
	pthread_setname_np(pthread_self(), name);
	burn(seconds);
	return NULL;
}

int
main(int argc, char *argv[])
{
	pthread_t t[2];

	if (argc < 2 || (seconds = atof(argv[1])) <= 0) {
		fprintf(stderr, "usage: threads SECONDS\n");
		return 2;
	}
	before();
	for (int i = 0; i < 2; i++)
		pthread_create(&t[i], NULL, thread_work, (void *)(intptr_t)(i + 1));
	for (int i = 0; i < 2; i++)
		pthread_join(t[i], NULL);
	after();
	return 0;
}
