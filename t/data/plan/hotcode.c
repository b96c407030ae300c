/*
 * hotcode.c: t/7800-plan-hotcode.t's program, one planted problem per hot
 * function, each a loop of comparable time (prof-plan's hotcode.h says
 * what it recognises):
 *   divide   an integer division by a run-time value
 *   calls    a call to a tiny function that is not inlined
 *   scale    y = y * k + x, which -O2 leaves scalar and -O3 vectorises
 *   walk     pointer chasing through a linked list
 *   slow     (hotcode-o0.c) a unit built at -O0
 *   clean    a hash over bytes: a recurrence, none of the above
 * Usage: hotcode ROUNDS DIVISOR.
 */
#include <stdio.h>
#include <stdlib.h>

#define N 8192

struct node {
	struct node *next;
	long val;
};

long slow(const long *a, long n);

static long a[N];
static float x[N], y[N];
static unsigned char bytes[N];
static struct node nodes[N];

__attribute__((noinline)) long
tiny(long v)
{
	return v * 3 + 1;
}

__attribute__((noinline)) long
divide(const long *v, long n, long d)
{
	long s = 0;

	for (long i = 0; i < n; i++)
		s += v[i] / d;
	return s;
}

__attribute__((noinline)) long
calls(const long *v, long n)
{
	long s = 0;

	for (long i = 0; i < n; i++)
		s += tiny(v[i]);
	return s;
}

__attribute__((noinline)) void
scale(float *restrict out, const float *restrict in, float k, int n)
{
	for (int i = 0; i < n; i++)
		out[i] = out[i] * k + in[i];
}

__attribute__((noinline)) long
walk(const struct node *p)
{
	long s = 0;

	for (; p != NULL; p = p->next)
		s += p->val;
	return s;
}

__attribute__((noinline)) unsigned long
clean(const unsigned char *s, long n)
{
	unsigned long h = 5381;

	for (long i = 0; i < n; i++)
		h = (h * 33) ^ s[i];
	return h;
}

int
main(int argc, char *argv[])
{
	long rounds = argc > 1 ? atol(argv[1]) : 1000;
	long d = argc > 2 ? atol(argv[2]) : 7;
	unsigned long sum = 0, seed = 1;
	long i, j, r, *perm = malloc(N * sizeof(*perm));

	/* the list visits the nodes in a random order */
	for (i = 0; i < N; i++) {
		a[i] = (long)i * 2654435761u;
		x[i] = (float)i;
		y[i] = 1;
		bytes[i] = (unsigned char)i;
		perm[i] = i;
	}
	for (i = N - 1; i > 0; i--) {
		seed = seed * 6364136223846793005u + 1442695040888963407u;
		j = (long)(seed >> 33) % (i + 1);
		r = perm[i];
		perm[i] = perm[j];
		perm[j] = r;
	}
	for (i = 0; i < N; i++) {
		nodes[perm[i]].val = i;
		nodes[perm[i]].next = i + 1 < N ? &nodes[perm[i + 1]] : NULL;
	}
	for (r = 0; r < rounds; r++) {
		/* repeated so that each phase takes about as long */
		sum += divide(a, N, d);
		for (j = 0; j < 3; j++)
			sum += calls(a, N);
		for (j = 0; j < 8; j++)
			scale(y, x, 0.5f, N);
		sum += walk(&nodes[perm[0]]);
		sum += slow(a, N);
		for (j = 0; j < 3; j++)
			sum += clean(bytes, N);
	}
	printf("%lu %g\n", sum, y[1]);
	free(perm);
	return 0;
}
