/* prof-bench: benchmarks of commands and built-in micro-benchmarks.  See prof-bench(1). */
#define _GNU_SOURCE
#include <fcntl.h>
#include <getopt.h>
#include <limits.h>
#include <math.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>

#include "agent/agent.h"
#include "bench/bench.h"
#include "bench/benchbuiltin.h"
#include "bench/benchplan.h"
#include "bench/benchreport.h"
#include "bench/benchsession.h"
#include "bench/launch.h"
#include "core/arg.h"
#include "core/cmdline.h"
#include "core/util.h"
#include "record/agentread.h"
static const char synopsis[] =
"usage: prof-bench [-iN] [-w runs] [-r runs] [-m runs] [-M runs] [--duration seconds]\n"
"                  [-p cmd] [-c cmd] [-s cmd] [-C cmd] [-S shell]\n"
"                  [-P var min max [--step d]] [-L var list] [-n name]\n"
"                  [--reference cmd] [--order order] [--seed n]\n"
"                  [--input file] [--output where] [--show-output]\n"
"                  [--concurrency n] [--record file] [--allocs] [-u unit]\n"
"                  [--sort method]\n"
"                  [--export-json file] [--export-csv file]\n"
"                  [--export-markdown file] [--save name] [--results-dir dir]\n"
"                  command ...\n"
"       prof-bench --builtin name [--iterations n | --duration seconds]\n"
"                  [--concurrency n] [-w batches] [export options]\n"
"       prof-bench --list [--results-dir dir]\n";

static const char options_help[] =
"\n"
"Runs each command many times and reports its time with sound statistics.\n"
"  -w, --warmup runs       runs before measuring, not counted (default 0)\n"
"  -r, --runs runs         exactly this many measured runs\n"
"  -m, --min-runs runs     at least this many (default 10)\n"
"  -M, --max-runs runs     at most this many (default: no limit)\n"
"  --duration seconds      time to fill per command (default 3)\n"
"  -p, --prepare cmd       before each run (once, or once per command)\n"
"  -c, --conclude cmd      after each run\n"
"  -s, --setup cmd         once before a command's runs\n"
"  -C, --cleanup cmd       once after them\n"
"  -S, --shell shell       run commands under this shell (\"none\": as -N)\n"
"  -N                      no shell: split the command into words, exec it\n"
"                          (default for commands without shell syntax)\n"
"  -P, --parameter-scan var min max   {var} from min to max, by --step d\n"
"  -L, --parameter-list var a,b,c     {var} takes each value\n"
"  -n, --command-name name name the commands, in order ({var} allowed)\n"
"  --reference cmd         benchmark it too; speeds relative to it\n"
"  --order order           interleaved (default), shuffle or sequential\n"
"  --seed n                the seed of --order shuffle\n"
"  -i, --ignore-failure    keep runs that exit non-zero\n"
"  --input file            the commands' standard input (default /dev/null)\n"
"  --output where          null (default), inherit, or a file\n"
"  --show-output           as --output inherit\n"
"  --concurrency n         n copies at once: throughput and latency\n"
"  --record file           also record a CPU profile (folded) with prof-record\n"
"  --allocs                count each command's allocations and bytes in one\n"
"                          more run, with prof-record's agent (not timed)\n"
"  -u, --time-unit unit    s, ms, us or ns (default: by size)\n"
"  --sort method           auto (default), command or mean-time\n"
"  --export-json file      hyperfine's JSON schema, extended\n"
"  --export-csv file       CSV, with each run's time\n"
"  --export-markdown file  a Markdown table\n"
"  --save name             keep the results in the results directory\n"
"  --results-dir dir       default $PROF_BENCH_DIR, prof.conf, .prof/bench\n"
"  --list                  list the saved results\n"
"  --builtin name          a built-in micro-benchmark (\"list\": their names)\n"
"  --iterations n          operations of a built-in (default: by --duration)\n"
"  --help                  this text\n"
"  --version               the version, and exit\n"
"See prof-bench(1).\n";

