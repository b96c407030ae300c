#include <stdio.h>
#include <string.h>

#include "core/count.h"
#include "top/topfmt.h"

static const char *const plural[] = { "functions", "files", "lines", "modules" };

static const struct table_col cols_one[] = {
	{ "name", "name", 0 },
	{ "flat", "flat", 1 }, { "flat_pct", "flat%", 1 }, { "sum_pct", "sum%", 1 },
	{ "cum", "cum", 1 }, { "cum_pct", "cum%", 1 },
};

static const struct table_col cols_diff[] = {
	{ "name", "name", 0 },
	{ "flat_before", "flat.old", 1 }, { "flat_after", "flat.new", 1 },
	{ "flat_delta", "flat.delta", 1 }, { "flat_pct_before", "flat%.old", 1 },
	{ "flat_pct_after", "flat%.new", 1 }, { "flat_delta_pct", "flat.pts", 1 },
	{ "cum_before", "cum.old", 1 }, { "cum_after", "cum.new", 1 },
	{ "cum_delta", "cum.delta", 1 }, { "cum_pct_before", "cum%.old", 1 },
	{ "cum_pct_after", "cum%.new", 1 }, { "cum_delta_pct", "cum.pts", 1 },
};

static const struct table_col cols_peek[] = {
	{ "name", "name", 0 }, { "count", "count", 1 }, { "pct", "share", 1 },
};

static const struct table_col cols_peek_diff[] = {
	{ "name", "name", 0 }, { "before", "before", 1 }, { "after", "after", 1 },
	{ "delta", "delta", 1 },
};

/* Text and Markdown put the name last, as pprof; CSV and JSON first. */
static const struct table_col *
order(int format, const struct table_col *c, int n, struct table_col *buf)
{
	if (format == TABLE_CSV || format == TABLE_JSON)
		return c;
	memcpy(buf, c + 1, (size_t)(n - 1) * sizeof(*c));
	buf[n - 1] = c[0];
	return buf;
}

/* A row of cells: the name, then the figures; written in column order. */
struct cells {
	const char *name;
	size_t len;
	char text[16][UNIT_BUFSZ], raw[16][COUNT_BUFSZ + 2];
	int n;
};

static void
put_count(struct cells *c, const struct unit *u, count_t v)
{
	unit_show(u, v, c->text[c->n]);
	count_format(v, c->raw[c->n]);
	c->n++;
}

static void
put_delta(struct cells *c, const struct unit *u, count_t after, count_t before)
{
	char *r = c->raw[c->n];

	unit_show_delta(u, after, before, c->text[c->n]);
	if (after >= before)
		count_format(after - before, r);
	else {
		r[0] = '-';
		count_format(before - after, r + 1);
	}
	c->n++;
}

static void
put_pct(struct cells *c, double pct, int sign)
{
	snprintf(c->text[c->n], UNIT_BUFSZ, sign ? "%+.2f" : "%.2f%%", pct);
	snprintf(c->raw[c->n], sizeof(c->raw[0]), "%.4f", pct);
	c->n++;
}

/*
 * The six cells of a figure before and after: both counts, the change,
 * both shares and the change of share; returns that change (points).
 */
static double
put_change(struct cells *c, const struct unit *u, const struct top *tp, const count_t v[2])
{
	double before = top_pct(tp, v[0], 0), after = top_pct(tp, v[1], 1);

	put_count(c, u, v[0]);
	put_count(c, u, v[1]);
	put_delta(c, u, v[1], v[0]);
	put_pct(c, before, 0);
	put_pct(c, after, 0);
	put_pct(c, after - before, 1);
	return after - before;
}

static void
emit(struct table *t, int format, int color, const struct cells *c)
{
	int text = format != TABLE_CSV && format != TABLE_JSON;

	table_row(t, color);
	if (!text)
		table_cell(t, c->name, c->len, NULL);
	for (int i = 0; i < c->n; i++)
		table_cell(t, c->text[i], (size_t)-1, c->raw[i]);
	if (text)
		table_cell(t, c->name, c->len, NULL);
}

static void
fact_count(struct table *t, const char *key, count_t v)
{
	char b[COUNT_BUFSZ];

	count_format(v, b);
	table_fact(t, key, b, 1);
}

