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

#include "core/count.h"
#include "folded/frame.h"
#include "plan/rules.h"

struct plan;
struct plan_strs;
struct plan_task;
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

/* The order of a plan's tasks (plan.c): gain, then share, then title,
 * then location; a qsort comparison of struct plan_task. */
int plan_task_cmp(const void *a, const void *b);

/*
 * Evidence from the stacks (plan-evidence.c), for plan.c.
 */

/* The rule of a task about a module without symbols (id "symbols"): not in
 * any catalog; plan.c gives it the stacks whose innermost user frame is
 * unnamed ("[MODULE]"), with the module's frame as the site. */
const struct rules_entry *plan_symbols_rule(void);

/* The site of the symbols task of prof-record's guessed names
 * ("x_leaf+0x40?"), whose file the frames do not say. */
#define PLAN_GUESSED "[guessed names]"

/* The rule of the stacks a recorder lost ("[stack lost]", whose time it
 * kept), and whether p is that frame; the task says what it hides
 * (plan_lost_evidence, which sets t->hides). */
const struct rules_entry *plan_lost_rule(void);
int plan_lost_frame(const struct frame_parts *p);
void plan_lost_evidence(struct plan *pl, struct plan_task *t);

/* Whether p names a mapped file without symbols, "[MODULE]" (not a
 * pseudo-frame: [unknown], [vdso], [stack lost], a state). */
int plan_module_frame(const struct frame_parts *p);

/* Whether the stack whose innermost user frame is p goes to a symbols
 * task: p is "[MODULE]" (plan_module_frame) or "MODULE+0xOFFSET" of a
 * shared object or the program, and the module is not the profiled
 * program, or is and it is stripped (the unnamed frames of a program with
 * its symbols are its PLT stubs).  The task's site, "[MODULE]", goes to
 * mod (len bytes). */
int plan_symbols_claims(const struct plan *pl, const struct frame_parts *p, char *mod,
    size_t len);

/* Whether p is a frame of waiting for a lock: a futex wait in the kernel,
 * glibc's lll_lock_wait, a rwlock's slow path. */
int plan_wait_frame(const struct frame_parts *p);

/* Whether p is the start of a thread other than the main one
 * (start_thread, clone3). */
int plan_thread_frame(const struct frame_parts *p);

/* Fills a symbols task: its title, the module's package and build-id
 * when dpkg knows the file (its lists read, the profile's name compared,
 * never opened), how to get its symbols; sets t->hides. */
void plan_symbols_evidence(struct plan *pl, struct plan_task *t);

/* Says whether the lock-contention task t is contention: waited of its
 * samples wait under the lock and pl->threads > 1; else makes it
 * "Locking overhead", with a smaller speed-up and advice of its own. */
void plan_lock_evidence(struct plan *pl, struct plan_task *t, count_t waited);

#endif
