#define _GNU_SOURCE
#include "bench/bench.h"

#include <locale.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <csv.h>

#include "bench/bench-int.h"
#include "core/json.h"
#include "core/table.h"
#include "core/util.h"
#include "core/xmlsafe.h"

#define FIELD(base, k) ((const void *)((const char *)(base) + (k)->off))

/* The clean text of s (xmlsafe_clean), malloc'd. */
static char *
clean(const char *s, size_t *len)
{
	size_t n = strlen(s);
	char *c = xmalloc(XMLSAFE_CLEAN_MAX(n) + 1);

	*len = xmlsafe_clean(c, s, n);
	c[*len] = '\0';
	return c;
}

static void
json_double(FILE *fp, double v, int unset_if_negative)
{
	if (!isfinite(v) || (unset_if_negative && v < 0))
		fputs("null", fp);
	else
		fprintf(fp, "%.17g", v);
}

/* The figure of key k at base, as JSON. */
static void
json_figure(FILE *fp, const void *base, const struct bench_key *k)
{
	switch (k->kind) {
	case BENCH_SIZE:
		fprintf(fp, "%zu", *(const size_t *)FIELD(base, k));
		break;
	case BENCH_INT:
		fprintf(fp, "%d", *(const int *)FIELD(base, k));
		break;
	default:
		json_double(fp, *(const double *)FIELD(base, k), k->kind == BENCH_UNSET);
		break;
	}
}

static void
json_key(FILE *fp, const char *key)
{
	fprintf(fp, ",\n      \"%s\": ", key);
}

/* Whether any run of b has the figure of key k. */
static int
measured(const struct bench_entry *b, const struct bench_key *k)
{
	for (size_t i = 0; i < b->nruns; i++)
		if (*(const double *)FIELD(&b->runs[i], k) >= 0)
			return 1;
	return 0;
}

static void
json_runs(FILE *fp, const struct bench_entry *b, const struct bench_key *k)
{
	if (k != NULL && !measured(b, k))
		return;
	json_key(fp, k != NULL ? k->key : "exit_codes");
	fputc('[', fp);
	for (size_t i = 0; i < b->nruns; i++) {
		if (i > 0)
			fputs(", ", fp);
		if (k != NULL)
			json_double(fp, *(const double *)FIELD(&b->runs[i], k), 1);
		else if (b->runs[i].exit_code >= 0)
			fprintf(fp, "%d", b->runs[i].exit_code);
		else
			fputs("null", fp);
	}
	fputc(']', fp);
}

static void
json_bench(FILE *fp, const struct bench_entry *b)
{
	fputs("    {\n      \"command\": ", fp);
	json_write_string(fp, b->command, (size_t)-1);
	for (size_t k = 0; k < BENCH_HYPERFINE_KEYS; k++) {
		json_key(fp, bench_sum_keys[k].key);
		json_figure(fp, &b->sum, &bench_sum_keys[k]);
	}
	json_key(fp, "times");
	fputc('[', fp);
	for (size_t i = 0; i < b->nruns; i++) {
		fputs(i > 0 ? ", " : "", fp);
		json_double(fp, b->runs[i].value, 0);
	}
	fputc(']', fp);
	json_runs(fp, b, NULL);
	if (b->params.n > 0) {
		json_key(fp, "parameters");
		for (size_t i = 0; i < b->params.n; i++) {
			fputs(i > 0 ? ", " : "{", fp);
			json_write_string(fp, b->params.items[i].key, (size_t)-1);
			fputs(": ", fp);
			json_write_string(fp, b->params.items[i].value, (size_t)-1);
		}
		fputc('}', fp);
	}
	for (size_t k = 0; k < bench_nrun_keys; k++)
		json_runs(fp, b, &bench_run_keys[k]);
	json_key(fp, "name");
	json_write_string(fp, b->name, (size_t)-1);
	json_key(fp, "unit");
	json_write_string(fp, b->unit, (size_t)-1);
	for (size_t k = BENCH_HYPERFINE_KEYS; k < bench_nsum_keys; k++) {
		json_key(fp, bench_sum_keys[k].key);
		json_figure(fp, &b->sum, &bench_sum_keys[k]);
	}
	for (size_t k = 0; k < bench_nop_keys; k++)
		if (bench_op_group(b, k)) {
			json_key(fp, bench_op_keys[k].key);
			json_figure(fp, b, &bench_op_keys[k]);
		}
	fputs("\n    }", fp);
}