static void
total_note(struct table *t, const char *what, const struct unit *u, count_t v)
{
	char show[UNIT_BUFSZ], raw[COUNT_BUFSZ], desc[UNIT_BUFSZ];

	unit_show(u, v, show);
	count_format(v, raw);
	unit_describe(u, desc);
	/* "1 samples" reads wrong */
	if (strcmp(raw, "1") == 0 && strncmp(desc, "samples", 7) == 0)
		memmove(desc + 6, desc + 7, strlen(desc + 7) + 1);
	if (strcmp(show, raw) == 0)
		table_note(t, "%s: %s %s", what, raw, desc);
	else
		table_note(t, "%s: %s (%s %s)", what, show, raw, desc);
}

static void
notes(struct table *t, const struct top *tp, const struct unit *u, int granularity, size_t shown)
{
	char b[UNIT_BUFSZ], m[UNIT_BUFSZ], label[UNIT_BUFSZ + 16], both[UNIT_BUFSZ + 32];
	const char *what = plural[granularity];

	/* "Total off-CPU time": the same 2.9s is another cost in a wall
	 * profile, and a header says which */
	if (unit_measure(u, m) > 0)
		snprintf(label, sizeof(label), "Total %s", m);
	else
		snprintf(label, sizeof(label), "Total");
	if (tp->diff) {
		snprintf(both, sizeof(both), "%s before", label);
		total_note(t, both, u, tp->total[0]);
		snprintf(both, sizeof(both), "%s after", label);
		total_note(t, both, u, tp->total[1]);
		fact_count(t, "total_before", tp->total[0]);
		fact_count(t, "total_after", tp->total[1]);
	} else {
		total_note(t, label, u, tp->total[0]);
		fact_count(t, "total", tp->total[0]);
	}
	if (m[0] != '\0')
		table_fact(t, "type", u->type_name, 0);
	table_fact(t, "unit", u->name, 0);
	if (u->period_ns > 0) {
		snprintf(b, sizeof(b), "%.17g", u->period_ns);
		table_fact(t, "period_ns", b, 1);
	}
	table_fact(t, "granularity", granularity == TOP_FUNCTION ? "function" : granularity == TOP_FILE ? "file" : granularity == TOP_LINE ? "line" : "module", 0);
	for (int i = 0; i <= tp->diff; i++) {
		const char *side = !tp->diff ? "" : i ? " (after)" : " (before)";
		if (tp->dropped[i]) {
			unit_show(u, tp->dropped[i], b);
			table_note(t, "Dropped by --focus and --ignore%s: %s (%.2f%%)", side, b,
			    top_pct(tp, tp->dropped[i], i));
		}
		if (tp->allhidden[i]) {
			unit_show(u, tp->allhidden[i], b);
			table_note(t, "In stacks whose every frame is hidden%s: %s (%.2f%%)", side, b,
			    top_pct(tp, tp->allhidden[i], i));
		}
	}
	fact_count(t, tp->diff ? "dropped_after" : "dropped", tp->dropped[tp->diff]);
	fact_count(t, tp->diff ? "hidden_after" : "hidden", tp->allhidden[tp->diff]);
	snprintf(b, sizeof(b), "%zu", tp->n);
	table_fact(t, "rows_total", b, 1);
	if (tp->unlocated > 0 && granularity != TOP_FUNCTION)
		table_note(t, "%zu of the %zu rows are function names: their frames have no %s",
		    tp->unlocated, tp->n, granularity == TOP_FILE ? "file" :
		    granularity == TOP_LINE ? "source line" : "module");
	snprintf(b, sizeof(b), "%zu", tp->unlocated);
	table_fact(t, "unlocated", b, 1);
	if (!tp->diff) {
		count_t flat = 0;
		for (size_t i = 0; i < shown; i++)
			flat += tp->rows[i].flat[0];
		table_note(t, "Showing %zu of %zu %s, %.2f%% of the total", shown, tp->n, what,
		    top_pct(tp, flat, 0));
	} else
		table_note(t, "Showing %zu of %zu %s", shown, tp->n, what);
}

