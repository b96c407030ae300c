/*
 * libstrip.c: a shared library for t/1910-record-symbols.t, recorded
 * stripped to see what a profile names in it.
 *
 *   x_work(SECONDS): burns SECONDS of CPU time, a third in each of
 *   x_leaf (exported, so named by .dynsym once stripped), inner_a and
 *   inner_b (static: no name once stripped), in rounds of 10 ms.
 *
 * X_EXPORT marks what a build with -fvisibility=hidden exports: then
 * x_helper, global but hidden, has no name either once stripped.  The
 * order of the functions is the order of the file (gcc keeps it with
 * -fno-toplevel-reorder): x_leaf first, so that the others follow an
 * exported function.
 */
#include <stdint.h>
#include <time.h>

#define X_EXPORT __attribute__((visibility("default")))

static volatile uint64_t sink;

X_EXPORT __attribute__((noipa)) void
x_leaf(uint64_t n)
{
	uint64_t x = sink;

	for (uint64_t i = 0; i < n; i++)
		x = x * 6364136223846793005ULL + i;
	sink = x;
}

static __attribute__((noipa)) void
inner_a(uint64_t n)
{
	uint64_t x = sink;

	for (uint64_t i = 0; i < n; i++)
		x = x * 2862933555777941757ULL + 3037000493ULL;
	sink = x;
}

static __attribute__((noipa)) void
inner_b(uint64_t n)
{
	uint64_t x = sink | 1;

	for (uint64_t i = 0; i < n; i++)
		x = x * 0x9e3779b97f4a7c15ULL + (x >> 7);
	sink = x;
}

__attribute__((noipa)) void
x_helper(uint64_t n)
{
	inner_a(n);
	inner_b(n);
}

static double
cpu_seconds(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

X_EXPORT __attribute__((noipa)) void
x_work(double seconds)
{
	double end = cpu_seconds() + seconds;
	uint64_t n = 100000;

	while (cpu_seconds() < end) {
		double t0 = cpu_seconds();

		x_leaf(n);
		x_helper(n);
		/* about 10 ms a round */
		if (cpu_seconds() - t0 < 0.005)
			n *= 2;
	}
}