int
bench_write_json(const struct bench_results *r, FILE *fp)
{
	locale_t old = uselocale(json_c_locale());

	fputs("{\n  \"results\": [\n", fp);
	for (size_t i = 0; i < r->n; i++) {
		json_bench(fp, &r->b[i]);
		fputs(i + 1 < r->n ? ",\n" : "\n", fp);
	}
	fputs("  ],\n  \"prof\": {", fp);
	for (size_t i = 0; i < r->ctx.n; i++) {
		fputs(i > 0 ? ",\n    " : "\n    ", fp);
		json_write_string(fp, r->ctx.items[i].key, (size_t)-1);
		fputs(": ", fp);
		json_write_string(fp, r->ctx.items[i].value, (size_t)-1);
	}
	fputs(r->ctx.n > 0 ? "\n  }\n}\n" : "}\n}\n", fp);
	uselocale(old);
	return ferror(fp) ? -1 : 0;
}

/* A field of text: quoted by libcsv, clean. */
static void
csv_text(FILE *fp, const char *s)
{
	size_t n;
	char *c = clean(s, &n);

	csv_fwrite(fp, c, n);
	free(c);
}

static void
csv_figure(FILE *fp, const void *base, const struct bench_key *k)
{
	fputc(',', fp);
	/* not measured: an empty field */
	if (k->kind == BENCH_UNSET && *(const double *)FIELD(base, k) < 0)
		return;
	json_figure(fp, base, k);
}

/* The parameters' keys of every benchmark, in order of appearance. */
static const char **
param_keys(const struct bench_results *r, size_t *n)
{
	const char **keys = NULL;

	*n = 0;
	for (size_t i = 0; i < r->n; i++)
		for (size_t j = 0; j < r->b[i].params.n; j++) {
			const char *k = r->b[i].params.items[j].key;
			size_t m;

			for (m = 0; m < *n && strcmp(keys[m], k) != 0; m++)
				;
			if (m == *n) {
				keys = xreallocarray(keys, *n + 1, sizeof(*keys));
				keys[(*n)++] = k;
			}
		}
	return keys;
}

int
bench_write_csv(const struct bench_results *r, FILE *fp)
{
	locale_t old = uselocale(json_c_locale());
	int group[4] = { 0, 0, 0, 0 };
	size_t nkeys;
	const char **keys = param_keys(r, &nkeys);

	for (size_t i = 0; i < r->n; i++)
		for (size_t k = 0; k < bench_nop_keys; k++)
			group[k < 2 ? 0 : k < 4 ? 3 : k < 6 ? 1 : 2] |= bench_op_group(&r->b[i], k);
	fputs("command", fp);
	for (size_t k = 0; k < BENCH_HYPERFINE_KEYS; k++)
		fprintf(fp, ",%s", bench_sum_keys[k].key);
	fputs(",name,unit", fp);
	for (size_t k = BENCH_HYPERFINE_KEYS; k < bench_nsum_keys; k++)
		fprintf(fp, ",%s", bench_sum_keys[k].key);
	for (size_t k = 0; k < bench_nop_keys; k++)
		if (group[k < 2 ? 0 : k < 4 ? 3 : k < 6 ? 1 : 2])
			fprintf(fp, ",%s", bench_op_keys[k].key);
	for (size_t j = 0; j < nkeys; j++) {
		char *h;

		h = xasprintf("parameter_%s", keys[j]);
		fputc(',', fp);
		/* bare, as hyperfine writes it, unless it needs quotes */
		if (strspn(h, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
		    "0123456789_.-") == strlen(h))
			fputs(h, fp);
		else
			csv_text(fp, h);
		free(h);
	}
	fputs(",times\n", fp);
	for (size_t i = 0; i < r->n; i++) {
		const struct bench_entry *b = &r->b[i];

		csv_text(fp, b->command);
		for (size_t k = 0; k < BENCH_HYPERFINE_KEYS; k++)
			csv_figure(fp, &b->sum, &bench_sum_keys[k]);
		fputc(',', fp);
		csv_text(fp, b->name);
		fprintf(fp, ",%s", b->unit);
		for (size_t k = BENCH_HYPERFINE_KEYS; k < bench_nsum_keys; k++)
			csv_figure(fp, &b->sum, &bench_sum_keys[k]);
		for (size_t k = 0; k < bench_nop_keys; k++)
			if (group[k < 2 ? 0 : k < 4 ? 3 : k < 6 ? 1 : 2])
				csv_figure(fp, b, &bench_op_keys[k]);
		for (size_t j = 0; j < nkeys; j++) {
			const char *v = kv_get(&b->params, keys[j]);

			fputc(',', fp);
			if (v != NULL)
				csv_text(fp, v);
		}
		fputc(',', fp);
		for (size_t j = 0; j < b->nruns; j++)
			fprintf(fp, j > 0 ? " %.17g" : "%.17g", b->runs[j].value);
		fputc('\n', fp);
	}
	free(keys);
	uselocale(old);
	return ferror(fp) ? -1 : 0;
}

