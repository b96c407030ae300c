/*
 * shares.c: three functions with the same loop body run 6, 3 and 1 units
 * of work, so they take 60, 30 and 10 % of the CPU time.
 *
 *   shares SECONDS            a(), b(), c() one after the other, in main
 *   shares SECONDS threads    a(), b(), c() at once, each in a thread
 *                             started at worker()
 *
 * A unit is calibrated first (calibrate(), about 20 ms), so that the run
 * takes about SECONDS of CPU time on any machine.  Each function holds
 * its loop (it is the leaf of its samples); the bodies differ only in
 * the constant factor of the count, so GCC's identical code folding
 * cannot merge them, and noipa keeps them from being inlined or cloned.
 * On stderr: the CPU time each function took (CLOCK_THREAD_CPUTIME_ID).
 */
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static volatile uint64_t sink;

#define BODY(n) do { \
	uint64_t x_ = sink; \
	for (uint64_t i_ = 0; i_ < (n); i_++) \
		x_ = x_ * 6364136223846793005ULL + i_; \
	sink = x_; \
} while (0)

static double
cpu_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

__attribute__((noipa)) void a(uint64_t unit) { BODY(6 * unit); }
__attribute__((noipa)) void b(uint64_t unit) { BODY(3 * unit); }
__attribute__((noipa)) void c(uint64_t unit) { BODY(1 * unit); }

/* Loop iterations a second. */
__attribute__((noipa)) double
calibrate(void)
{
	uint64_t n = 1 << 16;
	double t0 = cpu_now(), t;

	while ((t = cpu_now() - t0) < 0.02) {
		BODY(n);
		n += n / 2;
	}
	/* the iterations done: n0 + 1.5 n0 + ... ~ 2 * the last n */
	return (double)(2 * n) / t;
}

struct job {
	void (*fn)(uint64_t);
	uint64_t unit;
	double cpu;
};

__attribute__((noipa)) void *
worker(void *arg)
{
	struct job *j = arg;
	double t0 = cpu_now();

	j->fn(j->unit);
	j->cpu = cpu_now() - t0;
	return NULL;
}

int
main(int argc, char *argv[])
{
	double seconds, rate;
	int threads;
	struct job jobs[3] = { { a, 0, 0 }, { b, 0, 0 }, { c, 0, 0 } };
	pthread_t tid[3];

	if (argc < 2 || (seconds = atof(argv[1])) <= 0) {
		fprintf(stderr, "usage: shares SECONDS [threads]\n");
		return 2;
	}
	threads = argc > 2 && strcmp(argv[2], "threads") == 0;
	rate = calibrate();
	for (int i = 0; i < 3; i++)
		jobs[i].unit = (uint64_t)(rate * seconds / 10);
	for (int i = 0; i < 3; i++)
		if (threads)
			pthread_create(&tid[i], NULL, worker, &jobs[i]);
		else
			worker(&jobs[i]);
	if (threads)
		for (int i = 0; i < 3; i++)
			pthread_join(tid[i], NULL);
	fprintf(stderr, "cpu: a %.3f s, b %.3f s, c %.3f s\n",
	    jobs[0].cpu, jobs[1].cpu, jobs[2].cpu);
	return 0;
}
