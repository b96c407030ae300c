/* planrun: one run of prof-plan.  See planrun.h. */
#define _GNU_SOURCE
#include "plan/planrun.h"

#include <errno.h>
#include <limits.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "bench/bench.h"
#include "core/cmdline.h"
#include "core/conf.h"
#include "core/outfile.h"
#include "core/util.h"
#include "input/input.h"
#include "plan/elfacts.h"
#include "plan/plan.h"
#include "plan/rules.h"

extern char **environ;

struct planrun {
	const struct planrun_opts *o;
	struct rules rules;
	struct conf conf;        /* prof.conf, with --run-profile */
	const char *scenario;    /* with --run-profile: its name */
	char *tmpdir, *profile;  /* with --run-profile: the recorded profile */
	const char *output;      /* -o, or --apply's tasks file; NULL: stdout */
	const char *report;      /* --report, or --apply's; NULL: none */
	char *report_path;       /* --apply's report, owned */
	struct input in, diff;
	int diff_read;
	struct elfacts elf;
	char *binary;            /* the program found from the command, owned */
	struct bench_results *bench;
	const char *input;       /* the one profile file named, for the report */
	char *invocation;
	struct plan_opts po;
	struct plan plan;
};

struct planrun *
planrun_new(const struct planrun_opts *o)
{
	struct planrun *r = xcalloc(1, sizeof(*r));

	r->o = o;
	r->output = o->output;
	r->report = o->report;
	r->po.rules = &r->rules;
	r->po.min_gain = o->min_gain;
	r->po.source_dir = o->source;
	rules_builtin(&r->rules);
	rules_builtin_waits(&r->rules);
	for (size_t i = 0; i < o->nrules; i++)
		if (rules_read(&r->rules, o->rules[i]) < 0) {
			planrun_free(r);
			return NULL;
		}
	return r;
}

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
	fprintf(stderr, "%s: recording: %s\n", util_prog, cmd);
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

void
planrun_record(struct planrun *r)
{
	static const char *const scen_keys[] = { "command", NULL };
	static const char *const plan_keys[] = { "tasks", "reports-dir", NULL };
	char *section;
	const char *cmd;

	r->scenario = r->o->scenario ? r->o->scenario : "default";
	conf_load(&r->conf);
	section = xasprintf("scenario %s", r->scenario);
	conf_check(&r->conf, section, scen_keys);
	conf_check(&r->conf, "plan", plan_keys);
	if ((cmd = conf_get(&r->conf, section, "command", NULL)) == NULL)
		die("no [scenario %s] with a command in prof.conf (see prof.conf(5))", r->scenario);
	free(section);
	if ((r->tmpdir = strdup("/tmp/prof-plan.XXXXXX")) == NULL || mkdtemp(r->tmpdir) == NULL)
		die("cannot make a temporary directory:");
	r->profile = xasprintf("%s/profile.folded", r->tmpdir);
	record(cmd, r->profile);
	r->po.command = cmd;
	if (r->o->apply) {
		const char *t = conf_get(&r->conf, "plan", "tasks", NULL);

		r->output = t ? t : "tasks.md";
	}
}

/* The facts of the binary: --binary's (an error when it cannot be read),
 * else those of the profiled program (said in the plan when it cannot). */
static int
read_binary(struct planrun *r)
{
	const char *binary = r->o->binary, *why = NULL;

	if (binary == NULL)
		binary = r->binary = command_binary(r->po.command ? r->po.command :
		    meta_get(&r->in.meta, "command"));
	if (binary == NULL)
		return EXIT_OK;
	if (elfacts_read(&r->elf, binary, &why) == 0)
		r->po.elf = &r->elf;
	else if (r->binary == NULL) {
		warn("%s: %s", binary, why);
		return EXIT_USAGE;
	} else {
		r->po.binary = binary;
		r->po.binary_why = why;
	}
	return EXIT_OK;
}

static int
read_bench(struct planrun *r)
{
	const char *name = r->o->bench;
	FILE *fp = fopen(name, "r");

	if (fp == NULL)
		die("%s: cannot open:", name);
	r->bench = bench_read(fp, name);
	fclose(fp);
	if (r->bench == NULL)
		return EXIT_USAGE;
	for (size_t i = 0; i < r->bench->n; i++)
		bench_summarise(&r->bench->b[i]);
	return EXIT_OK;
}

static int
read_diff(struct planrun *r)
{
	int status;

	r->diff.jobs = r->in.jobs;
	input_init(&r->diff);
	r->diff_read = 1;
	if ((status = input_files(&r->diff, 1, (char *[]){ (char *)r->o->diff })) != EXIT_OK)
		return status;
	if (r->diff.kind != FOLDED_DIFF) {
		warn("%s: not a differential profile (prof-diff writes them)", r->o->diff);
		return EXIT_USAGE;
	}
	return EXIT_OK;
}

