/*
 * util: the program name, error reporting, and allocation that cannot fail.
 *
 * Every program calls argv[0] = util_setprog(argv[0]) first; messages are
 * then prefixed "prof-NAME: ", getopt's too (glibc's getopt names argv[0]).  A format that ends in ':' gets ": " and
 * strerror(errno) appended (sbase's eprintf convention).
 *
 * Exit statuses are the same in every program (see the man pages' EXIT STATUS):
 * EXIT_OK 0, EXIT_FINDING 1 (a difference, a failed target, a write error),
 * EXIT_USAGE 2 (usage or input error).  die() exits EXIT_USAGE; the caller
 * picks another status with edie().
 */
#ifndef PROF_UTIL_H
#define PROF_UTIL_H

#include <regex.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <sys/types.h>

enum { EXIT_OK = 0, EXIT_FINDING = 1, EXIT_USAGE = 2 };

extern const char *util_prog;

/*
 * prof's version, "X.Y.Z": the file VERSION, refined by `git describe` in
 * a checkout that has the tag vX.Y.Z (scripts/version).  The Makefile
 * writes it into lib/core/util-version.c, and rebuilds when it changes.
 */
extern const char util_version[];

/*
 * Sets the name used in messages to the last component of argv0, and
 * returns it (a pointer into argv0, or argv0 itself when it is NULL or
 * empty), for argv[0]: getopt prefixes its own messages with argv[0], and
 * they should read "prof-fold: ...", not "/usr/bin/prof-fold: ...".
 */
char *util_setprog(char *argv0);

/* Prints "prog: message" to stderr and exits with status 2. */
void die(const char *fmt, ...) __attribute__((noreturn, format(printf, 1, 2)));
/* As die(), with the exit status given. */
void edie(int status, const char *fmt, ...) __attribute__((noreturn, format(printf, 2, 3)));
/* Prints "prog: message" to stderr and returns. */
void warn(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* Allocation that dies with a message instead of returning NULL. */
void *xmalloc(size_t n);
void *xcalloc(size_t n, size_t size);
void *xrealloc(void *p, size_t n);
char *xstrdup(const char *s);
char *xmemdup(const void *p, size_t n); /* n bytes and a NUL */
/*
 * Resizes p to n elements of size bytes, as OpenBSD's reallocarray: the
 * product is checked for overflow ("allocation too large") before
 * realloc.  xreallocarray(NULL, n, size) allocates an uninitialised array.
 */
void *xreallocarray(void *p, size_t n, size_t size);
/* A new string formatted as by printf; the caller frees it. */
char *xasprintf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
char *xvasprintf(const char *fmt, va_list ap) __attribute__((format(printf, 1, 0)));

/*
 * Compiles re, an extended regular expression given to option opt, to
 * match without submatches; dies with regerror's message naming opt.
 * xregfree(NULL) does nothing.
 */
regex_t *xregcomp(const char *re, const char *opt);
void xregfree(regex_t *r);

/*
 * Flushes and closes fp, named name in the message.  Returns 0, or -1 after
 * reporting the error (a full disk, an I/O error).  sbase's fshut.  A
 * closed pipe is no error to report: the reader has what it wanted (`|
 * head`), so the program ends quietly by util_sigpipe(), as cat(1) does.
 */
int util_fshut(FILE *fp, const char *name);

/*
 * Ends the program as a SIGPIPE death: status 141 in a shell, a handler
 * installed for SIGPIPE run first.  For a write to a closed pipe.
 */
void util_sigpipe(void) __attribute__((noreturn));

/* Seconds on CLOCK_MONOTONIC: for intervals, never for dates. */
double util_now(void);

/*
 * Whether process pid is gone: no /proc/PID, or a zombie (or dead) that
 * nobody has reaped yet, which will never run again.
 */
int util_gone(pid_t pid);

/*
 * Process pid's start time (clock ticks after boot, /proc/PID/stat's
 * field 22) in *start: with the pid it names one process for good, where
 * a pid alone may be reused once the process is reaped.  Returns 1 for a
 * process that may still run, 0 for a zombie (or dead) one, -1 for none.
 */
int util_proc_start(pid_t pid, unsigned long long *start);

#endif
