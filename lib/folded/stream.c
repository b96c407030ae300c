#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/util.h"
#include "folded/stream.h"

#define BLOCK (1u << 20)

void
stream_open(struct stream *fs, int fd, const char *name, int kind)
{
	memset(fs, 0, sizeof(*fs));
	fs->fd = fd;
	fs->name = name;
	fs->kind = kind;
	fs->sorted = 1;
	fs->buf = xmalloc(fs->cap = BLOCK);
}

/* Reads more input after the unread bytes; returns 0, or -1 at the end. */
static int
fill(struct stream *fs)
{
	ssize_t r;

	if (fs->eof)
		return -1;
	if (fs->start > 0) {
		memmove(fs->buf, fs->buf + fs->start, fs->end - fs->start);
		fs->end -= fs->start;
		fs->start = 0;
	}
	if (fs->end == fs->cap)
		fs->buf = xrealloc(fs->buf, fs->cap *= 2);
	do
		r = read(fs->fd, fs->buf + fs->end, fs->cap - fs->end);
	while (r < 0 && errno == EINTR);
	if (r < 0) {
		warn("%s: read error:", fs->name);
		fs->error = 1;
	}
	/* A gzipped file (a pprof profile) is no text: its readers are
	 * lib/input's, which the callers fall back to on an error. */
	if (r >= 2 && fs->end == 0 && fs->lineno == 0 && memcmp(fs->buf, "\x1f\x8b", 2) == 0) {
		if (!fs->quiet)
			warn("%s: gzipped, not folded stacks (a pprof profile is read by prof-fold)",
			    fs->name);
		fs->error = 1;
		r = 0;
	}
	if (r <= 0) {
		fs->eof = 1;
		return -1;
	}
	fs->end += (size_t)r;
	return 0;
}

/* prof's order: bytewise, a proper prefix first (stacktable_sorted's). */
static void
check_order(struct stream *fs, const char *s, size_t n)
{
	if (fs->have_prev && fs->sorted) {
		size_t m = n < fs->prev_len ? n : fs->prev_len;
		int c = m > 0 ? memcmp(fs->prev, s, m) : 0;  /* prev is NULL after an empty first stack */
		if (c > 0 || (c == 0 && fs->prev_len > n))
			fs->sorted = 0;
	}
	if (!fs->sorted)
		return;
	if (n > fs->prev_cap)
		fs->prev = xrealloc(fs->prev, fs->prev_cap = 2 * n);
	if (n > 0)   /* an empty stack, before any other: prev is NULL */
		memcpy(fs->prev, s, n);
	fs->prev_len = n;
	fs->have_prev = 1;
}

int
stream_next(struct stream *fs, struct folded_line *out)
{
	for (;;) {
		char *nl = memchr(fs->buf + fs->start, '\n', fs->end - fs->start);
		char *line = fs->buf + fs->start;
		size_t len;
		const char *why;

		if (nl == NULL) {
			if (fill(fs) == 0)
				continue;
			if (fs->start == fs->end) {
				if (!fs->quiet)
					folded_report(fs->name, fs->bad, fs->first_bad, fs->why,
					    fs->rounded, fs->first_rounded);
				return fs->error ? -1 : 0;
			}
			line = fs->buf + fs->start;
			len = fs->end - fs->start;  /* the last line, without a newline */
			fs->start = fs->end;
		} else {
			len = (size_t)(nl - line);
			fs->start += len + 1;
		}
		fs->lineno++;
		switch (folded_parse(line, len, &fs->kind, out, &why)) {
		case FOLDED_ROUNDED:
			if (fs->rounded++ == 0)
				fs->first_rounded = fs->lineno;
			/* FALLTHROUGH */
		case FOLDED_STACK:
			if (count_add(&fs->total[0], out->n[0]) < 0 || count_add(&fs->total[1], out->n[1]) < 0)
				die("%s: count overflow: the sum is larger than the format's limit", fs->name);
			check_order(fs, out->stack, out->len);
			return 1;
		case FOLDED_META:
			meta_parse(&fs->meta, line, len);
			break;
		case FOLDED_BAD:
			if (fs->bad++ == 0) {
				fs->first_bad = fs->lineno;
				fs->why = why;
			}
			break;
		default:
			break;
		}
	}
}

int
stream_rewind(struct stream *fs)
{
	if (lseek(fs->fd, 0, SEEK_SET) != 0)
		return -1;
	fs->start = fs->end = 0;
	fs->eof = fs->error = 0;
	fs->total[0] = fs->total[1] = 0;
	fs->lineno = fs->bad = fs->first_bad = fs->rounded = fs->first_rounded = 0;
	fs->sorted = 1;
	fs->have_prev = 0;
	return 0;
}

void
stream_close(struct stream *fs)
{
	free(fs->buf);
	free(fs->prev);
	meta_free(&fs->meta);
	fs->buf = fs->prev = NULL;
}

int
stream_files(int n, char *const files[], void (*fn)(void *, const struct folded_line *),
    void *arg, int *kind, struct meta *meta)
{
	int status = EXIT_OK;

	for (int i = 0; i < (n ? n : 1); i++) {
		const char *name = n ? files[i] : "-";
		int fd = 0, std = strcmp(name, "-") == 0, r;
		struct stream fs;
		struct folded_line fl;

		if (!std && (fd = open(name, O_RDONLY)) < 0) {
			warn("%s: cannot open:", name);
			status = EXIT_USAGE;
			continue;
		}
		stream_open(&fs, fd, std ? "stdin" : name, FOLDED_UNKNOWN);
		while ((r = stream_next(&fs, &fl)) > 0)
			fn(arg, &fl);
		if (r < 0)
			status = EXIT_USAGE;
		if (fs.kind != FOLDED_UNKNOWN) {
			if (*kind != FOLDED_UNKNOWN && *kind != fs.kind) {
				warn("%s: a differential profile (two counts a line) cannot be merged with a profile",
				    fs.name);
				status = EXIT_USAGE;
			}
			*kind = fs.kind;
		}
		meta_merge(meta, &fs.meta, i == 0);
		stream_close(&fs);
		if (!std)
			close(fd);
	}
	if (meta_conflict(meta))
		status = EXIT_USAGE;
	return status;
}
