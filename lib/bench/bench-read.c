#define _GNU_SOURCE
#include "bench/bench.h"

#include <limits.h>
#include <math.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include <csv.h>

#include "bench/bench-int.h"
#include "core/json.h"
#include "core/util.h"

#define FIELD(base, k) ((void *)((char *)(base) + (k)->off))

/* The figures a file gives for a benchmark besides its runs; NAN: none. */
struct figs {
	double sum[BENCH_MAXKEYS], op[BENCH_MAXKEYS];
};

static void
figs_init(struct figs *f)
{
	for (size_t k = 0; k < BENCH_MAXKEYS; k++)
		f->sum[k] = f->op[k] = NAN;
}

/* Stores v as the figure of k at base; -1 when the kind cannot hold it. */
static int
put_figure(void *base, const struct bench_key *k, double v)
{
	switch (k->kind) {
	case BENCH_SIZE:
		if (v < 0 || v > 1e15 || v != floor(v))
			return -1;
		*(size_t *)FIELD(base, k) = (size_t)v;
		return 0;
	case BENCH_INT:
		if (v < INT_MIN || v > INT_MAX || v != floor(v))
			return -1;
		*(int *)FIELD(base, k) = (int)v;
		return 0;
	default:
		*(double *)FIELD(base, k) = v;
		return 0;
	}
}

/*
 * Completes b from its runs and the figures of its file: with runs, the
 * summary is computed and the file gives only what the runs lack (a
 * hyperfine file's mean user time, the relative speed); without, the
 * summary is the file's.  Returns NULL, or what is wrong.
 */
static const char *
finish(struct bench_entry *b, const struct figs *f)
{
	static char why[80];

	if (b->nruns > 0)
		bench_summarise(b);
	for (size_t k = 0; k < bench_nsum_keys; k++) {
		const struct bench_key *key = &bench_sum_keys[k];

		if (b->nruns > 0 && !(key->kind == BENCH_UNSET && *(double *)FIELD(&b->sum, key) < 0))
			continue;
		if (isnan(f->sum[k])) {
			if (b->nruns == 0 && key->kind == BENCH_D && k < BENCH_HYPERFINE_KEYS) {
				snprintf(why, sizeof(why), "no times, and no %s", key->key);
				return why;
			}
			continue;
		}
		if (put_figure(&b->sum, key, f->sum[k]) < 0) {
			snprintf(why, sizeof(why), "%s is not a count", key->key);
			return why;
		}
	}
	for (size_t k = 0; k < bench_nop_keys; k++)
		if (!isnan(f->op[k]) && put_figure(b, &bench_op_keys[k], f->op[k]) < 0) {
			snprintf(why, sizeof(why), "%s is not a whole number", bench_op_keys[k].key);
			return why;
		}
	return NULL;
}

static const char *
unit_of(const char *s)
{
	return strcmp(s, "s") == 0 ? "s" : strcmp(s, "s/op") == 0 ? "s/op" : NULL;
}

/* JSON: hyperfine's schema and prof's keys (lib/bench/bench.h). */

struct jread {
	const char *name;
	size_t i;            /* the result read */
};

static int
jfail(const struct jread *c, const struct json *at, const char *fmt, ...)
{
	char msg[200];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	warn("%s:%d: results[%zu]: %s", c->name, at->line, c->i, msg);
	return -1;
}

/* An array of b->nruns numbers (or nulls: -1) stored at off of each
 * run; exit: integers. */
static int
json_runs(const struct jread *c, const struct json *o, const char *key,
    struct bench_entry *b, size_t off, int exit)
{
	const struct json *a = json_get(o, key);

	if (a == NULL || a->type == JSON_NULL)
		return 0;
	if (a->type != JSON_ARRAY || a->n != b->nruns)
		return jfail(c, a, "%s is not an array of %zu figures, one a run", key, b->nruns);
	for (size_t i = 0; i < a->n; i++) {
		const struct json *e = &a->v[i];
		struct bench_run *run = &b->runs[i];
		double v = -1;

		if (e->type != JSON_NULL && json_num(e, &v) < 0)
			return jfail(c, e, "%s[%zu] is %s, not a number", key, i,
			    json_type_name(e->type));
		if (!exit) {
			*(double *)((char *)run + off) = v;
		} else if (e->type == JSON_NULL) {
			run->exit_code = -1;
		} else if (v != floor(v) || v < INT_MIN || v > INT_MAX) {
			return jfail(c, e, "%s[%zu] is not an exit status", key, i);
		} else {
			run->exit_code = (int)v;
		}
	}
	return 0;
}

