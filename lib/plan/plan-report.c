/*
 * plan: the long report (--report), for whoever reads the plan's why:
 * summary, findings, recommendations, how to reproduce.  See plan.h.
 * The same escapes as tasks.md (plan-out.c).
 */
#define _GNU_SOURCE
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/util.h"
#include "core/xmlsafe.h"
#include "plan/plan-int.h"
#include "plan/plan.h"

/* A line of a list: lead, then t. */
static void
item(FILE *fp, const char *lead, const struct plan_text *t)
{
	fputs(lead, fp);
	plan_md_text(fp, t);
	putc('\n', fp);
}

static double
pct(const struct plan *pl, count_t c)
{
	return pl->total ? 100 * count_double(c) / count_double(pl->total) : 0;
}

/* The findings of a category in profile pr, of all, pl's tasks (pr is pl,
 * or one of a merged plan's profiles). */
static void
category_findings(const struct plan *all, const struct plan *pl, FILE *fp, int cat,
    const char *heading, const char *none)
{
	size_t k = 0;

	fprintf(fp, "\n### %s\n\n", heading);
	for (size_t i = 0; i < all->ntasks; i++) {
		const struct plan_task *t = &all->tasks[i];

		if (t->category != cat || t->regression || t->share < 0.001 ||
		    (t->from != NULL && t->from != pl))
			continue;
		fputs("- ", fp);
		plan_md_text(fp, &t->title);
		/* (a wait's title says its share already) */
		if (pl->measure[0] != '\0')
			plan_md_prosef(fp, " (task %s)\n", i < all->nshown ? "shown" :
			    "below the minimum gain");
		else
			plan_md_prosef(fp, ": %.1f%% of the %s (task %s)\n", 100 * t->share, pl->noun,
			    i < all->nshown ? "shown" : "below the minimum gain");
		k++;
	}
	if (k == 0)
		fprintf(fp, "%s\n", none);
	else
		fprintf(fp, "\nIn all, %.1f%% of the %s.\n", pct(pl, pl->category[cat]), pl->noun);
}

static void
categories(const struct plan *pl, FILE *fp)
{
	static const int cats[] = { RULES_CPU, RULES_MEMORY, RULES_IO, RULES_LOCKING };

	for (size_t i = 0; i < 4; i++)
		fprintf(fp, "%s%s %.1f%%", i ? ", " : "", rules_category_name(cats[i]),
		    pct(pl, pl->category[cats[i]]));
}

/* A profile of a merged plan: its file, type, total in its unit, command,
 * and what each category's tasks claim of it. */
static void
profile_summary(const struct plan *pl, FILE *fp)
{
	const char *cmd = plan_command(pl);
	char amount[UNIT_BUFSZ];

	fputs("- ", fp);
	plan_md_code(fp, pl->name ? pl->name : "-", 0);
	unit_show(&pl->u, pl->total, amount);
	plan_md_prosef(fp, " (%s): %s%s of %s", plan_type(pl), amount,
	    pl->u.kind == UNIT_SAMPLES && pl->u.period_ns == 0 ? " samples" : "", plan_noun(pl));
	if (cmd != NULL) {
		fputs(", command ", fp);
		plan_md_code(fp, cmd, 0);
	}
	fputs("; by category: ", fp);
	categories(pl, fp);
	fputs(".\n", fp);
}

