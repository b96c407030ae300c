/*
 * folded: reading and writing the folded-stack format, prof-folded(5).
 *
 * A stack line is "frame;frame;...;leaf COUNT" (or "... BEFORE AFTER" in a
 * differential profile).  The count is the text after the last space or
 * tab; a trailing CR is ignored.  A line starting with '#' is metadata
 * ("# key: value") or a comment, wherever it stands, unless it ends in a
 * count (then it is a stack, as flamegraph.pl reads it); so a recorder can
 * write its summary after the stacks.  Blank lines are skipped.
 * The parser works on a line in place and never copies; it accepts any
 * bytes in frames (NUL and invalid UTF-8 included).
 *
 * Metadata lines ("# key: value") are kept by meta.h.
 */
#ifndef PROF_FOLDED_H
#define PROF_FOLDED_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "core/count.h"

enum folded_kind {
	FOLDED_UNKNOWN = 0, /* decided by the first stack line */
	FOLDED_SINGLE = 1,  /* one count per line: a profile */
	FOLDED_DIFF = 2     /* two counts per line: before and after */
};

enum folded_result {
	FOLDED_STACK,    /* a stack line, in *out */
	FOLDED_SKIP,     /* blank line, or a comment */
	FOLDED_META,     /* a "# key: value" line */
	FOLDED_BAD,      /* not a valid line; *why says why */
	FOLDED_ROUNDED   /* a stack line whose count had more than 9 decimals */
};

struct folded_line {
	const char *stack;  /* points into the line */
	size_t len;
	count_t n[2];       /* n[1] is 0 for a single-count line */
};

/*
 * Parses line[0..len) (no newline).  *kind is the profile's kind: when it
 * is FOLDED_UNKNOWN, the first stack line sets it (two trailing numbers make
 * a differential profile).
 */
enum folded_result folded_parse(const char *line, size_t len, int *kind,
    struct folded_line *out, const char **why);

/*
 * Reports on stderr what a reader of the input name skipped or changed:
 * bad unreadable lines (the first at line first_bad, for reason why) and
 * rounded counts (the first at line first_rounded).  Says nothing of zeros.
 */
void folded_report(const char *name, uint64_t bad, uint64_t first_bad, const char *why,
    uint64_t rounded, uint64_t first_rounded);

/*
 * Returns non-zero if the first lines of buf[0..len) look like folded
 * stacks rather than the text of `perf script`.
 */
int folded_detect(const char *buf, size_t len);

/*
 * Copies the name src[0..n) to dst (room for n bytes) as a frame name may
 * be written: ';' becomes ':', newline, CR and tab become spaces.
 */
void folded_name(char *dst, const char *src, size_t n);

/* Writes one stack line: stack, a space, the count(s), a newline. */
void folded_write(FILE *fp, const char *stack, size_t len, const count_t n[2], int kind);

#endif