enum {
	OPT_ALLOCS = 256, OPT_BUILTIN, OPT_CONCURRENCY, OPT_DURATION, OPT_EXPORT_CSV, OPT_EXPORT_JSON,
	OPT_EXPORT_MD, OPT_HELP, OPT_VERSION, OPT_INPUT, OPT_ITERATIONS, OPT_LIST, OPT_ORDER, OPT_OUTPUT,
	OPT_RECORD, OPT_REFERENCE, OPT_RESULTS_DIR, OPT_SAVE, OPT_SEED, OPT_SHOW_OUTPUT,
	OPT_SORT, OPT_STEP
};

static const struct option longopts[] = {
	{ "allocs", no_argument, NULL, OPT_ALLOCS },
	{ "builtin", required_argument, NULL, OPT_BUILTIN },
	{ "cleanup", required_argument, NULL, 'C' },
	{ "command-name", required_argument, NULL, 'n' },
	{ "concurrency", required_argument, NULL, OPT_CONCURRENCY },
	{ "conclude", required_argument, NULL, 'c' },
	{ "duration", required_argument, NULL, OPT_DURATION },
	{ "export-csv", required_argument, NULL, OPT_EXPORT_CSV },
	{ "export-json", required_argument, NULL, OPT_EXPORT_JSON },
	{ "export-markdown", required_argument, NULL, OPT_EXPORT_MD },
	{ "help", no_argument, NULL, OPT_HELP },
	{ "ignore-failure", no_argument, NULL, 'i' },
	{ "input", required_argument, NULL, OPT_INPUT },
	{ "iterations", required_argument, NULL, OPT_ITERATIONS },
	{ "list", no_argument, NULL, OPT_LIST },
	{ "max-runs", required_argument, NULL, 'M' },
	{ "min-runs", required_argument, NULL, 'm' },
	{ "order", required_argument, NULL, OPT_ORDER },
	{ "output", required_argument, NULL, OPT_OUTPUT },
	{ "parameter-list", required_argument, NULL, 'L' },
	{ "parameter-scan", required_argument, NULL, 'P' },
	{ "prepare", required_argument, NULL, 'p' },
	{ "record", required_argument, NULL, OPT_RECORD },
	{ "reference", required_argument, NULL, OPT_REFERENCE },
	{ "results-dir", required_argument, NULL, OPT_RESULTS_DIR },
	{ "runs", required_argument, NULL, 'r' },
	{ "save", required_argument, NULL, OPT_SAVE },
	{ "seed", required_argument, NULL, OPT_SEED },
	{ "setup", required_argument, NULL, 's' },
	{ "shell", required_argument, NULL, 'S' },
	{ "show-output", no_argument, NULL, OPT_SHOW_OUTPUT },
	{ "sort", required_argument, NULL, OPT_SORT },
	{ "step", required_argument, NULL, OPT_STEP },
	{ "time-unit", required_argument, NULL, 'u' },
	{ "version", no_argument, NULL, OPT_VERSION },
	{ "warmup", required_argument, NULL, 'w' },
	{ NULL, 0, NULL, 0 }
};

/* -u: the unit's name, or hyperfine's word for it. */
static const char *
time_unit(const char *s)
{
	static const char *const units[] = { "s", "ms", "us", "ns", NULL };
	static const char *const words[] = { "second", "millisecond", "microsecond", "nanosecond" };

	for (size_t i = 0; i < sizeof words / sizeof words[0]; i++)
		if (strcmp(s, words[i]) == 0)
			return units[i];
	return units[arg_choice(s, units, "a unit", "-u")];
}

/*
 * One run of argv under the agent in its counting mode (agent.h,
 * AGENT_REC_COUNT), its stream in an unnamed file opened O_APPEND (no pipe
 * to drain while the command runs); the allocations and bytes of all its
 * processes into *allocs and *bytes.  Returns 0, or -1 after a warning.
 */
