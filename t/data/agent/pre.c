/* pre: frees blocks the agent never saw (early.c's), grows one with
 * realloc and shrinks another, then leaks one block of 777 bytes. */
#include <stdio.h>
#include <stdlib.h>

extern char *early_block[4];

__attribute__((noinline)) void *
grow(void *p, size_t n)
{
	void *q = realloc(p, n);

	*(volatile char *)q = 0;
	return q;
}

__attribute__((noinline)) void *
planted(void)
{
	void *p = malloc(777);

	*(volatile char *)p = 0;
	return p;
}

int
main(void)
{
	void *volatile sink;

	free(early_block[0]);
	free(early_block[1]);
	early_block[2] = grow(early_block[2], 100000);
	free(early_block[2]);
	early_block[3] = grow(early_block[3], 10);
	free(early_block[3]);
	sink = planted();
	(void)sink;
	return 0;
}
