#define _GNU_SOURCE  /* pipe2 */
#include "bench/benchbuiltin.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <math.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "bench/alloccount.h"
#include "core/util.h"

#define MAX_BATCH 1000000000LL
#define MAX_THREADS 4096

struct bench {
	const char *name;
	const char *about;
	void *(*setup)(void);                 /* a thread's state, or NULL after a message */
	int (*run)(void *state, long long n); /* n operations: 0, or -1 after a message */
	void (*teardown)(void *state);
};

/* ---- memory-allocation ---- */

#define ALLOC_SLOTS 64

struct alloc_state {
	void *slot[ALLOC_SLOTS];
	uint64_t rng;
};

static const size_t alloc_size[16] = {
	16, 24, 32, 48, 64, 96, 128, 192, 256, 384, 512, 1024, 2048, 4096, 8192, 16384
};

static void *
alloc_setup(void)
{
	struct alloc_state *s = xcalloc(1, sizeof *s);

	s->rng = 1;
	return s;
}

static int
alloc_run(void *state, long long n)
{
	struct alloc_state *s = state;
	uint64_t x = s->rng;
	long long i;

	for (i = 0; i < n; i++) {
		size_t k, size;
		char *p;

		/* Knuth's MMIX LCG; its high bits pick the slot and the size */
		x = x * 6364136223846793005ULL + 1442695040888963407ULL;
		k = (x >> 32) & (ALLOC_SLOTS - 1);
		size = alloc_size[x >> 60];
		free(s->slot[k]);
		s->slot[k] = p = malloc(size);
		if (p == NULL) {
			s->rng = x;
			warn("memory-allocation: out of memory (%zu bytes)", size);
			return -1;
		}
		p[0] = (char)i;
	}
	s->rng = x;
	return 0;
}

static void
alloc_teardown(void *state)
{
	struct alloc_state *s = state;
	size_t k;

	for (k = 0; k < ALLOC_SLOTS; k++)
		free(s->slot[k]);
	free(s);
}

/* ---- thread-creation ---- */

static char thread_token;

static void *
thread_setup(void)
{
	return &thread_token;
}

static void *
thread_main(void *arg)
{
	return arg;
}

static int
thread_run(void *state, long long n)
{
	long long i;

	for (i = 0; i < n; i++) {
		pthread_t t;
		void *ret;
		int rc;

		if ((rc = pthread_create(&t, NULL, thread_main, state)) != 0) {
			warn("thread-creation: pthread_create: %s", strerror(rc));
			return -1;
		}
		if ((rc = pthread_join(t, &ret)) != 0) {
			warn("thread-creation: pthread_join: %s", strerror(rc));
			return -1;
		}
		if (ret != state) {
			warn("thread-creation: a thread returned %p, not %p", ret, state);
			return -1;
		}
	}
	return 0;
}

static void
thread_teardown(void *state)
{
	(void)state;
}

/* ---- pipe-operations ---- */

#define MSG_SIZE 64

struct msg {
	uint64_t seq;
	uint64_t last;          /* the last of a batch: the reader acknowledges */
	char pad[MSG_SIZE - 16];
};

/*
 * The reader owns ack[1] and closes it when it ends, so that a writer
 * waiting for an acknowledgement sees the end instead of waiting forever.
 */
struct pipe_state {
	int data[2], ack[2];
	pthread_t reader;
	int reading;            /* the reader was started */
	uint64_t seq;           /* the next message to write */
	int bad;                /* the reader's finding, set before it acks */
	int read_errno;
	uint64_t want, got;
};

/* Writes or reads all n bytes; -1 with errno, or (reading) 0 at the end. */
static ssize_t
xfer(int fd, void *buf, size_t n, int writing)
{
	size_t done = 0;

	while (done < n) {
		ssize_t k = writing ? write(fd, (char *)buf + done, n - done) :
		    read(fd, (char *)buf + done, n - done);
		if (k < 0 && errno == EINTR)
			continue;
		if (k < 0)
			return -1;
		if (k == 0)
			return 0;
		done += (size_t)k;
	}
	return (ssize_t)n;
}

static void *
pipe_reader(void *arg)
{
	struct pipe_state *s = arg;
	uint64_t want = 0;
	struct msg m;
	ssize_t k;
	char ack = 'a';

	while ((k = xfer(s->data[0], &m, sizeof m, 0)) > 0) {
		if (m.seq != want && !__atomic_load_n(&s->bad, __ATOMIC_RELAXED)) {
			s->want = want;
			s->got = m.seq;
			__atomic_store_n(&s->bad, 1, __ATOMIC_RELEASE);
		}
		want = m.seq + 1;
		if (m.last && xfer(s->ack[1], &ack, 1, 1) < 0)
			break;
	}
	if (k < 0)
		__atomic_store_n(&s->read_errno, errno, __ATOMIC_RELEASE);
	close(s->ack[1]);
	return NULL;
}

static void
pipe_teardown(void *state)
{
	struct pipe_state *s = state;

	close(s->data[1]);
	if (s->reading)
		pthread_join(s->reader, NULL);
	else
		close(s->ack[1]);
	close(s->data[0]);
	close(s->ack[0]);
	free(s);
}

