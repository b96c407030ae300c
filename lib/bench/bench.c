#define _GNU_SOURCE
#include "bench/bench.h"

#include <dirent.h>
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "bench/bench-int.h"
#include "bench/stats.h"
#include "core/conf.h"
#include "core/outfile.h"
#include "core/util.h"
#include "core/xmlsafe.h"

#define RUN(f) offsetof(struct bench_run, f)
#define SUM(f) offsetof(struct bench_summary, f)
#define BENCH(f) offsetof(struct bench_entry, f)

const struct bench_key bench_run_keys[] = {
	{ "memory_usage_byte", RUN(maxrss), BENCH_UNSET },
	{ "user_times", RUN(user), BENCH_UNSET },
	{ "system_times", RUN(sys), BENCH_UNSET },
	{ "minor_faults", RUN(minflt), BENCH_UNSET },
	{ "major_faults", RUN(majflt), BENCH_UNSET },
	{ "voluntary_context_switches", RUN(nvcsw), BENCH_UNSET },
	{ "involuntary_context_switches", RUN(nivcsw), BENCH_UNSET },
	{ "cycles", RUN(cycles), BENCH_UNSET },
	{ "instructions", RUN(instructions), BENCH_UNSET },
};
const size_t bench_nrun_keys = sizeof(bench_run_keys) / sizeof(bench_run_keys[0]);

const struct bench_key bench_sum_keys[] = {
	{ "mean", SUM(mean), BENCH_D },
	{ "stddev", SUM(sd), BENCH_D },
	{ "median", SUM(median), BENCH_D },
	{ "user", SUM(user), BENCH_UNSET },
	{ "system", SUM(sys), BENCH_UNSET },
	{ "min", SUM(min), BENCH_D },
	{ "max", SUM(max), BENCH_D },
	{ "n", SUM(n), BENCH_SIZE },
	{ "mad", SUM(mad), BENCH_D },
	{ "p5", SUM(p5), BENCH_D },
	{ "p25", SUM(p25), BENCH_D },
	{ "p75", SUM(p75), BENCH_D },
	{ "p95", SUM(p95), BENCH_D },
	{ "p99", SUM(p99), BENCH_D },
	{ "maxrss", SUM(maxrss), BENCH_UNSET },
	{ "runs_per_second", SUM(runs_per_s), BENCH_D },
	{ "outliers", SUM(outliers), BENCH_SIZE },
	{ "relative", SUM(relative), BENCH_UNSET },
	{ "relative_stddev", SUM(relative_sd), BENCH_UNSET },
};
const size_t bench_nsum_keys = sizeof(bench_sum_keys) / sizeof(bench_sum_keys[0]);

const struct bench_key bench_op_keys[] = {
	{ "operations", BENCH(ops), BENCH_D },
	{ "ops_per_second", BENCH(ops_per_s), BENCH_D },
	{ "allocs_per_op", BENCH(allocs_per_op), BENCH_UNSET },
	{ "bytes_per_op", BENCH(bytes_per_op), BENCH_UNSET },
	{ "concurrency", BENCH(concurrency), BENCH_INT },
	{ "throughput", BENCH(throughput), BENCH_D },
	{ "shell_spawn_time", BENCH(shell_spawn), BENCH_D },
};
const size_t bench_nop_keys = sizeof(bench_op_keys) / sizeof(bench_op_keys[0]);

_Static_assert(sizeof(bench_sum_keys) / sizeof(bench_sum_keys[0]) <= BENCH_MAXKEYS &&
    sizeof(bench_op_keys) / sizeof(bench_op_keys[0]) <= BENCH_MAXKEYS &&
    sizeof(bench_run_keys) / sizeof(bench_run_keys[0]) <= BENCH_MAXKEYS, "BENCH_MAXKEYS");

int
bench_op_group(const struct bench_entry *b, size_t key)
{
	if (key < 2)
		return b->ops > 0;
	/* allocations: of a built-in, or of a command (prof-bench --allocs) */
	if (key < 4)
		return b->ops > 0 || b->allocs_per_op >= 0;
	if (key < 6)
		return b->concurrency > 1 || b->throughput > 0;
	return b->shell_spawn != 0;
}

struct bench_results *
bench_new(void)
{
	return xcalloc(1, sizeof(struct bench_results));
}

