/* session: a recording session of prof-record.  See session.h. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <termios.h>
#include <time.h>
#include <unistd.h>

#include "agent/agent.h"
#include "core/cmdline.h"
#include "core/outfile.h"
#include "core/util.h"
#include "folded/folded.h"
#include "folded/meta.h"
#include "folded/stacktable.h"
#include "pprof/pprof.h"
#include "record/agentread.h"
#include "record/io.h"
#include "record/offcpu.h"
#include "record/record.h"
#include "record/sample.h"
#include "record/session.h"
#include "record/unwind.h"

struct session {
	const struct session_opts *o;
	int freq;                       /* o's, at most 99 with ptrace */
	struct stacktable *tab;         /* the stacks not written yet */
	struct record *rec;
	struct outfile *of;
	FILE *out;
	int to_stdout;
	int failed;                 /* the profile could not be written as asked */
	struct meta head, tail;         /* known at the start, at the end */
	char when[32], cmdline[4096];   /* the metadata start and command */
	char *stdin_path;               /* a launched command's standard input
	                                 * when it is a regular file, or NULL */

	const pid_t *pids;              /* the processes sampled */
	int npids;
	pid_t child;                    /* the command launched, or -1 */
	int go, errp;                   /* its start pipe, its exec's errno */
	int tty;                        /* the terminal it holds, or -1 */
	struct sigaction orig_int, orig_term, orig_hup;

	struct sample_session *sampler; /* NULL: the ptrace sampler */
	const char *event;
	int ptrace_which;               /* the ptrace sampler's enum record_ptrace */
	int ptrace_refused;             /* periods in a row every thread refused */
	struct offcpu *off;             /* offcpu and wall with perf, or NULL */
	struct io *io;                  /* io, or NULL */
	void (*cb)(void *, const struct sample_record *);  /* the sampler's */
	void *cbctx;

	struct agentread *agent;        /* the agent's types, or NULL */
	int agent_fd;                   /* the read end of its pipe, or -1 */
	int agent_wfd;                  /* the write end, for the child */
	char agent_path[PATH_MAX];
};

static const char *const type_names[] = {
	"cpu", "offcpu", "wall", "io", "memory", "lock", "block", "threadcreate"
};
static const char *const weight_names[] = { "bytes", "ns", "calls" };
static const char *const weight_units[] = { "bytes", "nanoseconds", "calls" };

/* The signal handlers' only way to the session: see session.h. */
static volatile sig_atomic_t stop_sig, stop_count;

static void
on_stop(int sig)
{
	stop_sig = sig;
	stop_count++;
}

/*
 * A stopped process keeps a signal pending until it is continued: SIGCONT
 * follows.
 */
static void
group_signal(pid_t group, int sig)
{
	kill(-group, sig);
	if (sig != SIGKILL && sig != SIGCONT)
		kill(-group, SIGCONT);
}

/* The terminal the program runs in the foreground of, or -1. */
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
 * background job): stop the program's own job as the terminal would have,
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

static void
write_stacks(FILE *out, struct stacktable *t)
{
	size_t n;
	struct stacktable_entry **v = stacktable_sorted(t, &n);

	for (size_t i = 0; i < n; i++)
		folded_write(out, v[i]->key, v[i]->len, v[i]->n, FOLDED_SINGLE);
	free(v);
}

/*
 * A profile to out: its metadata (head, then tail) and its stacks t,
 * folded, or with o->pprof a pprof profile whose frames that could not
 * be named are addresses in the files read, by build-id.  Returns 0, or
 * -1 when the profile cannot be written as pprof (said on stderr).
 */
static int
emit(const struct session *s, FILE *out, const struct meta *head, const struct meta *tail,
    struct stacktable *t)
{
	struct pprof_modules ms = { NULL, 0 };
	struct meta m = { 0 };
	struct stacktable_entry **v;
	char err[256];
	size_t n;
	int rc;

	if (!s->o->pprof) {
		meta_write(out, head);
		if (tail != NULL)
			meta_write(out, tail);
		write_stacks(out, t);
		return 0;
	}
	meta_update(&m, head);
	if (tail != NULL)
		meta_update(&m, tail);
	unwind_modules(pprof_modules_add, &ms);
	v = stacktable_sorted(t, &n);
	if ((rc = pprof_write_modules(out, v, n, &m, ms.v, ms.n, err, sizeof(err))) < 0)
		warn("%s: %s", s->o->output, err);
	free(v);
	pprof_modules_free(&ms);
	meta_free(&m);
	return rc;
}

static void
meta_num(struct meta *m, const char *key, const char *fmt, double v)
{
	char buf[64];

	snprintf(buf, sizeof(buf), fmt, v);
	meta_set(m, key, buf);
}

/* What the command read on its standard input, which it shares with
 * prof-record: the real path of a regular file, so that a verify command
 * can give it the same input (`sqlite3 t.db < q.sql`); NULL for a
 * terminal, a pipe, /dev/null, or a path a metadata line cannot hold. */
static char *
stdin_file(void)
{
	struct stat st;
	char *p;

	if (fstat(STDIN_FILENO, &st) < 0 || !S_ISREG(st.st_mode))
		return NULL;
	if ((p = realpath("/proc/self/fd/0", NULL)) == NULL)
		return NULL;
	for (const char *c = p; *c; c++)
		if ((unsigned char)*c < ' ' || *c == 0x7f) {
			free(p);
			return NULL;
		}
	return p;
}