static void *
pipe_setup(void)
{
	struct pipe_state *s = xcalloc(1, sizeof *s);
	int rc;

	if (pipe2(s->data, O_CLOEXEC) < 0) {
		warn("pipe-operations: pipe:");
		free(s);
		return NULL;
	}
	if (pipe2(s->ack, O_CLOEXEC) < 0) {
		warn("pipe-operations: pipe:");
		close(s->data[0]);
		close(s->data[1]);
		free(s);
		return NULL;
	}
	if ((rc = pthread_create(&s->reader, NULL, pipe_reader, s)) != 0) {
		warn("pipe-operations: pthread_create: %s", strerror(rc));
		pipe_teardown(s);
		return NULL;
	}
	s->reading = 1;
	return s;
}

static int
pipe_run(void *state, long long n)
{
	struct pipe_state *s = state;
	struct msg m;
	long long i;
	char ack;
	int err;

	memset(&m, 0, sizeof m);
	for (i = 0; i < n; i++) {
		m.seq = s->seq++;
		m.last = i == n - 1;
		if (xfer(s->data[1], &m, sizeof m, 1) < 0) {
			warn("pipe-operations: write:");
			return -1;
		}
	}
	if (xfer(s->ack[0], &ack, 1, 0) != 1) {
		err = __atomic_load_n(&s->read_errno, __ATOMIC_ACQUIRE);
		warn("pipe-operations: the reader stopped%s%s", err ? ": " : "",
		    err ? strerror(err) : "");
		return -1;
	}
	if (__atomic_load_n(&s->bad, __ATOMIC_ACQUIRE)) {
		warn("pipe-operations: message %llu arrived when %llu was due",
		    (unsigned long long)s->got, (unsigned long long)s->want);
		return -1;
	}
	return 0;
}

/* ---- json-marshal ---- */

#define JTAGS 8
#define JCOUNTS 16

struct jrec {
	long long id;
	char *name;
	double score;
	int active;
	size_t ntag, ncount;
	char *tag[JTAGS];
	long long count[JCOUNTS];
};

/* Every escape JSON has, UTF-8 of 2, 3 and 4 bytes, an id above 2^53. */
static char jname[] = "caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80 \"quoted\" "
    "back\\slash\ttab\nline\r\b\f\x01\x1f/ end";
static char jtag0[] = "cpu", jtag1[] = "memory", jtag2[] = "i/o \"disk\"",
    jtag3[] = "", jtag4[] = "\xe6\x97\xa5\xe6\x9c\xac";

static const struct jrec jrec_original = {
	.id = 9007199254740993LL,
	.name = jname,
	.score = -1234.5678e-3,
	.active = 1,
	.ntag = 5,
	.tag = { jtag0, jtag1, jtag2, jtag3, jtag4 },
	.ncount = 8,
	.count = { 0, 1, -1, 42, 1000000007, LLONG_MAX, LLONG_MIN, 12345 },
};

static const char *const jkey[] = { "id", "name", "score", "active", "tags", "counts" };
enum { JK_ID, JK_NAME, JK_SCORE, JK_ACTIVE, JK_TAGS, JK_COUNTS, JK_N };

struct jbuf {
	char *p;
	size_t n, cap;
};

static void
jb_need(struct jbuf *b, size_t more)
{
	if (b->n + more + 1 <= b->cap)
		return;
	if (b->cap == 0)
		b->cap = 256;
	while (b->n + more + 1 > b->cap)
		b->cap *= 2;
	b->p = xrealloc(b->p, b->cap);
}

static void
jb_put(struct jbuf *b, const char *s, size_t n)
{
	jb_need(b, n);
	memcpy(b->p + b->n, s, n);
	b->n += n;
	b->p[b->n] = '\0';
}

static void
jb_str(struct jbuf *b, const char *s)
{
	static const char hex[] = "0123456789abcdef";
	const unsigned char *u = (const unsigned char *)s;
	char *o;

	/* at worst 6 bytes a byte (\u00XX), and the quotes */
	jb_need(b, 6 * strlen(s) + 2);
	o = b->p + b->n;
	*o++ = '"';
	for (; *u != '\0'; u++) {
		switch (*u) {
		case '"': *o++ = '\\'; *o++ = '"'; break;
		case '\\': *o++ = '\\'; *o++ = '\\'; break;
		case '\b': *o++ = '\\'; *o++ = 'b'; break;
		case '\f': *o++ = '\\'; *o++ = 'f'; break;
		case '\n': *o++ = '\\'; *o++ = 'n'; break;
		case '\r': *o++ = '\\'; *o++ = 'r'; break;
		case '\t': *o++ = '\\'; *o++ = 't'; break;
		default:
			if (*u < 0x20) {
				memcpy(o, "\\u00", 4);
				o[4] = hex[*u >> 4];
				o[5] = hex[*u & 15];
				o += 6;
			} else {
				*o++ = (char)*u;
			}
		}
	}
	*o++ = '"';
	*o = '\0';
	b->n = (size_t)(o - b->p);
}

