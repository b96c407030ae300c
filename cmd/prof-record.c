/* prof-record: sample a command or running processes.  See prof-record(1). */
#define _GNU_SOURCE
#include <fcntl.h>
#include <errno.h>
#include <getopt.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <termios.h>
#include <time.h>
#include <unistd.h>

#include "core/conf.h"
#include "folded/folded.h"
#include "folded/meta.h"
#include "core/arg.h"
#include "core/outfile.h"
#include "record/record.h"
#include "record/sample.h"
#include "folded/stacktable.h"
#include "record/unwind.h"
#include "core/util.h"

static const char synopsis[] =
"usage: prof-record [-F hz] [-d seconds] [-o file] [--depth n] [--lines]\n"
"                   [--no-inline] [--pid | --tid] [--kernel] [--stack-size bytes]\n"
"                   [--sampler name] [--unwinder name] [--] command [arg ...]\n"
"       prof-record -p pid[,pid...] [-F hz] [-d seconds] [-o file] [--type type]\n"
"                   [options]\n";

static const char options_help[] =
"\n"
"Samples on-CPU stacks; writes folded stacks (prof-folded(5)).\n"
"  -F hz                 samples a second (default 99; prof.conf, PROF_FREQ)\n"
"  -d seconds            stop after this long (the command's process group\n"
"                        gets SIGTERM)\n"
"  -o file               write to file, atomically (default: stdout; the\n"
"                        command's stdout then goes to stderr)\n"
"  -p pid[,pid...]       attach to running processes instead\n"
"  --depth n             keep at most n frames from the leaf\n"
"  --lines               frames carry their source file:line\n"
"  --no-inline           no frames of their own for inlined functions\n"
"  --pid, --tid          root frame comm-PID, or comm-PID/TID\n"
"  --kernel              kernel frames too, marked _[k]\n"
"  --sampler name        perf (default; ptrace when perf_event_open is\n"
"                        refused) or ptrace (stop threads, at most 99 Hz)\n"
"  --stack-size bytes    user stack copied per sample (default 16384)\n"
"  --type type           cpu (sample), or threads (one stack per thread, -p)\n"
"  --unwinder name       dwfl (default), libunwind, or compare (both, and\n"
"                        report the samples where they differ)\n"
"  --help                this text\n"
"See prof-record(1), prof.conf(5) and prof-folded(5).\n";

static volatile sig_atomic_t stop_sig, stop_count;

static void
on_stop(int sig)
{
	stop_sig = sig;
	stop_count++;
}

/*
 * The command runs in a process group of its own, as under timeout(1), so
 * that what prof-record sends it (-d, a signal passed on) reaches every
 * process it started, a shell's children too.  A stopped process keeps a
 * signal pending until it is continued: SIGCONT follows.
 */
static void
group_signal(pid_t group, int sig)
{
	kill(-group, sig);
	if (sig != SIGKILL && sig != SIGCONT)
		kill(-group, SIGCONT);
}

/* The terminal prof-record runs in the foreground of, or -1. */
static int
foreground_tty(void)
{
	for (int fd = 0; fd <= 2; fd++)
		if (isatty(fd) && tcgetpgrp(fd) == getpgrp())
			return fd;
	return -1;
}

/* Makes group the terminal's foreground; a background process asking
 * that gets SIGTTOU, which is blocked meanwhile. */
static void
tty_give(int fd, pid_t group)
{
	sigset_t ttou, old;

	sigemptyset(&ttou);
	sigaddset(&ttou, SIGTTOU);
	sigprocmask(SIG_BLOCK, &ttou, &old);
	tcsetpgrp(fd, group);
	sigprocmask(SIG_SETMASK, &old, NULL);
}

/*
 * The command holds the terminal and was stopped (^Z, or reading it as a
 * background job): stop prof-record's own job as the terminal would have,
 * then, continued, give the terminal back if the job is in the foreground
 * again, and continue the command.
 */
static void
job_stop(int tty, pid_t group)
{
	tty_give(tty, getpgrp());
	kill(0, SIGTSTP);
	if (tcgetpgrp(tty) == getpgrp())
		tty_give(tty, group);
	kill(-group, SIGCONT);
}

static void __attribute__((noreturn))
usage(void)
{
	fputs(synopsis, stderr);
	exit(EXIT_USAGE);
}

enum {
	OPT_DEPTH = 256, OPT_HELP, OPT_KERNEL, OPT_LINES, OPT_NOINLINE, OPT_PID,
	OPT_SAMPLER, OPT_STACK, OPT_TID, OPT_TYPE, OPT_UNWINDER
};