/*
 * The start of a session: the dispositions the command will get (before
 * any handler of the session's own), the stack table, the output, and the
 * metadata start and command.
 */
static void
begin(struct session *s, const struct session_opts *o, char *const argv[],
    const pid_t *pids, int npids)
{
	time_t t0 = time(NULL);

	memset(s, 0, sizeof(*s));
	sigaction(SIGINT, NULL, &s->orig_int);
	sigaction(SIGTERM, NULL, &s->orig_term);
	sigaction(SIGHUP, NULL, &s->orig_hup);
	s->o = o;
	s->freq = o->sample.freq;
	s->pids = pids;
	s->npids = npids;
	s->child = -1;
	s->go = s->errp = s->tty = -1;
	s->agent_fd = s->agent_wfd = -1;
	s->tab = stacktable_new();
	s->rec = record_new(&o->record, s->tab);
	s->to_stdout = strcmp(o->output, "-") == 0;
	/* The agent's five views go to five files, named at the end. */
	if (!(o->type == SESSION_MEMORY && o->view == SESSION_VIEW_ALL && !s->to_stdout)) {
		s->of = outfile_open(o->output);
		s->out = outfile_fp(s->of);
	}

	strftime(s->when, sizeof(s->when), "%Y-%m-%dT%H:%M:%SZ", gmtime(&t0));
	/* quoted, so that the command read back is the one that ran
	 * (sh -c 'a; b') */
	for (int i = 0; argv != NULL && argv[i] != NULL; i++) {
		size_t k = strlen(s->cmdline);
		char *w = cmdline_quote(argv[i]);

		snprintf(s->cmdline + k, sizeof(s->cmdline) - k, "%s%s", i ? " " : "", w);
		free(w);
	}
	for (int i = 0; i < npids; i++) {
		size_t k = strlen(s->cmdline);
		snprintf(s->cmdline + k, sizeof(s->cmdline) - k, "%s-p %d", i ? " " : "", (int)pids[i]);
	}
	s->stdin_path = argv != NULL ? stdin_file() : NULL;
}

/* The command and how it was recorded, for a person (or prof-plan's
 * verify commands) to record it again. */
static void
command_meta(const struct session *s, struct meta *m)
{
	char recorder[64];

	meta_set(m, "command", s->cmdline);
	if (s->o->record_args != NULL)
		meta_set(m, "record-args", s->o->record_args);
	if (s->stdin_path != NULL)
		meta_set(m, "stdin", s->stdin_path);
	snprintf(recorder, sizeof(recorder), "prof %s", util_version);
	meta_set(m, "recorder", recorder);
}

/* Commits the output (status 1 when it fails and status was 0), frees s. */
static int
end(struct session *s, int status)
{
	/* A profile that could not be written as asked leaves the path as
	 * it was. */
	if (s->of != NULL && s->failed)
		outfile_discard(s->of);
	else if (s->of != NULL && outfile_commit(s->of) < 0)
		s->failed = 1;
	if (s->failed && status == EXIT_OK)
		status = EXIT_FINDING;
	offcpu_free(s->off);
	io_free(s->io);
	agentread_free(s->agent);
	if (s->agent_fd >= 0)
		close(s->agent_fd);
	record_free(s->rec);
	stacktable_free(s->tab);
	meta_free(&s->head);
	meta_free(&s->tail);
	free(s->stdin_path);
	return status;
}

/* ---- the agent's types ---- */

static int
is_agent_type(int type)
{
	return type >= SESSION_MEMORY;
}

static uint64_t
agent_rate(const struct session_opts *o)
{
	return o->alloc_rate != 0 ? o->alloc_rate : AGENT_RATE_DEFAULT;
}

static unsigned
agent_events(int type)
{
	return type == SESSION_MEMORY ? AGENT_EV_MEMORY : type == SESSION_LOCK ? AGENT_EV_LOCK :
	    type == SESSION_BLOCK ? AGENT_EV_BLOCK : AGENT_EV_THREADCREATE;
}

/*
 * Before anything is created: the command must take the agent, and the
 * agent be found.  Then the pipe: its read end close-on-exec, its write
 * end the command's (PROF_AGENT_FD), as large as the kernel lets a user
 * make it, so that a burst of records seldom blocks the command.
 */
static void
agent_prepare(struct session *s, const char *cmd)
{
	char err[PATH_MAX + 256], version[80];
	int p[2];

	if (!agentread_preloadable(cmd, err, sizeof(err)))
		die("--type %s: %s", type_names[s->o->type], err);
	if (agentread_agent_path(s->agent_path, sizeof(s->agent_path)) != 0)
		die("--type %s: " AGENT_LIBRARY " not found beside prof-record or in "
		    "../lib/prof (or its path holds a space or a colon)", type_names[s->o->type]);
	/* an agent of another build may write another stream: say so */
	if (agentread_agent_version(s->agent_path, version, sizeof(version)) != 0)
		warn("%s: no version found in it; it may not be prof %s's", s->agent_path, util_version);
	else if (strcmp(version, util_version) != 0)
		warn("%s: version %s, not prof-record's %s", s->agent_path, version, util_version);
	if (pipe(p) < 0 || fcntl(p[0], F_SETFD, FD_CLOEXEC) < 0)
		die("pipe:");
	(void)fcntl(p[0], F_SETPIPE_SZ, 1 << 20);
	s->agent_fd = p[0];
	s->agent_wfd = p[1];
	s->agent = agentread_new(&(struct agentread_opts){
		.name = { .pid = s->o->record.pid, .lines = s->o->record.lines,
		    .inline_frames = s->o->record.inline_frames, .addrs = s->o->record.addrs },
		.max_stack = s->o->record.max_stack });
}

