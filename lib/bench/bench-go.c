#define _GNU_SOURCE
#include "bench/bench.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "bench/bench-int.h"
#include "core/json.h"
#include "core/util.h"

/*
 * Go benchmark text: `go test -bench` output (lib/bench/bench.h says what is
 * made of it; golang.org/design/14313-benchmark-format is the format).
 */

struct goacc {
	char *procs;                /* the -P suffix, or NULL */
	double iters, bytes, allocs;
	size_t nbytes, nallocs;
	int shared;                 /* another benchmark has the name */
};

struct goread {
	const char *name;
	int line;
	struct bench_results *r;
	struct goacc *acc;          /* parallel to r->b */
	char *pkg, *first_pkg;
};

/* Splits s at spaces and tabs into at most max fields; returns their number. */
static size_t
fields(char *s, char **f, size_t max)
{
	size_t n = 0;

	for (;;) {
		s += strspn(s, " \t");
		if (*s == '\0' || n == max)
			return n;
		f[n++] = s;
		s += strcspn(s, " \t");
		if (*s != '\0')
			*s++ = '\0';
	}
}

static int
gofail(const struct goread *g, const char *msg)
{
	warn("%s:%d: %s", g->name, g->line, msg);
	return -1;
}

/* "BenchmarkNAME[-P] N VALUE UNIT [VALUE UNIT ...]" */
static int
go_bench(struct goread *g, char *line)
{
	char *f[64], *name, *procs = NULL, *dash, *qual;
	size_t n = fields(line, f, 64), i;
	double iters, v, nsop = -1, bytes = -1, allocs = -1;
	struct bench_run run = bench_run_unset();
	struct goacc *a;

	if (n == 64)
		return gofail(g, "too many values on a benchmark line");
	if (n < 4 || n % 2 != 0)
		return gofail(g, "a benchmark line needs a name, a count and pairs of value and unit");
	if (json_decimal(f[1], strlen(f[1]), &iters) < 0 || iters < 1 || iters != floor(iters))
		return gofail(g, "the iteration count is not a whole number");
	for (i = 2; i < n; i += 2) {
		if (json_decimal(f[i], strlen(f[i]), &v) < 0)
			return gofail(g, "a value that is not a number");
		if (strcmp(f[i + 1], "ns/op") == 0)
			nsop = v;
		else if (strcmp(f[i + 1], "B/op") == 0)
			bytes = v;
		else if (strcmp(f[i + 1], "allocs/op") == 0)
			allocs = v;
	}
	if (nsop < 0)
		return gofail(g, "a benchmark line without ns/op");
	/* the -P suffix is GOMAXPROCS, which Go adds when it is not 1 */
	dash = strrchr(f[0], '-');
	if (dash != NULL && dash[1] != '\0' && strspn(dash + 1, "0123456789") == strlen(dash + 1)) {
		procs = dash + 1;
		*dash = '\0';
	}
	name = f[0][9] != '\0' ? f[0] + 9 : f[0];
	if (g->pkg != NULL && strcmp(g->pkg, g->first_pkg) != 0) {
		qual = xasprintf("%s.%s", g->pkg, name);
	} else {
		qual = xstrdup(name);
	}
	for (i = 0; i < g->r->n; i++)
		if (strcmp(g->r->b[i].name, qual) == 0 && (procs == NULL ? g->acc[i].procs == NULL :
		    g->acc[i].procs != NULL && strcmp(g->acc[i].procs, procs) == 0))
			break;
	if (i == g->r->n) {
		struct bench_entry *b = bench_add(g->r, qual, f[0]);

		b->unit = "s/op";
		if (procs != NULL)
			bench_param(b, "gomaxprocs", procs);
		g->acc = xreallocarray(g->acc, g->r->cap, sizeof(*g->acc));
		memset(&g->acc[i], 0, sizeof(g->acc[i]));
		g->acc[i].procs = procs != NULL ? xstrdup(procs) : NULL;
	}
	free(qual);
	run.value = nsop / 1e9;
	bench_push(&g->r->b[i], &run);
	a = &g->acc[i];
	a->iters += iters;
	if (bytes >= 0)
		a->bytes += bytes, a->nbytes++;
	if (allocs >= 0)
		a->allocs += allocs, a->nallocs++;
	return 0;
}

