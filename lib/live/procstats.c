#define _GNU_SOURCE
#include "live/procstats.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <signal.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <yaml.h>

#include "core/json.h"
#include "core/table.h"
#include "core/util.h"
#include "core/xmlsafe.h"
#include "folded/unit.h"

/* No file of /proc/PID read here is near this; a larger one is not what we read. */
#define PROCFILE_MAX (1 << 20)

/*
 * The whole of file name under dfd (/proc/PID), NUL-ended, in *buf (the
 * caller frees it).  Returns its length, or -1 with errno set.
 */
static ssize_t
read_file(int dfd, const char *name, char **buf)
{
	size_t len = 0, cap = 4096;
	ssize_t n;
	int fd, err;

	if ((fd = openat(dfd, name, O_RDONLY | O_CLOEXEC)) < 0)
		return -1;
	*buf = xmalloc(cap);
	for (;;) {
		if (len + 1 == cap) {
			if (cap >= PROCFILE_MAX) {
				errno = EIO;
				goto fail;
			}
			cap *= 2;
			*buf = xrealloc(*buf, cap);
		}
		if ((n = read(fd, *buf + len, cap - 1 - len)) < 0) {
			if (errno == EINTR)
				continue;
			goto fail;
		}
		if (n == 0)
			break;
		len += n;
	}
	close(fd);
	(*buf)[len] = '\0';
	return len;
fail:
	err = errno;
	close(fd);
	free(*buf);
	*buf = NULL;
	errno = err;
	return -1;
}

/* The fields of /proc/PID/stat after the command name, counted as proc(5) counts them. */
enum {
	STAT_STATE = 3, STAT_MINFLT = 10, STAT_MAJFLT = 12, STAT_UTIME = 14, STAT_STIME = 15,
	STAT_THREADS = 20, STAT_STARTTIME = 22, STAT_LAST = STAT_STARTTIME
};

static int
parse_stat(const char *buf, struct procstats *s, uint64_t *start_ticks)
{
	const char *open = strchr(buf, '('), *close = strrchr(buf, ')'), *p;
	uint64_t f[STAT_LAST + 1] = { 0 };
	char state, *end;
	size_t n;

	/* The name may hold anything, ')' and spaces too: the last ')' ends it. */
	if (open == NULL || close == NULL || close < open || close[1] != ' ')
		return -1;
	n = close - open - 1;
	if (n >= sizeof(s->comm))
		n = sizeof(s->comm) - 1;
	memcpy(s->comm, open + 1, n);
	s->comm[n] = '\0';
	p = close + 2;
	state = *p++;
	for (int i = STAT_STATE + 1; i <= STAT_LAST; i++) {
		if (*p != ' ')
			return -1;
		p++;
		errno = 0;
		/* a signed field (priority, nice) is never one we keep */
		if (*p == '-')
			p++;
		f[i] = strtoull(p, &end, 10);
		if (end == p || errno != 0)
			return -1;
		p = end;
	}
	/* A zombie's memory and descriptors are gone: it has ended. */
	if (state == 'Z' || state == 'X' || state == 'x')
		return 1;
	s->faults_minor = f[STAT_MINFLT];
	s->faults_major = f[STAT_MAJFLT];
	s->threads = f[STAT_THREADS];
	s->user_cs = f[STAT_UTIME];
	s->system_cs = f[STAT_STIME];
	*start_ticks = f[STAT_STARTTIME];
	return 0;
}

/* The value of "key:<spaces>N" at the start of a line of buf, or 0 without one. */
static uint64_t
field(const char *buf, const char *key)
{
	size_t klen = strlen(key);

	for (const char *p = buf; p != NULL && *p != '\0'; p = strchr(p, '\n'), p = p ? p + 1 : p)
		if (strncmp(p, key, klen) == 0 && p[klen] == ':')
			return strtoull(p + klen + 1, NULL, 10);
	return 0;
}

/* Clock ticks to hundredths of a second. */
static uint64_t
ticks_cs(uint64_t t, long hz)
{
	return hz == 100 ? t : (uint64_t)((unsigned __int128)t * 100 / (uint64_t)hz);
}

