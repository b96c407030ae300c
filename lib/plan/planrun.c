/* planrun: one run of prof-plan.  See planrun.h. */
#define _GNU_SOURCE
#include "plan/planrun.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "bench/bench.h"
#include "core/arg.h"
#include "core/cmdline.h"
#include "core/conf.h"
#include "core/outfile.h"
#include "core/util.h"
#include "input/input.h"
#include "plan/elfacts.h"
#include "plan/plan.h"
#include "plan/rules.h"

extern char **environ;

/* A profile to plan: the inputs of one type, summed. */
struct planrun_profile {
	struct input in;
	char *type;              /* its metadata's, "cpu" without one */
	char *name;              /* its files, "a.folded, b.folded" */
};

/* The first profile read: its metadata names the command and the binary. */
#define FIRST(r) ((r)->prof[0].in)

struct planrun {
	const struct planrun_opts *o;
	struct rules rules;
	struct conf conf;        /* prof.conf, with --run-profile */
	const char *scenario;    /* with --run-profile: its name */
	char *tmpdir;            /* with --run-profile: the recorded profiles, */
	char **recorded;         /* one a type, in it */
	size_t nrecorded;
	struct planrun_profile *prof;  /* the profiles read: one a type */
	size_t nprof;
	const char *output;      /* -o, or --apply's tasks file; NULL: stdout */
	const char *report;      /* --report, or --apply's; NULL: none */
	char *report_path;       /* --apply's report, owned */
	struct input diff;
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

/* The program name as execvp would find it (a name with a '/' as it
 * is, if executable; else the first executable one in PATH), or NULL. */
static char *
lookup(const char *name)
{
	const char *path = getenv("PATH");

	if (strchr(name, '/') != NULL)
		return access(name, X_OK) == 0 ? xstrdup(name) : NULL;
	for (const char *p = path ? path : "", *e; ; p = e + 1) {
		char *f;

		e = strchrnul(p, ':');
		/* an empty element is the current directory, as for execvp */
		f = xasprintf("%.*s/%s", e > p ? (int)(e - p) : 1, e > p ? p : ".", name);
		if (access(f, X_OK) == 0)
			return f;
		free(f);
		if (*e == '\0')
			return NULL;
	}
}

/* The program named by a command line, as execvp would find it, or NULL. */
static char *
command_binary(const char *cmd)
{
	const char *err;
	char **argv, *found = NULL;

	if (cmd == NULL || cmdline_needs_shell(cmd) || (argv = cmdline_split(cmd, &err)) == NULL)
		return NULL;
	/* a path is the binary whether or not it runs: elfacts says why not */
	found = strchr(argv[0], '/') != NULL ? xstrdup(argv[0]) : lookup(argv[0]);
	free(argv);
	return found;
}

/* The program name beside this program (the build tree, an install),
 * else the one in PATH. */
static char *
sibling(const char *name)
{
	char self[PATH_MAX], *slash, *p;
	ssize_t n = readlink("/proc/self/exe", self, sizeof(self) - 1);

	if (n > 0) {
		self[n] = '\0';
		if ((slash = strrchr(self, '/')) != NULL) {
			*slash = '\0';
			p = xasprintf("%s/%s", self, name);
			if (access(p, X_OK) == 0)
				return p;
			free(p);
		}
	}
	return xstrdup(name);
}

/* Whether name runs: a path that is executable, or a program in PATH. */
static int
found(const char *name)
{
	char *f = lookup(name);

	free(f);
	return f != NULL;
}

/* Runs argv (stdout to out when not NULL) and waits; returns its wait
 * status.  Dies when it cannot start. */
static int
run(char *const argv[], const char *out)
{
	posix_spawn_file_actions_t fa;
	pid_t pid;
	int status, e;

	posix_spawn_file_actions_init(&fa);
	if (out != NULL)
		posix_spawn_file_actions_addopen(&fa, STDOUT_FILENO, out,
		    O_WRONLY | O_CREAT | O_TRUNC, 0600);
	if ((e = posix_spawnp(&pid, argv[0], &fa, NULL, argv, environ)) != 0) {
		errno = e;
		die("%s: cannot run:", argv[0]);
	}
	posix_spawn_file_actions_destroy(&fa);
	while (waitpid(pid, &status, 0) < 0)
		if (errno != EINTR)
			die("waitpid:");
	return status;
}

/* argv: the words of pre (NULL-ended), then those of the command (its
 * words, or sh -c cmd).  Owned; words points into the split command. */
static char **
with_command(const char *const pre[], const char *cmd, char ***words)
{
	const char *err;
	size_t n = 0, k = 0;
	char **argv;

	*words = NULL;
	if (!cmdline_needs_shell(cmd) && (*words = cmdline_split(cmd, &err)) == NULL)
		die("the scenario's command: %s", err);
	for (char **w = *words; w && *w; w++)
		n++;
	for (size_t i = 0; pre[i] != NULL; i++)
		n++;
	argv = xcalloc(n + 4, sizeof(*argv));
	for (size_t i = 0; pre[i] != NULL; i++)
		argv[k++] = (char *)pre[i];
	if (*words == NULL) {
		argv[k++] = "sh";
		argv[k++] = "-c";
		argv[k++] = (char *)cmd;
	} else
		for (char **w = *words; *w; w++)
			argv[k++] = *w;
	return argv;
}

/* Records cmd with prof-record --type type into path; dies when no
 * profile came. */
static void
record_prof(const char *cmd, const char *type, const char *path)
{
	char *rec = sibling("prof-record"), **words, **argv;
	int status;

	argv = with_command((const char *[]){ rec, "-o", path, "--lines", "--type", type, "--",
	    NULL }, cmd, &words);
	fprintf(stderr, "%s: recording: %s (--type %s)\n", util_prog, cmd, type);
	status = run(argv, NULL);
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

/* Records cmd with perf record --call-graph dwarf, then writes perf
 * script's text into path (prof-plan reads it as prof-fold does). */
static void
record_perf(const char *cmd, const char *dir, const char *path)
{
	char *data = xasprintf("%s/perf.data", dir), **words, **argv;
	int status;

	if (!found("perf"))
		die("--profiler perf: perf is not installed (not in PATH)");
	argv = with_command((const char *[]){ "perf", "record", "-q", "-N", "--call-graph",
	    "dwarf", "-o", data, "--", NULL }, cmd, &words);
	fprintf(stderr, "%s: recording with perf: %s\n", util_prog, cmd);
	status = run(argv, NULL);
	free(argv);
	free(words);
	if (access(data, R_OK) != 0 || (WIFEXITED(status) && WEXITSTATUS(status) == 255))
		die("--profiler perf: perf record refused to record (exit %d): see its message",
		    WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status));
	status = run((char *[]){ "perf", "script", "-i", data, NULL }, path);
	unlink(data);
	free(data);
	if (!WIFEXITED(status) || WEXITSTATUS(status) != 0)
		die("--profiler perf: perf script failed (exit %d)",
		    WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status));
}

