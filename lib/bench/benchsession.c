/* benchsession: a benchmark session.  See benchsession.h. */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "bench/benchsession.h"
#include "bench/launch.h"
#include "core/cmdline.h"
#include "core/util.h"

struct job {
	const struct benchsession_cmd *c;
	struct bench_entry *b;
	char **argv;       /* split words, or the shell's vector */
	char *shv[4];
	long target;       /* measured runs wanted; 0 until the first run */
};

struct session {
	const struct benchsession_opts *o;
	struct launch_io io;
	struct bench_run shell0;  /* the shell's own start-up, subtracted */
	long done, total;        /* measured runs, for the progress bar */
	double t0;
	size_t njobs;
	struct job *jobs;
};

static void
progress(struct session *s, const struct job *j)
{
	double el, eta;
	int w = 30, fill;

	if (!s->o->progress)
		return;
	el = launch_now() - s->t0;
	eta = s->done > 0 && s->total > s->done ? el / (double)s->done * (double)(s->total - s->done) : 0;
	fill = s->total > 0 ? (int)((double)w * (double)s->done / (double)s->total) : 0;
	if (fill > w)
		fill = w;
	fprintf(stderr, "\r\033[K%.40s [", j ? j->c->name : "");
	for (int i = 0; i < w; i++)
		fputc(i < fill ? '#' : '-', stderr);
	fprintf(stderr, "] %ld/%ld", s->done, s->total);
	if (eta > 0)
		fprintf(stderr, "  ETA %.0f s", ceil(eta));
	fflush(stderr);
}

static void
progress_end(struct session *s)
{
	if (s->o->progress)
		fputs("\r\033[K", stderr);
}

/* Runs a shell line of the experiment (setup, prepare, ...); 0 or 2. */
static int
shell_step(struct session *s, const char *what, const char *line, const struct job *j)
{
	char *argv[] = { (char *)s->o->shell, "-c", (char *)line, NULL };
	struct bench_run run;

	if (!line)
		return 0;
	if (launch_run(argv, &s->io, 0, &run) < 0) {
		progress_end(s);
		warn("%s: cannot start the shell %s:", j->c->name, s->o->shell);
		return 2;
	}
	if (run.exit_code != 0) {
		progress_end(s);
		warn("%s: the %s command failed (exit status %d): %s", j->c->name, what,
		    run.exit_code, line);
		return 2;
	}
	return 0;
}

static void
subtract(struct session *s, const struct job *j, struct bench_run *run)
{
	if (!j->c->shell)
		return;
	run->value = fmax(0, run->value - s->shell0.value);
	run->user = fmax(0, run->user - s->shell0.user);
	run->sys = fmax(0, run->sys - s->shell0.sys);
}

static int
check_exit(struct session *s, const struct job *j, const struct bench_run *run, long k)
{
	if (run->exit_code == 0 || s->o->ignore_failure)
		return 0;
	progress_end(s);
	char where[40] = "a warm-up run";

	if (k > 0)
		snprintf(where, sizeof where, "run %ld", k);
	if (run->exit_code > 128 && j->c->shell == 0)
		warn("%s: killed by signal %d in %s; --ignore-failure benchmarks it anyway",
		    j->c->name, run->exit_code - 128, where);
	else
		warn("%s: exit status %d in %s; --ignore-failure benchmarks it anyway",
		    j->c->name, run->exit_code, where);
	return 1;
}

static int
start_failed(struct session *s, const struct job *j)
{
	progress_end(s);
	if (errno == ENOENT)
		warn("%s: command not found: %s", j->c->name, j->argv[0]);
	else
		warn("%s: cannot run %s:", j->c->name, j->argv[0]);
	return 1;
}

/* One run of j, measured unless warm; 0 or the session's status. */
static int
one(struct session *s, struct job *j, int warm)
{
	struct bench_run run;
	int st;

	if ((st = shell_step(s, "prepare", j->c->prepare, j)))
		return st;
	/* Every run reads --input from its start. */
	if (s->io.in >= 0)
		lseek(s->io.in, 0, SEEK_SET);
	if (launch_run(j->argv, &s->io, s->o->hw && !warm, &run) < 0)
		return start_failed(s, j);
	if ((st = shell_step(s, "conclude", j->c->conclude, j)))
		return st;
	if (warm)
		return check_exit(s, j, &run, -1);
	subtract(s, j, &run);
	bench_push(j->b, &run);
	s->done++;
	if (j->target == 0) {
		long t = s->o->runs;
		if (t == 0) {
			double need = ceil(s->o->duration / fmax(run.value, 1e-9));
			t = need > 1e9 ? 1000000000L : (long)need;
			if (t < s->o->min_runs)
				t = s->o->min_runs;
			if (s->o->max_runs > 0 && t > s->o->max_runs)
				t = s->o->max_runs;
		}
		j->target = t;
		s->total += t - 1;
	}
	progress(s, j);
	return check_exit(s, j, &run, (long)j->b->nruns);
}