static void
jb_int(struct jbuf *b, long long v)
{
	char tmp[24], *o = tmp + sizeof tmp;
	unsigned long long u = v < 0 ? 0 - (unsigned long long)v : (unsigned long long)v;

	do
		*--o = (char)('0' + u % 10);
	while ((u /= 10) != 0);
	if (v < 0)
		*--o = '-';
	jb_put(b, o, (size_t)(tmp + sizeof tmp - o));
}

/* %.17g reads back as the same double; prof sets no LC_NUMERIC, so '.'. */
static void
jb_double(struct jbuf *b, double v)
{
	char tmp[32];
	int n = snprintf(tmp, sizeof tmp, "%.17g", v);

	jb_put(b, tmp, (size_t)n);
}

static void
jrec_write(const struct jrec *r, struct jbuf *b)
{
	size_t i;

	jb_put(b, "{\"id\":", 6);
	jb_int(b, r->id);
	jb_put(b, ",\"name\":", 8);
	jb_str(b, r->name);
	jb_put(b, ",\"score\":", 9);
	jb_double(b, r->score);
	if (r->active)
		jb_put(b, ",\"active\":true", 14);
	else
		jb_put(b, ",\"active\":false", 15);
	jb_put(b, ",\"tags\":[", 9);
	for (i = 0; i < r->ntag; i++) {
		if (i > 0)
			jb_put(b, ",", 1);
		jb_str(b, r->tag[i]);
	}
	jb_put(b, "],\"counts\":[", 12);
	for (i = 0; i < r->ncount; i++) {
		if (i > 0)
			jb_put(b, ",", 1);
		jb_int(b, r->count[i]);
	}
	jb_put(b, "]}", 2);
}

static void
jrec_free(struct jrec *r)
{
	size_t i;

	free(r->name);
	for (i = 0; i < r->ntag; i++)
		free(r->tag[i]);
	memset(r, 0, sizeof *r);
}

static int
jrec_equal(const struct jrec *a, const struct jrec *b)
{
	size_t i;

	if (a->id != b->id || strcmp(a->name, b->name) != 0 ||
	    memcmp(&a->score, &b->score, sizeof a->score) != 0 ||
	    a->active != b->active || a->ntag != b->ntag || a->ncount != b->ncount)
		return 0;
	for (i = 0; i < a->ntag; i++)
		if (strcmp(a->tag[i], b->tag[i]) != 0)
			return 0;
	for (i = 0; i < a->ncount; i++)
		if (a->count[i] != b->count[i])
			return 0;
	return 1;
}

/*
 * The parser: s the next byte of NUL-terminated text; why the first error.
 * It is the benchmark's own, JSON's number grammar too (core/json has
 * it): a built-in is a baseline of the machine, so its code must not
 * change when the library's does.
 */
struct jparse {
	const char *s;
	const char *why;
};

static int
jp_fail(struct jparse *p, const char *why)
{
	if (p->why == NULL)
		p->why = why;
	return -1;
}

static void
jp_ws(struct jparse *p)
{
	while (*p->s == ' ' || *p->s == '\t' || *p->s == '\n' || *p->s == '\r')
		p->s++;
}

/* The next byte after white space is c: skips it and returns 1; else 0. */
static int
jp_eat(struct jparse *p, char c)
{
	jp_ws(p);
	if (*p->s != c)
		return 0;
	p->s++;
	return 1;
}

static int
hex4(const char *s)
{
	int v = 0, i;

	for (i = 0; i < 4; i++) {
		int c = (unsigned char)s[i], d;
		if (c >= '0' && c <= '9')
			d = c - '0';
		else if (c >= 'a' && c <= 'f')
			d = c - 'a' + 10;
		else if (c >= 'A' && c <= 'F')
			d = c - 'A' + 10;
		else
			return -1;
		v = v * 16 + d;
	}
	return v;
}

/*
 * Decodes the body of a string, s up to end (the closing quote), into
 * out, which has room for end - s bytes and a NUL: no escape is shorter
 * than what it stands for.  Returns the length, or -1.
 */