static int
count_fds(int dfd, uint64_t *n)
{
	struct dirent *e;
	DIR *d;
	int fd;

	if ((fd = openat(dfd, "fd", O_RDONLY | O_DIRECTORY | O_CLOEXEC)) < 0)
		return -1;
	if ((d = fdopendir(fd)) == NULL) {
		close(fd);
		return -1;
	}
	*n = 0;
	errno = 0;
	while ((e = readdir(d)) != NULL)
		if (strcmp(e->d_name, ".") != 0 && strcmp(e->d_name, "..") != 0)
			(*n)++;
	if (errno != 0) {
		int err = errno;

		closedir(d);
		errno = err;
		return -1;
	}
	closedir(d);
	return 0;
}

/*
 * The context switches of every live thread: a process's status has its
 * first thread's only, and no file has the process's total (the counts
 * of ended threads are lost).  Without the task folder, the first
 * thread's stay.
 */
static void
sum_switches(int dfd, struct procstats *s)
{
	uint64_t vol = 0, invol = 0;
	struct dirent *e;
	char path[64], *buf;
	DIR *d;
	int fd;

	if ((fd = openat(dfd, "task", O_RDONLY | O_DIRECTORY | O_CLOEXEC)) < 0)
		return;
	if ((d = fdopendir(fd)) == NULL) {
		close(fd);
		return;
	}
	while ((e = readdir(d)) != NULL) {
		if (e->d_name[0] < '0' || e->d_name[0] > '9')
			continue;
		snprintf(path, sizeof(path), "%.20s/status", e->d_name);
		/* a thread that ended meanwhile counts no more */
		if (read_file(dirfd(d), path, &buf) < 0)
			continue;
		vol += field(buf, "voluntary_ctxt_switches");
		invol += field(buf, "nonvoluntary_ctxt_switches");
		free(buf);
	}
	closedir(d);
	if (vol + invol > 0) {
		s->ctxsw_voluntary = vol;
		s->ctxsw_involuntary = invol;
	}
}

/* Whether the process of dfd still exists: its files vanish at its end. */
static int
alive(int dfd)
{
	struct stat st;

	return fstatat(dfd, "stat", &st, 0) == 0;
}

int
procstats_read(pid_t pid, struct procstats *s)
{
	char path[32], *buf = NULL;
	uint64_t start_ticks, up_cs;
	long hz = sysconf(_SC_CLK_TCK);
	int dfd, r, err;

	memset(s, 0, sizeof(*s));
	s->pid = pid;
	clock_gettime(CLOCK_REALTIME, &s->when);
	snprintf(path, sizeof(path), "/proc/%d", (int)pid);
	if (pid <= 0 || (dfd = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC)) < 0) {
		errno = ESRCH;
		return -1;
	}
	if (read_file(dfd, "stat", &buf) < 0)
		goto gone;
	r = parse_stat(buf, s, &start_ticks);
	free(buf);
	if (r != 0) {
		err = r > 0 ? ESRCH : EIO;
		goto fail;
	}
	if (read_file(dfd, "status", &buf) < 0)
		goto gone;
	s->rss = field(buf, "VmRSS") * 1024;
	s->rss_peak = field(buf, "VmHWM") * 1024;
	s->vm = field(buf, "VmSize") * 1024;
	s->anon = field(buf, "RssAnon") * 1024;
	s->swap = field(buf, "VmSwap") * 1024;
	s->ctxsw_voluntary = field(buf, "voluntary_ctxt_switches");
	s->ctxsw_involuntary = field(buf, "nonvoluntary_ctxt_switches");
	free(buf);
	sum_switches(dfd, s);
	if (count_fds(dfd, &s->fds) < 0)
		goto gone;
	if (read_file(dfd, "io", &buf) >= 0) {
		s->has_io = 1;
		s->io_read = field(buf, "read_bytes");
		s->io_write = field(buf, "write_bytes");
		free(buf);
	} else if (errno == ESRCH || !alive(dfd)) {
		err = ESRCH;
		goto fail;
	} else
		s->io_errno = errno;
	if (hz <= 0)
		hz = 100;
	s->user_cs = ticks_cs(s->user_cs, hz);
	s->system_cs = ticks_cs(s->system_cs, hz);
	if (read_file(AT_FDCWD, "/proc/uptime", &buf) < 0) {
		err = errno;
		goto fail;
	}
	/* "12345.67 ...": seconds since boot, in hundredths. */
	{
		char *end;
		uint64_t sec = strtoull(buf, &end, 10), frac = 0;

		if (*end == '.' && end[1] >= '0' && end[1] <= '9') {
			frac = (end[1] - '0') * 10;
			if (end[2] >= '0' && end[2] <= '9')
				frac += end[2] - '0';
		}
		up_cs = sec * 100 + frac;
	}
	free(buf);
	start_ticks = ticks_cs(start_ticks, hz);
	s->uptime_cs = up_cs > start_ticks ? up_cs - start_ticks : 0;
	/* Last, so that a process that ended while it was read is not taken for live. */
	if (!alive(dfd)) {
		err = ESRCH;
		goto fail;
	}
	close(dfd);
	return 0;
