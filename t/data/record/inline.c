/*
 * inline.c: always_inline functions, two levels deep, in a hot loop.
 *
 *   inline SECONDS
 *
 * main calls hot() until it has used SECONDS of CPU time; hot's code is
 * the loop of outer(), with inner() in it, both always_inline:
 *   main -> hot -> outer (inlined) -> inner (inlined)
 * The markers in the comments are what t/1300-record-inline.t looks for:
 * the line of the call of hot in main, of outer in hot, of inner in
 * outer, and inner's body.  Build it with -g: the inline frames and the
 * lines come from the DWARF.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

static volatile uint64_t sink;

static inline __attribute__((always_inline)) uint64_t
inner(uint64_t x)
{
	return x * 6364136223846793005ULL + 1442695040888963407ULL; /* INNER_BODY */
}

static inline __attribute__((always_inline)) uint64_t
outer(uint64_t x, uint64_t n)
{
	for (uint64_t i = 0; i < n; i++)
		x = inner(x) ^ (x >> 29); /* CALL_INNER */
	return x;
}

__attribute__((noipa)) void
hot(uint64_t n)
{
	sink = outer(sink, n); /* CALL_OUTER */
}

static double
cpu_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

int
main(int argc, char *argv[])
{
	double seconds, end;

	if (argc < 2 || (seconds = atof(argv[1])) <= 0) {
		fprintf(stderr, "usage: inline SECONDS\n");
		return 2;
	}
	end = cpu_now() + seconds;
	while (cpu_now() < end)
		hot(1000000); /* CALL_HOT */
	return 0;
}
