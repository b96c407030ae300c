#define _GNU_SOURCE
#include "core/json.h"

#include <errno.h>
#include <locale.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/util.h"
#include "core/xmlsafe.h"

struct parser {
	const char *p, *end;
	int line;
	struct json_error *err;
};

static int
fail(struct parser *ps, const char *fmt, ...)
{
	va_list ap;

	ps->err->line = ps->line;
	va_start(ap, fmt);
	vsnprintf(ps->err->msg, sizeof(ps->err->msg), fmt, ap);
	va_end(ap);
	return -1;
}

/* Names what was found where something else was expected. */
static int
unexpected(struct parser *ps, const char *expected)
{
	unsigned char c;

	if (ps->p >= ps->end)
		return fail(ps, "unexpected end of input; expected %s", expected);
	c = (unsigned char)*ps->p;
	if (c > 0x20 && c < 0x7f)
		return fail(ps, "unexpected '%c'; expected %s", c, expected);
	return fail(ps, "unexpected byte 0x%02x; expected %s", c, expected);
}

static void
skip_ws(struct parser *ps)
{
	while (ps->p < ps->end) {
		char c = *ps->p;

		if (c == '\n')
			ps->line++;
		else if (c != ' ' && c != '\t' && c != '\r')
			return;
		ps->p++;
	}
}

locale_t
json_c_locale(void)
{
	static locale_t loc;

	if (loc == (locale_t)0 && (loc = newlocale(LC_ALL_MASK, "C", (locale_t)0)) == (locale_t)0)
		die("cannot make the C locale:");
	return loc;
}

static int
is_digit(char c)
{
	return c >= '0' && c <= '9';
}

/* The length of the number at s[0..n) by JSON's grammar (json: no '+',
 * no leading zeros), or 0 when there is none. */
static size_t
number_span(const char *s, size_t n, int json)
{
	size_t i = 0, d;

	if (i < n && (s[i] == '-' || (!json && s[i] == '+')))
		i++;
	for (d = i; i < n && is_digit(s[i]); i++)
		;
	if (i == d || (json && s[d] == '0' && i - d > 1))
		return 0;
	if (i < n && s[i] == '.') {
		for (d = ++i; i < n && is_digit(s[i]); i++)
			;
		if (i == d)
			return 0;
	}
	if (i < n && (s[i] == 'e' || s[i] == 'E')) {
		i++;
		if (i < n && (s[i] == '+' || s[i] == '-'))
			i++;
		for (d = i; i < n && is_digit(s[i]); i++)
			;
		if (i == d)
			return 0;
	}
	return i;
}

/* strtod in the C locale of s[0..n), a number by number_span. */
static int
to_double(const char *s, size_t n, double *v)
{
	char small[64], *buf = n < sizeof(small) ? small : xmalloc(n + 1);

	memcpy(buf, s, n);
	buf[n] = '\0';
	errno = 0;
	*v = strtod_l(buf, NULL, json_c_locale());
	if (buf != small)
		free(buf);
	/* an underflow gives 0 or a subnormal, which is the nearest double */
	return isfinite(*v) ? 0 : -1;
}

size_t
json_number_len(const char *s, size_t n)
{
	return number_span(s, n, 1);
}

int
json_decimal(const char *s, size_t n, double *v)
{
	if (n == 0 || number_span(s, n, 0) != n)
		return -1;
	return to_double(s, n, v);
}

static int
parse_number(struct parser *ps, struct json *j)
{
	size_t n = number_span(ps->p, (size_t)(ps->end - ps->p), 1);

	if (n == 0)
		return fail(ps, "a malformed number");
	if (to_double(ps->p, n, &j->num) < 0)
		return fail(ps, "number %.*s%s out of range", (int)(n > 20 ? 20 : n), ps->p,
		    n > 20 ? "..." : "");
	j->type = JSON_NUMBER;
	ps->p += n;
	return 0;
}