/* Whether url is http:// on the loopback: a profile is fetched only from
 * this machine, unless the scenario says pprof-remote = yes. */
static int
loopback_url(const char *url)
{
	static const char *const hosts[] = { "127.0.0.1", "localhost", "[::1]", NULL };

	if (strncmp(url, "http://", 7) != 0)
		return 0;
	url += 7;
	for (size_t i = 0; hosts[i] != NULL; i++) {
		size_t n = strlen(hosts[i]);

		if (strncmp(url, hosts[i], n) == 0 && (url[n] == ':' || url[n] == '/' ||
		    url[n] == '\0'))
			return 1;
	}
	return 0;
}

/*
 * The scenario's command writes a pprof profile (src: its path) or serves
 * one (src: a URL of its /debug/pprof/ endpoints): the command is run,
 * and the profile read from the file when it ends, or fetched with curl
 * while it runs (tried again until it answers, for PLANRUN_PPROF_WAIT
 * seconds in all), the command's process group then stopped with
 * SIGTERM (SIGKILL 5 s later).
 */
static void
record_pprof(const char *cmd, const char *src, const char *path)
{
	char **words, **argv;
	int status, e, url = strstr(src, "://") != NULL;
	posix_spawnattr_t at;
	pid_t pid;

	if (url && !found("curl"))
		die("--profiler pprof: curl is not installed (not in PATH): it fetches %s", src);
	argv = with_command((const char *[]){ NULL }, cmd, &words);
	fprintf(stderr, "%s: running (pprof from %s): %s\n", util_prog, src, cmd);
	/* a group of its own: what a shell command started ends with it */
	posix_spawnattr_init(&at);
	posix_spawnattr_setflags(&at, POSIX_SPAWN_SETPGROUP);
	posix_spawnattr_setpgroup(&at, 0);
	if ((e = posix_spawnp(&pid, argv[0], NULL, &at, argv, environ)) != 0) {
		errno = e;
		die("%s: cannot run:", argv[0]);
	}
	posix_spawnattr_destroy(&at);
	if (url) {
		double deadline = util_now() + PLANRUN_PPROF_WAIT;
		int got = 0;

		while (!got && util_now() < deadline) {
			status = run((char *[]){ "curl", "-sSf", "--max-time", "30", "-o",
			    (char *)path, (char *)src, NULL }, NULL);
			got = WIFEXITED(status) && WEXITSTATUS(status) == 0;
			if (!got && waitpid(pid, &status, WNOHANG) == pid)
				die("--profiler pprof: the command ended before %s answered", src);
			if (!got)
				usleep(500000);
		}
		/* SIGTERM, then SIGKILL to the group if it lingers */
		kill(-pid, SIGTERM);
		for (int i = 0; i < 100 && waitpid(pid, &status, WNOHANG) == 0; i++)
			usleep(50000);
		kill(-pid, SIGKILL);
		if (!got)
			die("--profiler pprof: %s did not answer within %d s", src, PLANRUN_PPROF_WAIT);
	}
	while (waitpid(pid, &status, 0) < 0 && errno != ECHILD)
		if (errno != EINTR)
			die("waitpid:");
	free(argv);
	free(words);
	if (!url) {
		char *a[] = { "cp", "--", (char *)src, (char *)path, NULL };

		if (access(src, R_OK) != 0)
			die("--profiler pprof: the command wrote no profile at %s:", src);
		status = run(a, NULL);
		if (!WIFEXITED(status) || WEXITSTATUS(status) != 0)
			die("--profiler pprof: cannot copy %s", src);
	}
}

