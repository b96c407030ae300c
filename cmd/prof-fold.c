/* prof-fold: collapse stack samples into folded stacks.  See prof-fold(1). */
#include <getopt.h>
#include <regex.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/arg.h"
#include "core/count.h"
#include "core/outfile.h"
#include "core/util.h"
#include "folded/folded.h"
#include "folded/meta.h"
#include "folded/stacktable.h"
#include "folded/transform.h"
#include "input/input.h"
#include "pprof/pprof.h"

static const char synopsis[] =
"usage: prof-fold [-o file] [-j jobs] [--input-format format] [--format format]\n"
"                 [--pid | --tid] [--kernel] [--jit] [--all] [--addrs]\n"
"                 [--event-filter event] [--inline] [--context] [--debuginfod]\n"
"                 [--period] [--sample-type type] [--label key]\n"
"                 [--focus regex] [--ignore regex] [--hide regex]\n"
"                 [--collapse-recursion] [--depth n] [--strip-addrs]\n"
"                 [--scale factor] [--strict] [file ...]\n";

static const char options_help[] =
"\n"
"Reads perf script text, folded stacks or pprof profiles; writes folded\n"
"stacks, sorted, or a pprof profile.\n"
"  -o, --output file     write to file, atomically (default: stdout)\n"
"  -j, --jobs jobs       parse with this many threads (default: CPUs)\n"
"  --input-format format perf, folded or pprof (default: detected per file)\n"
"  --format format       folded (the default) or pprof (gzipped profile.proto)\n"
"  --pid, --tid          root frame comm-PID, or comm-PID/TID (perf)\n"
"  --kernel, --jit       annotate kernel frames _[k], JIT frames _[j] (perf)\n"
"  --all                 both annotations (perf)\n"
"  --addrs               keep the address of frames without symbol (perf)\n"
"  --event-filter event  keep samples of this event (default: the first)\n"
"  --inline              resolve user frames to inlined functions (perf)\n"
"  --context             with --inline, frames carry their file:line\n"
"                        (pprof: file:line and module, without --inline)\n"
"  --debuginfod          with --inline, ask the debuginfod servers of\n"
"                        DEBUGINFOD_URLS for missing debugging information\n"
"  --period              count each sample's period, not one (perf)\n"
"  --sample-type type    the value of a pprof sample to count (default: the\n"
"                        profile's default, else its last)\n"
"  --label key           a pprof label's value as root frame key:value\n"
"                        (repeatable; the first is the root)\n"
"  --focus regex         keep stacks with a frame matching regex (ERE)\n"
"  --ignore regex        drop stacks with a frame matching regex\n"
"  --hide regex          remove matching frames, keeping the stacks\n"
"  --collapse-recursion  a frame repeated directly under itself becomes one\n"
"  --depth n             keep the n root-most frames of each stack\n"
"  --strip-addrs         +0x offsets removed, addresses to one form\n"
"  --scale factor        multiply every count by factor\n"
"  --strict              unreadable lines are an error (exit 2)\n"
"  --help                this text\n"
"  --version             the version, and exit\n"
"See prof-fold(1), prof-folded(5) and prof(7).\n";

enum {
	OPT_ADDRS = 256, OPT_ALL, OPT_COLLAPSE, OPT_CONTEXT, OPT_DEBUGINFOD, OPT_DEPTH,
	OPT_EVENT, OPT_FOCUS, OPT_FORMAT, OPT_HELP, OPT_VERSION, OPT_HIDE, OPT_IGNORE, OPT_INLINE,
	OPT_INPUT_FORMAT, OPT_JIT, OPT_KERNEL, OPT_LABEL, OPT_PERIOD, OPT_PID, OPT_SAMPLE_TYPE,
	OPT_SCALE, OPT_STRICT, OPT_STRIP, OPT_TID,
	OPT_WAS_GREP, OPT_WAS_GREP_V, OPT_WAS_INPUT
};

