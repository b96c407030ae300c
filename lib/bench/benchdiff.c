#define _GNU_SOURCE  /* qsort_r */
#include "bench/benchdiff.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "core/json.h"
#include "core/table.h"
#include "core/util.h"
#include "core/xmlsafe.h"

static const char *const kind_names[] = {
	[BENCHDIFF_BOTH] = "both", [BENCHDIFF_OLD_ONLY] = "old-only",
	[BENCHDIFF_NEW_ONLY] = "new-only", [BENCHDIFF_GEOMEAN] = "geomean",
};

static const char *const side_names[] = { "old", "new" };

/* The median and its interval from b's measured runs; returns the sorted
 * values (malloc'd, for the test). */
static double *
side_figures(const struct bench_entry *b, struct benchdiff_side *s)
{
	double *v = xcalloc(b->nruns ? b->nruns : 1, sizeof(*v)), *sorted;
	size_t n = 0, lo, hi;

	for (size_t i = 0; i < b->nruns; i++)
		if (b->runs[i].value >= 0)
			v[n++] = b->runs[i].value;
	memset(s, 0, sizeof(*s));
	s->n = n;
	if (n == 0) {
		/* the file's own median, when it has no runs */
		s->has_median = b->nruns == 0 && isfinite(b->sum.median) && b->sum.median >= 0;
		s->median = s->has_median ? b->sum.median : 0;
		return v;
	}
	sorted = stats_sorted(v, n);
	free(v);
	s->has_median = 1;
	s->median = stats_quantile(sorted, n, 0.5);
	if (stats_median_ci(n, 0.95, &lo, &hi, NULL) == 0) {
		s->has_ci = 1;
		s->lo = sorted[lo];
		s->hi = sorted[hi];
	}
	return sorted;
}

static void
too_few(const struct benchdiff_row *r, int side, const char *source)
{
	size_t n = r->side[side].n;

	if (n == 0)
		warn("%s: no runs in %s (%s), %s: no test and no confidence interval", r->name,
		    source, side_names[side], r->side[side].has_median ? "only a median" : "no median");
	else if (n < BENCHDIFF_MIN_TEST)
		warn("%s: %zu run%s in %s (%s): no test and no confidence interval "
		    "(%d runs are needed for a test, %d for an interval)", r->name, n, n == 1 ? "" : "s",
		    source, side_names[side], BENCHDIFF_MIN_TEST, BENCHDIFF_MIN_CI);
	else if (n < BENCHDIFF_MIN_CI)
		warn("%s: %zu runs in %s (%s): no confidence interval of the median "
		    "(%d runs are needed)", r->name, n, source, side_names[side], BENCHDIFF_MIN_CI);
}

static struct benchdiff_row *
add_row(struct benchdiff *d, size_t *cap, const char *name, const char *unit, int kind)
{
	struct benchdiff_row *r;

	if (d->n == *cap) {
		*cap = *cap ? 2 * *cap : 16;
		d->rows = xreallocarray(d->rows, *cap, sizeof(*d->rows));
	}
	r = &d->rows[d->n++];
	memset(r, 0, sizeof(*r));
	r->name = xstrdup(name);
	r->unit = xstrdup(unit ? unit : "s");
	r->kind = kind;
	return r;
}

static const char *
per(const char *unit)
{
	return unit != NULL && strcmp(unit, "s/op") == 0 ? "per operation" : "per run";
}

/* Compares old benchmark a with new benchmark b in row r. */
static void
compare(struct benchdiff_row *r, const struct bench_entry *a, const struct bench_entry *b,
    double alpha, const char *source[2])
{
	double *x = side_figures(a, &r->side[0]), *y = side_figures(b, &r->side[1]);
	const struct benchdiff_side *o = &r->side[0], *c = &r->side[1];
	size_t nx = o->n, ny = c->n;

	if (o->has_median && c->has_median && o->median > 0) {
		r->has_delta = 1;
		r->delta_pct = (c->median - o->median) / o->median * 100;
	} else if (o->has_median && c->has_median && c->median == 0) {
		r->has_delta = 1;
		r->delta_pct = 0;
	}
	r->tested = nx > 0 && ny > 0 && stats_mwu(x, nx, y, ny, &r->mwu) == 0;
	r->significant = r->tested && r->mwu.p <= alpha &&
	    nx >= BENCHDIFF_MIN_TEST && ny >= BENCHDIFF_MIN_TEST;
	for (int i = 0; i < 2; i++)
		too_few(r, i, source[i]);
	if (strcmp(a->unit ? a->unit : "s", b->unit ? b->unit : "s") != 0)
		warn("%s: seconds %s in %s but %s in %s: compared all the same", r->name,
		    per(a->unit), source[0], per(b->unit), source[1]);
	free(x);
	free(y);
}

