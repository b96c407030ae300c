/*
 * benchplan: the commands prof-bench benchmarks, expanded from the
 * command lines given (templates), the parameters' values and the names.
 *
 * A template is a command line in which {NAME} stands for the value of
 * the parameter NAME; a {WORD} that names no parameter stays as it is.
 * The commands are every template (the --reference first) with every
 * combination of the parameters' values, the last parameter varying
 * fastest: -L n a,b -L m x,y gives n=a m=x, n=a m=y, n=b m=x, n=b m=y.
 * The -P parameter varies fastest: it trades places with the last one.
 * A parameter's name is letters, digits and '_', and is given once.
 *
 * The names (-n) name the templates in order, with their parameters
 * substituted too; a template without one is named by its command.  -p,
 * -c, -s and -C are given once for all the templates, or once for each.
 *
 * Ownership: a plan points to the strings it is given (argv's) and owns
 * the parameters' values and its lists, freed by benchplan_free.  The
 * commands of benchplan_commands own their command, name and parameter
 * array (whose keys and values point into the plan), freed by
 * benchplan_free_commands.  Every function dies (exit 2) with a message
 * naming the option on a bad value.
 */
#ifndef PROF_BENCHPLAN_H
#define PROF_BENCHPLAN_H

#include <stddef.h>

#include "bench/benchsession.h"

/* The strings an option gives each time it is given, in order. */
struct benchplan_strs {
	const char **v;
	size_t n;
};

struct benchplan_param {
	const char *name;
	struct benchplan_strs values;  /* owned by the plan */
};

/* What the options say; zeroed is a plan of plain commands. */
struct benchplan {
	const char *reference;         /* --reference: benchmarked first; NULL none */
	struct benchplan_strs names;   /* -n */
	struct benchplan_strs prepare, conclude, setup, cleanup; /* -p -c -s -C */
	const char *shell;             /* -S: every command under it; NULL: as needed */
	int noshell;                   /* -N (-S none): never a shell */
	const char *scan[3];           /* -P var min max; NULL: none */
	const char *step;              /* --step d; NULL: 1 */
	struct benchplan_param *params;
	size_t nparams;
};

/* Appends v (not copied) to s. */
void benchplan_push(struct benchplan_strs *s, const char *v);

/* -L name list: a parameter taking each value of the comma-separated list. */
void benchplan_list(struct benchplan *p, const char *name, const char *list);

/*
 * -P name min max: a parameter from min to max by --step; its values are
 * made by benchplan_check, once --step is known.  Dies on a second -P.
 */
void benchplan_scan(struct benchplan *p, const char *name, const char *min, const char *max);

/*
 * Checks the plan once every option is read, and makes -P's values:
 * integers when min, max and the step are, else min + k * step shown
 * with 12 significant digits; at most 100000 of them.  Dies on a max
 * below min or --step without -P.
 */
void benchplan_check(struct benchplan *p);

/*
 * The commands of the templates templ[0..ntempl) (argv's operands) and
 * the reference, in order, into *n.  A command runs under the shell when
 * -S names one or it needs one (cmdline_needs_shell), never with -N;
 * with -N it must split into words.  Dies on more names than templates,
 * or on -p, -c, -s or -C given neither once nor once per template.
 */
struct benchsession_cmd *benchplan_commands(const struct benchplan *p, char *const *templ,
    size_t ntempl, size_t *n);

/* Frees what benchplan_commands made (c may be NULL with n 0). */
void benchplan_free_commands(struct benchsession_cmd *c, size_t n);

/* Frees what the plan owns (not p itself). */
void benchplan_free(struct benchplan *p);

#endif
