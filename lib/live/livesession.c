/* livesession: recordings in the background.  See livesession.h. */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "core/cmdline.h"
#include "core/outfile.h"
#include "core/table.h"
#include "core/util.h"
#include "folded/meta.h"
#include "folded/unit.h"
#include "input/input.h"
#include "live/livesession.h"
#include "record/session.h"
#include "top/top.h"
#include "top/topfmt.h"

/* A state file is a few short lines; anything longer is not ours. */
#define STATE_MAX 8192
/* The checkpoint's metadata comes first and is short. */
#define HEAD_MAX 65536
/* Two starts in one second take _2, _3, ...: a bound, never reached. */
#define CLAIM_MAX 10000

/* A session's state file, read back. */
struct state {
	char id[64];
	int complete;               /* the pid is there: the recorder was started */
	pid_t pid;
	unsigned long long starttime;   /* the recorder's, from /proc/PID/stat */
	char type[32], format[16];
	char target[1024];
	long long start;            /* Unix time */
	int alive;
	long long samples;          /* so far, from the checkpoint; -1: unknown */
};

/* The paths of a session, made from the directory and the ID only. */
struct paths {
	char *state, *checkpoint, *log, *folded, *pprof, *failed;
};

int
livesession_id_valid(const char *id)
{
	const char *p = id;
	int parts = 0;

	if (strlen(id) >= 64)
		return 0;
	while (*p >= 'a' && *p <= 'z')
		p++;
	if (p == id)
		return 0;
	while (*p == '_' && parts < 2) {
		const char *digits = ++p;
		while (*p >= '0' && *p <= '9')
			p++;
		if (p == digits)
			return 0;
		parts++;
	}
	return parts > 0 && *p == '\0';
}

static void
paths_make(struct paths *p, const char *dir, const char *id)
{
	p->state = xasprintf("%s/.sessions/%s", dir, id);
	p->checkpoint = xasprintf("%s/.sessions/%s.partial", dir, id);
	p->log = xasprintf("%s/.sessions/%s.log", dir, id);
	p->folded = xasprintf("%s/%s.folded", dir, id);
	p->pprof = xasprintf("%s/%s.pb.gz", dir, id);
	p->failed = xasprintf("%s/%s.failed.folded", dir, id);
}

static void
paths_free(struct paths *p)
{
	free(p->state);
	free(p->checkpoint);
	free(p->log);
	free(p->folded);
	free(p->pprof);
	free(p->failed);
}

static int
exists(const char *path)
{
	struct stat st;

	return lstat(path, &st) == 0;
}

static int
nonempty(const char *path)
{
	struct stat st;

	return stat(path, &st) == 0 && st.st_size > 0;
}

static int
recorder_alive(const struct state *st)
{
	unsigned long long start;

	return st->complete && util_proc_start(st->pid, &start) == 1 && start == st->starttime;
}

/* Control characters of a command line would break a state's line. */
static void
clean_copy(char *dst, size_t size, const char *src)
{
	size_t i;

	for (i = 0; i + 1 < size && src[i] != '\0'; i++)
		dst[i] = (unsigned char)src[i] < 0x20 || src[i] == 0x7f ? '?' : src[i];
	dst[i] = '\0';
}

/*
 * Reads the state of id; returns 0, or -1 when there is none (or it is
 * not one: too long, or not a regular file).
 */