/*
 * Reads what the agent sent, waiting at most ms for it: 1 when bytes
 * came, 0 when none did (or a signal came first), -1 at the end of the
 * stream (every process holding the pipe has closed it).
 */
static int
agent_read(struct session *s, int ms)
{
	struct pollfd pfd = { .fd = s->agent_fd, .events = POLLIN };
	char buf[65536];
	ssize_t n;

	if (s->agent_fd < 0)
		return -1;
	if (poll(&pfd, 1, ms) <= 0)
		return 0;
	if ((n = read(s->agent_fd, buf, sizeof(buf))) > 0) {
		agentread_feed(s->agent, buf, (size_t)n);
		return 1;
	}
	if (n < 0 && (errno == EINTR || errno == EAGAIN))
		return 0;
	close(s->agent_fd);
	s->agent_fd = -1;
	return -1;
}

/*
 * The command has ended; what it started may still hold the pipe (a
 * daemon, a job left in the background): read until the pipe is idle
 * or at its end, for at most SESSION_AGENT_LINGER_MS.
 */
static void
agent_drain(struct session *s)
{
	double until = util_now() + SESSION_AGENT_LINGER_MS / 1e3, left;

	while (s->agent_fd >= 0 && (left = until - util_now()) > 0)
		if (agent_read(s, left * 1e3 < SESSION_AGENT_IDLE_MS ?
		    (int)(left * 1e3) + 1 : SESSION_AGENT_IDLE_MS) <= 0)
			break;
	agentread_end(s->agent);
}

/*
 * What the stream lacks, said once on stderr; the metadata carries the
 * counts.
 */
static void
agent_warn(struct session *s, const struct agentread_stats *st)
{
	if (st->images == 0)
		warn("the agent sent nothing: no process of the command took it (a "
		    "static program it ran, or one that cleared LD_PRELOAD)");
	if (st->unfinished > 0)
		warn("%llu of %llu processes ended without the agent's summary (killed by "
		    "a signal, or still running when the recording ended): what they had "
		    "not sent is missing%s", (unsigned long long)st->unfinished,
		    (unsigned long long)st->images, s->o->type == SESSION_MEMORY ?
		    ", and the blocks they held count as not freed" : "");
	if (st->lost_chunks > 0 || st->bad_records > 0 || st->bad_bytes > 0 || st->missing > 0)
		warn("the agent's stream was damaged: %llu chunks lost, %llu records "
		    "malformed, %llu records missing", (unsigned long long)st->lost_chunks,
		    (unsigned long long)st->bad_records, (unsigned long long)st->missing);
	if (st->nounwind > 0)
		warn("the agent found no libunwind in %llu processes: their stacks hold "
		    "only the function that called", (unsigned long long)st->nounwind);
	if (st->untracked > 0)
		warn("%llu allocations past %u live blocks were not tracked: they count in "
		    "the alloc views only", (unsigned long long)st->untracked, AGENTREAD_MAX_LIVE);
}

/* The metadata of a view of the agent's stream. */
static void
agent_meta(struct session *s, struct meta *m, int view, const struct agentread_stats *st,
    double seconds)
{
	const char *unit = agentread_view_unit(view);
	uint64_t samples;
	struct rusage ru;
	char buf[64];

	meta_set(m, "type", type_names[s->o->type]);
	meta_set(m, "unit", strcmp(unit, "ns") == 0 ? "nanoseconds" : unit);
	if (s->o->type == SESSION_MEMORY) {
		meta_set(m, "view", agentread_view_names[view]);
		snprintf(buf, sizeof(buf), "%llu bytes", (unsigned long long)agent_rate(s->o));
		meta_set(m, "alloc-rate", buf);
	}
	meta_set(m, "event", AGENT_LIBRARY);
	command_meta(s, m);
	meta_set(m, "start", s->when);
	meta_num(m, "duration", "%.3f s", seconds);
	samples = s->o->type == SESSION_MEMORY ? st->allocs :
	    s->o->type == SESSION_THREADCREATE ? st->threads : st->waits;
	meta_num(m, "samples", "%.0f samples", (double)samples);
	meta_num(m, "lost", "%.0f samples", (double)st->missing);
	if (st->unfinished > 0)
		meta_num(m, "unfinished", "%.0f processes", (double)st->unfinished);
	if (getrusage(RUSAGE_SELF, &ru) == 0)
		meta_num(m, "recorder-cpu", "%.6f s", (double)ru.ru_utime.tv_sec +
		    (double)ru.ru_utime.tv_usec / 1e6 + (double)ru.ru_stime.tv_sec +
		    (double)ru.ru_stime.tv_usec / 1e6);
}

/* One view to out: its metadata, then its stacks.  Returns 0, or -1 when
 * it could not be written as asked (emit). */
static int
agent_write_view(struct session *s, FILE *out, int view, const struct agentread_stats *st,
    double seconds)
{
	struct stacktable *t = stacktable_new();
	struct meta m = { 0 };
	int rc;

	agent_meta(s, &m, view, st, seconds);
	agentread_view(s->agent, view, t);
	rc = emit(s, out, &m, NULL, t);
	stacktable_free(t);
	meta_free(&m);
	return rc;
}

/*
 * The profile of the agent's stream: one view, or the five memory views
 * (to stdout one after the other; else each in PREFIX-VIEW.folded).
 * Returns 0, or -1 when a file could not be written.
 */
