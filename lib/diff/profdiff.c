#define _GNU_SOURCE
#include "diff/profdiff.h"

#include <fcntl.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/util.h"
#include "folded/folded.h"

#define COUNT_MAX (~(count_t)0)

static int
is_hex(int c)
{
	return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
}

/* Writes s[0..n) to *buf with every 0x[0-9a-fA-F]+ made "0x..."; returns
 * the new length.  A run of three bytes or more becomes five, so 2n fits. */
static size_t
strip_hex(const char *s, size_t n, char **buf, size_t *cap)
{
	size_t i = 0, k = 0;

	if (*cap < 2 * n + 8) {
		*cap = 2 * n + 8;
		*buf = xrealloc(*buf, *cap);
	}
	while (i < n) {
		if (s[i] == '0' && i + 2 < n && s[i + 1] == 'x' && is_hex((unsigned char)s[i + 2])) {
			memcpy(*buf + k, "0x...", 5);
			k += 5;
			for (i += 2; i < n && is_hex((unsigned char)s[i]); i++)
				;
		} else {
			(*buf)[k++] = s[i++];
		}
	}
	return k;
}

static void
add_side(struct stacktable *d, struct stacktable *t, int side, int strip, char **buf, size_t *cap)
{
	struct stacktable_entry *e, *tmp;

	HASH_ITER(hh, t->head, e, tmp) {
		count_t n[2] = { 0, 0 };

		n[side] = e->n[0];
		if (strip && memmem(e->key, e->len, "0x", 2) != NULL) {
			size_t len = strip_hex(e->key, e->len, buf, cap);
			stacktable_add(d, *buf, len, n);
		} else {
			stacktable_add(d, e->key, e->len, n);
		}
	}
}

struct stacktable *
profdiff_build(struct stacktable *before, struct stacktable *after, int strip_hex_addrs)
{
	struct stacktable *d = stacktable_new();
	char *buf = NULL;
	size_t cap = 0;

	add_side(d, before, 0, strip_hex_addrs, &buf, &cap);
	add_side(d, after, 1, strip_hex_addrs, &buf, &cap);
	free(buf);
	return d;
}

/*
 * floor(a * b / c) for a <= c, so that the quotient fits.  The product may
 * need 256 bits: it is formed from 64-bit halves and divided a bit at a time.
 */
static count_t
muldiv(count_t a, count_t b, count_t c)
{
	if (b == 0 || a <= COUNT_MAX / b)
		return a * b / c;

	const count_t m64 = UINT64_MAX;
	count_t a0 = a & m64, a1 = a >> 64, b0 = b & m64, b1 = b >> 64;
	count_t p00 = a0 * b0, p01 = a0 * b1, p10 = a1 * b0, p11 = a1 * b1;
	count_t mid = (p00 >> 64) + (p01 & m64) + (p10 & m64);
	count_t lo = (p00 & m64) | (mid << 64);
	count_t hi = p11 + (p01 >> 64) + (p10 >> 64) + (mid >> 64);
	count_t q = 0, r = hi;

	/* hi < c since a <= c: r stays below c, and q fits. */
	for (int i = 127; i >= 0; i--) {
		int carry = (int)(r >> 127);
		r = (r << 1) | ((lo >> i) & 1);
		q <<= 1;
		if (carry || r >= c) {
			r -= c;
			q |= 1;
		}
	}
	return q;
}

/* Writes one differential line, BEFORE scaled to AFTER's total t[1] when
 * scale. */
static void
put_line(FILE *fp, const char *key, size_t len, const count_t n[2], int scale, const count_t t[2])
{
	count_t c[2] = { n[0], n[1] };

	if (scale) {
		/* counts are in units of 1e-9: the floor of the units, then
		 * of whole units */
		c[0] = muldiv(c[0], t[1], t[0]);
		c[0] -= c[0] % COUNT_ONE;
	}
	folded_write(fp, key, len, c, FOLDED_DIFF);
}

void
profdiff_write(FILE *fp, struct stacktable *d, int normalize)
{
	size_t n;
	struct stacktable_entry **v = stacktable_sorted(d, &n);
	int scale = normalize && d->total[0] != 0 && d->total[0] != d->total[1];

	for (size_t i = 0; i < n; i++)
		put_line(fp, v[i]->key, v[i]->len, v[i]->n, scale, d->total);
	free(v);
}