static const struct option longopts[] = {
	{ "depth", required_argument, NULL, OPT_DEPTH },
	{ "help", no_argument, NULL, OPT_HELP },
	{ "kernel", no_argument, NULL, OPT_KERNEL },
	{ "lines", no_argument, NULL, OPT_LINES },
	{ "no-inline", no_argument, NULL, OPT_NOINLINE },
	{ "pid", no_argument, NULL, OPT_PID },
	{ "sampler", required_argument, NULL, OPT_SAMPLER },
	{ "stack-size", required_argument, NULL, OPT_STACK },
	{ "tid", no_argument, NULL, OPT_TID },
	{ "type", required_argument, NULL, OPT_TYPE },
	{ "unwinder", required_argument, NULL, OPT_UNWINDER },
	{ NULL, 0, NULL, 0 }
};

static double
now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* A process that is gone, or a zombie nobody has reaped yet. */
static int
gone(pid_t pid)
{
	char path[64], buf[512];
	FILE *fp;
	const char *paren;
	int z = 0;

	snprintf(path, sizeof(path), "/proc/%d/stat", (int)pid);
	if ((fp = fopen(path, "r")) == NULL)
		return 1;
	if (fgets(buf, sizeof(buf), fp) != NULL && (paren = strrchr(buf, ')')) != NULL)
		z = paren[1] == ' ' && (paren[2] == 'Z' || paren[2] == 'X');
	fclose(fp);
	return z;
}

static void
write_stacks(FILE *out, struct stacktable *t)
{
	size_t n;
	struct stacktable_entry **v = stacktable_sorted(t, &n);

	for (size_t i = 0; i < n; i++)
		folded_write(out, v[i]->key, v[i]->len, v[i]->n, FOLDED_SINGLE);
	free(v);
}

static void
meta_num(struct meta *m, const char *key, const char *fmt, double v)
{
	char buf[64];

	snprintf(buf, sizeof(buf), fmt, v);
	meta_set(m, key, buf);
}

