/*
 * syscalls.c: a loop of one-byte writes to /dev/null and a loop of pure
 * computation, in turns.
 *
 *   syscalls ROUNDS         ROUNDS turns of write_loop() (200,000 calls of
 *                           write(2), one byte each) and cpu_loop()
 *                           (20,000,000 steps of a hash); exits 0
 *
 * A one-byte write to /dev/null is nearly all system call: entering and
 * leaving the kernel, and the libc wrapper.  perf record -g measured
 * write_loop and what it calls at about 40 % of the samples on an AMD EPYC
 * virtual machine, a quarter of them in the kernel (more on kernels that
 * pay for speculation mitigations at each entry), and cpu_loop at 58 %.
 * Sampled in user mode only, the kernel's part costs no samples at all.
 * The work is fixed, so the samples do not depend on how busy the machine
 * is.
 */
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

static volatile uint64_t sink;

__attribute__((noipa)) void
write_loop(int fd, long n)
{
	for (long i = 0; i < n; i++)
		if (write(fd, "x", 1) != 1) {
			perror("write");
			exit(1);
		}
}

__attribute__((noipa)) void
cpu_loop(long n)
{
	uint64_t h = 14695981039346656037ULL;

	for (long i = 0; i < n; i++)
		h = (h ^ (uint64_t)i) * 1099511628211ULL;
	sink = h;
}

int
main(int argc, char *argv[])
{
	long rounds;
	int fd;

	if (argc < 2 || (rounds = atol(argv[1])) <= 0) {
		fprintf(stderr, "usage: syscalls ROUNDS\n");
		return 2;
	}
	if ((fd = open("/dev/null", O_WRONLY)) < 0) {
		perror("/dev/null");
		return 1;
	}
	for (long r = 0; r < rounds; r++) {
		write_loop(fd, 200000);
		cpu_loop(20000000);
	}
	return 0;
}
