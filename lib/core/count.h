/*
 * count: exact sample counts.
 *
 * A count is a non-negative decimal with at most COUNT_DECIMALS fractional
 * digits, held as an integer number of 10^-9 units in an unsigned 128-bit
 * integer, so sums are exact: integers stay integers, "0.1" + "0.2" is
 * "0.3".  The largest count is about 3.4e29.  Counts are never negative;
 * a differential profile carries two counts, never a signed change.
 */
#ifndef PROF_COUNT_H
#define PROF_COUNT_H

#include <stddef.h>
#include <stdint.h>

typedef unsigned __int128 count_t;

#define COUNT_DECIMALS 9
#define COUNT_ONE ((count_t)1000000000u)
/* Enough for the largest count in decimal, a point, and a NUL. */
#define COUNT_BUFSZ 48

enum count_status {
	COUNT_OK = 0,
	COUNT_ROUNDED = 1,   /* more than 9 decimals: rounded to nearest */
	COUNT_BAD = -1,      /* not digits[.digits] */
	COUNT_TOO_LARGE = -2 /* does not fit */
};

/*
 * Parses s[0..n): one or more digits, then optionally '.' and zero or more
 * digits (the form flamegraph.pl accepts).  Stores the value in *out and
 * returns a count_status.
 */
int count_parse(const char *s, size_t n, count_t *out);

/* *acc += v; returns -1 (and leaves *acc unchanged) on overflow. */
int count_add(count_t *acc, count_t v);

/* *out = c * f, where f is itself a count (a factor); rounds to 1e-9.
 * Returns -1 on overflow. */
int count_mul(count_t c, count_t f, count_t *out);

/* Writes c in its shortest exact form ("12", "0.5") to buf; returns length. */
size_t count_format(count_t c, char buf[COUNT_BUFSZ]);

/* c as a double, for percentages and ratios only. */
double count_double(count_t c);

#endif
