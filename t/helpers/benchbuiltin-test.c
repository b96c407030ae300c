/*
 * benchbuiltin-test: drives lib/bench/benchbuiltin and lib/bench/alloccount for t/0600-lib-benchbuiltin.t.
 * Linked with lib/bench/alloccount.c compiled with -DPROF_ALLOCCOUNT_INTERPOSE,
 * as prof-bench is.
 *
 *   benchbuiltin-test names              the benchmarks' names, one a line
 *   benchbuiltin-test about NAME         its line of description (exit 1: none)
 *   benchbuiltin-test available          1 or 0: alloccount_available()
 *   benchbuiltin-test count KIND N SIZE  "ALLOCS BYTES FREES" counted over N
 *                                  rounds of KIND with blocks of SIZE bytes
 *   benchbuiltin-test run NAME [-c CONCURRENCY] [-d DURATION] [-n ITERATIONS]
 *                   [-w WARMUP]    benchbuiltin_run's figures as KEY=VALUE lines
 *                                  (exit 1: it failed)
 *   benchbuiltin-test json               json-marshal's record as JSON text
 *   benchbuiltin-test json-check <text   1, 0, or -1 and why: benchbuiltin_json_check
 *
 * The kinds (a round and what it counts, in allocations, bytes, frees):
 *   malloc         malloc(S), free                        1  S   1
 *   calloc         calloc(4, S), free                     1  4S  1
 *   realloc        realloc(NULL, S), realloc(p, 2S), free 2  3S  2
 *   realloc0       malloc(S), realloc(p, 0)               1  S   1
 *   reallocarray   reallocarray(NULL, 3, S), one that
 *                  overflows (NULL, ENOMEM), free         1  3S  1
 *   strdup         strdup of S - 1 bytes (inside libc)    1  S   1
 *   posix_memalign posix_memalign(64, S), one with
 *                  alignment 24 (EINVAL), free            1  S   1
 *   aligned_alloc, memalign, valloc, pvalloc: of S        1  S   1
 *   threads        malloc and free in each of 2 threads   2  2S  2
 *   off            malloc, free after alloccount_stop()   0  0   0
 *   restart        as malloc, then a new start, one
 *                  malloc(S) and free: only those count   1  S   1 (in all)
 */
#include <errno.h>
#include <getopt.h>
#include <malloc.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bench/alloccount.h"
#include "bench/benchbuiltin.h"
#include "core/util.h"

/* The compiler must not drop an allocation it could prove unused. */
#define KEEP(p) __asm__ __volatile__("" : : "r"(p) : "memory")

static long n_rounds;
static size_t size;
static void **ptr;
static char *dup_text;          /* SIZE - 1 bytes, for strdup */
/* Not a constant, or gcc warns of the overflow the test wants. */
static volatile size_t huge = SIZE_MAX / 2;
static pthread_barrier_t barrier;

static void
check_aligned(void *p, size_t align)
{
	if (p == NULL || (uintptr_t)p % align != 0)
		die("a block %p not aligned to %zu", p, align);
}

static void *
thread_rounds(void *arg)
{
	void **mine = arg;
	long i;

	pthread_barrier_wait(&barrier);
	for (i = 0; i < n_rounds; i++) {
		mine[i] = malloc(size);
		KEEP(mine[i]);
	}
	for (i = 0; i < n_rounds; i++)
		free(mine[i]);
	pthread_barrier_wait(&barrier);
	return NULL;
}