struct bench_entry *
bench_add(struct bench_results *r, const char *name, const char *command)
{
	static const struct bench_summary unset = {
		.user = -1, .sys = -1, .maxrss = -1, .relative = -1, .relative_sd = -1,
	};
	struct bench_entry *b;

	if (r->n == r->cap) {
		r->cap = r->cap ? 2 * r->cap : 8;
		r->b = xreallocarray(r->b, r->cap, sizeof(*r->b));
	}
	b = &r->b[r->n++];
	memset(b, 0, sizeof(*b));
	b->name = xstrdup(name);
	b->command = xstrdup(command);
	b->unit = "s";
	b->sum = unset;
	b->allocs_per_op = b->bytes_per_op = -1;
	return b;
}

void
bench_param(struct bench_entry *b, const char *key, const char *value)
{
	kv_set(&b->params, key, value);
}

void
bench_context(struct bench_results *r, const char *key, const char *value)
{
	kv_set(&r->ctx, key, value);
}

void
bench_stamp(struct bench_results *r, const char *tool)
{
	char date[32];
	time_t now = time(NULL);

	bench_context(r, "tool", tool);
	strftime(date, sizeof date, "%Y-%m-%dT%H:%M:%SZ", gmtime(&now));
	bench_context(r, "date", date);
}

struct bench_run *
bench_push(struct bench_entry *b, const struct bench_run *run)
{
	if (b->nruns == b->capruns) {
		b->capruns = b->capruns ? 2 * b->capruns : 16;
		b->runs = xreallocarray(b->runs, b->capruns, sizeof(*b->runs));
	}
	b->runs[b->nruns] = *run;
	return &b->runs[b->nruns++];
}

struct bench_run
bench_run_unset(void)
{
	return (struct bench_run){
		.value = -1, .user = -1, .sys = -1, .maxrss = -1, .minflt = -1, .majflt = -1,
		.nvcsw = -1, .nivcsw = -1, .cycles = -1, .instructions = -1, .exit_code = -1,
	};
}

struct bench_entry *
bench_find(const struct bench_results *r, const char *name)
{
	for (size_t i = 0; i < r->n; i++)
		if (strcmp(r->b[i].name, name) == 0)
			return &r->b[i];
	return NULL;
}

double
bench_run_mean(const struct bench_entry *b, size_t off)
{
	double sum = 0;
	size_t n = 0;

	for (size_t i = 0; i < b->nruns; i++) {
		double v = *(const double *)((const char *)&b->runs[i] + off);

		if (v >= 0)
			sum += v, n++;
	}
	return n > 0 ? sum / (double)n : -1;
}

void
bench_summarise(struct bench_entry *b)
{
	struct bench_summary *s = &b->sum;
	double *x, *sorted;
	size_t n = b->nruns;

	if (n == 0)
		return;
	x = xreallocarray(NULL, n, sizeof(*x));
	s->maxrss = -1;
	for (size_t i = 0; i < n; i++) {
		x[i] = b->runs[i].value;
		if (b->runs[i].maxrss > s->maxrss)
			s->maxrss = b->runs[i].maxrss;
	}
	sorted = stats_sorted(x, n);
	s->n = n;
	s->mean = stats_mean(x, n);
	s->sd = stats_sd(x, n);
	s->min = sorted[0];
	s->max = sorted[n - 1];
	s->median = stats_quantile(sorted, n, 0.5);
	s->mad = stats_mad(sorted, n);
	s->p5 = stats_quantile(sorted, n, 0.05);
	s->p25 = stats_quantile(sorted, n, 0.25);
	s->p75 = stats_quantile(sorted, n, 0.75);
	s->p95 = stats_quantile(sorted, n, 0.95);
	s->p99 = stats_quantile(sorted, n, 0.99);
	s->user = bench_run_mean(b, RUN(user));
	s->sys = bench_run_mean(b, RUN(sys));
	/* a mean of 0 (a clock too coarse) has no rate: 0, never infinity */
	s->runs_per_s = s->mean > 0 ? 1 / s->mean : 0;
	s->outliers = stats_outliers(x, n, s->median, s->mad);
	free(sorted);
	free(x);
}

