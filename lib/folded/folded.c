#include "folded/folded.h"

#include <stdlib.h>
#include <string.h>

#include "core/util.h"

static int
is_blank(int c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\f' || c == '\v';
}

/* Finds the last space or tab in s[0..len); returns its index or -1. */
static long
last_sep(const char *s, size_t len)
{
	while (len > 0) {
		len--;
		if (s[len] == ' ' || s[len] == '\t')
			return (long)len;
	}
	return -1;
}

static int
parse_count(const char *s, size_t n, count_t *out, int *rounded)
{
	int st = count_parse(s, n, out);

	if (st == COUNT_ROUNDED)
		*rounded = 1;
	return st;
}

static enum folded_result parse_stack(const char *, size_t, int *, struct folded_line *, const char **);

enum folded_result
folded_parse(const char *line, size_t len, int *kind, struct folded_line *out,
    const char **why)
{
	if (len > 0 && line[len - 1] == '\r')
		len--;
	{
		size_t i = 0;
		while (i < len && is_blank((unsigned char)line[i]))
			i++;
		if (i == len)
			return FOLDED_SKIP;
	}
	/* A '#' line that ends in a count is a stack, as flamegraph.pl
	 * reads it; metadata never ends in a number. */
	if (line[0] == '#') {
		enum folded_result r = parse_stack(line, len, kind, out, why);
		if (r != FOLDED_BAD)
			return r;
		*why = NULL;
		return FOLDED_META;
	}
	return parse_stack(line, len, kind, out, why);
}

static enum folded_result
parse_stack(const char *line, size_t len, int *kind, struct folded_line *out, const char **why)
{
	long sep, sep2;
	int rounded = 0, st;
	count_t c1, c2;

	sep = last_sep(line, len);
	if (sep < 0) {
		*why = "no count";
		return FOLDED_BAD;
	}
	st = parse_count(line + sep + 1, len - (size_t)sep - 1, &c1, &rounded);
	if (st == COUNT_TOO_LARGE) {
		*why = "count too large";
		return FOLDED_BAD;
	}
	if (st < 0) {
		*why = sep + 1 == (long)len ? "no count" : "count is not a number";
		return FOLDED_BAD;
	}
	out->n[0] = c1;
	out->n[1] = 0;
	out->stack = line;
	out->len = (size_t)sep;
	if (*kind != FOLDED_SINGLE) {
		sep2 = last_sep(line, (size_t)sep);
		count_t tmp;
		int r2 = 0;
		if (sep2 >= 0 && (st = parse_count(line + sep2 + 1, (size_t)(sep - sep2 - 1), &tmp, &r2)) >= 0) {
			c2 = tmp;
			if (*kind == FOLDED_UNKNOWN)
				*kind = FOLDED_DIFF;
			out->n[0] = c2;
			out->n[1] = c1;
			out->len = (size_t)sep2;
			rounded |= r2;
		} else if (*kind == FOLDED_DIFF) {
			*why = "one count in a differential profile";
			return FOLDED_BAD;
		} else {
			*kind = FOLDED_SINGLE;
		}
	}
	return rounded ? FOLDED_ROUNDED : FOLDED_STACK;
}

int
folded_detect(const char *buf, size_t len)
{
	const char *p = buf, *end = buf + len;
	int looked = 0;

	while (p < end && looked < 16) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		size_t n = nl ? (size_t)(nl - p) : (size_t)(end - p);
		struct folded_line fl;
		const char *why;
		int kind = FOLDED_UNKNOWN;

		if (n > 0 && p[n - 1] == '\r')
			n--;
		if (n >= 8 && (memcmp(p, "# ======", 8) == 0 || memcmp(p, "# captured", 10 <= n ? 10 : n) == 0))
			return 0;  /* perf script --header */
		size_t b = 0;
		while (b < n && is_blank((unsigned char)p[b]))
			b++;
		if (b == n || p[0] == '#') {
			p = nl ? nl + 1 : end;
			continue;
		}
		/* perf script frames are indented; its sample lines end in
		 * "event:" or in a frame's "(dso)". */
		if (is_blank((unsigned char)p[0]))
			return 0;
		enum folded_result r = folded_parse(p, n, &kind, &fl, &why);
		if (r == FOLDED_STACK || r == FOLDED_ROUNDED)
			return 1;
		if (r == FOLDED_BAD) {
			size_t t = n;
			while (t > 0 && is_blank((unsigned char)p[t - 1]))
				t--;
			if (t > 0 && (p[t - 1] == ':' || p[t - 1] == ')'))
				return 0;
		}
		looked++;
		p = nl ? nl + 1 : end;
	}
	return 1;
}

void
folded_name(char *dst, const char *src, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		char c = src[i];
		dst[i] = c == ';' ? ':' : (c == '\n' || c == '\r' || c == '\t') ? ' ' : c;
	}
}

void
folded_write(FILE *fp, const char *stack, size_t len, const count_t n[2], int kind)
{
	char buf[2 * COUNT_BUFSZ + 2];
	size_t k = 0;

	fwrite(stack, 1, len, fp);
	buf[k++] = ' ';
	k += count_format(n[0], buf + k);
	if (kind == FOLDED_DIFF) {
		buf[k++] = ' ';
		k += count_format(n[1], buf + k);
	}
	buf[k++] = '\n';
	fwrite(buf, 1, k, fp);
}

void
folded_report(const char *name, uint64_t bad, uint64_t first_bad, const char *why,
    uint64_t rounded, uint64_t first_rounded)
{
	if (bad)
		warn("%s: %llu unreadable line%s, first at line %llu: %s", name,
		    (unsigned long long)bad, bad == 1 ? "" : "s", (unsigned long long)first_bad, why);
	if (rounded)
		warn("%s: %llu count%s with more than %d decimals rounded, first at line %llu", name,
		    (unsigned long long)rounded, rounded == 1 ? "" : "s", COUNT_DECIMALS,
		    (unsigned long long)first_rounded);
}