static long
jp_decode(struct jparse *p, const char *s, const char *end, char *out)
{
	char *o = out;

	while (s < end) {
		unsigned char c = (unsigned char)*s++;
		long cp;

		if (c < 0x20)
			return jp_fail(p, "a control character in a string");
		if (c != '\\') {
			*o++ = (char)c;
			continue;
		}
		switch (*s++) {
		case '"': *o++ = '"'; continue;
		case '\\': *o++ = '\\'; continue;
		case '/': *o++ = '/'; continue;
		case 'b': *o++ = '\b'; continue;
		case 'f': *o++ = '\f'; continue;
		case 'n': *o++ = '\n'; continue;
		case 'r': *o++ = '\r'; continue;
		case 't': *o++ = '\t'; continue;
		case 'u': break;
		default: return jp_fail(p, "an unknown escape in a string");
		}
		if (end - s < 4 || (cp = hex4(s)) < 0)
			return jp_fail(p, "a \\u escape without 4 hex digits");
		s += 4;
		if (cp >= 0xdc00 && cp <= 0xdfff)
			return jp_fail(p, "a lone low surrogate");
		if (cp >= 0xd800 && cp <= 0xdbff) {
			long lo;
			if (end - s < 6 || s[0] != '\\' || s[1] != 'u' ||
			    (lo = hex4(s + 2)) < 0xdc00 || lo > 0xdfff)
				return jp_fail(p, "a high surrogate without its low one");
			s += 6;
			cp = 0x10000 + ((cp - 0xd800) << 10) + (lo - 0xdc00);
		}
		if (cp == 0)
			return jp_fail(p, "\\u0000 in a string");
		if (cp < 0x80) {
			*o++ = (char)cp;
		} else if (cp < 0x800) {
			*o++ = (char)(0xc0 | cp >> 6);
			*o++ = (char)(0x80 | (cp & 0x3f));
		} else if (cp < 0x10000) {
			*o++ = (char)(0xe0 | cp >> 12);
			*o++ = (char)(0x80 | (cp >> 6 & 0x3f));
			*o++ = (char)(0x80 | (cp & 0x3f));
		} else {
			*o++ = (char)(0xf0 | cp >> 18);
			*o++ = (char)(0x80 | (cp >> 12 & 0x3f));
			*o++ = (char)(0x80 | (cp >> 6 & 0x3f));
			*o++ = (char)(0x80 | (cp & 0x3f));
		}
	}
	*o = '\0';
	return o - out;
}

/* The closing quote of the string whose body starts at s, or NULL. */
static const char *
jp_string_end(const char *s)
{
	while (*s != '"' && *s != '\0') {
		if (*s == '\\' && s[1] != '\0')
			s++;
		s++;
	}
	return *s == '"' ? s : NULL;
}

/* A string, malloc'd, or NULL. */
static char *
jp_string(struct jparse *p)
{
	const char *end;
	char *out;

	if (!jp_eat(p, '"')) {
		jp_fail(p, "a string expected");
		return NULL;
	}
	if ((end = jp_string_end(p->s)) == NULL) {
		jp_fail(p, "a string without its closing quote");
		return NULL;
	}
	out = xmalloc((size_t)(end - p->s) + 1);
	if (jp_decode(p, p->s, end, out) < 0) {
		free(out);
		return NULL;
	}
	p->s = end + 1;
	return out;
}

/* Checks the string from p->s to end (its closing quote) and moves past it. */
static int
jp_string_skip(struct jparse *p, const char *end)
{
	char *tmp = xmalloc((size_t)(end - p->s) + 1);
	long n = jp_decode(p, p->s, end, tmp);

	free(tmp);
	if (n < 0)
		return -1;
	p->s = end + 1;
	return 0;
}

/* A member's key: its index in jkey, JK_N for another, or -1. */
static int
jp_key(struct jparse *p)
{
	char buf[16];
	const char *end;
	int k;

	if (!jp_eat(p, '"'))
		return jp_fail(p, "a member name expected");
	if ((end = jp_string_end(p->s)) == NULL)
		return jp_fail(p, "a string without its closing quote");
	if (end - p->s >= (long)sizeof buf)
		return jp_string_skip(p, end) < 0 ? -1 : JK_N;
	if (jp_decode(p, p->s, end, buf) < 0)
		return -1;
	p->s = end + 1;
	for (k = 0; k < JK_N; k++)
		if (strcmp(buf, jkey[k]) == 0)
			break;
	return k;
}

/* Skips a number as JSON writes it; 1 if it has a fraction or exponent. */
static int
jp_number_end(struct jparse *p, const char **endp)
{
	const char *s = p->s;
	int real = 0;

	if (*s == '-')
		s++;
	if (*s == '0')
		s++;
	else if (*s >= '1' && *s <= '9')
		while (*s >= '0' && *s <= '9')
			s++;
	else
		return jp_fail(p, "a number expected");
	if (*s == '.') {
		real = 1;
		if (*++s < '0' || *s > '9')
			return jp_fail(p, "a digit expected after '.'");
		while (*s >= '0' && *s <= '9')
			s++;
	}
	if (*s == 'e' || *s == 'E') {
		real = 1;
		s++;
		if (*s == '+' || *s == '-')
			s++;
		if (*s < '0' || *s > '9')
			return jp_fail(p, "a digit expected in an exponent");
		while (*s >= '0' && *s <= '9')
			s++;
	}
	*endp = s;
	return real;
}

static int
jp_int(struct jparse *p, long long *v)
{
	const char *s, *end;
	unsigned long long u = 0, max;
	int neg;

	jp_ws(p);
	s = p->s;
	switch (jp_number_end(p, &end)) {
	case -1:
		return -1;
	case 1:
		return jp_fail(p, "an integer expected");
	}
	neg = *s == '-';
	s += neg;
	max = neg ? (unsigned long long)LLONG_MAX + 1 : (unsigned long long)LLONG_MAX;
	for (; s < end; s++) {
		unsigned d = (unsigned)(*s - '0');
		if (u > (max - d) / 10)
			return jp_fail(p, "an integer out of range");
		u = u * 10 + d;
	}
	*v = neg ? (long long)(0 - u) : (long long)u;
	p->s = end;
	return 0;
}