/* The types a scenario records: prof-record's, for --type. */
static const char *const record_types[] = { "cpu", "offcpu", "wall", "io", "memory", "lock",
    "block", "threadcreate", NULL };

/* The profilers --profiler names, in the order of enum planrun_profiler. */
const char *const planrun_profilers[] = { "prof", "perf", "pprof", NULL };

/* A profile to record into the temporary directory: its path, named
 * after its type. */
static char *
recorded(struct planrun *r, const char *type, const char *ext)
{
	char *p = xasprintf("%s/%s.%s", r->tmpdir, type, ext);

	r->recorded = xreallocarray(r->recorded, r->nrecorded + 1, sizeof(*r->recorded));
	r->recorded[r->nrecorded++] = p;
	return p;
}

void
planrun_record(struct planrun *r)
{
	static const char *const scen_keys[] = { "command", "types", "profiler", "pprof", NULL };
	static const char *const plan_keys[] = { "tasks", "reports-dir", NULL };
	const char *cmd, *types, *where, *src, *v;
	int profiler = r->o->profiler, seen[sizeof(record_types) / sizeof(*record_types)] = { 0 };
	char *section, *list, *save = NULL;

	r->scenario = r->o->scenario ? r->o->scenario : "default";
	conf_load(&r->conf);
	section = xasprintf("scenario %s", r->scenario);
	conf_check(&r->conf, section, scen_keys);
	conf_check(&r->conf, "plan", plan_keys);
	if ((cmd = conf_get(&r->conf, section, "command", NULL)) == NULL)
		die("no [scenario %s] with a command in prof.conf (see prof.conf(5))", r->scenario);
	if (profiler < 0 && (v = conf_get(&r->conf, section, "profiler", &where)) != NULL)
		profiler = arg_choice(v, planrun_profilers, "a profiler", where);
	if (profiler < 0)
		profiler = PLANRUN_PROF;
	types = conf_get(&r->conf, section, "types", &where);
	src = conf_get(&r->conf, section, "pprof", NULL);
	if ((r->tmpdir = strdup("/tmp/prof-plan.XXXXXX")) == NULL || mkdtemp(r->tmpdir) == NULL)
		die("cannot make a temporary directory:");
	r->po.command = cmd;
	if (profiler == PLANRUN_PPROF) {
		if (src == NULL)
			die("--profiler pprof: [scenario %s] names no pprof = PATH or URL: where "
			    "the command writes or serves its profile", r->scenario);
		if (types != NULL)
			die("%s: types: a pprof profile's type is its own (--profiler pprof)", where);
		if (strstr(src, "://") != NULL && !loopback_url(src))
			die("--profiler pprof: %s: only a URL on this machine's loopback "
			    "(http://127.0.0.1, http://localhost, http://[::1])", src);
		record_pprof(cmd, src, recorded(r, "profile", "pb.gz"));
	} else {
		list = xstrdup(types ? types : "cpu");
		for (char *t = strtok_r(list, ", \t", &save); t != NULL;
		    t = strtok_r(NULL, ", \t", &save)) {
			int k = arg_choice(t, record_types, "a type", types ? where : "types");

			if (seen[k]++)
				continue;
			if (profiler == PLANRUN_PERF && k != 0)
				die("--profiler perf records cpu profiles only, not %s: use "
				    "--profiler prof (prof-record) for it", t);
			if (profiler == PLANRUN_PERF)
				record_perf(cmd, r->tmpdir, recorded(r, t, "txt"));
			else
				record_prof(cmd, t, recorded(r, t, "folded"));
		}
		free(list);
		if (r->nrecorded == 0)
			die("%s: types: no type named", where);
	}
	free(section);
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
		    meta_get(&FIRST(r).meta, "command"));
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

	r->diff.jobs = FIRST(r).jobs;
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