static void
summary(const struct plan *pl, FILE *fp)
{
	fputs("## Summary\n\n", fp);
	if (pl->nparts == 0) {
		fputs("- Cost by category: ", fp);
		categories(pl, fp);
		fputs(".\n", fp);
	} else {
		fprintf(fp, "- %zu profiles, each planned in its own unit; the gains are shares "
		    "of their own profile's total:\n", pl->nparts);
		for (size_t i = 0; i < pl->nparts; i++) {
			fputs("  ", fp);
			profile_summary(&pl->parts[i], fp);
		}
	}
	fprintf(fp, "- %zu task%s reach the minimum gain of %.1f%%; the first:\n", pl->nshown,
	    pl->nshown == 1 ? "" : "s", 100 * pl->opts->min_gain);
	for (size_t i = 0; i < pl->nshown && i < 3; i++) {
		fprintf(fp, "  %zu. ", i + 1);
		plan_md_text(fp, &pl->tasks[i].title);
		fprintf(fp, ": %s, %s %.1f%% of the %s\n",
		    plan_priority_name(pl->tasks[i].priority), pl->tasks[i].hides ? "hiding" :
		    "about", 100 * pl->tasks[i].gain,
		    pl->tasks[i].from ? plan_noun(pl->tasks[i].from) : "whole cost");
	}
	for (size_t i = 0; i < pl->nparts; i++)
		if (pl->parts[i].nregs > 0)
			fputs("- Regressions: see the findings of the profiles.\n", fp);
	if (pl->nregs > 0) {
		fprintf(fp, "- %zu function%s grew in the differential profile, most of all ",
		    pl->nregs, pl->nregs == 1 ? "" : "s");
		plan_md_code(fp, pl->regs[0].name, 0);
		fprintf(fp, " (%+.1f points).\n", 100 * (pl->regs[0].after - pl->regs[0].before));
	}
}

static void
regressions(const struct plan *pl, FILE *fp)
{
	if (pl->nregs > 0) {
		fputs("\n### Regressions\n\n| function | before | after | change |\n"
		    "|---|--:|--:|--:|\n", fp);
		for (size_t i = 0; i < pl->nregs; i++)
		{
			fputs("| ", fp);
			plan_md_code(fp, pl->regs[i].name, 1);
			fprintf(fp, " | %.1f%% | %.1f%% | %+.1f |\n", 100 * pl->regs[i].before,
			    100 * pl->regs[i].after, 100 * (pl->regs[i].after - pl->regs[i].before));
		}
	}
}

/* The findings of profile pl, of all's tasks (pl itself, or one of a
 * merged plan's profiles). */
static void
profile_findings(const struct plan *all, const struct plan *pl, FILE *fp)
{
	char s[COUNT_BUFSZ], t[COUNT_BUFSZ];

	fputs("\n### Top consumers\n\n", fp);
	fputs("| function | self | self % | total | total % |\n|---|--:|--:|--:|--:|\n", fp);
	for (size_t i = 0; i < pl->nfuncs; i++) {
		const struct plan_func *f = &pl->funcs[i];

		s[count_format(f->self, s)] = '\0';
		t[count_format(f->total, t)] = '\0';
		fputs("| ", fp);
		plan_md_code(fp, f->name, 1);
		fprintf(fp, " | %s | %.1f%% | %s | %.1f%% |\n", s, pct(pl, f->self), t,
		    pct(pl, f->total));
	}
	fputs("\n### Heavy paths\n\n", fp);
	for (size_t i = 0; i < pl->npaths; i++) {
		fprintf(fp, "%zu. ", i + 1);
		plan_md_code(fp, pl->paths[i].path, 0);
		fprintf(fp, ": %.1f%%\n", pct(pl, pl->paths[i].count));
	}
	category_findings(all, pl, fp, RULES_MEMORY, "Memory",
	    "No allocation, copying or page-fault cost of note.");
	category_findings(all, pl, fp, RULES_IO, "I/O", "No I/O cost of note.");
	category_findings(all, pl, fp, RULES_LOCKING, "Locking", "No locking cost of note.");
}

