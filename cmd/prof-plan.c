/* prof-plan: from a profile to tasks.md, a ranked plan.  See prof-plan(1). */
#define _GNU_SOURCE
#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <signal.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "bench/bench.h"
#include "core/conf.h"
#include "plan/elfacts.h"
#include "input/input.h"
#include "core/cmdline.h"
#include "core/arg.h"
#include "core/outfile.h"
#include "plan/plan.h"
#include "plan/rules.h"
#include "core/util.h"

extern char **environ;

static const char synopsis[] =
"usage: prof-plan [-o file] [--format fmt] [--min-gain pct] [--binary path]\n"
"                 [--source dir] [--diff file] [--bench file] [--rules file]\n"
"                 [--report file] [file ...]\n"
"       prof-plan --run-profile [--scenario name] [--apply] [options]\n";

static const char options_help[] =
"\n"
"Reads a folded profile; writes a ranked plan of optimisation tasks.\n"
"  -o file               write the plan to file, atomically (default: stdout)\n"
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
"  --apply               with --run-profile: write tasks.md, and the report\n"
"                        into .prof/reports/\n"
"  --help                this text\n"
"See prof-plan(1), prof-folded(5) and prof.conf(5).\n";

static void __attribute__((noreturn))
usage(void)
{
	fputs(synopsis, stderr);
	exit(EXIT_USAGE);
}

enum {
	OPT_APPLY = 256, OPT_BENCH, OPT_BINARY, OPT_DIFF, OPT_FORMAT, OPT_HELP, OPT_MIN_GAIN,
	OPT_REPORT, OPT_RULES, OPT_RUN, OPT_SCENARIO, OPT_SOURCE
};

static const struct option longopts[] = {
	{ "apply", no_argument, NULL, OPT_APPLY },
	{ "bench", required_argument, NULL, OPT_BENCH },
	{ "binary", required_argument, NULL, OPT_BINARY },
	{ "diff", required_argument, NULL, OPT_DIFF },
	{ "format", required_argument, NULL, OPT_FORMAT },
	{ "help", no_argument, NULL, OPT_HELP },
	{ "min-gain", required_argument, NULL, OPT_MIN_GAIN },
	{ "report", required_argument, NULL, OPT_REPORT },
	{ "rules", required_argument, NULL, OPT_RULES },
	{ "run-profile", no_argument, NULL, OPT_RUN },
	{ "scenario", required_argument, NULL, OPT_SCENARIO },
	{ "source", required_argument, NULL, OPT_SOURCE },
	{ NULL, 0, NULL, 0 }
};

/* The program named by a command line, as execvp would find it, or NULL. */
static char *
command_binary(const char *cmd)
{
	const char *err, *path;
	char **argv, *found = NULL;

	if (cmd == NULL || cmdline_needs_shell(cmd) || (argv = cmdline_split(cmd, &err)) == NULL)
		return NULL;
	if (strchr(argv[0], '/') != NULL)
		found = xstrdup(argv[0]);
	else if ((path = getenv("PATH")) != NULL) {
		for (const char *p = path, *e; found == NULL; p = e + 1) {
			char *f;

			e = strchr(p, ':');
			if (e == NULL)
				e = p + strlen(p);
			/* an empty element is the current directory, as for execvp */
			f = xasprintf("%.*s/%s", e > p ? (int)(e - p) : 1, e > p ? p : ".", argv[0]);
			if (access(f, X_OK) == 0)
				found = f;
			else
				free(f);
			if (*e == '\0')
				break;
		}
	}
	free(argv);
	return found;
}

/* prof-record beside this program (the build tree, an install), else
 * the one in PATH. */
static char *
recorder(void)
{
	char self[PATH_MAX], *slash, *p;
	ssize_t n = readlink("/proc/self/exe", self, sizeof(self) - 1);

	if (n > 0) {
		self[n] = '\0';
		if ((slash = strrchr(self, '/')) != NULL) {
			*slash = '\0';
			p = xasprintf("%s/prof-record", self);
			if (access(p, X_OK) == 0)
				return p;
			free(p);
		}
	}
	return xstrdup("prof-record");
}