/* The k-th benchmark named name in r (k from 0), or NULL. */
static const struct bench_entry *
nth(const struct bench_results *r, const char *name, size_t k)
{
	for (size_t i = 0; i < r->n; i++)
		if (strcmp(r->b[i].name, name) == 0 && k-- == 0)
			return &r->b[i];
	return NULL;
}

/* How many benchmarks before b in r have its name. */
static size_t
rank(const struct bench_results *r, const struct bench_entry *b)
{
	size_t k = 0;

	for (const struct bench_entry *p = r->b; p < b; p++)
		k += strcmp(p->name, b->name) == 0;
	return k;
}

static void
geomean_row(struct benchdiff *d, size_t *cap)
{
	size_t nb = d->n, k = 0;
	const char *unit = NULL;
	double *m[2];
	struct benchdiff_row *r;

	m[0] = xcalloc(nb ? nb : 1, sizeof(double));
	m[1] = xcalloc(nb ? nb : 1, sizeof(double));
	for (size_t i = 0; i < nb; i++) {
		const struct benchdiff_row *b = &d->rows[i];

		if (b->kind == BENCHDIFF_BOTH && b->side[0].has_median && b->side[1].has_median &&
		    b->side[0].median > 0 && b->side[1].median > 0) {
			m[0][k] = b->side[0].median;
			m[1][k] = b->side[1].median;
			if (k++ == 0)
				unit = b->unit;
		}
	}
	if (k >= 2) {
		r = add_row(d, cap, "geomean", unit, BENCHDIFF_GEOMEAN);
		for (int s = 0; s < 2; s++) {
			r->side[s].has_median = 1;
			r->side[s].median = stats_geomean(m[s], k);
		}
		r->has_delta = 1;
		r->delta_pct = (r->side[1].median / r->side[0].median - 1) * 100;
	}
	free(m[0]);
	free(m[1]);
}

struct benchdiff *
benchdiff_new(const struct bench_results *old, const struct bench_results *cur, double alpha)
{
	struct benchdiff *d = xcalloc(1, sizeof(*d));
	const char *source[2] = { old->source ? old->source : "old", cur->source ? cur->source : "new" };
	size_t cap = 0;

	d->alpha = alpha;
	d->source[0] = xstrdup(source[0]);
	d->source[1] = xstrdup(source[1]);
	for (size_t i = 0; i < old->n; i++) {
		const struct bench_entry *a = &old->b[i];
		const struct bench_entry *b = nth(cur, a->name, rank(old, a));
		struct benchdiff_row *r = add_row(d, &cap, a->name, a->unit,
		    b ? BENCHDIFF_BOTH : BENCHDIFF_OLD_ONLY);

		if (b != NULL)
			compare(r, a, b, alpha, source);
		else
			free(side_figures(a, &r->side[0]));
	}
	for (size_t i = 0; i < cur->n; i++) {
		const struct bench_entry *b = &cur->b[i];

		if (nth(old, b->name, rank(cur, b)) == NULL) {
			struct benchdiff_row *r = add_row(d, &cap, b->name, b->unit, BENCHDIFF_NEW_ONLY);
			free(side_figures(b, &r->side[1]));
		}
	}
	geomean_row(d, &cap);
	return d;
}

/* The unit of a row: that of its smaller median, so that neither shows as
 * "0.000950 s". */
static const char *
row_unit(const struct benchdiff_row *r)
{
	double m = 0;

	for (int s = 0; s < 2; s++)
		if (r->side[s].has_median && r->side[s].median > 0 && (m == 0 || r->side[s].median < m))
			m = r->side[s].median;
	return bench_unit_fit(m > 0 ? m : 1);
}

/* A side as shown: "1.000 s ± 1.5%", "1.000 s ± ∞", or "-". */
static void
show_side(char *buf, size_t sz, const struct benchdiff_row *r, int side, const char *unit)
{
	const struct benchdiff_side *s = &r->side[side];
	char num[64];
	int n;

	if (!s->has_median) {
		snprintf(buf, sz, "-");
		return;
	}
	n = snprintf(buf, sz, "%s", bench_time_show(num, sizeof(num), s->median, unit));
	if (r->kind == BENCHDIFF_GEOMEAN || n < 0 || (size_t)n >= sz)
		return;
	if (s->has_ci && s->median > 0) {
		double h = fmax(s->median - s->lo, s->hi - s->median) / s->median * 100;
		snprintf(buf + n, sz - (size_t)n, " ± %.*f%%", h < 10 ? 1 : 0, h);
	} else if (s->has_ci) {
		snprintf(buf + n, sz - (size_t)n, " ± 0%%");
	} else {
		snprintf(buf + n, sz - (size_t)n, " ± ∞");
	}
}