/* The shell's start-up time: mean of runs of an empty command. */
static int
calibrate_shell(struct session *s)
{
	char *argv[] = { (char *)s->o->shell, "-c", "", NULL };
	struct bench_run run;
	double w = 0, u = 0, y = 0;
	const int n = 30;

	for (int i = 0; i < n + 3; i++) {
		if (launch_run(argv, &s->io, 0, &run) < 0) {
			warn("cannot start the shell %s:", s->o->shell);
			return 2;
		}
		if (run.exit_code != 0) {
			warn("the shell %s fails on an empty command (exit status %d)",
			    s->o->shell, run.exit_code);
			return 2;
		}
		if (i >= 3) {
			w += run.value;
			u += run.user;
			y += run.sys;
		}
	}
	s->shell0.value = w / n;
	s->shell0.user = u / n;
	s->shell0.sys = y / n;
	return 0;
}

/* xorshift64*: a small generator whose sequence a seed fixes everywhere. */
static unsigned long long
rng(unsigned long long *x)
{
	*x ^= *x >> 12;
	*x ^= *x << 25;
	*x ^= *x >> 27;
	return *x * 2685821657736338717ULL;
}

static int
run_concurrent(struct session *s, struct job *j);

static double
start_of(long pid, void *arg);

static int
warmups(struct session *s, struct job *j)
{
	int st;

	for (int w = 0; w < s->o->warmup; w++)
		if ((st = one(s, j, 1)))
			return st;
	return 0;
}

static int
sequential(struct session *s)
{
	int st;

	for (size_t i = 0; i < s->njobs; i++) {
		struct job *j = &s->jobs[i];
		if ((st = shell_step(s, "setup", j->c->setup, j)) || (st = warmups(s, j)))
			return st;
		if (s->o->concurrency > 1) {
			if ((st = run_concurrent(s, j)))
				return st;
		} else {
			do
				if ((st = one(s, j, 0)))
					return st;
			while ((long)j->b->nruns < j->target);
		}
		if ((st = shell_step(s, "cleanup", j->c->cleanup, j)))
			return st;
	}
	return 0;
}

static int
mixed(struct session *s)
{
	unsigned long long x = s->o->seed ? s->o->seed : 0x9e3779b97f4a7c15ULL;
	size_t *list = NULL, nlist = 0, left;
	int st = 0;

	for (size_t i = 0; i < s->njobs; i++)
		if ((st = shell_step(s, "setup", s->jobs[i].c->setup, &s->jobs[i])))
			return st;
	for (size_t i = 0; i < s->njobs; i++)
		if ((st = warmups(s, &s->jobs[i])))
			return st;
	/* The first round sets every command's count. */
	for (size_t i = 0; i < s->njobs; i++)
		if ((st = one(s, &s->jobs[i], 0)))
			return st;
	if (s->o->order == BENCHSESSION_SHUFFLE) {
		for (size_t i = 0; i < s->njobs; i++)
			nlist += (size_t)s->jobs[i].target - 1;
		list = xreallocarray(NULL, nlist + 1, sizeof *list);
		nlist = 0;
		for (size_t i = 0; i < s->njobs; i++)
			for (long k = 1; k < s->jobs[i].target; k++)
				list[nlist++] = i;
		for (size_t i = nlist; i > 1; i--) {
			size_t r = (size_t)(rng(&x) % i), t = list[i - 1];
			list[i - 1] = list[r];
			list[r] = t;
		}
		for (size_t i = 0; i < nlist && !st; i++)
			st = one(s, &s->jobs[list[i]], 0);
		free(list);
	} else {
		do {
			left = 0;
			for (size_t i = 0; i < s->njobs && !st; i++)
				if ((long)s->jobs[i].b->nruns < s->jobs[i].target) {
					st = one(s, &s->jobs[i], 0);
					left++;
				}
		} while (left && !st);
	}
	for (size_t i = 0; i < s->njobs && !st; i++)
		st = shell_step(s, "cleanup", s->jobs[i].c->cleanup, &s->jobs[i]);
	return st;
}

struct inflight {
	long pid;
	double t0;
};

static double
start_of(long pid, void *arg)
{
	struct inflight *f = arg;

	for (; f->pid; f++)
		if (f->pid == pid) {
			f->pid = -1; /* free the slot */
			return f->t0;
		}
	return launch_now();
}

