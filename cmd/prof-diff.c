/* prof-diff: compare two profiles, or two sets of benchmark results.  See prof-diff(1). */
#include <fcntl.h>
#include <getopt.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "bench/bench.h"
#include "bench/benchdiff.h"
#include "core/arg.h"
#include "core/table.h"
#include "core/util.h"
#include "diff/diffmerge.h"
#include "diff/profdiff.h"
#include "input/input.h"
#include "top/top.h"

static const char synopsis[] =
"usage: prof-diff [-ns] [-j n] [-o file] [--summary] [--format fmt] [--rows n]\n"
"                 [--fail-above pct] [--sort flat | cum] [--granularity level]\n"
"                 before after\n"
"       prof-diff [-o file] [--format fmt] [--alpha p] [--fail-above pct]\n"
"                 [--results-dir dir] {old | --baseline name}\n"
"                 {new | --current name}\n";

static const char options_help[] =
"\n"
"Compares two profiles (folded stacks or perf script text); writes a\n"
"differential profile, \"stack BEFORE AFTER\" a line, sorted.  Or compares\n"
"two sets of benchmark results (prof-bench's or hyperfine's JSON or CSV,\n"
"go test -bench text); writes each benchmark's medians, change and p-value.\n"
"Profiles:\n"
"  -j, --jobs n        threads that read the profiles (default: the CPUs)\n"
"  -n                  scale BEFORE's counts to AFTER's total\n"
"  -o, --output file   write to file, atomically (default: stdout)\n"
"  -s                  hex addresses 0x... made equal, so stacks match\n"
"  --fail-above pct    exit 1 when a function's share of the total grew by\n"
"                      more than pct percentage points\n"
"  --format fmt        --summary as table, csv, json or markdown\n"
"  --granularity level functions (default), file, line or module\n"
"  --rows n            rows of --summary (default 20; 0: all)\n"
"  --sort flat|cum     --fail-above and --summary by self (flat, the\n"
"                      default) or total (cum) share\n"
"  --summary           write a table of the largest changes of share\n"
"Benchmark results:\n"
"  --alpha p           significance level of the test (default 0.05)\n"
"  --baseline name     the old results are the saved results name\n"
"  --current name      the new results are the saved results name\n"
"  --fail-above pct    exit 1 when a benchmark is significantly slower\n"
"                      by more than pct percent\n"
"  --format fmt        table, csv, json or markdown\n"
"  --results-dir dir   where saved results are (default .prof/bench)\n"
"  -o, --output file   write to file, atomically (default: stdout)\n"
"  --help              this text\n"
"  --version           the version, and exit\n"
"See prof-diff(1), prof-folded(5) and prof(7).\n";

enum {
	OPT_ALPHA = 256, OPT_BASELINE, OPT_BY, OPT_CURRENT, OPT_FAIL, OPT_FAIL_REGRESSION,
	OPT_FORMAT, OPT_GRAN, OPT_HELP, OPT_VERSION, OPT_RESULTS_DIR, OPT_ROWS, OPT_SORT, OPT_SUMMARY, OPT_TOP
};

/* --by, --fail-on-regression and --top are renamed: they only say so,
 * whether a value follows or not. */
static const struct option longopts[] = {
	{ "alpha", required_argument, NULL, OPT_ALPHA },
	{ "baseline", required_argument, NULL, OPT_BASELINE },
	{ "by", optional_argument, NULL, OPT_BY },
	{ "current", required_argument, NULL, OPT_CURRENT },
	{ "fail-above", required_argument, NULL, OPT_FAIL },
	{ "fail-on-regression", optional_argument, NULL, OPT_FAIL_REGRESSION },
	{ "format", required_argument, NULL, OPT_FORMAT },
	{ "granularity", required_argument, NULL, OPT_GRAN },
	{ "help", no_argument, NULL, OPT_HELP },
	{ "jobs", required_argument, NULL, 'j' },
	{ "output", required_argument, NULL, 'o' },
	{ "results-dir", required_argument, NULL, OPT_RESULTS_DIR },
	{ "rows", required_argument, NULL, OPT_ROWS },
	{ "sort", required_argument, NULL, OPT_SORT },
	{ "summary", no_argument, NULL, OPT_SUMMARY },
	{ "top", optional_argument, NULL, OPT_TOP },
	{ "version", no_argument, NULL, OPT_VERSION },
	{ NULL, 0, NULL, 0 }
};

