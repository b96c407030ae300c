/*
 * planrun: one run of prof-plan, from what its command line asks to the
 * files it writes: the scenario recorded (--run-profile), the profile, the
 * binary, the benchmark results and the differential profile read, the
 * plan built (plan.h), and tasks.md and the report committed together.
 *
 * The steps go in order: planrun_new, planrun_record (only with
 * --run-profile), planrun_read, planrun_plan, planrun_write, planrun_free.
 * A struct planrun owns what it reads and makes (a recorded profile's
 * temporary directory is removed by planrun_free); the options are kept,
 * not copied, and must outlive it.  Errors are reported on stderr, prefixed
 * with the program's name, when they happen; a step returns the exit
 * status (EXIT_OK, else the error's), or dies where the program cannot go
 * on (no scenario, prof-record failed).
 */
#ifndef PROF_PLANRUN_H
#define PROF_PLANRUN_H

#include <stddef.h>

enum planrun_format { PLANRUN_MARKDOWN, PLANRUN_JSON };

/* What records a scenario (--profiler): prof-record, perf record
 * --call-graph dwarf (cpu only), or the command itself, which writes or
 * serves a pprof profile. */
enum planrun_profiler { PLANRUN_PROF, PLANRUN_PERF, PLANRUN_PPROF };

/* Their names, as --profiler and prof.conf's profiler give them. */
extern const char *const planrun_profilers[];

struct planrun_opts {
	const char *output;      /* -o: the plan's file; NULL: stdout, or with
	                          * apply prof.conf's [plan] tasks (tasks.md) */
	int format;              /* enum planrun_format */
	const char *report;      /* --report file ("-": stdout), or NULL: none,
	                          * or with apply in prof.conf's [plan] reports-dir */
	double min_gain;         /* --min-gain, a fraction */
	int jobs;                /* threads reading the profiles; 0: the CPUs */
	const char *binary;      /* --binary, or NULL: the profiled command's */
	const char *source;      /* --source dir, or NULL */
	const char *diff;        /* --diff file, or NULL */
	const char *bench;       /* --bench file, or NULL */
	char *const *rules;      /* --rules files over the built-in catalog, */
	size_t nrules;           /* in order */
	int record;              /* --run-profile */
	const char *scenario;    /* its [scenario NAME]; NULL: default */
	int profiler;            /* enum planrun_profiler; -1: the scenario's
	                          * profiler, else prof */
	int apply;               /* --apply */
	int argc;                /* the whole command line, for the report's */
	char *const *argv;       /* "how to reproduce" */
};

struct planrun;

/* A run for o, with the rules read; NULL (reported) when a rules file
 * cannot be read or is malformed. */
struct planrun *planrun_new(const struct planrun_opts *o);

/*
 * --run-profile: records the command of prof.conf's [scenario NAME] into
 * temporary profiles, those planrun_read then reads: one of each type of
 * its types (default cpu) with prof-record --lines (the one beside this
 * program, else PATH's) or perf (cpu only), or the pprof profile the
 * command writes to, or serves at, its pprof path or URL (a URL on the
 * loopback only: a plan is of this machine's program).  Dies (exit 2)
 * when there is no such scenario, the recorder is missing, refuses, or
 * could not make a profile, naming it.
 */
void planrun_record(struct planrun *r);

/*
 * Reads the profiles (the recorded ones, else files[0..n): none or "-" is
 * stdin; inputs of one type summed, of several types planned apart and
 * merged, plan_merge), the facts of the binary (--binary, else the program of the
 * profiled command, found as execvp would), the benchmark results and the
 * differential profile.  Returns EXIT_OK, or EXIT_USAGE for an input that
 * cannot be read or is of the wrong kind.
 */
int planrun_read(struct planrun *r, int n, char *const files[]);

/* Builds the plan of what was read: tasks, regressions, verify commands. */
void planrun_plan(struct planrun *r);

/*
 * Writes the plan, and the report with --report or --apply, and puts them
 * in place together: when one cannot be written, neither file is
 * replaced.  Returns EXIT_OK, or EXIT_FINDING on a write error (reported).
 */
int planrun_write(struct planrun *r);

void planrun_free(struct planrun *r);

/* The longest --profiler pprof waits for a scenario's URL to answer. */
#define PLANRUN_PPROF_WAIT 120

#endif