static int
cmp_stack(const struct folded_line *a, const struct folded_line *b)
{
	return stacktable_cmp(a->stack, a->len, b->stack, b->len);
}

/* The line being summed: equal stacks may follow each other in an input. */
struct pending {
	char *key;
	size_t len, cap;
	count_t n[2];
	int have;
};

static void
flush(struct pending *p, FILE *fp, int scale, const count_t total[2], struct top_feed *tp)
{
	if (!p->have)
		return;
	if (fp != NULL)
		put_line(fp, p->key, p->len, p->n, scale, total);
	if (tp != NULL)
		top_feed_add(tp, p->key, p->len, p->n);
	p->have = 0;
}

int
profdiff_merge(struct stream fs[2], FILE *fp, const count_t total[2], int normalize,
    struct top_feed *tp)
{
	struct folded_line l[2];
	struct pending p = { 0 };
	int r[2], scale = normalize && total[0] != 0 && total[0] != total[1], status = 0;

	r[0] = stream_next(&fs[0], &l[0]);
	r[1] = stream_next(&fs[1], &l[1]);
	while (r[0] > 0 || r[1] > 0) {
		int c = r[0] > 0 && r[1] > 0 ? cmp_stack(&l[0], &l[1]) : r[0] > 0 ? -1 : 1;
		const struct folded_line *k = c <= 0 ? &l[0] : &l[1];

		if (!p.have || p.len != k->len || memcmp(p.key, k->stack, k->len) != 0) {
			flush(&p, fp, scale, total, tp);
			if (k->len > p.cap)
				p.key = xrealloc(p.key, p.cap = 2 * k->len + 1);
			memcpy(p.key, k->stack, k->len);
			p.len = k->len;
			p.n[0] = p.n[1] = 0;
			p.have = 1;
		}
		if (c <= 0)
			p.n[0] += l[0].n[0];
		if (c >= 0)
			p.n[1] += l[1].n[0];
		for (int i = 0; i < 2; i++)
			if (i == 0 ? c <= 0 : c >= 0) {
				r[i] = stream_next(&fs[i], &l[i]);
				if (!fs[i].sorted)
					status = -1;
			}
		if (status < 0)
			break;
	}
	flush(&p, fp, scale, total, tp);
	free(p.key);
	return status < 0 || r[0] < 0 || r[1] < 0 ? -1 : 0;
}

/* One thread of profdiff_flat_read: the stacks of both inputs whose
 * hash modulo k is p. */
struct flatjob {
	struct profdiff_flat *d;
	int p, fd[2], strip;
	const char *name[2];
	struct stream fs[2];
};

/* How many stacks a thread gathers before adding them at once. */
#define BATCH 32

static void *
flat_job(void *arg)
{
	struct flatjob *j = arg;
	struct stacktable_flat *t = j->d->part[j->p];
	unsigned k = (unsigned)j->d->k;
	struct stacktable_line batch[BATCH];
	size_t nbatch = 0, used = 0, cap = 4096, scap = 0;
	char *keys = xmalloc(cap), *sbuf = NULL;

	for (int i = 0; i < 2; i++) {
		struct folded_line l;

		stream_open(&j->fs[i], j->fd[i], j->name[i], FOLDED_UNKNOWN);
		j->fs[i].quiet = 1;
		for (;;) {
			int r = stream_next(&j->fs[i], &l);
			const char *key = l.stack;
			size_t len = l.len;
			uint32_t h;

			/* a batch is full, or the input ends: add it */
			if (r <= 0 || nbatch == BATCH) {
				stacktable_flat_add_lines(t, batch, nbatch);
				nbatch = used = 0;
			}
			if (r <= 0)
				break;
			if (j->strip && memmem(key, len, "0x", 2) != NULL) {
				len = strip_hex(key, len, &sbuf, &scap);
				key = sbuf;
			}
			h = stacktable_hash(key, len);
			/* its high bits: the table's index uses the low ones */
			if (k > 1 && (h >> 24) % k != (unsigned)j->p)
				continue;
			/* the line is valid until the next: keep its key */
			if (used + len > cap) {
				char *nk = xmalloc(cap = (used + len) * 2 + 64);

				memcpy(nk, keys, used);
				for (size_t b = 0; b < nbatch; b++)
					batch[b].key = nk + (batch[b].key - keys);
				free(keys);
				keys = nk;
			}
			memcpy(keys + used, key, len);
			batch[nbatch].key = keys + used;
			batch[nbatch].len = len;
			batch[nbatch].hash = h;
			batch[nbatch].n[0] = batch[nbatch].n[1] = 0;
			batch[nbatch].n[i] = l.n[0];
			nbatch++;
			used += len;
		}
		free(j->fs[i].buf);
		free(j->fs[i].prev);
		j->fs[i].buf = j->fs[i].prev = NULL;
	}
	stacktable_flat_sort(t, STACKTABLE_BYTES);
	free(keys);
	free(sbuf);
	return NULL;
}

