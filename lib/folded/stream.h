/*
 * stream: folded stacks read one line at a time, in input order, in
 * memory that does not grow with the input.
 *
 * For the programs that need no stack table: prof-top sums as it reads,
 * prof-flame's flame chart keeps the order, prof-diff merges two sorted
 * profiles line by line.  A stream reads its fd in large blocks; a line
 * (stack, count) stays valid until the next stream_next().  Metadata
 * lines go into meta (later lines win), malformed lines are counted and
 * reported once at the end of the input (folded_report), never returned.
 * The stream also notes whether its stacks came in the order prof's
 * writers use (bytewise, a proper prefix first; a stack may repeat): sorted
 * stays 1 until a stack breaks it.  Totals are exact; a sum past the
 * format's limit dies.  A gzipped input (a pprof profile, which
 * lib/input reads) is a read error.
 */
#ifndef PROF_STREAM_H
#define PROF_STREAM_H

#include <stdint.h>

#include "folded/folded.h"
#include "folded/meta.h"

struct stream {
	const char *name;       /* in messages */
	int fd;                 /* not closed by the stream */
	int quiet;              /* do not report at the end (the caller does) */
	int kind;               /* enum folded_kind: set by the first stack line */
	struct meta meta;
	count_t total[2];
	int sorted;             /* so far */
	uint64_t lineno, bad, first_bad, rounded, first_rounded;
	const char *why;
	char *buf;              /* the block being read: [start, end) unread */
	size_t cap, start, end;
	int eof, error;
	char *prev;             /* the previous stack, for the order */
	size_t prev_len, prev_cap;
	int have_prev;
};

/* Starts reading fd, named name in messages; kind may be preset (else
 * FOLDED_UNKNOWN). */
void stream_open(struct stream *fs, int fd, const char *name, int kind);

/*
 * Reads up to the next stack line and stores it in *out (counts as read;
 * n[1] is 0 unless the profile is differential).  Returns 1, or 0 at the
 * end of the input (after reporting malformed lines), or -1 on a read
 * error (reported).
 */
int stream_next(struct stream *fs, struct folded_line *out);

/*
 * Starts over from the first byte, for a second reading of a regular
 * file: counts, totals and order are reset, metadata kept (read again,
 * it stays the same).  Returns 0, or -1 when fd cannot seek.
 */
int stream_rewind(struct stream *fs);

/*
 * Streams the inputs files[0..n) (none, or "-": the standard input) in
 * turn, calling fn(arg, line) for each stack line.  Their metadata is
 * merged into *meta (meta_merge); *kind is the inputs' kind.  Reports a
 * file that cannot be opened or read, a differential input among
 * profiles (or the reverse) and inputs whose types or units differ, as
 * input_files() does, and returns EXIT_USAGE then, else EXIT_OK.
 */
int stream_files(int n, char *const files[], void (*fn)(void *, const struct folded_line *),
    void *arg, int *kind, struct meta *meta);

/* Frees what the stream owns (not fd). */
void stream_close(struct stream *fs);

#endif
