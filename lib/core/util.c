#define _GNU_SOURCE  /* vasprintf */
#include "core/util.h"

#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <sys/stat.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

const char *util_prog = "prof";

char *
util_setprog(char *argv0)
{
	char *slash;

	if (argv0 == NULL || *argv0 == '\0')
		return argv0;
	slash = strrchr(argv0, '/');
	util_prog = slash ? slash + 1 : argv0;
	return (char *)util_prog;
}

static void
vmsg(const char *fmt, va_list ap)
{
	int saved = errno;
	size_t len = strlen(fmt);

	fflush(stdout);
	fprintf(stderr, "%s: ", util_prog);
	vfprintf(stderr, fmt, ap);
	if (len > 0 && fmt[len - 1] == ':')
		fprintf(stderr, " %s", strerror(saved));
	fputc('\n', stderr);
}

void
die(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vmsg(fmt, ap);
	va_end(ap);
	exit(EXIT_USAGE);
}

void
edie(int status, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vmsg(fmt, ap);
	va_end(ap);
	exit(status);
}

void
warn(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vmsg(fmt, ap);
	va_end(ap);
}

void *
xmalloc(size_t n)
{
	void *p = malloc(n ? n : 1);

	if (p == NULL)
		die("out of memory (%zu bytes)", n);
	return p;
}

void *
xcalloc(size_t n, size_t size)
{
	void *p = calloc(n ? n : 1, size ? size : 1);

	if (p == NULL)
		die("out of memory (%zu x %zu bytes)", n, size);
	return p;
}

void *
xrealloc(void *p, size_t n)
{
	p = realloc(p, n ? n : 1);
	if (p == NULL)
		die("out of memory (%zu bytes)", n);
	return p;
}

void *
xreallocarray(void *p, size_t n, size_t size)
{
	if (size != 0 && n > SIZE_MAX / size)
		die("allocation too large (%zu x %zu bytes)", n, size);
	p = realloc(p, n && size ? n * size : 1);
	if (p == NULL)
		die("out of memory (%zu x %zu bytes)", n, size);
	return p;
}

char *
xvasprintf(const char *fmt, va_list ap)
{
	char *s;

	if (vasprintf(&s, fmt, ap) < 0)
		die("out of memory");
	return s;
}

char *
xasprintf(const char *fmt, ...)
{
	va_list ap;
	char *s;

	va_start(ap, fmt);
	s = xvasprintf(fmt, ap);
	va_end(ap);
	return s;
}

char *
xstrdup(const char *s)
{
	return xmemdup(s, strlen(s));
}

char *
xmemdup(const void *p, size_t n)
{
	char *s = xmalloc(n + 1);

	memcpy(s, p, n);
	s[n] = '\0';
	return s;
}

/* The write end of a pipe (or socket) whose readers are gone: poll says
 * POLLERR.  Only those: a terminal's or a disk's error is reported. */
static int
broken_pipe(int fd)
{
	struct pollfd p = { .fd = fd, .events = POLLOUT };
	struct stat st;

	return fd >= 0 && fstat(fd, &st) == 0 && (S_ISFIFO(st.st_mode) || S_ISSOCK(st.st_mode)) &&
	    poll(&p, 1, 0) == 1 && (p.revents & POLLERR) != 0;
}

void
util_sigpipe(void)
{
	struct sigaction sa;

	/* a handler (outfile's clean-up) runs and re-raises; an ignored
	 * SIGPIPE is made deadly, so the status is the one cat(1) gives */
	if (sigaction(SIGPIPE, NULL, &sa) == 0 && sa.sa_handler == SIG_IGN)
		signal(SIGPIPE, SIG_DFL);
	fflush(stderr);
	raise(SIGPIPE);
	_exit(128 + SIGPIPE);
}

int
util_fshut(FILE *fp, const char *name)
{
	int ret = 0;

	if (fflush(fp) == EOF || ferror(fp)) {
		if (errno == EPIPE || broken_pipe(fileno(fp)))
			util_sigpipe();
		warn("%s: write error:", name);
		ret = -1;
	}
	/* Closing stdout can fail on its own (NFS, a full disk). */
	if (fclose(fp) == EOF && ret == 0) {
		if (errno == EPIPE)
			util_sigpipe();
		warn("%s: write error:", name);
		ret = -1;
	}
	return ret;
}

regex_t *
xregcomp(const char *re, const char *opt)
{
	regex_t *r = xmalloc(sizeof(*r));
	int e = regcomp(r, re, REG_EXTENDED | REG_NOSUB);

	if (e != 0) {
		char msg[256];
		regerror(e, r, msg, sizeof(msg));
		die("%s: '%s': %s", opt, re, msg);
	}
	return r;
}

void
xregfree(regex_t *r)
{
	if (r != NULL) {
		regfree(r);
		free(r);
	}
}

double
util_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

int
util_gone(pid_t pid)
{
	unsigned long long start;

	return util_proc_start(pid, &start) != 1;
}

int
util_proc_start(pid_t pid, unsigned long long *start)
{
	char path[64], buf[1024], *p;
	FILE *fp;
	int field, ok = -1;

	snprintf(path, sizeof(path), "/proc/%d/stat", (int)pid);
	if ((fp = fopen(path, "re")) == NULL)
		return -1;
	/* the command name may hold ") " itself: fields are counted from
	 * the last ')' */
	if (fgets(buf, sizeof(buf), fp) != NULL && (p = strrchr(buf, ')')) != NULL) {
		char state = p[1] == ' ' ? p[2] : '?';
		for (field = 3, p++; field < 22 && (p = strchr(p + 1, ' ')) != NULL; field++)
			;
		if (p != NULL && sscanf(p, " %llu", start) == 1)
			ok = state == 'Z' || state == 'X' ? 0 : 1;
	}
	fclose(fp);
	return ok;
}