int
planrun_read(struct planrun *r, int n, char *const files[])
{
	int status;

	r->in.jobs = r->o->jobs > 0 ? r->o->jobs : input_default_jobs();
	input_init(&r->in);
	if (r->profile != NULL)
		status = input_files(&r->in, 1, &r->profile);
	else {
		status = input_files(&r->in, n, files);
		r->input = n == 1 ? files[0] : NULL;
	}
	if (status != EXIT_OK)
		return status;
	if (r->in.kind == FOLDED_DIFF) {
		warn("the profile is differential (two counts a line): give it with --diff, "
		    "with the profile after the change as the input");
		return EXIT_USAGE;
	}
	if ((status = read_binary(r)) != EXIT_OK)
		return status;
	if (r->o->bench != NULL && (status = read_bench(r)) != EXIT_OK)
		return status;
	if (r->o->diff != NULL && (status = read_diff(r)) != EXIT_OK)
		return status;
	return EXIT_OK;
}

/* "prof-plan ..." with the options that change the plan, after the
 * command that records a profile as this one was, for the report. */
static char *
invocation(int argc, char *const argv[], const char *profile_cmd, const char *input)
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

void
planrun_plan(struct planrun *r)
{
	r->invocation = invocation(r->o->argc, r->o->argv, r->po.command ? r->po.command :
	    meta_get(&r->in.meta, "command"), r->input);
	r->po.invocation = r->invocation;
	plan_build(&r->plan, r->in.tab, &r->in.meta, &r->po);
	if (r->bench != NULL)
		plan_add_bench(&r->plan, r->bench);
	if (r->o->diff != NULL)
		plan_add_diff(&r->plan, r->diff.tab);
	plan_verify(&r->plan);
}

/* The report's path under dir for --apply: SCENARIO-START.md. */
static char *
report_path(const char *dir, const char *scenario, const struct meta *m)
{
	const char *start = meta_get(m, "start");
	char stamp[32] = "";
	size_t k = 0;

	for (const char *c = start ? start : ""; *c && k < sizeof(stamp) - 1; c++)
		if (*c != '-' && *c != ':')
			stamp[k++] = *c;
	stamp[k] = '\0';
	return xasprintf("%s/%s%s%s.md", dir, scenario, k ? "-" : "", stamp);
}

int
planrun_write(struct planrun *r)
{
	const int apply = r->o->apply;
	const char *out = r->output, *rep;
	struct outfile *ov[2];
	size_t nov = 0;
	int w;

	if (r->report == NULL && apply) {
		const char *d = conf_get(&r->conf, "plan", "reports-dir", NULL);

		r->report = r->report_path = report_path(d ? d : ".prof/reports", r->scenario,
		    &r->in.meta);
	}
	rep = r->report;
	ov[nov++] = outfile_open(out ? out : "-");
	w = r->o->format == PLANRUN_JSON ? plan_write_json(&r->plan, outfile_fp(ov[0])) :
	    plan_write_markdown(&r->plan, outfile_fp(ov[0]));
	if (rep != NULL && strcmp(rep, "-") == 0 && (out == NULL || strcmp(out, "-") == 0))
		w |= plan_write_report(&r->plan, outfile_fp(ov[0]));
	else if (rep != NULL) {
		if ((ov[nov] = outfile_create(rep, apply ? OUTFILE_MKDIRS : 0)) == NULL) {
			outfile_discard(ov[0]);
			return EXIT_FINDING;
		}
		w |= plan_write_report(&r->plan, outfile_fp(ov[nov++]));
	}
	/* a writer's error is its stream's, which the commit reports */
	if (outfile_commit_all(ov, nov) < 0 || w < 0)
		return EXIT_FINDING;
	if (apply)
		fprintf(stderr, "%s: wrote %s and %s\n", util_prog, out, rep);
	return EXIT_OK;
}

void
planrun_free(struct planrun *r)
{
	if (r == NULL)
		return;
	free(r->invocation);
	plan_free(&r->plan);
	input_free(&r->in);
	if (r->diff_read)
		input_free(&r->diff);
	if (r->bench != NULL)
		bench_free(r->bench);
	elfacts_free(&r->elf);
	rules_free(&r->rules);
	conf_free(&r->conf);
	free(r->binary);
	free(r->report_path);
	if (r->profile != NULL) {
		unlink(r->profile);
		rmdir(r->tmpdir);
	}
	free(r->profile);
	free(r->tmpdir);
	free(r);
}
