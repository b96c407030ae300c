/*
 * waits.c: a thread whose wall-clock time goes in known shares to
 * computing, sleeping and waiting on a pipe, and a thread blocked for a
 * known time; for --type offcpu and wall.
 *
 *   waits SECONDS           the thread "worker" runs rounds of 100 ms:
 *                           compute() spins for 50 ms of wall-clock time,
 *                           nap() sleeps 30 ms (nanosleep), wait_pipe()
 *                           reads a pipe that the thread "writer" writes
 *                           20 ms after worker asks (its own nanosleep);
 *                           main waits in pthread_join.  At the end it
 *                           prints, in ns, what worker measured itself:
 *                           "compute C sleep S pipe P life L cpu U" (its
 *                           life from start to end, its CPU time)
 *   waits block READY SECONDS
 *                           the thread "blocked" reads a pipe in
 *                           blocked_read() that nothing writes for SECONDS;
 *                           the file READY appears once it is blocked;
 *                           main sleeps in main_sleep() meanwhile
 *
 * The shares are of wall-clock time, so they hold on a busy machine: a
 * compute() preempted there is still computing (its time off CPU is
 * runnable, under compute).
 */
#define _GNU_SOURCE
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

static volatile uint64_t sink;
static int req[2], data[2];
static double seconds;
static int64_t t_compute, t_sleep, t_pipe, t_life, t_cpu;

static int64_t
ns(clockid_t c)
{
	struct timespec ts;

	clock_gettime(c, &ts);
	return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

static void
snooze(int64_t n)
{
	struct timespec ts = { n / 1000000000, n % 1000000000 };

	while (nanosleep(&ts, &ts) != 0)
		;
}

__attribute__((noipa)) void
compute(int64_t n)
{
	int64_t end = ns(CLOCK_MONOTONIC) + n;
	uint64_t h = 14695981039346656037ULL;

	while (ns(CLOCK_MONOTONIC) < end)
		for (int i = 0; i < 1000; i++)
			h = (h ^ (uint64_t)i) * 1099511628211ULL;
	sink = h;
}

__attribute__((noipa)) void
nap(int64_t n)
{
	snooze(n);
}

__attribute__((noipa)) void
wait_pipe(void)
{
	char c;

	if (write(req[1], "r", 1) != 1 || read(data[0], &c, 1) != 1)
		exit(1);
}

static void *
writer(void *arg)
{
	char c;

	(void)arg;
	pthread_setname_np(pthread_self(), "writer");
	while (read(req[0], &c, 1) == 1 && c == 'r') {
		snooze(20000000);
		if (write(data[1], "d", 1) != 1)
			exit(1);
	}
	return NULL;
}

static void *
worker(void *arg)
{
	int64_t start = ns(CLOCK_MONOTONIC), t;

	(void)arg;
	pthread_setname_np(pthread_self(), "worker");
	while (ns(CLOCK_MONOTONIC) - start < (int64_t)(seconds * 1e9)) {
		t = ns(CLOCK_MONOTONIC);
		compute(50000000);
		t_compute += ns(CLOCK_MONOTONIC) - t;
		t = ns(CLOCK_MONOTONIC);
		nap(30000000);
		t_sleep += ns(CLOCK_MONOTONIC) - t;
		t = ns(CLOCK_MONOTONIC);
		wait_pipe();
		t_pipe += ns(CLOCK_MONOTONIC) - t;
	}
	if (write(req[1], "q", 1) != 1)
		exit(1);
	t_cpu = ns(CLOCK_THREAD_CPUTIME_ID);
	t_life = ns(CLOCK_MONOTONIC) - start;
	return NULL;
}

__attribute__((noipa)) void
blocked_read(int fd)
{
	char c;

	if (read(fd, &c, 1) != 1)
		exit(1);
}

static void *
blocked(void *arg)
{
	pthread_setname_np(pthread_self(), "blocked");
	blocked_read(*(int *)arg);
	return NULL;
}

__attribute__((noipa)) void
main_sleep(int64_t n)
{
	snooze(n);
}

int
main(int argc, char *argv[])
{
	pthread_t w, r;
	FILE *f;

	if (argc == 4 && strcmp(argv[1], "block") == 0) {
		int64_t end = ns(CLOCK_MONOTONIC) + (int64_t)(atof(argv[3]) * 1e9);
		if (pipe(data) != 0 || pthread_create(&w, NULL, blocked, &data[0]) != 0)
			return 1;
		main_sleep(100000000);
		if ((f = fopen(argv[2], "w")) == NULL)
			return 1;
		fclose(f);
		while (ns(CLOCK_MONOTONIC) < end)
			main_sleep(end - ns(CLOCK_MONOTONIC));
		if (write(data[1], "x", 1) != 1 || pthread_join(w, NULL) != 0)
			return 1;
		return 0;
	}
	if (argc != 2 || (seconds = atof(argv[1])) <= 0) {
		fprintf(stderr, "usage: waits SECONDS | waits block READY SECONDS\n");
		return 2;
	}
	if (pipe(req) != 0 || pipe(data) != 0 ||
	    pthread_create(&r, NULL, writer, NULL) != 0 ||
	    pthread_create(&w, NULL, worker, NULL) != 0)
		return 1;
	pthread_join(w, NULL);
	pthread_join(r, NULL);
	printf("compute %lld sleep %lld pipe %lld life %lld cpu %lld\n", (long long)t_compute,
	    (long long)t_sleep, (long long)t_pipe, (long long)t_life, (long long)t_cpu);
	return 0;
}
