/*
 * plan: prof-plan's analysis, from a profile (and facts about the binary,
 * its sources, a differential profile, benchmark results) to ranked tasks.
 *
 * Each stack is claimed by one rule (rules.h): the outermost frame, from
 * the root, that a rule matches is the library entry the program called
 * (malloc, printf, write), and its caller is the site, the function to
 * change.  A stack no rule claims is computation in its innermost user
 * frame (kernel frames and unnamed ones passed over), by the fallback
 * rule.  A task is a (rule, site) pair, with p the share of the total its
 * stacks carry and s the rule's speed-up; its estimated gain is the share
 * of the whole cost that would be saved, by Amdahl's law:
 *   S = 1 / ((1 - p) + p / s),   gain = 1 - 1/S = p (1 - 1/s).
 * Wall and offcpu profiles end the stacks of threads that were not
 * running in a state leaf (unit.h): such a stack is matched by the rules
 * of its state (rules.h, the stacks column), and an io profile's stacks
 * by the rules of I/O; a rule that matches the leaf itself (the state,
 * the system call) claims the stack for its innermost user frame.  Their
 * titles end with the task's share of what the profile measures (": 41.0%
 * of the wall-clock time"), and figures show in the unit ("1.2s").
 * A binary built without optimisation adds a build task; a differential
 * profile adds a task for each function whose share grew.
 * Counts are conserved: every stack goes to exactly one task (tasks below
 * --min-gain are counted, not shown), so the shares of all tasks sum to 1.
 * The result does not depend on the order of the input: ties are broken
 * by name, so the same profile gives the same bytes.
 */
#ifndef PROF_PLAN_H
#define PROF_PLAN_H

#include <stddef.h>

#include "bench/bench.h"
#include "core/count.h"
#include "folded/folded.h"
#include "folded/meta.h"
#include "folded/stacktable.h"
#include "folded/unit.h"
#include "plan/elfacts.h"
#include "plan/rules.h"

enum plan_priority { PLAN_LOW, PLAN_MEDIUM, PLAN_HIGH, PLAN_CRITICAL };

/*
 * Plan text: a sentence of the plan as spans, so that each writer shows
 * names its own way and no byte of a name is ever read as markup.  A
 * span is prose, or code: a name, a path, a command or a source location
 * quoted as it is (Markdown shows it as a code span, JSON as text).
 * Invariants: every span's s is owned and NUL-terminated; a prose span is
 * never empty and never follows another prose span (plan_text_add joins
 * them), so a text has one form; a code span may be empty (an empty name
 * is still shown as a name).  What the text says, as plain text, is its
 * spans' strings one after another (plan_text_plain).  Names from a
 * profile are clean text (xmlsafe.h) before they are put in a span; the
 * writers escape what their format needs.
 */
enum plan_span_kind { PLAN_SPAN_PROSE, PLAN_SPAN_CODE };

struct plan_span {
	int kind;                /* enum plan_span_kind */
	char *s;
};

struct plan_text {
	struct plan_span *v;
	size_t n, cap;
};

/* A list of texts the plan owns: a task's evidence and strategy, the
 * facts, what the plan lacks. */
struct plan_texts {
	struct plan_text *v;
	size_t n, cap;
};

/* A list of lines the plan owns, shown as they are (Markdown: in a code
 * block): the quoted source, the verify commands. */
struct plan_strs {
	char **v;
	size_t n, cap;
};

struct plan_task {
	struct plan_text title;
	char *site;              /* the function to change ("" for a build task) */
	char *what;              /* the library functions the cost is in, "malloc, free" */
	const struct rules_entry *rule; /* NULL for build and regression tasks */
	int category;            /* enum rules_category */
	int priority;            /* enum plan_priority, from gain */
	int regression;          /* a task from --diff */
	count_t count;           /* the samples (units) it claims */
	double share, speedup, gain;  /* p, s, gain: fractions (s a factor) */
	char *location;          /* "file:line" of the hottest line, else the site, else "" */
	char *file;              /* location's file, NULL when it has no line */
	long line;
	long lines[4];           /* the hottest lines in file, line first */
	double line_shares[4];   /* each one's share of the task's count */
	size_t nlines;
	struct plan_texts evidence, strategy;
	struct plan_strs verify; /* shell lines */
	struct plan_strs quote;  /* the quoted source lines, "  56 | text", hot one marked */
	int hides;               /* a task about what the profile cannot see (a
	                          * module without symbols): its gain is the share
	                          * it hides, by which it ranks, not a saving */
	const struct plan *from; /* in a plan of several profiles (plan_merge):
	                          * the profile's own plan, whose unit the task's
	                          * share and gain are in; else NULL */
};

