/*
 * plan: the writers, tasks.md (Markdown), its JSON, and the report.  See
 * plan.h.
 *
 * The plan's texts are spans of prose and code (plan.h): Markdown shows
 * code as a code span and escapes prose where it would be read as markup,
 * so that no name can open a link, a tag or a table cell; JSON writes a
 * text's plain string.  Numbers are printed with fixed decimals, so the
 * same plan gives the same bytes.
 */
#define _GNU_SOURCE
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/json.h"
#include "core/table.h"
#include "core/util.h"
#include "plan/plan-int.h"
#include "plan/plan.h"

static size_t
longest_run(const char *s, size_t n, char c)
{
	size_t best = 0, run = 0;

	for (size_t i = 0; i < n; i++) {
		run = s[i] == c ? run + 1 : 0;
		if (run > best)
			best = run;
	}
	return best;
}

/* A code span that holds any text: a delimiter longer than any run of
 * backticks in it, spaces inside when it touches a backtick. */
void
plan_md_code(FILE *fp, const char *s, int table)
{
	size_t n = strlen(s), k = longest_run(s, n, '`') + 1;
	int pad = n > 0 && (s[0] == '`' || s[n - 1] == '`' || (s[0] == ' ' && s[n - 1] == ' '));

	for (size_t i = 0; i < k; i++)
		putc('`', fp);
	if (pad)
		putc(' ', fp);
	for (size_t i = 0; i < n; i++) {
		if (table && s[i] == '|')
			putc('\\', fp);
		putc(s[i], fp);
	}
	if (pad)
		putc(' ', fp);
	for (size_t i = 0; i < k; i++)
		putc('`', fp);
}

void
plan_md_prose(FILE *fp, const char *s)
{
	for (; *s; s++) {
		if (strchr("\\`*_[]<>|#~&", *s))
			putc('\\', fp);
		putc(*s, fp);
	}
}

void
plan_md_prosef(FILE *fp, const char *fmt, ...)
{
	va_list ap;
	char *s;

	va_start(ap, fmt);
	s = xvasprintf(fmt, ap);
	va_end(ap);
	plan_md_prose(fp, s);
	free(s);
}

void
plan_md_text(FILE *fp, const struct plan_text *t)
{
	for (size_t i = 0; i < t->n; i++)
		if (t->v[i].kind == PLAN_SPAN_CODE)
			plan_md_code(fp, t->v[i].s, 0);
		else
			plan_md_prose(fp, t->v[i].s);
}

/* A fenced block of lines, indented. */
void
plan_md_fence(FILE *fp, const char *indent, const char *lang, const struct plan_strs *l)
{
	size_t k = 2;

	for (size_t i = 0; i < l->n; i++) {
		size_t r = longest_run(l->v[i], strlen(l->v[i]), '`');
		if (r > k)
			k = r;
	}
	fputs(indent, fp);
	for (size_t i = 0; i <= k; i++)
		putc('`', fp);
	fprintf(fp, "%s\n", lang);
	for (size_t i = 0; i < l->n; i++)
		fprintf(fp, "%s%s\n", indent, l->v[i]);
	fputs(indent, fp);
	for (size_t i = 0; i <= k; i++)
		putc('`', fp);
	putc('\n', fp);
}

/* The language of a quoted file, for the fence: by its extension. */
static const char *
lang_of(const char *file)
{
	static const struct { const char *ext, *lang; } langs[] = {
		{ ".c", "c" }, { ".h", "c" }, { ".cc", "cpp" }, { ".cpp", "cpp" },
		{ ".cxx", "cpp" }, { ".hpp", "cpp" }, { ".rs", "rust" }, { ".go", "go" },
		{ ".py", "python" },
	};
	const char *dot = file ? strrchr(file, '.') : NULL;

	for (size_t i = 0; dot && i < sizeof(langs) / sizeof(*langs); i++)
		if (strcmp(dot, langs[i].ext) == 0)
			return langs[i].lang;
	return "";
}