/* "key: value", the key starting with a lower-case letter, without
 * spaces or upper-case letters (the Go benchmark format's configuration). */
static int
go_config(struct goread *g, char *line)
{
	char *colon = strchr(line, ':'), *v;

	if (colon == NULL || colon == line || !(line[0] >= 'a' && line[0] <= 'z') ||
	    strcspn(line, " \tABCDEFGHIJKLMNOPQRSTUVWXYZ") < (size_t)(colon - line) ||
	    (colon[1] != ' ' && colon[1] != '\t' && colon[1] != '\0'))
		return -1;
	*colon = '\0';
	v = colon + 1 + strspn(colon + 1, " \t");
	bench_context(g->r, line, v);
	if (strcmp(line, "pkg") == 0) {
		free(g->pkg);
		g->pkg = xstrdup(v);
		if (g->first_pkg == NULL)
			g->first_pkg = xstrdup(v);
	}
	return 0;
}

static int
starts(const char *s, const char *prefix)
{
	return strncmp(s, prefix, strlen(prefix)) == 0;
}

static int
go_line(struct goread *g, char *line, int *in_log)
{
	if (line[0] == ' ' || line[0] == '\t') {
		/* a benchmark's log, indented under its "--- BENCH:" line */
		if (*in_log)
			return 0;
		return gofail(g, "an indented line outside a benchmark's log");
	}
	*in_log = 0;
	if (starts(line, "Benchmark") && !(line[9] >= 'a' && line[9] <= 'z'))
		return go_bench(g, line);
	if (starts(line, "FAIL") || starts(line, "--- FAIL") || starts(line, "panic:"))
		return gofail(g, "go test reported a failure");
	if (starts(line, "--- ")) {
		*in_log = 1;
		return 0;
	}
	if (strcmp(line, "PASS") == 0 || starts(line, "ok ") || starts(line, "ok\t") ||
	    starts(line, "? ") || starts(line, "?\t"))
		return 0;
	if (go_config(g, line) == 0)
		return 0;
	return gofail(g, g->line == 1 ? "not JSON, CSV or Go benchmark output" :
	    "not a line of Go benchmark output");
}

struct bench_results *
bench_read_go(const char *s, size_t n, const char *name)
{
	struct goread g = { .name = name, .r = bench_new() };
	const char *end = s + n;
	int in_log = 0, failed = 0;
	char *line;

	for (const char *q = s, *nl; q < end && !failed; q = nl) {
		size_t len;

		nl = memchr(q, '\n', (size_t)(end - q));
		nl = nl != NULL ? nl + 1 : end;
		len = (size_t)(nl - q);
		while (len > 0 && (q[len - 1] == '\n' || q[len - 1] == '\r'))
			len--;
		g.line++;
		line = xmemdup(q, len);
		if (strlen(line) != len)
			failed = gofail(&g, "a NUL byte");
		else if (strspn(line, " \t") < len)
			failed = go_line(&g, line, &in_log) < 0;
		free(line);
	}
	/* the same name at two GOMAXPROCS: two benchmarks, told apart */
	for (size_t i = 0; i < g.r->n; i++)
		for (size_t j = 0; j < g.r->n; j++)
			g.acc[i].shared |= j != i && strcmp(g.r->b[j].name, g.r->b[i].name) == 0;
	for (size_t i = 0; i < g.r->n; i++) {
		struct bench_entry *b = &g.r->b[i];
		struct goacc *a = &g.acc[i];

		if (a->shared && a->procs != NULL) {
			char *qual;

			qual = xasprintf("%s-%s", b->name, a->procs);
			free(b->name);
			b->name = qual;
		}
		bench_summarise(b);
		b->ops = a->iters / (double)b->nruns;
		b->ops_per_s = b->sum.runs_per_s;
		b->bytes_per_op = a->nbytes > 0 ? a->bytes / (double)a->nbytes : -1;
		b->allocs_per_op = a->nallocs > 0 ? a->allocs / (double)a->nallocs : -1;
		free(a->procs);
	}
	free(g.acc);
	free(g.pkg);
	free(g.first_pkg);
	if (failed) {
		bench_free(g.r);
		return NULL;
	}
	return g.r;
}
