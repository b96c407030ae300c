/* Spins for argv[1] milliseconds of CPU time in spin_here(): a CPU
 * profile of it has a known leaf. */
#include <stdlib.h>
#include <time.h>

static volatile unsigned long sink;

__attribute__((noinline)) static void
spin_here(double ms)
{
	clock_t end = clock() + (clock_t)(ms * CLOCKS_PER_SEC / 1000);

	while (clock() < end)
		for (int i = 0; i < 10000; i++)
			sink += (unsigned long)i * 7;
}

int
main(int argc, char *argv[])
{
	spin_here(atof(argc > 1 ? argv[1] : "100"));
	return 0;
}