static void
speedup_show(FILE *fp, double s)
{
	if (isinf(s))
		fputs("unbounded (undone)", fp);
	else
		fprintf(fp, "%g", s);
}

static void
md_profile_line(const struct plan *pl, FILE *fp, const char *lead)
{
	const char *cmd = plan_command(pl), *type = meta_get(&pl->meta, "type");
	const char *event = meta_get(&pl->meta, "event"), *freq = meta_get(&pl->meta, "frequency");
	const char *dur = meta_get(&pl->meta, "duration"), *start = meta_get(&pl->meta, "start");
	char buf[COUNT_BUFSZ];

	buf[count_format(pl->total, buf)] = '\0';
	fputs(lead, fp);
	if (cmd != NULL) {
		plan_md_code(fp, cmd, 0);
		fputs(", ", fp);
	}
	/* "2.9s of off-CPU time": what the whole is, in its unit */
	if (pl->measure[0] != '\0' && (pl->u.kind == UNIT_NS || pl->u.kind == UNIT_BYTES ||
	    pl->u.period_ns > 0)) {
		char show[UNIT_BUFSZ];

		plan_md_prosef(fp, "%s of %s, %s %s", plan_amount(pl, pl->total, show,
		    sizeof(show)), pl->measure, buf, pl->unit);
	} else
		fprintf(fp, "%s %s", buf, pl->measure[0] != '\0' ? pl->measure : pl->unit);
	if (type != NULL || event != NULL || freq != NULL || dur != NULL)
		plan_md_prosef(fp, " (%s%s%s%s%s%s%s)", type ? type : "", type && (event || freq ||
		    dur) ? ", " : "", event ? event : "", event && (freq || dur) ? " at " : "",
		    freq ? freq : "", freq && dur ? ", " : "", dur ? dur : "");
	if (start != NULL) {
		fputs(", recorded ", fp);
		plan_md_prose(fp, start);
	}
	fputs(".\n", fp);
}

static void
md_list(FILE *fp, const char *indent, const struct plan_texts *l, int numbered)
{
	for (size_t i = 0; i < l->n; i++) {
		if (numbered)
			fprintf(fp, "%s%zu. ", indent, i + 1);
		else
			fprintf(fp, "%s- ", indent);
		plan_md_text(fp, &l->v[i]);
		putc('\n', fp);
	}
}

static void
md_task(const struct plan *pl, const struct plan_task *t, size_t i, FILE *fp)
{
	fprintf(fp, "- [ ] **%zu. ", i + 1);
	plan_md_text(fp, &t->title);
	if (t->hides) {
		/* nothing is saved: the share is what becomes visible */
		fprintf(fp, "**\n  - Priority: **%s**; category: %s; hides **%.1f%%** of the "
		    "%s (ranked by it: no gain until it is named)\n", plan_priority_name(t->priority),
		    rules_category_name(t->category), 100 * t->share,
		    t->from != NULL ? plan_noun(t->from) : pl->noun);
	} else {
		fprintf(fp, "**\n  - Priority: **%s**; category: %s; estimated gain: **%.1f%%** of "
		    "the ", plan_priority_name(t->priority), rules_category_name(t->category),
		    100 * t->gain);
		if (t->from != NULL) {
			/* in the unit of its own profile: 10.7% of the CPU time,
			 * 3.0MiB of the bytes allocated */
			char amount[UNIT_BUFSZ];

			unit_show(&t->from->u, (count_t)(t->gain * count_double(t->from->total) *
			    (double)COUNT_ONE + 0.5), amount);
			plan_md_prosef(fp, "%s, %s%s", plan_noun(t->from), amount,
			    t->from->u.kind == UNIT_SAMPLES && t->from->u.period_ns == 0 ?
			    " samples" : "");
		} else
			fputs("whole cost", fp);
		fprintf(fp, " (p = %.1f%%, s = ", 100 * t->share);
		speedup_show(fp, t->speedup);
		if (isinf(t->speedup))
			fputs(")\n", fp);
		else
			fprintf(fp, "; overall speed-up %.2fx)\n",
			    1 / ((1 - t->share) + t->share / t->speedup));
	}
	if (t->from != NULL) {
		fputs("  - Profile: ", fp);
		plan_md_code(fp, t->from->name ? t->from->name : "-", 0);
		plan_md_prosef(fp, " (%s)\n", plan_type(t->from));
	}
	if (*t->location) {
		fputs("  - Location: ", fp);
		plan_md_code(fp, t->location, 0);
		putc('\n', fp);
	}
	fputs("  - Evidence:\n", fp);
	md_list(fp, "    ", &t->evidence, 0);
	if (t->quote.n > 0)
		plan_md_fence(fp, "    ", lang_of(t->file), &t->quote);
	fputs("  - Strategy:\n", fp);
	md_list(fp, "    ", &t->strategy, 1);
	fputs("  - Verify:\n", fp);
	plan_md_fence(fp, "    ", "sh", &t->verify);
}

