/*
 * arg: the one checked parser of option arguments, numbers and choices.
 *
 * Every option that takes a number or one of a few words goes through
 * here, so that every program rejects a bad value with a message of one
 * shape, naming the option, the value and what would do (OpenBSD's
 * strtonum, with a message made for the user):
 *
 *   prof-top: --rows: '10x' is not a number; use 0 to 1000000000
 *   prof-top: --sort: 'self' is not a key; use flat, cum, name or delta
 *
 * prof(7) has the options' vocabulary.  All functions die (exit 2) on a
 * bad value; they never return one.  arg_decimals() goes the other way:
 * it shows a figure beside the bound an option gave.
 */
#ifndef PROF_ARG_H
#define PROF_ARG_H

/* Parses a decimal integer in [min, max] for option opt (e.g. "--depth"). */
long long arg_int(const char *s, long long min, long long max, const char *opt);

/* Parses a finite decimal number in [min, max] (no hex, no inf/nan). */
double arg_real(const char *s, double min, double max, const char *opt);

/*
 * Returns the index of s in choices (a NULL-terminated list); a value that
 * is none of them dies "OPT: 'S' is not a WHAT; use A, B or C".  what
 * carries its article: "a format", "an unwinder".
 */
int arg_choice(const char *s, const char *const *choices, const char *what, const char *opt);

/*
 * Dies for an option the vocabulary has renamed: "OLD: renamed; use NEW
 * (see prof(7))".  A spelling of perf, flamegraph.pl, pprof or hyperfine
 * keeps its meaning instead; this is for prof's own old names.
 */
void arg_renamed(const char *old, const char *new) __attribute__((noreturn));

/*
 * The decimals, 1 to 6, with which x reads as more than limit, a bound
 * an option gave (--fail-above 2: a growth of 2.04 shows as "2.04", not
 * "2.0"), for the message that names what went past the bound.
 */
int arg_decimals(double x, double limit);

/* A usage error: writes the synopsis on stderr and exits 2. */
void arg_usage(const char *synopsis) __attribute__((noreturn));

/*
 * --help: writes the synopsis and the options' lines on stdout; returns
 * the exit status, 0, or 1 when stdout could not be written.
 */
int arg_help(const char *synopsis, const char *options);

/*
 * --version: writes "prof-NAME X.Y.Z" (util_prog, util_version), one line,
 * on stdout, as perf and hyperfine do; returns the exit status as
 * arg_help() does.
 */
int arg_version(void);

#endif