/* A function's cost, for the report's table of top consumers. */
struct plan_func {
	char *name;
	count_t self, total;
};

struct plan_path {
	char *path;              /* "main > parse > tokenize" */
	count_t count;
};

struct plan_regression {
	char *name;
	double before, after;    /* shares of their totals, fractions */
};

struct plan_opts {
	const struct rules *rules;
	double min_gain;         /* a fraction */
	const char *source_dir;  /* NULL: no quotes */
	const struct elfacts *elf;   /* NULL: no static facts */
	const char *binary;      /* with elf NULL: the profiled program, which */
	const char *binary_why;  /* could not be read for this reason; or NULL */
	const char *command;     /* for the verify commands; NULL: from the metadata */
	const char *invocation;  /* the report's "how to reproduce": shell lines */
};

struct plan {
	struct meta meta;        /* the profile's metadata (a copy) */
	count_t total;
	const char *unit;        /* "samples" unless the metadata says */
	struct unit u;           /* the unit and type, from meta (unit.h) */
	char measure[UNIT_BUFSZ];/* what a wall, offcpu or io profile's counts
	                          * measure ("off-CPU time"), else "" */
	const char *noun;        /* "N% of the NOUN": measure, else unit */
	struct plan_task *tasks; /* sorted: gain, then share, then title; all of them */
	size_t ntasks, nshown;   /* the first nshown pass --min-gain */
	struct plan_func *funcs; /* by self, then total, then name; up to 20 */
	size_t nfuncs;
	struct plan_path *paths; /* heaviest first; up to 5 */
	size_t npaths;
	count_t category[5];     /* what each category's tasks claim (build: 0) */
	count_t unnamed;         /* samples whose innermost user frame has no name */
	int threads;             /* threads the stacks show: 1 (the main one
	                          * only), 2 (more: a start_thread frame) */
	struct plan_texts facts; /* static facts, one sentence each */
	struct plan_texts lacks; /* what the plan could not see, and what that costs */
	struct plan_regression *regs;  /* --diff: grown functions, largest first */
	size_t nregs;
	count_t diff_total[2];
	const struct bench_results *bench;      /* --bench, or NULL (not owned) */
	const struct plan_opts *opts;
	/* Several profiles (plan_merge): */
	const char *name;        /* the profile's files, as the plan names it
	                          * ("cpu.folded"), or NULL (not owned) */
	struct plan *parts;      /* a plan of several profiles: each one's own
	                          * plan, its tasks moved into this one's; else
	                          * NULL.  Owned (plan_free frees them). */
	size_t nparts;
};

/* A priority's name: "CRITICAL", "HIGH", "MEDIUM", "LOW". */
const char *plan_priority_name(int priority);

/* The priority of a gain (a fraction): >= 20% CRITICAL, >= 10% HIGH,
 * >= 5% MEDIUM, else LOW. */
int plan_priority(double gain);

/* gain = p (1 - 1/s), the fraction of the whole cost saved (Amdahl). */
double plan_gain(double p, double s);

/*
 * Plans the profile in tab (single counts) with its metadata: fills *pl
 * (zeroed by the caller) with every task, the top consumers, the heavy
 * paths, the facts and what is lacking.  o must outlive pl.
 */
void plan_build(struct plan *pl, struct stacktable *tab, const struct meta *meta,
    const struct plan_opts *o);

/*
 * Adds the regressions of a differential profile (two counts per stack):
 * functions whose share of the total grew, as tasks (p the growth, s
 * infinite: undoing it saves the growth) and as a list.  Call after
 * plan_build; re-sorts the tasks.
 */
