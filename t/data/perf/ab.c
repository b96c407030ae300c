/*
 * ab.c: a program with a known profile, for prof's tests.
 * main calls a() and b() in turn; b() spins twice as long as a(), so about
 * 1/3 of the samples fall in a() and 2/3 in b().  mix() is always inlined
 * into spin(), so perf shows it as an (inlined) frame when debug info is
 * there.  argv[1] is the number of rounds (default 10).
 */
#include <stdlib.h>

volatile unsigned long sink;

static inline __attribute__((always_inline)) void
mix(unsigned long i)
{
	sink += i * 2654435761u;
}

__attribute__((noinline)) void
spin(unsigned long n)
{
	for (unsigned long i = 0; i < n; i++)
		mix(i);
}

/* The increments after the calls keep them from becoming tail calls. */
__attribute__((noinline)) void
a(void)
{
	spin(5000000);
	sink++;
}

__attribute__((noinline)) void
b(void)
{
	spin(10000000);
	sink++;
}

int
main(int argc, char **argv)
{
	int rounds = argc > 1 ? atoi(argv[1]) : 10;

	for (int i = 0; i < rounds; i++) {
		a();
		b();
	}
	return 0;
}
