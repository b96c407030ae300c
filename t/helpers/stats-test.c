/*
 * stats-test: drives lib/bench/stats for t/0400-lib-stats.t.
 *
 *   stats-test describe <cases    NAME X...
 *   stats-test ci <cases          NAME N LEVEL
 *   stats-test mwu <cases         NAME X... / Y...
 *   stats-test sf <cases          NAME Z
 *   stats-test empty              the functions that take n = 0
 *
 * Each case is a line of fields separated by blanks; blank lines and
 * lines starting with '#' are skipped.  For each case it prints lines
 * "NAME KEY VALUE", numbers with 17 significant digits:
 *
 *   describe  n, mean, sd, q0 q0.05 q0.25 q0.5 q0.75 q0.95 q0.99 q1
 *             (stats_quantile), mad, outliers, and geomean when every
 *             sample is > 0
 *   ci        rc, and when it is 0: lo, hi, cover
 *   mwu       rc, and when it is 0: u, p, exact
 *   sf        sf (stats_normal_sf)
 *   empty     mean, sd and geomean of no samples (and sorts none)
 *
 * It checks what the header promises besides the values and exits 3
 * after printing if a check fails: no function changes its input; the
 * median CI gives the same ends whether cover is asked for or not; the
 * Mann-Whitney test of y against x gives nx ny - U and the same p; no
 * result is NaN.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bench/stats.h"
#include "core/util.h"

static int failed;

static void
check(int ok, const char *name, const char *what)
{
	if (!ok) {
		fprintf(stderr, "stats-test: %s: %s\n", name, what);
		failed = 1;
	}
}

static void
put(const char *name, const char *key, double v)
{
	check(!isnan(v), name, "a result is NaN");
	printf("%s %s %.17g\n", name, key, v);
}

static double
number(const char *s, const char *name)
{
	char *end;
	double v = strtod(s, &end);

	if (end == s || *end != '\0' || !isfinite(v))
		die("%s: '%s' is not a finite number", name, s);
	return v;
}

/* Appends the numbers of fields f[0..n) to x, stopping at "/"; returns how many fields were read. */
static size_t
numbers(char **f, size_t n, const char *name, double *x, size_t *nx)
{
	size_t i;

	for (i = 0; i < n && strcmp(f[i], "/") != 0; i++)
		x[(*nx)++] = number(f[i], name);
	return i;
}

static void
describe(const char *name, char **f, size_t nf)
{
	static const double qs[] = { 0, 0.05, 0.25, 0.5, 0.75, 0.95, 0.99, 1 };
	double *x = xcalloc(nf, sizeof(*x)), *copy, *s, median, mad;
	size_t n = 0, positive = 0;
	char key[16];

	numbers(f, nf, name, x, &n);
	if (n == 0)
		die("%s: no samples", name);
	copy = xcalloc(n, sizeof(*copy));
	memcpy(copy, x, n * sizeof(*x));

	put(name, "n", n);
	put(name, "mean", stats_mean(x, n));
	put(name, "sd", stats_sd(x, n));
	s = stats_sorted(x, n);
	for (size_t i = 0; i < sizeof(qs) / sizeof(qs[0]); i++) {
		snprintf(key, sizeof(key), "q%g", qs[i]);
		put(name, key, stats_quantile(s, n, qs[i]));
	}
	median = stats_quantile(s, n, 0.5);
	mad = stats_mad(s, n);
	put(name, "mad", mad);
	put(name, "outliers", stats_outliers(x, n, median, mad));
	for (size_t i = 0; i < n; i++)
		positive += x[i] > 0;
	if (positive == n)
		put(name, "geomean", stats_geomean(x, n));

	for (size_t i = 1; i < n; i++)
		check(s[i - 1] <= s[i], name, "stats_sorted is not sorted");
	check(memcmp(x, copy, n * sizeof(*x)) == 0, name, "the samples were changed");
	free(s);
	free(copy);
	free(x);
}

