/* serve: prof-record --serve and --auto-profile.  See serve.h. */
#define _GNU_SOURCE
#include "live/serve.h"

#include <arpa/inet.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <netinet/in.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <microhttpd.h>

#include "core/cmdline.h"
#include "core/outfile.h"
#include "core/util.h"
#include "core/xmlsafe.h"
#include "folded/folded.h"
#include "folded/meta.h"
#include "folded/stacktable.h"
#include "live/procstats.h"
#include "pprof/pprof.h"
#include "record/agentread.h"
#include "record/unwind.h"

struct serve {
	const struct serve_opts *o;
	const pid_t *pids;
	int npids;
	/* each target's start time: a pid reused after its end is not it */
	unsigned long long starts[SERVE_MAX_PIDS];
	pid_t child;                 /* the command launched, or -1 */
	char cmdline[4096], when[32];
	time_t t0;
	char dir[PATH_MAX];          /* the private directory, "" none */
	char exe[PATH_MAX];          /* this program, for the children */
	atomic_uint seq;             /* its files' numbers */
	atomic_int stopping;
	sigset_t origmask;           /* the children's */

	pthread_mutex_t lock;        /* cpu_busy */
	int cpu_busy;
	/* one threads snapshot at a time: each stops the threads with
	 * ptrace, and a thread has one tracer */
	pthread_mutex_t snap_lock;

	pthread_mutex_t agent_lock;  /* agent, and unwind */
	struct agentread *agent;     /* NULL: no agent (why: no_agent) */
	int agent_fd;
	char no_agent[PATH_MAX + 512];
};

/* ---- small things ---- */

int
serve_param_int(const char *s, int lo, int hi, int def, int *v)
{
	long n = 0;

	if (s == NULL) {
		*v = def;
		return 0;
	}
	if (*s == '\0' || strlen(s) > 9)
		return -1;
	for (const char *p = s; *p != '\0'; p++) {
		if (*p < '0' || *p > '9')
			return -1;
		n = n * 10 + (*p - '0');
	}
	if (n < lo || n > hi)
		return -1;
	*v = (int)n;
	return 0;
}

/* "PORT", "ADDR:PORT", "[V6]:PORT" into ss. */
static void
parse_listen(const char *s, struct sockaddr_storage *ss, socklen_t *len)
{
	struct sockaddr_in *in = (struct sockaddr_in *)ss;
	struct sockaddr_in6 *in6 = (struct sockaddr_in6 *)ss;
	char host[INET6_ADDRSTRLEN + 2];
	const char *colon = strrchr(s, ':'), *port = colon ? colon + 1 : s;
	size_t hl = colon ? (size_t)(colon - s) : 0;
	int p;

	memset(ss, 0, sizeof(*ss));
	if (serve_param_int(port, 0, 65535, 0, &p) != 0)
		die("--serve: %s: not [ADDR:]PORT (PORT 0 to 65535; ADDR an IPv4 address, "
		    "[an IPv6 one] or localhost)", s);
	if (hl >= sizeof(host))
		die("--serve: %s: not an address of this machine's", s);
	memcpy(host, s, hl);
	host[hl] = '\0';
	if (hl == 0 || strcmp(host, "localhost") == 0)
		strcpy(host, "127.0.0.1");
	if (host[0] == '[' && hl > 2 && host[hl - 1] == ']') {
		host[hl - 1] = '\0';
		in6->sin6_family = AF_INET6;
		in6->sin6_port = htons((uint16_t)p);
		if (inet_pton(AF_INET6, host + 1, &in6->sin6_addr) != 1)
			die("--serve: %s: not an IPv6 address", s);
		*len = sizeof(*in6);
		return;
	}
	in->sin_family = AF_INET;
	in->sin_port = htons((uint16_t)p);
	if (inet_pton(AF_INET, host, &in->sin_addr) != 1)
		die("--serve: %s: not an IPv4 address (an IPv6 one is in brackets: "
		    "[::1]:PORT)", s);
	*len = sizeof(*in);
}

/* The listening socket, or death naming the address. */
static int
listen_on(const char *spec, char *shown, size_t size)
{
	struct sockaddr_storage ss;
	socklen_t len;
	char host[INET6_ADDRSTRLEN];
	int fd, one = 1, port;

	parse_listen(spec, &ss, &len);
	if ((fd = socket(ss.ss_family, SOCK_STREAM | SOCK_CLOEXEC, 0)) < 0)
		die("--serve %s: socket:", spec);
	setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	if (ss.ss_family == AF_INET6)
		setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &one, sizeof(one));
	if (bind(fd, (struct sockaddr *)&ss, len) < 0) {
		if (errno == EADDRINUSE)
			die("--serve %s: the port is in use (another server listens there)", spec);
		die("--serve %s: cannot listen there:", spec);
	}
	if (listen(fd, 64) < 0)
		die("--serve %s: listen:", spec);
	len = sizeof(ss);
	getsockname(fd, (struct sockaddr *)&ss, &len);
	if (ss.ss_family == AF_INET6) {
		inet_ntop(AF_INET6, &((struct sockaddr_in6 *)&ss)->sin6_addr, host, sizeof(host));
		port = ntohs(((struct sockaddr_in6 *)&ss)->sin6_port);
		snprintf(shown, size, "[%s]:%d", host, port);
	} else {
		inet_ntop(AF_INET, &((struct sockaddr_in *)&ss)->sin_addr, host, sizeof(host));
		port = ntohs(((struct sockaddr_in *)&ss)->sin_port);
		snprintf(shown, size, "%s:%d", host, port);
	}
	return fd;
}

/* ---- children ---- */

/*
 * Runs this program with argv, its stdin and stdout /dev/null and its
 * stderr the file errpath (or /dev/null).  Between fork and exec only
 * what is async-signal-safe: the server has threads.
 */