static int
hex4(const char *s, unsigned *u)
{
	*u = 0;
	for (int i = 0; i < 4; i++) {
		char c = s[i];

		*u <<= 4;
		if (is_digit(c))
			*u |= (unsigned)(c - '0');
		else if (c >= 'a' && c <= 'f')
			*u |= (unsigned)(c - 'a' + 10);
		else if (c >= 'A' && c <= 'F')
			*u |= (unsigned)(c - 'A' + 10);
		else
			return -1;
	}
	return 0;
}

static size_t
put_utf8(char *o, unsigned u)
{
	if (u < 0x80) {
		o[0] = (char)u;
		return 1;
	}
	if (u < 0x800) {
		o[0] = (char)(0xc0 | u >> 6);
		o[1] = (char)(0x80 | (u & 0x3f));
		return 2;
	}
	if (u < 0x10000) {
		o[0] = (char)(0xe0 | u >> 12);
		o[1] = (char)(0x80 | (u >> 6 & 0x3f));
		o[2] = (char)(0x80 | (u & 0x3f));
		return 3;
	}
	o[0] = (char)(0xf0 | u >> 18);
	o[1] = (char)(0x80 | (u >> 12 & 0x3f));
	o[2] = (char)(0x80 | (u >> 6 & 0x3f));
	o[3] = (char)(0x80 | (u & 0x3f));
	return 4;
}

/* The length of the well-formed UTF-8 sequence at s[0..n) (not ASCII),
 * or 0. */
static size_t
utf8_len(const unsigned char *s, size_t n)
{
	unsigned char c = s[0], lo = 0x80, hi = 0xbf;
	size_t len;

	if (c >= 0xc2 && c <= 0xdf)
		len = 2;
	else if (c >= 0xe0 && c <= 0xef)
		len = 3, lo = c == 0xe0 ? 0xa0 : 0x80, hi = c == 0xed ? 0x9f : 0xbf;
	else if (c >= 0xf0 && c <= 0xf4)
		len = 4, lo = c == 0xf0 ? 0x90 : 0x80, hi = c == 0xf4 ? 0x8f : 0xbf;
	else
		return 0;
	if (n < len || s[1] < lo || s[1] > hi)
		return 0;
	for (size_t i = 2; i < len; i++)
		if (s[i] < 0x80 || s[i] > 0xbf)
			return 0;
	return len;
}

static int
parse_escape(struct parser *ps, const char **q, char **o)
{
	const char *s = *q;
	unsigned u, lo;

	switch (s[1]) {
	case '"': case '\\': case '/':
		*(*o)++ = s[1];
		break;
	case 'b': *(*o)++ = '\b'; break;
	case 'f': *(*o)++ = '\f'; break;
	case 'n': *(*o)++ = '\n'; break;
	case 'r': *(*o)++ = '\r'; break;
	case 't': *(*o)++ = '\t'; break;
	case 'u':
		if (ps->end - s < 6 || hex4(s + 2, &u) < 0)
			return fail(ps, "a \\u escape needs four hex digits");
		if (u >= 0xdc00 && u <= 0xdfff)
			return fail(ps, "a lone low surrogate \\u%04x", u);
		if (u >= 0xd800 && u <= 0xdbff) {
			if (ps->end - s < 12 || s[6] != '\\' || s[7] != 'u' ||
			    hex4(s + 8, &lo) < 0 || lo < 0xdc00 || lo > 0xdfff)
				return fail(ps, "a lone high surrogate \\u%04x", u);
			u = 0x10000 + ((u - 0xd800) << 10) + (lo - 0xdc00);
			s += 6;
		}
		*o += put_utf8(*o, u);
		*q = s + 6;
		return 0;
	default:
		return fail(ps, "a bad escape");
	}
	*q = s + 2;
	return 0;
}