static int
jp_double(struct jparse *p, double *v)
{
	const char *end;
	char *tail;

	jp_ws(p);
	if (jp_number_end(p, &end) < 0)
		return -1;
	*v = strtod(p->s, &tail);
	if (tail != end || !isfinite(*v))
		return jp_fail(p, "a number out of range");
	p->s = end;
	return 0;
}

static int
jp_literal(struct jparse *p, const char *word)
{
	size_t n = strlen(word);

	jp_ws(p);
	if (strncmp(p->s, word, n) != 0)
		return 0;
	p->s += n;
	return 1;
}

static int
jp_bool(struct jparse *p, int *v)
{
	if (jp_literal(p, "true"))
		*v = 1;
	else if (jp_literal(p, "false"))
		*v = 0;
	else
		return jp_fail(p, "true or false expected");
	return 0;
}

/* Skips any value, nested at most 64 deep. */
static int
jp_skip(struct jparse *p, int depth)
{
	const char *end;

	if (depth > 64)
		return jp_fail(p, "values nested too deep");
	jp_ws(p);
	switch (*p->s) {
	case '"':
		p->s++;
		if ((end = jp_string_end(p->s)) == NULL)
			return jp_fail(p, "a string without its closing quote");
		return jp_string_skip(p, end);
	case '[':
		p->s++;
		if (jp_eat(p, ']'))
			return 0;
		do
			if (jp_skip(p, depth + 1) < 0)
				return -1;
		while (jp_eat(p, ','));
		return jp_eat(p, ']') ? 0 : jp_fail(p, "',' or ']' expected");
	case '{':
		p->s++;
		if (jp_eat(p, '}'))
			return 0;
		do {
			if (jp_key(p) < 0)
				return -1;
			if (!jp_eat(p, ':'))
				return jp_fail(p, "':' expected");
			if (jp_skip(p, depth + 1) < 0)
				return -1;
		} while (jp_eat(p, ','));
		return jp_eat(p, '}') ? 0 : jp_fail(p, "',' or '}' expected");
	}
	if (jp_literal(p, "true") || jp_literal(p, "false") || jp_literal(p, "null"))
		return 0;
	if (jp_number_end(p, &end) < 0)
		return jp_fail(p, "a value expected");
	p->s = end;
	return 0;
}

/* An array of at most max elements, element i read by elem into r; *n counts them. */
static int
jp_array(struct jparse *p, struct jrec *r, size_t *n, size_t max,
    int (*elem)(struct jparse *, struct jrec *, size_t), const char *what, const char *too_many)
{
	if (!jp_eat(p, '['))
		return jp_fail(p, what);
	if (jp_eat(p, ']'))
		return 0;
	do {
		if (*n == max)
			return jp_fail(p, too_many);
		if (elem(p, r, *n) < 0)
			return -1;
		(*n)++;
	} while (jp_eat(p, ','));
	return jp_eat(p, ']') ? 0 : jp_fail(p, "',' or ']' expected");
}

static int
jp_tag(struct jparse *p, struct jrec *r, size_t i)
{
	return (r->tag[i] = jp_string(p)) != NULL ? 0 : -1;
}

static int
jp_count(struct jparse *p, struct jrec *r, size_t i)
{
	return jp_int(p, &r->count[i]);
}

/* Parses text into *r (freed with jrec_free); -1 with *why, r empty. */
static int
jrec_parse(const char *text, struct jrec *r, const char **why)
{
	struct jparse p = { text, NULL };
	unsigned seen = 0;
	int k, rc = 0;

	memset(r, 0, sizeof *r);
	if (!jp_eat(&p, '{')) {
		jp_fail(&p, "an object expected");
		goto bad;
	}
	if (!jp_eat(&p, '}')) {
		do {
			if ((k = jp_key(&p)) < 0)
				goto bad;
			if (!jp_eat(&p, ':')) {
				jp_fail(&p, "':' expected");
				goto bad;
			}
			if (k < JK_N && (seen & 1u << k)) {
				jp_fail(&p, "a member given twice");
				goto bad;
			}
			if (k < JK_N)
				seen |= 1u << k;
			switch (k) {
			case JK_ID: rc = jp_int(&p, &r->id); break;
			case JK_NAME: rc = (r->name = jp_string(&p)) ? 0 : -1; break;
			case JK_SCORE: rc = jp_double(&p, &r->score); break;
			case JK_ACTIVE: rc = jp_bool(&p, &r->active); break;
			case JK_TAGS:
				rc = jp_array(&p, r, &r->ntag, JTAGS, jp_tag, "an array of tags expected",
				    "too many tags");
				break;
			case JK_COUNTS:
				rc = jp_array(&p, r, &r->ncount, JCOUNTS, jp_count,
				    "an array of counts expected", "too many counts");
				break;
			default: rc = jp_skip(&p, 0); break;
			}
			if (rc < 0)
				goto bad;
		} while (jp_eat(&p, ','));
		if (!jp_eat(&p, '}')) {
			jp_fail(&p, "',' or '}' expected");
			goto bad;
		}
	}
	jp_ws(&p);
	if (*p.s != '\0') {
		jp_fail(&p, "text after the record");
		goto bad;
	}
	if (seen != (1u << JK_N) - 1) {
		jp_fail(&p, "a member of the record missing");
		goto bad;
	}
	return 0;
bad:
	jrec_free(r);
	if (why != NULL)
		*why = p.why;
	return -1;
}

