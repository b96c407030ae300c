/*
 * bres-int: what lib/bres.c (the model, saved results), lib/bresread.c
 * (JSON and CSV), lib/bresgo.c (Go text) and lib/breswrite.c share: the
 * names of the figures in the files (JSON keys, CSV columns), so that the
 * readers and the writers cannot disagree.  Not an API.
 */
#ifndef PROF_BRES_INT_H
#define PROF_BRES_INT_H

#include <stddef.h>

#include "bres.h"

enum bres_kind {
	BRES_D,        /* double */
	BRES_UNSET,    /* double, negative when not measured: null, empty */
	BRES_SIZE,     /* size_t */
	BRES_INT,      /* int */
};

struct bres_key {
	const char *key;
	size_t off;    /* in struct bres_run, bres_summary or bres_bench */
	enum bres_kind kind;
};

/* No table below has more keys. */
#define BRES_MAXKEYS 32

/* Per-run figures besides value and exit_code, as arrays of the runs
 * (struct bres_run; every one is BRES_UNSET). */
extern const struct bres_key bres_run_keys[];
extern const size_t bres_nrun_keys;

/* Summary figures (struct bres_summary); hyperfine's 7 come first. */
extern const struct bres_key bres_sum_keys[];
extern const size_t bres_nsum_keys;
#define BRES_HYPERFINE_KEYS 7

/*
 * Built-in and concurrency figures (struct bres_bench), in three groups
 * written only when a benchmark has them: [0, 4) when ops > 0, [4, 6)
 * when concurrency > 1 or throughput > 0, [6, 7) when shell_spawn != 0.
 */
extern const struct bres_key bres_op_keys[];
extern const size_t bres_nop_keys;
int bres_op_group(const struct bres_bench *b, size_t key);

/* Reads Go benchmark text s[0..n) (lib/bresgo.c); as bres_read, but a set
 * without benchmarks is not refused here. */
struct bres *bres_read_go(const char *s, size_t n, const char *name);

/* The fastest benchmark by mean (the first of equals); r->n >= 1. */
size_t bres_fastest(const struct bres *r);
/* b's speed relative to ref (bres_relate's figures); -1 when ref's mean
 * is not positive. */
void bres_rel(const struct bres_bench *b, const struct bres_bench *ref,
    double *rel, double *sd);

#endif
