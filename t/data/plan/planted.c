/*
 * planted.c: a program with three planted performance problems and one
 * plain loop, for t/7xxx-plan-*.t.  The planted phases run about the same
 * time on this kind of machine, the plain loop about half that (the test
 * measures the real shares from the profile, so only "comparable"
 * matters).  The plain loop is short so that it stays below the planted
 * tasks on a loaded machine too: its gain is a third of its share, and a
 * busy machine slowed it twice as much as the write(2) calls of dribble:
 *   churn()    allocation churn: malloc and free of a buffer in a loop
 *   scan()     strlen(s) in the loop condition: quadratic scanning
 *   dribble()  one-byte write(2) calls to /dev/null
 *   arith()    plain arithmetic, no library call
 * Usage: planted [SCALE]; SCALE (default 1) multiplies the work.
 */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define NOINLINE __attribute__((noinline))

static volatile unsigned long sink;

NOINLINE static void
churn(long n)
{
	for (long i = 0; i < n; i++) {
		char *p = malloc(2048 + (i & 1023));
		p[0] = (char)i;
		sink += (unsigned char)p[0];
		free(p);
	}
}

/* out may alias s, so the compiler cannot hoist the strlen. */
NOINLINE static void
scan(char *s, char *out, long n)
{
	for (long k = 0; k < n; k++) {
		for (size_t i = 0; i < strlen(s); i++)
			out[i & 7] = s[i];
		sink += (unsigned char)out[0];
	}
}

NOINLINE static void
dribble(int fd, long n)
{
	char c = 'x';

	for (long i = 0; i < n; i++)
		if (write(fd, &c, 1) != 1)
			exit(1);
}

NOINLINE static void
arith(long n)
{
	unsigned long x = 88172645463325252UL, acc = 0;

	for (long i = 0; i < n; i++) {
		x ^= x << 13;
		x ^= x >> 7;
		x ^= x << 17;
		acc += x % 1000003;
	}
	sink += acc;
}

int
main(int argc, char *argv[])
{
	double scale = argc > 1 ? atof(argv[1]) : 1;
	static char text[1024], out[8];
	int fd = open("/dev/null", O_WRONLY);

	if (fd < 0 || scale <= 0)
		return 2;
	memset(text, 'a', sizeof(text) - 1);
	churn((long)(3e6 * scale));
	scan(text, out, (long)(8e3 * scale));
	dribble(fd, (long)(4e5 * scale));
	arith((long)(2.2e7 * scale));
	close(fd);
	return 0;
}