static pid_t
spawn(struct serve *s, char *const argv[], const char *errpath)
{
	struct sigaction dfl = { .sa_handler = SIG_DFL };
	int null, err;
	pid_t pid;

	if ((null = open("/dev/null", O_RDWR | O_CLOEXEC)) < 0)
		return -1;
	err = errpath != NULL ? open(errpath, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC |
	    O_NOFOLLOW, 0600) : null;
	if (err < 0) {
		close(null);
		return -1;
	}
	if ((pid = fork()) == 0) {
		dup2(null, STDIN_FILENO);
		dup2(null, STDOUT_FILENO);
		dup2(err, STDERR_FILENO);
		sigaction(SIGPIPE, &dfl, NULL);
		sigprocmask(SIG_SETMASK, &s->origmask, NULL);
		execv(s->exe, argv);
		_exit(127);
	}
	close(null);
	if (err != null)
		close(err);
	return pid;
}

/* argv for a child: prof-record, the targets, then extra..., then the
 * server's sampling options; free with free(). */
static char **
child_argv(struct serve *s, char *pidlist, const char *const *extra)
{
	size_t n = 0, i, k = 0;
	char **v;

	for (i = 0; extra[i] != NULL; i++)
		n++;
	for (i = 0; s->o->record_args != NULL && s->o->record_args[i] != NULL; i++)
		n++;
	v = xreallocarray(NULL, n + 4, sizeof(*v));
	v[k++] = "prof-record";
	v[k++] = "-p";
	v[k++] = pidlist;
	for (i = 0; extra[i] != NULL; i++)
		v[k++] = (char *)extra[i];
	for (i = 0; s->o->record_args != NULL && s->o->record_args[i] != NULL; i++)
		v[k++] = s->o->record_args[i];
	v[k] = NULL;
	return v;
}

/*
 * Whether target pid has ended: gone, a zombie, or its pid now another
 * process's (started at another time), which the server must not profile.
 */
static int
target_gone(const struct serve *s, pid_t pid)
{
	unsigned long long start;

	for (int i = 0; i < s->npids; i++)
		if (s->pids[i] == pid)
			return util_proc_start(pid, &start) != 1 || start != s->starts[i];
	return 1;
}

static void
pid_list(struct serve *s, char *buf, size_t size)
{
	size_t k = 0;

	buf[0] = '\0';
	for (int i = 0; i < s->npids && k < size; i++)
		k += (size_t)snprintf(buf + k, size - k, "%s%d", i ? "," : "", (int)s->pids[i]);
}

/*
 * Ends the child pid: SIGTERM (prof-record writes what it has and
 * ends), then SIGKILL if it has not ended within 2 seconds; reaps it.
 */
static void
child_end(pid_t pid)
{
	int st;

	kill(pid, SIGTERM);
	for (int i = 0; i < 200; i++) {
		if (waitpid(pid, &st, WNOHANG) == pid)
			return;
		poll(NULL, 0, 10);
	}
	kill(pid, SIGKILL);
	while (waitpid(pid, &st, 0) < 0 && errno == EINTR)
		;
}

/*
 * Waits for the child pid while the client of fd (-1: none) is there and
 * the server runs.  Returns 0 with its wait status in *st; -1 when the
 * client left or the server stops (the child then ended and reaped).
 */
static int
child_wait(struct serve *s, pid_t pid, int fd, int *st)
{
	struct pollfd pfd = { .fd = fd, .events = POLLRDHUP };
	pid_t w;

	for (;;) {
		if ((w = waitpid(pid, st, WNOHANG)) == pid)
			return 0;
		if (w < 0 && errno != EINTR)
			return -1;
		if (atomic_load(&s->stopping)) {
			child_end(pid);
			return -1;
		}
		if (fd < 0) {
			poll(NULL, 0, 100);   /* no client to watch: just wait */
			continue;
		}
		if (poll(&pfd, 1, 100) <= 0)
			continue;
		if (pfd.revents & (POLLRDHUP | POLLHUP | POLLERR)) {
			child_end(pid);
			return -1;
		}
		/* bytes of a next request: read later */
		poll(NULL, 0, 100);
	}
}

/* ---- responses ---- */

static enum MHD_Result
reply(struct MHD_Connection *c, unsigned status, const char *type, char *body, size_t len)
{
	struct MHD_Response *r = MHD_create_response_from_buffer(len, body, MHD_RESPMEM_MUST_FREE);
	enum MHD_Result ret;

	if (r == NULL) {
		free(body);
		return MHD_NO;
	}
	MHD_add_response_header(r, "Content-Type", type);
	MHD_add_response_header(r, "X-Content-Type-Options", "nosniff");
	if (status == MHD_HTTP_METHOD_NOT_ALLOWED)
		MHD_add_response_header(r, "Allow", "GET, HEAD");
	ret = MHD_queue_response(c, status, r);
	MHD_destroy_response(r);
	return ret;
}

static enum MHD_Result __attribute__((format(printf, 3, 4)))
reply_text(struct MHD_Connection *c, unsigned status, const char *fmt, ...)
{
	va_list ap;
	char *msg, *body;

	va_start(ap, fmt);
	msg = xvasprintf(fmt, ap);
	va_end(ap);
	body = xasprintf("%s\n", msg);
	free(msg);
	return reply(c, status, "text/plain; charset=utf-8", body, strlen(body));
}

/* A profile: pprof (as Go sends it, a file to save) or folded text. */
static enum MHD_Result
reply_profile(struct MHD_Connection *c, const char *name, int folded, char *body, size_t len)
{
	struct MHD_Response *r = MHD_create_response_from_buffer(len, body, MHD_RESPMEM_MUST_FREE);
	char disp[64];
	enum MHD_Result ret;

	if (r == NULL) {
		free(body);
		return MHD_NO;
	}
	MHD_add_response_header(r, "X-Content-Type-Options", "nosniff");
	if (folded) {
		MHD_add_response_header(r, "Content-Type", "text/plain; charset=utf-8");
	} else {
		snprintf(disp, sizeof(disp), "attachment; filename=\"%s\"", name);
		MHD_add_response_header(r, "Content-Type", "application/octet-stream");
		MHD_add_response_header(r, "Content-Disposition", disp);
	}
	ret = MHD_queue_response(c, MHD_HTTP_OK, r);
	MHD_destroy_response(r);
	return ret;
}

