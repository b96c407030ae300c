/*
 * multi.c: a program with one cost of each type, for t/7810-plan-multi.t
 * and t/7820-plan-scenario.t: spin() burns the CPU, nap() sleeps off it
 * (10 x 20ms), churn() allocates and frees 4KiB 20000 times (the pointer
 * kept in a volatile, so that the compiler cannot drop the pair).
 * Built by the tests: cc -O2 -g -fno-optimize-sibling-calls.
 * With an argument, it reads its standard input first and copies it to
 * the file the argument names (a verify command's stdin is checked so).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

volatile unsigned long sink;
char *volatile keep;

__attribute__((noinline)) static void
spin(double secs)
{
	clock_t end = clock() + (clock_t)(secs * CLOCKS_PER_SEC);
	unsigned long x = 1;

	while (clock() < end)
		for (int i = 0; i < 10000; i++)
			x = x * 2654435761u + i;
	sink = x;
}

__attribute__((noinline)) static void
nap(void)
{
	struct timespec ts = { 0, 20000000 };

	for (int i = 0; i < 10; i++)
		nanosleep(&ts, NULL);
}

__attribute__((noinline)) static void
churn(void)
{
	for (int i = 0; i < 20000; i++) {
		keep = malloc(4096);
		memset(keep, i, 64);
		sink += keep[1];
		free(keep);
	}
}

int
main(int argc, char *argv[])
{
	if (argc > 1) {
		FILE *out = fopen(argv[1], "w");
		int c;

		if (out == NULL)
			return 1;
		while ((c = getchar()) != EOF)
			putc(c, out);
		if (fclose(out) != 0)
			return 1;
	}
	spin(0.3);
	nap();
	churn();
	return 0;
}