static int
state_read(const char *path, const char *id, struct state *st)
{
	char buf[STATE_MAX + 1], *line, *save, *v;
	struct stat sb;
	ssize_t n;
	int fd;

	memset(st, 0, sizeof(*st));
	snprintf(st->id, sizeof(st->id), "%s", id);
	st->samples = -1;
	if ((fd = open(path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC)) < 0)
		return -1;
	if (fstat(fd, &sb) < 0 || !S_ISREG(sb.st_mode) || (n = read(fd, buf, STATE_MAX)) < 0) {
		close(fd);
		return -1;
	}
	close(fd);
	buf[n] = '\0';
	for (line = strtok_r(buf, "\n", &save); line != NULL; line = strtok_r(NULL, "\n", &save)) {
		if ((v = strchr(line, ' ')) == NULL)
			continue;
		*v++ = '\0';
		if (strcmp(line, "pid") == 0) {
			long long pid = strtoll(v, NULL, 10);
			if (pid > 0 && pid <= 4194304)
				st->pid = (pid_t)pid, st->complete = 1;
		} else if (strcmp(line, "starttime") == 0) {
			st->starttime = strtoull(v, NULL, 10);
		} else if (strcmp(line, "type") == 0) {
			clean_copy(st->type, sizeof(st->type), v);
		} else if (strcmp(line, "format") == 0) {
			clean_copy(st->format, sizeof(st->format), v);
		} else if (strcmp(line, "target") == 0) {
			clean_copy(st->target, sizeof(st->target), v);
		} else if (strcmp(line, "start") == 0) {
			st->start = strtoll(v, NULL, 10);
		}
	}
	st->alive = recorder_alive(st);
	return 0;
}

/*
 * Writes the state whole (a reader sees the claimed, empty file or this,
 * never a part): a file beside it, then renamed over it.
 */
static void
state_write(const char *dir, const struct paths *p, const struct state *st,
    const char *output, double duration)
{
	char *tmp = xasprintf("%s/.sessions/.%s.tmp", dir, st->id);
	FILE *fp;
	int fd;

	if ((fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_NOFOLLOW | O_CLOEXEC, 0600)) < 0 ||
	    (fp = fdopen(fd, "w")) == NULL)
		die("%s: cannot create:", tmp);
	fprintf(fp, "pid %d\nstarttime %llu\ntype %s\ntarget %s\nstart %lld\n"
	    "output %s\nformat %s\nduration %g\n", (int)st->pid, st->starttime, st->type,
	    st->target, st->start, output, st->format, duration);
	if (util_fshut(fp, tmp) < 0 || rename(tmp, p->state) < 0)
		die("%s: cannot write:", p->state);
	free(tmp);
}

/* dir/.sessions, when it is a directory of the user's own; 0 if absent. */
static int
sessions_dir(const char *dir, char **out)
{
	struct stat st;

	*out = xasprintf("%s/.sessions", dir);
	if (lstat(*out, &st) < 0) {
		if (errno == ENOENT || errno == ENOTDIR)
			return 0;
		die("%s:", *out);
	}
	if (!S_ISDIR(st.st_mode) || st.st_uid != geteuid())
		die("%s: not a directory of this user's: the sessions are not kept there "
		    "(remove it, or use another --output-dir)", *out);
	return 1;
}

/* dir and its parents (0755), then dir/.sessions (0700). */
static void
dir_make(const char *dir)
{
	char *sessions;
	size_t bad;

	if (*dir == '\0')
		die("--output-dir: an empty name");
	if (outfile_mkdirs(dir, 0755, &bad) < 0)
		die("%.*s: cannot make the directory for the sessions:", (int)bad, dir);
	if (access(dir, W_OK | X_OK) < 0)
		die("%s: not writable: the sessions' profiles cannot be written there:", dir);
	sessions = xasprintf("%s/.sessions", dir);
	if (mkdir(sessions, 0700) < 0 && errno != EEXIST)
		die("%s: cannot make the directory:", sessions);
	free(sessions);
	(void)sessions_dir(dir, &sessions);
	free(sessions);
}

/*
 * Claims an ID of type: its state created empty with O_EXCL, and none of
 * its profiles there (an old one is never replaced).
 */
static void
claim(const char *dir, const char *type, char *id, size_t size, long long *start)
{
	struct paths p;
	int fd;

	*start = (long long)time(NULL);
	for (int n = 1; n <= CLAIM_MAX; n++) {
		if (n == 1)
			snprintf(id, size, "%s_%lld", type, *start);
		else
			snprintf(id, size, "%s_%lld_%d", type, *start, n);
		paths_make(&p, dir, id);
		fd = -1;
		if (!exists(p.folded) && !exists(p.pprof) && !exists(p.failed) &&
		    (fd = open(p.state, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600)) < 0 &&
		    errno != EEXIST)
			die("%s: cannot create:", p.state);
		paths_free(&p);
		if (fd >= 0) {
			close(fd);
			return;
		}
	}
	die("%s: no free session id for %s_%lld", dir, type, *start);
}