/* The file path, whole (at most 1 GiB), in *buf; removed.  0 or -1. */
static int
slurp(const char *path, char **buf, size_t *len)
{
	struct stat st;
	int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
	ssize_t n;
	size_t k = 0;

	*buf = NULL;
	unlink(path);
	if (fd < 0)
		return -1;
	if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode) || st.st_size > (1 << 30)) {
		close(fd);
		return -1;
	}
	*buf = xmalloc((size_t)st.st_size + 1);
	while (k < (size_t)st.st_size &&
	    ((n = read(fd, *buf + k, (size_t)st.st_size - k)) > 0 || (n < 0 && errno == EINTR)))
		if (n > 0)
			k += (size_t)n;
	close(fd);
	(*buf)[k] = '\0';
	*len = k;
	return 0;
}

/*
 * A profile by a child, `prof-record -p PIDS extra... -o FILE`, sent
 * back.  What it said on stderr is the message of a failure (500).
 */
static enum MHD_Result
child_profile(struct serve *s, struct MHD_Connection *c, const char *name, int folded,
    const char *const *extra)
{
	const union MHD_ConnectionInfo *ci;
	char pids[256], out[PATH_MAX + 32], errp[PATH_MAX + 32], **argv, *body, *msg;
	const char **ex;
	unsigned n = atomic_fetch_add(&s->seq, 1);
	size_t len, ne = 0, mlen;
	pid_t pid;
	int st, fd = -1;
	enum MHD_Result ret;

	if (s->dir[0] == '\0')
		return reply_text(c, MHD_HTTP_INTERNAL_SERVER_ERROR, "no directory for the "
		    "profiles (TMPDIR)");
	pid_list(s, pids, sizeof(pids));
	snprintf(out, sizeof(out), "%s/%u.%s", s->dir, n, folded ? "folded" : "pb.gz");
	snprintf(errp, sizeof(errp), "%s/%u.err", s->dir, n);
	while (extra[ne] != NULL)
		ne++;
	ex = xreallocarray(NULL, ne + 5, sizeof(*ex));
	memcpy(ex, extra, ne * sizeof(*ex));
	ex[ne++] = "--format";
	ex[ne++] = folded ? "folded" : "pprof";
	ex[ne++] = "-o";
	ex[ne++] = out;
	ex[ne] = NULL;
	argv = child_argv(s, pids, ex);
	pid = spawn(s, argv, errp);
	free(argv);
	free(ex);
	if (pid < 0) {
		unlink(errp);
		return reply_text(c, MHD_HTTP_INTERNAL_SERVER_ERROR, "cannot start prof-record: %s",
		    strerror(errno));
	}
	if ((ci = MHD_get_connection_info(c, MHD_CONNECTION_INFO_CONNECTION_FD)) != NULL)
		fd = ci->connect_fd;
	if (child_wait(s, pid, fd, &st) < 0) {
		unlink(out);
		unlink(errp);
		return MHD_NO;
	}
	if (slurp(errp, &msg, &mlen) != 0)
		msg = NULL;
	if (WIFEXITED(st) && WEXITSTATUS(st) == 0 && slurp(out, &body, &len) == 0) {
		free(msg);
		return reply_profile(c, name, folded, body, len);
	}
	unlink(out);
	for (; msg != NULL && mlen > 0 && msg[mlen - 1] == '\n'; mlen--)
		msg[mlen - 1] = '\0';
	/* a target that ended meanwhile is gone, not a fault */
	for (int i = 0; i < s->npids; i++)
		if (target_gone(s, s->pids[i])) {
			ret = reply_text(c, MHD_HTTP_GONE, "process %d has ended%s%s",
			    (int)s->pids[i], msg && *msg ? ": " : "", msg ? msg : "");
			free(msg);
			return ret;
		}
	ret = reply_text(c, MHD_HTTP_INTERNAL_SERVER_ERROR, "prof-record -p %s failed (%s %d)%s%s",
	    pids, WIFEXITED(st) ? "status" : "signal", WIFEXITED(st) ? WEXITSTATUS(st) :
	    WTERMSIG(st), msg && *msg ? ": " : "", msg ? msg : "");
	free(msg);
	return ret;
}

/* ---- the agent's profiles ---- */

enum { P_HEAP, P_ALLOCS, P_MUTEX, P_BLOCK, P_THREADCREATE };

static void
write_folded(FILE *fp, const struct meta *m, struct stacktable *t)
{
	size_t n;
	struct stacktable_entry **v = stacktable_sorted(t, &n);
	count_t c[2];

	meta_write(fp, m);
	for (size_t i = 0; i < n; i++) {
		c[0] = v[i]->n[0];
		c[1] = 0;
		if (c[0] != 0)
			folded_write(fp, v[i]->key, v[i]->len, c, FOLDED_SINGLE);
	}
	free(v);
}

