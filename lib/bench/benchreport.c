/* benchreport: prof-bench's summary for a person.  See benchreport.h. */
#define _GNU_SOURCE  /* qsort_r */
#include <math.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bench/benchreport.h"
#include "bench/launch.h"
#include "bench/stats.h"
#include "core/util.h"

static const char *
bytes(char *buf, size_t len, double b)
{
	if (b >= 1024 * 1024 * 1024)
		snprintf(buf, len, "%.2f GiB", b / (1024.0 * 1024 * 1024));
	else if (b >= 1024 * 1024)
		snprintf(buf, len, "%.1f MiB", b / (1024.0 * 1024));
	else if (b >= 1024)
		snprintf(buf, len, "%.1f KiB", b / 1024.0);
	else
		snprintf(buf, len, "%.0f B", b);
	return buf;
}

#define MEAN(b, field) bench_run_mean(b, offsetof(struct bench_run, field))

static void
block(FILE *fp, const struct bench_entry *b, size_t k, const char *unit)
{
	const struct bench_summary *s = &b->sum;
	char t1[32], t2[32], t3[32], t4[32], t5[32];
	int perop = b->unit && strcmp(b->unit, "s/op") == 0;
	const char *per = perop ? "/op" : "";
	double v;

	fprintf(fp, "Benchmark %zu: %s\n", k, b->name);
	if (s->n == 0) {
		fputs("  no runs\n", fp);
		return;
	}
	/* One unit for the whole block, so that figures compare at a glance. */
	if (!unit)
		unit = bench_unit_fit(s->median);
	fprintf(fp, "  Time (mean ± σ):     %s%s ± %s", bench_time_show(t1, sizeof t1, s->mean, unit), per,
	    bench_time_show(t2, sizeof t2, s->sd, unit));
	if (s->user >= 0 && s->sys >= 0)
		fprintf(fp, "    [User: %s, System: %s]", bench_time_show(t3, sizeof t3, s->user, unit),
		    bench_time_show(t4, sizeof t4, s->sys, unit));
	fputc('\n', fp);
	fprintf(fp, "  Median (MAD):        %s (%s)    p5 %s  p95 %s  p99 %s\n",
	    bench_time_show(t1, sizeof t1, s->median, unit), bench_time_show(t2, sizeof t2, s->mad, unit),
	    bench_time_show(t3, sizeof t3, s->p5, unit), bench_time_show(t4, sizeof t4, s->p95, unit),
	    bench_time_show(t5, sizeof t5, s->p99, unit));
	fprintf(fp, "  Range (min … max):   %s … %s    %zu %s", bench_time_show(t1, sizeof t1, s->min, unit),
	    bench_time_show(t2, sizeof t2, s->max, unit), s->n, perop ? "batches" : s->n == 1 ? "run" : "runs");
	if (!perop && b->concurrency <= 1)
		fprintf(fp, ", %.4g runs/s", s->runs_per_s);
	fputc('\n', fp);
	if (perop) {
		fprintf(fp, "  Operations:          %.0f in all, %.4g ops/s", b->ops, b->ops_per_s);
		if (b->concurrency > 1)
			fprintf(fp, " (%d threads)", b->concurrency);
		fputc('\n', fp);
		if (b->allocs_per_op >= 0)
			fprintf(fp, "  Allocations:         %.4g per op, %s per op\n", b->allocs_per_op,
			    bytes(t1, sizeof t1, b->bytes_per_op));
		else
			fputs("  Allocations:         not counted (a sanitizer build replaces the allocator)\n", fp);
	} else if (b->concurrency > 1) {
		fprintf(fp, "  Throughput:          %.4g runs/s with %d at once\n", b->throughput,
		    b->concurrency);
	}
	/* prof-bench --allocs: of one more run, under the agent */
	if (!perop && b->allocs_per_op >= 0)
		fprintf(fp, "  Allocations:         %.0f per run, %s per run\n", b->allocs_per_op,
		    bytes(t1, sizeof t1, b->bytes_per_op));
	if ((v = s->maxrss) >= 0) {
		double mf = MEAN(b, minflt), jf = MEAN(b, majflt);
		double vc = MEAN(b, nvcsw), ic = MEAN(b, nivcsw);
		fprintf(fp, "  Memory:              max RSS %s", bytes(t1, sizeof t1, v));
		if (mf >= 0)
			fprintf(fp, ", %.4g page faults (%.4g major)", mf + jf, jf);
		if (vc >= 0)
			fprintf(fp, ", %.4g context switches (%.4g involuntary)", vc + ic, ic);
		fputs(" per run\n", fp);
	}
	if ((v = MEAN(b, cycles)) >= 0) {
		double in = MEAN(b, instructions);
		fprintf(fp, "  Counters:            %.4g cycles, %.4g instructions per run", v, in);
		if (v > 0 && in >= 0)
			fprintf(fp, " (%.2f IPC)", in / v);
		fputc('\n', fp);
	}
}

