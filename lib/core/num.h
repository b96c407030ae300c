/*
 * num: the one checked parser for numbers given on the command line.
 *
 * Every option that takes a number goes through here, so that every program
 * rejects "10x", "", "-1" and out-of-range values with the same message,
 * naming the option and the allowed range (OpenBSD's strtonum, with a
 * message made for the user): "-F: 0 is too small; use 1 to 100000".
 * All functions die (exit 2) on a bad value; they never return one.
 */
#ifndef PROF_NUM_H
#define PROF_NUM_H

/* Parses a decimal integer in [min, max] for option opt (e.g. "--depth"). */
long long num_int(const char *s, long long min, long long max, const char *opt);

/* Parses a finite decimal number in [min, max] (no hex, no inf/nan). */
double num_real(const char *s, double min, double max, const char *opt);

#endif