static enum MHD_Result
agent_profile(struct serve *s, struct MHD_Connection *c, int which, int folded)
{
	static const char *const names[] = { "heap", "allocs", "mutex", "block", "threadcreate" };
	struct stacktable *t[4] = { NULL, NULL, NULL, NULL };
	struct pprof_value vals[4];
	struct pprof_modules ms = { NULL, 0 };
	struct meta m = { 0 };
	char *body = NULL, err[256], dur[32], recorder[64];
	size_t len = 0, nv = 0, def = 0;
	FILE *fp;
	int rc;

	if (s->agent == NULL)
		return reply_text(c, MHD_HTTP_NOT_IMPLEMENTED, "/debug/pprof/%s needs the agent: %s",
		    names[which], s->no_agent);
	for (int i = 0; i < 4; i++)
		t[i] = stacktable_new();
	pthread_mutex_lock(&s->agent_lock);
	switch (which) {
	case P_HEAP:
	case P_ALLOCS:
		agentread_snapshot(s->agent, AGENTREAD_ALLOC_OBJECTS, t[0]);
		agentread_snapshot(s->agent, AGENTREAD_ALLOC_SPACE, t[1]);
		agentread_snapshot(s->agent, AGENTREAD_INUSE_OBJECTS, t[2]);
		agentread_snapshot(s->agent, AGENTREAD_INUSE_SPACE, t[3]);
		vals[0] = (struct pprof_value){ "alloc_objects", "count", t[0], 0 };
		vals[1] = (struct pprof_value){ "alloc_space", "bytes", t[1], 0 };
		vals[2] = (struct pprof_value){ "inuse_objects", "count", t[2], 0 };
		vals[3] = (struct pprof_value){ "inuse_space", "bytes", t[3], 0 };
		nv = 4;
		def = which == P_HEAP ? 3 : 1;
		break;
	case P_MUTEX:
	case P_BLOCK:
		agentread_snapshot(s->agent, which == P_MUTEX ? AGENTREAD_LOCK : AGENTREAD_BLOCK, t[0]);
		vals[0] = (struct pprof_value){ "contentions", "count", t[0], 1 };
		vals[1] = (struct pprof_value){ "delay", "nanoseconds", t[0], 0 };
		nv = 2;
		def = 1;
		break;
	default:
		agentread_snapshot(s->agent, AGENTREAD_THREADCREATE, t[0]);
		vals[0] = (struct pprof_value){ "threadcreate", "count", t[0], 0 };
		nv = 1;
		break;
	}
	if (!folded)
		unwind_modules(pprof_modules_add, &ms);
	pthread_mutex_unlock(&s->agent_lock);

	meta_set(&m, "type", which <= P_ALLOCS ? "memory" : which == P_MUTEX ? "lock" :
	    which == P_BLOCK ? "block" : "threadcreate");
	meta_set(&m, "unit", which <= P_ALLOCS ? "bytes" : which == P_THREADCREATE ? "threads" :
	    "nanoseconds");
	if (which <= P_ALLOCS)
		meta_set(&m, "view", which == P_HEAP ? "inuse-space" : "alloc-space");
	meta_set(&m, "event", "libprof-agent.so");
	meta_set(&m, "command", s->cmdline);
	snprintf(recorder, sizeof(recorder), "prof %s", util_version);
	meta_set(&m, "recorder", recorder);
	meta_set(&m, "start", s->when);
	snprintf(dur, sizeof(dur), "%.3f s", difftime(time(NULL), s->t0));
	meta_set(&m, "duration", dur);

	if ((fp = open_memstream(&body, &len)) == NULL)
		die("open_memstream:");
	if (folded) {
		write_folded(fp, &m, vals[def].tab);
		rc = 0;
	} else {
		rc = pprof_write_values(fp, vals, nv, def, &m, ms.v, ms.n, err, sizeof(err));
	}
	if (fclose(fp) != 0)
		rc = -1, snprintf(err, sizeof(err), "out of memory");
	pprof_modules_free(&ms);
	meta_free(&m);
	for (int i = 0; i < 4; i++)
		stacktable_free(t[i]);
	if (rc < 0) {
		free(body);
		return reply_text(c, MHD_HTTP_INTERNAL_SERVER_ERROR, "/debug/pprof/%s: %s",
		    names[which], err);
	}
	return reply_profile(c, names[which], folded, body, len);
}

/* ---- the index and the statistics ---- */

static const struct {
	const char *name, *what;
	int agent;
} endpoints[] = {
	{ "allocs", "A sampling of all past memory allocations, by the stacks that made them "
	    "(the agent's).", 1 },
	{ "block", "Stack traces that led to blocking on condition variables, semaphores and "
	    "joins, with the time waited (the agent's).", 1 },
	{ "goroutine", "A stack of every thread, now (debug=1: as folded text).", 0 },
	{ "heap", "A sampling of the memory in use, by the stacks that allocated it (the "
	    "agent's).", 1 },
	{ "mutex", "Stack traces of the holders of contended mutexes and rwlocks, with the time "
	    "waited (the agent's).", 1 },
	{ "profile", "A CPU profile, for the seconds the parameter says (30 by default).", 0 },
	{ "threadcreate", "Stack traces that led to the creation of new threads (the agent's).", 1 },
};

static enum MHD_Result
index_page(struct serve *s, struct MHD_Connection *c)
{
	char *body = NULL;
	size_t len = 0;
	FILE *fp = open_memstream(&body, &len);

	if (fp == NULL)
		die("open_memstream:");
	fputs("<!DOCTYPE html>\n<html>\n<head>\n<meta charset=\"utf-8\">\n"
	    "<title>/debug/pprof/</title>\n</head>\n<body>\n/debug/pprof/\n<p>prof-record serving ",
	    fp);
	xmlsafe_puts(fp, s->cmdline, strlen(s->cmdline));
	fputs("</p>\n<p>Types of profiles available:</p>\n<table>\n"
	    "<thead><tr><th>Profile</th><th>Description</th></tr></thead>\n<tbody>\n", fp);
	for (size_t i = 0; i < sizeof(endpoints) / sizeof(endpoints[0]); i++) {
		fprintf(fp, "<tr><td><a href=\"/debug/pprof/%s%s\">%s</a></td><td>%s",
		    endpoints[i].name,
		    strcmp(endpoints[i].name, "goroutine") == 0 ? "?debug=1" : "",
		    endpoints[i].name, endpoints[i].what);
		if (endpoints[i].agent && s->agent == NULL) {
			fputs(" Not here: ", fp);
			xmlsafe_puts(fp, s->no_agent, strlen(s->no_agent));
		}
		fputs("</td></tr>\n", fp);
	}
	fputs("<tr><td><a href=\"/debug/stats\">/debug/stats</a></td><td>The process's runtime "
	    "figures, as JSON.</td></tr>\n</tbody>\n</table>\n<p>Every profile is pprof's "
	    "(gzipped profile.proto); <code>?format=folded</code> gives folded stacks, for "
	    "prof-flame and the other prof filters.</p>\n</body>\n</html>\n", fp);
	if (fclose(fp) != 0)
		die("open_memstream:");
	return reply(c, MHD_HTTP_OK, "text/html; charset=utf-8", body, len);
}

