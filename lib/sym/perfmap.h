/*
 * perfmap: names of JIT-compiled code, from the perf map a JIT writes for
 * profilers, /tmp/perf-PID.map (Node.js --perf-basic-prof, Python 3.12
 * -X perf, Java agents, LuaJIT).  One line per piece of code:
 *
 *     START SIZE NAME
 *
 * START and SIZE in hex (an optional 0x), separated by blanks; NAME is the
 * rest of the line, spaces included.
 *
 * Invariants:
 * - The ranges held are sorted by start and disjoint, and looked up by
 *   bisection.  Where lines overlap, the later line wins: the JIT freed the
 *   code and put new code there.
 * - The file grows while its process runs: perfmap_update() reads from
 *   where the last read stopped, whole lines only (a line being written is
 *   left for later), at most PERFMAP_READ_MAX bytes a call, so that the
 *   work a sample can cause is bounded.  A file that shrank was rewritten:
 *   it is read again from its start.
 * - Names are untrusted bytes, kept as the map gives them but for NUL
 *   (a space, so a name is a C string) and a CR ending the line; one
 *   longer than PERFMAP_NAME_MAX bytes is cut there (at a UTF-8 character
 *   boundary) and counted.  A line that does not parse, or names nothing
 *   (SIZE 0, no NAME, a range past 2^64), is counted and skipped, never
 *   fatal.
 * - Memory is bounded: at most PERFMAP_LINES_MAX lines and
 *   PERFMAP_NAMES_MAX bytes of names are kept; later lines are counted
 *   as dropped.
 * - A name handed out is the map's, valid until the next perfmap_update()
 *   or perfmap_free() of that map.
 * - A file is opened only as perfmap_open() says: never through a symbolic
 *   link, only a regular file of an expected owner.  The map is not locked:
 *   one thread a map.
 */
#ifndef PROF_PERFMAP_H
#define PROF_PERFMAP_H

#include <stdint.h>
#include <sys/types.h>
#include <time.h>

#define PERFMAP_NAME_MAX  4096
#define PERFMAP_READ_MAX  (1 << 20)
#define PERFMAP_LINES_MAX (1 << 20)
#define PERFMAP_NAMES_MAX (64 << 20)

struct perfmap;

/* What a map's lines were, since it was opened (or last read anew). */
struct perfmap_stats {
	uint64_t lines;     /* whole lines read */
	uint64_t kept;      /* of which held (each may be cut by later ones) */
	uint64_t malformed; /* lines skipped: they do not parse or name nothing */
	uint64_t capped;    /* names cut at PERFMAP_NAME_MAX */
	uint64_t dropped;   /* lines beyond PERFMAP_LINES_MAX or PERFMAP_NAMES_MAX */
};

/*
 * Opens the map at path, reading nothing yet: path must be a regular file
 * (lstat'ed first, so a device or FIFO is never opened), not a symbolic
 * link (O_NOFOLLOW: a link planted in /tmp is not followed), owned by
 * owner or root, and modified at or after not_before (0: any time).
 * Returns NULL with errno set when it is not: ELOOP (a link), EINVAL (not
 * a regular file), EPERM (another owner), ESTALE (older than not_before),
 * or the open's error.
 */
struct perfmap *perfmap_open(const char *path, uid_t owner, time_t not_before);

/*
 * Opens /tmp/perf-PID.map for process pid, which the caller is recording:
 * as perfmap_open() with owner the process's (effective) uid and
 * not_before its start time, so that a map left by an earlier process of
 * the same pid is not taken.  NULL with errno set as perfmap_open() does
 * (ESRCH: no process pid).
 */
struct perfmap *perfmap_open_pid(pid_t pid);

/*
 * Reads what was added to the file since the last call, at most
 * PERFMAP_READ_MAX bytes.  Returns the number of whole lines read (0:
 * nothing new; or a line longer than PERFMAP_READ_MAX still being read),
 * or -1 with errno set if the file cannot be read.
 */
int perfmap_update(struct perfmap *pm);

/* The name of the code holding addr, or NULL. */
const char *perfmap_name(const struct perfmap *pm, uint64_t addr);

void perfmap_stats(const struct perfmap *pm, struct perfmap_stats *st);

/* Closes the file and frees the map; NULL is allowed. */
void perfmap_free(struct perfmap *pm);

#endif
