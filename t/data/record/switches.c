/*
 * switches: two threads, ping and pong, pass a byte back and forth over
 * two pipes ROUNDS times (argv[1], default 100000): a few hundred
 * thousand switches a second, more than a recorder can unwind.  Each
 * thread prints the nanoseconds of its life (from its first instruction
 * to its last, CLOCK_MONOTONIC) and of its CPU time
 * (CLOCK_THREAD_CPUTIME_ID): "ping life N cpu N".
 */
#define _GNU_SOURCE
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>
#include <unistd.h>

static int ab[2], ba[2];
static long rounds = 100000;

static long long
ns(clockid_t c)
{
	struct timespec ts;

	clock_gettime(c, &ts);
	return ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

static void *
run(void *arg)
{
	int ping = arg != NULL;
	long long t0 = ns(CLOCK_MONOTONIC), life, cpu;
	char c = 'x';

	pthread_setname_np(pthread_self(), ping ? "ping" : "pong");
	for (long i = 0; i < rounds; i++) {
		if (ping) {
			if (write(ab[1], &c, 1) != 1 || read(ba[0], &c, 1) != 1)
				exit(1);
		} else if (read(ab[0], &c, 1) != 1 || write(ba[1], &c, 1) != 1) {
			exit(1);
		}
	}
	cpu = ns(CLOCK_THREAD_CPUTIME_ID);
	life = ns(CLOCK_MONOTONIC) - t0;
	printf("%s life %lld cpu %lld\n", ping ? "ping" : "pong", life, cpu);
	return NULL;
}

int
main(int argc, char *argv[])
{
	pthread_t a, b;

	if (argc > 1)
		rounds = atol(argv[1]);
	if (pipe(ab) != 0 || pipe(ba) != 0 ||
	    pthread_create(&a, NULL, run, NULL) != 0 || pthread_create(&b, NULL, run, &a) != 0)
		return 1;
	pthread_join(a, NULL);
	pthread_join(b, NULL);
	return 0;
}
