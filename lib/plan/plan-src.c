/*
 * plan: the hot lines of the tasks, quoted from the sources (--source),
 * and the rules' source patterns checked on them.  See plan.h.
 *
 * The files are looked for and read by core/srcfile, only from under the
 * directory: "../../etc/shadow" or a link out of the tree is not read.  Of
 * several files with the name the first is used, and the evidence says
 * the name was ambiguous.
 */
#define _GNU_SOURCE
#include <stdlib.h>
#include <string.h>

#include "core/srcfile.h"
#include "core/util.h"
#include "plan/plan.h"

static void
quote_task(struct plan_task *t, struct srcfile *s)
{
	size_t hot = (size_t)t->line - 1, from, to;
	struct plan_text *e;
	char *text;

	if (s->path == NULL || t->line < 1 || hot >= s->n)
		return;
	from = hot >= 2 ? hot - 2 : 0;
	to = hot + 2 < s->n ? hot + 2 : s->n - 1;
	for (size_t i = from; i <= to; i++) {
		text = srcfile_show(s->lines[i]);
		plan_strs_add(&t->quote, "%c%5zu | %s", i == hot ? '>' : ' ', i + 1, text);
		free(text);
	}
	if (s->ambiguous) {
		e = plan_texts_new(&t->evidence);
		plan_text_add(e, "Quoted from ");
		plan_text_code(e, "%s", s->path);
		plan_text_add(e, ", the first of several files named ");
		plan_text_code(e, "%s", s->name);
	}
	for (size_t i = 0; t->rule != NULL && i < t->nlines; i++) {
		size_t h = (size_t)t->lines[i] - 1;

		if (t->lines[i] >= 1 && h < s->n && rules_confirm(t->rule, s->lines, s->n, h)) {
			e = plan_texts_new(&t->evidence);
			plan_text_add(e, "Confirmed in the source: %s at ",
			    *t->rule->finding ? t->rule->finding : t->rule->problem);
			plan_text_code(e, "%s:%ld", t->file, t->lines[i]);
			break;
		}
	}
}

void
plan_quote(struct plan *pl)
{
	struct srcfile *srcs = NULL;
	size_t nsrcs = 0;

	if (pl->opts->source_dir == NULL)
		return;
	for (size_t i = 0; i < pl->nshown; i++) {
		struct plan_task *t = &pl->tasks[i];
		struct srcfile *s = NULL;

		if (t->file == NULL)
			continue;
		for (size_t j = 0; j < nsrcs; j++)
			if (strcmp(srcs[j].name, t->file) == 0)
				s = &srcs[j];
		if (s == NULL) {
			srcs = xreallocarray(srcs, nsrcs + 1, sizeof(*srcs));
			s = &srcs[nsrcs++];
			if (srcfile_load(s, t->file, pl->opts->source_dir) < 0) {
				struct plan_text *x = plan_texts_new(&pl->lacks);

				plan_text_code(x, "%s", s->name);
				plan_text_add(x, " is not under ");
				plan_text_code(x, "%s", pl->opts->source_dir);
				plan_text_add(x, ": its hot lines are not quoted.");
			}
		}
		quote_task(t, s);
	}
	for (size_t j = 0; j < nsrcs; j++)
		srcfile_free(&srcs[j]);
	free(srcs);
}