char *
benchbuiltin_json_record(void)
{
	struct jbuf b = { NULL, 0, 0 };

	jrec_write(&jrec_original, &b);
	return b.p;
}

int
benchbuiltin_json_check(const char *text, const char **why)
{
	struct jrec r;
	int eq;

	if (jrec_parse(text, &r, why) < 0)
		return -1;
	eq = jrec_equal(&r, &jrec_original);
	jrec_free(&r);
	return eq;
}

struct sink_state {
	uint64_t n;
	volatile uint64_t sink;
};

static void *
sink_setup(void)
{
	return xcalloc(1, sizeof(struct sink_state));
}

static void
sink_teardown(void *state)
{
	free(state);
}

static int
json_run(void *state, long long n)
{
	struct sink_state *s = state;
	uint64_t sum = 0;
	long long i;

	for (i = 0; i < n; i++) {
		struct jbuf b = { NULL, 0, 0 };
		struct jrec back;
		const char *why;
		int eq;

		jrec_write(&jrec_original, &b);
		if (jrec_parse(b.p, &back, &why) < 0) {
			warn("json-marshal: the text written does not parse: %s: %s", why, b.p);
			free(b.p);
			return -1;
		}
		eq = jrec_equal(&back, &jrec_original);
		sum += b.n + (uint64_t)back.count[3];
		jrec_free(&back);
		if (!eq) {
			warn("json-marshal: the record parsed back differs from the one written: %s", b.p);
			free(b.p);
			return -1;
		}
		free(b.p);
	}
	s->sink += sum;
	return 0;
}

/* ---- string-operations ---- */

static const char *const str_word[8] = {
	"alpha", "bravo", "charlie", "delta", "echo", "foxtrot", "golf", "hotel"
};
static const char str_prefix[] = "GET /api/v1/users/";
static const char str_suffix[] = "?format=json&verbose=1 HTTP/1.1";

static int
str_run(void *state, long long n)
{
	struct sink_state *st = state;
	const size_t lp = sizeof str_prefix - 1, ls = sizeof str_suffix - 1;
	uint64_t sum = 0;
	long long i;

	for (i = 0; i < n; i++) {
		uint64_t k = st->n++;
		char mid[64], *s;
		const char *q, *slash;
		size_t lm;

		lm = (size_t)snprintf(mid, sizeof mid, "%s-%05u/%.2f", str_word[k & 7],
		    (unsigned)(k % 100000), (double)(k % 1000) / 8);
		if ((s = malloc(lp + lm + ls + 1)) == NULL) {
			warn("string-operations: out of memory");
			return -1;
		}
		memcpy(s, str_prefix, lp);
		memcpy(s + lp, mid, lm);
		memcpy(s + lp + lm, str_suffix, ls + 1);
		q = strstr(s, "format=");
		slash = strrchr(s, '/');
		if (q != s + lp + lm + 1 || slash != s + lp + lm + ls - 4) {
			warn("string-operations: found at the wrong place in %s", s);
			free(s);
			return -1;
		}
		sum += (uint64_t)(q - s) + (uint64_t)(slash - s) + (unsigned char)s[lp];
		free(s);
	}
	st->sink += sum;
	return 0;
}

/* ---- the table ---- */

static const struct bench benches[] = {
	{ "memory-allocation", "malloc of 16 B to 16 KiB at random, after free of an older block",
	    alloc_setup, alloc_run, alloc_teardown },
	{ "thread-creation", "pthread_create of a thread that returns at once, and pthread_join",
	    thread_setup, thread_run, thread_teardown },
	{ "pipe-operations", "a 64-byte message through a pipe to another thread",
	    pipe_setup, pipe_run, pipe_teardown },
	{ "json-marshal", "a record written as JSON text and parsed back, and compared",
	    sink_setup, json_run, sink_teardown },
	{ "string-operations", "snprintf, concatenation into a new string, strstr and strrchr",
	    sink_setup, str_run, sink_teardown },
};
#define NBENCH (sizeof benches / sizeof benches[0])

static const char *const names[NBENCH + 1] = {
	"memory-allocation", "thread-creation", "pipe-operations", "json-marshal",
	"string-operations", NULL
};

const char *const *
benchbuiltin_names(void)
{
	return names;
}

static const struct bench *
find(const char *name)
{
	size_t i;

	for (i = 0; i < NBENCH; i++)
		if (strcmp(benches[i].name, name) == 0)
			return &benches[i];
	return NULL;
}

const char *
benchbuiltin_about(const char *name)
{
	const struct bench *b = find(name);

	return b ? b->about : NULL;
}

/* ---- the runner ---- */