static void
md_header(const struct plan *pl, FILE *fp)
{
	fputs("# Optimisation plan\n\n", fp);
	if (pl->nparts == 0)
		md_profile_line(pl, fp, "Profile: ");
	else
		fputs("Profiles:\n\n", fp);
	for (size_t i = 0; i < pl->nparts; i++) {
		fputs("- ", fp);
		plan_md_code(fp, pl->parts[i].name ? pl->parts[i].name : "-", 0);
		md_profile_line(&pl->parts[i], fp, ": ");
	}
	fprintf(fp, "\n%zu task%s with an estimated gain of at least %.1f%% of the %s",
	    pl->nshown, pl->nshown == 1 ? "" : "s", 100 * pl->opts->min_gain,
	    pl->nparts > 0 ? "total of its profile" : "whole cost");
	if (pl->ntasks > pl->nshown)
		fprintf(fp, " (%zu more below it)", pl->ntasks - pl->nshown);
	fputs(".  Each gain is Amdahl's law for one change: a share p of the cost made s "
	    "times faster saves p(1 - 1/s) of the whole.  The gains overlap; they do not "
	    "add up.\n", fp);
	if (pl->nparts > 0)
		fputs("Gains of different profiles measure different things (CPU time, time off "
		    "the CPU, bytes): each is a share of its own profile's total, and the tasks "
		    "are ranked by that share.\n", fp);
}

int
plan_write_markdown(const struct plan *pl, FILE *fp)
{
	md_header(pl, fp);
	fputs("\n## Tasks\n\n", fp);
	if (pl->nshown == 0)
		fputs("No task reaches the minimum gain.\n", fp);
	for (size_t i = 0; i < pl->nshown; i++) {
		if (i > 0)
			putc('\n', fp);
		md_task(pl, &pl->tasks[i], i, fp);
	}
	if (pl->facts.n > 0) {
		fputs("\n## Static facts\n\n", fp);
		md_list(fp, "", &pl->facts, 0);
	}
	if (pl->lacks.n > 0) {
		fputs("\n## What this plan lacks\n\n", fp);
		md_list(fp, "", &pl->lacks, 0);
	}
	return ferror(fp) ? -1 : 0;
}

static void
jsonstr(FILE *fp, const char *s)
{
	json_write_string(fp, s, (size_t)-1);
}

/* JSON: a text as its plain string. */
static void
json_text(FILE *fp, const struct plan_text *t)
{
	char *s = plan_text_plain(t);

	jsonstr(fp, s);
	free(s);
}

static void
json_texts(FILE *fp, const char *key, const struct plan_texts *l, const char *indent)
{
	fprintf(fp, ",\n%s\"%s\": [", indent, key);
	for (size_t i = 0; i < l->n; i++) {
		fputs(i ? ", " : "", fp);
		json_text(fp, &l->v[i]);
	}
	putc(']', fp);
}

static void
json_strs(FILE *fp, const char *key, const struct plan_strs *l, const char *indent)
{
	fprintf(fp, ",\n%s\"%s\": [", indent, key);
	for (size_t i = 0; i < l->n; i++) {
		fputs(i ? ", " : "", fp);
		jsonstr(fp, l->v[i]);
	}
	putc(']', fp);
}