gone:
	/* A file that vanished or no longer reads is a process that ended. */
	err = errno == ENOENT || errno == ESRCH || !alive(dfd) ? ESRCH : errno;
fail:
	close(dfd);
	errno = err;
	return -1;
}

/* hundredths of a second as JSON and YAML write seconds: "12.05" */
static void
fmt_cs(char *buf, size_t size, uint64_t cs)
{
	snprintf(buf, size, "%" PRIu64 ".%02u", cs / 100, (unsigned)(cs % 100));
}

/* The figures in order: key, label for a person, and how to show them. */
enum kind { K_SECONDS, K_COUNT, K_BYTES };
struct figure {
	const char *key, *label;
	int kind;
	size_t off;
};
#define F(key, label, kind, member) { key, label, kind, offsetof(struct procstats, member) }
static const struct figure figures[] = {
	F("uptime_s", "uptime", K_SECONDS, uptime_cs),
	F("cpu_user_s", "CPU user", K_SECONDS, user_cs),
	F("cpu_system_s", "CPU system", K_SECONDS, system_cs),
	F("threads", "threads", K_COUNT, threads),
	F("fds", "open fds", K_COUNT, fds),
	F("rss_bytes", "RSS", K_BYTES, rss),
	F("rss_peak_bytes", "peak RSS", K_BYTES, rss_peak),
	F("vm_bytes", "virtual", K_BYTES, vm),
	F("anon_bytes", "anonymous", K_BYTES, anon),
	F("swap_bytes", "swap", K_BYTES, swap),
	F("ctxsw_voluntary", "context switches, voluntary", K_COUNT, ctxsw_voluntary),
	F("ctxsw_involuntary", "context switches, involuntary", K_COUNT, ctxsw_involuntary),
	F("faults_minor", "page faults, minor", K_COUNT, faults_minor),
	F("faults_major", "page faults, major", K_COUNT, faults_major),
	F("io_read_bytes", "I/O read", K_BYTES, io_read),
	F("io_write_bytes", "I/O written", K_BYTES, io_write),
};
#undef F
#define HEAP_F(key, label, kind, member) { key, label, kind, offsetof(struct procstats_heap, member) }
static const struct figure heap_figures[] = {
	HEAP_F("heap_live_bytes", "heap live", K_BYTES, live_bytes),
	HEAP_F("heap_live_blocks", "heap live blocks", K_COUNT, live_blocks),
	HEAP_F("heap_alloc_bytes", "heap allocated", K_BYTES, alloc_bytes),
	HEAP_F("heap_allocs", "heap allocations", K_COUNT, allocs),
};
#undef HEAP_F
#define NFIGURES (sizeof(figures) / sizeof(figures[0]))
#define NHEAP (sizeof(heap_figures) / sizeof(heap_figures[0]))

static uint64_t
value(const void *base, const struct figure *f)
{
	return *(const uint64_t *)((const char *)base + f->off);
}

static int
is_io(const struct figure *f)
{
	return strncmp(f->key, "io_", 3) == 0;
}

/* The raw value as JSON and YAML write it. */
static void
fmt_raw(char *buf, size_t size, const struct figure *f, uint64_t v)
{
	if (f->kind == K_SECONDS)
		fmt_cs(buf, size, v);
	else
		snprintf(buf, size, "%" PRIu64, v);
}

