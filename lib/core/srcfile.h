/*
 * srcfile: a source file that a profile names, read only from under a
 * directory the user gave (prof-plan --source, prof-top --list --source).
 *
 * A location in a profile is data from another machine or another
 * person, never a path to trust.  A profile names a file by its base
 * name (prof-record) or by a path (perf, Go, other tools): the path is
 * tried under the directory as it is ("/abs/x.c" is DIR//abs/x.c), then
 * the base name is looked for in the whole tree, SRCFILE_DEPTH levels
 * deep, hidden entries skipped and linked directories not walked; of
 * several files with that name the first in bytewise order is used and
 * the file is marked ambiguous.  The file found is read only when it is
 * a regular file of at most SRCFILE_MAX bytes whose real path (after
 * ".." and symbolic links, of the file opened, so that nothing can be
 * swapped in between) lies under the real path of the directory; it is
 * opened non-blocking, so a FIFO never hangs the reader.  So
 * "../../etc/shadow" or a link out of the tree reads nothing.
 *
 * A struct srcfile owns its strings; lines[i] is line i + 1, without its
 * newline (nor a '\r' before it), NUL-terminated, pointing into text.
 * The bytes are the file's: srcfile_show() makes a line fit to show.
 */
#ifndef PROF_SRCFILE_H
#define PROF_SRCFILE_H

#include <stddef.h>

/* The largest source file read, in bytes; a larger one is not read. */
#define SRCFILE_MAX (64L << 20)
/* How deep under the directory a base name is looked for. */
#define SRCFILE_DEPTH 8

struct srcfile {
	char *name;       /* as the profile has it */
	char *path;       /* the file read (under the directory), or NULL */
	int ambiguous;    /* found by its base name, among several */
	char *text;
	char **lines;
	size_t n;
};

/*
 * Fills s (its previous contents are not freed) with the file that the
 * profile names name, looked for and read from under dir as above.
 * Returns 0 when it was read, or -1 (s->path NULL, no lines) when it was
 * not found, not readable or refused.
 */
int srcfile_load(struct srcfile *s, const char *name, const char *dir);

/* Frees what s owns and zeroes it. */
void srcfile_free(struct srcfile *s);

/* A source line as it may be shown: tabs expanded to 8 columns, then any
 * bytes made clean text (xmlsafe_cleandup).  A new string. */
char *srcfile_show(const char *line);

#endif