static int
agent_write(struct session *s, double seconds)
{
	struct agentread_stats st;
	int view, lo, hi, rc = 0;

	agentread_get_stats(s->agent, &st);
	agent_warn(s, &st);
	switch (s->o->type) {
	case SESSION_MEMORY:
		lo = hi = s->o->view;
		if (s->o->view == SESSION_VIEW_ALL)
			lo = AGENTREAD_ALLOC_SPACE, hi = AGENTREAD_PEAK;
		break;
	case SESSION_LOCK:
		lo = hi = AGENTREAD_LOCK;
		break;
	case SESSION_BLOCK:
		lo = hi = AGENTREAD_BLOCK;
		break;
	default:
		lo = hi = AGENTREAD_THREADCREATE;
	}
	for (view = lo; view <= hi; view++) {
		if (s->out != NULL) {
			if (agent_write_view(s, s->out, view, &st, seconds) < 0)
				s->failed = 1;
			continue;
		}
		char *path = xasprintf(s->o->pprof ? "%s-%s.pb.gz" : "%s-%s.folded", s->o->output,
		    agentread_view_names[view]);
		struct outfile *of = outfile_create(path, 0);
		if (of == NULL) {
			rc = -1;
		} else if (agent_write_view(s, outfile_fp(of), view, &st, seconds) < 0) {
			outfile_discard(of);
			rc = -1;
		} else if (outfile_commit(of) < 0) {
			rc = -1;
		}
		free(path);
	}
	if (s->o->type == SESSION_MEMORY)
		agentread_leaks(s->agent, stderr, "prof-record: ", 5);
	return rc;
}

/*
 * Forks the command, which waits on the go pipe until the events are open,
 * then execs; errp (closed by a successful exec) carries exec's errno.
 */
static void
launch(struct session *s, char *const argv[])
{
	int go[2], errp[2];

	if (pipe(go) < 0 || pipe2(errp, O_CLOEXEC) < 0)
		die("pipe:");
	fflush(NULL);
	if ((s->child = fork()) < 0)
		die("fork:");
	if (s->child == 0) {
		char ch;
		close(go[1]);
		close(errp[0]);
		/* The profile owns stdout; the command writes to stderr. */
		if (s->to_stdout)
			dup2(STDERR_FILENO, STDOUT_FILENO);
		sigaction(SIGINT, &s->orig_int, NULL);
		sigaction(SIGTERM, &s->orig_term, NULL);
		sigaction(SIGHUP, &s->orig_hup, NULL);
		signal(SIGPIPE, SIG_DFL);
		setpgid(0, 0);
		if (read(go[0], &ch, 1) != 1)
			_exit(127);
		close(go[0]);
		if (s->agent != NULL)
			agentread_setenv(s->agent_path, s->agent_wfd, agent_rate(s->o),
			    agent_events(s->o->type));
		execvp(argv[0], argv);
		int e = errno;
		(void)!write(errp[1], &e, sizeof(e));
		_exit(127);
	}
	close(go[0]);
	close(errp[1]);
	if (s->agent_wfd >= 0) {
		close(s->agent_wfd);
		s->agent_wfd = -1;
	}
	s->go = go[1];
	s->errp = errp[0];
	/* Both set it, so that it is set whichever runs first.  The
	 * terminal of the program in the foreground goes to the command,
	 * so that it can read it and ^C, ^\ and ^Z reach the whole
	 * command, as the shell's own jobs. */
	setpgid(s->child, s->child);
	if ((s->tty = foreground_tty()) >= 0) {
		tty_give(s->tty, s->child);
		/* Out of the foreground now: with stty tostop, the progress
		 * line would stop the program. */
		signal(SIGTTOU, SIG_IGN);
	}
	s->pids = &s->child;
	s->npids = 1;
}

static void
attach(struct session *s)
{
	for (int i = 0; i < s->npids; i++) {
		if (util_gone(s->pids[i]))
			die("-p: no process %d", (int)s->pids[i]);
		record_attach(s->rec, s->pids[i]);
	}
}

/*
 * Only once the command has its environment and limits as given: libdwfl
 * asks debuginfod servers when DEBUGINFOD_URLS is set, and only the files
 * on this machine are read unless the user asked for them; each process
 * followed holds a descriptor per file it unwinds through.
 */
static void
prepare_unwinding(const struct session_opts *o)
{
	struct rlimit rl;

	if (!o->debuginfod)
		unsetenv("DEBUGINFOD_URLS");
	if (getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur < rl.rlim_max) {
		rl.rlim_cur = rl.rlim_max;
		setrlimit(RLIMIT_NOFILE, &rl);
	}
}

/* The launched command's group killed and the terminal taken back, before
 * dying of an error. */
static void
abandon(struct session *s)
{
	if (s->child > 0) {
		group_signal(s->child, SIGKILL);
		if (s->tty >= 0)
			tty_give(s->tty, getpgrp());
	}
}

/*
 * Where the kernel refuses perf_event_open, threads are stopped and read
 * with ptrace instead: slower, so at a lower rate.  Off-CPU intervals and
 * system calls have no such way round.
 */
