/*
 * plan-int: what the writers of the plan (plan-out.c, plan-report.c)
 * share: the plan's texts in Markdown.
 *
 * Prose is escaped where Markdown would read it as markup, so that no name
 * can open a link, a tag or a table cell; code is a code span that holds
 * any text.  A fence holds lines as they are.
 */
#ifndef PROF_PLAN_INT_H
#define PROF_PLAN_INT_H

#include <stdio.h>

struct plan_strs;
struct plan_text;

/* Writes s as prose: Markdown's markup characters escaped. */
void plan_md_prose(FILE *fp, const char *s);

/* Writes printf's output as prose. */
void plan_md_prosef(FILE *fp, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

/* Writes s as a code span whose delimiter is longer than any run of
 * backticks in s; table != 0 escapes '|' too, for a table cell. */
void plan_md_code(FILE *fp, const char *s, int table);

/* Writes a text: its prose spans as prose, its code spans as code. */
void plan_md_text(FILE *fp, const struct plan_text *t);

/* Writes the lines of l as a fenced code block, each line indented by
 * indent; the fence is longer than any run of backticks. */
void plan_md_fence(FILE *fp, const char *indent, const char *lang, const struct plan_strs *l);

#endif
