/*
 * spin.c: burns CPU in spin_loop() for a while.
 *
 *   spin SECONDS            spins for SECONDS of CPU time, exits 0
 *   spin SECONDS FILE       spins until FILE exists, then exits 0; after
 *                           SECONDS of CPU time without it, gives up and
 *                           exits 3
 *
 * The clock (and FILE) are looked at every million iterations, a few
 * times a millisecond, so nearly every sample is in spin_loop.  All the
 * times in these programs are CPU time, not wall-clock time: the samples
 * a program gets then do not depend on how busy the machine is.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>
#include <unistd.h>

static volatile uint64_t sink;

static double
cpu_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* Returns 0 when file appeared, 3 when the time ran out. */
__attribute__((noipa)) int
spin_loop(double seconds, const char *file)
{
	double end = cpu_now() + seconds;
	uint64_t x = sink;

	for (;;) {
		for (int i = 0; i < 1 << 20; i++)
			x = x * 6364136223846793005ULL + 1442695040888963407ULL;
		sink = x;
		if (file != NULL && access(file, F_OK) == 0)
			return 0;
		if (cpu_now() >= end)
			return file != NULL ? 3 : 0;
	}
}

int
main(int argc, char *argv[])
{
	double seconds;

	if (argc < 2 || (seconds = atof(argv[1])) <= 0) {
		fprintf(stderr, "usage: spin SECONDS [FILE]\n");
		return 2;
	}
	return spin_loop(seconds, argc > 2 ? argv[2] : NULL);
}
