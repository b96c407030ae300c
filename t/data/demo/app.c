/*
 * app.c: the toy program profiled for prof's demo capture (see README).
 *
 * It makes a text of "key=value" records, then parses them, hashes them
 * and sorts the hashes, over and over.  The work is split so that a
 * profile has a known shape: parsing (tokenize + parse_number) costs the
 * most, hashing (fnv1a + mix) a little less, sorting the least.
 * Build without inlining and with frame pointers, so that every function
 * is a frame of its own in `perf record -g`.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define NREC 20000

struct rec {
	const char *key;
	size_t keylen;
	unsigned long value;
};

static char text[NREC * 48];
static struct rec recs[NREC];
static uint64_t hashes[NREC];

static void
make_text(void)
{
	char *p = text;
	unsigned seed = 1;

	for (int i = 0; i < NREC; i++) {
		seed = seed * 1103515245 + 12345;
		p += sprintf(p, "key%u=%u%u\n", seed % 100000, seed, seed % 997);
	}
}

static unsigned long
parse_number(const char *s, const char **end)
{
	unsigned long v = 0;

	while (*s >= '0' && *s <= '9')
		v = v * 10 + (*s++ - '0');
	*end = s;
	return v;
}

static const char *
tokenize(const char *s, struct rec *r)
{
	const char *eq = s;

	while (*eq != '=')
		eq++;
	r->key = s;
	r->keylen = (size_t)(eq - s);
	r->value = parse_number(eq + 1, &s);
	return s + 1;
}

static int
parse(void)
{
	const char *s = text;
	int n = 0;

	while (*s != '\0' && n < NREC)
		s = tokenize(s, &recs[n++]);
	return n;
}

static uint64_t
fnv1a(const char *s, size_t len)
{
	uint64_t h = 14695981039346656037u;

	for (size_t i = 0; i < len; i++) {
		h ^= (unsigned char)s[i];
		h *= 1099511628211u;
	}
	return h;
}

static uint64_t
mix(uint64_t h, unsigned long v)
{
	for (int i = 0; i < 8; i++) {
		h ^= v + (h << 6) + (h >> 2);
		h *= 0x9e3779b97f4a7c15u;
	}
	return h;
}

static void
hash(int n)
{
	for (int i = 0; i < n; i++)
		hashes[i] = mix(fnv1a(recs[i].key, recs[i].keylen), recs[i].value);
}

static int
less(uint64_t x, uint64_t y)
{
	return x < y;
}

/* A Shell sort of our own: libc's qsort has no frame pointers, so its
 * callers would vanish from a frame-pointer stack. */
static void
sort(int n)
{
	static const int gaps[] = { 701, 301, 132, 57, 23, 10, 4, 1 };

	for (size_t g = 0; g < sizeof gaps / sizeof gaps[0]; g++) {
		int gap = gaps[g];

		for (int i = gap; i < n; i++) {
			uint64_t v = hashes[i];
			int j = i;

			for (; j >= gap && less(v, hashes[j - gap]); j -= gap)
				hashes[j] = hashes[j - gap];
			hashes[j] = v;
		}
	}
}

int
main(int argc, char *argv[])
{
	int rounds = argc > 1 ? atoi(argv[1]) : 100;
	uint64_t sum = 0;

	make_text();
	for (int r = 0; r < rounds; r++) {
		int n = parse();
		hash(n);
		sort(n / 8);
		sum += hashes[n / 2];
	}
	printf("%llu\n", (unsigned long long)sum);
	return 0;
}
