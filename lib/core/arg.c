#include "core/arg.h"

#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/util.h"

long long
arg_int(const char *s, long long min, long long max, const char *opt)
{
	char *end;
	long long v;

	/* strtoll accepts leading blanks and a '+'; a user's typo should not. */
	if (*s == '\0' || !(isdigit((unsigned char)*s) || *s == '-'))
		die("%s: '%s' is not a number; use %lld to %lld", opt, s, min, max);
	errno = 0;
	v = strtoll(s, &end, 10);
	if (*end != '\0')
		die("%s: '%s' is not a number; use %lld to %lld", opt, s, min, max);
	if ((errno == ERANGE && v == LLONG_MIN) || v < min)
		die("%s: '%s' is too small; use %lld to %lld", opt, s, min, max);
	if (errno == ERANGE || v > max)
		die("%s: '%s' is too large; use %lld to %lld", opt, s, min, max);
	return v;
}

double
arg_real(const char *s, double min, double max, const char *opt)
{
	const char *p = s;
	char *end;
	double v;

	if (*p == '-')
		p++;
	/* Digits and one point only: strtod would also take "0x1p3" and "inf". */
	for (; *p; p++)
		if (!isdigit((unsigned char)*p) && *p != '.')
			die("%s: '%s' is not a number; use %.15g to %.15g", opt, s, min, max);
	errno = 0;
	v = strtod(s, &end);
	if (end == s || *end != '\0' || !isfinite(v))
		die("%s: '%s' is not a number; use %.15g to %.15g", opt, s, min, max);
	if (v < min)
		die("%s: '%s' is too small; use %.15g to %.15g", opt, s, min, max);
	if (v > max)
		die("%s: '%s' is too large; use %.15g to %.15g", opt, s, min, max);
	return v;
}

int
arg_choice(const char *s, const char *const *choices, const char *what, const char *opt)
{
	char list[512];
	size_t n = 0, k = 0;

	for (; choices[n] != NULL; n++)
		if (strcmp(s, choices[n]) == 0)
			return (int)n;
	list[0] = '\0';
	for (size_t i = 0; i < n; i++) {
		const char *sep = i == 0 ? "" : i + 1 == n ? " or " : ", ";
		int w = snprintf(list + k, sizeof(list) - k, "%s%s", sep, choices[i]);
		if (w < 0 || (size_t)w >= sizeof(list) - k)
			break;
		k += (size_t)w;
	}
	die("%s: '%s' is not %s; use %s", opt, s, what, list);
}

void
arg_renamed(const char *old, const char *new)
{
	die("%s: renamed; use %s (see prof(7))", old, new);
}

int
arg_decimals(double x, double limit)
{
	int d = 1;
	char buf[64];

	for (; d < 6; d++) {
		snprintf(buf, sizeof(buf), "%.*f", d, x);
		if (strtod(buf, NULL) > limit)
			break;
	}
	return d;
}

void
arg_usage(const char *synopsis)
{
	fputs(synopsis, stderr);
	exit(EXIT_USAGE);
}

int
arg_help(const char *synopsis, const char *options)
{
	fputs(synopsis, stdout);
	fputs(options, stdout);
	return util_fshut(stdout, "stdout") < 0 ? EXIT_FINDING : EXIT_OK;
}

int
arg_version(void)
{
	printf("%s %s\n", util_prog, util_version);
	return util_fshut(stdout, "stdout") < 0 ? EXIT_FINDING : EXIT_OK;
}
