/*
 * bench-int: what lib/bench/bench.c (the model, saved results), lib/bench/bench-read.c
 * (JSON and CSV), lib/bench/bench-go.c (Go text) and lib/bench/bench-write.c share: the
 * names of the figures in the files (JSON keys, CSV columns), so that the
 * readers and the writers cannot disagree.  Not an API.
 */
#ifndef PROF_BENCH_INT_H
#define PROF_BENCH_INT_H

#include <stddef.h>

#include "bench/bench.h"

enum bench_kind {
	BENCH_D,        /* double */
	BENCH_UNSET,    /* double, negative when not measured: null, empty */
	BENCH_SIZE,     /* size_t */
	BENCH_INT,      /* int */
};

struct bench_key {
	const char *key;
	size_t off;    /* in struct bench_run, bench_summary or bench_entry */
	enum bench_kind kind;
};

/* No table below has more keys. */
#define BENCH_MAXKEYS 32

/* Per-run figures besides value and exit_code, as arrays of the runs
 * (struct bench_run; every one is BENCH_UNSET). */
extern const struct bench_key bench_run_keys[];
extern const size_t bench_nrun_keys;

/* Summary figures (struct bench_summary); hyperfine's 7 come first. */
extern const struct bench_key bench_sum_keys[];
extern const size_t bench_nsum_keys;
#define BENCH_HYPERFINE_KEYS 7

/*
 * Built-in and concurrency figures (struct bench_entry), in groups
 * written only when a benchmark has them: [0, 2) when ops > 0, [2, 4)
 * when ops > 0 or allocations were counted (prof-bench --allocs), [4, 6)
 * when concurrency > 1 or throughput > 0, [6, 7) when shell_spawn != 0.
 */
extern const struct bench_key bench_op_keys[];
extern const size_t bench_nop_keys;
int bench_op_group(const struct bench_entry *b, size_t key);

/* Reads Go benchmark text s[0..n) (lib/bench/bench-go.c); as bench_read, but a set
 * without benchmarks is not refused here. */
struct bench_results *bench_read_go(const char *s, size_t n, const char *name);

/* The fastest benchmark by mean (the first of equals); r->n >= 1. */
size_t bench_fastest(const struct bench_results *r);
/* b's speed relative to ref (bench_relate's figures); -1 when ref's mean
 * is not positive. */
void bench_rel(const struct bench_entry *b, const struct bench_entry *ref,
    double *rel, double *sd);

#endif
