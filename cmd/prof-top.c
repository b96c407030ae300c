/* prof-top: the heaviest functions of a profile.  See prof-top(1). */
#include <getopt.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/arg.h"
#include "core/outfile.h"
#include "core/table.h"
#include "core/util.h"
#include "core/xmlsafe.h"
#include "folded/transform.h"
#include "folded/unit.h"
#include "input/input.h"
#include "top/caveat.h"
#include "top/srclist.h"
#include "top/top.h"
#include "top/topfmt.h"
#include "top/traces.h"

static const char synopsis[] =
"usage: prof-top [-j jobs] [-o file] [--rows n] [--sort key] [--granularity g]\n"
"                [--focus regex] [--ignore regex] [--hide regex]\n"
"                [--callers name] [--callees name] [--format format]\n"
"                [--color when] [file ...]\n"
"       prof-top --traces [-j jobs] [-o file] [--rows n] [--focus regex]\n"
"                [--ignore regex] [--hide regex] [--format format]\n"
"                [--color when] [file ...]\n"
"       prof-top --list regex [--source dir] [-j jobs] [-o file]\n"
"                [--focus regex] [--ignore regex] [--hide regex]\n"
"                [--format format] [file ...]\n";

static const char options_help[] =
"\n"
"Reads folded stacks (or perf script text); writes the heaviest functions.\n"
"  -j, --jobs jobs       threads reading (default: the CPUs)\n"
"  -o, --output file     write to file, atomically (default: stdout)\n"
"  --rows n              rows to show (default 20; 0: all)\n"
"  --sort key            flat (default), cum, name, or delta (differential)\n"
"  --granularity g       function (default), file, line or module\n"
"  --focus regex         only stacks through a matching frame (ERE)\n"
"  --ignore regex        drop stacks through a matching frame\n"
"  --hide regex          remove matching frames, keeping the stacks\n"
"  --callers name        who calls the function name, and how much\n"
"  --callees name        what the function name calls, and how much\n"
"  --format format       table (default), csv, json or markdown\n"
"  --traces              the heaviest whole stacks, innermost frame first,\n"
"                        not functions (pprof -traces); --rows of them\n"
"  --list regex          the source of the functions that match, with the\n"
"                        cost of each line (pprof -list; needs line numbers:\n"
"                        prof-record --lines)\n"
"  --source dir          with --list, the source files under dir (default: .)\n"
"  --color when          auto (default: on a terminal, unless NO_COLOR),\n"
"                        always or never\n"
"  --help                this text\n"
"  --version             the version, and exit\n"
"See prof-top(1), prof-folded(5) and prof(7).\n";

enum {
	OPT_CALLEES = 256, OPT_CALLERS, OPT_COLOR, OPT_FOCUS, OPT_FORMAT, OPT_GRAN,
	OPT_HELP, OPT_VERSION, OPT_HIDE, OPT_IGNORE, OPT_LIST, OPT_ROWS, OPT_SORT, OPT_SOURCE, OPT_TRACES
};

static const struct option longopts[] = {
	{ "callees", required_argument, NULL, OPT_CALLEES },
	{ "callers", required_argument, NULL, OPT_CALLERS },
	{ "color", required_argument, NULL, OPT_COLOR },
	{ "focus", required_argument, NULL, OPT_FOCUS },
	{ "format", required_argument, NULL, OPT_FORMAT },
	{ "granularity", required_argument, NULL, OPT_GRAN },
	{ "help", no_argument, NULL, OPT_HELP },
	{ "version", no_argument, NULL, OPT_VERSION },
	{ "hide", required_argument, NULL, OPT_HIDE },
	{ "ignore", required_argument, NULL, OPT_IGNORE },
	{ "jobs", required_argument, NULL, 'j' },
	{ "list", required_argument, NULL, OPT_LIST },
	{ "output", required_argument, NULL, 'o' },
	{ "rows", required_argument, NULL, OPT_ROWS },
	{ "sort", required_argument, NULL, OPT_SORT },
	{ "source", required_argument, NULL, OPT_SOURCE },
	{ "traces", no_argument, NULL, OPT_TRACES },
	{ NULL, 0, NULL, 0 }
};

static void
add(void *tp, const char *stack, size_t len, const count_t n[2])
{
	top_add(tp, stack, len, n);
}

/*
 * --traces: the stacks kept whole (the filters as prof-top's, by
 * lib/folded/transform), the heaviest first.
 */
static int
traces_main(struct input *g, const struct top_opts *to, struct outfile *of, int format,
    int color, int width, size_t rows, int argc, char *argv[])
{
	struct transform_opts xo = { .focus = to->focus, .ignore = to->ignore, .hide = to->hide };
	struct table *t;
	struct caveat cv;
	struct unit u;
	int status;

	input_init(g);
	if ((status = input_files(g, argc, argv)) != EXIT_OK) {
		input_free(g);
		outfile_discard(of);
		return status;
	}
	if (transform_active(&xo))
		g->tab = transform_apply(g->tab, &xo);
	unit_from_meta(&g->meta, &u);
	t = table_new(format);
	caveat_read(&cv, &g->meta);
	caveat_table(t, &cv);
	traces_rows(t, g->tab, &u, g->kind == FOLDED_DIFF, rows);
	table_write(t, outfile_fp(of), color, width);
	status = outfile_commit(of) < 0 ? EXIT_FINDING : EXIT_OK;
	table_free(t);
	input_free(g);
	return status;
}