static enum MHD_Result
stats(struct serve *s, struct MHD_Connection *c, pid_t pid)
{
	struct agentread_heap ah;
	struct procstats_heap h, *hp = NULL;
	char *body = NULL;
	size_t len = 0;
	FILE *fp;
	int rc, e;

	if (s->agent != NULL) {
		pthread_mutex_lock(&s->agent_lock);
		rc = agentread_heap(s->agent, (int)pid, &ah);
		pthread_mutex_unlock(&s->agent_lock);
		if (rc == 0) {
			h = (struct procstats_heap){ ah.live_bytes, ah.live_blocks, ah.alloc_bytes,
			    ah.allocs };
			hp = &h;
		}
	}
	if ((fp = open_memstream(&body, &len)) == NULL)
		die("open_memstream:");
	rc = procstats_write(fp, pid, PROCSTATS_JSON, hp);
	e = errno;
	if (fclose(fp) != 0 && rc == 0)
		rc = -1, e = ENOMEM;
	if (rc == 0)
		return reply(c, MHD_HTTP_OK, "application/json", body, len);
	free(body);
	if (e == ESRCH || e == ENOENT)
		return reply_text(c, MHD_HTTP_GONE, "process %d has ended", (int)pid);
	if (e == EACCES || e == EPERM)
		return reply_text(c, MHD_HTTP_FORBIDDEN, "process %d: %s", (int)pid, strerror(e));
	if (e == ENOSYS)
		return reply_text(c, MHD_HTTP_INTERNAL_SERVER_ERROR, "/debug/stats: this prof-record "
		    "was built without its runtime statistics (procstats)");
	return reply_text(c, MHD_HTTP_INTERNAL_SERVER_ERROR, "process %d: %s", (int)pid,
	    strerror(e));
}

/* ---- requests ---- */

static const char *
param(struct MHD_Connection *c, const char *key)
{
	return MHD_lookup_connection_value(c, MHD_GET_ARGUMENT_KIND, key);
}

/* Whether a key of the query was given without '=' (MHD's NULL value). */
static enum MHD_Result
bare_key(void *cls, enum MHD_ValueKind kind, const char *key, const char *value)
{
	static const char *const known[] = { "seconds", "debug", "format", "gc", "pid", NULL };

	for (int i = 0; known[i] != NULL; i++)
		if (strcmp(key, known[i]) == 0 && value == NULL) {
			*(int *)cls = 1;
			return MHD_NO;
		}
	return MHD_YES;
}

static enum MHD_Result
cpu_profile(struct serve *s, struct MHD_Connection *c, int seconds, int folded)
{
	char sec[16];
	enum MHD_Result ret;

	pthread_mutex_lock(&s->lock);
	if (s->cpu_busy) {
		pthread_mutex_unlock(&s->lock);
		return reply_text(c, MHD_HTTP_CONFLICT, "Could not start a CPU profile: one is "
		    "being taken of these processes already (one at a time); try again when it "
		    "ends");
	}
	s->cpu_busy = 1;
	pthread_mutex_unlock(&s->lock);
	snprintf(sec, sizeof(sec), "%d", seconds);
	ret = child_profile(s, c, "profile", folded, (const char *const[]){ "-d", sec, NULL });
	pthread_mutex_lock(&s->lock);
	s->cpu_busy = 0;
	pthread_mutex_unlock(&s->lock);
	return ret;
}

static enum MHD_Result
handle(void *cls, struct MHD_Connection *c, const char *url, const char *method,
    const char *version, const char *upload, size_t *upload_size, void **con_cls)
{
	static const char *const agent_paths[] = {
		"/debug/pprof/heap", "/debug/pprof/allocs", "/debug/pprof/mutex",
		"/debug/pprof/block", "/debug/pprof/threadcreate", NULL
	};
	struct serve *s = cls;
	const char *f;
	int seconds, debug, gc, pidn, folded, bare = 0, max;
	pid_t pid;

	int symbol = strcmp(url, "/debug/pprof/symbol") == 0;

	if (strcmp(method, "GET") != 0 && strcmp(method, "HEAD") != 0 &&
	    !(symbol && strcmp(method, "POST") == 0))
		return reply_text(c, MHD_HTTP_METHOD_NOT_ALLOWED, "%s: only GET and HEAD here",
		    method);
	/* a body (a GET's, if a client sends one; symbol's addresses) is
	 * not read: passed over as it comes, never held */
	if (*upload_size != 0) {
		*upload_size = 0;
		return MHD_YES;
	}
	/*
	 * Go's symbol endpoint: go tool pprof posts the addresses of the
	 * mappings that have no function names, and gives up on the whole
	 * profile if the post fails.  The recorder named every frame it
	 * could, from the same files: the answer names none more (pprof
	 * keeps the addresses, with their mappings' build-ids).
	 */
	if (symbol)
		return reply_text(c, MHD_HTTP_OK, "num_symbols: 1");
	if (strcmp(url, "/debug/pprof/") != 0 && strcmp(url, "/debug/pprof") != 0 &&
	    strcmp(url, "/debug/stats") != 0 && strncmp(url, "/debug/pprof/", 13) != 0)
		return reply_text(c, MHD_HTTP_NOT_FOUND, "404 not found: the endpoints are under "
		    "/debug/pprof/ (and /debug/stats)");
	MHD_get_connection_values(c, MHD_GET_ARGUMENT_KIND, bare_key, &bare);
	max = s->o->max_seconds > 0 ? s->o->max_seconds : SERVE_MAX_SECONDS;
	if (bare)
		return reply_text(c, MHD_HTTP_BAD_REQUEST, "a parameter without a value: "
		    "seconds=N, debug=N, format=folded|pprof, gc=N, pid=N");
	if (serve_param_int(param(c, "seconds"), 1, max, SERVE_DEFAULT_SECONDS, &seconds) != 0)
		return reply_text(c, MHD_HTTP_BAD_REQUEST, "seconds: not a number of seconds from "
		    "1 to %d", max);
	if (serve_param_int(param(c, "debug"), 0, 2, 0, &debug) != 0)
		return reply_text(c, MHD_HTTP_BAD_REQUEST, "debug: 0 (pprof), 1 or 2 (text)");
	if (serve_param_int(param(c, "gc"), 0, 1, 0, &gc) != 0)
		return reply_text(c, MHD_HTTP_BAD_REQUEST, "gc: 0 or 1 (no garbage to collect "
		    "here: ignored)");
	folded = debug > 0;
	if ((f = param(c, "format")) != NULL) {
		if (strcmp(f, "folded") == 0)
			folded = 1;
		else if (strcmp(f, "pprof") != 0)
			return reply_text(c, MHD_HTTP_BAD_REQUEST, "format: folded or pprof");
	}
	pid = s->pids[0];
	if (param(c, "pid") != NULL) {
		int ok = 0;
		if (serve_param_int(param(c, "pid"), 1, 4194304, 0, &pidn) == 0)
			for (int i = 0; i < s->npids; i++)
				ok |= s->pids[i] == (pid_t)pidn;
		if (!ok)
			return reply_text(c, MHD_HTTP_BAD_REQUEST, "pid: not a process this server "
			    "serves");
		pid = (pid_t)pidn;
	}

	if (strcmp(url, "/debug/pprof/") == 0 || strcmp(url, "/debug/pprof") == 0)
		return index_page(s, c);
	/* before any child gets -p: a pid reused by another process */
	for (int i = 0; i < s->npids; i++)
		if (target_gone(s, s->pids[i]) && (s->pids[i] == pid || strcmp(url, "/debug/stats") != 0))
			return reply_text(c, MHD_HTTP_GONE, "process %d has ended", (int)s->pids[i]);
	if (strcmp(url, "/debug/stats") == 0)
		return stats(s, c, pid);
	if (strcmp(url, "/debug/pprof/profile") == 0)
		return cpu_profile(s, c, seconds, folded);
	if (strcmp(url, "/debug/pprof/goroutine") == 0) {
		enum MHD_Result ret;
		pthread_mutex_lock(&s->snap_lock);
		ret = child_profile(s, c, "goroutine", folded,
		    (const char *const[]){ "--type", "threads", NULL });
		pthread_mutex_unlock(&s->snap_lock);
		return ret;
	}
	for (int i = 0; agent_paths[i] != NULL; i++)
		if (strcmp(url, agent_paths[i]) == 0)
			return agent_profile(s, c, i, folded);
	return reply_text(c, MHD_HTTP_NOT_FOUND, "404 not found: no profile %s here; see "
	    "/debug/pprof/", url + 13);
}