static const struct option longopts[] = {
	{ "addrs", no_argument, NULL, OPT_ADDRS },
	{ "all", no_argument, NULL, OPT_ALL },
	{ "collapse-recursion", no_argument, NULL, OPT_COLLAPSE },
	{ "context", no_argument, NULL, OPT_CONTEXT },
	{ "debuginfod", no_argument, NULL, OPT_DEBUGINFOD },
	{ "depth", required_argument, NULL, OPT_DEPTH },
	{ "event-filter", required_argument, NULL, OPT_EVENT },
	{ "focus", required_argument, NULL, OPT_FOCUS },
	{ "format", required_argument, NULL, OPT_FORMAT },
	{ "help", no_argument, NULL, OPT_HELP },
	{ "hide", required_argument, NULL, OPT_HIDE },
	{ "ignore", required_argument, NULL, OPT_IGNORE },
	{ "inline", no_argument, NULL, OPT_INLINE },
	{ "input-format", required_argument, NULL, OPT_INPUT_FORMAT },
	{ "jit", no_argument, NULL, OPT_JIT },
	{ "jobs", required_argument, NULL, 'j' },
	{ "kernel", no_argument, NULL, OPT_KERNEL },
	{ "label", required_argument, NULL, OPT_LABEL },
	{ "output", required_argument, NULL, 'o' },
	{ "period", no_argument, NULL, OPT_PERIOD },
	{ "pid", no_argument, NULL, OPT_PID },
	{ "sample-type", required_argument, NULL, OPT_SAMPLE_TYPE },
	{ "scale", required_argument, NULL, OPT_SCALE },
	{ "strict", no_argument, NULL, OPT_STRICT },
	{ "strip-addrs", no_argument, NULL, OPT_STRIP },
	{ "tid", no_argument, NULL, OPT_TID },
	{ "version", no_argument, NULL, OPT_VERSION },
	/* prof's own old spellings, renamed by prof(7)'s vocabulary */
	{ "grep", required_argument, NULL, OPT_WAS_GREP },
	{ "grep-v", required_argument, NULL, OPT_WAS_GREP_V },
	{ "input", required_argument, NULL, OPT_WAS_INPUT },
	{ NULL, 0, NULL, 0 }
};