static void
rounds(const char *kind)
{
	long i;
	void *p;

	for (i = 0; i < n_rounds; i++) {
		if (strcmp(kind, "malloc") == 0 || strcmp(kind, "off") == 0 ||
		    strcmp(kind, "restart") == 0) {
			ptr[i] = malloc(size);
		} else if (strcmp(kind, "calloc") == 0) {
			ptr[i] = calloc(4, size);
		} else if (strcmp(kind, "realloc") == 0) {
			p = realloc(NULL, size);
			KEEP(p);
			ptr[i] = realloc(p, 2 * size);
		} else if (strcmp(kind, "realloc0") == 0) {
			p = malloc(size);
			KEEP(p);
			if (realloc(p, 0) != NULL)
				die("realloc(p, 0) did not free");
			ptr[i] = NULL;
		} else if (strcmp(kind, "reallocarray") == 0) {
			ptr[i] = reallocarray(NULL, 3, size);
			errno = 0;
			if (reallocarray(ptr[i], huge, 3) != NULL || errno != ENOMEM)
				die("reallocarray did not refuse an overflow");
		} else if (strcmp(kind, "strdup") == 0) {
			ptr[i] = strdup(dup_text);
		} else if (strcmp(kind, "posix_memalign") == 0) {
			if (posix_memalign(&ptr[i], 64, size) != 0)
				die("posix_memalign failed");
			check_aligned(ptr[i], 64);
			if (posix_memalign(&p, 24, size) != EINVAL)
				die("posix_memalign took alignment 24");
		} else if (strcmp(kind, "aligned_alloc") == 0) {
			ptr[i] = aligned_alloc(64, size);
			check_aligned(ptr[i], 64);
		} else if (strcmp(kind, "memalign") == 0) {
			ptr[i] = memalign(64, size);
			check_aligned(ptr[i], 64);
		} else if (strcmp(kind, "valloc") == 0) {
			ptr[i] = valloc(size);
			check_aligned(ptr[i], 4096);
		} else if (strcmp(kind, "pvalloc") == 0) {
			ptr[i] = pvalloc(size);
			check_aligned(ptr[i], 4096);
		} else {
			die("no kind %s", kind);
		}
		KEEP(ptr[i]);
	}
	for (i = 0; i < n_rounds; i++)
		free(ptr[i]);
}

static int
count(int argc, char *argv[])
{
	struct alloccount c;
	const char *kind;
	pthread_t th[2];
	void **mine[2];
	int k;

	if (argc != 4)
		die("usage: benchbuiltin-test count KIND N SIZE");
	kind = argv[1];
	n_rounds = strtol(argv[2], NULL, 10);
	size = strtoul(argv[3], NULL, 10);
	if (n_rounds < 1 || size < 1)
		die("count: N and SIZE must be positive");
	ptr = xcalloc((size_t)n_rounds, sizeof *ptr);
	dup_text = xmalloc(size);
	memset(dup_text, 'x', size - 1);
	dup_text[size - 1] = '\0';

	if (strcmp(kind, "threads") == 0) {
		/* created before counting: pthread_create allocates too */
		pthread_barrier_init(&barrier, NULL, 3);
		for (k = 0; k < 2; k++) {
			mine[k] = xcalloc((size_t)n_rounds, sizeof *mine[k]);
			if (pthread_create(&th[k], NULL, thread_rounds, mine[k]) != 0)
				die("pthread_create failed");
		}
		alloccount_start();
		pthread_barrier_wait(&barrier);
		pthread_barrier_wait(&barrier);
		alloccount_stop(&c);
		for (k = 0; k < 2; k++) {
			pthread_join(th[k], NULL);
			free(mine[k]);
		}
		pthread_barrier_destroy(&barrier);
	} else if (strcmp(kind, "off") == 0) {
		alloccount_start();
		alloccount_stop(&c);
		rounds(kind);
		alloccount_stop(&c);
	} else if (strcmp(kind, "restart") == 0) {
		alloccount_start();
		rounds(kind);
		alloccount_stop(&c);
		alloccount_start();
		ptr[0] = malloc(size);
		KEEP(ptr[0]);
		free(ptr[0]);
		alloccount_stop(&c);
	} else {
		alloccount_start();
		rounds(kind);
		alloccount_stop(&c);
	}
	free(ptr);
	free(dup_text);
	printf("%lld %lld %lld\n", c.allocs, c.bytes, c.frees);
	return 0;
}