static int
count_run(char *const argv[], const char *agent, const struct launch_io *io,
    double *allocs, double *bytes)
{
	const char *old = getenv("LD_PRELOAD");
	char *saved = old != NULL ? xstrdup(old) : NULL;
	struct agentread_stats st;
	struct agentread *a;
	struct bench_run run;
	int fd, rc;

	if ((fd = memfd_create("prof-bench-allocs", 0)) < 0 ||
	    fcntl(fd, F_SETFL, O_APPEND) < 0)
		die("--allocs: memfd_create:");
	agentread_setenv(agent, fd, 1, AGENT_EV_COUNT);
	rc = launch_run(argv, io, 0, &run);
	if (saved != NULL)
		setenv("LD_PRELOAD", saved, 1);
	else
		unsetenv("LD_PRELOAD");
	free(saved);
	unsetenv(AGENT_ENV_FD);
	unsetenv(AGENT_ENV_RATE);
	unsetenv(AGENT_ENV_EVENTS);
	if (rc < 0) {
		close(fd);
		warn("--allocs: cannot run %s:", argv[0]);
		return -1;
	}
	a = agentread_new(&(struct agentread_opts){ .max_stack = 0 });
	if (lseek(fd, 0, SEEK_SET) != 0 || agentread_fd(a, fd) < 0)
		die("--allocs: the agent's stream:");
	close(fd);
	agentread_end(a);
	agentread_get_stats(a, &st);
	agentread_free(a);
	if (st.counted == 0) {
		warn("--allocs: %s: the agent counted nothing (a static or setuid program?)", argv[0]);
		return -1;
	}
	if (st.counted < st.images)
		warn("--allocs: %s: %llu of %llu processes did not send their count (killed "
		    "by a signal?): the counts miss theirs", argv[0],
		    (unsigned long long)(st.images - st.counted), (unsigned long long)st.images);
	*allocs = (double)st.counted_allocs;
	*bytes = (double)st.counted_bytes;
	return 0;
}

/*
 * --allocs: after the measured runs, one more run of each command counts
 * its allocations into its allocs_per_op and bytes_per_op (per run); a
 * command run under the shell has the shell's own (of an empty command)
 * subtracted, as its time has.  Returns 0, or 1 when a count failed.
 */
static int
count_allocs(const struct benchsession_opts *so, const struct benchsession_cmd *cmds, size_t n,
    struct bench_results *r)
{
	struct launch_io io = { so->in, so->out, so->err };
	char agent[PATH_MAX], *sh[] = { (char *)so->shell, "-c", "", NULL }, **argv;
	double shell_allocs = -1, shell_bytes = 0, allocs, bytes;
	const char *err;
	int status = EXIT_OK;

	if (agentread_agent_path(agent, sizeof agent) != 0)
		die("--allocs: " AGENT_LIBRARY " not found beside prof-bench or in ../lib/prof");
	for (size_t i = 0; i < n && i < r->n; i++) {
		if (cmds[i].shell) {
			if (shell_allocs < 0 && count_run(sh, agent, &io, &shell_allocs, &shell_bytes) < 0)
				shell_allocs = shell_bytes = 0;
			sh[2] = (char *)cmds[i].command;
			argv = sh;
		} else if ((argv = cmdline_split(cmds[i].command, &err)) == NULL) {
			die("%s: %s", cmds[i].name, err);
		}
		if (count_run(argv, agent, &io, &allocs, &bytes) == 0) {
			if (cmds[i].shell) {
				allocs = fmax(0, allocs - shell_allocs);
				bytes = fmax(0, bytes - shell_bytes);
			}
			r->b[i].allocs_per_op = allocs;
			r->b[i].bytes_per_op = bytes;
		} else {
			status = EXIT_FINDING;
		}
		if (argv != sh)
			free(argv);
		sh[2] = "";
	}
	return status;
}