size_t
bench_fastest(const struct bench_results *r)
{
	size_t f = 0;

	for (size_t i = 1; i < r->n; i++)
		if (r->b[i].sum.mean < r->b[f].sum.mean)
			f = i;
	return f;
}

void
bench_rel(const struct bench_entry *b, const struct bench_entry *ref, double *rel, double *sd)
{
	double e, eref;

	if (!(ref->sum.mean > 0)) {
		*rel = *sd = -1;
		return;
	}
	*rel = b->sum.mean / ref->sum.mean;
	if (b == ref) {
		*sd = 0;
		return;
	}
	e = b->sum.mean > 0 ? b->sum.sd / b->sum.mean : 0;
	eref = ref->sum.sd / ref->sum.mean;
	*sd = *rel * sqrt(e * e + eref * eref);
}

void
bench_relate(struct bench_results *r, long ref)
{
	size_t k;

	if (r->n == 0)
		return;
	if (ref >= 0 && (size_t)ref >= r->n)
		die("bench_relate: no benchmark %ld of %zu", ref, r->n);
	k = ref < 0 ? bench_fastest(r) : (size_t)ref;
	for (size_t i = 0; i < r->n; i++)
		bench_rel(&r->b[i], &r->b[k], &r->b[i].sum.relative, &r->b[i].sum.relative_sd);
}

double
bench_unit_scale(const char *unit)
{
	static const struct { const char *name; double scale; } units[] = {
		{ "s", 1 }, { "ms", 1e-3 }, { "us", 1e-6 }, { "ns", 1e-9 },
	};

	for (size_t i = 0; unit != NULL && i < sizeof(units) / sizeof(units[0]); i++)
		if (strcmp(unit, units[i].name) == 0)
			return units[i].scale;
	return 0;
}

const char *
bench_unit_fit(double t)
{
	/* 0.9995: what would round to 1000 shows in the larger unit */
	t = fabs(t);
	return t >= 0.9995 ? "s" : t >= 0.9995e-3 ? "ms" : t >= 0.9995e-6 ? "us" : "ns";
}

char *
bench_time_show(char *buf, size_t len, double t, const char *unit)
{
	static const struct { const char *name, *shown; } u[] = {
		{ "s", "s" }, { "ms", "ms" }, { "us", "µs" }, { "ns", "ns" },
	};
	size_t i = 0;
	double v, scale;

	if (!unit || bench_unit_scale(unit) == 0)
		unit = bench_unit_fit(t);
	while (i < 3 && strcmp(u[i].name, unit) != 0)
		i++;
	scale = bench_unit_scale(unit);
	v = t / scale;
	snprintf(buf, len, "%.*f %s", fabs(v) >= 999.95 ? 0 : fabs(v) >= 99.995 ? 1
	    : fabs(v) >= 9.9995 ? 2 : 3, v, u[i].shown);
	return buf;
}

const char *
bench_dir(const char *dir)
{
	static char *conf_dir;
	const char *e = getenv("PROF_BENCH_DIR");

	if (dir != NULL) {
		if (*dir == '\0')
			die("--results-dir: '' is not a directory; use a path");
		return dir;
	}
	if (e != NULL && *e != '\0')
		return e;
	if (conf_dir == NULL) {
		struct conf c = { 0 };
		const char *v;

		static const char *const known[] = { "results-dir", NULL };
		conf_load(&c);
		conf_check(&c, "bench", known);
		v = conf_get(&c, "bench", "results-dir", NULL);
		conf_dir = xstrdup(v != NULL && *v != '\0' ? v : ".prof/bench");
		conf_free(&c);
	}
	return conf_dir;
}

static int
good_name(const char *name)
{
	size_t n = strlen(name);

	if (n < 1 || n > 100 || name[0] == '.')
		return 0;
	return strspn(name, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
	    "0123456789._-") == n;
}

void
bench_check_name(const char *name, const char *opt)
{
	if (!good_name(name))
		die("%s%s'%s' is not a name for saved results; use 1 to 100 letters, digits, "
		    "'.', '_' and '-', not starting with '.'", opt ? opt : "", opt ? ": " : "", name);
}

