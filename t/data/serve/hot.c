/*
 * hot.c: the program prof-record --serve serves in t/1991 and t/1992.
 * It allocates 4 KiB 2000 times from leak_here and never frees them (8 MB
 * in use, for /heap), then spins in hot_spin (the CPU profile's hot
 * function), with a second thread that takes a contended mutex now and
 * then (/mutex), for SECONDS seconds (argv[1], default 60).
 * Built by the tests: cc -O1 -g -pthread -o hot hot.c
 */
#include <pthread.h>
#include <stdlib.h>
#include <time.h>
#include <unistd.h>

void *leaky[2000];
static pthread_mutex_t mu = PTHREAD_MUTEX_INITIALIZER;
static volatile int done;

__attribute__((noinline)) void
leak_here(int i)
{
	leaky[i] = malloc(4096);
}

__attribute__((noinline)) double
hot_spin(long n)
{
	double x = 0;

	for (long i = 0; i < n; i++)
		x += i * 0.5;
	return x;
}

static void *
locker(void *arg)
{
	while (!done) {
		pthread_mutex_lock(&mu);
		usleep(1000);
		pthread_mutex_unlock(&mu);
		usleep(1000);
	}
	return arg;
}

int
main(int argc, char **argv)
{
	int secs = argc > 1 ? atoi(argv[1]) : 60;
	volatile double sink = 0;
	time_t t0 = time(NULL);
	pthread_t t;

	for (int i = 0; i < 2000; i++)
		leak_here(i);
	pthread_create(&t, NULL, locker, NULL);
	while (time(NULL) - t0 < secs) {
		sink += hot_spin(1000000);
		pthread_mutex_lock(&mu);
		pthread_mutex_unlock(&mu);
	}
	done = 1;
	pthread_join(t, NULL);
	return 0;
}
