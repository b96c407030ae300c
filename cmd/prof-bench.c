/* prof-bench: benchmarks of commands and built-in micro-benchmarks.  See prof-bench(1). */
#define _GNU_SOURCE  /* qsort_r */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <limits.h>
#include <math.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "bench/bench.h"
#include "bench/benchsession.h"
#include "bench/benchreport.h"
#include "bench/benchbuiltin.h"
#include "core/arg.h"
#include "core/cmdline.h"
#include "bench/launch.h"
#include "core/util.h"

static const char synopsis[] =
"usage: prof-bench [-iN] [-w runs] [-r runs] [-m runs] [-M runs] [--duration seconds]\n"
"                  [-p cmd] [-c cmd] [-s cmd] [-C cmd] [-S shell]\n"
"                  [-P var min max [--step d]] [-L var list] [-n name]\n"
"                  [--reference cmd] [--order order] [--seed n]\n"
"                  [--input file] [--output where] [--show-output]\n"
"                  [--concurrency n] [--record file] [-u unit] [--sort method]\n"
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
"See prof-bench(1).\n";

static void __attribute__((noreturn))
usage(void)
{
	fputs(synopsis, stderr);
	exit(EXIT_USAGE);
}

enum {
	OPT_BUILTIN = 256, OPT_CONCURRENCY, OPT_DURATION, OPT_EXPORT_CSV, OPT_EXPORT_JSON,
	OPT_EXPORT_MD, OPT_HELP, OPT_INPUT, OPT_ITERATIONS, OPT_LIST, OPT_ORDER, OPT_OUTPUT,
	OPT_RECORD, OPT_REFERENCE, OPT_RESULTS_DIR, OPT_SAVE, OPT_SEED, OPT_SHOW_OUTPUT,
	OPT_SORT, OPT_STEP
};

static const struct option longopts[] = {
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
	{ "warmup", required_argument, NULL, 'w' },
	{ NULL, 0, NULL, 0 }
};

/* Lists of strings an option may give more than once. */
struct strs {
	const char **v;
	size_t n;
};

static void
push(struct strs *s, const char *v)
{
	s->v = xreallocarray(s->v, s->n + 1, sizeof *s->v);
	s->v[s->n++] = v;
}

/* A parameter: its name and values; the commands run every combination. */
struct param {
	const char *name;
	struct strs values;
};

struct opts {
	struct benchsession_opts so;
	struct strs names, prepare, conclude, setup, cleanup;
	struct param *params;
	size_t nparams;
	const char *scan[3], *step, *reference, *input, *output, *unit, *sort;
	const char *json, *csv, *markdown, *save, *dir, *record, *builtin;
	long long iterations;
	int noshell, list, runs_given;
};

/* The values of --parameter-scan: integers when all three are, else by
 * the step, which must then be given. */
static void
scan_values(struct opts *o)
{
	struct param *p = &o->params[o->nparams - 1];
	double lo = arg_real(o->scan[1], -1e15, 1e15, "--parameter-scan");
	double hi = arg_real(o->scan[2], -1e15, 1e15, "--parameter-scan");
	double d = o->step ? arg_real(o->step, 1e-12, 1e15, "--step") : 1;
	int ints = !strpbrk(o->scan[1], ".eE") && !strpbrk(o->scan[2], ".eE") &&
	    (!o->step || !strpbrk(o->step, ".eE"));
	double n = floor((hi - lo) / d + 1e-9);

	if (hi < lo)
		die("--parameter-scan: %s is below %s", o->scan[2], o->scan[1]);
	if (n >= 100000)
		die("--parameter-scan: %.0f values; at most 100000", n + 1);
	for (long k = 0; k <= (long)n; k++) {
		char buf[64];
		double v = lo + d * (double)k;
		if (ints)
			snprintf(buf, sizeof buf, "%.0f", v);
		else
			snprintf(buf, sizeof buf, "%.12g", v);
		push(&p->values, xstrdup(buf));
	}
}

