#define _GNU_SOURCE
#include "input/input.h"

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/util.h"

/* Large enough that handing a chunk to a thread costs nothing next to
 * parsing it, small enough that jobs x chunks stays a few megabytes. */
#define CHUNK_SIZE (1u << 20)


struct chunk {
	char *buf;
	size_t len, cap;
	int format, kind;
	const char *event;
	/* filled by the parsing thread */
	uint64_t lines, bad, first_bad, rounded, first_rounded, filtered, samples;
	uint64_t stacks;        /* folded stack lines read */
	const char *why;
	char *other_event;      /* an event skipped, owned */
	struct meta meta;       /* metadata lines of the chunk, in order */
};

struct pool;

struct worker {
	pthread_t th;
	struct pool *pool;
	struct stacktable *tab;
	struct perf_parser perf;
	int perf_ready;
};

struct pool {
	pthread_mutex_t mu;
	pthread_cond_t not_empty, not_full;
	struct chunk **q;
	size_t qcap, qhead, qlen;
	char **free_bufs;       /* recycled chunk buffers, all CHUNK_SIZE or more */
	size_t *free_caps;
	size_t nfree;
	const struct perf_opts *perf;
};

static void
parse_chunk(struct worker *w, struct chunk *c)
{
	const char *p = c->buf, *end = c->buf + c->len;
	uint64_t lineno = 0;
	int kind = c->kind;

	if (c->format == INPUT_PERF) {
		if (!w->perf_ready) {
			perf_init(&w->perf, w->pool->perf, c->event, w->tab);
			w->perf_ready = 1;
		} else {
			perf_set_event(&w->perf, c->event);
		}
		w->perf.filtered = 0;
		w->perf.samples = 0;
	}
	while (p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		size_t n = nl ? (size_t)(nl - p) : (size_t)(end - p);
		const char *why = NULL;

		lineno++;
		if (c->format == INPUT_PERF) {
			why = perf_line(&w->perf, p, n);
		} else {
			struct folded_line fl;
			switch (folded_parse(p, n, &kind, &fl, &why)) {
			case FOLDED_META:
				meta_parse(&c->meta, p, n);
				break;
			case FOLDED_ROUNDED:
				if (c->rounded++ == 0)
					c->first_rounded = lineno;
				/* FALLTHROUGH */
			case FOLDED_STACK:
				stacktable_add(w->tab, fl.stack, fl.len, fl.n);
				c->stacks++;
				break;
			default:
				break;
			}
		}
		if (why != NULL && c->bad++ == 0) {
			c->first_bad = lineno;
			c->why = why;
		}
		p = nl ? nl + 1 : end;
	}
	if (c->format == INPUT_PERF) {
		perf_finish(&w->perf);
		c->filtered = w->perf.filtered;
		c->samples = w->perf.samples;
		c->other_event = w->perf.other_event;
		w->perf.other_event = NULL;
	}
	c->lines = lineno;
}

static void
pool_recycle(struct pool *pl, struct chunk *c)
{
	pthread_mutex_lock(&pl->mu);
	pl->free_bufs[pl->nfree] = c->buf;
	pl->free_caps[pl->nfree++] = c->cap;
	pthread_mutex_unlock(&pl->mu);
	c->buf = NULL;
}

static void *
worker_main(void *arg)
{
	struct worker *w = arg;
	struct pool *pl = w->pool;

	for (;;) {
		struct chunk *c;

		pthread_mutex_lock(&pl->mu);
		while (pl->qlen == 0)
			pthread_cond_wait(&pl->not_empty, &pl->mu);
		c = pl->q[pl->qhead];
		pl->qhead = (pl->qhead + 1) % pl->qcap;
		pl->qlen--;
		pthread_cond_signal(&pl->not_full);
		pthread_mutex_unlock(&pl->mu);
		if (c == NULL)
			return NULL;
		parse_chunk(w, c);
		pool_recycle(pl, c);
	}
}