void
topfmt_rows(struct table *t, int format, const struct top *tp, const struct unit *u,
    int granularity, size_t nrows)
{
	static struct table_col buf[16];  /* the table keeps the columns */
	size_t shown = nrows == 0 || nrows > tp->n ? tp->n : nrows;
	double sum = 0;
	struct cells c;

	notes(t, tp, u, granularity, shown);
	if (tp->diff)
		table_section(t, NULL, NULL, order(format, cols_diff, 13, buf), 13);
	else
		table_section(t, NULL, NULL, order(format, cols_one, 6, buf), 6);
	for (size_t i = 0; i < shown; i++) {
		const struct top_row *r = &tp->rows[i];
		int color = TABLE_PLAIN;
		c.name = r->name;
		c.len = r->len;
		c.n = 0;
		if (tp->diff) {
			double flat = put_change(&c, u, tp, r->flat);

			put_change(&c, u, tp, r->cum);
			if (flat >= 0.5)
				color = TABLE_RED;
			else if (flat <= -0.5)
				color = TABLE_GREEN;
		} else {
			double f = top_pct(tp, r->flat[0], 0);
			sum += f;
			put_count(&c, u, r->flat[0]);
			put_pct(&c, f, 0);
			put_pct(&c, sum, 0);
			put_count(&c, u, r->cum[0]);
			put_pct(&c, top_pct(tp, r->cum[0], 0), 0);
			color = f >= 10 ? TABLE_RED : f >= 1 ? TABLE_YELLOW : TABLE_PLAIN;
		}
		emit(t, format, color, &c);
	}
}

static void
peek_section(struct table *t, int format, const struct top *tp, const struct unit *u,
    const char *section, const char *title, const struct top_peek_row *v, size_t n, count_t cum)
{
	static struct table_col buf[4];  /* the table keeps the columns */
	struct cells c;

	if (tp->diff)
		table_section(t, section, title, order(format, cols_peek_diff, 4, buf), 4);
	else
		table_section(t, section, title, order(format, cols_peek, 3, buf), 3);
	for (size_t i = 0; i < n; i++) {
		c.name = v[i].name;
		c.len = v[i].len;
		c.n = 0;
		if (tp->diff) {
			put_count(&c, u, v[i].n[0]);
			put_count(&c, u, v[i].n[1]);
			put_delta(&c, u, v[i].n[1], v[i].n[0]);
		} else {
			put_count(&c, u, v[i].n[0]);
			put_pct(&c, cum ? 100.0 * count_double(v[i].n[0]) / count_double(cum) : 0, 0);
		}
		emit(t, format, TABLE_PLAIN, &c);
	}
}

int
topfmt_peek(struct table *t, int format, const struct top *tp, const struct unit *u,
    const char *name, int callers, int callees)
{
	const struct top_row *r = NULL;
	size_t len = strlen(name);
	char f[UNIT_BUFSZ], cu[UNIT_BUFSZ];

	for (size_t i = 0; i < tp->n && r == NULL; i++)
		if (tp->rows[i].len == len && memcmp(tp->rows[i].name, name, len) == 0)
			r = &tp->rows[i];
	if (r == NULL || !tp->peek_found)
		return -1;
	table_fact(t, "function", name, 0);
	table_fact(t, "unit", u->name, 0);
	for (int i = 0; i <= tp->diff; i++) {
		unit_show(u, r->flat[i], f);
		unit_show(u, r->cum[i], cu);
		table_note(t, "%s%s: flat %s (%.2f%%), cum %s (%.2f%%)", name,
		    !tp->diff ? "" : i ? " after" : " before", f, top_pct(tp, r->flat[i], i),
		    cu, top_pct(tp, r->cum[i], i));
	}
	fact_count(t, "flat", r->flat[tp->diff]);
	fact_count(t, "cum", r->cum[tp->diff]);
	if (callers)
		peek_section(t, format, tp, u, "callers", "Callers", tp->callers, tp->ncallers,
		    r->cum[0]);
	if (callees)
		peek_section(t, format, tp, u, "callees", "Callees", tp->callees, tp->ncallees,
		    r->cum[0]);
	return 0;
}