static struct param *
new_param(struct opts *o, const char *name, const char *opt)
{
	if (!*name || strspn(name, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_")
	    != strlen(name))
		die("%s: a parameter name is letters, digits and '_': %s", opt, name);
	for (size_t i = 0; i < o->nparams; i++)
		if (strcmp(o->params[i].name, name) == 0)
			die("%s: the parameter %s is given twice", opt, name);
	o->params = xreallocarray(o->params, o->nparams + 1, sizeof *o->params);
	o->params[o->nparams] = (struct param){ .name = name };
	return &o->params[o->nparams++];
}

/* An option's second (and third) argument: the next words of argv. */
static const char *
next_arg(int argc, char *argv[], const char *opt)
{
	if (optind >= argc)
		die("%s: needs more arguments", opt);
	return argv[optind++];
}

/* s with each {NAME} replaced by the value of the parameter NAME. */
static char *
substitute(const char *s, const struct bench_param *pv, size_t n)
{
	size_t cap = strlen(s) + 1, len = 0;
	char *out = xmalloc(cap);

	while (*s) {
		size_t k, add = 1;
		const char *src = s;
		if (*s == '{') {
			for (k = 0; k < n; k++) {
				size_t l = strlen(pv[k].key);
				if (strncmp(s + 1, pv[k].key, l) == 0 && s[1 + l] == '}') {
					src = pv[k].value;
					add = strlen(src);
					s += l + 2;
					break;
				}
			}
			if (k == n)
				s++;
		} else {
			s++;
		}
		if (len + add + 1 > cap)
			out = xrealloc(out, cap = 2 * (len + add + 1));
		memcpy(out + len, src, add);
		len += add;
	}
	out[len] = '\0';
	return out;
}

/* The i-th of a per-command option: one for all, or one per command. */
static const char *
pick(const struct strs *s, size_t i, size_t ncmd, const char *opt)
{
	if (s->n == 0)
		return NULL;
	if (s->n == 1)
		return s->v[0];
	if (s->n != ncmd)
		die("%s: given %zu times for %zu commands; give it once or once per command",
		    opt, s->n, ncmd);
	return s->v[i];
}

/* The commands to run: every command with every combination of the
 * parameters' values, the reference first. */
static struct benchsession_cmd *
commands(struct opts *o, int argc, char *argv[], size_t *ncmd)
{
	size_t ncomb = 1, ntempl = (size_t)argc + (o->reference != NULL), n = 0;
	struct benchsession_cmd *c;

	for (size_t i = 0; i < o->nparams; i++)
		ncomb *= o->params[i].values.n;
	if (o->names.n > ntempl)
		die("-n: %zu names for %zu commands", o->names.n, ntempl);
	c = xcalloc(ntempl * ncomb, sizeof *c);
	for (size_t t = 0; t < ntempl; t++) {
		const char *line = o->reference ? t == 0 ? o->reference : argv[t - 1] : argv[t];
		for (size_t k = 0; k < ncomb; k++) {
			struct bench_param *pv = xcalloc(o->nparams + 1, sizeof *pv);
			size_t rest = k;
			for (size_t i = o->nparams; i-- > 0;) {
				pv[i].key = (char *)o->params[i].name;
				pv[i].value = (char *)o->params[i].values.v[rest % o->params[i].values.n];
				rest /= o->params[i].values.n;
			}
			c[n].command = substitute(line, pv, o->nparams);
			c[n].name = t < o->names.n ? substitute(o->names.v[t], pv, o->nparams) : c[n].command;
			c[n].params = pv;
			c[n].nparams = o->nparams;
			c[n].prepare = pick(&o->prepare, t, ntempl, "-p");
			c[n].conclude = pick(&o->conclude, t, ntempl, "-c");
			c[n].setup = pick(&o->setup, t, ntempl, "-s");
			c[n].cleanup = pick(&o->cleanup, t, ntempl, "-C");
			if (o->noshell) {
				const char *err;
				char **w = cmdline_split(c[n].command, &err);
				if (!w)
					die("-N: %s: %s", c[n].command, err);
				free(w);
			} else {
				c[n].shell = o->so.shell != NULL || cmdline_needs_shell(c[n].command);
			}
			n++;
		}
	}
	if (!o->so.shell)
		o->so.shell = "/bin/sh";
	*ncmd = n;
	return c;
}

static void
free_commands(struct benchsession_cmd *c, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		if (c[i].name != c[i].command)
			free((char *)c[i].name);
		free((char *)c[i].command);
		free((void *)c[i].params);
	}
	free(c);
}