static void
open_sampler(struct session *s)
{
	static const int events[] = {
		[SESSION_CPU] = SAMPLE_ON_CPU, [SESSION_OFFCPU] = SAMPLE_SWITCHES,
		[SESSION_WALL] = SAMPLE_ON_CPU | SAMPLE_SWITCHES, [SESSION_IO] = SAMPLE_SYSCALLS
	};
	struct sample_opts so = s->o->sample;
	char err[512] = "";
	int type = s->o->type, use_ptrace = s->o->sampler == SESSION_PTRACE;

	so.events = events[type];
	so.syscalls = type == SESSION_IO ? io_filter() : NULL;
	s->event = "cpu-clock";
	if (!use_ptrace && (s->sampler = sample_open(&so, s->pids, s->npids,
	    s->child > 0, &s->event, err, sizeof(err))) == NULL) {
		if (type == SESSION_OFFCPU || type == SESSION_IO) {
			abandon(s);
			die("--type %s: %s", type_names[type], err);
		}
		warn(type == SESSION_WALL ? "%s; sampling with ptrace instead: every thread, "
		    "running or not, at most 99 times a second" : "%s; sampling with ptrace instead", err);
		use_ptrace = 1;
	}
	if (use_ptrace) {
		s->event = "ptrace";
		if (s->freq > 99)
			s->freq = 99;
	}
	if (s->sampler != NULL && sample_kernel_refused(s->sampler) != NULL)
		warn("kernel.%s refuses sampling the kernel: user mode only, so the time "
		    "spent in system calls and page faults is missing (root, CAP_PERFMON or "
		    "kernel.perf_event_paranoid=1 would count it; --user-only asks for user "
		    "mode without this warning)", sample_kernel_refused(s->sampler));
	s->ptrace_which = type == SESSION_WALL ? RECORD_PTRACE_STATES : RECORD_PTRACE_RUNNING;
	s->cb = record_sample;
	s->cbctx = s->rec;
	if (s->sampler != NULL && (type == SESSION_OFFCPU || type == SESSION_WALL)) {
		s->off = offcpu_new(s->rec, type == SESSION_WALL ? s->freq : 0);
		s->cb = offcpu_record;
		s->cbctx = s->off;
	} else if (type == SESSION_IO) {
		s->io = io_new(s->rec, s->o->io_weight);
		s->cb = io_record;
		s->cbctx = s->io;
	}
}

/*
 * The "kernel" metadata: whether time in the kernel is in the profile,
 * and if not, why (prof-folded(5)); prof-top and prof-plan repeat it.
 */
static void
kernel_meta(struct session *s)
{
	const char *why;
	char buf[96];

	/* An I/O profile weighs system calls, by their user stacks: it
	 * has no time, in the kernel or out of it, to leave out. */
	if (s->o->type == SESSION_IO)
		return;
	if (s->sampler == NULL)
		why = "ptrace sampler";
	else if (!s->o->sample.kernel)
		why = "--user-only";
	else
		why = sample_kernel_refused(s->sampler);
	if (why == NULL) {
		meta_set(&s->head, "kernel", "included");
		return;
	}
	snprintf(buf, sizeof(buf), "excluded (%s)", why);
	meta_set(&s->head, "kernel", buf);
}

static void
catch_stops(void)
{
	/* No SA_RESTART: a signal must interrupt the wait for the command. */
	struct sigaction sa = { .sa_handler = on_stop };

	sigemptyset(&sa.sa_mask);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGHUP, &sa, NULL);
	signal(SIGPIPE, SIG_IGN);
}

/* Lets the command exec; returns 0, or its status when exec failed. */
static int
start_command(struct session *s, const char *name)
{
	int e, status = 0;

	(void)!write(s->go, "x", 1);
	close(s->go);
	if (read(s->errp, &e, sizeof(e)) == (ssize_t)sizeof(e)) {
		warn("%s: %s", name, e == ENOENT ? "command not found" : strerror(e));
		status = e == ENOENT ? 127 : 126;
	}
	close(s->errp);
	return status;
}

/*
 * One period of the ptrace sampler; dies when every thread refuses in two
 * periods in a row: a process on its way out refuses once (its memory or
 * threads already gone, not yet a zombie), a refusal by the kernel for
 * good.
 */
static void
ptrace_sample(struct session *s)
{
	int ok = 0, refused = 0;
	char err[512] = "";

	usleep((useconds_t)(1e6 / s->freq));
	/* A process that ended meanwhile refuses too: no error. */
	for (int i = 0; i < s->npids; i++) {
		if (util_gone(s->pids[i]))
			continue;
		if (record_ptrace_sample(s->rec, s->pids[i], s->ptrace_which, err, sizeof(err)) >= 0)
			ok = 1;
		else if (!util_gone(s->pids[i]))
			refused = 1;
	}
	if (ok || !refused) {
		s->ptrace_refused = 0;
	} else if (!s->ptrace_refused++) {
		return;
	} else {
		abandon(s);
		die("%s; perf_event_open was refused too: allow one with sysctl "
		    "kernel.perf_event_paranoid=1 or CAP_PERFMON, or ptrace with "
		    "kernel.yama.ptrace_scope=0 or CAP_SYS_PTRACE", err);
	}
}

/* The profile so far to o->checkpoint (see session.h). */
static void
checkpoint(struct session *s, double seconds)
{
	struct outfile *of;
	struct meta m = { 0 };
	struct agentread_stats st;
	uint64_t samples = record_samples(s->rec);

	if ((of = outfile_create(s->o->checkpoint, 0)) == NULL)
		return;
	meta_update(&m, &s->head);
	if (s->agent != NULL) {
		agentread_get_stats(s->agent, &st);
		samples = s->o->type == SESSION_MEMORY ? st.allocs :
		    s->o->type == SESSION_THREADCREATE ? st.threads : st.waits;
		meta_set(&m, "type", type_names[s->o->type]);
		command_meta(s, &m);
		meta_set(&m, "start", s->when);
	}
	meta_num(&m, "duration", "%.3f s", seconds);
	meta_num(&m, "samples", "%.0f samples", (double)samples);
	meta_write(outfile_fp(of), &m);
	if (s->agent == NULL)
		write_stacks(outfile_fp(of), s->tab);
	outfile_commit(of);
	meta_free(&m);
}