/* A new profile to read into, for inputs of type. */
static struct planrun_profile *
new_profile(struct planrun *r, const char *type, const char *name)
{
	struct planrun_profile *p;

	r->prof = xreallocarray(r->prof, r->nprof + 1, sizeof(*r->prof));
	p = &r->prof[r->nprof++];
	memset(p, 0, sizeof(*p));
	p->in.jobs = r->o->jobs > 0 ? r->o->jobs : input_default_jobs();
	input_init(&p->in);
	p->type = xstrdup(type);
	p->name = xstrdup(name);
	return p;
}

/*
 * Several inputs: each read alone, then summed with the others of its
 * type (as one struct input would sum them: the same metadata merge, the
 * same conflicts), so that a cpu, an offcpu and a memory profile of one
 * program are three profiles, and two cpu profiles one.
 */
static int
read_each(struct planrun *r, int n, char *const files[])
{
	int status = EXIT_OK;

	for (int i = 0; i < n; i++) {
		struct input one = { .jobs = r->o->jobs > 0 ? r->o->jobs : input_default_jobs() };
		struct planrun_profile *p = NULL;
		const char *type, *label;
		char *name;

		input_init(&one);
		if (input_files(&one, 1, &files[i]) != EXIT_OK) {
			input_free(&one);
			status = EXIT_USAGE;
			continue;
		}
		type = meta_get(&one.meta, "type") ? meta_get(&one.meta, "type") : "cpu";
		/* a recorded profile by its name, not its temporary directory */
		label = r->recorded != NULL && strrchr(files[i], '/') ? strrchr(files[i], '/') + 1 :
		    files[i];
		for (size_t k = 0; k < r->nprof && p == NULL; k++)
			if (strcmp(r->prof[k].type, type) == 0)
				p = &r->prof[k];
		if (p == NULL) {
			p = new_profile(r, type, label);
			stacktable_free(p->in.tab);
			meta_free(&p->in.meta);
			free(p->in.event);
			p->in = one;
			continue;
		}
		if (p->in.kind != one.kind) {
			warn("%s: a differential profile (two counts a line) cannot be merged "
			    "with a profile", files[i]);
			status = EXIT_USAGE;
		}
		/* read apart, each file kept its own first event: counts of
		 * two events are no sum */
		if (p->in.event != NULL && one.event != NULL && strcmp(p->in.event, one.event) != 0) {
			warn("%s: samples of %s, where %s has %s: their counts cannot be summed",
			    files[i], one.event, p->name, p->in.event);
			status = EXIT_USAGE;
		}
		stacktable_merge(p->in.tab, one.tab);
		one.tab = NULL;
		if (one.nmeta > 0)
			meta_merge(&p->in.meta, &one.meta, p->in.nmeta == 0);
		p->in.nmeta += one.nmeta;
		p->in.ninputs += one.ninputs;
		name = xasprintf("%s, %s", p->name, label);
		free(p->name);
		p->name = name;
		input_free(&one);
		if (meta_conflict(&p->in.meta))
			status = EXIT_USAGE;
	}
	return status;
}

