/*
 * sigspin.c: a signal handler that burns CPU.
 *
 *   sigspin SECONDS
 *
 * main spins in main_spin(); after SECONDS of CPU time, SIGALRM arrives
 * (from a POSIX timer on the process's CPU clock) and its handler,
 * on_alarm(), spins in handler_spin() for SECONDS; then main_spin()
 * spins SECONDS more and the program exits 0.  A sample in the handler
 * has the stack
 *   main -> main_spin -> (signal frame: __restore_rt) -> on_alarm -> handler_spin
 */
#define _POSIX_C_SOURCE 200809L
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

static volatile uint64_t sink;
static volatile sig_atomic_t handled;
static double seconds;

static double
cpu_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

__attribute__((noipa)) void
handler_spin(void)
{
	double end = cpu_now() + seconds;
	uint64_t x = sink;

	do
		for (int i = 0; i < 1 << 18; i++)
			x = x * 6364136223846793005ULL + 1442695040888963407ULL;
	while (cpu_now() < end);
	sink = x;
}

__attribute__((noipa)) void
on_alarm(int sig)
{
	(void)sig;
	handler_spin();
	handled = 1;
}

__attribute__((noipa)) void
main_spin(void)
{
	double end = 0;
	uint64_t x = sink;

	for (;;) {
		for (int i = 0; i < 1 << 18; i++)
			x = x * 6364136223846793005ULL + 1442695040888963407ULL;
		sink = x;
		if (handled && end == 0)
			end = cpu_now() + seconds;
		if (end != 0 && cpu_now() >= end)
			break;
	}
}

int
main(int argc, char *argv[])
{
	struct sigevent ev = { .sigev_notify = SIGEV_SIGNAL, .sigev_signo = SIGALRM };
	struct itimerspec it = { { 0, 0 }, { 0, 0 } };
	timer_t timer;

	if (argc < 2 || (seconds = atof(argv[1])) <= 0) {
		fprintf(stderr, "usage: sigspin SECONDS\n");
		return 2;
	}
	signal(SIGALRM, on_alarm);
	it.it_value.tv_sec = (time_t)seconds;
	it.it_value.tv_nsec = (long)((seconds - (double)(time_t)seconds) * 1e9);
	if (timer_create(CLOCK_PROCESS_CPUTIME_ID, &ev, &timer) < 0 ||
	    timer_settime(timer, 0, &it, NULL) < 0) {
		perror("timer");
		return 1;
	}
	main_spin();
	return 0;
}
