/* prof-plan: from a profile to tasks.md, a ranked plan.  See prof-plan(1). */
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>

#include "core/arg.h"
#include "core/util.h"
#include "plan/planrun.h"

static const char synopsis[] =
"usage: prof-plan [-j jobs] [-o file] [--format fmt] [--min-gain pct]\n"
"                 [--binary path] [--source dir] [--diff file] [--bench file]\n"
"                 [--rules file] [--report file] [file ...]\n"
"       prof-plan --run-profile [--scenario name] [--profiler name] [--apply]\n"
"                 [options]\n";

static const char options_help[] =
"\n"
"Reads folded profiles (one plan of several types: cpu, offcpu, memory, ...);\n"
"writes a ranked plan of optimisation tasks.\n"
"  -j, --jobs jobs       threads reading (default: the CPUs)\n"
"  -o, --output file     write the plan to file, atomically (default: stdout)\n"
"  --format fmt          markdown (default) or json\n"
"  --min-gain pct        only tasks that save at least pct% of the whole\n"
"                        cost (default 1)\n"
"  --binary path         static facts from this ELF file (default: the\n"
"                        profiled command, from the profile's metadata)\n"
"  --source dir          quote the hot lines from the sources under dir\n"
"  --diff file           a differential profile (prof-diff): regressions\n"
"  --bench file          benchmark results (prof-bench, hyperfine JSON)\n"
"  --rules file          rules over the built-in catalog (CSV); repeatable\n"
"  --report file         also write the long report to file\n"
"  --run-profile         record the scenario with prof-record, then plan\n"
"  --scenario name       the [scenario name] of prof.conf (default: default)\n"
"  --profiler name       with --run-profile: prof (prof-record, the default),\n"
"                        perf (cpu only) or pprof (the scenario's pprof file\n"
"                        or URL)\n"
"  --apply               with --run-profile: write tasks.md, and the report\n"
"                        into .prof/reports/\n"
"  --help                this text\n"
"  --version             the version, and exit\n"
"See prof-plan(1), prof-folded(5), prof.conf(5) and prof(7).\n";

enum {
	OPT_APPLY = 256, OPT_BENCH, OPT_BINARY, OPT_DIFF, OPT_FORMAT, OPT_HELP, OPT_VERSION, OPT_MIN_GAIN,
	OPT_PROFILER, OPT_REPORT, OPT_RULES, OPT_RUN, OPT_SCENARIO, OPT_SOURCE
};

static const struct option longopts[] = {
	{ "apply", no_argument, NULL, OPT_APPLY },
	{ "bench", required_argument, NULL, OPT_BENCH },
	{ "binary", required_argument, NULL, OPT_BINARY },
	{ "diff", required_argument, NULL, OPT_DIFF },
	{ "format", required_argument, NULL, OPT_FORMAT },
	{ "help", no_argument, NULL, OPT_HELP },
	{ "jobs", required_argument, NULL, 'j' },
	{ "min-gain", required_argument, NULL, OPT_MIN_GAIN },
	{ "output", required_argument, NULL, 'o' },
	{ "profiler", required_argument, NULL, OPT_PROFILER },
	{ "report", required_argument, NULL, OPT_REPORT },
	{ "rules", required_argument, NULL, OPT_RULES },
	{ "run-profile", no_argument, NULL, OPT_RUN },
	{ "scenario", required_argument, NULL, OPT_SCENARIO },
	{ "source", required_argument, NULL, OPT_SOURCE },
	{ "version", no_argument, NULL, OPT_VERSION },
	{ NULL, 0, NULL, 0 }
};

int
main(int argc, char *argv[])
{
	struct planrun_opts o = { .min_gain = 0.01, .profiler = -1, .argc = argc, .argv = argv };
	struct planrun *r;
	char **rules = NULL;
	int c, status;

	argv[0] = util_setprog(argv[0]);
	while ((c = getopt_long(argc, argv, "j:o:", longopts, NULL)) != -1) {
		switch (c) {
		case 'j':
			o.jobs = (int)arg_int(optarg, 1, 256, "--jobs");
			break;
		case 'o':
			o.output = optarg;
			break;
		case OPT_APPLY:
			o.apply = 1;
			break;
		case OPT_BENCH:
			o.bench = optarg;
			break;
		case OPT_BINARY:
			o.binary = optarg;
			break;
		case OPT_DIFF:
			o.diff = optarg;
			break;
		case OPT_FORMAT:
			o.format = arg_choice(optarg, (const char *const[]){ [PLANRUN_MARKDOWN] =
			    "markdown", [PLANRUN_JSON] = "json", NULL }, "a format", "--format");
			break;
		case OPT_HELP:
			return arg_help(synopsis, options_help);
		case OPT_VERSION:
			return arg_version();
		case OPT_MIN_GAIN:
			o.min_gain = arg_real(optarg, 0, 100, "--min-gain") / 100;
			break;
		case OPT_PROFILER:
			o.profiler = arg_choice(optarg, planrun_profilers, "a profiler", "--profiler");
			break;
		case OPT_REPORT:
			o.report = optarg;
			break;
		case OPT_RULES:
			rules = xreallocarray(rules, o.nrules + 1, sizeof(*rules));
			rules[o.nrules++] = optarg;
			break;
		case OPT_RUN:
			o.record = 1;
			break;
		case OPT_SCENARIO:
			o.scenario = optarg;
			break;
		case OPT_SOURCE:
			o.source = optarg;
			break;
		default:
			arg_usage(synopsis);
		}
	}
	argc -= optind;
	argv += optind;
	o.rules = rules;
	if (!o.record && (o.apply || o.scenario != NULL || o.profiler >= 0))
		die("--%s: only with --run-profile", o.apply ? "apply" : o.scenario != NULL ?
		    "scenario" : "profiler");
	if (o.record && argc > 0)
		die("--run-profile records its profile: no file operands");
	if (o.apply && o.output != NULL)
		die("--apply writes tasks.md (prof.conf's [plan] tasks): not with -o");
	signal(SIGPIPE, SIG_IGN);

	if ((r = planrun_new(&o)) == NULL)
		status = EXIT_USAGE;
	else {
		if (o.record)
			planrun_record(r);
		if ((status = planrun_read(r, argc, argv)) == EXIT_OK) {
			planrun_plan(r);
			status = planrun_write(r);
		}
		planrun_free(r);
	}
	free(rules);
	return status;
}