static void
show_delta(char *buf, size_t sz, double pct)
{
	if (pct == 0)
		snprintf(buf, sz, "0.0%%");
	else if (fabs(pct) < 0.05)
		snprintf(buf, sz, "%+.2g%%", pct);
	else
		snprintf(buf, sz, "%+.1f%%", pct);
}

/* x as the shortest text that reads back as x; empty when not finite. */
static void
exact(char *buf, size_t sz, double x)
{
	buf[0] = '\0';
	if (!isfinite(x))
		return;
	for (int prec = 15; prec <= 17; prec++) {
		snprintf(buf, sz, "%.*g", prec, x);
		if (strtod(buf, NULL) == x)
			break;
	}
}

enum {
	C_NAME, C_KIND, C_UNIT, C_OLD, C_NEW, C_DELTA, C_P, C_SIGNIFICANT, C_OLD_N, C_NEW_N,
	C_OLD_LO, C_OLD_HI, C_NEW_LO, C_NEW_HI, C_U, C_EXACT, NCOLS
};

static const struct table_col machine_cols[NCOLS] = {
	{ "name", "name", 0 }, { "kind", "kind", 0 }, { "unit", "unit", 0 },
	{ "old", "old", 1 }, { "new", "new", 1 }, { "delta_pct", "delta_pct", 1 },
	{ "p_value", "p_value", 1 }, { "significant", "significant", 0 },
	{ "old_n", "old_n", 1 }, { "new_n", "new_n", 1 },
	{ "old_ci_low", "old_ci_low", 1 }, { "old_ci_high", "old_ci_high", 1 },
	{ "new_ci_low", "new_ci_low", 1 }, { "new_ci_high", "new_ci_high", 1 },
	{ "u", "u", 1 }, { "exact", "exact", 0 },
};

/* The raw values of row r, one string per column (empty: unknown); what
 * is neither a number nor empty is a JSON literal (true, false) when
 * literal[j] is set, else a string. */
struct raw {
	char v[NCOLS][64];
	const char *s[NCOLS];
	int literal[NCOLS];
};

static void
raw_values(const struct benchdiff_row *r, struct raw *w)
{
	int both = r->kind == BENCHDIFF_BOTH;

	memset(w, 0, sizeof(*w));
	for (int j = 0; j < NCOLS; j++)
		w->s[j] = w->v[j];
	w->s[C_NAME] = r->name;
	w->s[C_KIND] = kind_names[r->kind];
	w->s[C_UNIT] = r->unit;
	for (int s = 0; s < 2; s++) {
		const struct benchdiff_side *d = &r->side[s];

		if (r->kind == BENCHDIFF_BOTH || r->kind == (s ? BENCHDIFF_NEW_ONLY : BENCHDIFF_OLD_ONLY))
			snprintf(w->v[C_OLD_N + s], sizeof(w->v[0]), "%zu", d->n);
		if (!d->has_median)
			continue;
		exact(w->v[C_OLD + s], sizeof(w->v[0]), d->median);
		if (d->has_ci) {
			exact(w->v[C_OLD_LO + 2 * s], sizeof(w->v[0]), d->lo);
			exact(w->v[C_OLD_HI + 2 * s], sizeof(w->v[0]), d->hi);
		}
	}
	if (r->has_delta)
		exact(w->v[C_DELTA], sizeof(w->v[0]), r->delta_pct);
	if (r->kind != BENCHDIFF_GEOMEAN)
		w->s[C_SIGNIFICANT] = r->significant ? "true" : "false";
	if (both && r->tested) {
		exact(w->v[C_P], sizeof(w->v[0]), r->mwu.p);
		exact(w->v[C_U], sizeof(w->v[0]), r->mwu.u);
		w->s[C_EXACT] = r->mwu.exact ? "true" : "false";
	}
	w->literal[C_SIGNIFICANT] = w->literal[C_EXACT] = 1;
}

static void
write_json(const struct benchdiff *d, FILE *fp)
{
	struct raw w;

	fputc('[', fp);
	for (size_t i = 0; i < d->n; i++) {
		raw_values(&d->rows[i], &w);
		fputs(i > 0 ? ",\n  {" : "\n  {", fp);
		for (int j = 0; j < NCOLS; j++) {
			if (j > 0)
				fputs(", ", fp);
			json_write_string(fp, machine_cols[j].key, (size_t)-1);
			fputs(": ", fp);
			if (w.s[j][0] == '\0')
				fputs("null", fp);
			else if (machine_cols[j].numeric || w.literal[j])
				fputs(w.s[j], fp);
			else
				json_write_string(fp, w.s[j], (size_t)-1);
		}
		fputc('}', fp);
	}
	fputs(d->n > 0 ? "\n]\n" : "]\n", fp);
}

