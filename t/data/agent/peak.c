/* peak: 4 MB kept (keep_site), 10 MB allocated and freed (burst_site),
 * then 6 MB kept (late_site), in blocks of 1,000 bytes. */
#include <stdlib.h>

__attribute__((noinline)) void *keep_site(void) { void *p = malloc(1000); *(volatile char *)p = 0; return p; }
__attribute__((noinline)) void *burst_site(void) { void *p = malloc(1000); *(volatile char *)p = 0; return p; }
__attribute__((noinline)) void *late_site(void) { void *p = malloc(1000); *(volatile char *)p = 0; return p; }

static void *burst[10000];

int
main(void)
{
	void *volatile sink;
	int i;

	for (i = 0; i < 4000; i++)
		sink = keep_site();
	for (i = 0; i < 10000; i++)
		burst[i] = burst_site();
	for (i = 0; i < 10000; i++)
		free(burst[i]);
	for (i = 0; i < 6000; i++)
		sink = late_site();
	(void)sink;
	return 0;
}