/* Records cmd with prof-record into path; dies when no profile came. */
static void
record(const char *cmd, const char *path)
{
	char *rec = recorder(), **words = NULL, **argv;
	const char *err;
	size_t n = 0;
	pid_t pid;
	int status, e;

	if (!cmdline_needs_shell(cmd) && (words = cmdline_split(cmd, &err)) == NULL)
		die("the scenario's command: %s", err);
	for (char **w = words; w && *w; w++)
		n++;
	argv = xcalloc(n + 8, sizeof(*argv));
	argv[0] = rec;
	argv[1] = "-o";
	argv[2] = (char *)path;
	argv[3] = "--lines";
	argv[4] = "--";
	if (words == NULL) {
		argv[5] = "sh";
		argv[6] = "-c";
		argv[7] = (char *)cmd;
	} else
		memcpy(argv + 5, words, n * sizeof(*argv));
	fprintf(stderr, "prof-plan: recording: %s\n", cmd);
	if ((e = posix_spawnp(&pid, rec, NULL, NULL, argv, environ)) != 0) {
		errno = e;
		die("%s: cannot run:", rec);
	}
	while (waitpid(pid, &status, 0) < 0)
		if (errno != EINTR)
			die("waitpid:");
	free(argv);
	free(words);
	free(rec);
	/* prof-record exits with the command's status; a profile is what
	 * counts, and it says 2 when it could not make one. */
	if (WIFEXITED(status) && WEXITSTATUS(status) == EXIT_USAGE)
		die("prof-record could not record the scenario");
	if (WIFSIGNALED(status))
		die("prof-record was killed by signal %d", WTERMSIG(status));
}

/* "prof-plan ..." with the options that change the plan, for the report. */
static char *
invocation(int argc, char *argv[], const char *profile_cmd, const char *input)
{
	char *s = NULL;
	size_t len = 0;
	FILE *fp = open_memstream(&s, &len);

	if (fp == NULL)
		die("out of memory");
	if (profile_cmd != NULL && input != NULL && strcmp(input, "-") != 0)
		fprintf(fp, "prof-record -- %s | prof-fold > %s\n", profile_cmd, input);
	fputs("prof-plan", fp);
	for (int i = 1; i < argc; i++) {
		int plain = argv[i][0] != '\0';

		for (const char *c = argv[i]; *c; c++)
			if (!strchr("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"
			    "-_./=:,+%@", *c))
				plain = 0;
		if (plain)
			fprintf(fp, " %s", argv[i]);
		else {
			fputs(" '", fp);
			for (const char *c = argv[i]; *c; c++)
				fputs(*c == '\'' ? "'\\''" : (char[2]){ *c, 0 }, fp);
			putc('\'', fp);
		}
	}
	if (fclose(fp) != 0)
		die("out of memory");
	return s;
}

/* The report's path under dir for --apply: SCENARIO-START.md. */
static char *
report_path(const char *dir, const char *scenario, const struct meta *m)
{
	const char *start = meta_get(m, "start");
	char stamp[32] = "", *p;
	size_t k = 0;

	for (const char *c = start ? start : ""; *c && k < sizeof(stamp) - 1; c++)
		if (*c != '-' && *c != ':')
			stamp[k++] = *c;
	stamp[k] = '\0';
	p = xasprintf("%s/%s%s%s.md", dir, scenario, k ? "-" : "", stamp);
	return p;
}