void
profdiff_flat_read(struct profdiff_flat *d, int fd[2], const char *name[2], int strip_hex, int jobs)
{
	struct flatjob *j;
	pthread_t th[4];
	int k = jobs < 1 ? 1 : jobs > 4 ? 4 : jobs;

	memset(d, 0, sizeof(*d));
	j = xcalloc((size_t)k, sizeof(*j));
	/* every thread reads on a descriptor of its own, at its own offset;
	 * where there is none, one thread reads */
	for (int p = 1; p < k; p++)
		for (int i = 0; i < 2; i++) {
			char path[64];

			snprintf(path, sizeof(path), "/proc/self/fd/%d", fd[i]);
			j[p].fd[i] = open(path, O_RDONLY);
		}
	for (int p = 1; p < k; p++)
		if (j[p].fd[0] < 0 || j[p].fd[1] < 0) {
			for (p = 1; p < k; p++)
				for (int i = 0; i < 2; i++)
					if (j[p].fd[i] >= 0)
						close(j[p].fd[i]);
			k = 1;
		}
	d->k = k;
	d->part = xcalloc((size_t)k, sizeof(*d->part));
	for (int p = 0; p < k; p++) {
		d->part[p] = stacktable_flat_new();
		j[p].d = d;
		j[p].p = p;
		j[p].strip = strip_hex;
		for (int i = 0; i < 2; i++) {
			j[p].name[i] = name[i];
			if (p == 0) {
				j[p].fd[i] = fd[i];
				(void)lseek(fd[i], 0, SEEK_SET);
			}
		}
	}
	for (int p = 1; p < k; p++)
		if (pthread_create(&th[p], NULL, flat_job, &j[p]) != 0)
			die("cannot start a thread:");
	flat_job(&j[0]);
	for (int p = 1; p < k; p++) {
		pthread_join(th[p], NULL);
		for (int i = 0; i < 2; i++) {
			d->error |= j[p].fs[i].error;
			meta_free(&j[p].fs[i].meta);
			close(j[p].fd[i]);
		}
	}
	d->fs[0] = j[0].fs[0];
	d->fs[1] = j[0].fs[1];
	d->error |= d->fs[0].error | d->fs[1].error;
	free(j);
}

void
profdiff_flat_write(struct profdiff_flat *d, FILE *fp, const count_t total[2], int normalize,
    struct top_feed *tp)
{
	size_t at[4] = { 0 };
	int scale = normalize && total[0] != 0 && total[0] != total[1];
	count_t n[2];

	/* the tables hold different stacks: the least head is next */
	for (;;) {
		struct stacktable_stack *s = NULL;
		int m = -1;

		for (int p = 0; p < d->k; p++) {
			struct stacktable_stack *h;

			if (at[p] == d->part[p]->n)
				continue;
			/* the stacks lie anywhere: ask for those ahead early */
			if (at[p] + 8 < d->part[p]->n)
				__builtin_prefetch(d->part[p]->v[at[p] + 8]);
			h = d->part[p]->v[at[p]];
			if (s == NULL || stacktable_cmp(h->key, h->len, s->key, s->len) < 0) {
				s = h;
				m = p;
			}
		}
		if (s == NULL)
			break;
		at[m]++;
		stacktable_stack_counts(s, n);
		if (fp != NULL)
			put_line(fp, s->key, s->len, n, scale, total);
		if (tp != NULL)
			top_feed_add(tp, s->key, s->len, n);
	}
}