int
main(int argc, char *argv[])
{
	struct record_opts ro = { .inline_frames = 1, .unwinder = UNWIND_DWFL };
	struct sample_opts so = { .stack_size = 16384 };
	struct conf conf = { 0 };
	struct meta head = { 0 }, tail = { 0 };
	const char *ofile = "-", *type = NULL, *v, *where;
	pid_t *pids = NULL;
	int npids = 0, freq = 0, c, status = 0, threads_mode = 0, use_ptrace = 0;
	double duration = 0;
	char err[512] = "";

	/* The command gets the dispositions prof-record got (an ignored
	 * SIGINT stays ignored, as for any command), whatever handlers
	 * prof-record installs for itself. */
	struct sigaction orig_int, orig_term, orig_hup;
	sigaction(SIGINT, NULL, &orig_int);
	sigaction(SIGTERM, NULL, &orig_term);
	sigaction(SIGHUP, NULL, &orig_hup);

	util_setprog(argv[0]);
	while ((c = getopt_long(argc, argv, "+F:d:o:p:", longopts, NULL)) != -1) {
		switch (c) {
		case 'F':
			freq = (int)arg_int(optarg, 1, 100000, "-F");
			break;
		case 'd':
			duration = arg_real(optarg, 0.001, 31536000, "-d");
			break;
		case 'o':
			ofile = optarg;
			break;
		case 'p':
			for (char *s = optarg, *comma;; s = comma + 1) {
				if ((comma = strchr(s, ',')) != NULL)
					*comma = '\0';
				pids = xreallocarray(pids, npids + 1, sizeof(*pids));
				pids[npids++] = (pid_t)arg_int(s, 1, 4194304, "-p");
				if (comma == NULL)
					break;
			}
			break;
		case OPT_DEPTH:
			ro.depth = (int)arg_int(optarg, 1, 1024, "--depth");
			break;
		case OPT_HELP:
			fputs(synopsis, stdout);
			fputs(options_help, stdout);
			return util_fshut(stdout, "stdout") < 0 ? EXIT_FINDING : EXIT_OK;
		case OPT_KERNEL:
			ro.kernel = so.kernel = 1;
			break;
		case OPT_LINES:
			ro.lines = 1;
			break;
		case OPT_NOINLINE:
			ro.inline_frames = 0;
			break;
		case OPT_PID:
			ro.pid = 1;
			break;
		case OPT_SAMPLER:
			if (strcmp(optarg, "perf") == 0)
				use_ptrace = 0;
			else if (strcmp(optarg, "ptrace") == 0)
				use_ptrace = 1;
			else
				die("--sampler: '%s' is not a sampler; use perf or ptrace", optarg);
			break;
		case OPT_STACK:
			so.stack_size = (uint32_t)arg_int(optarg, 1024, 65528, "--stack-size") & ~7u;
			break;
		case OPT_TID:
			ro.tid = 1;
			break;
		case OPT_TYPE:
			type = optarg;
			break;
		case OPT_UNWINDER:
			if (strcmp(optarg, "dwfl") == 0)
				ro.unwinder = UNWIND_DWFL;
			else if (strcmp(optarg, "libunwind") == 0)
				ro.unwinder = UNWIND_LIBUNWIND;
			else if (strcmp(optarg, "compare") == 0)
				ro.unwinder = UNWIND_DWFL, ro.compare = 1;
			else
				die("--unwinder: '%s' is not an unwinder; use dwfl, libunwind or compare", optarg);
			break;
		default:
			usage();
		}
	}
	argc -= optind;
	argv += optind;
	if ((npids == 0) == (argc == 0))
		usage();

	/* Defaults: prof.conf, then PROF_FREQ, then the flags. */
	conf_load(&conf);
	if (freq == 0 && (v = getenv("PROF_FREQ")) != NULL && *v != '\0')
		freq = (int)arg_int(v, 1, 100000, "PROF_FREQ");
	if (freq == 0 && (v = conf_get(&conf, "record", "frequency", &where)) != NULL)
		freq = (int)arg_int(v, 1, 100000, where);
	if (freq == 0)
		freq = 99;
	const char *type_from = "--type";
	static const char *const record_keys[] = { "frequency", "type", NULL };
	conf_check(&conf, "record", record_keys);
	if (type == NULL && (type = conf_get(&conf, "record", "type", &where)) != NULL)
		type_from = where;
	if (type != NULL && strcmp(type, "cpu") != 0) {
		if (strcmp(type, "threads") != 0)
			die("%s: '%s' is not a type; use cpu or threads", type_from, type);
		if (npids == 0)
			die("--type threads takes -p PID: it reads the threads of running processes");
		threads_mode = 1;
	}
	so.freq = freq;

	struct stacktable *tab = stacktable_new();
	struct record *rec = record_new(&ro, tab);
	int to_stdout = strcmp(ofile, "-") == 0;
	struct outfile *of = outfile_open(ofile);
	FILE *out = outfile_fp(of);
	char when[32], cmdline[4096] = "";
	time_t t0 = time(NULL);

	strftime(when, sizeof(when), "%Y-%m-%dT%H:%M:%SZ", gmtime(&t0));
	for (int i = 0; i < argc; i++) {
		size_t k = strlen(cmdline);
		snprintf(cmdline + k, sizeof(cmdline) - k, "%s%s", i ? " " : "", argv[i]);
	}
	if (npids > 0)
		for (int i = 0; i < npids; i++) {
			size_t k = strlen(cmdline);
			snprintf(cmdline + k, sizeof(cmdline) - k, "%s-p %d", i ? " " : "", (int)pids[i]);
		}

	if (threads_mode) {
		int n = 0;
		unsetenv("DEBUGINFOD_URLS");  /* see below */
		for (int i = 0; i < npids; i++)
			if (record_threads(rec, pids[i], err, sizeof(err)) < 0)
				warn("%s", err);
			else
				n++;
		meta_set(&head, "type", "threads");
		meta_set(&head, "unit", "threads");
		meta_set(&head, "command", cmdline);
		meta_set(&head, "start", when);
		meta_write(out, &head);
		write_stacks(out, tab);
		status = n == npids ? EXIT_OK : EXIT_USAGE;
		goto done;
	}

	/* Launch: the child waits on go[] until the events are open, then
	 * execs; errp[] (closed by a successful exec) carries exec's errno. */
	pid_t child = -1;
	int go[2], errp[2], tty = -1;
	if (npids == 0) {
		if (pipe(go) < 0 || pipe2(errp, O_CLOEXEC) < 0)
			die("pipe:");
		fflush(NULL);
		if ((child = fork()) < 0)
			die("fork:");
		if (child == 0) {
			char ch;
			close(go[1]);
			close(errp[0]);
			/* The profile owns stdout; the command writes to stderr. */
			if (to_stdout)
				dup2(STDERR_FILENO, STDOUT_FILENO);
			sigaction(SIGINT, &orig_int, NULL);
			sigaction(SIGTERM, &orig_term, NULL);
			sigaction(SIGHUP, &orig_hup, NULL);
			signal(SIGPIPE, SIG_DFL);
			setpgid(0, 0);
			if (read(go[0], &ch, 1) != 1)
				_exit(127);
			close(go[0]);
			execvp(argv[0], argv);
			int e = errno;
			(void)!write(errp[1], &e, sizeof(e));
			_exit(127);
		}
		close(go[0]);
		close(errp[1]);
		/* Both set it, so that it is set whichever runs first.  The
		 * terminal of prof-record in the foreground goes to the
		 * command, so that it can read it and ^C, ^\ and ^Z reach
		 * the whole command, as the shell's own jobs. */
		setpgid(child, child);
		if ((tty = foreground_tty()) >= 0) {
			tty_give(tty, child);
			/* Out of the foreground now: with stty tostop, the
			 * progress line would stop prof-record. */
			signal(SIGTTOU, SIG_IGN);
		}
		pids = xrealloc(pids, sizeof(*pids));
		pids[0] = child;
		npids = 1;
	} else {
		for (int i = 0; i < npids; i++) {
			if (gone(pids[i]))
				die("-p: no process %d", (int)pids[i]);
			record_attach(rec, pids[i]);
		}
	}

	/* Only now that the command has its environment and limits as
	 * given: libdwfl asks debuginfod servers when DEBUGINFOD_URLS is set,
	 * and we read only the files on this machine; each process followed
	 * holds a descriptor per file it unwinds through. */
	unsetenv("DEBUGINFOD_URLS");
	{
		struct rlimit rl;
		if (getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur < rl.rlim_max) {
			rl.rlim_cur = rl.rlim_max;
			setrlimit(RLIMIT_NOFILE, &rl);
		}
	}

	/* Where the kernel refuses perf_event_open, threads are stopped and
	 * read with ptrace instead: slower, so at a lower rate. */
	const char *event = "cpu-clock";
	struct sample_session *ses = NULL;
	if (!use_ptrace && (ses = sample_open(&so, pids, npids, child > 0, &event, err, sizeof(err))) == NULL) {
		warn("%s; sampling with ptrace instead", err);
		use_ptrace = 1;
	}
	if (use_ptrace) {
		event = "ptrace";
		if (freq > 99)
			freq = 99;
	}
	{
		/* No SA_RESTART: a signal must interrupt the wait for the command. */
		struct sigaction sa = { .sa_handler = on_stop };
		sigemptyset(&sa.sa_mask);
		sigaction(SIGINT, &sa, NULL);
		sigaction(SIGTERM, &sa, NULL);
		sigaction(SIGHUP, &sa, NULL);
	}
	signal(SIGPIPE, SIG_IGN);

	meta_set(&head, "type", "cpu");
	meta_set(&head, "unit", "samples");
	meta_set(&head, "event", event);
	meta_num(&head, "frequency", "%.0f Hz", freq);
	meta_num(&head, "period", "%.0f ns", 1e9 / freq);
	meta_set(&head, "command", cmdline);
	meta_set(&head, "start", when);
	if (to_stdout) {
		meta_write(out, &head);
		fflush(out);
	}

	double start = now(), last_flush = start, deadline = duration > 0 ? start + duration : 0;
	int exec_failed = 0, reaped = 0, forwarded = 0, progress = isatty(STDERR_FILENO);
	if (child > 0) {
		int e;
		(void)!write(go[1], "x", 1);
		close(go[1]);
		if (read(errp[0], &e, sizeof(e)) == (ssize_t)sizeof(e)) {
			warn("%s: %s", argv[0], e == ENOENT ? "command not found" : strerror(e));
			exec_failed = e == ENOENT ? 127 : 126;
		}
		close(errp[0]);
	}
	while (!exec_failed) {
		if (ses != NULL) {
			sample_read(ses, 100, record_sample, rec);
		} else {
			int ok = 0, refused = 0;
			char perr[512] = "";
			usleep((useconds_t)(1e6 / freq));
			/* A process that ended meanwhile refuses too: no error. */
			for (int i = 0; i < npids; i++) {
				if (gone(pids[i]))
					continue;
				if (record_ptrace_sample(rec, pids[i], 1, perr, sizeof(perr)) >= 0)
					ok = 1;
				else if (!gone(pids[i]))
					refused = 1;
			}
			if (!ok && refused) {
				if (child > 0) {
					group_signal(child, SIGKILL);
					if (tty >= 0)
						tty_give(tty, getpgrp());
				}
				die("%s; perf_event_open was refused too: allow one with sysctl "
				    "kernel.perf_event_paranoid=1 or CAP_PERFMON, or ptrace with "
				    "kernel.yama.ptrace_scope=0 or CAP_SYS_PTRACE", perr);
			}
		}
		double t = now();
		if (child > 0) {
			pid_t w = waitpid(child, &status, WNOHANG | (tty >= 0 ? WUNTRACED : 0));
			if (w == child && WIFSTOPPED(status)) {
				job_stop(tty, child);
			} else if (w == child) {
				reaped = 1;
				break;
			} else if (w < 0 && errno == ECHILD) {
				/* reaped by the ptrace sampler's wait */
				status = record_reaped(rec, child, &status) ? status : 128 << 8;
				reaped = 1;
				break;
			}
		} else {
			int alive = 0;
			for (int i = 0; i < npids; i++)
				alive += !gone(pids[i]);
			if (alive == 0)
				break;
		}
		if (stop_sig || (deadline > 0 && t >= deadline)) {
			/* As timeout(1) does, a command past -d gets SIGTERM. */
			if (child > 0 && !forwarded)
				group_signal(child, stop_sig ? stop_sig : SIGTERM);
			forwarded = 1;
			break;
		}
		if (progress)
			fprintf(stderr, "\r%s: %llu samples, %.1f s, %llu lost ", util_prog,
			    (unsigned long long)record_samples(rec), t - start,
			    (unsigned long long)(ses ? sample_lost(ses) : 0));
		/* A pipe sees the profile grow; stacks seen again are written
		 * again, and readers sum them. */
		if (to_stdout && t - last_flush >= 2 && stacktable_count(tab) > 0) {
			write_stacks(out, tab);
			fflush(out);
			stacktable_free(tab);
			tab = stacktable_new();
			record_set_out(rec, tab);
			last_flush = t;
		}
	}
	double stopped = now();
	if (ses != NULL)
		sample_drain(ses, record_sample, rec);
	if (progress)
		fputc('\n', stderr);
	/* A command that does not end on the signal passed on is killed by a
	 * second one, its whole group. */
	if (child > 0 && !reaped) {
		int seen = stop_count;
		pid_t w;
		while ((w = waitpid(child, &status, 0)) < 0 && errno == EINTR)
			if (stop_count > seen && seen > 0) {
				group_signal(child, SIGKILL);
				seen = stop_count;
			}
		if (w < 0 && !record_reaped(rec, child, &status))
			status = 128 << 8;
	}
	if (tty >= 0 && tcgetpgrp(tty) == child)
		tty_give(tty, getpgrp());
	if (record_truncated(rec) > 0)
		warn("%llu of %llu samples could not be unwound past their leaf",
		    (unsigned long long)record_truncated(rec), (unsigned long long)record_samples(rec));
	if (ro.compare) {
		uint64_t compared, differ = record_disagreed(rec, &compared);
		warn("unwinders compared on %llu samples: %llu differ",
		    (unsigned long long)compared, (unsigned long long)differ);
	}
	if (ses != NULL && (sample_lost(ses) > 0 || sample_throttled(ses) > 0))
		warn("the kernel lost %llu samples and throttled %llu times: lower -F",
		    (unsigned long long)sample_lost(ses), (unsigned long long)sample_throttled(ses));
	meta_num(&tail, "duration", "%.3f s", stopped - start);
	meta_num(&tail, "samples", "%.0f samples", (double)record_samples(rec));
	meta_num(&tail, "lost", "%.0f samples", ses ? (double)sample_lost(ses) : 0);
	{
		/* What recording cost, for whoever weighs the profile. */
		struct rusage ru;
		if (getrusage(RUSAGE_SELF, &ru) == 0)
			meta_num(&tail, "recorder-cpu", "%.6f s", (double)ru.ru_utime.tv_sec +
			    (double)ru.ru_utime.tv_usec / 1e6 + (double)ru.ru_stime.tv_sec +
			    (double)ru.ru_stime.tv_usec / 1e6);
	}
	if (!to_stdout) {
		meta_write(out, &head);
		meta_write(out, &tail);
		write_stacks(out, tab);
	} else {
		write_stacks(out, tab);
		meta_write(out, &tail);
	}
	if (ses != NULL)
		sample_close(ses);

	if (exec_failed)
		status = exec_failed;
	else if (child > 0)
		status = WIFEXITED(status) ? WEXITSTATUS(status) :
		    WIFSIGNALED(status) ? 128 + WTERMSIG(status) : EXIT_FINDING;
	else
		status = EXIT_OK;
done:
	if (outfile_commit(of) < 0 && status == EXIT_OK)
		status = EXIT_FINDING;
	record_free(rec);
	stacktable_free(tab);
	meta_free(&head);
	meta_free(&tail);
	conf_free(&conf);
	free(pids);
	return status;
}