static void
free_opts(struct opts *o)
{
	for (size_t i = 0; i < o->nparams; i++) {
		for (size_t k = 0; k < o->params[i].values.n; k++)
			free((char *)o->params[i].values.v[k]);
		free(o->params[i].values.v);
	}
	free(o->params);
	free(o->names.v);
	free(o->prepare.v);
	free(o->conclude.v);
	free(o->setup.v);
	free(o->cleanup.v);
}

/* Opens the streams of the commands: stdin, and stdout and stderr. */
static void
streams(struct opts *o)
{
	int null = open("/dev/null", O_RDWR | O_CLOEXEC);

	if (null < 0)
		die("/dev/null:");
	o->so.in = null;
	if (o->input && (o->so.in = open(o->input, O_RDONLY | O_CLOEXEC)) < 0)
		die("--input: %s:", o->input);
	o->so.out = o->so.err = null;
	if (!o->output || strcmp(o->output, "null") == 0)
		return;
	if (strcmp(o->output, "inherit") == 0) {
		o->so.out = o->so.err = -1;
		return;
	}
	if ((o->so.out = open(o->output, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0666)) < 0)
		die("--output: %s:", o->output);
}

/* Runs a built-in micro-benchmark into r; returns the exit status. */
static int
builtin(struct opts *o, struct bench_results *r)
{
	struct benchbuiltin_opts mo = {
		.iterations = o->iterations,
		.duration = o->so.duration,
		.concurrency = o->so.concurrency,
		.warmup = o->so.warmup,
	};
	struct benchbuiltin_result mr;
	struct bench_entry *b;
	char name[128];

	if (strcmp(o->builtin, "list") == 0) {
		for (const char *const *n = benchbuiltin_names(); *n; n++)
			printf("%-20s %s\n", *n, benchbuiltin_about(*n));
		return util_fshut(stdout, "stdout") ? EXIT_FINDING : EXIT_OK;
	}
	if (!benchbuiltin_about(o->builtin))
		die("--builtin: no built-in %s; --builtin list names them", o->builtin);
	if (benchbuiltin_run(o->builtin, &mo, &mr) < 0)
		return EXIT_FINDING;
	snprintf(name, sizeof name, "builtin:%s", o->builtin);
	b = bench_add(r, name, name);
	b->unit = "s/op";
	for (size_t i = 0; i < mr.nbatch; i++) {
		struct bench_run run = bench_run_unset();
		run.value = mr.batch_ns[i] * 1e-9;
		run.exit_code = 0;
		bench_push(b, &run);
	}
	b->ops = mr.ops;
	b->ops_per_s = mr.ops_per_s;
	b->throughput = mr.ops_per_s;
	b->allocs_per_op = mr.allocs_per_op;
	b->bytes_per_op = mr.bytes_per_op;
	b->concurrency = o->so.concurrency;
	benchbuiltin_result_free(&mr);
	return EXIT_OK;
}

/*
 * --record: the whole session runs again under prof-record, which
 * follows prof-bench's children; PROF_BENCH_RECORDING stops the loop.
 */
static void
record(struct opts *o, int argc, char *argv[], int nopt)
{
	char self[PATH_MAX], rec[PATH_MAX + 16], **v;
	ssize_t len = readlink("/proc/self/exe", self, sizeof self - 1);
	int k = 0;