int
benchreport_write(FILE *fp, const struct bench_results *r, const size_t *order, const char *unit, long ref)
{
	size_t w = 0;

	for (size_t i = 0; i < r->n; i++) {
		if (i > 0)
			fputc('\n', fp);
		block(fp, &r->b[i], i + 1, unit);
	}
	if (r->n >= 2) {
		for (size_t i = 0; i < r->n; i++)
			if (strlen(r->b[i].name) > w)
				w = strlen(r->b[i].name);
		if (w > 60)
			w = 60;
		if (ref >= 0)
			fprintf(fp, "\nSummary (mean time relative to the reference, %s)\n",
			    r->b[ref].name);
		else
			fputs("\nSummary (mean time relative to the fastest)\n", fp);
		for (size_t i = 0; i < r->n; i++) {
			const struct bench_entry *b = &r->b[order[i]];
			if (b->sum.n == 0 || b->sum.relative < 0) {
				fprintf(fp, "  %-*.*s  no runs\n", (int)w, (int)w, b->name);
				continue;
			}
			fprintf(fp, "  %-*.*s  %6.2f", (int)w, (int)w, b->name, b->sum.relative);
			if (b->sum.relative_sd > 0)
				fprintf(fp, " ± %.2f", b->sum.relative_sd);
			fputc('\n', fp);
		}
	}
	return ferror(fp) ? -1 : 0;
}

void
benchreport_warnings(const struct bench_results *r)
{
	for (size_t i = 0; i < r->n; i++) {
		const struct bench_entry *b = &r->b[i];
		size_t n = b->nruns, failed = 0, out = b->sum.outliers;
		int slowfirst = 0;

		for (size_t k = 0; k < n; k++)
			failed += b->runs[k].exit_code > 0;
		if (failed)
			warn("%s: %zu of %zu runs failed (kept by --ignore-failure)", b->name, failed, n);
		if (n >= 3 && b->concurrency <= 1) {
			double *rest = xreallocarray(NULL, n - 1, sizeof *rest), med, mad, mx = 0;
			for (size_t k = 1; k < n; k++) {
				rest[k - 1] = b->runs[k].value;
				mx = fmax(mx, rest[k - 1]);
			}
			double *s = stats_sorted(rest, n - 1);
			med = stats_quantile(s, n - 1, 0.5);
			mad = stats_mad(s, n - 1);
			if (b->runs[0].value > mx &&
			    stats_zscore(b->runs[0].value, med, mad) > STATS_OUTLIER_Z) {
				char t1[32], t2[32];
				slowfirst = 1;
				warn("%s: the first run was much slower than the others (%s, median %s): "
				    "caches it filled?  Use --warmup or --prepare", b->name,
				    bench_time_show(t1, sizeof t1, b->runs[0].value, NULL),
				    bench_time_show(t2, sizeof t2, med, NULL));
			}
			free(s);
			free(rest);
		}
		if (out > (size_t)slowfirst)
			warn("%s: %zu of %zu %s are outliers (modified Z-score above %.1f): "
			    "other load on the machine, or caches?  Use --warmup or --prepare, "
			    "and a quiet machine", b->name, out, n,
			    b->unit && strcmp(b->unit, "s/op") == 0 ? "batches" : "runs", STATS_OUTLIER_Z);
	}
}

static int
by_mean(const void *a, const void *b, void *arg)
{
	const struct bench_results *r = arg;
	double x = r->b[*(const size_t *)a].sum.mean, y = r->b[*(const size_t *)b].sum.mean;

	return (x > y) - (x < y);
}

int
benchreport_session(struct bench_results *r, const struct benchreport_opts *o)
{
	size_t *order = xreallocarray(NULL, r->n + 1, sizeof *order);
	int status = 0;
	char why[200];

	for (size_t i = 0; i < r->n; i++)
		bench_summarise(&r->b[i]);
	bench_relate(r, o->ref);
	for (size_t i = 0; i < r->n; i++)
		order[i] = i;
	if (o->sort != BENCHREPORT_COMMAND)
		qsort_r(order, r->n, sizeof *order, by_mean, r);
	benchreport_warnings(r);
	if (benchreport_write(stdout, r, order, o->unit, o->ref) < 0 || fflush(stdout) == EOF) {
		warn("stdout: write error:");
		status = 1;
	}
	if (o->hw_note && !launch_hw_available(why, sizeof why))
		printf("\nNote: %s; cycles and instructions were not counted.\n", why);
	if (o->json && bench_write_file(r, o->json, BENCH_JSON, NULL, 0) < 0)
		status = 1;
	if (o->csv && bench_write_file(r, o->csv, BENCH_CSV, NULL, 0) < 0)
		status = 1;
	if (o->markdown) {
		struct bench_results sorted = *r;
		sorted.b = xreallocarray(NULL, r->n + 1, sizeof *sorted.b);
		for (size_t i = 0; i < r->n; i++)
			sorted.b[i] = r->b[o->sort == BENCHREPORT_MEAN_TIME ? order[i] : i];
		if (bench_write_file(&sorted, o->markdown, BENCH_MARKDOWN, o->unit, 0) < 0)
			status = 1;
		free(sorted.b);
	}
	if (o->save && bench_save(r, o->save) < 0)
		status = 1;
	free(order);
	return status;
}