/* An option's second (and third) argument: the next words of argv. */
static const char *
next_arg(int argc, char *argv[], const char *opt)
{
	if (optind >= argc)
		die("%s: needs more arguments", opt);
	return argv[optind++];
}

int
main(int argc, char *argv[])
{
	/* In the order of enum benchsession_order and enum benchreport_sort. */
	static const char *const orders[] = { "interleaved", "shuffle", "sequential", NULL };
	static const char *const sorts[] = { "auto", "command", "mean-time", NULL };
	struct benchsession_opts so = { .min_runs = 10, .duration = 3, .concurrency = 1, .hw = 1 };
	struct benchreport_opts ro = { .ref = -1 };
	struct benchplan plan = { 0 };
	struct benchsession_cmd *cmds = NULL;
	struct bench_results *r;
	const char *input = NULL, *output = NULL, *dir = NULL, *save = NULL, *record = NULL;
	int allocs = 0;
	const char *builtin = NULL, *min, *max;
	char *save_path = NULL;
	long long iterations = 0;
	size_t ncmd = 0;
	int c, status, list = 0, duration_given = 0;

	argv[0] = util_setprog(argv[0]);
	while ((c = getopt_long(argc, argv, "C:L:M:NP:S:c:im:n:p:r:s:u:w:", longopts, NULL)) != -1) {
		switch (c) {
		case 'C': benchplan_push(&plan.cleanup, optarg); break;
		case 'L': benchplan_list(&plan, optarg, next_arg(argc, argv, "-L")); break;
		case 'M': so.max_runs = arg_int(optarg, 1, 1000000000, "-M"); break;
		case 'N': plan.noshell = 1; break;
		case 'P':
			min = next_arg(argc, argv, "-P");
			max = next_arg(argc, argv, "-P");
			benchplan_scan(&plan, optarg, min, max);
			break;
		case 'S':
			if (strcmp(optarg, "none") == 0)
				plan.noshell = 1;
			else
				plan.shell = optarg;
			break;
		case 'c': benchplan_push(&plan.conclude, optarg); break;
		case 'i': so.ignore_failure = 1; break;
		case 'm': so.min_runs = arg_int(optarg, 1, 1000000000, "-m"); break;
		case 'n': benchplan_push(&plan.names, optarg); break;
		case 'p': benchplan_push(&plan.prepare, optarg); break;
		case 'r': so.runs = arg_int(optarg, 1, 1000000000, "-r"); break;
		case 's': benchplan_push(&plan.setup, optarg); break;
		case 'u': ro.unit = time_unit(optarg); break;
		case 'w': so.warmup = (int)arg_int(optarg, 0, 1000000, "-w"); break;
		case OPT_ALLOCS: allocs = 1; break;
		case OPT_BUILTIN:
			benchbuiltin_check_name(optarg, "--builtin");
			builtin = optarg;
			break;
		case OPT_CONCURRENCY: so.concurrency = (int)arg_int(optarg, 1, 4096, "--concurrency"); break;
		case OPT_DURATION:
			so.duration = arg_real(optarg, 0.001, 1e6, "--duration");
			duration_given = 1;
			break;
		case OPT_EXPORT_CSV: ro.csv = optarg; break;
		case OPT_EXPORT_JSON: ro.json = optarg; break;
		case OPT_EXPORT_MD: ro.markdown = optarg; break;
		case OPT_HELP:
			return arg_help(synopsis, options_help);
		case OPT_VERSION:
			return arg_version();
		case OPT_INPUT: input = optarg; break;
		case OPT_ITERATIONS: iterations = arg_int(optarg, 1, LLONG_MAX / 2, "--iterations"); break;
		case OPT_LIST: list = 1; break;
		case OPT_ORDER: so.order = arg_choice(optarg, orders, "an order", "--order"); break;
		case OPT_OUTPUT: output = optarg; break;
		case OPT_RECORD: record = optarg; break;
		case OPT_REFERENCE: plan.reference = optarg; break;
		case OPT_RESULTS_DIR: dir = optarg; break;
		case OPT_SAVE:
			bench_check_name(optarg, "--save");
			save = optarg;
			break;
		case OPT_SEED: so.seed = (unsigned long)arg_int(optarg, 1, LLONG_MAX, "--seed"); break;
		case OPT_SHOW_OUTPUT: output = "inherit"; break;
		case OPT_SORT: ro.sort = arg_choice(optarg, sorts, "a method", "--sort"); break;
		case OPT_STEP: plan.step = optarg; break;
		default: arg_usage(synopsis);
		}
	}
	benchplan_check(&plan);
	if (list) {
		long n;
		if (builtin)
			die("--list and --builtin: one or the other");
		if (optind < argc)
			die("--list: no commands with it");
		n = bench_list(bench_dir(dir), stdout);
		if (util_fshut(stdout, "stdout") < 0)
			return EXIT_FINDING;
		return n < 0 ? EXIT_USAGE : EXIT_OK;
	}
	if (save)
		ro.save = save_path = bench_saved_path(dir, save);
	if (builtin) {
		if (optind < argc)
			die("--builtin: no commands with it");
		if (allocs)
			die("--allocs: a built-in counts its allocations already");
		if (iterations && duration_given)
			die("--iterations and --duration: one or the other");
		if (!duration_given)
			so.duration = 0;
	} else {
		if (optind == argc) {
			warn("no command to benchmark");
			arg_usage(synopsis);
		}
		if (iterations)
			die("--iterations: only with --builtin");
		if (so.concurrency > 1 && (plan.prepare.n || plan.conclude.n || input))
			die("--concurrency and %s: one or the other",
			    plan.prepare.n ? "-p" : plan.conclude.n ? "-c" : "--input");
		if (so.max_runs && so.max_runs < so.min_runs) {
			if (so.min_runs != 10)
				die("-M: '%ld' is too small; use %ld to 1000000000 (not below -m)",
				    so.max_runs, so.min_runs);
			so.min_runs = so.max_runs;
		}
	}
	if (record)
		benchsession_record(record, argc, argv, optind);
	/* Write errors are seen when the output is closed: a closed pipe
	 * ends the program as SIGPIPE would, any other is reported. */
	signal(SIGPIPE, SIG_IGN);
	so.progress = isatty(2) && !getenv("CI");
	if (!so.seed)
		so.seed = (unsigned long)time(NULL);
	if (builtin && strcmp(builtin, "list") == 0) {
		benchbuiltin_list(stdout);
		free(save_path);
		benchplan_free(&plan);
		return util_fshut(stdout, "stdout") ? EXIT_FINDING : EXIT_OK;
	}

	r = bench_new();
	bench_stamp(r, "prof-bench");
	if (builtin) {
		struct benchbuiltin_opts bo = {
			.iterations = iterations, .duration = so.duration,
			.concurrency = so.concurrency, .warmup = so.warmup,
		};
		status = benchbuiltin_bench(builtin, &bo, r) < 0 ? EXIT_FINDING : EXIT_OK;
	} else {
		cmds = benchplan_commands(&plan, argv + optind, (size_t)(argc - optind), &ncmd);
		so.shell = plan.shell ? plan.shell : "/bin/sh";
		benchsession_streams(&so, input, output);
		status = benchsession_run(&so, cmds, ncmd, r);
		if (status == EXIT_OK && allocs)
			status = count_allocs(&so, cmds, ncmd, r);
		ro.ref = plan.reference ? 0 : -1;
		ro.hw_note = 1;
	}
	if (status == EXIT_OK)
		status = benchreport_session(r, &ro);
	if (util_fshut(stdout, "stdout") < 0)
		status = EXIT_FINDING;
	bench_free(r);
	benchplan_free_commands(cmds, ncmd);
	benchplan_free(&plan);
	free(save_path);
	return status;
}