int
main(int argc, char *argv[])
{
	struct input g = { 0 }, gd = { 0 };
	struct rules rs = { 0 };
	struct elfacts ef = { 0 };
	struct plan_opts o = { .rules = &rs, .min_gain = 0.01 };
	struct plan pl = { 0 };
	struct conf cf = { 0 };
	struct bench_results *bench = NULL;
	const char *ofile = NULL, *report = NULL, *binary = NULL, *diff = NULL, *benchf = NULL;
	const char *scenario = NULL, *why = NULL;
	char **rulesf = NULL, *tmpdir = NULL, *profile = NULL, *binfound = NULL, *rpath = NULL;
	char *inv = NULL, *binwhy = NULL, **oargv = argv;
	int oargc = argc, c, json = 0, run = 0, apply = 0, nrules = 0, status = EXIT_OK;

	util_setprog(argv[0]);
	while ((c = getopt_long(argc, argv, "o:", longopts, NULL)) != -1) {
		switch (c) {
		case 'o':
			ofile = optarg;
			break;
		case OPT_APPLY:
			apply = 1;
			break;
		case OPT_BENCH:
			benchf = optarg;
			break;
		case OPT_BINARY:
			binary = optarg;
			break;
		case OPT_DIFF:
			diff = optarg;
			break;
		case OPT_FORMAT:
			if (strcmp(optarg, "markdown") == 0)
				json = 0;
			else if (strcmp(optarg, "json") == 0)
				json = 1;
			else
				die("--format: '%s' is not a format; use markdown or json", optarg);
			break;
		case OPT_HELP:
			fputs(synopsis, stdout);
			fputs(options_help, stdout);
			return util_fshut(stdout, "stdout") < 0 ? EXIT_FINDING : EXIT_OK;
		case OPT_MIN_GAIN:
			o.min_gain = arg_real(optarg, 0, 100, "--min-gain") / 100;
			break;
		case OPT_REPORT:
			report = optarg;
			break;
		case OPT_RULES:
			rulesf = xreallocarray(rulesf, nrules + 1, sizeof(*rulesf));
			rulesf[nrules++] = optarg;
			break;
		case OPT_RUN:
			run = 1;
			break;
		case OPT_SCENARIO:
			scenario = optarg;
			break;
		case OPT_SOURCE:
			o.source_dir = optarg;
			break;
		default:
			usage();
		}
	}
	argc -= optind;
	argv += optind;
	if (!run && (apply || scenario != NULL))
		die("--%s: only with --run-profile", apply ? "apply" : "scenario");
	if (run && argc > 0)
		die("--run-profile records its profile: no file operands");
	if (apply && ofile != NULL)
		die("--apply writes tasks.md (prof.conf's [plan] tasks): not with -o");
	signal(SIGPIPE, SIG_IGN);

	rules_builtin(&rs);
	for (int i = 0; i < nrules; i++)
		if (rules_read(&rs, rulesf[i]) < 0)
			exit(EXIT_USAGE);
	free(rulesf);

	if (run) {
		static const char *const scen_keys[] = { "command", NULL };
		static const char *const plan_keys[] = { "tasks", "reports-dir", NULL };
		char *section;
		const char *cmd;

		if (scenario == NULL)
			scenario = "default";
		conf_load(&cf);
		section = xasprintf("scenario %s", scenario);
		conf_check(&cf, section, scen_keys);
		conf_check(&cf, "plan", plan_keys);
		if ((cmd = conf_get(&cf, section, "command", NULL)) == NULL)
			die("no [scenario %s] with a command in prof.conf (see prof.conf(5))", scenario);
		free(section);
		if ((tmpdir = strdup("/tmp/prof-plan.XXXXXX")) == NULL || mkdtemp(tmpdir) == NULL)
			die("cannot make a temporary directory:");
		profile = xasprintf("%s/profile.folded", tmpdir);
		record(cmd, profile);
		o.command = cmd;
		if (apply) {
			const char *t = conf_get(&cf, "plan", "tasks", NULL);
			ofile = t ? t : "tasks.md";
		}
	}

	g.jobs = input_default_jobs();
	input_init(&g);
	status = run ? input_files(&g, 1, &profile) : input_files(&g, argc, argv);
	if (status != EXIT_OK)
		goto out;
	if (g.kind == FOLDED_DIFF) {
		warn("the profile is differential (two counts a line): give it with --diff, "
		    "with the profile after the change as the input");
		status = EXIT_USAGE;
		goto out;
	}

	if (binary == NULL)
		binary = binfound = command_binary(o.command ? o.command : meta_get(&g.meta, "command"));
	if (binary != NULL && elfacts_read(&ef, binary, &why) == 0)
		o.elf = &ef;
	else if (binary != NULL && binfound == NULL) {
		warn("%s: %s", binary, why);
		status = EXIT_USAGE;
		goto out;
	} else if (binary != NULL) {
		o.binary = binary;
		o.binary_why = why;
	}

	if (benchf != NULL) {
		FILE *fp = fopen(benchf, "r");

		if (fp == NULL)
			die("%s: cannot open:", benchf);
		bench = bench_read(fp, benchf);
		fclose(fp);
		if (bench == NULL) {
			status = EXIT_USAGE;
			goto out;
		}
		for (size_t i = 0; i < bench->n; i++)
			bench_summarise(&bench->b[i]);
	}
	if (diff != NULL) {
		gd.jobs = g.jobs;
		input_init(&gd);
		if ((status = input_files(&gd, 1, (char *[]){ (char *)diff })) != EXIT_OK)
			goto out;
		if (gd.kind != FOLDED_DIFF) {
			warn("%s: not a differential profile (prof-diff writes them)", diff);
			status = EXIT_USAGE;
			goto out;
		}
	}

	/* How to reproduce: record as the profile was, then plan so. */
	inv = invocation(oargc, oargv, o.command ? o.command : meta_get(&g.meta, "command"),
	    run ? NULL : argc == 1 ? argv[0] : NULL);
	o.invocation = inv;
	plan_build(&pl, g.tab, &g.meta, &o);
	if (bench != NULL)
		plan_add_bench(&pl, bench);
	if (diff != NULL)
		plan_add_diff(&pl, gd.tab);
	plan_verify(&pl);

	if (report == NULL && apply) {
		const char *d = conf_get(&cf, "plan", "reports-dir", NULL);

		report = rpath = report_path(d ? d : ".prof/reports", scenario, &g.meta);
	}
	{
		/* The tasks and the report are committed together: when one
		 * cannot be written, neither file is replaced. */
		struct outfile *ov[2];
		size_t nov = 0;
		int w, ok = 1;

		ov[nov++] = outfile_open(ofile ? ofile : "-");
		w = json ? plan_write_json(&pl, outfile_fp(ov[0])) : plan_write_markdown(&pl, outfile_fp(ov[0]));
		if (report != NULL && strcmp(report, "-") == 0 && (ofile == NULL || strcmp(ofile, "-") == 0))
			w |= plan_write_report(&pl, outfile_fp(ov[0]));
		else if (report != NULL && (ov[nov] = outfile_create(report, apply ? OUTFILE_MKDIRS : 0)) != NULL)
			w |= plan_write_report(&pl, outfile_fp(ov[nov++]));
		else if (report != NULL)
			ok = 0;
		/* a writer's error is its stream's, which the commit reports */
		if (!ok) {
			while (nov > 0)
				outfile_discard(ov[--nov]);
			status = EXIT_FINDING;
		} else if (outfile_commit_all(ov, nov) < 0 || w < 0)
			status = EXIT_FINDING;
		else if (apply)
			fprintf(stderr, "prof-plan: wrote %s and %s\n", ofile, report);
	}
out:
	free(inv);
	free(binwhy);
	plan_free(&pl);
	input_free(&g);
	if (diff != NULL)
		input_free(&gd);
	if (bench != NULL)
		bench_free(bench);
	elfacts_free(&ef);
	rules_free(&rs);
	conf_free(&cf);
	free(binfound);
	free(rpath);
	if (profile != NULL) {
		unlink(profile);
		rmdir(tmpdir);
	}
	free(profile);
	free(tmpdir);
	return status;
}