/*
 * The threads wait at the gate until all are created (or one could not
 * be: then they leave), then meet at the barrier, with the caller, when
 * ready to time, when done, and around the counted batch.
 */
struct run {
	const struct bench *b;
	int64_t duration_ns;    /* 0: by iterations */
	int warmup;
	int count;
	int failed;             /* atomic: a thread failed; the others stop */
	pthread_mutex_t mu;
	pthread_cond_t cv;
	int gate;               /* 0 closed, 1 open, -1 leave */
	pthread_barrier_t barrier;
};

struct worker {
	struct run *run;
	pthread_t th;
	long long share;        /* operations to time (by iterations) */
	long long batch;
	double *ns;
	size_t n, cap;
	long long ops, counted;
	int64_t busy, t0, t1;
	int failed;
};

static int64_t
now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

/*
 * Batches of 1, then of the size that the time per operation predicts
 * takes the target (at least one more, at most 100 times as many), until
 * two batches in a row take half the target or more; then the size that
 * the lower time per operation of those two predicts.  Two, so that one
 * batch slowed down by the scheduler (a thread switched out for a
 * millisecond) does not make the batches tiny.  -1 after a message.
 */
static long long
calibrate(const struct bench *b, void *state)
{
	long long n = 1;
	double per, prev_per = 0, best, want;
	int long_ones = 0;

	for (;;) {
		int64_t t = now();
		if (b->run(state, n) < 0)
			return -1;
		t = now() - t;
		per = (double)(t > 0 ? t : 1) / (double)n;
		best = prev_per > 0 && prev_per < per ? prev_per : per;
		prev_per = per;
		want = BENCHBUILTIN_BATCH_NS / best;
		long_ones = (double)t >= BENCHBUILTIN_BATCH_NS / 2 ? long_ones + 1 : 0;
		if (long_ones >= 2 || n >= MAX_BATCH)
			break;
		if (long_ones == 0 && want < (double)n + 1)
			want = (double)n + 1;
		if (want > 100.0 * (double)n)
			want = 100.0 * (double)n;
		n = want < 1 ? 1 : want > (double)MAX_BATCH ? MAX_BATCH : (long long)(want + 0.5);
	}
	if (want < 1)
		return 1;
	return want > (double)MAX_BATCH ? MAX_BATCH : (long long)(want + 0.5);
}

static void
fail(struct worker *w)
{
	w->failed = 1;
	__atomic_store_n(&w->run->failed, 1, __ATOMIC_RELAXED);
}

static void
grow(struct worker *w)
{
	w->cap = w->cap ? 2 * w->cap : 64;
	w->ns = xreallocarray(w->ns, w->cap, sizeof *w->ns);
}

/* The timed part: batches back to back; a batch ends where the next starts. */
static void
time_batches(struct worker *w, void *state)
{
	struct run *run = w->run;
	long long left = w->share;
	int64_t prev, t;

	w->t0 = w->t1 = prev = now();
	for (;;) {
		long long n = w->batch;

		if (w->failed || __atomic_load_n(&run->failed, __ATOMIC_RELAXED))
			return;
		if (run->duration_ns == 0) {
			if (left == 0)
				return;
			if (n > left)
				n = left;
		}
		if (run->b->run(state, n) < 0) {
			fail(w);
			return;
		}
		w->t1 = t = now();
		w->ns[w->n++] = (double)(t - prev) / (double)n;
		w->busy += t - prev;
		w->ops += n;
		left -= n;
		if (run->duration_ns > 0 && t - w->t0 >= run->duration_ns)
			return;
		if (w->n == w->cap) {
			grow(w);
			t = now();
		}
		prev = t;
	}
}

static void
meet(struct run *run)
{
	pthread_barrier_wait(&run->barrier);
}

static void *
worker_main(void *arg)
{
	struct worker *w = arg;
	struct run *run = w->run;
	const struct bench *b = run->b;
	void *state = NULL;
	size_t want;
	int i;

	pthread_mutex_lock(&run->mu);
	while (run->gate == 0)
		pthread_cond_wait(&run->cv, &run->mu);
	pthread_mutex_unlock(&run->mu);
	if (run->gate < 0)
		return NULL;

	if ((state = b->setup()) == NULL)
		fail(w);
	if (!w->failed && (w->batch = calibrate(b, state)) < 0)
		fail(w);
	for (i = 0; i < run->warmup && !w->failed; i++)
		if (b->run(state, w->batch) < 0)
			fail(w);
	if (!w->failed) {
		if (run->duration_ns == 0)
			want = (size_t)(w->share / w->batch) + 2;
		else
			want = (size_t)(1.5 * (double)run->duration_ns / BENCHBUILTIN_BATCH_NS) + 16;
		w->cap = want < ((size_t)1 << 20) ? want : (size_t)1 << 20;
		w->ns = xreallocarray(NULL, w->cap, sizeof *w->ns);
	}

	meet(run);              /* ready */
	if (!w->failed)
		time_batches(w, state);
	meet(run);              /* done; the caller starts counting */
	if (run->count) {
		meet(run);
		if (!w->failed && !__atomic_load_n(&run->failed, __ATOMIC_RELAXED)) {
			if (b->run(state, w->batch) < 0)
				fail(w);
			else
				w->counted = w->batch;
		}
		meet(run);      /* the caller stops counting */
		meet(run);
	}
	if (state != NULL)
		b->teardown(state);
	return NULL;
}

