/*
 * plan: how to verify each task, with the exact commands, and what the
 * benchmark results say of its gain.  See plan.h.
 *
 * A gain is confirmed by benchmarks of the program before and after the
 * change, compared by prof-diff with the operands swapped: the gate
 * --fail-above N fails (exit 1) when its "current" is slower than
 * its "baseline" by more than N percent, so with the new results as the
 * baseline, exit 1 says the old code was slower by more than N%.  N is
 * half the estimated gain, expressed as that slowdown: a saving g of the
 * old time makes the old time 1 / (1 - g) of the new.
 */
#define _GNU_SOURCE
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/cmdline.h"
#include "core/util.h"
#include "plan/plan.h"
#include "plan/plan-int.h"

/* s in single quotes for sh, owned. */
static char *
sq(const char *s)
{
	char *out = xmalloc(4 * strlen(s) + 3), *o = out;

	*o++ = '\'';
	for (; *s; s++) {
		if (*s == '\'') {
			memcpy(o, "'\\''", 4);
			o += 4;
		} else
			*o++ = *s;
	}
	*o++ = '\'';
	*o = '\0';
	return out;
}

/* The benchmark that measured the profiled command: the one whose
 * command it is, or the only one. */
static const struct bench_entry *
bench_of(const struct plan *pl, const char *cmd)
{
	const struct bench_results *r = pl->bench;

	if (r == NULL || r->n == 0)
		return NULL;
	for (size_t i = 0; i < r->n; i++)
		if (cmd != NULL && r->b[i].command != NULL && strcmp(r->b[i].command, cmd) == 0)
			return &r->b[i];
	return r->n == 1 ? &r->b[0] : NULL;
}

/* The options of the recording (the metadata record-args, prof-folded(5))
 * that the verify commands repeat, each followed by a space: all but
 * those of the type, which plan_verify says from the profile itself (the
 * type may have come from prof.conf or PROF_TYPE); "" without them. */
static char *
record_args(const struct plan *pl)
{
	static const char *const typed[] = { "--type", "--weight", "--view", NULL };
	const char *ra = meta_get(&pl->meta, "record-args"), *err;
	char **w, *s = xstrdup(""), *t, *x;

	if (ra == NULL || (w = cmdline_split(ra, &err)) == NULL)
		return s;
	for (size_t i = 0; w[i] != NULL; i++) {
		int skip = 0;

		for (size_t k = 0; typed[k] != NULL; k++) {
			size_t n = strlen(typed[k]);

			if (strcmp(w[i], typed[k]) == 0)
				skip = 2;
			else if (strncmp(w[i], typed[k], n) == 0 && w[i][n] == '=')
				skip = 1;
		}
		if (skip == 2 && w[i + 1] != NULL)
			i++;
		if (skip)
			continue;
		x = cmdline_quote(w[i]);
		t = xasprintf("%s%s ", s, x);
		free(x);
		free(s);
		s = t;
	}
	free(w);
	return s;
}

const char *
plan_command(const struct plan *pl)
{
	const char *cmd = pl->opts->command;

	if (cmd == NULL)
		cmd = meta_get(&pl->meta, "command");
	if (cmd == NULL && pl->bench != NULL && pl->bench->n == 1)
		cmd = pl->bench->b[0].command;
	return cmd;
}