static void
mhd_log(void *cls, const char *fmt, va_list ap)
{
	/* libmicrohttpd's complaints about clients (a reset, a timeout) are
	 * theirs, not the server's: kept quiet. */
}

/* ---- the launched command ---- */

static void
launch(struct serve *s, char *const argv[])
{
	char agent[PATH_MAX], err[PATH_MAX + 256];
	struct sigaction dfl = { .sa_handler = SIG_DFL };
	int p[2] = { -1, -1 }, errp[2], e;
	ssize_t n;

	s->agent_fd = -1;
	if (s->o->listen == NULL) {
		snprintf(s->no_agent, sizeof(s->no_agent), "no server");
	} else if (!agentread_preloadable(argv[0], err, sizeof(err))) {
		snprintf(s->no_agent, sizeof(s->no_agent), "the agent cannot be preloaded into "
		    "the command: %s", err);
		warn("%s: the memory, lock, block and threadcreate profiles are not served", err);
	} else if (agentread_agent_path(agent, sizeof(agent)) != 0) {
		snprintf(s->no_agent, sizeof(s->no_agent), "libprof-agent.so is not beside "
		    "prof-record or in ../lib/prof");
		warn("%s", s->no_agent);
	} else {
		if (pipe(p) < 0 || fcntl(p[0], F_SETFD, FD_CLOEXEC) < 0)
			die("pipe:");
		(void)fcntl(p[0], F_SETPIPE_SZ, 1 << 20);
	}
	if (pipe2(errp, O_CLOEXEC) < 0)
		die("pipe:");
	fflush(NULL);
	if ((s->child = fork()) < 0)
		die("fork:");
	if (s->child == 0) {
		/* no thread yet: setenv is safe here */
		close(errp[0]);
		if (p[0] >= 0) {
			close(p[0]);
			agentread_setenv(agent, p[1], s->o->alloc_rate ? s->o->alloc_rate :
			    AGENTREAD_RATE_DEFAULT, AGENTREAD_EVENTS_ALL);
			agentread_setenv_flush(SERVE_AGENT_FLUSH_MS);
		}
		sigaction(SIGPIPE, &dfl, NULL);
		sigprocmask(SIG_SETMASK, &s->origmask, NULL);
		execvp(argv[0], argv);
		e = errno;
		(void)!write(errp[1], &e, sizeof(e));
		_exit(127);
	}
	close(errp[1]);
	if (p[1] >= 0)
		close(p[1]);
	while ((n = read(errp[0], &e, sizeof(e))) < 0 && errno == EINTR)
		;
	close(errp[0]);
	if (n == sizeof(e)) {
		waitpid(s->child, NULL, 0);
		edie(e == ENOENT ? 127 : 126, "%s: %s", argv[0], strerror(e));
	}
	if (p[0] >= 0) {
		s->agent_fd = p[0];
		s->agent = agentread_new(&s->o->agent);
	}
}

/* ---- the children's options ---- */

char **
serve_record_args(const struct session_opts *o)
{
	/* at most 20 arguments, the numbers' digits in the block's tail */
	char **v = xmalloc(24 * sizeof(*v) + 3 * 16), *num = (char *)(v + 24);
	int n = 0;

	snprintf(num, 16, "%d", o->sample.freq);
	v[n++] = "-F", v[n++] = num;
	if (o->sampler == SESSION_PTRACE)
		v[n++] = "--sampler", v[n++] = "ptrace";
	if (o->sample.stack_size != 16384) {
		snprintf(num + 16, 16, "%u", (unsigned)o->sample.stack_size);
		v[n++] = "--stack-size", v[n++] = num + 16;
	}
	if (o->record.unwinder == UNWIND_LIBUNWIND)
		v[n++] = "--unwinder", v[n++] = "libunwind";
	else if (o->record.compare)
		v[n++] = "--unwinder", v[n++] = "compare";
	if (o->record.max_stack > 0) {
		snprintf(num + 32, 16, "%d", o->record.max_stack);
		v[n++] = "--max-stack", v[n++] = num + 32;
	}
	if (o->record.lines)
		v[n++] = "--lines";
	if (!o->record.inline_frames)
		v[n++] = "--no-inline";
	if (o->record.addrs)
		v[n++] = "--addrs";
	if (o->record.tid)
		v[n++] = "--tid";
	else if (o->record.pid)
		v[n++] = "--pid";
	if (!o->record.kernel)
		v[n++] = "--user-only";
	if (o->debuginfod)
		v[n++] = "--debuginfod";
	v[n] = NULL;
	return v;
}