void plan_add_diff(struct plan *pl, struct stacktable *diff);

/* Notes benchmark results for the plan's evidence and report (kept, not
 * copied).  Call after plan_build. */
void plan_add_bench(struct plan *pl, const struct bench_results *r);

/* Quotes the hot lines of the shown tasks from o->source_dir, and checks the
 * rules' source patterns on them (plan-src.c).  Called by plan_build.  Only
 * regular files whose real path lies under the directory's real path are
 * read, of at most SRCFILE_MAX bytes (core/srcfile.h): a location in a
 * profile is untrusted data. */
void plan_quote(struct plan *pl);

/* Fills each shown task's verify commands (after the tasks are final), and
 * adds what the benchmark of the profiled command says of each gain
 * (plan-verify.c). */
void plan_verify(struct plan *pl);

/*
 * c as sentences say it, in buf (len bytes): in a wall, offcpu or io
 * profile in its unit ("1.2s", "1.5MiB", "6144"), else the exact count
 * ("1200").  Returns buf.
 */
char *plan_amount(const struct plan *pl, count_t c, char *buf, size_t len);

/* The profiled command: o->command, else the metadata's, else that of
 * the only benchmark; NULL when unknown. */
const char *plan_command(const struct plan *pl);

/* Appends printf's output to t as prose (plan-text.c); nothing when it
 * is empty. */
void plan_text_add(struct plan_text *t, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

/* Appends printf's output to t as a code span. */
void plan_text_code(struct plan_text *t, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

/* The plain text of t, owned by the caller. */
char *plan_text_plain(const struct plan_text *t);

/* Compares the plain texts of a and b as strcmp does. */
int plan_text_cmp(const struct plan_text *a, const struct plan_text *b);

/* Frees the spans of t and empties it. */
void plan_text_free(struct plan_text *t);

/* Appends an empty text to l and returns it, to be filled; it moves
 * when l grows, so fill it before the next plan_texts_new on l. */
struct plan_text *plan_texts_new(struct plan_texts *l);

/* Frees the texts of l and empties it. */
void plan_texts_free(struct plan_texts *l);

/* Appends printf's output to a list of lines. */
void plan_strs_add(struct plan_strs *l, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

/* Frees the lines of a list and empties it. */
void plan_strs_free(struct plan_strs *l);

void plan_free(struct plan *pl);

/*
 * One plan of several profiles of one program (plan-merge.c), each of
 * another type (cpu, offcpu, memory, ...), each planned by plan_build
 * (and plan_verify) in its own unit: moves parts[0..n) (an array from
 * malloc, n >= 2) into *pl (zeroed by the caller), and every task into
 * one list with task->from naming its profile.  The tasks are ranked by
 * gain as a fraction of their own profile's total, then share, then
 * title, then profile: gains of different profiles measure different
 * things (CPU time, off-CPU time, bytes allocated), and this is the only
 * common scale.  A build task is kept once (the first profile's), and
 * what the plan lacks once per sentence.  The facts, the metadata, the
 * unit and the total are the first profile's; the top consumers, heavy
 * paths, categories and regressions stay each profile's own, in
 * pl->parts.
 */
void plan_merge(struct plan *pl, struct plan *parts, size_t n, const struct plan_opts *o);

/*
 * What a profile's shares are of, as a gain says it: "CPU time" (a cpu
 * profile, or one without a type), else what it measures ("off-CPU time",
 * "bytes allocated"), else its unit.
 */
const char *plan_noun(const struct plan *pl);

/* A profile's type as the plan names it: its type, "cpu" without one. */
const char *plan_type(const struct plan *pl);

/* Writers (plan-out.c).  Each returns 0, or -1 on a write error (not
 * reported: the caller names the file). */

/* tasks.md: the checklist. */
int plan_write_markdown(const struct plan *pl, FILE *fp);

/* {"tasks": [...], "facts": [...], "lacks": [...], ...}: the same content. */
int plan_write_json(const struct plan *pl, FILE *fp);

/* The long report: summary, findings, recommendations, how to reproduce. */
int plan_write_report(const struct plan *pl, FILE *fp);

#endif