void
profdiff_flat_free(struct profdiff_flat *d)
{
	for (int p = 0; p < d->k; p++)
		stacktable_flat_free(d->part[p]);
	free(d->part);
	meta_free(&d->fs[0].meta);
	meta_free(&d->fs[1].meta);
	d->part = NULL;
	d->k = 0;
}

/* How much row i's share (flat, or cum when cum) grew, in points. */
static double
growth(const struct top *tp, size_t i, int cum)
{
	const count_t *c = cum ? tp->rows[i].cum : tp->rows[i].flat;

	return top_pct(tp, c[1], 1) - top_pct(tp, c[0], 0);
}

struct grown {
	const struct top *tp;
	int cum;
};

/* Rows by their growth, largest first, then by name; arg is a grown. */
static int
cmp_grown(const void *a, const void *b, void *arg)
{
	const struct grown *g = arg;
	size_t i = *(const size_t *)a, j = *(const size_t *)b;
	double x = growth(g->tp, i, g->cum), y = growth(g->tp, j, g->cum);
	const struct top_row *r = &g->tp->rows[i], *q = &g->tp->rows[j];
	size_t n = r->len < q->len ? r->len : q->len;
	int c;

	if (x != y)
		return x > y ? -1 : 1;
	if ((c = memcmp(r->name, q->name, n)) != 0)
		return c;
	return (r->len > q->len) - (r->len < q->len);
}

size_t *
profdiff_grown(const struct top *tp, double pct, int cum, size_t *n)
{
	struct grown g = { tp, cum };
	size_t k = 0, *rows = xcalloc(tp->n ? tp->n : 1, sizeof(*rows));

	for (size_t i = 0; i < tp->n; i++)
		if (growth(tp, i, cum) > pct)
			rows[k++] = i;
	qsort_r(rows, k, sizeof(*rows), cmp_grown, &g);
	*n = k;
	return rows;
}

static int
starts(const char *p, size_t n, const char *s)
{
	size_t l = strlen(s);

	return n >= l && memcmp(p, s, l) == 0;
}

int
profdiff_input(int fd)
{
	char buf[4096];
	struct stat st;
	off_t off;
	ssize_t got;
	size_t i = 0, n;

	if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode))
		return PROFDIFF_PROFILE;
	if ((off = lseek(fd, 0, SEEK_CUR)) < 0 || (got = pread(fd, buf, sizeof(buf), off)) <= 0)
		return PROFDIFF_PROFILE;
	n = (size_t)got;
	if (n >= 3 && memcmp(buf, "\xef\xbb\xbf", 3) == 0)
		i = 3;
	while (i < n && (buf[i] == ' ' || buf[i] == '\t' || buf[i] == '\r' || buf[i] == '\n'))
		i++;
	if (i < n && buf[i] == '{')
		return PROFDIFF_RESULTS;
	if (i < n && buf[i] == '[') {
		/* A JSON array, not a stack whose root is "[unknown]". */
		size_t j = i + 1;
		while (j < n && (buf[j] == ' ' || buf[j] == '\t' || buf[j] == '\r' || buf[j] == '\n'))
			j++;
		if (j == n || (buf[j] != '\0' && strchr("{]\"", buf[j]) != NULL))
			return PROFDIFF_RESULTS;
	}
	/* Only lines that end within the buffer are looked at. */
	for (const char *p = buf + i, *end = buf + n; p < end;) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		size_t len;

		if (nl == NULL)
			break;
		len = (size_t)(nl - p);
		if (p == buf + i && starts(p, len, "command,"))
			return PROFDIFF_RESULTS;
		if (starts(p, len, "goos:"))
			return PROFDIFF_RESULTS;
		/* "BenchmarkParse-8   1000   1234 ns/op": a folded stack line
		 * ends in a count, never in a unit. */
		if (starts(p, len, "Benchmark") && memmem(p, len, "/op", 3) != NULL)
			return PROFDIFF_RESULTS;
		p = nl + 1;
	}
	return PROFDIFF_PROFILE;
}
