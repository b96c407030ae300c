/*
 * threads4.c: a process of 4 threads, each waiting or working in a
 * function of its own, for a snapshot of its threads.
 *
 *   threads4 READY STOP
 *
 * main starts three threads:
 *   spin_one     spins, looking for the file STOP now and then
 *   sleep_two    sleeps 10 ms at a time (clock_nanosleep) until told
 *   read_three   blocks reading a pipe until main writes to it
 * and waits in main_wait() (pthread_join of spin_one).  Once all four are
 * in place it creates the file READY.  When STOP appears, spin_one ends,
 * main stops the two others, and the program exits 0; after 20 s without
 * STOP, it gives up and exits 3.
 */
#define _GNU_SOURCE
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>
#include <unistd.h>

static volatile uint64_t sink;
static volatile int started, done;
static const char *stop_file;
static int fds[2];

static double
now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

__attribute__((noipa)) void *
spin_one(void *arg)
{
	double end = now() + 20;
	uint64_t x = sink;

	(void)arg;
	__atomic_add_fetch(&started, 1, __ATOMIC_SEQ_CST);
	for (;;) {
		for (int i = 0; i < 1 << 20; i++)
			x = x * 6364136223846793005ULL + 1442695040888963407ULL;
		sink = x;
		if (access(stop_file, F_OK) == 0)
			return (void *)0;
		if (now() >= end)
			return (void *)3;
	}
}

__attribute__((noipa)) void *
sleep_two(void *arg)
{
	struct timespec ts = { 0, 10 * 1000 * 1000 };

	(void)arg;
	__atomic_add_fetch(&started, 1, __ATOMIC_SEQ_CST);
	while (!done)
		clock_nanosleep(CLOCK_MONOTONIC, 0, &ts, NULL);
	return NULL;
}

__attribute__((noipa)) void *
read_three(void *arg)
{
	char c;

	(void)arg;
	__atomic_add_fetch(&started, 1, __ATOMIC_SEQ_CST);
	(void)!read(fds[0], &c, 1);
	return NULL;
}

__attribute__((noipa)) void *
main_wait(pthread_t t)
{
	void *ret;

	pthread_join(t, &ret);
	return ret;
}

int
main(int argc, char *argv[])
{
	pthread_t t1, t2, t3;
	FILE *fp;
	void *ret;

	if (argc != 3) {
		fprintf(stderr, "usage: threads4 READY STOP\n");
		return 2;
	}
	stop_file = argv[2];
	if (pipe(fds) < 0) {
		perror("pipe");
		return 1;
	}
	pthread_create(&t1, NULL, spin_one, NULL);
	pthread_create(&t2, NULL, sleep_two, NULL);
	pthread_create(&t3, NULL, read_three, NULL);
	while (started < 3)
		usleep(1000);
	usleep(50 * 1000);              /* the last one is in its read */
	if ((fp = fopen(argv[1], "w")) == NULL || fclose(fp) != 0) {
		perror(argv[1]);
		return 1;
	}
	ret = main_wait(t1);
	done = 1;
	(void)!write(fds[1], "x", 1);
	pthread_join(t2, NULL);
	pthread_join(t3, NULL);
	return (int)(intptr_t)ret;
}