static void
copy_to_stderr(const char *path)
{
	char buf[4096];
	size_t n;
	FILE *fp;

	if ((fp = fopen(path, "r")) == NULL)
		return;
	while ((n = fread(buf, 1, sizeof(buf), fp)) > 0)
		fwrite(buf, 1, n, stderr);
	fclose(fp);
}

/*
 * The recorder: a session of its own, detached from the terminal, its
 * output to the log.  Once the profile is there, it removes the
 * checkpoint and the state; else it leaves them, for --list and --stop to
 * say it failed.  On report (close-on-exec, so that only the recorder
 * holds it) it says at its end whether it ever sampled (a checkpoint was
 * written): --start may see it end before it has seen the checkpoint.
 */
static void __attribute__((noreturn))
run_recorder(const struct paths *p, int log, int report, const struct session_opts *o,
    char *const argv[], const pid_t *pids, int npids)
{
	int null, status, sampled;

	setsid();
	if ((null = open("/dev/null", O_RDONLY)) < 0 || dup2(null, STDIN_FILENO) < 0 ||
	    dup2(log, STDOUT_FILENO) < 0 || dup2(log, STDERR_FILENO) < 0)
		_exit(EXIT_USAGE);
	/* Nothing of the caller's stays open: a pipe held would keep a
	 * $(prof-record --start ...) waiting for the recording's end. */
	if (dup2(report, 3) < 0 || fcntl(3, F_SETFD, FD_CLOEXEC) < 0)
		_exit(EXIT_USAGE);
	close_range(4, ~0U, 0);
	status = npids > 0 ? session_attach(o, pids, npids) : session_launch(o, argv);
	sampled = exists(p->checkpoint);
	(void)!write(3, sampled ? "S" : "F", 1);
	if (exists(o->output)) {
		unlink(p->checkpoint);
		unlink(p->state);
	}
	fflush(NULL);
	if (!nonempty(p->log))
		unlink(p->log);
	exit(status);
}

/* Removes what a session that never began sampling left. */
static void
start_failed(const struct paths *p)
{
	copy_to_stderr(p->log);
	unlink(p->state);
	unlink(p->log);
	unlink(p->checkpoint);
	unlink(p->folded);
	unlink(p->pprof);
}

int
livesession_start(const char *dir, const char *type, struct session_opts *o,
    char *const argv[], const pid_t *pids, int npids)
{
	struct state st = { .samples = -1 };
	struct paths p;
	struct timespec t0, t;
	int log, report[2], status = 0, ready = 0;
	char said = 'F';

	dir_make(dir);
	claim(dir, type, st.id, sizeof(st.id), &st.start);
	paths_make(&p, dir, st.id);
	snprintf(st.type, sizeof(st.type), "%s", type);
	snprintf(st.format, sizeof(st.format), "%s", o->pprof ? "pprof" : "folded");
	if (argv != NULL) {
		int n = 0;
		while (argv[n] != NULL)
			n++;
		/* quoted: a word with a space stays one word in --list */
		char *line = cmdline_join(argv, n);
		snprintf(st.target, sizeof(st.target), "%s", line);
		free(line);
	}
	for (int i = 0; i < npids; i++) {
		size_t k = strlen(st.target);
		snprintf(st.target + k, sizeof(st.target) - k, "%s%d", i ? "," : "-p ", (int)pids[i]);
	}
	clean_copy(st.target, sizeof(st.target), st.target);
	if ((log = open(p.log, O_WRONLY | O_CREAT | O_TRUNC | O_NOFOLLOW | O_CLOEXEC, 0600)) < 0) {
		unlink(p.state);
		die("%s: cannot create:", p.log);
	}
	unlink(p.checkpoint);
	o->output = o->pprof ? p.pprof : p.folded;
	o->checkpoint = p.checkpoint;

	fflush(NULL);
	if (pipe2(report, O_CLOEXEC) < 0 || (st.pid = fork()) < 0) {
		unlink(p.state);
		die("fork:");
	}
	if (st.pid == 0) {
		close(report[0]);
		run_recorder(&p, log, report[1], o, argv, pids, npids);
	}
	close(log);
	close(report[1]);
	(void)util_proc_start(st.pid, &st.starttime);
	state_write(dir, &p, &st, o->output, o->duration);

	/* The ID is printed once the recorder samples, so that --list shows
	 * it at once, or once it has ended: a bad -p is --start's error. */
	clock_gettime(CLOCK_MONOTONIC, &t0);
	for (;;) {
		if (waitpid(st.pid, &status, WNOHANG) == st.pid) {
			ready = read(report[0], &said, 1) == 1 && said == 'S';
			break;
		}
		if (exists(p.checkpoint)) {
			ready = 1;
			break;
		}
		clock_gettime(CLOCK_MONOTONIC, &t);
		if (t.tv_sec - t0.tv_sec > LIVESESSION_START_S) {
			kill(st.pid, SIGKILL);
			waitpid(st.pid, &status, 0);
			start_failed(&p);
			die("%s: the recorder had not begun sampling after %d s; ended",
			    st.id, LIVESESSION_START_S);
		}
		usleep(10000);
	}
	close(report[0]);
	if (!ready) {
		start_failed(&p);
		paths_free(&p);
		status = WIFEXITED(status) ? WEXITSTATUS(status) :
		    WIFSIGNALED(status) ? 128 + WTERMSIG(status) : EXIT_USAGE;
		return status != 0 ? status : EXIT_USAGE;
	}
	paths_free(&p);
	printf("%s\n", st.id);
	return util_fshut(stdout, "stdout") < 0 ? EXIT_FINDING : EXIT_OK;
}

