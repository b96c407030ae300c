/* lock: two threads take one mutex 100 times each, holding it 1 ms, and
 * print the ns they waited in pthread_mutex_lock, as they measure it. */
#include <pthread.h>
#include <stdio.h>
#include <time.h>
#include <unistd.h>

static pthread_mutex_t mu = PTHREAD_MUTEX_INITIALIZER;
static long long waited[2];

static long long
now(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return t.tv_sec * 1000000000LL + t.tv_nsec;
}

__attribute__((noinline)) static void
take(pthread_mutex_t *m)
{
	pthread_mutex_lock(m);
	__asm__ volatile("");
}

static void *
worker(void *arg)
{
	long k = (long)arg;
	long long t0;
	int i;

	for (i = 0; i < 100; i++) {
		t0 = now();
		take(&mu);
		waited[k] += now() - t0;
		t0 = now();
		while (now() - t0 < 1000000)
			;
		pthread_mutex_unlock(&mu);
		usleep(50);
	}
	return NULL;
}

int
main(void)
{
	pthread_t t[2];

	pthread_create(&t[0], NULL, worker, (void *)0);
	pthread_create(&t[1], NULL, worker, (void *)1);
	pthread_join(t[0], NULL);
	pthread_join(t[1], NULL);
	printf("%lld\n", waited[0] + waited[1]);
	return 0;
}