/*
 * Opens the inputs, the operands argv[] ("-": stdin) or the saved results
 * saved[i] (--baseline, --current), and tells what they hold: a pipe
 * becomes a regular file here, so that its content can be told
 * (profdiff_input) and a profile read twice.  Returns EXIT_OK, with
 * *results set when both are benchmark results, or EXIT_USAGE (reported).
 */
static int
open_inputs(char *argv[], const char *saved[2], const char *results_dir, int fd[2],
    const char *name[2], char *path[2], int *results)
{
	int status = EXIT_OK, kind[2];

	for (int i = 0, k = 0; i < 2; i++) {
		if (saved[i] != NULL) {
			path[i] = bench_saved_path(bench_dir(results_dir), saved[i]);
			name[i] = path[i];
			if ((fd[i] = open(path[i], O_RDONLY)) < 0) {
				warn("%s %s: no saved results: cannot open %s:",
				    i == 0 ? "--baseline" : "--current", saved[i], path[i]);
				status = EXIT_USAGE;
			}
		} else if (strcmp(argv[k], "-") == 0) {
			fd[i] = 0;
			name[i] = "stdin";
			k++;
		} else if ((fd[i] = open(argv[k], O_RDONLY)) < 0) {
			warn("%s: cannot open:", argv[k++]);
			status = EXIT_USAGE;
		} else {
			name[i] = argv[k++];
		}
	}
	for (int i = 0; i < 2 && status == EXIT_OK; i++) {
		fd[i] = diffmerge_spill(fd[i], name[i]);
		kind[i] = saved[i] != NULL ? PROFDIFF_RESULTS : profdiff_input(fd[i]);
	}
	if (status == EXIT_OK && kind[0] != kind[1]) {
		int r = kind[0] == PROFDIFF_RESULTS ? 0 : 1;

		warn("%s: benchmark results, but %s: a profile: prof-diff compares two profiles "
		    "or two sets of benchmark results", name[r], name[1 - r]);
		status = EXIT_USAGE;
	}
	*results = status == EXIT_OK && kind[0] == PROFDIFF_RESULTS;
	return status;
}