/*
 * --list: the lines of the functions that re matches (the filters as in
 * the table, by srclist), from pprof profiles with their file:line too.
 * Exit 1 when no function matches, 2 when none of those that match has
 * line numbers.
 */
static int
list_main(struct input *g, const struct top_opts *to, const regex_t *re, const char *list,
    const char *dir, struct outfile *of, int format, int argc, char *argv[])
{
	struct pprof_opts po = { .context = 1 };
	struct srclist *sl;
	struct table *t;
	struct caveat cv;
	struct unit u;
	int status;

	g->pprof = &po;
	input_init(g);
	if ((status = input_files(g, argc, argv)) != EXIT_OK) {
		input_free(g);
		outfile_discard(of);
		return status;
	}
	unit_from_meta(&g->meta, &u);
	sl = srclist_build(g->tab, re, to, g->kind == FOLDED_DIFF);
	if (sl->n == 0) {
		warn("%s: no function matches", list);
		status = EXIT_FINDING;
	} else if (sl->nlocated < sl->n) {
		size_t i = 0;
		char *name;

		while (sl->funcs[i].located)
			i++;
		/* a name from a profile may hold any bytes */
		name = xmlsafe_cleandup(sl->funcs[i].name, sl->funcs[i].name_len, NULL);
		if (sl->nlocated == 0) {
			warn("no line numbers for %s%s: record with prof-record --lines", name,
			    sl->n > 1 ? " (nor the others that match)" : "");
			status = EXIT_USAGE;
		} else
			warn("no line numbers for %s%s: not listed; record with prof-record --lines",
			    name, sl->n - sl->nlocated > 1 ? " and others" : "");
		free(name);
	}
	if (status != EXIT_OK) {
		srclist_free(sl);
		input_free(g);
		outfile_discard(of);
		return status;
	}
	t = table_new(format);
	caveat_read(&cv, &g->meta);
	caveat_table(t, &cv);
	if (format == TABLE_TEXT) {
		/* the notes first, then pprof's layout, not a table's */
		table_write(t, outfile_fp(of), 0, 0);
		srclist_write(sl, outfile_fp(of), &u, dir);
	} else {
		srclist_rows(t, sl, &u);
		table_write(t, outfile_fp(of), 0, 0);
	}
	status = outfile_commit(of) < 0 ? EXIT_FINDING : EXIT_OK;
	table_free(t);
	srclist_free(sl);
	input_free(g);
	return status;
}

