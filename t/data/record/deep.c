/*
 * deep.c: a recursion DEPTH deep (default 40) that spins at the bottom.
 *
 *   deep SECONDS [DEPTH]
 *
 * main -> rec(DEPTH) -> rec(DEPTH - 1) -> ... -> rec(0) -> spin, which
 * spins until SIGVTALRM, after SECONDS of CPU time (ITIMER_VIRTUAL), so
 * that nearly every sample has the same stack: DEPTH + 1 frames of rec.
 * Each rec reads a volatile after its call, so the recursion cannot be
 * turned into a loop nor the call into a jump; noipa keeps GCC from
 * cloning rec (rec.constprop.0) or inlining it.
 */
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/time.h>

static volatile sig_atomic_t stop;
volatile uint64_t sink;

static void
on_timer(int sig)
{
	(void)sig;
	stop = 1;
}

__attribute__((noipa)) uint64_t
spin(void)
{
	uint64_t x = 1;

	while (!stop)
		x = x * 6364136223846793005ULL + 1442695040888963407ULL;
	return x;
}

__attribute__((noipa)) uint64_t
rec(int n)
{
	volatile int here = n;
	uint64_t r = n == 0 ? spin() : rec(n - 1);

	return r + (uint64_t)here;
}

int
main(int argc, char *argv[])
{
	struct itimerval it = { { 0, 0 }, { 0, 0 } };
	double seconds;
	int depth = argc > 2 ? atoi(argv[2]) : 40;

	if (argc < 2 || (seconds = atof(argv[1])) <= 0 || depth < 0) {
		fprintf(stderr, "usage: deep SECONDS [DEPTH]\n");
		return 2;
	}
	signal(SIGVTALRM, on_timer);
	it.it_value.tv_sec = (time_t)seconds;
	it.it_value.tv_usec = (suseconds_t)((seconds - (double)(time_t)seconds) * 1e6);
	setitimer(ITIMER_VIRTUAL, &it, NULL);
	sink = rec(depth);
	return 0;
}