int
main(int argc, char *argv[])
{
	struct perf_opts po = { 0 };
	struct pprof_opts pp = { 0 };
	const char **labels = NULL;
	struct transform_opts xo = { 0 };
	struct input g = { 0 };
	const char *ofile = "-";
	int c, strict = 0, debuginfod = 0, pprof_out = 0, status = EXIT_OK;

	argv[0] = util_setprog(argv[0]);
	g.jobs = input_default_jobs();
	while ((c = getopt_long(argc, argv, "j:o:", longopts, NULL)) != -1) {
		switch (c) {
		case 'j':
			g.jobs = (int)arg_int(optarg, 1, 256, "--jobs");
			break;
		case 'o':
			ofile = optarg;
			break;
		case OPT_ADDRS:
			po.addrs = 1;
			break;
		case OPT_ALL:
			po.kernel = po.jit = 1;
			break;
		case OPT_COLLAPSE:
			xo.collapse_recursion = 1;
			break;
		case OPT_CONTEXT:
			po.context = po.inline_frames = 1;
			break;
		case OPT_DEBUGINFOD:
			debuginfod = 1;
			break;
		case OPT_DEPTH:
			xo.depth = (long)arg_int(optarg, 1, 1000000, "--depth");
			break;
		case OPT_EVENT:
			free(g.event);
			g.event = xstrdup(optarg);
			break;
		case OPT_FOCUS:
			xregfree(xo.focus);
			xo.focus = xregcomp(optarg, "--focus");
			break;
		case OPT_FORMAT:
			pprof_out = arg_choice(optarg, (const char *const[]){ "folded", "pprof", NULL },
			    "a format", "--format");
			break;
		case OPT_HELP:
			return arg_help(synopsis, options_help);
		case OPT_VERSION:
			return arg_version();
		case OPT_HIDE:
			xregfree(xo.hide);
			xo.hide = xregcomp(optarg, "--hide");
			break;
		case OPT_IGNORE:
			xregfree(xo.ignore);
			xo.ignore = xregcomp(optarg, "--ignore");
			break;
		case OPT_INLINE:
			po.inline_frames = 1;
			break;
		case OPT_INPUT_FORMAT:
			g.format = (const int[]){ INPUT_PERF, INPUT_FOLDED, INPUT_PPROF }[
			    arg_choice(optarg, (const char *const[]){ "perf", "folded", "pprof", NULL },
			    "a format", "--input-format")];
			break;
		case OPT_JIT:
			po.jit = 1;
			break;
		case OPT_KERNEL:
			po.kernel = 1;
			break;
		case OPT_LABEL:
			labels = xreallocarray(labels, pp.nlabels + 1, sizeof(*labels));
			labels[pp.nlabels++] = optarg;
			pp.labels = labels;
			break;
		case OPT_PERIOD:
			po.period = 1;
			break;
		case OPT_PID:
			po.pid = 1;
			break;
		case OPT_SAMPLE_TYPE:
			pp.sample_type = optarg;
			break;
		case OPT_WAS_GREP:
			arg_renamed("--grep", "--focus");
		case OPT_WAS_GREP_V:
			arg_renamed("--grep-v", "--ignore");
		case OPT_WAS_INPUT:
			arg_renamed("--input", "--input-format");
		case OPT_SCALE:
			if (count_parse(optarg, strlen(optarg), &xo.factor) != COUNT_OK)
				die("--scale: '%s' is not a factor; use a decimal number of 0 or more with at most %d decimals",
				    optarg, COUNT_DECIMALS);
			xo.scale = 1;
			break;
		case OPT_STRICT:
			strict = 1;
			break;
		case OPT_STRIP:
			xo.strip_addrs = 1;
			break;
		case OPT_TID:
			po.tid = 1;
			break;
		default:
			arg_usage(synopsis);
		}
	}
	argc -= optind;
	argv += optind;

	/* libdwfl asks debuginfod servers when this is set; prof-fold reads
	 * only the files on this machine unless told otherwise. */
	if (po.inline_frames && !debuginfod)
		unsetenv("DEBUGINFOD_URLS");
	/* Write errors are seen when the output is closed: a closed pipe
	 * ends the program as SIGPIPE would, any other is reported. */
	signal(SIGPIPE, SIG_IGN);
	g.perf = &po;
	pp.context = po.context;
	g.pprof = &pp;
	input_init(&g);
	struct outfile *of = outfile_open(ofile);
	FILE *out = outfile_fp(of);

	if (pprof_out && strcmp(ofile, "-") == 0 && isatty(fileno(out)))
		die("--format pprof: not writing a binary profile to a terminal; use -o file or a redirection");

	status = input_files(&g, argc, argv);
	if (strict && g.bad_lines > 0) {
		warn("--strict: %llu unreadable line%s", (unsigned long long)g.bad_lines,
		    g.bad_lines == 1 ? "" : "s");
		status = EXIT_USAGE;
	}
	/* On an error, no output rather than a partial one. */
	if (status == EXIT_OK) {
		size_t n;
		struct stacktable_entry **v;

		/* not an error (an idle program, a filter that kept nothing), but
		 * an empty output should not leave the user guessing */
		if (stacktable_count(g.tab) == 0)
			warn("no samples in the input");
		g.tab = transform_apply(g.tab, &xo);
		v = stacktable_sorted(g.tab, &n);
		if (pprof_out) {
			char err[256];
			if (g.kind == FOLDED_DIFF) {
				warn("--format pprof: a differential profile (two counts a line) has no pprof form");
				status = EXIT_USAGE;
			} else if (pprof_write_table(out, v, n, &g.meta, err, sizeof(err)) < 0) {
				warn("--format pprof: %s", err);
				status = EXIT_USAGE;
			}
		} else {
			if (g.nmeta > 0)
				meta_write(out, &g.meta);
			for (size_t i = 0; i < n; i++)
				folded_write(out, v[i]->key, v[i]->len, v[i]->n, g.kind);
		}
		free(v);
	}
	if (status != EXIT_OK)
		outfile_discard(of);
	else if (outfile_commit(of) < 0)
		status = EXIT_FINDING;
	input_free(&g);
	xregfree(xo.focus);
	xregfree(xo.ignore);
	xregfree(xo.hide);
	free(labels);
	return status;
}