static void
machine_table(struct table *t, const struct benchdiff *d)
{
	struct raw w;

	table_section(t, NULL, NULL, machine_cols, NCOLS);
	for (size_t i = 0; i < d->n; i++) {
		raw_values(&d->rows[i], &w);
		table_row(t, TABLE_PLAIN);
		for (int j = 0; j < NCOLS; j++)
			table_cell(t, w.s[j], (size_t)-1, NULL);
	}
}

static const struct table_col person_cols[] = {
	{ "old", "old", 1 }, { "new", "new", 1 }, { "delta_pct", "change", 1 },
	{ "p_value", "p", 1 }, { "runs", "runs", 1 }, { "name", "benchmark", 0 },
};

static void
person_table(struct table *t, const struct benchdiff *d)
{
	char buf[128];

	table_note(t, "old: %s; new: %s", d->source[0], d->source[1]);
	table_note(t, "median ± 95%% confidence interval; change of the medians when "
	    "p <= %g (two-sided Mann-Whitney U test), else ~", d->alpha);
	table_section(t, NULL, NULL, person_cols, sizeof(person_cols) / sizeof(person_cols[0]));
	for (size_t i = 0; i < d->n; i++) {
		const struct benchdiff_row *r = &d->rows[i];
		int color = TABLE_PLAIN;
		const char *unit = row_unit(r);

		if (r->significant && r->has_delta && r->delta_pct != 0)
			color = r->delta_pct > 0 ? TABLE_RED : TABLE_GREEN;
		table_row(t, color);
		for (int s = 0; s < 2; s++) {
			show_side(buf, sizeof(buf), r, s, unit);
			table_cell(t, buf, (size_t)-1, NULL);
		}
		if (r->kind == BENCHDIFF_OLD_ONLY || r->kind == BENCHDIFF_NEW_ONLY)
			snprintf(buf, sizeof(buf), "only %s", r->kind == BENCHDIFF_OLD_ONLY ? "old" : "new");
		else if (!r->has_delta)
			snprintf(buf, sizeof(buf), "?");
		else if (r->kind == BENCHDIFF_GEOMEAN || r->significant)
			show_delta(buf, sizeof(buf), r->delta_pct);
		else
			snprintf(buf, sizeof(buf), "~");
		table_cell(t, buf, (size_t)-1, NULL);
		buf[0] = '\0';
		if (r->tested)
			snprintf(buf, sizeof(buf), "%.3g", r->mwu.p);
		table_cell(t, buf, (size_t)-1, NULL);
		buf[0] = '\0';
		if (r->kind != BENCHDIFF_GEOMEAN)
			snprintf(buf, sizeof(buf), "%zu/%zu", r->side[0].n, r->side[1].n);
		table_cell(t, buf, (size_t)-1, NULL);
		table_cell(t, r->name, (size_t)-1, NULL);
	}
}

void
benchdiff_write(const struct benchdiff *d, FILE *fp, int format, int color, int width)
{
	struct table *t;

	if (format == TABLE_JSON) {
		write_json(d, fp);
		return;
	}
	t = table_new(format);
	if (format == TABLE_CSV)
		machine_table(t, d);
	else
		person_table(t, d);
	if (table_write(t, fp, color, width) < 0)
		die("internal error: a row of the comparison has the wrong number of cells");
	table_free(t);
}

/* Rows by their change, largest first, then in their order; arg is the
 * benchdiff. */
static int
cmp_slower(const void *a, const void *b, void *arg)
{
	const struct benchdiff *d = arg;
	size_t i = *(const size_t *)a, j = *(const size_t *)b;
	double x = d->rows[i].delta_pct, y = d->rows[j].delta_pct;

	if (x != y)
		return x > y ? -1 : 1;
	return i < j ? -1 : i > j;
}

size_t *
benchdiff_regressed(const struct benchdiff *d, double pct, size_t *n)
{
	size_t k = 0, *rows = xcalloc(d->n ? d->n : 1, sizeof(*rows));

	for (size_t i = 0; i < d->n; i++) {
		const struct benchdiff_row *r = &d->rows[i];

		if (r->kind == BENCHDIFF_BOTH && r->significant && r->has_delta && r->delta_pct > pct)
			rows[k++] = i;
	}
	qsort_r(rows, k, sizeof(*rows), cmp_slower, (void *)d);
	*n = k;
	return rows;
}

void
benchdiff_free(struct benchdiff *d)
{
	if (d == NULL)
		return;
	for (size_t i = 0; i < d->n; i++) {
		free(d->rows[i].name);
		free(d->rows[i].unit);
	}
	free(d->rows);
	free(d->source[0]);
	free(d->source[1]);
	free(d);
}
