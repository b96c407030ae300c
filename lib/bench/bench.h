/*
 * bench: benchmark results, as prof-bench measures them, writes them and
 * prof-diff reads them back.
 *
 * A result set is a list of benchmarks; each has a name (what matches it
 * to the same benchmark in another set: the command, or --command-name,
 * or the Go benchmark's name), the command run, its parameters, and its
 * runs.  A run's "value" is what is compared: seconds of wall time for a
 * command (hyperfine's "times"), seconds per operation for a built-in or a
 * Go benchmark (its ns/op / 1e9).  Every figure of a run that was not
 * measured is negative (-1): hyperfine's files have no user time per run,
 * Go's no memory, a machine without hardware counters no cycles.
 *
 * The formats written (man/prof-bench.1 has the details):
 *  - JSON: hyperfine's schema, {"results": [{"command", "mean", "stddev",
 *    "median", "user", "system", "min", "max", "times", "exit_codes",
 *    "parameters" (only when there are), "memory_usage_byte"}, ...]},
 *    each result extended by prof's keys: "name", "unit"; the per-run
 *    arrays "user_times", "system_times", "minor_faults", "major_faults",
 *    "voluntary_context_switches", "involuntary_context_switches",
 *    "cycles", "instructions" (and "memory_usage_byte"), each only when
 *    a run has it; the summary figures "n", "mad", "p5", "p25", "p75",
 *    "p95", "p99", "maxrss", "runs_per_s", "outliers", "relative",
 *    "relative_stddev"; "ops", "ops_per_s", "allocs_per_op",
 *    "bytes_per_op" when ops > 0, "concurrency", "throughput" when
 *    concurrency > 1 or throughput > 0, "shell_spawn" when not 0.  A
 *    figure not measured (-1) is null, in a run's array too (an exit
 *    code of -1 as well).  A top-level "prof" object holds the context
 *    (strings).  The readers of hyperfine's files ignore keys they do
 *    not know; ours reads hyperfine's own;
 *  - CSV: hyperfine's columns (command,mean,stddev,median,user,system,
 *    min,max), then prof's: name, unit, the summary columns (as the JSON
 *    keys, the op columns only when a benchmark has them), then
 *    "parameter_NAME" columns, and last "times": the runs' values
 *    separated by spaces, so a CSV export can be compared again (a
 *    hyperfine CSV has no runs).  A figure not measured is empty;
 *  - Markdown: hyperfine's table (Command, Mean, Min, Max, Relative) in
 *    the time unit chosen.
 * All numbers are written with 17 significant digits ("%.17g"), so that
 * reading a file back gives the same doubles.  Text (names, commands,
 * parameters, context) is written clean (xmlsafe_clean: invalid UTF-8
 * and control characters become U+FFFD), so such bytes do not read back.
 *
 * The readers take prof-bench's and hyperfine's JSON, prof-bench's and
 * hyperfine's CSV and Go benchmark text (`go test -bench` output: a line
 * "BenchmarkNAME[-P] N VALUE ns/op [VALUE UNIT ...]" is one run of NAME;
 * "key: value" lines are configuration, "pkg:" names the package of the
 * benchmarks after it; a benchmark of a second package is named
 * "PKG.NAME").  A line or an entry that cannot be read is an error with
 * its line number (JSON: the byte offset's line), never skipped.
 * What they make of them:
 *  - every benchmark read is summarised (bench_summarise) from its runs;
 *    the file's summary figures only fill what the runs lack (a
 *    hyperfine file's mean user and system times, the relative speed).
 *    A benchmark without runs (a hyperfine CSV; "times" empty) keeps the
 *    file's summary, which must have mean, stddev, median, min and max;
 *  - Go: the command is "BenchmarkNAME" and P the parameter "gomaxprocs"
 *    (a NAME found at two P is two benchmarks, "NAME-P"); the unit is
 *    "s/op"; ops is the mean iteration count N, ops_per_s 1 / mean,
 *    bytes_per_op and allocs_per_op the means of B/op and allocs/op (-1
 *    without -benchmem); other units (MB/s, custom metrics) are checked
 *    and left out.  Blank lines, PASS, "ok" and "?" lines, "--- BENCH:"
 *    lines and their indented log are read and skipped; FAIL, "--- FAIL"
 *    and "panic:" lines are errors (the figures may be wrong).
 */