static void
pool_push(struct pool *pl, struct chunk *c)
{
	pthread_mutex_lock(&pl->mu);
	while (pl->qlen == pl->qcap)
		pthread_cond_wait(&pl->not_full, &pl->mu);
	pl->q[(pl->qhead + pl->qlen) % pl->qcap] = c;
	pl->qlen++;
	pthread_cond_signal(&pl->not_empty);
	pthread_mutex_unlock(&pl->mu);
}

/* A buffer of at least size bytes, recycled when one is free. */
static char *
pool_buffer(struct pool *pl, size_t size, size_t *cap)
{
	char *b = NULL;

	pthread_mutex_lock(&pl->mu);
	for (size_t i = 0; i < pl->nfree; i++)
		if (pl->free_caps[i] >= size) {
			b = pl->free_bufs[i];
			*cap = pl->free_caps[i];
			pl->free_bufs[i] = pl->free_bufs[--pl->nfree];
			pl->free_caps[i] = pl->free_caps[pl->nfree];
			break;
		}
	pthread_mutex_unlock(&pl->mu);
	if (b == NULL) {
		b = xmalloc(size);
		*cap = size;
	}
	return b;
}

void
input_init(struct input *g)
{
	static const struct perf_opts defaults;

	if (g->perf == NULL)
		g->perf = &defaults;
	if (g->jobs < 1)
		g->jobs = 1;
	g->tab = stacktable_new();
	if (g->event != NULL)
		g->event_given = 1;
}

void
input_free(struct input *g)
{
	stacktable_free(g->tab);
	meta_free(&g->meta);
	free(g->event);
	g->tab = NULL;
}

/* The end of the last whole record in buf[0..n), or 0 if there is none. */
static size_t
record_end(const char *buf, size_t n, int format)
{
	const char *p;

	if (format == INPUT_FOLDED) {
		p = memrchr(buf, '\n', n);
		return p ? (size_t)(p - buf) + 1 : 0;
	}
	/* perf script: after a blank line, where no sample is pending. */
	for (size_t end = n; end > 0;) {
		p = memrchr(buf, '\n', end);
		if (p == NULL || p == buf)
			return 0;
		size_t i = (size_t)(p - buf);
		if (buf[i - 1] == '\n' || (buf[i - 1] == '\r' && i >= 2 && buf[i - 2] == '\n'))
			return i + 1;
		end = i;
	}
	return 0;
}

/* Settles, from the lines of a chunk, what its parsing thread must know. */
static void
prescan(struct input *g, const char *buf, size_t n, int format, int *kind)
{
	const char *p = buf, *end = buf + n;

	if (format == INPUT_PERF) {
		const char *ev;
		size_t evlen;

		/* the event the parser would keep, reading the lines in order */
		if (g->event == NULL && perf_first_event(buf, n, &ev, &evlen))
			g->event = xmemdup(ev, evlen);
		return;
	}
	if (*kind != FOLDED_UNKNOWN)
		return;
	while (p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		size_t len = nl ? (size_t)(nl - p) : (size_t)(end - p);
		struct folded_line fl;
		const char *why;
		enum folded_result r = folded_parse(p, len, kind, &fl, &why);

		if (r == FOLDED_STACK || r == FOLDED_ROUNDED)
			return;
		p = nl ? nl + 1 : end;
	}
}

static int input_text(struct input *g, int fd, const char *name, const char *head, size_t nhead);

static int
read_full(int fd, char *buf, size_t n, size_t *got, const char *name)
{
	*got = 0;
	while (*got < n) {
		ssize_t r = read(fd, buf + *got, n - *got);
		if (r < 0) {
			if (errno == EINTR)
				continue;
			warn("%s: read error:", name);
			return -1;
		}
		if (r == 0)
			break;
		*got += (size_t)r;
	}
	return 0;
}

