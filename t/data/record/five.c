/*
 * five.c: five leaf functions of different kinds, with fixed amounts of
 * work, so that their shares of the CPU time are the same in every run.
 *
 *   five SECONDS
 *
 * main runs rounds of mul_chain (a chain of multiplications), div_chain
 * (of divisions), fp_chain (of floating-point multiply-adds), mem_chase
 * (a pointer chase through 16 KiB, which stays in the L1 cache) and
 * branchy (unpredictable branches), with iteration counts in fixed
 * proportions; on an AMD EPYC their shares are about 32, 8, 24, 21 and
 * 15 %.  A round takes some 50 ms, long beside a sampling period, so
 * that the samples do not fall in step with the rounds.  A first pass
 * at a small scale (calibrate()) finds how many rounds make SECONDS.
 * On stderr: the share of the CPU time each function took, measured
 * with CLOCK_THREAD_CPUTIME_ID.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#define CHASE (16 * 1024 / sizeof(uint32_t))

static volatile uint64_t sink;
static volatile double fsink;
static uint32_t next[CHASE];

__attribute__((noipa)) void
mul_chain(uint64_t n)
{
	uint64_t x = sink;

	for (uint64_t i = 0; i < n; i++)
		x = x * 6364136223846793005ULL + i;
	sink = x;
}

__attribute__((noipa)) void
div_chain(uint64_t n)
{
	uint64_t x = sink | 1;

	for (uint64_t i = 0; i < n; i++)
		x = (x / 7 + 0x9e3779b97f4a7c15ULL) | 1;
	sink = x;
}

__attribute__((noipa)) void
fp_chain(uint64_t n)
{
	double x = fsink;

	for (uint64_t i = 0; i < n; i++)
		x = x * 0.999999 + 0.5;
	fsink = x;
}

__attribute__((noipa)) void
mem_chase(uint64_t n)
{
	uint32_t p = (uint32_t)(sink % CHASE);

	for (uint64_t i = 0; i < n; i++)
		p = next[p];
	sink = p;
}

__attribute__((noipa)) void
branchy(uint64_t n)
{
	uint64_t x = sink | 1, acc = 0;

	for (uint64_t i = 0; i < n; i++) {
		x ^= x << 13;
		x ^= x >> 7;
		x ^= x << 17;
		if (x & 1)
			acc += x >> 3;
		else
			acc ^= x;
	}
	sink = acc;
}

static double
cpu_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void (*const fn[5])(uint64_t) = { mul_chain, div_chain, fp_chain, mem_chase, branchy };
static const char *const name[5] = { "mul_chain", "div_chain", "fp_chain", "mem_chase", "branchy" };
static const uint64_t count[5] = { 120000, 12000, 60000, 60000, 30000 };
static double spent[5];

/* One round at k = 1: about 1 ms on a 3 GHz machine. */
static void
round_of(uint64_t k)
{
	for (int i = 0; i < 5; i++) {
		double t0 = cpu_now();
		fn[i](count[i] * k);
		spent[i] += cpu_now() - t0;
	}
}

/* Seconds a round at k = 1 takes. */
__attribute__((noipa)) double
calibrate(void)
{
	double t0 = cpu_now();
	int n = 0;

	while (cpu_now() - t0 < 0.02) {
		round_of(1);
		n++;
	}
	return (cpu_now() - t0) / n;
}

int
main(int argc, char *argv[])
{
	double seconds, total = 0;
	uint64_t rounds, x = 88172645463325252ULL;

	if (argc < 2 || (seconds = atof(argv[1])) <= 0) {
		fprintf(stderr, "usage: five SECONDS\n");
		return 2;
	}
	/* a random cycle through the array (Sattolo's shuffle) */
	for (uint32_t i = 0; i < CHASE; i++)
		next[i] = i;
	for (uint32_t i = CHASE - 1; i > 0; i--) {
		uint32_t j, t;
		x ^= x << 13, x ^= x >> 7, x ^= x << 17;
		j = (uint32_t)(x % i);
		t = next[i], next[i] = next[j], next[j] = t;
	}
	rounds = (uint64_t)(seconds / calibrate() / 50) + 1;
	for (uint64_t i = 0; i < rounds; i++)
		round_of(50);
	for (int i = 0; i < 5; i++)
		total += spent[i];
	for (int i = 0; i < 5; i++)
		fprintf(stderr, "%s %.1f\n", name[i], 100 * spent[i] / total);
	return 0;
}