/* The value as a person reads it: "12.34s", "1h 02m 03s", "1.5MiB". */
static void
fmt_shown(char *buf, size_t size, const struct figure *f, uint64_t v)
{
	struct unit bytes = { .kind = UNIT_BYTES, .name = "bytes" };
	char t[UNIT_BUFSZ];
	uint64_t s = v / 100;

	if (f->kind == K_BYTES) {
		unit_show(&bytes, (count_t)v * COUNT_ONE, t);
		snprintf(buf, size, "%s", strcmp(t, "0") == 0 ? "0B" : t);
	} else if (f->kind == K_COUNT)
		snprintf(buf, size, "%" PRIu64, v);
	else if (s < 60)
		snprintf(buf, size, "%" PRIu64 ".%02us", s, (unsigned)(v % 100));
	else if (s < 3600)
		snprintf(buf, size, "%" PRIu64 "m %02us", s / 60, (unsigned)(s % 60));
	else if (s < 86400)
		snprintf(buf, size, "%" PRIu64 "h %02um %02us", s / 3600,
		    (unsigned)(s / 60 % 60), (unsigned)(s % 60));
	else
		snprintf(buf, size, "%" PRIu64 "d %02uh %02um", s / 86400,
		    (unsigned)(s / 3600 % 24), (unsigned)(s / 60 % 60));
}

static void
print_json(FILE *out, const struct procstats *s, const struct procstats_heap *heap)
{
	char v[64];

	fprintf(out, "{\"pid\": %d, \"comm\": ", (int)s->pid);
	json_write_string(out, s->comm, (size_t)-1);
	for (size_t i = 0; i < NFIGURES; i++) {
		if (is_io(&figures[i]) && !s->has_io)
			continue;
		fmt_raw(v, sizeof(v), &figures[i], value(s, &figures[i]));
		fprintf(out, ", \"%s\": %s", figures[i].key, v);
	}
	for (size_t i = 0; heap != NULL && i < NHEAP; i++) {
		fmt_raw(v, sizeof(v), &heap_figures[i], value(heap, &heap_figures[i]));
		fprintf(out, ", \"%s\": %s", heap_figures[i].key, v);
	}
	fputs("}\n", out);
}

static int
emit_scalar(yaml_emitter_t *e, const char *v, int quoted)
{
	yaml_event_t ev;

	/* A name is quoted so that "123" or "true" stays a string. */
	yaml_scalar_event_initialize(&ev, NULL, NULL, (yaml_char_t *)v, (int)strlen(v),
	    !quoted, quoted, quoted ? YAML_DOUBLE_QUOTED_SCALAR_STYLE : YAML_PLAIN_SCALAR_STYLE);
	return yaml_emitter_emit(e, &ev);
}

static int
emit_pair(yaml_emitter_t *e, const char *key, const char *v, int quoted)
{
	return emit_scalar(e, key, 0) && emit_scalar(e, v, quoted);
}

static int
print_yaml(FILE *out, const struct procstats *s, const struct procstats_heap *heap)
{
	yaml_emitter_t e;
	yaml_event_t ev;
	char v[64], *comm;
	int ok;

	if (!yaml_emitter_initialize(&e))
		return -1;
	yaml_emitter_set_output_file(&e, out);
	yaml_emitter_set_unicode(&e, 1);
	/* libyaml takes UTF-8 only: the clean text, as in JSON. */
	comm = xmlsafe_cleandup(s->comm, strlen(s->comm), NULL);
	yaml_stream_start_event_initialize(&ev, YAML_UTF8_ENCODING);
	ok = yaml_emitter_emit(&e, &ev);
	/* "---" starts every document, so that snapshots follow one another. */
	yaml_document_start_event_initialize(&ev, NULL, NULL, NULL, 0);
	ok = ok && yaml_emitter_emit(&e, &ev);
	yaml_mapping_start_event_initialize(&ev, NULL, NULL, 1, YAML_BLOCK_MAPPING_STYLE);
	ok = ok && yaml_emitter_emit(&e, &ev);
	snprintf(v, sizeof(v), "%d", (int)s->pid);
	ok = ok && emit_pair(&e, "pid", v, 0) && emit_pair(&e, "comm", comm, 1);
	for (size_t i = 0; ok && i < NFIGURES; i++) {
		if (is_io(&figures[i]) && !s->has_io)
			continue;
		fmt_raw(v, sizeof(v), &figures[i], value(s, &figures[i]));
		ok = emit_pair(&e, figures[i].key, v, 0);
	}
	for (size_t i = 0; ok && heap != NULL && i < NHEAP; i++) {
		fmt_raw(v, sizeof(v), &heap_figures[i], value(heap, &heap_figures[i]));
		ok = emit_pair(&e, heap_figures[i].key, v, 0);
	}
	yaml_mapping_end_event_initialize(&ev);
	ok = ok && yaml_emitter_emit(&e, &ev);
	yaml_document_end_event_initialize(&ev, 1);
	ok = ok && yaml_emitter_emit(&e, &ev);
	yaml_stream_end_event_initialize(&ev);
	ok = ok && yaml_emitter_emit(&e, &ev);
	ok = ok && yaml_emitter_flush(&e);
	yaml_emitter_delete(&e);
	free(comm);
	return ok ? 0 : -1;
}