/* Notes the kind of an input, refusing to mix profiles and differential ones. */
static int
set_kind(struct input *g, int kind, const char *name)
{
	int err = 0;

	if (kind != FOLDED_UNKNOWN) {
		if (g->kind != FOLDED_UNKNOWN && g->kind != kind) {
			warn("%s: a differential profile (two counts a line) cannot be merged with a profile", name);
			err = 1;
		}
		g->kind = kind;
	}
	return err;
}

/* A pprof profile, of which head[0..nhead) is read: read whole, then
 * decoded into the stack table (the first job's: its sink, if any). */
static int
input_pprof(struct input *g, int fd, const char *name, const char *head, size_t nhead,
    int may_be_text)
{
	static const struct pprof_opts defaults;
	size_t cap = nhead > 65536 ? nhead : 65536, have = nhead, got;
	char *buf = xmalloc(cap), err[512];
	struct meta meta = { 0 };
	struct stacktable *t = stacktable_new();
	int ret = 0;

	memcpy(buf, head, nhead);
	for (;;) {
		if (have == cap) {
			if (cap > PPROF_MAX_SIZE) {
				warn("%s: not read: a pprof profile is at most %zu bytes", name,
				    (size_t)PPROF_MAX_SIZE);
				ret = -1;
				break;
			}
			buf = xrealloc(buf, cap *= 2);
		}
		if (read_full(fd, buf + have, cap - have, &got, name) < 0) {
			ret = -1;
			break;
		}
		have += got;
		if (have < cap)
			break;
	}
	if (g->sink != NULL) {
		t->sink = g->sink;
		t->sink_arg = g->sink_args[0];
	}
	if (ret == 0 && pprof_read(buf, have, g->pprof ? g->pprof : &defaults, t, &meta, err,
	    sizeof(err)) < 0) {
		if (may_be_text && err[0] != '-') {
			/* text after all, which looked like a profile */
			free(buf);
			stacktable_free(t);
			meta_free(&meta);
			return 1;
		}
		/* an option's error names the option, others the profile */
		warn(err[0] == '-' ? "%s: %s" : "%s: not a readable pprof profile: %s", name, err);
		ret = -1;
	}
	free(buf);
	stacktable_merge(g->tab, t);
	if (ret == 0) {
		meta_merge(&g->meta, &meta, g->nmeta == 0);
		g->nmeta++;
		if (set_kind(g, FOLDED_SINGLE, name))
			ret = -1;
	}
	meta_free(&meta);
	g->ninputs++;
	return ret;
}

int
input_fd(struct input *g, int fd, const char *name)
{
	char head[PPROF_DETECT_SIZE];
	size_t nhead;

	/* The first bytes say whether it is a pprof profile; they are then
	 * the start of the text.  A text format asked for keeps its text:
	 * only gzip, which no text is, makes it a profile. */
	if (read_full(fd, head, sizeof(head), &nhead, name) < 0)
		return -1;
	if (g->format == INPUT_PPROF || pprof_detect(head, nhead, g->format == INPUT_AUTO))
		return input_pprof(g, fd, name, head, nhead, 0);
	/* Folded stacks asked for, in a file that can be read again: a plain
	 * profile too, else the text read again from the start. */
	if (g->format == INPUT_FOLDED && g->plain_pprof && pprof_detect(head, nhead, 1) &&
	    lseek(fd, 0, SEEK_CUR) == (off_t)nhead) {
		int r = input_pprof(g, fd, name, head, nhead, 1);
		if (r <= 0)
			return r;
		if (lseek(fd, 0, SEEK_SET) != 0 || read_full(fd, head, sizeof(head), &nhead, name) < 0)
			return -1;
	}
	return input_text(g, fd, name, head, nhead);
}