static void
open_gate(struct run *run, int how)
{
	pthread_mutex_lock(&run->mu);
	run->gate = how;
	pthread_cond_broadcast(&run->cv);
	pthread_mutex_unlock(&run->mu);
}

int
benchbuiltin_run(const char *name, const struct benchbuiltin_opts *o, struct benchbuiltin_result *r)
{
	static const struct benchbuiltin_opts dflt = { 0, 0, 1, 0 };
	const struct bench *b = find(name);
	struct run run;
	struct worker *w;
	struct alloccount ac = { 0, 0, 0 };
	long long counted = 0;
	int64_t busy = 0, t0 = 0, t1 = 0;
	int c, i, made, rc, failed = 0;

	memset(r, 0, sizeof *r);
	if (b == NULL) {
		warn("%s: no such built-in benchmark (--builtin list names them)", name);
		return -1;
	}
	if (o == NULL)
		o = &dflt;
	if (o->iterations < 0 || !(o->duration >= 0 && o->duration <= 1e6) ||
	    o->concurrency < 0 || o->concurrency > MAX_THREADS || o->warmup < 0) {
		warn("%s: options out of range: iterations %lld, duration %g s, "
		    "concurrency %d (0 to %d), warm-up %d", name, o->iterations,
		    o->duration, o->concurrency, MAX_THREADS, o->warmup);
		return -1;
	}

	c = o->concurrency > 0 ? o->concurrency : 1;
	memset(&run, 0, sizeof run);
	run.b = b;
	run.warmup = o->warmup;
	run.count = alloccount_available();
	if (o->iterations == 0)
		run.duration_ns = (int64_t)((o->duration > 0 ? o->duration : 1) * 1e9);
	if (run.duration_ns == 0 && o->iterations == 0)
		run.duration_ns = 1;
	pthread_mutex_init(&run.mu, NULL);
	pthread_cond_init(&run.cv, NULL);
	pthread_barrier_init(&run.barrier, NULL, (unsigned)c + 1);

	w = xcalloc((size_t)c, sizeof *w);
	for (made = 0; made < c; made++) {
		w[made].run = &run;
		w[made].share = o->iterations / c + (made < o->iterations % c);
		if ((rc = pthread_create(&w[made].th, NULL, worker_main, &w[made])) != 0) {
			warn("%s: pthread_create: %s", name, strerror(rc));
			break;
		}
	}
	open_gate(&run, made == c ? 1 : -1);
	if (made == c) {
		meet(&run);     /* ready */
		meet(&run);     /* done */
		if (run.count) {
			alloccount_start();
			meet(&run);
			meet(&run);
			alloccount_stop(&ac);
			meet(&run);
		}
	}
	for (i = 0; i < made; i++)
		pthread_join(w[i].th, NULL);
	pthread_barrier_destroy(&run.barrier);
	pthread_cond_destroy(&run.cv);
	pthread_mutex_destroy(&run.mu);

	failed = made < c;
	for (i = 0; i < made; i++) {
		failed |= w[i].failed;
		r->nbatch += w[i].n;
	}
	if (!failed) {
		r->batch_ns = xreallocarray(NULL, r->nbatch ? r->nbatch : 1, sizeof *r->batch_ns);
		r->nbatch = 0;
	}
	for (i = 0; i < made; i++) {
		if (!failed) {
			memcpy(r->batch_ns + r->nbatch, w[i].ns, w[i].n * sizeof *w[i].ns);
			r->nbatch += w[i].n;
			if (w[i].batch > r->batch_ops)
				r->batch_ops = w[i].batch;
			if (w[i].ops > 0) {
				if (r->ops == 0 || w[i].t0 < t0)
					t0 = w[i].t0;
				if (r->ops == 0 || w[i].t1 > t1)
					t1 = w[i].t1;
			}
			r->ops += w[i].ops;
			busy += w[i].busy;
			counted += w[i].counted;
		}
		free(w[i].ns);
	}
	free(w);
	if (failed) {
		memset(r, 0, sizeof *r);
		return -1;
	}
	r->elapsed = (double)(t1 - t0) / 1e9;
	r->ops_per_s = r->elapsed > 0 ? (double)r->ops / r->elapsed : 0;
	r->ns_per_op = r->ops > 0 ? (double)busy / (double)r->ops : 0;
	if (run.count && counted > 0) {
		r->allocs_per_op = (double)ac.allocs / (double)counted;
		r->bytes_per_op = (double)ac.bytes / (double)counted;
	} else {
		r->allocs_per_op = r->bytes_per_op = -1;
	}
	return 0;
}

void
benchbuiltin_result_free(struct benchbuiltin_result *r)
{
	if (r == NULL)
		return;
	free(r->batch_ns);
	memset(r, 0, sizeof *r);
}