static const struct table_col cols[] = {
	{ "figure", "figure", 0 },
	{ "value", "value", 1 },
};

static void
row(struct table *t, const struct figure *f, uint64_t v)
{
	char shown[64];

	fmt_shown(shown, sizeof(shown), f, v);
	table_row(t, TABLE_PLAIN);
	table_cell(t, f->label, (size_t)-1, NULL);
	table_cell(t, shown, (size_t)-1, NULL);
}

static int
print_table(FILE *out, const struct procstats *s, const struct procstats_heap *heap)
{
	struct table *t = table_new(TABLE_TEXT);
	char when[64];
	struct tm tm;
	int r;

	localtime_r(&s->when.tv_sec, &tm);
	strftime(when, sizeof(when), "%Y-%m-%d %H:%M:%S", &tm);
	table_note(t, "pid %d (%s) at %s", (int)s->pid, s->comm, when);
	if (!s->has_io)
		table_note(t, "no I/O figures: /proc/%d/io: %s", (int)s->pid,
		    s->io_errno == ENOENT ? "not in this kernel (no task I/O accounting)" :
		    strerror(s->io_errno));
	table_section(t, NULL, NULL, cols, 2);
	for (size_t i = 0; i < NFIGURES; i++)
		if (!is_io(&figures[i]) || s->has_io)
			row(t, &figures[i], value(s, &figures[i]));
	for (size_t i = 0; heap != NULL && i < NHEAP; i++)
		row(t, &heap_figures[i], value(heap, &heap_figures[i]));
	r = table_write(t, out, 0, 0);
	fputc('\n', out);
	table_free(t);
	return r;
}

int
procstats_print(FILE *out, const struct procstats *s, int fmt,
    const struct procstats_heap *heap)
{
	switch (fmt) {
	case PROCSTATS_JSON:
		print_json(out, s, heap);
		return 0;
	case PROCSTATS_YAML:
		return print_yaml(out, s, heap);
	default:
		return print_table(out, s, heap);
	}
}

int
procstats_write(FILE *out, pid_t pid, int fmt, const struct procstats_heap *heap)
{
	struct procstats s;

	if (procstats_read(pid, &s) < 0)
		return -1;
	return procstats_print(out, &s, fmt, heap);
}

static void
report(pid_t pid, int err)
{
	if (err == ESRCH)
		warn("process %d: no such process (or it has ended)", (int)pid);
	else if (err == EACCES || err == EPERM)
		warn("process %d: not permitted to read its /proc files: another user's "
		    "process needs root or CAP_SYS_PTRACE", (int)pid);
	else
		warn("process %d: /proc/%d: %s", (int)pid, (int)pid, strerror(err));
}

static void
ts_add(struct timespec *t, double s)
{
	long long ns = (long long)(s * 1e9 + 0.5);

	t->tv_sec += ns / 1000000000;
	t->tv_nsec += ns % 1000000000;
	if (t->tv_nsec >= 1000000000) {
		t->tv_sec++;
		t->tv_nsec -= 1000000000;
	}
}