char *
bench_saved_path(const char *dir, const char *name)
{
	char *path;
	size_t n;

	bench_check_name(name, NULL);
	dir = bench_dir(dir);
	n = strlen(dir);
	while (n > 1 && dir[n - 1] == '/')
		n--;
	path = xasprintf("%.*s%s%s.json", (int)n, dir, dir[n - 1] == '/' ? "" : "/", name);
	return path;
}

static int
write_format(const struct bench_results *r, FILE *fp, int format, const char *unit)
{
	return format == BENCH_JSON ? bench_write_json(r, fp)
	    : format == BENCH_CSV ? bench_write_csv(r, fp) : bench_write_markdown(r, fp, unit);
}

int
bench_save(const struct bench_results *r, const char *path)
{
	return bench_write_file(r, path, BENCH_JSON, NULL, 1);
}

int
bench_write_file(const struct bench_results *r, const char *path, int format, const char *unit, int mkdirs)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *fp;
	int ret;

	if (strcmp(path, "-") == 0) {
		if (write_format(r, stdout, format, unit) < 0 || fflush(stdout) == EOF) {
			if (errno == EPIPE)
				util_sigpipe();
			warn("stdout: write error:");
			return -1;
		}
		return 0;
	}
	/* Rendered in memory first: the file appears whole or not at all. */
	if ((fp = open_memstream(&buf, &len)) == NULL)
		die("out of memory");
	ret = write_format(r, fp, format, unit);
	if (fclose(fp) != 0 || ret < 0)
		die("out of memory");
	ret = outfile_save(path, buf, len, mkdirs ? OUTFILE_MKDIRS : 0);
	free(buf);
	return ret;
}

static int
by_name(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Writes s cleaned: a saved file's names may hold any bytes. */
static void
put_clean(FILE *fp, const char *s)
{
	size_t n = strlen(s);
	char *c = xmalloc(XMLSAFE_CLEAN_MAX(n) + 1);

	fwrite(c, 1, xmlsafe_clean(c, s, n), fp);
	free(c);
}

static int
list_one(const char *dir, const char *name, FILE *out)
{
	char *path;
	struct bench_results *r;
	FILE *fp;
	const char *date;

	path = bench_saved_path(dir, name);
	if ((fp = fopen(path, "r")) == NULL) {
		warn("%s: cannot open:", path);
		free(path);
		return -1;
	}
	r = bench_read(fp, path);
	fclose(fp);
	free(path);
	if (r == NULL)
		return -1;
	if ((date = kv_get(&r->ctx, "date")) == NULL)
		date = "-";
	fprintf(out, "%s\t", name);
	put_clean(out, date);
	for (size_t i = 0; i < r->n; i++) {
		fputs(i > 0 ? ", " : "\t", out);
		put_clean(out, r->b[i].name);
	}
	fputc('\n', out);
	bench_free(r);
	return 0;
}

long
bench_list(const char *dir, FILE *fp)
{
	DIR *d;
	struct dirent *e;
	char **names = NULL;
	size_t n = 0;
	long count = 0;

	dir = bench_dir(dir);
	if ((d = opendir(dir)) == NULL) {
		if (errno == ENOENT)
			return 0;
		warn("%s: cannot open:", dir);
		return -1;
	}
	while ((e = readdir(d)) != NULL) {
		size_t len = strlen(e->d_name);
		char *name;

		if (len <= 5 || strcmp(e->d_name + len - 5, ".json") != 0)
			continue;
		name = xmemdup(e->d_name, len - 5);
		if (!good_name(name)) {
			free(name);
			continue;
		}
		names = xreallocarray(names, n + 1, sizeof(*names));
		names[n++] = name;
	}
	closedir(d);
	qsort(names, n, sizeof(*names), by_name);
	for (size_t i = 0; i < n; i++) {
		if (count >= 0)
			count = list_one(dir, names[i], fp) < 0 ? -1 : count + 1;
		else
			list_one(dir, names[i], fp);
		free(names[i]);
	}
	free(names);
	return count;
}

void
bench_free(struct bench_results *r)
{
	if (r == NULL)
		return;
	for (size_t i = 0; i < r->n; i++) {
		struct bench_entry *b = &r->b[i];

		kv_free(&b->params);
		free(b->runs);
		free(b->name);
		free(b->command);
	}
	free(r->b);
	kv_free(&r->ctx);
	free(r->source);
	free(r);
}