static int
input_text(struct input *g, int fd, const char *name, const char *head, size_t nhead)
{
	struct pool pl = { .perf = g->perf };
	struct worker *ws;
	struct chunk **chunks = NULL;
	size_t nchunks = 0, cap, have = 0, got;
	int format = g->format, kind = FOLDED_UNKNOWN, eof = 0, err = 0;
	int threads = g->jobs > 1;
	struct meta meta = { 0 };
	char *buf;

	pl.qcap = (size_t)g->jobs * 2;
	pl.q = xcalloc(pl.qcap, sizeof(*pl.q));
	/* Every buffer is in the queue, being parsed, being filled, or free. */
	pl.free_bufs = xcalloc(pl.qcap + (size_t)g->jobs + 2, sizeof(char *));
	pl.free_caps = xcalloc(pl.qcap + (size_t)g->jobs + 2, sizeof(size_t));
	pthread_mutex_init(&pl.mu, NULL);
	pthread_cond_init(&pl.not_empty, NULL);
	pthread_cond_init(&pl.not_full, NULL);
	ws = xcalloc((size_t)g->jobs, sizeof(*ws));
	for (int i = 0; i < g->jobs; i++) {
		ws[i].pool = &pl;
		ws[i].tab = stacktable_new();
		if (g->sink != NULL) {
			ws[i].tab->sink = g->sink;
			ws[i].tab->sink_arg = g->sink_args[i];
		}
		if (threads && pthread_create(&ws[i].th, NULL, worker_main, &ws[i]) != 0)
			die("cannot start a thread:");
	}

	buf = pool_buffer(&pl, CHUNK_SIZE, &cap);
	memcpy(buf, head, nhead);
	have = nhead;
	eof = nhead < PPROF_DETECT_SIZE;
	for (int first = 1; first || !eof || have > 0; first = 0) {
		size_t end;

		if (!eof) {
			if (read_full(fd, buf + have, cap - have, &got, name) < 0)
				err = eof = 1;
			else if (have + got < cap)
				eof = 1;
			have += got;
		}
		if (format == INPUT_AUTO)
			format = folded_detect(buf, have < 65536 ? have : 65536) ? INPUT_FOLDED : INPUT_PERF;
		end = eof ? have : record_end(buf, have, format);
		if (end == 0 && !eof) {
			/* No record ends in the buffer: a long line or sample. */
			if (have == cap)
				buf = xrealloc(buf, cap *= 2);
			continue;
		}
		prescan(g, buf, end, format, &kind);

		struct chunk *c = xcalloc(1, sizeof(*c));
		size_t rest = have - end, ncap;
		char *next = pool_buffer(&pl, rest + CHUNK_SIZE / 2 > CHUNK_SIZE ? rest + CHUNK_SIZE : CHUNK_SIZE, &ncap);

		memcpy(next, buf + end, rest);
		c->buf = buf;
		c->cap = cap;
		c->len = end;
		c->format = format;
		c->kind = kind;
		c->event = g->event;
		if (nchunks % 64 == 0)
			chunks = xreallocarray(chunks, nchunks + 64, sizeof(*chunks));
		chunks[nchunks++] = c;
		if (threads) {
			pool_push(&pl, c);
		} else {
			parse_chunk(&ws[0], c);
			pool_recycle(&pl, c);
		}
		buf = next;
		cap = ncap;
		have = rest;
		if (eof && have == 0)
			break;
	}
	if (threads) {
		for (int i = 0; i < g->jobs; i++)
			pool_push(&pl, NULL);
		for (int i = 0; i < g->jobs; i++)
			pthread_join(ws[i].th, NULL);
	}

	/* What the chunks found, in input order, for the messages. */
	uint64_t line = 0, bad = 0, first_bad = 0, rounded = 0, first_rounded = 0;
	uint64_t filtered = 0, samples = 0, stacks = 0;
	const char *why = NULL;
	char *other = NULL;
	for (size_t i = 0; i < nchunks; i++) {
		struct chunk *c = chunks[i];
		if (c->bad && bad == 0) {
			first_bad = line + c->first_bad;
			why = c->why;
		}
		if (c->rounded && rounded == 0)
			first_rounded = line + c->first_rounded;
		bad += c->bad;
		rounded += c->rounded;
		filtered += c->filtered;
		samples += c->samples;
		stacks += c->stacks;
		line += c->lines;
		if (other == NULL)
			other = c->other_event;
		else
			free(c->other_event);
		/* a later line of a key wins, as it would read in order */
		meta_update(&meta, &c->meta);
		meta_free(&c->meta);
		free(c);
	}
	free(chunks);
	/* A file of which (almost) nothing reads is not a profile (an SVG, a
	 * binary, a source file): its '#' lines are no metadata, and the few
	 * lines that happen to parse are no stacks.  An input error. */
	uint64_t good = format == INPUT_PERF ? samples + filtered : stacks;
	if (bad > 0 && bad / INPUT_NOT_A_PROFILE >= good) {
		warn("%s: not a profile: %llu of %llu line%s unreadable, the first at line %llu: %s",
		    name, (unsigned long long)bad, (unsigned long long)line, line == 1 ? "" : "s",
		    (unsigned long long)first_bad, why);
		meta_free(&meta);
		err = 1;
	} else
		folded_report(name, bad, first_bad, why, rounded, first_rounded);
	if (filtered && !g->event_given)
		warn("%s: %llu sample%s of other events skipped: only '%s' is kept (--event-filter chooses)",
		    name, (unsigned long long)filtered, filtered == 1 ? "" : "s", g->event);
	if (filtered && g->event_given && samples == 0)
		warn("%s: --event-filter: no sample of event '%s'; the input has '%s'",
		    name, g->event, other);
	free(other);
	g->bad_lines += bad;

	for (int i = 0; i < g->jobs; i++) {
		stacktable_merge(g->tab, ws[i].tab);
		if (ws[i].perf_ready)
			perf_free(&ws[i].perf);
	}
	if (format == INPUT_PERF) {
		g->perf_seen = 1;
		kind = FOLDED_SINGLE;
	} else {
		meta_merge(&g->meta, &meta, g->nmeta == 0);
		g->nmeta++;
	}
	meta_free(&meta);
	if (set_kind(g, kind, name))
		err = 1;
	g->ninputs++;

	free(buf);
	for (size_t i = 0; i < pl.nfree; i++)
		free(pl.free_bufs[i]);
	free(pl.free_bufs);
	free(pl.free_caps);
	free(pl.q);
	free(ws);
	pthread_mutex_destroy(&pl.mu);
	pthread_cond_destroy(&pl.not_empty);
	pthread_cond_destroy(&pl.not_full);
	return err ? -1 : 0;
}

int
input_files(struct input *g, int n, char *const files[])
{
	int status = EXIT_OK;

	for (int i = 0; i < (n ? n : 1); i++) {
		const char *name = n ? files[i] : "-";
		int fd = 0, std = strcmp(name, "-") == 0;

		if (!std && (fd = open(name, O_RDONLY)) < 0) {
			warn("%s: cannot open:", name);
			status = EXIT_USAGE;
			continue;
		}
		if (input_fd(g, fd, std ? "stdin" : name) < 0)
			status = EXIT_USAGE;
		if (!std)
			close(fd);
	}
	if (meta_conflict(&g->meta))
		status = EXIT_USAGE;
	return status;
}

int
input_is_pprof(int fd)
{
	char head[PPROF_DETECT_SIZE];
	ssize_t n = pread(fd, head, sizeof(head), 0);

	return n > 0 && pprof_detect(head, (size_t)n, 1);
}

int
input_default_jobs(void)
{
	long cpus = sysconf(_SC_NPROCESSORS_ONLN);

	return cpus < 1 ? 1 : cpus > 256 ? 256 : (int)cpus;
}