/*
 * Samples until the processes end, the duration elapses or a signal
 * comes, the signal passed on to the command's group; with progress, a
 * line on stderr tells how far it got.  Returns 1 with the command's wait status in *status when it
 * was reaped, else 0.
 */
static int
sample_loop(struct session *s, double start, int progress, int *status)
{
	double last_flush = start, deadline = s->o->duration > 0 ? start + s->o->duration : 0;
	double last_checkpoint = start;

	if (s->o->checkpoint != NULL)
		checkpoint(s, 0);
	for (;;) {
		if (s->agent != NULL)
			agent_read(s, 100);
		else if (s->sampler != NULL)
			sample_read(s->sampler, 100, s->cb, s->cbctx);
		else
			ptrace_sample(s);
		double t = util_now();
		if (s->child > 0) {
			pid_t w = waitpid(s->child, status, WNOHANG | (s->tty >= 0 ? WUNTRACED : 0));
			if (w == s->child && WIFSTOPPED(*status)) {
				job_stop(s->tty, s->child);
			} else if (w == s->child) {
				return 1;
			} else if (w < 0 && errno == ECHILD) {
				/* reaped by the ptrace sampler's wait */
				if (!record_reaped(s->rec, s->child, status))
					*status = 128 << 8;
				return 1;
			}
		} else {
			int alive = 0;
			for (int i = 0; i < s->npids; i++)
				alive += !util_gone(s->pids[i]);
			if (alive == 0)
				return 0;
		}
		if (stop_sig || (deadline > 0 && t >= deadline)) {
			/* As timeout(1) does, a command past the duration
			 * gets SIGTERM. */
			if (s->child > 0)
				group_signal(s->child, stop_sig ? stop_sig : SIGTERM);
			return 0;
		}
		if (progress)
			fprintf(stderr, "\r%s: %llu samples, %.1f s, %llu lost ", util_prog,
			    (unsigned long long)record_samples(s->rec), t - start,
			    (unsigned long long)(s->sampler ? sample_lost(s->sampler) : 0));
		/* A pipe sees the profile grow; stacks seen again are written
		 * again, and readers sum them. */
		if (s->to_stdout && !s->o->pprof && t - last_flush >= 2 &&
		    stacktable_count(s->tab) > 0) {
			write_stacks(s->out, s->tab);
			fflush(s->out);
			stacktable_free(s->tab);
			s->tab = stacktable_new();
			record_set_out(s->rec, s->tab);
			last_flush = t;
		}
		if (s->o->checkpoint != NULL && t - last_checkpoint >= 2) {
			checkpoint(s, t - start);
			last_checkpoint = t;
		}
	}
}

/*
 * Waits for the command after the signal passed on; a command that does
 * not end on it is killed by a second one, its whole group.
 */
static void
wait_command(struct session *s, int *status)
{
	int seen = stop_count;
	pid_t w;

	/* The agent's pipe is read meanwhile: a command that exits on the
	 * signal sends its records, and would block on a full pipe. */
	while (s->agent != NULL && (w = waitpid(s->child, status, WNOHANG)) == 0) {
		agent_read(s, 100);
		if (stop_count > seen && seen > 0) {
			group_signal(s->child, SIGKILL);
			seen = stop_count;
		}
	}
	if (s->agent != NULL) {
		if (w < 0)
			*status = 128 << 8;
		return;
	}
	while ((w = waitpid(s->child, status, 0)) < 0 && errno == EINTR)
		if (stop_count > seen && seen > 0) {
			group_signal(s->child, SIGKILL);
			seen = stop_count;
		}
	if (w < 0 && !record_reaped(s->rec, s->child, status))
		*status = 128 << 8;
}

/* Samples lost: for off-CPU intervals, those lost with their time (not
 * the switch-out samples alone, whose intervals are counted). */
static uint64_t
lost_samples(const struct session *s)
{
	uint64_t lost = sample_lost(s->sampler);

	if (s->off != NULL || s->io != NULL)
		lost -= lost > sample_lost_stacks(s->sampler) ? sample_lost_stacks(s->sampler) : lost;
	return lost;
}