	if (len < 0)
		die("--record: cannot find prof-bench itself:");
	self[len] = '\0';
	snprintf(rec, sizeof rec, "%.*s/prof-record", (int)(strrchr(self, '/') - self), self);
	if (access(rec, X_OK) != 0)
		strcpy(rec, "prof-record");
	v = xcalloc((size_t)argc + 8, sizeof *v);
	v[k++] = rec;
	v[k++] = "-o";
	v[k++] = (char *)o->record;
	v[k++] = "--";
	v[k++] = self;
	for (int i = 1; i < argc; i++) {
		if (i < nopt && strcmp(argv[i], "--record") == 0) {
			i++;
			continue;
		}
		if (i < nopt && strncmp(argv[i], "--record=", 9) == 0)
			continue;
		v[k++] = argv[i];
	}
	setenv("PROF_BENCH_RECORDING", "1", 1);
	execvp(v[0], v);
	die("--record: cannot run %s:", v[0]);
}

static int
by_mean(const void *a, const void *b, void *arg)
{
	const struct bench_results *r = arg;
	double x = r->b[*(const size_t *)a].sum.mean, y = r->b[*(const size_t *)b].sum.mean;

	return (x > y) - (x < y);
}

static const char *
time_unit(const char *s)
{
	static const char *const names[][2] = {
		{ "s", "s" }, { "second", "s" }, { "ms", "ms" }, { "millisecond", "ms" },
		{ "us", "us" }, { "microsecond", "us" }, { "ns", "ns" }, { "nanosecond", "ns" },
	};

	for (size_t i = 0; i < sizeof names / sizeof names[0]; i++)
		if (strcmp(s, names[i][0]) == 0)
			return names[i][1];
	die("-u: %s: the unit is s, ms, us or ns", s);
}