/* The numbers of keys[0..n) in o into v (NAN when absent or null). */
static int
json_figs(const struct jread *c, const struct json *o, const struct bench_key *keys,
    size_t n, double *v)
{
	for (size_t k = 0; k < n; k++) {
		const struct json *e = json_get(o, keys[k].key);

		if (e == NULL || e->type == JSON_NULL)
			continue;
		if (json_num(e, &v[k]) < 0)
			return jfail(c, e, "%s is %s, not a number", keys[k].key,
			    json_type_name(e->type));
	}
	return 0;
}

static int
json_result(struct bench_results *r, const struct json *o, const struct jread *c)
{
	const struct json *times = json_get(o, "times"), *params = json_get(o, "parameters");
	const struct json *name = json_get(o, "name"), *unit = json_get(o, "unit");
	const char *cmd = json_str(json_get(o, "command")), *why;
	struct bench_entry *b;
	struct figs f;

	if (o->type != JSON_OBJECT)
		return jfail(c, o, "%s, not an object", json_type_name(o->type));
	if (cmd == NULL)
		return jfail(c, o, "no \"command\" string");
	if (name != NULL && name->type != JSON_STRING)
		return jfail(c, name, "the name is %s, not a string", json_type_name(name->type));
	if (unit != NULL && (json_str(unit) == NULL || unit_of(unit->str) == NULL))
		return jfail(c, unit, "the unit is neither \"s\" nor \"s/op\"");
	if (times == NULL || times->type != JSON_ARRAY)
		return jfail(c, times ? times : o, "no \"times\" array");
	if (params != NULL && params->type != JSON_OBJECT)
		return jfail(c, params, "parameters is %s, not an object",
		    json_type_name(params->type));
	b = bench_add(r, name != NULL ? name->str : cmd, cmd);
	if (unit != NULL)
		b->unit = unit_of(unit->str);
	for (size_t i = 0; i < json_len(params); i++) {
		if (params->v[i].type != JSON_STRING)
			return jfail(c, &params->v[i], "parameter %s is %s, not a string",
			    params->keys[i], json_type_name(params->v[i].type));
		bench_param(b, params->keys[i], params->v[i].str);
	}
	for (size_t i = 0; i < times->n; i++) {
		struct bench_run run = bench_run_unset();

		if (json_num(&times->v[i], &run.value) < 0)
			return jfail(c, &times->v[i], "times[%zu] is %s, not a number", i,
			    json_type_name(times->v[i].type));
		bench_push(b, &run);
	}
	if (json_runs(c, o, "exit_codes", b, 0, 1) < 0)
		return -1;
	for (size_t k = 0; k < bench_nrun_keys; k++)
		if (json_runs(c, o, bench_run_keys[k].key, b, bench_run_keys[k].off, 0) < 0)
			return -1;
	figs_init(&f);
	if (json_figs(c, o, bench_sum_keys, bench_nsum_keys, f.sum) < 0 ||
	    json_figs(c, o, bench_op_keys, bench_nop_keys, f.op) < 0)
		return -1;
	if ((why = finish(b, &f)) != NULL)
		return jfail(c, o, "%s", why);
	return 0;
}