#ifndef PROF_BENCH_H
#define PROF_BENCH_H

#include <stddef.h>
#include <stdio.h>

#include "core/kv.h"

/* One run of a benchmark; -1 where not measured. */
struct bench_run {
	double value;        /* compared figure: seconds (per run or per op) */
	double user, sys;    /* CPU seconds */
	double maxrss;       /* bytes: the run's own maximum resident set */
	double minflt, majflt, nvcsw, nivcsw;
	double cycles, instructions;
	int exit_code;       /* exit status; 128 + N for signal N; -1 unknown */
};

/* The figures prof-bench shows and exports, computed by bench_summarise. */
struct bench_summary {
	size_t n;
	double mean, sd, median, min, max, mad;
	double p5, p25, p75, p95, p99;
	double user, sys;          /* means over runs that have them; -1 none */
	double maxrss;             /* largest; -1 none */
	double runs_per_s;         /* 1 / mean */
	size_t outliers;           /* modified Z-score > 3.5 */
	double relative, relative_sd; /* to the fastest or the reference; -1 unset */
};

struct bench_entry {
	char *name;                /* what matches it across sets */
	char *command;             /* what was run ("builtin:NAME" for a built-in) */
	struct kv params;          /* {name}: value, of a parameter scan */
	struct bench_run *runs;
	size_t nruns, capruns;
	const char *unit;          /* "s" per run, or "s/op" per operation */
	struct bench_summary sum;   /* valid after bench_summarise */
	/* Built-ins (ops > 0) and --concurrency (concurrency > 1); else 0. */
	double ops, ops_per_s, allocs_per_op, bytes_per_op; /* allocs -1: not counted */
	int concurrency;
	double throughput;         /* runs (or operations) per second of wall time */
	double shell_spawn;        /* seconds subtracted per run; 0: no shell */
};

struct bench_results {
	struct bench_entry *b;
	size_t n, cap;
	struct kv ctx;             /* context: tool, date, Go's goos, ... */
	char *source;              /* where it was read from, for messages */
};

/* A new empty set. */
struct bench_results *bench_new(void);
/*
 * Adds a benchmark named name running command (copied); returns it, valid
 * until the next bench_add.  Its unit is "s", its summary unset (zero; -1
 * for user, sys, maxrss, relative, relative_sd), allocs_per_op and
 * bytes_per_op are -1, the other built-in figures 0.
 */
struct bench_entry *bench_add(struct bench_results *r, const char *name, const char *command);
/* Adds a parameter to b (copied). */
void bench_param(struct bench_entry *b, const char *key, const char *value);
/* Adds a context key (copied; a key set twice keeps the last value). */
void bench_context(struct bench_results *r, const char *key, const char *value);
/* Sets the context "tool" to tool and "date" to now, in UTC: 2026-01-02T03:04:05Z. */
void bench_stamp(struct bench_results *r, const char *tool);
/* Appends a run to b (copied); returns it, valid until the next bench_push. */
struct bench_run *bench_push(struct bench_entry *b, const struct bench_run *run);
/* A run with every figure unmeasured (-1). */
struct bench_run bench_run_unset(void);
/* The benchmark named name in r, or NULL. */
struct bench_entry *bench_find(const struct bench_results *r, const char *name);

/*
 * The mean of the figure at offset off of struct bench_run (offsetof:
 * user, maxrss, ...) over the runs that have it, or -1 when none has.
 */
double bench_run_mean(const struct bench_entry *b, size_t off);

/*
 * Computes b->sum from its runs' values; user and sys are the means over
 * the runs that have them, maxrss the largest.  Without runs, b->sum is
 * left as it is (zero, or a file's figures).  The relative figures are
 * left as they are: bench_relate sets them.
 */
void bench_summarise(struct bench_entry *b);