/*
 * A recorder that ended without its profile: its checkpoint becomes
 * ID.failed.folded (never over a file that is there), its state goes.
 * Returns the failed profile's path, or NULL when there was none to keep.
 */
static const char *
failed_cleanup(const struct paths *p)
{
	const char *kept = NULL;

	if (exists(p->checkpoint)) {
		if (renameat2(AT_FDCWD, p->checkpoint, AT_FDCWD, p->failed, RENAME_NOREPLACE) == 0)
			kept = p->failed;
		else
			kept = p->checkpoint;
	}
	unlink(p->state);
	if (!nonempty(p->log))
		unlink(p->log);
	return kept;
}

static void
failed_warn(const struct state *st, const struct paths *p, const char *kept)
{
	warn("%s: the recorder ended without writing its profile%s%s%s%s", st->id,
	    kept != NULL ? "; the profile so far is " : " (no profile so far)",
	    kept != NULL ? kept : "", nonempty(p->log) ? "; its messages are in " : "",
	    nonempty(p->log) ? p->log : "");
}

/* The samples so far, from the checkpoint's metadata; -1 if unknown. */
static long long
checkpoint_samples(const char *path)
{
	char buf[HEAD_MAX + 1], *line, *end;
	unsigned long long n;
	struct meta m = { 0 };
	long long samples = -1;
	size_t len;
	FILE *fp;

	if ((fp = fopen(path, "r")) == NULL)
		return -1;
	len = fread(buf, 1, HEAD_MAX, fp);
	fclose(fp);
	buf[len] = '\0';
	for (line = buf; (end = strchr(line, '\n')) != NULL && strncmp(line, "# ", 2) == 0;
	    line = end + 1)
		(void)meta_parse(&m, line, (size_t)(end - line));
	if (meta_samples(meta_get(&m, "samples"), &n) == 0)
		samples = (long long)n;
	meta_free(&m);
	return samples;
}

static int
by_start(const void *a, const void *b)
{
	const struct state *x = a, *y = b;

	if (x->start != y->start)
		return x->start < y->start ? -1 : 1;
	if (strlen(x->id) != strlen(y->id))
		return strlen(x->id) < strlen(y->id) ? -1 : 1;
	return strcmp(x->id, y->id);
}

/*
 * The sessions of dir with a complete state, sorted by start, into *out;
 * with clean, a session whose recorder ended is settled: one that wrote
 * its profile is dropped, one that did not is kept, marked failed, after
 * its cleanup and a warning.  Returns how many.
 */
