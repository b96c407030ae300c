/* shares [TOTAL]: 60/30/10% of TOTAL bytes (default 4e9) from three sites. */
#include <stdio.h>
#include <stdlib.h>

static unsigned long long seed = 88172645463325252ull;

static size_t
next_size(void)
{
	seed ^= seed << 13;
	seed ^= seed >> 7;
	seed ^= seed << 17;
	return 512 + seed % 15000;
}

__attribute__((noinline)) void *site_sixty(size_t n) { return malloc(n); }
__attribute__((noinline)) void *site_thirty(size_t n) { return malloc(n); }
__attribute__((noinline)) void *site_ten(size_t n) { return malloc(n); }

int
main(int argc, char **argv)
{
	unsigned long long total = argc > 1 ? strtoull(argv[1], NULL, 10) : 4000000000ull;
	unsigned long long done = 0, b[3] = { 0, 0, 0 };
	size_t n;
	void *p;
	int k;

	while (done < total) {
		n = next_size();
		k = (int)((seed >> 40) % 10);
		if (k < 6) {
			p = site_sixty(n);
			b[0] += n;
		} else if (k < 9) {
			p = site_thirty(n);
			b[1] += n;
		} else {
			p = site_ten(n);
			b[2] += n;
		}
		*(volatile char *)p = 1;
		free(p);
		done += n;
	}
	printf("%llu %llu %llu\n", b[0], b[1], b[2]);
	return 0;
}
