/*
 * benchbuiltin: prof-bench's built-in micro-benchmarks (--builtin NAME) and the
 * runner that times them; a baseline of the machine and a check of the
 * harness.
 *
 * A benchmark is an operation done over and over:
 *   memory-allocation  malloc of a size from 16 bytes to 16 KiB, chosen
 *                      at random, into one of 64 slots chosen at random,
 *                      after free of the block the slot held (so blocks
 *                      live for a while, as a program's do)
 *   thread-creation    pthread_create of a thread that returns at once,
 *                      and pthread_join
 *   pipe-operations    a 64-byte message written to a pipe and read by
 *                      another thread (the analogue of a channel send
 *                      and receive); the reader checks the order
 *   json-marshal       a record (integers, a float, a boolean, strings
 *                      with escapes and UTF-8, arrays) written as JSON
 *                      text and parsed back into a new record, which must
 *                      equal the first
 *   string-operations  a line formatted with snprintf, concatenated with a
 *                      prefix and a suffix into a new string, searched
 *                      (strstr, strrchr) and freed
 *
 * The runner: each of opts.concurrency threads sets up its benchmark's
 * state, then calibrates its batch size untimed: batches of 1, then of
 * more operations, until two in a row take at least half of
 * BENCHBUILTIN_BATCH_NS; the batch size is then what takes about BENCHBUILTIN_BATCH_NS
 * (1 ms) at the lower of their times per operation.  These calibration
 * batches warm up too; opts.warmup more batches of that size follow,
 * untimed.  The threads then start together (a barrier) and each
 * times its batches with CLOCK_MONOTONIC, back to back, until it has done
 * its share of opts.iterations (the total split as evenly as possible
 * between the threads; a thread's last batch is shorter when its share
 * is not a multiple of its batch size), or by duration until
 * opts.duration seconds have passed since it started (the batch running
 * then is finished and counted).  When allocations can be counted
 * (alloccount_available()), the threads meet again and each runs one more
 * batch untimed with counting on, so that the counter's atomic additions
 * are not in the times; the figures per operation come from that batch.
 * A benchmark's check failing (a parsed record that differs, a message
 * out of order) or a system call failing stops the run with a message.
 *
 * Invariants of a result: batch_ns holds nbatch figures, owned by the
 * result, in the order the batches ran, thread after thread (sort a copy
 * for quantiles: stats_sorted); each is its batch's time divided by that
 * batch's own number of operations.  ops is the sum of the timed batches'
 * operations: exactly opts.iterations when that is > 0.
 */
#ifndef PROF_BENCHBUILTIN_H
#define PROF_BENCHBUILTIN_H

#include <stddef.h>
#include <stdio.h>

/* the results a run is added to; see bench.h (benchbuiltin-bench.c includes it) */
struct bench_results;

/* The time a batch is calibrated to take, in nanoseconds. */
#define BENCHBUILTIN_BATCH_NS 1000000.0

struct benchbuiltin_opts {
	long long iterations; /* operations timed in all (> 0), or 0: by duration */
	double duration;      /* seconds timed when iterations is 0; 0: 1 */
	int concurrency;      /* threads running the benchmark at once; 0: 1 */
	int warmup;           /* untimed batches after calibration, >= 0 */
};

struct benchbuiltin_result {
	double *batch_ns;      /* ns per operation of each timed batch */
	size_t nbatch;
	long long batch_ops;   /* the calibrated batch size (the largest of
	                          the threads') */
	long long ops;         /* operations timed, all threads */
	double elapsed;        /* seconds of wall time, from the first thread's
	                          start of timing to the last one's end */
	double ops_per_s;      /* ops / elapsed: the throughput of all threads */
	double ns_per_op;      /* the timed batches' time, all threads, divided
	                          by ops: what one operation takes in a thread
	                          (with one thread about elapsed / ops: the
	                          batches run back to back) */
	double allocs_per_op;  /* allocations and bytes requested per */
	double bytes_per_op;   /* operation in the counted batches; both -1
	                          when alloccount is unavailable */
};

/* The benchmarks' names, in a fixed order, then NULL. */
const char *const *benchbuiltin_names(void);

/* A line describing benchmark name (no newline), or NULL if none has it. */
const char *benchbuiltin_about(const char *name);

/*
 * Checks the value of --builtin (opt, for the message): a benchmark's
 * name or "list"; dies "OPT: 'NAME' is not a built-in; use ..." otherwise.
 */
void benchbuiltin_check_name(const char *name, const char *opt);

/* Writes each benchmark's name and description, a line each, to fp. */
void benchbuiltin_list(FILE *fp);

/*
 * Runs benchmark name with the options o (NULL: 1 second, 1 thread, no
 * extra warm-up) and stores the figures in *r, which the caller frees with
 * benchbuiltin_result_free().  Returns 0, or -1 after a message (warn) when the
 * name is unknown, an option is out of range, a system call fails or the
 * benchmark's own check fails; *r then holds nothing to free.  Writes
 * nothing to stdout.  Not to be called by two threads at once (allocation
 * counting is one per process).
 */
int benchbuiltin_run(const char *name, const struct benchbuiltin_opts *o, struct benchbuiltin_result *r);

/*
 * Runs benchmark name as benchbuiltin_run does and adds it to results as
 * the benchmark "builtin:NAME", unit "s/op": a run per timed batch, of
 * value the batch's seconds per operation; its ops, ops_per_s (also the
 * throughput), allocs_per_op, bytes_per_op and concurrency (o's, 0: 1)
 * from the result.  Returns 0, or -1 after a message (results then
 * unchanged).
 */
int benchbuiltin_bench(const char *name, const struct benchbuiltin_opts *o,
    struct bench_results *results);

/* Frees what *r holds and zeroes it; r may be NULL. */
void benchbuiltin_result_free(struct benchbuiltin_result *r);

/*
 * json-marshal's record and parser, for its tests: the record as the
 * benchmark writes it (malloc'd, the caller frees), and a check of text
 * read by the benchmark's parser: 1 when text is the record (any member
 * order, any white space and escapes JSON allows), 0 when it is another
 * record, -1 when it is not JSON of such a record, *why (may be NULL)
 * then saying why in a static string.
 */
char *benchbuiltin_json_record(void);
int benchbuiltin_json_check(const char *text, const char **why);

#endif