/*
 * A name as hyperfine shows a command: in a code span, fenced by one
 * more '`' than its longest run of them (and spaces, when it has any).
 * A '|' is escaped for the table; a '\' before it is doubled, or GFM
 * would read "\\|" as an escaped '\' and end the cell at the '|'.
 */
static void
md_command(FILE *fp, const char *s)
{
	size_t n, run = 0, longest = 0;
	char *c = clean(s, &n);

	for (size_t i = 0; i < n; i++) {
		run = c[i] == '`' ? run + 1 : 0;
		if (run > longest)
			longest = run;
	}
	for (size_t i = 0; i <= longest; i++)
		fputc('`', fp);
	if (longest > 0)
		fputc(' ', fp);
	for (size_t i = 0; i < n; i++) {
		if (c[i] == '|' || (c[i] == '\\' && i + 1 < n && c[i + 1] == '|'))
			fputc('\\', fp);
		fputc(c[i], fp);
	}
	if (longest > 0)
		fputc(' ', fp);
	for (size_t i = 0; i <= longest; i++)
		fputc('`', fp);
	free(c);
}

/* A time as hyperfine writes it: 3 decimals in seconds, else 1. */
static void
md_time(FILE *fp, double v, double scale)
{
	fprintf(fp, scale == 1 ? "%.3f" : "%.1f", v / scale);
}

int
bench_write_markdown(const struct bench_results *r, FILE *fp, const char *unit)
{
	static const char *const shown[] = { "s", "ms", "µs", "ns" };
	locale_t old = uselocale(json_c_locale());
	double scale = bench_unit_scale(unit);
	size_t ref = r->n > 0 ? bench_fastest(r) : 0;
	const char *u;

	if (scale == 0) {
		/* as hyperfine chooses: by the first benchmark's mean */
		double m = r->n > 0 ? r->b[0].sum.mean : 1;
		int per_op = r->n > 0 && strcmp(r->b[0].unit, "s/op") == 0;

		scale = per_op && m < 1e-6 ? 1e-9 : m < 1e-3 ? 1e-6 : m < 1 ? 1e-3 : 1;
	}
	u = shown[scale == 1 ? 0 : scale == 1e-3 ? 1 : scale == 1e-6 ? 2 : 3];
	fprintf(fp, "| Command | Mean [%s] | Min [%s] | Max [%s] | Relative |\n", u, u, u);
	fputs("|:---|---:|---:|---:|---:|\n", fp);
	for (size_t i = 0; i < r->n; i++) {
		const struct bench_entry *b = &r->b[i];
		double rel = b->sum.relative, sd = b->sum.relative_sd;

		if (rel < 0)
			bench_rel(b, &r->b[ref], &rel, &sd);
		fputs("| ", fp);
		md_command(fp, b->name);
		fputs(" | ", fp);
		md_time(fp, b->sum.mean, scale);
		fputs(" ± ", fp);
		md_time(fp, b->sum.sd, scale);
		fputs(" | ", fp);
		md_time(fp, b->sum.min, scale);
		fputs(" | ", fp);
		md_time(fp, b->sum.max, scale);
		if (rel < 0)
			fputs(" | |\n", fp);
		else if (sd > 0)
			fprintf(fp, " | %.2f ± %.2f |\n", rel, sd);
		else
			fprintf(fp, " | %.2f |\n", rel);
	}
	uselocale(old);
	return ferror(fp) ? -1 : 0;
}