/*
 * Sets every benchmark's relative speed: mean over the reference's mean
 * (ref: an index, or -1 for the fastest by mean), with its standard
 * deviation by propagation of the relative errors, as hyperfine does:
 * rel * sqrt((sd/mean)^2 + (sd_ref/mean_ref)^2); the reference itself
 * gets 1 and 0.  When the reference's mean is not positive, every
 * benchmark gets -1 (no relative speed).  Dies when ref is out of range.
 */
void bench_relate(struct bench_results *r, long ref);

/*
 * Reads the results in the file open on fp, named name in messages
 * (JSON, CSV or Go text, told by its content).  Returns the set, or NULL
 * after a message "NAME:LINE: what is wrong".  A set with no benchmark
 * is an error too.
 */
struct bench_results *bench_read(FILE *fp, const char *name);

/* Seconds per unit: "s" 1, "ms" 1e-3, "us" 1e-6, "ns" 1e-9; 0 for others. */
double bench_unit_scale(const char *unit);

/* The unit that shows t seconds with 1 to 3 digits before the point
 * ("s", "ms", "us", "ns"; "ns" below that). */
const char *bench_unit_fit(double t);

/*
 * t seconds shown in unit (NULL: bench_unit_fit(t)) with four significant
 * digits and the unit as a person reads it, into buf: "20.31 ms",
 * "1.500 µs".  Returns buf.  prof-bench and prof-diff show times so.
 */
char *bench_time_show(char *buf, size_t len, double t, const char *unit);

/*
 * Writes r to fp as JSON, CSV or Markdown (unit: the time unit of the
 * Markdown table, as bench_unit_scale names it; NULL or another name:
 * chosen by the first benchmark's mean, as hyperfine does, ns only for
 * s/op).  The Markdown table's relative speeds are the benchmarks' own
 * when bench_relate set them, else to the fastest.  Returns 0, or -1 on a
 * write error (reported by the caller, with the file's name).
 */
int bench_write_json(const struct bench_results *r, FILE *fp);
int bench_write_csv(const struct bench_results *r, FILE *fp);
int bench_write_markdown(const struct bench_results *r, FILE *fp, const char *unit);

/*
 * Saved results: DIR/NAME.json.  bench_dir() is the directory: dir if
 * given (--results-dir; dies if empty), else $PROF_BENCH_DIR (when not
 * empty), else [bench] results-dir of prof.conf, else ".prof/bench".  A
 * name is 1 to 100 characters of letters, digits, '.', '_' and '-', not
 * starting with '.'; others die.
 */
const char *bench_dir(const char *dir);
/*
 * Dies unless name is a name for saved results: "OPT: 'NAME' is not a
 * name for saved results; use ..." (opt: the option that gave it; NULL:
 * no "OPT: ").
 */
void bench_check_name(const char *name, const char *opt);
/* The path of saved name in bench_dir(dir) (malloc'd); dies on a bad name. */
char *bench_saved_path(const char *dir, const char *name);
enum bench_format { BENCH_JSON, BENCH_CSV, BENCH_MARKDOWN };

/*
 * Writes r in format (unit: the Markdown table's, as bench_write_markdown
 * takes it) to path atomically: a temporary file beside it, with the
 * usual mode (0666 less the umask), renamed into place; "-" is stdout.
 * With mkdirs, the missing directories of path are made (saved results);
 * without, a missing directory is an error (exports).  Returns 0, or -1
 * after a message naming path.
 */
int bench_write_file(const struct bench_results *r, const char *path, int format, const char *unit,
    int mkdirs);
/* Saves r as JSON at path: bench_write_file(r, path, BENCH_JSON, NULL, 1). */
int bench_save(const struct bench_results *r, const char *path);
/*
 * Lists the saved results in bench_dir(dir) on fp, sorted by name, one a
 * line: name, TAB, the context's date ("-" without), TAB, the benchmarks'
 * names separated by ", ".  Returns the number (0 when the directory does
 * not exist), or -1 after a message (a file that cannot be read is
 * reported, and the others are still listed).
 */
long bench_list(const char *dir, FILE *fp);

void bench_free(struct bench_results *r);

#endif