static size_t
sessions_read(const char *dir, int clean, struct state **out)
{
	struct state *v = NULL, st;
	struct dirent *d;
	struct paths p;
	char *sdir;
	size_t n = 0;
	DIR *dp;

	*out = NULL;
	if (!sessions_dir(dir, &sdir)) {
		free(sdir);
		return 0;
	}
	if ((dp = opendir(sdir)) == NULL)
		die("%s:", sdir);
	while ((d = readdir(dp)) != NULL) {
		if (!livesession_id_valid(d->d_name))
			continue;
		paths_make(&p, dir, d->d_name);
		/* Being started: --start has not written the recorder's pid. */
		if (state_read(p.state, d->d_name, &st) < 0 || !st.complete) {
			paths_free(&p);
			continue;
		}
		if (st.alive) {
			st.samples = checkpoint_samples(p.checkpoint);
		} else if (clean && (exists(p.folded) || exists(p.pprof))) {
			unlink(p.state);
			paths_free(&p);
			continue;
		} else if (clean) {
			st.samples = checkpoint_samples(p.checkpoint);
			failed_warn(&st, &p, failed_cleanup(&p));
		}
		v = xreallocarray(v, n + 1, sizeof(*v));
		v[n++] = st;
		paths_free(&p);
	}
	closedir(dp);
	free(sdir);
	qsort(v, n, sizeof(*v), by_start);
	*out = v;
	return n;
}

int
livesession_list(const char *dir, int format)
{
	static const struct table_col cols[] = {
		{ "id", "id", 0 }, { "type", "type", 0 }, { "status", "status", 0 },
		{ "start", "start", 0 }, { "elapsed", "elapsed", 1 },
		{ "samples", "samples", 1 }, { "target", "target", 0 }
	};
	struct state *v;
	struct table *t = table_new(format);
	size_t n = sessions_read(dir, 1, &v);
	time_t now = time(NULL);
	int color, width, rc;
	char buf[64], raw[64];

	table_section(t, "sessions", NULL, cols, (int)(sizeof(cols) / sizeof(cols[0])));
	for (size_t i = 0; i < n; i++) {
		time_t start = (time_t)v[i].start;
		long long elapsed = (long long)now - v[i].start;
		table_row(t, v[i].alive ? TABLE_PLAIN : TABLE_RED);
		table_cell(t, v[i].id, (size_t)-1, NULL);
		table_cell(t, v[i].type, (size_t)-1, NULL);
		table_cell(t, v[i].alive ? "running" : "failed", (size_t)-1, NULL);
		strftime(buf, sizeof(buf), "%Y-%m-%dT%H:%M:%SZ", gmtime(&start));
		table_cell(t, buf, (size_t)-1, NULL);
		snprintf(buf, sizeof(buf), "%lld s", elapsed);
		snprintf(raw, sizeof(raw), "%lld", elapsed);
		table_cell(t, buf, (size_t)-1, raw);
		snprintf(buf, sizeof(buf), "%lld", v[i].samples);
		table_cell(t, v[i].samples >= 0 ? buf : "-", (size_t)-1, v[i].samples >= 0 ? buf : "");
		table_cell(t, v[i].target, (size_t)-1, NULL);
	}
	table_terminal("-", "auto", &color, &width);
	rc = table_write(t, stdout, color, width);
	table_free(t);
	free(v);
	return rc < 0 || util_fshut(stdout, "stdout") < 0 ? EXIT_FINDING : EXIT_OK;
}

/* Dies for an ID that names no session, listing those that do. */
static void __attribute__((noreturn))
unknown(const char *dir, const char *id)
{
	struct state *v;
	size_t n = sessions_read(dir, 0, &v), len = 0;
	char *ids = xstrdup("");

	for (size_t i = 0; i < n; i++) {
		ids = xrealloc(ids, len + strlen(v[i].id) + 3);
		len += (size_t)sprintf(ids + len, "%s%s", i ? ", " : "", v[i].id);
	}
	if (n == 0)
		die("--stop: no session '%s' in %s, and no session is active there", id, dir);
	die("--stop: no session '%s' in %s; the active ones: %s", id, dir, ids);
}

