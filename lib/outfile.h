/*
 * outfile: output that appears whole or not at all.
 *
 * outfile_open("-") is stdout.  Any other path is written to a temporary
 * file in the same directory (so the final rename cannot cross file
 * systems) and renamed over the path by outfile_commit(); if the program
 * exits first, dies, or is killed by SIGINT, SIGTERM or SIGHUP, the
 * temporary file is removed and the path keeps its old contents.
 * One output file per process.
 */
#ifndef PROF_OUTFILE_H
#define PROF_OUTFILE_H

#include <stdio.h>

/* Opens the output for path ("-" for stdout); dies on failure. */
FILE *outfile_open(const char *path);

/*
 * Flushes and closes the output, then renames it into place.  Returns 0,
 * or -1 after reporting a write error (the temporary file is removed).
 */
int outfile_commit(void);

/*
 * Writes buf[0..len) to path atomically, as outfile_commit() does, for a
 * program's second output (saved results, prof-plan's report); mkdirs
 * makes the missing directories of path first.  Returns 0, or -1 after a
 * message.  Not for "-".
 */
int outfile_save(const char *path, const void *buf, size_t len, int mkdirs);

#endif