static void
findings(const struct plan *pl, FILE *fp)
{
	if (pl->nparts == 0) {
		fputs("\n## Findings\n", fp);
		profile_findings(pl, pl, fp);
	}
	for (size_t i = 0; i < pl->nparts; i++) {
		fputs("\n## Findings of ", fp);
		plan_md_code(fp, pl->parts[i].name ? pl->parts[i].name : "-", 0);
		plan_md_prosef(fp, " (%s)\n", plan_type(&pl->parts[i]));
		profile_findings(pl, &pl->parts[i], fp);
		regressions(&pl->parts[i], fp);
	}
	if (pl->nparts > 0)
		fputs("\n## Findings of every profile\n", fp);
	fputs("\n### Static facts\n\n", fp);
	if (pl->facts.n == 0)
		fputs("None: no binary was read.\n", fp);
	for (size_t i = 0; i < pl->facts.n; i++)
		item(fp, "- ", &pl->facts.v[i]);
	if (pl->lacks.n > 0) {
		fputs("\n### What the analysis lacks\n\n", fp);
		for (size_t i = 0; i < pl->lacks.n; i++)
			item(fp, "- ", &pl->lacks.v[i]);
	}
	regressions(pl, fp);
	if (pl->bench != NULL) {
		char m[64], d[64];

		fputs("\n### Benchmarks\n\n| benchmark | mean | sd | runs |\n|---|--:|--:|--:|\n", fp);
		for (size_t i = 0; i < pl->bench->n; i++) {
			const struct bench_entry *b = &pl->bench->b[i];

			fputs("| ", fp);
			plan_md_code(fp, b->name, 1);
			fprintf(fp, " | %s | %s | %zu |\n", bench_time_show(m, sizeof(m), b->sum.mean,
			    NULL), bench_time_show(d, sizeof(d), b->sum.sd, NULL), b->sum.n);
		}
	}
}

static void
recommendations(const struct plan *pl, FILE *fp)
{
	size_t k = 0;

	fputs("\n## Recommendations\n\n### Immediate\n\n", fp);
	for (size_t i = 0; i < pl->nshown; i++) {
		const struct plan_task *t = &pl->tasks[i];

		if (t->priority < PLAN_HIGH && k > 0)
			break;
		fprintf(fp, "%zu. ", ++k);
		plan_md_text(fp, &t->title);
		fprintf(fp, " (%.1f%%): ", 100 * t->gain);
		if (t->strategy.n > 0)
			plan_md_text(fp, &t->strategy.v[0]);
		else
			fputs("see tasks.md", fp);
		putc('\n', fp);
	}
	if (k == 0)
		fputs("Nothing: no task reaches the minimum gain.\n", fp);
	fputs("\n### Long-term\n\n", fp);
	for (size_t i = k; i < pl->nshown; i++) {
		fputs("- ", fp);
		plan_md_text(fp, &pl->tasks[i].title);
		fprintf(fp, " (%.1f%%)\n", 100 * pl->tasks[i].gain);
	}
	for (size_t i = 0; i < pl->lacks.n; i++)
		item(fp, "- Make the next profile tell more: ", &pl->lacks.v[i]);
	fputs("- Profile again after each change: a task's share grows as others shrink.\n", fp);
}

int
plan_write_report(const struct plan *pl, FILE *fp)
{
	const char *cmd = plan_command(pl);

	fputs("# Performance report\n\n", fp);
	if (cmd != NULL) {
		fputs("Command: ", fp);
		plan_md_code(fp, cmd, 0);
		fputs("\n\n", fp);
	}
	summary(pl, fp);
	findings(pl, fp);
	recommendations(pl, fp);
	if (pl->opts->invocation != NULL) {
		struct plan_strs l = { 0 };

		/* the command line's bytes are the user's: cleaned, line by line */
		for (const char *s = pl->opts->invocation, *e; *s; s = *e ? e + 1 : e) {
			e = strchrnul(s, '\n');
			char *c = xmlsafe_cleandup(s, e - s, NULL);

			plan_strs_add(&l, "%s", c);
			free(c);
		}
		fputs("\n## How to reproduce\n\n", fp);
		plan_md_fence(fp, "", "sh", &l);
		plan_strs_free(&l);
	}
	return ferror(fp) ? -1 : 0;
}