static int
ts_before(const struct timespec *a, const struct timespec *b)
{
	return a->tv_sec < b->tv_sec || (a->tv_sec == b->tv_sec && a->tv_nsec < b->tv_nsec);
}

/*
 * Waits until deadline (CLOCK_MONOTONIC) or one of the signals of stop
 * (blocked) arrives; returns 1 for a signal, which it takes.
 */
static int
wait_until(const struct timespec *deadline, const sigset_t *stop)
{
	struct timespec now, left;

	for (;;) {
		clock_gettime(CLOCK_MONOTONIC, &now);
		if (!ts_before(&now, deadline))
			left = (struct timespec){ 0, 0 };
		else {
			left.tv_sec = deadline->tv_sec - now.tv_sec;
			left.tv_nsec = deadline->tv_nsec - now.tv_nsec;
			if (left.tv_nsec < 0) {
				left.tv_sec--;
				left.tv_nsec += 1000000000;
			}
		}
		if (sigtimedwait(stop, NULL, &left) >= 0)
			return 1;
		if (errno == EAGAIN)
			return 0;
		/* EINTR: another signal, handled; wait on */
	}
}

static const int stop_signals[] = { SIGINT, SIGTERM, SIGHUP };

int
procstats_watch(FILE *out, const pid_t *pids, int npids, int fmt, double interval,
    long long count)
{
	struct procstats *snap = xreallocarray(NULL, npids, sizeof(*snap));
	long long *taken = xcalloc(npids, sizeof(*taken));
	int *live = xcalloc(npids, sizeof(*live));
	struct timespec deadline, now;
	sigset_t stop, old;
	int status = EXIT_OK, nlive = npids, stopped = 0;

	/*
	 * Blocked, and taken by sigtimedwait as the wait between rounds: a
	 * signal that comes during a round is seen at its end, never lost.
	 */
	sigemptyset(&stop);
	for (size_t i = 0; i < sizeof(stop_signals) / sizeof(stop_signals[0]); i++) {
		struct sigaction sa;

		/* one ignored stays ignored (nohup, a shell's background job) */
		if (sigaction(stop_signals[i], NULL, &sa) == 0 && sa.sa_handler != SIG_IGN)
			sigaddset(&stop, stop_signals[i]);
	}
	sigprocmask(SIG_BLOCK, &stop, &old);
	clock_gettime(CLOCK_MONOTONIC, &deadline);
	for (int i = 0; i < npids; i++)
		live[i] = 1;
	for (long long round = 0; nlive > 0 && !stopped; round++) {
		for (int i = 0; i < npids; i++) {
			if (!live[i] || procstats_read(pids[i], &snap[i]) == 0)
				continue;
			if (round == 0) {
				/* nothing is written when a process cannot be read at all */
				report(pids[i], errno);
				status = EXIT_USAGE;
			} else if (errno == ESRCH)
				warn("process %d has ended, after %lld snapshot%s", (int)pids[i],
				    taken[i], taken[i] == 1 ? "" : "s");
			else {
				report(pids[i], errno);
				status = EXIT_USAGE;
			}
			live[i] = 0;
			nlive--;
		}
		if (round == 0 && status != EXIT_OK)
			break;
		for (int i = 0; i < npids; i++)
			if (live[i]) {
				if (procstats_print(out, &snap[i], fmt, NULL) < 0)
					die("process %d: the YAML emitter failed", (int)pids[i]);
				taken[i]++;
			}
		if (fflush(out) != 0 || ferror(out))
			break;
		if (interval <= 0 || (count > 0 && round + 1 >= count) || nlive == 0)
			break;
		ts_add(&deadline, interval);
		/* a round that ran past the next one's time (a busy machine): the
		 * schedule starts again from now, rather than rounds in a burst */
		clock_gettime(CLOCK_MONOTONIC, &now);
		if (ts_before(&deadline, &now))
			deadline = now;
		stopped = wait_until(&deadline, &stop);
	}
	/* A signal that came during the last round ends nothing more. */
	while (sigtimedwait(&stop, NULL, &(struct timespec){ 0, 0 }) >= 0)
		;
	sigprocmask(SIG_SETMASK, &old, NULL);
	free(snap);
	free(taken);
	free(live);
	return status;
}