/* {"command": ..., "unit": ..., "total": N}: a profile's summary. */
static void
json_profile(const struct plan *pl, FILE *fp)
{
	const char *cmd = plan_command(pl);
	char buf[COUNT_BUFSZ];

	buf[count_format(pl->total, buf)] = '\0';
	fputs("{", fp);
	if (pl->name != NULL) {
		fputs("\"name\": ", fp);
		jsonstr(fp, pl->name);
		fputs(", ", fp);
	}
	fputs("\"command\": ", fp);
	if (cmd != NULL)
		jsonstr(fp, cmd);
	else
		fputs("null", fp);
	fputs(", \"unit\": ", fp);
	jsonstr(fp, pl->unit);
	/* what a wall, offcpu or io profile measures: its shares are of that */
	if (pl->measure[0] != '\0' || pl->name != NULL) {
		fputs(", \"type\": ", fp);
		jsonstr(fp, plan_type(pl));
		fputs(", \"measure\": ", fp);
		jsonstr(fp, plan_noun(pl));
	}
	fprintf(fp, ", \"total\": %s}", buf);
}

int
plan_write_json(const struct plan *pl, FILE *fp)
{
	char buf[COUNT_BUFSZ];

	fputs("{\n  \"profile\": ", fp);
	json_profile(pl->nparts > 0 ? &pl->parts[0] : pl, fp);
	if (pl->nparts > 0) {
		fputs(",\n  \"profiles\": [", fp);
		for (size_t i = 0; i < pl->nparts; i++) {
			fputs(i ? ",\n    " : "\n    ", fp);
			json_profile(&pl->parts[i], fp);
		}
		fputs("\n  ]", fp);
	}
	fprintf(fp, ",\n  \"min_gain_pct\": %.1f,\n  \"tasks\": [", 100 * pl->opts->min_gain);
	for (size_t i = 0; i < pl->nshown; i++) {
		const struct plan_task *t = &pl->tasks[i];

		fputs(i ? ",\n    {\n      \"title\": " : "\n    {\n      \"title\": ", fp);
		json_text(fp, &t->title);
		fprintf(fp, ",\n      \"priority\": \"%s\",\n      \"category\": \"%s\",\n"
		    "      \"gain_pct\": %.1f,\n      \"share_pct\": %.1f,\n      \"speedup\": ",
		    plan_priority_name(t->priority), rules_category_name(t->category),
		    100 * t->gain, 100 * t->share);
		if (isinf(t->speedup))
			fputs("null", fp);
		else
			fprintf(fp, "%g", t->speedup);
		/* a symbols task saves nothing: gain_pct is the share it hides */
		fprintf(fp, ",\n      \"hides\": %s", t->hides ? "true" : "false");
		fputs(",\n      \"location\": ", fp);
		jsonstr(fp, t->location);
		fputs(",\n      \"function\": ", fp);
		jsonstr(fp, t->site);
		buf[count_format(t->count, buf)] = '\0';
		fprintf(fp, ",\n      \"count\": %s", buf);
		if (t->from != NULL) {
			/* which profile, and what its share and gain are of */
			fputs(",\n      \"profile\": ", fp);
			jsonstr(fp, t->from->name ? t->from->name : "-");
			fputs(",\n      \"profile_type\": ", fp);
			jsonstr(fp, plan_type(t->from));
			fputs(",\n      \"measure\": ", fp);
			jsonstr(fp, plan_noun(t->from));
		}
		json_texts(fp, "evidence", &t->evidence, "      ");
		json_strs(fp, "source", &t->quote, "      ");
		json_texts(fp, "strategy", &t->strategy, "      ");
		json_strs(fp, "verify", &t->verify, "      ");
		fputs("\n    }", fp);
	}
	fputs(pl->nshown ? "\n  ]" : "]", fp);
	json_texts(fp, "facts", &pl->facts, "  ");
	json_texts(fp, "lacks", &pl->lacks, "  ");
	fputs("\n}\n", fp);
	return ferror(fp) ? -1 : 0;
}