static void
ci(const char *name, char **f, size_t nf)
{
	size_t n, lo, hi, lo2 = 0, hi2 = 0;
	double level, cover;
	int rc;

	if (nf != 2)
		die("%s: want N LEVEL", name);
	n = (size_t)number(f[0], name);
	level = number(f[1], name);
	rc = stats_median_ci(n, level, &lo, &hi, &cover);
	put(name, "rc", rc);
	check(stats_median_ci(n, level, &lo2, &hi2, NULL) == rc, name, "cover NULL changes rc");
	if (rc != 0)
		return;
	check(lo2 == lo && hi2 == hi, name, "cover NULL changes the ends");
	put(name, "lo", lo);
	put(name, "hi", hi);
	put(name, "cover", cover);
}

static void
mwu(const char *name, char **f, size_t nf)
{
	double *x = xcalloc(nf, sizeof(*x)), *y = xcalloc(nf, sizeof(*y));
	double *cx = xcalloc(nf, sizeof(*cx)), *cy = xcalloc(nf, sizeof(*cy));
	size_t nx = 0, ny = 0, i;
	struct stats_mwu r, swapped;
	int rc;

	i = numbers(f, nf, name, x, &nx);
	if (i == nf)
		die("%s: want X... / Y...", name);
	if (numbers(f + i + 1, nf - i - 1, name, y, &ny) != nf - i - 1)
		die("%s: two '/'", name);
	memcpy(cx, x, nx * sizeof(*x));
	memcpy(cy, y, ny * sizeof(*y));
	rc = stats_mwu(x, nx, y, ny, &r);
	put(name, "rc", rc);
	check(stats_mwu(y, ny, x, nx, &swapped) == rc, name, "swapped: another rc");
	if (rc == 0) {
		put(name, "u", r.u);
		put(name, "p", r.p);
		put(name, "exact", r.exact);
		check(swapped.u == (double)nx * ny - r.u && swapped.p == r.p &&
		    swapped.exact == r.exact, name, "swapped: not nx ny - U and the same p");
	}
	check(memcmp(x, cx, nx * sizeof(*x)) == 0 && memcmp(y, cy, ny * sizeof(*y)) == 0,
	    name, "the samples were changed");
	free(x);
	free(y);
	free(cx);
	free(cy);
}

static void
sf(const char *name, char **f, size_t nf)
{
	if (nf != 1)
		die("%s: want Z", name);
	put(name, "sf", stats_normal_sf(number(f[0], name)));
}

static void
empty(void)
{
	double x[1] = { 1 }, *s = stats_sorted(x, 0);

	free(s);
	put("empty", "mean", stats_mean(x, 0));
	put("empty", "sd", stats_sd(x, 0));
	put("empty", "geomean", stats_geomean(x, 0));
}

int
main(int argc, char **argv)
{
	void (*run)(const char *, char **, size_t);
	char *line = NULL, **f = NULL;
	size_t cap = 0, fcap = 0, nf;

	util_setprog(argv[0]);
	if (argc == 2 && strcmp(argv[1], "empty") == 0) {
		empty();
		return util_fshut(stdout, "<stdout>") != 0 ? 1 : failed ? 3 : 0;
	}
	if (argc != 2)
		die("usage: stats-test describe|ci|mwu|sf <cases | stats-test empty");
	if (strcmp(argv[1], "describe") == 0)
		run = describe;
	else if (strcmp(argv[1], "ci") == 0)
		run = ci;
	else if (strcmp(argv[1], "mwu") == 0)
		run = mwu;
	else if (strcmp(argv[1], "sf") == 0)
		run = sf;
	else
		die("usage: stats-test describe|ci|mwu|sf <cases | stats-test empty");

	while (getline(&line, &cap, stdin) != -1) {
		char *save = NULL, *p;

		if (fcap < cap) {
			fcap = cap;
			f = xrealloc(f, fcap * sizeof(*f));
		}
		nf = 0;
		for (p = strtok_r(line, " \t\n", &save); p != NULL; p = strtok_r(NULL, " \t\n", &save))
			f[nf++] = p;
		if (nf == 0 || f[0][0] == '#')
			continue;
		run(f[0], f + 1, nf - 1);
	}
	free(line);
	free(f);
	if (util_fshut(stdout, "<stdout>") != 0)
		return 1;
	return failed ? 3 : 0;
}
