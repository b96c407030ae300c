/*
 * input: reading inputs (folded stacks, `perf script` text or pprof
 * profiles) into one stack table, in parallel.
 *
 * A pprof profile (pprof.h) is known by its first bytes: gzip's magic
 * number, or with INPUT_AUTO a binary profile.proto message; a text
 * format asked for (INPUT_PERF, INPUT_FOLDED) still reads gzip as a
 * profile, since no text is gzipped; with plain_pprof, INPUT_FOLDED reads
 * a binary message in a file it can read again as a profile too, and as
 * text when it does not decode as one.  INPUT_PPROF reads every input as
 * one.  It is read whole, by one thread, into the same table, its
 * metadata merged as a folded input's.
 *
 * An input is read in chunks that end at a record boundary (a newline for
 * folded stacks, a blank line for perf script, where a parser's state is
 * empty), so each chunk can be parsed by any thread into that thread's own
 * table; the tables are summed at the end.  Sums do not depend on order, and
 * the few facts that do (the kind of a folded input, the first event of a
 * perf input, metadata) are settled by the reading thread before a chunk is
 * handed out.  So the result is the same for every number of jobs.
 * Memory is bounded by jobs x chunk size plus the tables, not by input size.
 *
 * Lines that cannot be read are counted per input and reported once, with
 * the number of the first and the reason.
 */
#ifndef PROF_INPUT_H
#define PROF_INPUT_H

#include <stdint.h>

#include "folded/folded.h"
#include "folded/meta.h"
#include "folded/stacktable.h"
#include "input/perf.h"
#include "pprof/pprof.h"

enum input_format { INPUT_AUTO, INPUT_PERF, INPUT_FOLDED, INPUT_PPROF };

struct input {
	/* set by the caller before the first input */
	int format;                 /* enum input_format */
	int plain_pprof;            /* INPUT_FOLDED as a default, not asked for:
	                               a binary message in a file it can read
	                               again is a profile if it decodes as one */
	int jobs;                   /* threads, 1 or more */
	const struct perf_opts *perf;  /* NULL: perf script's defaults */
	const struct pprof_opts *pprof; /* NULL: pprof's defaults */
	char *event;                /* --event-filter, or the first event seen */
	int event_given;
	/* With a sink, stacks are not stored but given to sink, with
	 * sink_args[j] for job j (each job's own, used by one thread): the
	 * table keeps only the totals. */
	void (*sink)(void *arg, const char *stack, size_t len, const count_t n[2]);
	void **sink_args;

	/* the result, over all inputs */
	struct stacktable *tab;
	int kind;                   /* enum folded_kind of the inputs */
	struct meta meta;           /* merged metadata of folded and pprof inputs */
	int ninputs;                /* inputs read so far */
	int nmeta;                  /* folded and pprof inputs read so far */
	uint64_t bad_lines;         /* over all inputs */
	int kinds_differ, perf_seen;
};

/* Prepares g (zeroed by the caller, options set) to read inputs. */
void input_init(struct input *g);

/*
 * An input is not a profile (an SVG, a binary, a source file) when it has
 * unreadable lines and bad / INPUT_NOT_A_PROFILE >= good, where good is
 * the records read: samples (of any event) or stack lines.
 */
enum { INPUT_NOT_A_PROFILE = 10 };

/*
 * Reads one input from fd (not closed), named name in messages, into
 * g->tab.  Reports unreadable lines on stderr.  Returns 0, or -1 when the
 * input could not be read, is not a profile (its stacks are in g->tab all
 * the same, its metadata is dropped), or is of another kind than the
 * inputs before it; each reported.
 */
int input_fd(struct input *g, int fd, const char *name);

/*
 * Reads the inputs files[0..n) with input_fd (none, or "-": the standard
 * input), reporting a file that cannot be opened, and inputs whose types
 * or units differ (they cannot be summed).  Returns EXIT_OK, or EXIT_USAGE
 * when any of that happened.
 */
int input_files(struct input *g, int n, char *const files[]);

/* The default number of jobs: the online CPUs, 1 to 256. */
/* Non-zero when the file open at fd (read at offset 0, not moved) starts
 * as a pprof profile, gzipped or not: a reader of folded text that can
 * read it again from the start leaves it to input_fd. */
int input_is_pprof(int fd);

int input_default_jobs(void);

/* Frees the table and what g owns. */
void input_free(struct input *g);

#endif