int
main(int argc, char *argv[])
{
	struct input g = { 0 };
	struct top_opts to = { 0 };
	struct stat st;
	struct unit u;
	struct caveat cv;
	struct top *tp;
	struct table *t;
	const char *ofile = "-", *when = "auto", *callers = NULL, *callees = NULL;
	const char *list = NULL, *source = NULL;
	regex_t *list_re = NULL;
	int c, sort = -1, format = TABLE_TEXT, color, width, status, traces = 0, rows_given = 0;
	int color_given = 0;
	size_t rows = 20;

	argv[0] = util_setprog(argv[0]);
	g.jobs = input_default_jobs();
	while ((c = getopt_long(argc, argv, "j:n:o:", longopts, NULL)) != -1) {
		switch (c) {
		case 'j':
			g.jobs = (int)arg_int(optarg, 1, 256, "--jobs");
			break;
		case 'n':
			/* prof(7): -n is difffolded.pl's and hyperfine's, not rows */
			arg_renamed("-n", "--rows");
		case 'o':
			ofile = optarg;
			break;
		case OPT_CALLEES:
			callees = optarg;
			break;
		case OPT_CALLERS:
			callers = optarg;
			break;
		case OPT_COLOR:
			when = optarg;
			color_given = 1;
			arg_choice(when, (const char *const[]){ "auto", "always", "never", NULL },
			    "a choice", "--color");
			break;
		case OPT_FOCUS:
			xregfree(to.focus);
			to.focus = xregcomp(optarg, "--focus");
			break;
		case OPT_FORMAT:
			if ((format = table_format_parse(optarg)) < 0)
				die("--format: '%s' is not a format; use table, csv, json or markdown", optarg);
			break;
		case OPT_GRAN:
			if ((to.granularity = top_granularity_parse(optarg)) < 0)
				die("--granularity: '%s' is not a granularity; use function, file, line or module",
				    optarg);
			break;
		case OPT_HELP:
			return arg_help(synopsis, options_help);
		case OPT_VERSION:
			return arg_version();
		case OPT_HIDE:
			xregfree(to.hide);
			to.hide = xregcomp(optarg, "--hide");
			break;
		case OPT_IGNORE:
			xregfree(to.ignore);
			to.ignore = xregcomp(optarg, "--ignore");
			break;
		case OPT_LIST:
			list = optarg;
			break;
		case OPT_ROWS:
			rows = (size_t)arg_int(optarg, 0, 1000000000, "--rows");
			rows_given = 1;
			break;
		case OPT_SOURCE:
			source = optarg;
			break;
		case OPT_TRACES:
			traces = 1;
			break;
		case OPT_SORT:
			if ((sort = top_sort_parse(optarg)) < 0)
				die("--sort: '%s' is not a key; use flat, cum, name or delta", optarg);
			break;
		default:
			arg_usage(synopsis);
		}
	}
	argc -= optind;
	argv += optind;
	if (callers != NULL && callees != NULL && strcmp(callers, callees) != 0)
		die("--callers and --callees: one function at a time ('%s' or '%s')", callers, callees);
	to.peek = callers != NULL ? callers : callees;
	to.peek_len = to.peek ? strlen(to.peek) : 0;
	if (traces && (to.peek != NULL || sort >= 0 || to.granularity != TOP_FUNCTION))
		die("--traces shows whole stacks: --%s does not apply", to.peek != NULL ?
		    (callers != NULL ? "callers" : "callees") : sort >= 0 ? "sort" : "granularity");
	if (list != NULL && (traces || to.peek != NULL || sort >= 0 || to.granularity != TOP_FUNCTION ||
	    rows_given || color_given))
		die("--list shows the lines of functions: --%s does not apply", traces ? "traces" :
		    to.peek != NULL ? (callers != NULL ? "callers" : "callees") : sort >= 0 ? "sort" :
		    to.granularity != TOP_FUNCTION ? "granularity" : rows_given ? "rows" : "color");
	if (source != NULL && list == NULL)
		die("--source: the sources are for --list");
	if (source != NULL && (stat(source, &st) < 0 || !S_ISDIR(st.st_mode)))
		die("--source: %s: not a directory", source);
	/* compiled once the options are known good: a usage error leaks nothing */
	if (list != NULL)
		list_re = xregcomp(list, "--list");

	/* Write errors are seen when the output is closed: a closed pipe
	 * ends the program as SIGPIPE would, any other is reported. */
	signal(SIGPIPE, SIG_IGN);
	struct outfile *of = outfile_open(ofile);
	table_terminal(ofile, when, &color, &width);

	if (list != NULL) {
		status = list_main(&g, &to, list_re, list, source != NULL ? source : ".", of, format,
		    argc, argv);
		xregfree(list_re);
		xregfree(to.focus);
		xregfree(to.ignore);
		xregfree(to.hide);
		return status;
	}
	if (traces) {
		status = traces_main(&g, &to, of, format, color, width, rows, argc, argv);
		xregfree(to.focus);
		xregfree(to.ignore);
		xregfree(to.hide);
		return status;
	}
	/* Each job sums the stacks it reads into its own top, unstored. */
	g.sink = add;
	g.sink_args = xcalloc((size_t)g.jobs, sizeof(void *));
	for (int j = 0; j < g.jobs; j++)
		g.sink_args[j] = top_new(&to);
	input_init(&g);
	status = input_files(&g, argc, argv);
	tp = g.sink_args[0];
	for (int j = 1; j < g.jobs; j++)
		top_merge(tp, g.sink_args[j]);
	free(g.sink_args);
	if (status != EXIT_OK) {
		top_free(tp);
		input_free(&g);
		outfile_discard(of);
		return status;
	}
	top_finish(tp, g.kind == FOLDED_DIFF);
	unit_from_meta(&g.meta, &u);
	if (sort < 0)
		sort = tp->diff ? TOP_SORT_DELTA : TOP_SORT_FLAT;
	top_sort(tp, sort, 0);
	t = table_new(format);
	/* What the recording missed, first: it qualifies every figure. */
	caveat_read(&cv, &g.meta);
	caveat_table(t, &cv);
	if (to.peek != NULL) {
		if (topfmt_peek(t, format, tp, &u, to.peek, callers != NULL, callees != NULL) < 0) {
			warn("%s: no such %s in the profile", to.peek,
			    to.granularity == TOP_FUNCTION ? "function" : to.granularity == TOP_FILE ? "file" :
			    to.granularity == TOP_LINE ? "line" : "module");
			status = EXIT_FINDING;
		}
	} else
		topfmt_rows(t, format, tp, &u, to.granularity, rows);
	if (status == EXIT_OK) {
		table_write(t, outfile_fp(of), color, width);
		if (outfile_commit(of) < 0)
			status = EXIT_FINDING;
	} else
		outfile_discard(of);
	table_free(t);
	top_free(tp);
	input_free(&g);
	xregfree(to.focus);
	xregfree(to.ignore);
	xregfree(to.hide);
	return status;
}