static int
run(int argc, char *argv[])
{
	struct benchbuiltin_opts o = { 0, 0, 1, 0 };
	struct benchbuiltin_result r;
	const char *name;
	double lo = 0, hi = 0;
	size_t i;
	int c;

	while ((c = getopt(argc, argv, "c:d:n:w:")) != -1) {
		switch (c) {
		case 'c':
			o.concurrency = atoi(optarg);
			break;
		case 'd':
			o.duration = strtod(optarg, NULL);
			break;
		case 'n':
			o.iterations = strtoll(optarg, NULL, 10);
			break;
		case 'w':
			o.warmup = atoi(optarg);
			break;
		default:
			die("usage: benchbuiltin-test run NAME [-c N] [-d S] [-n N] [-w N]");
		}
	}
	if (optind != argc - 1)
		die("usage: benchbuiltin-test run NAME [-c N] [-d S] [-n N] [-w N]");
	name = argv[optind];
	if (benchbuiltin_run(name, &o, &r) < 0)
		return 1;
	for (i = 0; i < r.nbatch; i++) {
		if (i == 0 || r.batch_ns[i] < lo)
			lo = r.batch_ns[i];
		if (i == 0 || r.batch_ns[i] > hi)
			hi = r.batch_ns[i];
	}
	/* %.17g: every figure as the exact double, so that the tests can
	 * check the relations between them (ops_per_s = ops / elapsed) at
	 * any speed; %.3f lost digits below 1000 ops/s, on a busy machine. */
	printf("ops=%lld\nnbatch=%zu\nbatch_ops=%lld\nelapsed=%.17g\n"
	    "ops_per_s=%.17g\nns_per_op=%.17g\nallocs_per_op=%.17g\nbytes_per_op=%.17g\n"
	    "min_batch_ns=%.17g\nmax_batch_ns=%.17g\n",
	    r.ops, r.nbatch, r.batch_ops, r.elapsed, r.ops_per_s, r.ns_per_op,
	    r.allocs_per_op, r.bytes_per_op, lo, hi);
	benchbuiltin_result_free(&r);
	return 0;
}

static int
json_check(void)
{
	char *text = NULL;
	size_t len = 0, cap = 0, k;
	const char *why = NULL;
	int rc;

	do {
		if (cap - len < 4096)
			text = xrealloc(text, cap = 2 * cap + 4096);
		k = fread(text + len, 1, cap - len - 1, stdin);
		len += k;
	} while (k > 0);
	text[len] = '\0';
	if (strlen(text) != len)
		die("json-check: a NUL byte in the input");
	rc = benchbuiltin_json_check(text, &why);
	if (rc < 0)
		printf("-1 %s\n", why);
	else
		printf("%d\n", rc);
	free(text);
	return 0;
}

int
main(int argc, char *argv[])
{
	const char *const *names;
	const char *about;
	char *text;

	util_setprog(argv[0]);
	if (argc < 2)
		die("usage: benchbuiltin-test names|about|available|count|run|json|json-check ...");
	if (strcmp(argv[1], "names") == 0) {
		for (names = benchbuiltin_names(); *names != NULL; names++)
			puts(*names);
	} else if (strcmp(argv[1], "about") == 0 && argc == 3) {
		if ((about = benchbuiltin_about(argv[2])) == NULL)
			return 1;
		puts(about);
	} else if (strcmp(argv[1], "available") == 0) {
		printf("%d\n", alloccount_available());
	} else if (strcmp(argv[1], "count") == 0) {
		return count(argc - 1, argv + 1);
	} else if (strcmp(argv[1], "run") == 0) {
		return run(argc - 1, argv + 1);
	} else if (strcmp(argv[1], "json") == 0) {
		text = benchbuiltin_json_record();
		puts(text);
		free(text);
	} else if (strcmp(argv[1], "json-check") == 0) {
		return json_check();
	} else {
		die("usage: benchbuiltin-test names|about|available|count|run|json|json-check ...");
	}
	return util_fshut(stdout, "<stdout>") < 0 ? 1 : 0;
}