void
plan_verify(struct plan *pl)
{
	const char *cmd = plan_command(pl);
	const struct bench_entry *b;
	const char *in;
	char *q, *rec, *args, *redirect = xstrdup(""), *input = xstrdup("");
	char tb[64], sb[64], type[64] = "";

	if (cmd == NULL) {
		cmd = "./app";
		struct plan_text *x = plan_texts_new(&pl->lacks);

		plan_text_add(x, "The profile does not say which command it measured (no command "
		    "metadata): the verify commands say ");
		plan_text_code(x, "%s", cmd);
		plan_text_add(x, ".");
	}
	q = sq(cmd);
	/* the profile again as it was recorded: a wall, offcpu, io or agent's one */
	if (pl->measure[0] != '\0') {
		const char *w = meta_get(&pl->meta, "weight");
		int word = w != NULL && w[strspn(w, "abcdefghijklmnopqrstuvwxyz")] == '\0';

		/* a memory profile's view too: what the task is a share of */
		if (pl->u.type == UNIT_TYPE_MEMORY && pl->u.view != NULL)
			w = pl->u.view, word = w[strspn(w, "abcdefghijklmnopqrstuvwxyz-")] == '\0';
		snprintf(type, sizeof(type), "--type %s%s%s ", pl->u.type_name,
		    pl->u.type == UNIT_TYPE_IO && word ? " --weight " :
		    pl->u.type == UNIT_TYPE_MEMORY && word ? " --view " : "",
		    (pl->u.type == UNIT_TYPE_IO || pl->u.type == UNIT_TYPE_MEMORY) && word ? w : "");
	}
	args = record_args(pl);
	if ((in = meta_get(&pl->meta, "stdin")) != NULL) {
		char *w = cmdline_quote(in);

		free(redirect);
		free(input);
		redirect = xasprintf(" < %s", w);
		input = xasprintf("--input %s ", w);
		free(w);
	}
	if (cmdline_needs_shell(cmd))
		rec = xasprintf("prof-record %s%s-- sh -c %s%s", type, args, q, redirect);
	else
		rec = xasprintf("prof-record %s%s-- %s%s", type, args, cmd, redirect);
	b = bench_of(pl, cmd);
	/* Only the tasks shown: a profile may have thousands below the
	 * minimum gain. */
	for (size_t i = 0; i < pl->nshown; i++) {
		struct plan_task *t = &pl->tasks[i];
		double half = t->gain / 2, n = floor(1000 * half / (1 - half)) / 10;
		double rest = isinf(t->speedup) ? 0 : t->share / t->speedup;
		double after = rest / ((1 - t->share) + rest);

		if (t->hides) {
			/* nothing to time: the check is that the frame is gone,
			 * the module named or every stack taken */
			int lost = strcmp(t->site, "[stack lost]") == 0;
			char *qs = sq(t->site);

			plan_strs_add(&t->verify, "%s", lost ? "# recorded again, as the strategy "
			    "says:" : "# after installing the symbols:");
			plan_strs_add(&t->verify, "%s | prof-fold > after.folded", rec);
			if (strcmp(t->site, PLAN_GUESSED) == 0)
				plan_strs_add(&t->verify, "grep -c -E -e '[+]0x[0-9a-f]+[?]' "
				    "after.folded   # 0: no name is a guess");
			else
				plan_strs_add(&t->verify, "grep -c -F -e %s after.folded   # 0: %s", qs,
				    lost ? "every stack was taken" : "every frame of it has a name");
			free(qs);
			continue;
		}
		if (b != NULL && b->sum.n > 0)
			plan_text_add(plan_texts_new(&t->evidence), "prof-bench: %s runs in %s on average (%zu runs): "
			    "the estimate is about %s less", b->name, bench_time_show(tb, sizeof(tb),
			    b->sum.mean, NULL), b->sum.n, bench_time_show(sb, sizeof(sb),
			    t->gain * b->sum.mean, NULL));
		plan_strs_add(&t->verify, "# now, before the change:");
		plan_strs_add(&t->verify, "%s | prof-fold > before.folded", rec);
		plan_strs_add(&t->verify, "prof-bench %s--save before %s", input, q);
		plan_strs_add(&t->verify, "# after the change:");
		plan_strs_add(&t->verify, "%s | prof-fold > after.folded", rec);
		if (t->regression)
			plan_strs_add(&t->verify, "prof-diff --summary before.folded after.folded"
			    "   # %s: back under %.1f%% of the total", t->site, 100 * t->share);
		else if (t->category == RULES_BUILD)
			plan_strs_add(&t->verify, "prof-diff --summary before.folded after.folded");
		else
			plan_strs_add(&t->verify, "prof-diff --summary before.folded after.folded"
			    "   # this cost: %.1f%% of the total now, about %.1f%% after",
			    100 * t->share, 100 * after);
		plan_strs_add(&t->verify, "prof-bench %s--save after %s", input, q);
		if (n >= 0.1)
			plan_strs_add(&t->verify, "prof-diff --fail-above %.1f --baseline after "
			    "--current before   # exit 1 confirms: before was slower by more than "
			    "%.1f%%, half the estimate", n, n);
		else
			plan_strs_add(&t->verify, "prof-diff --baseline after --current before"
			    "   # the estimate is too small for a gate: read the change");
	}
	free(q);
	free(rec);
	free(args);
	free(redirect);
	free(input);
}
