/* threads: 7 threads created from spawn_seven and 3 from spawn_three.
 * threads alloc N: 8 threads at once, each allocating N blocks from
 * thread_site (freeing all but every 100th) and taking one mutex. */
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

static pthread_mutex_t mu = PTHREAD_MUTEX_INITIALIZER;
static pthread_barrier_t go;
static long n_blocks;
static long shared;

static void *
idle(void *arg)
{
	return arg;
}

__attribute__((noinline)) static void
spawn_seven(pthread_t *t)
{
	pthread_create(t, NULL, idle, NULL);
	__asm__ volatile("");
}

__attribute__((noinline)) static void
spawn_three(pthread_t *t)
{
	pthread_create(t, NULL, idle, NULL);
	__asm__ volatile("");
}

__attribute__((noinline)) static void *
thread_site(size_t n)
{
	void *p = malloc(n);

	*(volatile char *)p = 0;
	return p;
}

static void *
allocator(void *arg)
{
	long i;
	void *p;

	pthread_barrier_wait(&go);
	for (i = 0; i < n_blocks; i++) {
		p = thread_site(16 + (size_t)(i % 512));
		if (i % 100 != 0)
			free(p);
		if (i % 1000 == 0) {
			pthread_mutex_lock(&mu);
			shared++;
			pthread_mutex_unlock(&mu);
		}
	}
	return arg;
}

int
main(int argc, char **argv)
{
	pthread_t t[10];
	int i;

	if (argc > 2 && strcmp(argv[1], "alloc") == 0) {
		n_blocks = atol(argv[2]);
		pthread_barrier_init(&go, NULL, 8);
		for (i = 0; i < 8; i++)
			pthread_create(&t[i], NULL, allocator, NULL);
		for (i = 0; i < 8; i++)
			pthread_join(t[i], NULL);
		return 0;
	}
	for (i = 0; i < 7; i++)
		spawn_seven(&t[i]);
	for (i = 7; i < 10; i++)
		spawn_three(&t[i]);
	for (i = 0; i < 10; i++)
		pthread_join(t[i], NULL);
	return 0;
}