/* Waits up to seconds for the recorder to end; 1 when it has. */
static int
wait_end(const struct state *st, int seconds)
{
	for (int i = 0; i < seconds * 20; i++) {
		if (!recorder_alive(st))
			return 1;
		usleep(50000);
	}
	return !recorder_alive(st);
}

/* The summary of a profile written: samples, duration, path, the top 5. */
static int
summary(const char *id, const char *path, const char *log, int ended_before)
{
	struct input g = { .format = INPUT_AUTO, .jobs = 1 };
	struct top_opts to = { .granularity = TOP_FUNCTION };
	unsigned long long samples;
	const char *duration;
	struct unit u;
	struct top *tp;
	struct table *t;
	char *files[] = { (char *)path };
	int color, width, rc;

	input_init(&g);
	if (input_files(&g, 1, files) != EXIT_OK)
		die("%s: the profile cannot be read", path);
	tp = top_build(g.tab, 0, &to);
	top_sort(tp, TOP_SORT_FLAT, 0);
	unit_from_meta(&g.meta, &u);
	if (meta_samples(meta_get(&g.meta, "samples"), &samples) < 0)
		samples = (unsigned long long)count_double(g.tab->total[0]);
	duration = meta_get(&g.meta, "duration");
	printf("%s: %s; %llu samples in %s\n", id, ended_before ? "had ended" : "stopped",
	    samples, duration != NULL ? duration : "an unknown time");
	printf("profile: %s\n", path);
	if (nonempty(log))
		printf("messages: %s\n", log);
	t = table_new(TABLE_TEXT);
	topfmt_rows(t, TABLE_TEXT, tp, &u, TOP_FUNCTION, 5);
	table_terminal("-", "auto", &color, &width);
	rc = table_write(t, stdout, color, width);
	table_free(t);
	top_free(tp);
	input_free(&g);
	return rc < 0 || util_fshut(stdout, "stdout") < 0 ? EXIT_FINDING : EXIT_OK;
}

int
livesession_stop(const char *dir, const char *id)
{
	struct state st;
	struct paths p;
	const char *kept, *output;
	char *sdir;
	int rc;

	if (!livesession_id_valid(id) || !sessions_dir(dir, &sdir))
		unknown(dir, id);
	free(sdir);
	paths_make(&p, dir, id);
	if (state_read(p.state, id, &st) < 0 || !st.complete) {
		if (exists(p.failed))
			die("%s: the session failed: its recorder ended without writing its "
			    "profile; the profile so far is %s", id, p.failed);
		if (exists(p.folded) || exists(p.pprof)) {
			rc = summary(id, exists(p.folded) ? p.folded : p.pprof, p.log, 1);
			paths_free(&p);
			return rc;
		}
		unknown(dir, id);
	}
	output = strcmp(st.format, "pprof") == 0 ? p.pprof : p.folded;
	if (st.alive) {
		/* An ordinary session: SIGINT ends it, and it writes its
		 * profile; a second makes it kill a command that does not end. */
		if (kill(st.pid, SIGINT) < 0)
			die("%s: cannot signal its recorder, process %d:", id, (int)st.pid);
		if (!wait_end(&st, LIVESESSION_STOP_S)) {
			kill(st.pid, SIGINT);
			if (!wait_end(&st, LIVESESSION_STOP_KILL_S)) {
				warn("%s: its recorder, process %d, has not ended %d s after SIGINT",
				    id, (int)st.pid, LIVESESSION_STOP_S + LIVESESSION_STOP_KILL_S);
				paths_free(&p);
				return EXIT_FINDING;
			}
		}
	}
	if (exists(output)) {
		unlink(p.state);
		rc = summary(id, output, p.log, !st.alive);
		paths_free(&p);
		return rc;
	}
	kept = failed_cleanup(&p);
	die("%s: the session failed: its recorder ended without writing its profile; %s%s%s%s",
	    id, kept != NULL ? "the profile so far is " : "there is no profile so far",
	    kept != NULL ? kept : "", nonempty(p.log) ? "; its messages are in " : "",
	    nonempty(p.log) ? p.log : "");
}