static void
warn_losses(struct session *s)
{
	struct record *r = s->rec;
	uint64_t lost;

	if (record_truncated(r) > 0)
		warn("%llu of %llu samples could not be unwound past their leaf",
		    (unsigned long long)record_truncated(r), (unsigned long long)record_samples(r));
	if (s->o->record.compare) {
		uint64_t compared, differ = record_disagreed(r, &compared);
		warn("unwinders compared on %llu samples: %llu differ",
		    (unsigned long long)compared, (unsigned long long)differ);
	}
	if (s->sampler == NULL)
		return;
	/* A profile that misses a share of its samples is wrong, not slow:
	 * the share says how wrong. */
	if (s->off != NULL && offcpu_lost_ns(s->off) > 0) {
		/* The intervals are known, their stacks are not: time kept. */
		double pct = 100.0 * (double)offcpu_lost_ns(s->off) / (double)offcpu_ns(s->off);
		warn(pct >= 1 ? "%.0f%% of the time off CPU (%llu of %llu intervals) has no stack: %s" :
		    "%.2g%% of the time off CPU (%llu of %llu intervals) has no stack: %s", pct,
		    (unsigned long long)offcpu_lost_intervals(s->off),
		    (unsigned long long)offcpu_intervals(s->off),
		    "their switch-out samples came faster than prof-record could unwind "
		    "them and were dropped; their time is under [unknown];" OFFCPU_LOST
		    " (or [runnable])");
	}
	if (s->io != NULL) {
		uint64_t untimed, unheld = io_unheld(s->io, &untimed);
		if (unheld > 0)
			warn("%llu of %llu calls have no stack: their entries came faster than "
			    "prof-record could unwind them and were dropped (or they began "
			    "before the recording); they are counted under [unknown];CALL(?)",
			    (unsigned long long)unheld, (unsigned long long)io_calls(s->io));
		if (untimed > 0)
			warn("%llu calls are left out: their entries were dropped, so "
			    "their time is not known", (unsigned long long)untimed);
	}
	if ((lost = lost_samples(s)) > 0) {
		uint64_t taken = record_samples(r) + lost;
		double pct = 100.0 * (double)lost / (double)taken;
		warn(pct >= 1 ? "the kernel lost %llu of %llu samples (%.0f%%): %s" :
		    "the kernel lost %llu of %llu samples (%.2g%%): %s",
		    (unsigned long long)lost, (unsigned long long)taken, pct,
		    "prof-record could not read them as fast as they came, and the "
		    "shares are those of the rest (lower -F or --stack-size)");
	}
	if (sample_throttled(s->sampler) > 0)
		warn("the kernel throttled sampling %llu times "
		    "(kernel.perf_event_max_sample_rate): lower -F",
		    (unsigned long long)sample_throttled(s->sampler));
}

/* The metadata known at the end, and the stacks not written yet. */
static void
write_end(struct session *s, double seconds)
{
	struct rusage ru;

	meta_num(&s->tail, "duration", "%.3f s", seconds);
	/* A wall-clock profile's intervals off CPU count as many samples. */
	meta_num(&s->tail, "samples", "%.0f samples", s->o->type == SESSION_WALL ?
	    count_double(record_counted(s->rec)) : (double)record_samples(s->rec));
	meta_num(&s->tail, "lost", "%.0f samples", s->sampler ? (double)lost_samples(s) : 0);
	if (s->off != NULL && offcpu_intervals(s->off) > 0)
		meta_num(&s->tail, "stacks-lost", "%.0f intervals", (double)offcpu_lost_intervals(s->off));
	if (s->io != NULL) {
		uint64_t untimed, unheld = io_unheld(s->io, &untimed);
		meta_num(&s->tail, "stacks-lost", "%.0f calls", (double)unheld);
		if (untimed > 0)
			meta_num(&s->tail, "calls-lost", "%.0f calls", (double)untimed);
	}
	/* What recording cost, for whoever weighs the profile. */
	if (getrusage(RUSAGE_SELF, &ru) == 0)
		meta_num(&s->tail, "recorder-cpu", "%.6f s", (double)ru.ru_utime.tv_sec +
		    (double)ru.ru_utime.tv_usec / 1e6 + (double)ru.ru_stime.tv_sec +
		    (double)ru.ru_stime.tv_usec / 1e6);
	if (!s->to_stdout || s->o->pprof) {
		if (emit(s, s->out, &s->head, &s->tail, s->tab) < 0)
			s->failed = 1;
	} else {
		write_stacks(s->out, s->tab);
		meta_write(s->out, &s->tail);
	}
}

/* The metadata known at the start, for the type recorded. */
static void
head_meta(struct session *s)
{
	int type = s->o->type;

	meta_set(&s->head, "type", type_names[type]);
	if (type == SESSION_OFFCPU)
		meta_set(&s->head, "unit", "nanoseconds");
	else if (type == SESSION_IO)
		meta_set(&s->head, "unit", weight_units[s->o->io_weight]);
	else
		meta_set(&s->head, "unit", "samples");
	if (type == SESSION_IO)
		meta_set(&s->head, "weight", weight_names[s->o->io_weight]);
	if (type == SESSION_WALL && s->sampler != NULL) {
		char buf[64];
		snprintf(buf, sizeof(buf), "cpu-clock, %s",
		    sample_switch_state(s->sampler) ? "sched_switch" : "context-switches");
		meta_set(&s->head, "event", buf);
	} else {
		meta_set(&s->head, "event", s->event);
	}
	if (type == SESSION_CPU || type == SESSION_WALL) {
		meta_num(&s->head, "frequency", "%.0f Hz", s->freq);
		meta_num(&s->head, "period", "%.0f ns", 1e9 / s->freq);
	}
	if (type == SESSION_OFFCPU || type == SESSION_WALL)
		meta_set(&s->head, "state", s->sampler == NULL ? "from /proc (ptrace sampler)" :
		    sample_switch_state(s->sampler) ? "from sched_switch" : "from kernel stacks");
	kernel_meta(s);
	command_meta(s, &s->head);
	meta_set(&s->head, "start", s->when);
}

/*
 * The threads of -p off CPU at the start: a stack of each, counted from
 * the start until it runs again.
 */
static void
blocked_at_start(struct session *s)
{
	char err[512];

	for (int i = 0; s->off != NULL && s->child <= 0 && i < s->npids; i++)
		if (record_ptrace_blocked(s->rec, s->pids[i], offcpu_blocked, s->off,
		    err, sizeof(err)) < 0)
			warn("%s: the threads off CPU at the start are not counted until they run", err);
}