int
planrun_read(struct planrun *r, int n, char *const files[])
{
	int status;

	if (r->recorded != NULL)
		status = read_each(r, (int)r->nrecorded, r->recorded);
	else if (n > 1)
		status = read_each(r, n, files);
	else {
		status = input_files(&new_profile(r, "", n ? files[0] : "stdin")->in, n, files);
		r->input = n == 1 ? files[0] : NULL;
	}
	if (status != EXIT_OK)
		return status;
	if (r->nprof == 0)
		return EXIT_USAGE;
	for (size_t k = 0; k < r->nprof; k++)
		if (r->prof[k].in.kind == FOLDED_DIFF) {
			warn("%s: the profile is differential (two counts a line): give it with "
			    "--diff, with the profile after the change as the input", r->prof[k].name);
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

/* The plan of one profile, with the regressions of --diff when diff. */
static void
plan_one(struct planrun *r, struct plan *pl, struct planrun_profile *p, int diff)
{
	const char *name = pl->name;

	plan_build(pl, p->in.tab, &p->in.meta, &r->po);
	pl->name = name;
	if (r->bench != NULL)
		plan_add_bench(pl, r->bench);
	if (r->o->diff != NULL && diff)
		plan_add_diff(pl, r->diff.tab);
	plan_verify(pl);
}

void
planrun_plan(struct planrun *r)
{
	r->invocation = invocation(r->o->argc, r->o->argv, r->po.command ? r->po.command :
	    meta_get(&FIRST(r).meta, "command"), r->input);
	r->po.invocation = r->invocation;
	if (r->nprof == 1) {
		plan_one(r, &r->plan, &r->prof[0], 1);
		return;
	}
	/* Several types: a plan each, in its unit, then one list; the
	 * differential profile is of CPU time, the first cpu profile's. */
	struct plan *parts = xcalloc(r->nprof, sizeof(*parts));
	size_t cpu = 0;

	while (cpu < r->nprof && strcmp(r->prof[cpu].type, "cpu") != 0)
		cpu++;
	for (size_t k = 0; k < r->nprof; k++) {
		parts[k].name = r->prof[k].name;
		plan_one(r, &parts[k], &r->prof[k], k == (cpu < r->nprof ? cpu : 0));
	}
	plan_merge(&r->plan, parts, r->nprof, &r->po);
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
		    &FIRST(r).meta);
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
	for (size_t k = 0; k < r->nprof; k++) {
		input_free(&r->prof[k].in);
		free(r->prof[k].type);
		free(r->prof[k].name);
	}
	free(r->prof);
	if (r->diff_read)
		input_free(&r->diff);
	if (r->bench != NULL)
		bench_free(r->bench);
	elfacts_free(&r->elf);
	rules_free(&r->rules);
	conf_free(&r->conf);
	free(r->binary);
	free(r->report_path);
	for (size_t k = 0; k < r->nrecorded; k++) {
		unlink(r->recorded[k]);
		free(r->recorded[k]);
	}
	free(r->recorded);
	if (r->tmpdir != NULL)
		rmdir(r->tmpdir);
	free(r->tmpdir);
	free(r);
}
