/*
 * benchsession: a benchmark session: the runs of several commands, in an order
 * that lets drift in the machine hit every command alike, each measured
 * by launch, gathered into a result set (bench).
 *
 * The session, for each command: --setup once; the warm-up runs (not
 * measured); the measured runs, each after --prepare and before
 * --conclude; --cleanup once.  Setup, prepare, conclude and cleanup
 * run under the shell; their failure stops the session (they are part of
 * the experiment), with the command's name in the message.
 *
 * How many runs: --runs N exactly; otherwise the first measured run of a
 * command sets its count, enough to fill the time budget (--duration,
 * default 3 s) but at least --min-runs (default 10) and at most
 * --max-runs (default: no limit).
 *
 * The order of measured runs: interleaved (default: a round of one run of
 * each command that still needs runs, A B C A B C ...), shuffle (the
 * whole list of remaining runs shuffled with --seed, after a first round
 * that sets the counts) or sequential (all of A, then all of B, as
 * hyperfine does).  Warm-up runs come first, command by command.
 *
 * A command run under a shell has the shell's own start-up subtracted:
 * the mean wall, user and system time of the shell running an empty
 * command, measured at the start (not below 0 after subtraction).
 *
 * --concurrency N runs N copies of a command at once, starting a new one
 * as each ends, until its runs are done: each run's value is its own
 * latency; the throughput is the runs over the wall time of the whole.
 */
#ifndef PROF_BENCHSESSION_H
#define PROF_BENCHSESSION_H

#include "bench/bench.h"

enum benchsession_order { BENCHSESSION_INTERLEAVED, BENCHSESSION_SHUFFLE, BENCHSESSION_SEQUENTIAL };

struct benchsession_cmd {
	const char *name;        /* shown and matched; the command when not named */
	const char *command;     /* the line as given (parameters substituted) */
	const char *prepare, *conclude, *setup, *cleanup; /* shell lines; NULL none */
	const struct kv_item *params;
	size_t nparams;
	int shell;               /* run under the shell; else split into words */
};

struct benchsession_opts {
	int warmup;
	long runs;               /* 0: by time */
	long min_runs, max_runs; /* max 0: no limit */
	double duration;
	int order;               /* enum benchsession_order */
	unsigned long seed;
	int ignore_failure;
	const char *shell;       /* "/bin/sh" by default */
	int in, out, err;        /* the commands' streams (launch_io) */
	int concurrency;         /* 1: one at a time */
	int progress;            /* draw a progress bar on stderr */
	int hw;                  /* count cycles and instructions if possible */
};

/*
 * Runs the session of cmds[0..n) into r (one benchmark per command, in
 * the order given), after setting r's context "hardware_counters":
 * "cycles, instructions", or why the machine cannot count them.
 * Returns 0; or 1 after a message when a command
 * failed (exit status not 0, without ignore_failure) or could not be
 * started; 2 when a setup, prepare, conclude or cleanup command failed.
 */
int benchsession_run(const struct benchsession_opts *o, const struct benchsession_cmd *cmds, size_t n,
    struct bench_results *r);

/*
 * Opens the commands' streams into o->in, o->out and o->err: the
 * standard input from the file input (--input; NULL: /dev/null), read
 * from its start by every run; the standard output and error as output
 * (--output) says: NULL or "null" /dev/null, "inherit" prof-bench's own,
 * else the standard output to that file (created, or truncated once) and
 * the standard error to /dev/null.  Dies when a file cannot be opened.
 * The descriptors stay open until the program exits.
 */
void benchsession_streams(struct benchsession_opts *o, const char *input, const char *output);

/*
 * --record file: runs prof-bench again under prof-record (the one beside
 * prof-bench's executable, else PATH's), which follows the session's
 * processes and writes their profile to file.  The new prof-bench gets
 * argv without --record: it is looked for among the options, argv[1] to
 * argv[nopt - 1].  PROF_BENCH_RECORDING in the environment marks the run
 * under prof-record, for which this returns at once; otherwise it does not
 * return (dies when prof-record cannot be run).
 */
void benchsession_record(const char *file, int argc, char *argv[], int nopt);

#endif