/* A profile of the command argv (NULL: of the processes of s). */
static int
record_run(struct session *s, char *const argv[])
{
	int status = 0, exec_failed = 0, reaped = 0, progress = isatty(STDERR_FILENO);

	if (argv != NULL)
		launch(s, argv);
	else
		attach(s);
	/* The command keeps its priority: it was forked before. */
	sample_reader_priority();
	prepare_unwinding(s->o);
	open_sampler(s);
	/* Kernel symbols read before a launched command starts (its first
	 * samples would wait for them while the rings fill), and only by a
	 * session whose samples carry kernel frames. */
	if (s->sampler != NULL && s->o->record.kernel)
		(void)record_ksym(s->rec, 0);
	catch_stops();

	head_meta(s);
	if (s->to_stdout && !s->o->pprof) {
		meta_write(s->out, &s->head);
		fflush(s->out);
	}

	double start = util_now();
	if (s->off != NULL)
		offcpu_start(s->off, sample_now());
	blocked_at_start(s);
	if (s->child > 0)
		exec_failed = start_command(s, argv[0]);
	if (!exec_failed)
		reaped = sample_loop(s, start, progress, &status);
	double stopped = util_now();
	uint64_t stopped_ns = sample_now();
	if (s->off != NULL)
		offcpu_stop(s->off, stopped_ns);
	if (s->sampler != NULL)
		sample_drain(s->sampler, s->cb, s->cbctx);
	if (s->off != NULL)
		offcpu_finish(s->off);
	if (s->io != NULL)
		io_finish(s->io, stopped_ns);
	if (progress)
		fputc('\n', stderr);
	if (s->child > 0 && !reaped)
		wait_command(s, &status);
	if (s->tty >= 0 && tcgetpgrp(s->tty) == s->child)
		tty_give(s->tty, getpgrp());
	warn_losses(s);
	write_end(s, stopped - start);
	if (s->sampler != NULL)
		sample_close(s->sampler);

	if (exec_failed)
		return exec_failed;
	if (s->child > 0)
		return WIFEXITED(status) ? WEXITSTATUS(status) :
		    WIFSIGNALED(status) ? 128 + WTERMSIG(status) : EXIT_FINDING;
	return EXIT_OK;
}

/*
 * A profile by the agent of the command argv: the command launched as
 * any other (record_run), the pipe read while it runs.
 */
static int
agent_run(struct session *s, char *const argv[])
{
	int status = 0, exec_failed, reaped = 0;

	launch(s, argv);
	prepare_unwinding(s->o);
	catch_stops();
	double start = util_now();
	if (!(exec_failed = start_command(s, argv[0])))
		reaped = sample_loop(s, start, 0, &status);
	if (!reaped)
		wait_command(s, &status);
	if (s->tty >= 0 && tcgetpgrp(s->tty) == s->child)
		tty_give(s->tty, getpgrp());
	agent_drain(s);
	if (agent_write(s, util_now() - start) < 0 && status == 0)
		status = EXIT_FINDING << 8;
	if (exec_failed)
		return exec_failed;
	return WIFEXITED(status) ? WEXITSTATUS(status) :
	    WIFSIGNALED(status) ? 128 + WTERMSIG(status) : EXIT_FINDING;
}

int
session_launch(const struct session_opts *o, char *const argv[])
{
	struct session s;

	begin(&s, o, argv, NULL, 0);
	if (is_agent_type(o->type)) {
		agent_prepare(&s, argv[0]);
		return end(&s, agent_run(&s, argv));
	}
	return end(&s, record_run(&s, argv));
}

int
session_attach(const struct session_opts *o, const pid_t *pids, int npids)
{
	struct session s;

	begin(&s, o, NULL, pids, npids);
	return end(&s, record_run(&s, NULL));
}

int
session_threads(const struct session_opts *o, const pid_t *pids, int npids)
{
	struct session s;
	char err[512] = "";
	int n = 0;

	begin(&s, o, NULL, pids, npids);
	if (!o->debuginfod)
		unsetenv("DEBUGINFOD_URLS");  /* see prepare_unwinding() */
	for (int i = 0; i < npids; i++)
		if (record_threads(s.rec, pids[i], err, sizeof(err)) < 0)
			warn("%s", err);
		else
			n++;
	meta_set(&s.head, "type", "threads");
	meta_set(&s.head, "unit", "threads");
	command_meta(&s, &s.head);
	meta_set(&s.head, "start", s.when);
	if (emit(&s, s.out, &s.head, NULL, s.tab) < 0)
		s.failed = 1;
	return end(&s, n == npids ? EXIT_OK : EXIT_USAGE);
}

char *
session_record_args(char *const argv[], int n)
{
	char **kept = xcalloc((size_t)n + 1, sizeof(*kept)), *s = NULL;
	int k = 0;

	for (int i = 0; i < n; i++) {
		const char *a = argv[i];

		if (strcmp(a, "--") == 0)
			break;
		if (strcmp(a, "-o") == 0 || strcmp(a, "--output") == 0) {
			i++;
			continue;
		}
		if (strncmp(a, "-o", 2) == 0 || strncmp(a, "--output=", 9) == 0)
			continue;
		for (const char *c = a; *c; c++)
			if ((unsigned char)*c < ' ' || *c == 0x7f)
				goto out;
		kept[k++] = argv[i];
	}
	if (k > 0)
		s = cmdline_join(kept, k);
out:
	free(kept);
	return s;
}