static struct bench_results *
read_json(const char *s, size_t n, const char *name)
{
	struct json_error err;
	struct json *root = json_parse(s, n, &err);
	const struct json *results, *ctx;
	struct jread c = { name, 0 };
	struct bench_results *r;

	if (root == NULL) {
		warn("%s:%d: %s", name, err.line, err.msg);
		return NULL;
	}
	results = json_get(root, "results");
	ctx = json_get(root, "prof");
	if (results == NULL || results->type != JSON_ARRAY) {
		warn("%s:%d: not benchmark results: no \"results\" array", name,
		    results ? results->line : root->line);
		json_free(root);
		return NULL;
	}
	r = bench_new();
	if (ctx != NULL && ctx->type != JSON_OBJECT) {
		warn("%s:%d: \"prof\" is %s, not an object", name, ctx->line,
		    json_type_name(ctx->type));
		goto bad;
	}
	for (size_t i = 0; i < json_len(ctx); i++) {
		if (ctx->v[i].type != JSON_STRING) {
			warn("%s:%d: prof.%s is %s, not a string", name, ctx->v[i].line,
			    ctx->keys[i], json_type_name(ctx->v[i].type));
			goto bad;
		}
		bench_context(r, ctx->keys[i], ctx->v[i].str);
	}
	for (c.i = 0; c.i < results->n; c.i++)
		if (json_result(r, &results->v[c.i], &c) < 0)
			goto bad;
	json_free(root);
	return r;
bad:
	json_free(root);
	bench_free(r);
	return NULL;
}

/* CSV: hyperfine's columns and prof's (lib/bench/bench.h), by the header's names. */

struct csvread {
	const char *name;
	int line, recline;   /* the line fed, and where the record began */
	char **f;            /* the record's fields */
	size_t nf, cap;
	char **head;
	size_t nhead;
	struct bench_results *r;
	int failed;
};

static void
csv_field(void *s, size_t len, void *data)
{
	struct csvread *c = data;

	if (c->recline == 0)
		c->recline = c->line;
	if (c->nf == c->cap) {
		c->cap = c->cap ? 2 * c->cap : 16;
		c->f = xreallocarray(c->f, c->cap, sizeof(*c->f));
	}
	c->f[c->nf++] = xmemdup(s, len);
}

static int
cfail(struct csvread *c, const char *fmt, ...)
{
	char msg[200];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	warn("%s:%d: %s", c->name, c->recline, msg);
	c->failed = 1;
	return -1;
}

/* The index of column key, or -1. */
static long
column(const struct csvread *c, const char *key)
{
	for (size_t j = 0; j < c->nhead; j++)
		if (strcmp(c->head[j], key) == 0)
			return (long)j;
	return -1;
}

static int
csv_figs(struct csvread *c, const struct bench_key *keys, size_t n, double *v)
{
	for (size_t k = 0; k < n; k++) {
		long j = column(c, keys[k].key);

		if (j < 0 || c->f[j][0] == '\0')
			continue;
		if (json_decimal(c->f[j], strlen(c->f[j]), &v[k]) < 0)
			return cfail(c, "%s: '%.40s' is not a number", keys[k].key, c->f[j]);
	}
	return 0;
}

static int
csv_row(struct csvread *c)
{
	long jc = column(c, "command"), jn = column(c, "name"), ju = column(c, "unit");
	long jt = column(c, "times");
	struct bench_entry *b;
	struct figs f;
	const char *why;

	if (c->nf != c->nhead)
		return cfail(c, "%zu fields; the header has %zu", c->nf, c->nhead);
	if (ju >= 0 && unit_of(c->f[ju]) == NULL)
		return cfail(c, "the unit '%.40s' is neither s nor s/op", c->f[ju]);
	b = bench_add(c->r, jn >= 0 && c->f[jn][0] != '\0' ? c->f[jn] : c->f[jc], c->f[jc]);
	if (ju >= 0)
		b->unit = unit_of(c->f[ju]);
	for (size_t j = 0; j < c->nhead; j++)
		if (strncmp(c->head[j], "parameter_", 10) == 0 && c->f[j][0] != '\0')
			bench_param(b, c->head[j] + 10, c->f[j]);
	for (char *s = jt >= 0 ? c->f[jt] : "", *e; *s != '\0'; s = e) {
		struct bench_run run = bench_run_unset();

		s += strspn(s, " ");
		e = s + strcspn(s, " ");
		if (e == s)
			break;
		if (json_decimal(s, (size_t)(e - s), &run.value) < 0)
			return cfail(c, "times: '%.*s' is not a number", (int)(e - s > 40 ? 40 : e - s), s);
		bench_push(b, &run);
	}
	figs_init(&f);
	if (csv_figs(c, bench_sum_keys, bench_nsum_keys, f.sum) < 0 ||
	    csv_figs(c, bench_op_keys, bench_nop_keys, f.op) < 0)
		return -1;
	if ((why = finish(b, &f)) != NULL)
		return cfail(c, "%s", why);
	return 0;
}

