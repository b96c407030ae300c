/*
 * plan-int: what the writers of the plan (plan-out.c, plan-report.c) share.
 */
#ifndef PROF_PLAN_INT_H
#define PROF_PLAN_INT_H

#include <stdio.h>

/*
 * Writes plan text s as Markdown: "\001name\002" as a code span whose
 * delimiter is longer than any run of backticks in the name, the rest with
 * Markdown's markup characters escaped; table != 0 escapes '|' in code
 * spans too, for a table cell.
 */
void plan_md_text(FILE *fp, const char *s, int table);

/* Writes the lines of l as a fenced code block (marks dropped), each line
 * indented by indent; the fence is longer than any run of backticks. */
struct plan_strs;
void plan_md_fence(FILE *fp, const char *indent, const char *lang, const struct plan_strs *l);

#endif
