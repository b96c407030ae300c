/*
 * outfile: output that appears whole or not at all, and never harms what
 * it writes to.
 *
 * What a path names decides how it is written:
 *  - "-" is stdout.
 *  - A regular file, or a path that does not exist, is written to an
 *    unnamed temporary file in the same directory (O_TMPFILE; it has no
 *    name until the commit, so a crash, an abort or SIGKILL leaves
 *    nothing behind) and put in place by a rename at outfile_commit().
 *    Until then the path keeps its old contents.  A replaced file keeps
 *    its mode (and, for root, its owner); a new one gets 0666 & ~umask.
 *    Where the file system has no O_TMPFILE, a named FILE.tmp.XXXXXX is
 *    used, removed at exit and on fatal signals (all but SIGKILL).
 *  - A symbolic link is followed: the file it points to is replaced in its
 *    own directory, and the link stays a link.  Not a link of another
 *    user's in a sticky, world-writable directory (/tmp): that one may
 *    have been planted, and is refused whatever fs.protected_symlinks says.
 *  - Anything else (a character or block device such as /dev/null, a
 *    FIFO, a socket) is opened and written in place, and stays what it is.
 *    So are /dev/stdout, /dev/stderr and /dev/fd/N (/proc/self/fd/N): the
 *    descriptor N is duplicated, as a shell's redirection would use it, so
 *    `-o /dev/stdout >>log` appends and `-o >(cmd)` feeds cmd.
 *
 * A struct outfile is owned by its caller; a program may have several.
 * Write errors are reported when the output is committed; a closed pipe
 * (EPIPE) ends the program as SIGPIPE would (util_fshut).
 */
#ifndef PROF_OUTFILE_H
#define PROF_OUTFILE_H

#include <sys/types.h>

#include <stddef.h>
#include <stdio.h>

struct outfile;

enum {
	OUTFILE_MKDIRS = 1      /* make the missing directories of the path */
};

/*
 * Opens the output for path ("-" for stdout).  Returns NULL after a
 * message naming the path (cannot create, a directory, ...).
 */
struct outfile *outfile_create(const char *path, int flags);

/* As outfile_create(path, 0), but dies (exit 2) on failure. */
struct outfile *outfile_open(const char *path);

/* The stream to write to; it stays the outfile's (do not fclose it). */
FILE *outfile_fp(const struct outfile *o);

/*
 * Flushes and closes the output, then puts it in place; frees o.
 * Returns 0, or -1 after reporting the write error (the path keeps its
 * old contents).  outfile_commit(NULL) returns -1.
 */
int outfile_commit(struct outfile *o);

/*
 * Commits the n outputs v[0..n) together: when any of them cannot be
 * written, none replaces its path (outputs written in place, such as
 * stdout or a device, have delivered their data already).  Frees them all.
 * Returns 0, or -1 after the messages.
 */
int outfile_commit_all(struct outfile **v, size_t n);

/*
 * mkdir -p: dir and its missing parents, made with mode (less the umask).
 * Returns 0 when every one of them is a directory at the end (made here
 * or before), else -1 with errno set (ENOTDIR: a component is something
 * else) and *bad the length of the first path that failed, dir[0..*bad),
 * for the caller's message (which says what the directory was for).
 */
int outfile_mkdirs(const char *dir, mode_t mode, size_t *bad);

/* Closes the output without putting it in place; frees o. */
void outfile_discard(struct outfile *o);

/*
 * Writes buf[0..len) to path as outfile_create(path, flags), a write and
 * outfile_commit() do: for a program's second output (saved results,
 * prof-plan's report).  Returns 0, or -1 after a message.
 */
int outfile_save(const char *path, const void *buf, size_t len, int flags);

#endif