int
main(int argc, char *argv[])
{
	struct profdiff_opts po = { .ofile = "-", .format = TABLE_TEXT, .rows = 20,
	    .granularity = TOP_FUNCTION, .jobs = input_default_jobs() };
	struct benchdiff_opts bo = { .alpha = 0.05 };
	const char *saved[2] = { NULL, NULL }, *results_dir = NULL, *fail_above = NULL;
	const char *name[2], *what;
	char *path[2] = { NULL, NULL };
	int c, fd[2] = { -1, -1 }, status, nsaved, results;
	int alpha_given = 0, format_given = 0, gran_given = 0, jobs_given = 0, rows_given = 0,
	    sort_given = 0;

	argv[0] = util_setprog(argv[0]);
	while ((c = getopt_long(argc, argv, "j:no:s", longopts, NULL)) != -1) {
		switch (c) {
		case 'j':
			po.jobs = (int)arg_int(optarg, 1, 256, "--jobs");
			jobs_given = 1;
			break;
		case 'n':
			po.normalize = 1;
			break;
		case 'o':
			po.ofile = optarg;
			break;
		case 's':
			po.strip_hex = 1;
			break;
		case OPT_ALPHA:
			bo.alpha = arg_real(optarg, 0, 1, "--alpha");
			if (bo.alpha == 0 || bo.alpha == 1)
				die("--alpha: %s is out of range; use a number between 0 and 1, both excluded",
				    optarg);
			alpha_given = 1;
			break;
		case OPT_BASELINE:
			saved[0] = optarg;
			break;
		case OPT_CURRENT:
			saved[1] = optarg;
			break;
		case OPT_FAIL:
			/* its range is the comparison's, known from the inputs */
			fail_above = optarg;
			break;
		case OPT_FORMAT:
			po.format = arg_choice(optarg, (const char *const[]){ "table", "csv", "json",
			    "markdown", NULL }, "a format", "--format");
			format_given = 1;
			break;
		case OPT_GRAN:
			po.granularity = arg_choice(optarg, (const char *const[]){ "function", "file",
			    "line", "module", NULL }, "a granularity", "--granularity");
			gran_given = 1;
			break;
		case OPT_HELP:
			return arg_help(synopsis, options_help);
		case OPT_VERSION:
			return arg_version();
		case OPT_RESULTS_DIR:
			results_dir = optarg;
			break;
		case OPT_ROWS:
			po.rows = (size_t)arg_int(optarg, 0, 1000000000, "--rows");
			rows_given = 1;
			break;
		case OPT_SORT:
			po.cum = arg_choice(optarg, (const char *const[]){ "flat", "cum", NULL },
			    "a share", "--sort");
			sort_given = 1;
			break;
		case OPT_SUMMARY:
			po.summary = 1;
			break;
		/* prof(7)'s vocabulary renamed them */
		case OPT_BY:
			arg_renamed("--by", "--sort");
		case OPT_FAIL_REGRESSION:
			arg_renamed("--fail-on-regression", "--fail-above");
		case OPT_TOP:
			arg_renamed("--top", "--rows");
		default:
			arg_usage(synopsis);
		}
	}
	argc -= optind;
	argv += optind;

	/* --baseline and --current stand for the operands old and new. */
	nsaved = (saved[0] != NULL) + (saved[1] != NULL);
	if (argc != 2 - nsaved) {
		warn(argc > 2 - nsaved ? "too many arguments" : nsaved ?
		    "two sets of results are needed, old (or --baseline) and new (or --current)" :
		    "two profiles are needed, before and after");
		arg_usage(synopsis);
	}
	if (results_dir != NULL && !nsaved)
		die("--results-dir: only with --baseline or --current");
	if (argc == 2 && strcmp(argv[0], "-") == 0 && strcmp(argv[1], "-") == 0)
		die("the standard input can be one of the inputs, not both");
	/* Write errors are seen when the output is closed: a closed pipe
	 * ends the program as SIGPIPE would, any other is reported. */
	signal(SIGPIPE, SIG_IGN);

	if ((status = open_inputs(argv, saved, results_dir, fd, name, path, &results)) != EXIT_OK)
		goto done;
	if (results) {
		what = po.normalize ? "-n" : po.strip_hex ? "-s" : po.summary ? "--summary" :
		    sort_given ? "--sort" : gran_given ? "--granularity" : rows_given ? "--rows" :
		    jobs_given ? "--jobs" : NULL;
		if (what != NULL)
			die("%s: only when comparing profiles, not benchmark results", what);
	} else {
		if (alpha_given)
			die("--alpha: only when comparing benchmark results, not profiles");
		if ((format_given || rows_given) && !po.summary)
			die("%s: only with --summary", format_given ? "--format" : "--rows");
		if ((sort_given || gran_given) && !po.summary && fail_above == NULL)
			die("%s: only with --summary or --fail-above", sort_given ? "--sort" : "--granularity");
	}
	/* The gate: profiles' share points, or results' percent slower. */
	if (fail_above != NULL) {
		po.gate = bo.gate = 1;
		po.fail_above = bo.fail_above = arg_real(fail_above, 0, results ? 100000 : 100,
		    "--fail-above");
	}
	if (results) {
		bo.ofile = po.ofile;
		bo.format = po.format;
		status = benchdiff_compare(&bo, fd, name);
	} else {
		status = profdiff_compare(&po, fd, name);
	}
done:
	for (int i = 0; i < 2; i++)
		if (fd[i] > 0)
			close(fd[i]);
	free(path[0]);
	free(path[1]);
	return status;
}
