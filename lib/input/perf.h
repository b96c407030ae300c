/*
 * perf: the text of `perf script`, collapsed into stacks.
 *
 * The rules are those of stackcollapse-perf.pl (FlameGraph), so that the
 * output is byte-identical to it: a sample is a header line
 * ("comm PID/TID [CPU] TIME: PERIOD EVENT:") and indented frame lines,
 * leaf first, ended by a blank line or the end of input.  A sample's stack
 * is "comm;root;...;leaf" and counts one, or its period (1 when perf printed
 * none) with perf_opts.period.
 * Deliberate differences, each where the reference loses or garbles data:
 * a one-character comm is read; a line of only white space (a CRLF blank
 * line) ends a sample; a header right after another ends the previous
 * sample; frame lines outside any sample are reported, not dropped.
 *
 * A parser holds the state of one sample; it is fed whole lines in input
 * order and adds finished samples to its stack table.  One parser per
 * thread: a chunk of input that starts after a blank line can be parsed
 * by a fresh parser, which is how prof-fold parses in parallel.
 */
#ifndef PROF_PERF_H
#define PROF_PERF_H

#include <stddef.h>
#include <stdint.h>

#include "folded/stacktable.h"

struct sym_cache;

struct perf_opts {
	int pid, tid;      /* root frame "comm-PID" or "comm-PID/TID" */
	int kernel, jit;   /* annotate _[k] and _[j] frames */
	int addrs;         /* "[module <addr>]" for frames without a symbol */
	int inline_frames; /* resolve user frames to inline chains (sym_) */
	int context;       /* with inline_frames: frames carry "\tfile:line" */
	int period;        /* count the sample's period instead of one */
};

struct perf_parser {
	const struct perf_opts *o;
	struct stacktable *out;
	struct sym_cache *sym;   /* NULL unless o->inline_frames */
	/* The event kept: the user's filter, else the first one seen.  When
	 * NULL the parser takes the first event it sees (event_owned). */
	const char *event;
	char *event_owned;

	/* the sample being read */
	int in_sample;           /* a header was read, frames are kept */
	int skip_sample;         /* a header of another event was read */
	int one_line;            /* the sample was printed on one line */
	char *pname;
	size_t pname_len, pname_cap;
	count_t period;
	char *gbuf;              /* frame groups, one per frame line */
	size_t glen, gcap;
	size_t *goff;            /* group i is gbuf[goff[i] .. goff[i+1]) */
	size_t ngroups, goffcap;
	char *kbuf;              /* the stack being built */
	size_t kcap;

	/* what the caller reports */
	uint64_t filtered;       /* samples of other events */
	char *other_event;       /* the first of those events, or NULL */
	uint64_t samples;
};

/* Prepares p to add samples to out; event is the event to keep or NULL. */
void perf_init(struct perf_parser *p, const struct perf_opts *o,
    const char *event, struct stacktable *out);

/* Frees what the parser owns (not the table). */
void perf_free(struct perf_parser *p);

/*
 * Reads one line (no newline).  Returns NULL if it was understood, else a
 * short reason ("unrecognized line", "frame outside a sample").
 */
const char *perf_line(struct perf_parser *p, const char *line, size_t len);

/*
 * Sets the event to keep for the lines that follow (NULL: the first seen).
 * Called between chunks, when no sample is pending.
 */
void perf_set_event(struct perf_parser *p, const char *event);

/* Ends the input: the last sample counts even without a blank line. */
void perf_finish(struct perf_parser *p);

/*
 * The event of the first sample header in buf[0..n) that names one, read as
 * perf_line reads those lines from a fresh parser (indented headers, one-line
 * samples): stores it in *ev, *evlen (pointing into buf) and returns 1; 0
 * when no header names an event.  Used to find the first event of an input
 * before it is split among threads, at a blank line, where a parser's state
 * is that of a fresh one.
 */
int perf_first_event(const char *buf, size_t n, const char **ev, size_t *evlen);

#endif
