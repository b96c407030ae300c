/*
 * plan: one plan of several profiles of one program, each of its own
 * type, planned in its own unit and ranked together.  See plan_merge in
 * plan.h.
 */
#define _GNU_SOURCE
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "core/util.h"
#include "plan/plan.h"
#include "plan/plan-int.h"

const char *
plan_type(const struct plan *pl)
{
	return pl->u.type_name != NULL ? pl->u.type_name : "cpu";
}

const char *
plan_noun(const struct plan *pl)
{
	if (pl->measure[0] != '\0')
		return pl->measure;
	if (pl->u.type == UNIT_TYPE_NONE || pl->u.type == UNIT_TYPE_CPU)
		return "CPU time";
	return pl->unit;
}

static int
from_index(const struct plan *pl, const struct plan_task *t)
{
	return (int)(t->from - pl->parts);
}

/* As plan.c ranks one profile's tasks, then by profile: the shares are
 * fractions of each profile's own total. */
static int
merged_cmp(const void *a, const void *b, void *arg)
{
	const struct plan_task *x = a, *y = b;
	const struct plan *pl = arg;
	int c;

	if ((c = plan_task_cmp(x, y)) != 0)
		return c;
	return from_index(pl, x) - from_index(pl, y);
}

/* Whether l holds a text that says what t says. */
static int
texts_have(const struct plan_texts *l, const struct plan_text *t)
{
	for (size_t i = 0; i < l->n; i++)
		if (plan_text_cmp(&l->v[i], t) == 0)
			return 1;
	return 0;
}

void
plan_merge(struct plan *pl, struct plan *parts, size_t n, const struct plan_opts *o)
{
	int build = 0;

	pl->opts = o;
	pl->parts = parts;
	pl->nparts = n;
	meta_update(&pl->meta, &parts[0].meta);
	pl->unit = meta_get(&pl->meta, "unit") ? meta_get(&pl->meta, "unit") : "samples";
	unit_from_meta(&pl->meta, &pl->u);
	unit_measure(&pl->u, pl->measure);
	pl->noun = pl->measure[0] != '\0' ? pl->measure : pl->unit;
	pl->total = parts[0].total;
	pl->bench = parts[0].bench;
	pl->facts = parts[0].facts;
	memset(&parts[0].facts, 0, sizeof(parts[0].facts));

	for (size_t i = 0; i < n; i++) {
		struct plan *p = &parts[i];
		size_t kept = 0;

		/* Tasks below the minimum gain are moved too: the report
		 * counts them, and the ranking sets which are shown. */
		pl->tasks = xreallocarray(pl->tasks, pl->ntasks + p->ntasks + 1, sizeof(*pl->tasks));
		for (size_t j = 0; j < p->ntasks; j++) {
			struct plan_task *t = &p->tasks[j];

			/* one binary, one build task */
			if (t->category == RULES_BUILD && build) {
				p->tasks[kept++] = *t;
				continue;
			}
			build |= t->category == RULES_BUILD;
			t->from = p;
			pl->tasks[pl->ntasks++] = *t;
		}
		p->ntasks = p->nshown = kept;
		for (size_t j = 0; j < p->lacks.n; j++) {
			if (texts_have(&pl->lacks, &p->lacks.v[j]))
				plan_text_free(&p->lacks.v[j]);
			else
				*plan_texts_new(&pl->lacks) = p->lacks.v[j];
		}
		p->lacks.n = 0;
	}
	if (pl->ntasks > 1)
		qsort_r(pl->tasks, pl->ntasks, sizeof(*pl->tasks), merged_cmp, pl);
	/* Compared as shown, in tenths of a percent, as plan.c does. */
	for (pl->nshown = 0; pl->nshown < pl->ntasks; pl->nshown++)
		if (round(pl->tasks[pl->nshown].gain * 1000) < round(o->min_gain * 1000) - 1e-9)
			break;
}