/* ---- --auto-profile ---- */

/* Keeps the last o->keep files cpu_TS.EXT of the output directory. */
static void
prune(struct serve *s, const char *ext)
{
	DIR *d = opendir(s->o->output_dir);
	struct dirent *e;
	char **names = NULL, *end;
	size_t n = 0, el = strlen(ext);

	if (d == NULL)
		return;
	while ((e = readdir(d)) != NULL) {
		size_t l = strlen(e->d_name);
		if (strncmp(e->d_name, "cpu_", 4) != 0 || l <= 4 + el ||
		    strcmp(e->d_name + l - el, ext) != 0)
			continue;
		strtoull(e->d_name + 4, &end, 10);
		/* cpu_T.ext or, a second one in the same second, cpu_T-N.ext */
		if (end != e->d_name + 4 && *end == '-' && end[1] >= '0' && end[1] <= '9')
			strtoull(end + 1, &end, 10);
		if (end == e->d_name + 4 || end != e->d_name + l - el)
			continue;
		names = xreallocarray(names, n + 1, sizeof(*names));
		names[n++] = xstrdup(e->d_name);
	}
	/* the oldest first: by time T, then by N (none: 0) */
	for (size_t i = 1; i < n; i++)
		for (size_t j = i; j > 0; j--) {
			unsigned long long a = strtoull(names[j - 1] + 4, &end, 10);
			unsigned long long an = *end == '-' ? strtoull(end + 1, NULL, 10) : 0;
			unsigned long long b = strtoull(names[j] + 4, &end, 10);
			unsigned long long bn = *end == '-' ? strtoull(end + 1, NULL, 10) : 0;

			if (a < b || (a == b && an <= bn))
				break;
			char *t = names[j];
			names[j] = names[j - 1];
			names[j - 1] = t;
		}
	for (size_t i = 0; i < n; i++) {
		if (n - i > (size_t)s->o->keep && unlinkat(dirfd(d), names[i], 0) != 0)
			warn("%s/%s:", s->o->output_dir, names[i]);
		free(names[i]);
	}
	free(names);
	closedir(d);
}

static pid_t
auto_start(struct serve *s, char *path, size_t size)
{
	char pids[256], sec[32], **argv;
	const char *ext = s->o->folded ? ".folded" : ".pb.gz";
	time_t t = time(NULL);
	struct stat st;
	pid_t pid;

	/* a name not taken: two in a second get a suffix */
	snprintf(path, size, "%s/cpu_%lld%s", s->o->output_dir, (long long)t, ext);
	for (int i = 1; lstat(path, &st) == 0; i++) {
		if (i == 100) {
			warn("--auto-profile: %s: every name of this second is taken; skipped", path);
			return -1;
		}
		snprintf(path, size, "%s/cpu_%lld-%d%s", s->o->output_dir, (long long)t, i, ext);
	}
	pid_list(s, pids, sizeof(pids));
	snprintf(sec, sizeof(sec), "%g", s->o->auto_duration);
	argv = child_argv(s, pids, (const char *const[]){ "-d", sec, "--format",
	    s->o->folded ? "folded" : "pprof", "-o", path, NULL });
	pid = spawn(s, argv, NULL);
	free(argv);
	if (pid < 0)
		warn("--auto-profile: cannot start prof-record:");
	return pid;
}

/* ---- the server's own thread ---- */

static void
agent_feed(struct serve *s)
{
	char buf[65536];
	ssize_t n = read(s->agent_fd, buf, sizeof(buf));

	if (n > 0) {
		pthread_mutex_lock(&s->agent_lock);
		agentread_feed(s->agent, buf, (size_t)n);
		pthread_mutex_unlock(&s->agent_lock);
	} else if (n == 0 || (errno != EINTR && errno != EAGAIN)) {
		close(s->agent_fd);
		s->agent_fd = -1;
	}
}

static int
all_gone(struct serve *s)
{
	for (int i = 0; i < s->npids; i++)
		if (!target_gone(s, s->pids[i]))
			return 0;
	return 1;
}

static void
cleanup_dir(struct serve *s)
{
	DIR *d;
	struct dirent *e;

	if (s->dir[0] == '\0' || (d = opendir(s->dir)) == NULL)
		return;
	while ((e = readdir(d)) != NULL)
		if (e->d_name[0] != '.')
			unlinkat(dirfd(d), e->d_name, 0);
	closedir(d);
	rmdir(s->dir);
}

