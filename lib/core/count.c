#include "core/count.h"

#include <string.h>

#define COUNT_MAX (~(count_t)0)

int
count_parse(const char *s, size_t n, count_t *out)
{
	count_t ip = 0, frac = 0, scale = COUNT_ONE;
	size_t i = 0;
	int status = COUNT_OK;

	if (n == 0 || (unsigned)(s[0] - '0') > 9)
		return COUNT_BAD;
	/* The common case, a short integer, without 128-bit arithmetic. */
	if (n <= 18) {
		uint64_t v = 0;
		for (i = 0; i < n && (unsigned)(s[i] - '0') <= 9; i++)
			v = v * 10 + (unsigned)(s[i] - '0');
		if (i == n) {
			*out = (count_t)v * COUNT_ONE;
			return COUNT_OK;
		}
		ip = v;
	} else {
		/* ip stays below 2^128 / 1e9, so ip * 10 + 9 cannot wrap. */
		for (i = 0; i < n && (unsigned)(s[i] - '0') <= 9; i++) {
			ip = ip * 10 + (unsigned)(s[i] - '0');
			if (ip > COUNT_MAX / COUNT_ONE)
				return COUNT_TOO_LARGE;
		}
	}
	if (i < n) {
		if (s[i] != '.')
			return COUNT_BAD;
		for (i++; i < n; i++) {
			unsigned d = (unsigned)(s[i] - '0');
			if (d > 9)
				return COUNT_BAD;
			if (scale > 1) {
				scale /= 10;
				frac += d * scale;
			} else if (status == COUNT_OK) {
				/* The first dropped digit decides the rounding. */
				status = COUNT_ROUNDED;
				if (d >= 5)
					frac++;
			}
		}
	}
	if (ip > (COUNT_MAX - frac) / COUNT_ONE)
		return COUNT_TOO_LARGE;
	*out = ip * COUNT_ONE + frac;
	return status;
}

int
count_add(count_t *acc, count_t v)
{
	count_t s = *acc + v;

	if (s < v)
		return -1;
	*acc = s;
	return 0;
}

int
count_mul(count_t c, count_t f, count_t *out)
{
	/* c*f/1e9 in parts, so the intermediate product cannot overflow early:
	 * c = ch*1e9 + cl, then c*f/1e9 = ch*f + cl*f/1e9. */
	count_t ch = c / COUNT_ONE, cl = c % COUNT_ONE, hi, lo;

	if (f != 0 && ch > COUNT_MAX / f)
		return -1;
	hi = ch * f;
	/* cl < 1e9; split f as well to keep cl*f in range. */
	lo = cl * (f / COUNT_ONE) + (cl * (f % COUNT_ONE) + COUNT_ONE / 2) / COUNT_ONE;
	if (hi + lo < hi)
		return -1;
	*out = hi + lo;
	return 0;
}

size_t
count_format(count_t c, char buf[COUNT_BUFSZ])
{
	char tmp[COUNT_BUFSZ];
	count_t ip = c / COUNT_ONE;
	uint32_t frac = (uint32_t)(c % COUNT_ONE);
	size_t n = 0, len = 0;

	if (ip <= UINT64_MAX) {
		uint64_t v = (uint64_t)ip;
		do
			tmp[n++] = (char)('0' + v % 10);
		while ((v /= 10) != 0);
	} else {
		do
			tmp[n++] = (char)('0' + (unsigned)(ip % 10));
		while ((ip /= 10) != 0);
	}
	while (n > 0)
		buf[len++] = tmp[--n];
	if (frac != 0) {
		int digits = COUNT_DECIMALS;
		while (frac % 10 == 0) {
			frac /= 10;
			digits--;
		}
		buf[len++] = '.';
		for (int i = digits - 1; i >= 0; i--) {
			buf[len + i] = (char)('0' + frac % 10);
			frac /= 10;
		}
		len += digits;
	}
	buf[len] = '\0';
	return len;
}

double
count_double(count_t c)
{
	return (double)(c / COUNT_ONE) + (double)(c % COUNT_ONE) / 1e9;
}