int
main(int argc, char *argv[])
{
	struct opts o = { .so = { .min_runs = 10, .duration = 3, .concurrency = 1, .hw = 1 } };
	struct bench_results *r;
	struct benchsession_cmd *cmds = NULL;
	size_t ncmd = 0, *order;
	int c, status = EXIT_OK, duration_given = 0;
	char why[200];
	long ref = -1;

	util_setprog(argv[0]);
	while ((c = getopt_long(argc, argv, "C:L:M:NP:S:c:im:n:p:r:s:u:w:", longopts, NULL)) != -1) {
		switch (c) {
		case 'C': push(&o.cleanup, optarg); break;
		case 'L': {
			struct param *p = new_param(&o, optarg, "-L");
			const char *list = next_arg(argc, argv, "-L");
			char *copy = xstrdup(list), *save = NULL;
			for (char *t = strtok_r(copy, ",", &save); t; t = strtok_r(NULL, ",", &save))
				push(&p->values, xstrdup(t));
			free(copy);
			if (p->values.n == 0)
				die("-L: %s: no values", list);
			break;
		}
		case 'M': o.so.max_runs = arg_int(optarg, 1, 1000000000, "-M"); break;
		case 'N': o.noshell = 1; break;
		case 'P':
			if (o.scan[0])
				die("-P: given twice; use -L for a second parameter");
			o.scan[0] = optarg;
			o.scan[1] = next_arg(argc, argv, "-P");
			o.scan[2] = next_arg(argc, argv, "-P");
			new_param(&o, optarg, "-P");
			break;
		case 'S':
			if (strcmp(optarg, "none") == 0)
				o.noshell = 1;
			else
				o.so.shell = optarg;
			break;
		case 'c': push(&o.conclude, optarg); break;
		case 'i': o.so.ignore_failure = 1; break;
		case 'm': o.so.min_runs = arg_int(optarg, 1, 1000000000, "-m"); break;
		case 'n': push(&o.names, optarg); break;
		case 'p': push(&o.prepare, optarg); break;
		case 'r':
			o.so.runs = arg_int(optarg, 1, 1000000000, "-r");
			o.runs_given = 1;
			break;
		case 's': push(&o.setup, optarg); break;
		case 'u': o.unit = time_unit(optarg); break;
		case 'w': o.so.warmup = (int)arg_int(optarg, 0, 1000000, "-w"); break;
		case OPT_BUILTIN: o.builtin = optarg; break;
		case OPT_CONCURRENCY: o.so.concurrency = (int)arg_int(optarg, 1, 4096, "--concurrency"); break;
		case OPT_DURATION:
			o.so.duration = arg_real(optarg, 0.001, 1e6, "--duration");
			duration_given = 1;
			break;
		case OPT_EXPORT_CSV: o.csv = optarg; break;
		case OPT_EXPORT_JSON: o.json = optarg; break;
		case OPT_EXPORT_MD: o.markdown = optarg; break;
		case OPT_HELP:
			fputs(synopsis, stdout);
			fputs(options_help, stdout);
			return util_fshut(stdout, "stdout") ? EXIT_FINDING : EXIT_OK;
		case OPT_INPUT: o.input = optarg; break;
		case OPT_ITERATIONS: o.iterations = arg_int(optarg, 1, LLONG_MAX / 2, "--iterations"); break;
		case OPT_LIST: o.list = 1; break;
		case OPT_ORDER:
			if (strcmp(optarg, "interleaved") == 0)
				o.so.order = BENCHSESSION_INTERLEAVED;
			else if (strcmp(optarg, "shuffle") == 0)
				o.so.order = BENCHSESSION_SHUFFLE;
			else if (strcmp(optarg, "sequential") == 0)
				o.so.order = BENCHSESSION_SEQUENTIAL;
			else
				die("--order: %s: use interleaved, shuffle or sequential", optarg);
			break;
		case OPT_OUTPUT: o.output = optarg; break;
		case OPT_RECORD: o.record = optarg; break;
		case OPT_REFERENCE: o.reference = optarg; break;
		case OPT_RESULTS_DIR: o.dir = optarg; break;
		case OPT_SAVE: o.save = optarg; break;
		case OPT_SEED: o.so.seed = (unsigned long)arg_int(optarg, 1, LLONG_MAX, "--seed"); break;
		case OPT_SHOW_OUTPUT: o.output = "inherit"; break;
		case OPT_SORT:
			if (strcmp(optarg, "auto") && strcmp(optarg, "command") && strcmp(optarg, "mean-time"))
				die("--sort: %s: use auto, command or mean-time", optarg);
			o.sort = optarg;
			break;
		case OPT_STEP: o.step = optarg; break;
		default: usage();
		}
	}
	if (o.scan[0]) {
		/* The scan's parameter was made first of its kind when seen. */
		for (size_t i = 0; i < o.nparams; i++)
			if (o.params[i].name == o.scan[0]) {
				struct param tmp = o.params[i];
				o.params[i] = o.params[o.nparams - 1];
				o.params[o.nparams - 1] = tmp;
			}
		scan_values(&o);
	} else if (o.step) {
		die("--step: only with -P");
	}
	if (o.list) {
		long n;
		if (argc > optind || o.builtin)
			die("--list: no commands with it");
		n = bench_list(bench_dir(o.dir), stdout);
		if (util_fshut(stdout, "stdout") < 0)
			return EXIT_FINDING;
		return n < 0 ? EXIT_USAGE : EXIT_OK;
	}
	if (o.save)
		free(bench_saved_path(bench_dir(o.dir), o.save)); /* a bad name dies now */
	if (o.builtin) {
		if (optind < argc)
			die("--builtin: no commands with it");
		if (o.iterations && duration_given)
			die("--iterations and --duration: one or the other");
		if (!duration_given)
			o.so.duration = 0;
	} else {
		if (optind == argc) {
			warn("no command to benchmark");
			usage();
		}
		if (o.iterations)
			die("--iterations: only with --builtin");
		if (o.so.concurrency > 1 && (o.prepare.n || o.conclude.n || o.input))
			die("--concurrency: not with --prepare, --conclude or --input "
			    "(runs overlap)");
		if (o.so.max_runs && o.so.max_runs < o.so.min_runs) {
			if (o.so.min_runs != 10)
				die("-M: %ld is below -m %ld", o.so.max_runs, o.so.min_runs);
			o.so.min_runs = o.so.max_runs;
		}
	}
	if (o.record && !getenv("PROF_BENCH_RECORDING"))
		record(&o, argc, argv, optind);
	/* Write errors are seen when the output is closed: a closed pipe
	 * ends the program as SIGPIPE would, any other is reported. */
	signal(SIGPIPE, SIG_IGN);
	o.so.progress = isatty(2) && !getenv("CI");
	if (!o.so.seed)
		o.so.seed = (unsigned long)time(NULL);

	r = bench_new();
	bench_context(r, "tool", "prof-bench");
	{
		char date[32];
		time_t now = time(NULL);
		strftime(date, sizeof date, "%Y-%m-%dT%H:%M:%SZ", gmtime(&now));
		bench_context(r, "date", date);
	}
	if (o.builtin) {
		if ((status = builtin(&o, r)) != EXIT_OK || strcmp(o.builtin, "list") == 0) {
			bench_free(r);
			free_opts(&o);
			return status;
		}
	} else {
		cmds = commands(&o, argc - optind, argv + optind, &ncmd);
		streams(&o);
		if (!launch_hw_available(why, sizeof why))
			bench_context(r, "hardware_counters", why);
		else
			bench_context(r, "hardware_counters", "cycles, instructions");
		status = benchsession_run(&o.so, cmds, ncmd, r);
		if (o.reference)
			ref = 0;
	}
	for (size_t i = 0; i < r->n; i++)
		bench_summarise(&r->b[i]);
	bench_relate(r, ref);
	order = xreallocarray(NULL, r->n + 1, sizeof *order);
	for (size_t i = 0; i < r->n; i++)
		order[i] = i;
	/* auto: the summary by speed, the tables in the order given. */
	if (!o.sort || strcmp(o.sort, "command") != 0)
		qsort_r(order, r->n, sizeof *order, by_mean, r);
	if (status == EXIT_OK) {
		benchreport_warnings(r);
		if (benchreport_write(stdout, r, order, o.unit, ref) < 0 || fflush(stdout) == EOF) {
			warn("stdout: write error:");
			status = EXIT_FINDING;
		}
		if (!o.builtin && !launch_hw_available(why, sizeof why))
			printf("\nNote: %s; cycles and instructions were not counted.\n", why);
		if (o.json && bench_write_file(r, o.json, BENCH_JSON, NULL, 0) < 0)
			status = EXIT_FINDING;
		if (o.csv && bench_write_file(r, o.csv, BENCH_CSV, NULL, 0) < 0)
			status = EXIT_FINDING;
		if (o.markdown) {
			struct bench_results sorted = *r;
			sorted.b = xreallocarray(NULL, r->n + 1, sizeof *sorted.b);
			int mean = o.sort && strcmp(o.sort, "mean-time") == 0;
			for (size_t i = 0; i < r->n; i++)
				sorted.b[i] = r->b[mean ? order[i] : i];
			if (bench_write_file(&sorted, o.markdown, BENCH_MARKDOWN, o.unit, 0) < 0)
				status = EXIT_FINDING;
			free(sorted.b);
		}
		if (o.save) {
			char *path = bench_saved_path(bench_dir(o.dir), o.save);
			if (bench_save(r, path) < 0)
				status = EXIT_FINDING;
			free(path);
		}
	}
	if (util_fshut(stdout, "stdout") < 0)
		status = EXIT_FINDING;
	free(order);
	bench_free(r);
	free_commands(cmds, ncmd);
	free_opts(&o);
	return status;
}