static void
csv_record(int term, void *data)
{
	struct csvread *c = data;

	(void)term;
	if (!c->failed && c->head == NULL) {
		c->head = c->f, c->nhead = c->nf;
		c->f = NULL, c->nf = c->cap = 0;
		if (column(c, "command") < 0)
			cfail(c, "no \"command\" column");
	} else if (!c->failed) {
		csv_row(c);
	}
	for (size_t j = 0; j < c->nf; j++)
		free(c->f[j]);
	c->nf = 0;
	c->recline = 0;
}

static struct bench_results *
read_csv(const char *s, size_t n, const char *name)
{
	struct csvread c = { .name = name, .r = bench_new() };
	struct csv_parser p;
	const char *end = s + n;

	if (csv_init(&p, CSV_STRICT | CSV_STRICT_FINI | CSV_APPEND_NULL) != 0)
		die("out of memory");
	/* fed a line at a time, so that an error has its line number */
	for (const char *q = s, *nl; q < end && !c.failed; q = nl) {
		nl = memchr(q, '\n', (size_t)(end - q));
		nl = nl != NULL ? nl + 1 : end;
		c.line++;
		if (csv_parse(&p, q, (size_t)(nl - q), csv_field, csv_record, &c) != (size_t)(nl - q)) {
			c.recline = c.line;
			cfail(&c, "%s", csv_strerror(csv_error(&p)));
		}
	}
	if (!c.failed && csv_fini(&p, csv_field, csv_record, &c) != 0) {
		c.recline = c.line;
		cfail(&c, "a quoted field without its closing quote");
	}
	csv_free(&p);
	for (size_t j = 0; j < c.nf; j++)
		free(c.f[j]);
	free(c.f);
	for (size_t j = 0; j < c.nhead; j++)
		free(c.head[j]);
	free(c.head);
	if (c.failed) {
		bench_free(c.r);
		return NULL;
	}
	return c.r;
}

/* Whether the first line is a CSV header starting with "command". */
static int
csv_header(const char *s, const char *end)
{
	if (end - s >= 10 && memcmp(s, "\"command\"", 9) == 0)
		s += 9;
	else if (end - s >= 7 && memcmp(s, "command", 7) == 0)
		s += 7;
	else
		return 0;
	return s < end && (*s == ',' || *s == '\n' || *s == '\r');
}

struct bench_results *
bench_read(FILE *fp, const char *name)
{
	char *buf = NULL;
	size_t n = 0, cap = 0;
	const char *s, *start;
	struct bench_results *r;

	for (;;) {
		size_t got;

		if (cap - n < 65536) {
			cap = cap ? 2 * cap : 65536;
			buf = xrealloc(buf, cap);
		}
		got = fread(buf + n, 1, cap - n, fp);
		n += got;
		if (got == 0)
			break;
	}
	if (ferror(fp)) {
		warn("%s: read error:", name);
		free(buf);
		return NULL;
	}
	/* a byte order mark (from an editor) is not the text's */
	start = n >= 3 && memcmp(buf, "\xef\xbb\xbf", 3) == 0 ? buf + 3 : buf;
	for (s = start; s < buf + n && (*s == ' ' || *s == '\t' || *s == '\r' || *s == '\n'); s++)
		;
	if (s < buf + n && (*s == '{' || *s == '['))
		r = read_json(buf, n, name);
	else if (csv_header(s, buf + n))
		r = read_csv(start, (size_t)(buf + n - start), name);
	else
		r = bench_read_go(start, (size_t)(buf + n - start), name);
	free(buf);
	if (r != NULL && r->n == 0) {
		warn("%s: no benchmark results", name);
		bench_free(r);
		return NULL;
	}
	if (r != NULL)
		r->source = xstrdup(name);
	return r;
}