int
serve_run(const struct serve_opts *o)
{
	struct serve s;
	struct MHD_Daemon *d = NULL;
	struct signalfd_siginfo si;
	struct pollfd pfd[2];
	sigset_t set;
	char shown[INET6_ADDRSTRLEN + 16], autopath[PATH_MAX];
	const char *tmp = getenv("TMPDIR");
	size_t bad;
	double next_auto = 0;
	pid_t autopid = -1;
	int lfd = -1, sfd, status = 0, wst, signals = 0, auto_failed = 0;

	memset(&s, 0, sizeof(s));
	s.o = o;
	s.child = -1;
	s.agent_fd = -1;
	pthread_mutex_init(&s.lock, NULL);
	pthread_mutex_init(&s.agent_lock, NULL);
	pthread_mutex_init(&s.snap_lock, NULL);
	/* its path, not /proc/self/exe: the children's name is then
	 * prof-record, in ps and top */
	ssize_t len = readlink("/proc/self/exe", s.exe, sizeof(s.exe) - 1);
	s.exe[len > 0 ? len : 0] = '\0';
	if (len <= 0 || access(s.exe, X_OK) != 0)
		snprintf(s.exe, sizeof(s.exe), "/proc/self/exe");
	s.t0 = time(NULL);
	strftime(s.when, sizeof(s.when), "%Y-%m-%dT%H:%M:%SZ", gmtime(&s.t0));
	snprintf(s.no_agent, sizeof(s.no_agent), "it needs the process started by "
	    "prof-record --serve PORT -- CMD: the agent is preloaded at its start");

	/* Every thread, and the children until they exec, with the signals
	 * blocked: the server's thread takes them from a signalfd. */
	sigemptyset(&set);
	sigaddset(&set, SIGINT);
	sigaddset(&set, SIGTERM);
	sigaddset(&set, SIGHUP);
	sigaddset(&set, SIGCHLD);
	sigprocmask(SIG_BLOCK, &set, &s.origmask);
	if ((sfd = signalfd(-1, &set, SFD_CLOEXEC | SFD_NONBLOCK)) < 0)
		die("signalfd:");
	signal(SIGPIPE, SIG_IGN);

	if (o->listen != NULL)
		lfd = listen_on(o->listen, shown, sizeof(shown));
	if (o->auto_interval > 0 && outfile_mkdirs(o->output_dir, 0777, &bad) != 0)
		die("--auto-profile: %.*s: cannot make the directory:", (int)bad, o->output_dir);
	if (o->npids == 0) {
		launch(&s, o->argv);
		s.pids = &s.child;
		s.npids = 1;
		(void)util_proc_start(s.child, &s.starts[0]);
		{
			int n = 0;
			while (o->argv[n] != NULL)
				n++;
			/* quoted: a word with a space stays one word */
			char *line = cmdline_join(o->argv, n);
			snprintf(s.cmdline, sizeof(s.cmdline), "%s", line);
			free(line);
		}
	} else {
		/* their list must fit the children's -p (pid_list) whole */
		if (o->npids > SERVE_MAX_PIDS)
			die("-p: at most %d processes for a server", SERVE_MAX_PIDS);
		s.pids = o->pids;
		s.npids = o->npids;
		for (int i = 0; i < o->npids; i++)
			if (util_proc_start(o->pids[i], &s.starts[i]) != 1)
				die("-p: no process %d", (int)o->pids[i]);
		for (int i = 0; i < o->npids; i++) {
			size_t k = strlen(s.cmdline);
			snprintf(s.cmdline + k, sizeof(s.cmdline) - k, "%s-p %d", i ? " " : "",
			    (int)o->pids[i]);
		}
	}

	if (o->listen != NULL) {
		snprintf(s.dir, sizeof(s.dir), "%s/prof-serve.XXXXXX",
		    tmp != NULL && *tmp == '/' ? tmp : "/tmp");
		if (mkdtemp(s.dir) == NULL) {
			warn("mkdtemp %s:", s.dir);
			s.dir[0] = '\0';
		}
		d = MHD_start_daemon(MHD_USE_THREAD_PER_CONNECTION | MHD_USE_INTERNAL_POLLING_THREAD |
		    MHD_USE_ERROR_LOG | (strchr(shown, '[') ? MHD_USE_IPv6 : 0), 0, NULL, NULL,
		    handle, &s,
		    MHD_OPTION_LISTEN_SOCKET, lfd,
		    MHD_OPTION_CONNECTION_LIMIT, (unsigned)SERVE_MAX_CONNECTIONS,
		    MHD_OPTION_CONNECTION_TIMEOUT, (unsigned)SERVE_TIMEOUT,
		    MHD_OPTION_EXTERNAL_LOGGER, mhd_log, NULL,
		    MHD_OPTION_END);
		if (d == NULL) {
			if (s.child > 0)
				kill(s.child, SIGTERM);
			cleanup_dir(&s);
			die("--serve %s: libmicrohttpd could not start", o->listen);
		}
		fprintf(stderr, "prof-record: serving http://%s/debug/pprof/ (%s)\n", shown,
		    s.cmdline);
	}
	if (o->auto_interval > 0)
		next_auto = util_now();

	for (;;) {
		int n = 0, ms = 250;

		pfd[n++] = (struct pollfd){ .fd = sfd, .events = POLLIN };
		if (s.agent_fd >= 0)
			pfd[n++] = (struct pollfd){ .fd = s.agent_fd, .events = POLLIN };
		if (autopid < 0 && o->auto_interval > 0) {
			double left = next_auto - util_now();
			ms = left <= 0 ? 0 : left < 0.25 ? (int)(left * 1e3) + 1 : 250;
		}
		poll(pfd, (nfds_t)n, ms);
		while (read(sfd, &si, sizeof(si)) == sizeof(si)) {
			if (si.ssi_signo == SIGCHLD)
				continue;
			signals++;
			if (s.child > 0)
				kill(s.child, signals > 1 ? SIGKILL : (int)si.ssi_signo);
		}
		if (s.agent_fd >= 0 && n > 1 && (pfd[1].revents & (POLLIN | POLLHUP)))
			agent_feed(&s);
		if (s.child > 0) {
			if (waitpid(s.child, &wst, WNOHANG) == s.child) {
				status = WIFEXITED(wst) ? WEXITSTATUS(wst) : 128 + WTERMSIG(wst);
				break;
			}
		} else if (signals > 0 || all_gone(&s)) {
			break;
		}
		if (autopid > 0 && waitpid(autopid, &wst, WNOHANG) == autopid) {
			autopid = -1;
			if (WIFEXITED(wst) && WEXITSTATUS(wst) == 0)
				prune(&s, o->folded ? ".folded" : ".pb.gz");
			else if (!auto_failed++)
				warn("--auto-profile: prof-record failed (%s %d) for %s", WIFEXITED(wst) ?
				    "status" : "signal", WIFEXITED(wst) ? WEXITSTATUS(wst) :
				    WTERMSIG(wst), autopath);
		}
		if (o->auto_interval > 0 && autopid < 0 && util_now() >= next_auto) {
			autopid = auto_start(&s, autopath, sizeof(autopath));
			next_auto += o->auto_interval;
			if (next_auto < util_now())
				next_auto = util_now() + o->auto_interval;
		}
	}

	atomic_store(&s.stopping, 1);
	if (autopid > 0) {
		/* SIGTERM ends its recording early, and it writes what it has:
		 * one more file, within --keep too */
		child_end(autopid);
		prune(&s, o->folded ? ".folded" : ".pb.gz");
	}
	if (d != NULL)
		MHD_stop_daemon(d);
	cleanup_dir(&s);
	if (s.agent_fd >= 0)
		close(s.agent_fd);
	agentread_free(s.agent);
	close(sfd);
	sigprocmask(SIG_SETMASK, &s.origmask, NULL);
	pthread_mutex_destroy(&s.lock);
	pthread_mutex_destroy(&s.agent_lock);
	pthread_mutex_destroy(&s.snap_lock);
	return status;
}
