/*
 * smallio: N (argv[2], default 100000) one-byte reads of /dev/zero and
 * one-byte writes to the file argv[1], 10 microseconds of spinning apart:
 * some 100,000 system calls a second, more than the recorder can unwind
 * the stacks of, but a rate whose results it reads on a busy machine.
 * Prints "bytes N" when done: the bytes it wrote (and read).
 */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>
#include <unistd.h>

static long long
ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

int
main(int argc, char *argv[])
{
	long n = argc > 2 ? atol(argv[2]) : 100000, done = 0;
	int out, zero;
	char c;

	if (argc < 2 || (out = open(argv[1], O_WRONLY | O_CREAT | O_TRUNC, 0644)) < 0 ||
	    (zero = open("/dev/zero", O_RDONLY)) < 0)
		return 2;
	for (long i = 0; i < n; i++) {
		long long t = ns();
		if (read(zero, &c, 1) != 1 || write(out, &c, 1) != 1)
			return 1;
		done++;
		while (ns() - t < 10000)
			;
	}
	printf("bytes %ld\n", done);
	return 0;
}
