/*
 * A program with known inlining for t/0100-lib-sym.t: outer() calls
 * middle() twice per iteration, middle() calls leaf() twice, and both are
 * always inlined.  The test finds the lines by the markers in comments.
 */
#include <stdio.h>
#include <stdlib.h>

static volatile unsigned sink;

static inline __attribute__((always_inline)) unsigned
leaf(unsigned x)
{
	sink += x * 3;                  /* LEAF */
	return x ^ sink;
}

static inline __attribute__((always_inline)) unsigned
middle(unsigned x)
{
	unsigned r = leaf(x + 1);       /* MIDDLE1 */

	return r + leaf(x + 7);         /* MIDDLE2 */
}

__attribute__((noinline)) unsigned
outer(unsigned n)
{
	unsigned i, t = 0;

	for (i = 0; i < n; i++)
		t += middle(i);         /* OUTER */
	return t;
}

int
main(int argc, char **argv)
{
	printf("%u\n", outer(argc > 1 ? (unsigned)atoi(argv[1]) : 10));
	return 0;
}
