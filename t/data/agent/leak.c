/* leak BLOCKS SIZE: leaks BLOCKS blocks of SIZE bytes from leak_here; the
 * churn beside it (churn_here) is all freed. */
#include <stdlib.h>
#include <string.h>

__attribute__((noinline)) void *
leak_here(size_t n)
{
	void *p = malloc(n);

	memset(p, 1, n);
	return p;
}

__attribute__((noinline)) void *
churn_here(size_t n)
{
	return malloc(n);
}

int
main(int argc, char **argv)
{
	long blocks = argc > 1 ? atol(argv[1]) : 1000, i;
	size_t size = argc > 2 ? (size_t)atol(argv[2]) : 3000;
	void *volatile sink;

	for (i = 0; i < blocks; i++) {
		sink = leak_here(size);
		free(churn_here(size * 2));
	}
	(void)sink;
	return 0;
}