static int
run_concurrent(struct session *s, struct job *j)
{
	int n = s->o->concurrency, running = 0, st = 0;
	struct inflight *f = xcalloc((size_t)n + 1, sizeof *f);
	long started = 0;
	double t0 = launch_now(), last = t0;

	for (int i = 0; i < n; i++)
		f[i].pid = -1;
	f[n].pid = 0; /* the end */
	for (;;) {
		struct bench_run run;
		long pid;
		int more = s->o->runs ? started < s->o->runs
		    : (started < s->o->min_runs || launch_now() - t0 < s->o->duration)
		    && (s->o->max_runs == 0 || started < s->o->max_runs);
		while (more && running < n && !st) {
			int k = 0;
			while (f[k].pid != -1)
				k++;
			if ((f[k].pid = launch_start(j->argv, &s->io, &f[k].t0)) < 0) {
				f[k].pid = -1;
				st = start_failed(s, j);
				break;
			}
			running++;
			started++;
			if (s->o->runs)
				more = started < s->o->runs;
		}
		if (running == 0)
			break;
		if ((pid = launch_wait_any(start_of, f, &run)) < 0)
			break;
		running--;
		last = launch_now();
		subtract(s, j, &run);
		bench_push(j->b, &run);
		s->done++;
		if (s->total < started)
			s->total = started;
		progress(s, j);
		if (!st)
			st = check_exit(s, j, &run, (long)j->b->nruns);
		if (st) {
			/* Let the others finish: no process is left behind. */
			while (running > 0 && launch_wait_any(start_of, f, &run) >= 0)
				running--;
			break;
		}
	}
	free(f);
	j->b->concurrency = n;
	j->b->throughput = last > t0 ? (double)j->b->nruns / (last - t0) : 0;
	return st;
}

int
benchsession_run(const struct benchsession_opts *o, const struct benchsession_cmd *cmds, size_t n, struct bench_results *r)
{
	struct session s = { .o = o, .io = { o->in, o->out, o->err }, .njobs = n };
	int st = 0, shell = 0;
	char why[200];

	bench_context(r, "hardware_counters",
	    launch_hw_available(why, sizeof why) ? "cycles, instructions" : why);
	s.jobs = xcalloc(n, sizeof *s.jobs);
	for (size_t i = 0; i < n; i++) {
		struct bench_entry *b = bench_add(r, cmds[i].name, cmds[i].command);
		for (size_t k = 0; k < cmds[i].nparams; k++)
			bench_param(b, cmds[i].params[k].key, cmds[i].params[k].value);
	}
	/* Only now: bench_add moves the benchmarks as r grows. */
	for (size_t i = 0; i < n; i++) {
		struct job *j = &s.jobs[i];
		j->c = &cmds[i];
		j->b = &r->b[r->n - n + i];
		if (cmds[i].shell) {
			j->shv[0] = (char *)o->shell;
			j->shv[1] = "-c";
			j->shv[2] = (char *)cmds[i].command;
			j->argv = j->shv;
			shell = 1;
		} else {
			const char *err;
			if (!(j->argv = cmdline_split(cmds[i].command, &err)))
				die("%s: %s", cmds[i].name, err);
		}
		s.total++; /* the first run; one() adds the rest once it knows */
	}
	s.t0 = launch_now();
	if (shell && (st = calibrate_shell(&s)))
		goto out;
	for (size_t i = 0; i < n; i++)
		s.jobs[i].b->shell_spawn = cmds[i].shell ? s.shell0.value : 0;
	if (o->order == BENCHSESSION_SEQUENTIAL || o->concurrency > 1)
		st = sequential(&s);
	else
		st = mixed(&s);
	progress_end(&s);
out:
	for (size_t i = 0; i < n; i++)
		if (s.jobs[i].argv != s.jobs[i].shv)
			free(s.jobs[i].argv);
	free(s.jobs);
	return st;
}

void
benchsession_streams(struct benchsession_opts *o, const char *input, const char *output)
{
	int null = open("/dev/null", O_RDWR | O_CLOEXEC);

	if (null < 0)
		die("/dev/null: cannot open:");
	o->in = null;
	if (input && (o->in = open(input, O_RDONLY | O_CLOEXEC)) < 0)
		die("--input: %s: cannot open:", input);
	o->out = o->err = null;
	if (!output || strcmp(output, "null") == 0)
		return;
	if (strcmp(output, "inherit") == 0) {
		o->out = o->err = -1;
		return;
	}
	if ((o->out = open(output, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0666)) < 0)
		die("--output: %s: cannot open:", output);
}

void
benchsession_record(const char *file, int argc, char *argv[], int nopt)
{
	char self[PATH_MAX], rec[PATH_MAX + 16], **v;
	ssize_t len;
	int k = 0;

	if (getenv("PROF_BENCH_RECORDING"))
		return;
	if ((len = readlink("/proc/self/exe", self, sizeof self - 1)) < 0)
		die("--record: cannot find prof-bench itself:");
	self[len] = '\0';
	snprintf(rec, sizeof rec, "%.*s/prof-record", (int)(strrchr(self, '/') - self), self);
	if (access(rec, X_OK) != 0)
		strcpy(rec, "prof-record");
	v = xcalloc((size_t)argc + 8, sizeof *v);
	v[k++] = rec;
	v[k++] = "-o";
	v[k++] = (char *)file;
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