/* A string at ps->p (a '"'); the result has a NUL after it. */
static int
parse_string(struct parser *ps, char **str, size_t *len)
{
	const char *s = ps->p + 1, *q;
	char *o;

	/* the decoded string is never longer than the text of it */
	for (q = s; q < ps->end && *q != '"'; q++)
		if (*q == '\\' && q + 1 < ps->end)
			q++;
	if (q >= ps->end)
		return fail(ps, "a string without its closing quote");
	*str = o = xmalloc((size_t)(q - s) + 1);
	for (q = s; *q != '"';) {
		unsigned char c = (unsigned char)*q;
		size_t n;

		if (c == '\\') {
			if (parse_escape(ps, &q, &o) < 0)
				goto bad;
		} else if (c < 0x20) {
			fail(ps, "a control character 0x%02x in a string", c);
			goto bad;
		} else if (c < 0x80) {
			*o++ = *q++;
		} else if ((n = utf8_len((const unsigned char *)q, (size_t)(ps->end - q))) > 0) {
			memcpy(o, q, n);
			o += n, q += n;
		} else {
			fail(ps, "invalid UTF-8 in a string");
			goto bad;
		}
	}
	*o = '\0';
	*len = (size_t)(o - *str);
	ps->p = q + 1;
	return 0;
bad:
	free(*str);
	*str = NULL;
	return -1;
}

static int parse_value(struct parser *ps, struct json *j, int depth);

/* Parses the elements (keyed: members) up to close; j->n counts the
 * elements begun, so that json_free frees a partial tree. */
static int
parse_items(struct parser *ps, struct json *j, int depth, int keyed, char close)
{
	size_t cap = 0;

	if (depth >= JSON_MAX_DEPTH)
		return fail(ps, "nested deeper than %d", JSON_MAX_DEPTH);
	ps->p++;
	skip_ws(ps);
	if (ps->p < ps->end && *ps->p == close) {
		ps->p++;
		return 0;
	}
	for (;;) {
		struct json *v;

		if (j->n == cap) {
			cap = cap ? 2 * cap : 4;
			j->v = xreallocarray(j->v, cap, sizeof(*j->v));
			if (keyed)
				j->keys = xreallocarray(j->keys, cap, sizeof(*j->keys));
		}
		v = &j->v[j->n];
		memset(v, 0, sizeof(*v));
		if (keyed) {
			size_t klen;

			j->keys[j->n] = NULL;
			j->n++;
			if (ps->p >= ps->end || *ps->p != '"')
				return unexpected(ps, "a string key");
			if (parse_string(ps, &j->keys[j->n - 1], &klen) < 0)
				return -1;
			skip_ws(ps);
			if (ps->p >= ps->end || *ps->p != ':')
				return unexpected(ps, "':'");
			ps->p++;
			skip_ws(ps);
		} else {
			j->n++;
		}
		if (parse_value(ps, v, depth + 1) < 0)
			return -1;
		skip_ws(ps);
		if (ps->p < ps->end && *ps->p == close) {
			ps->p++;
			return 0;
		}
		if (ps->p >= ps->end || *ps->p != ',')
			return unexpected(ps, close == ']' ? "',' or ']'" : "',' or '}'");
		ps->p++;
		skip_ws(ps);
	}
}

static int
parse_literal(struct parser *ps, struct json *j, const char *word, enum json_type t)
{
	size_t n = strlen(word);

	if ((size_t)(ps->end - ps->p) < n || memcmp(ps->p, word, n) != 0)
		return fail(ps, "a bad literal; expected %s", word);
	j->type = t;
	ps->p += n;
	return 0;
}

