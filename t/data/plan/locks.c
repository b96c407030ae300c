/* locks: lock and unlock one mutex in a tight loop for SECONDS of CPU
 * time, in THREADS threads (1: a lock nobody waits for; 2: two threads
 * fighting over it, so that they wait in the kernel's futex).
 *
 *   locks THREADS SECONDS
 */
#include <pthread.h>
#include <stdlib.h>
#include <time.h>

static pthread_mutex_t mu = PTHREAD_MUTEX_INITIALIZER;
static volatile unsigned long counter;
static double seconds;

static double
cpu(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

__attribute__((noinline)) static void
bump(void)
{
	pthread_mutex_lock(&mu);
	counter++;
	pthread_mutex_unlock(&mu);
}

static void *
worker(void *arg)
{
	double t0 = cpu();

	(void)arg;
	while (cpu() - t0 < seconds)
		for (int i = 0; i < 10000; i++)
			bump();
	return NULL;
}

int
main(int argc, char *argv[])
{
	int n = argc > 1 ? atoi(argv[1]) : 1;
	pthread_t t[8];

	seconds = argc > 2 ? atof(argv[2]) : 1;
	if (n < 1 || n > 8)
		return 2;
	for (int i = 1; i < n; i++)
		pthread_create(&t[i], NULL, worker, NULL);
	worker(NULL);
	for (int i = 1; i < n; i++)
		pthread_join(t[i], NULL);
	return 0;
}