static int
parse_value(struct parser *ps, struct json *j, int depth)
{
	j->line = ps->line;
	if (ps->p >= ps->end)
		return unexpected(ps, "a value");
	switch (*ps->p) {
	case '{':
		j->type = JSON_OBJECT;
		return parse_items(ps, j, depth, 1, '}');
	case '[':
		j->type = JSON_ARRAY;
		return parse_items(ps, j, depth, 0, ']');
	case '"':
		if (parse_string(ps, &j->str, &j->len) < 0)
			return -1;
		j->type = JSON_STRING;
		return 0;
	case 't':
		return parse_literal(ps, j, "true", JSON_TRUE);
	case 'f':
		return parse_literal(ps, j, "false", JSON_FALSE);
	case 'n':
		return parse_literal(ps, j, "null", JSON_NULL);
	default:
		if (*ps->p == '-' || is_digit(*ps->p))
			return parse_number(ps, j);
		return unexpected(ps, "a value");
	}
}

struct json *
json_parse(const char *s, size_t n, struct json_error *err)
{
	struct parser ps = { s, s + n, 1, err };
	struct json *j = xcalloc(1, sizeof(*j));

	if (n >= 3 && memcmp(s, "\xef\xbb\xbf", 3) == 0)
		ps.p += 3;
	skip_ws(&ps);
	if (parse_value(&ps, j, 0) < 0)
		goto bad;
	skip_ws(&ps);
	if (ps.p < ps.end) {
		unexpected(&ps, "the end after the value");
		goto bad;
	}
	return j;
bad:
	json_free(j);
	return NULL;
}

const struct json *
json_get(const struct json *o, const char *key)
{
	if (o == NULL || o->type != JSON_OBJECT)
		return NULL;
	for (size_t i = o->n; i-- > 0;)
		if (strcmp(o->keys[i], key) == 0)
			return &o->v[i];
	return NULL;
}

const struct json *
json_at(const struct json *a, size_t i)
{
	if (a == NULL || a->type != JSON_ARRAY || i >= a->n)
		return NULL;
	return &a->v[i];
}

size_t
json_len(const struct json *j)
{
	return j != NULL && (j->type == JSON_ARRAY || j->type == JSON_OBJECT) ? j->n : 0;
}

int
json_num(const struct json *j, double *v)
{
	if (j == NULL || j->type != JSON_NUMBER)
		return -1;
	*v = j->num;
	return 0;
}

const char *
json_str(const struct json *j)
{
	return j != NULL && j->type == JSON_STRING ? j->str : NULL;
}

const char *
json_type_name(enum json_type t)
{
	static const char *const names[] = {
		[JSON_NULL] = "null", [JSON_FALSE] = "false", [JSON_TRUE] = "true",
		[JSON_NUMBER] = "a number", [JSON_STRING] = "a string",
		[JSON_ARRAY] = "an array", [JSON_OBJECT] = "an object",
	};

	return (unsigned)t < sizeof(names) / sizeof(names[0]) ? names[t] : "?";
}

static void
free_inner(struct json *j)
{
	for (size_t i = 0; i < j->n; i++) {
		free_inner(&j->v[i]);
		if (j->keys != NULL)
			free(j->keys[i]);
	}
	free(j->v);
	free(j->keys);
	free(j->str);
}

void
json_free(struct json *j)
{
	if (j == NULL)
		return;
	free_inner(j);
	free(j);
}

void
json_write_string(FILE *fp, const char *s, size_t n)
{
	size_t len;
	char *t;

	if (n == (size_t)-1)
		n = strlen(s);
	t = xmlsafe_cleandup(s, n, &len);
	fputc('"', fp);
	for (size_t i = 0; i < len; i++) {
		unsigned char c = (unsigned char)t[i];

		if (c == '"' || c == '\\')
			fprintf(fp, "\\%c", c);
		else if (c == 0xe2 && i + 2 < len && (unsigned char)t[i + 1] == 0x80 &&
		    ((unsigned char)t[i + 2] == 0xa8 || (unsigned char)t[i + 2] == 0xa9)) {
			fprintf(fp, "\\u%04x", 0x2028u + ((unsigned char)t[i + 2] - 0xa8u));
			i += 2;
		} else
			fputc(c, fp);
	}
	fputc('"', fp);
	free(t);
}
