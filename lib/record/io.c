#include "record/io.h"

#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <uthash.h>

#include "core/util.h"
#include "record/pending.h"

enum call_kind {
	DATA,           /* moves its result's bytes through args[0] */
	SYNC,           /* on args[0], no bytes */
	OPEN,           /* returns a new descriptor */
	CLOSE,          /* forgets args[0] */
	REPLACE,        /* forgets args[1] */
	CLOSE_RANGE     /* forgets args[0] to args[1] */
};

/* The calls followed, by their x86-64 numbers. */
static const struct call {
	int nr;
	const char *name;
	int kind;
} calls[] = {
	{ 0, "read", DATA }, { 1, "write", DATA }, { 2, "open", OPEN }, { 3, "close", CLOSE },
	{ 17, "pread64", DATA }, { 18, "pwrite64", DATA }, { 19, "readv", DATA },
	{ 20, "writev", DATA }, { 33, "dup2", REPLACE }, { 40, "sendfile", DATA },
	{ 44, "sendto", DATA }, { 45, "recvfrom", DATA }, { 46, "sendmsg", DATA },
	{ 47, "recvmsg", DATA }, { 74, "fsync", SYNC }, { 75, "fdatasync", SYNC },
	{ 85, "creat", OPEN }, { 257, "openat", OPEN }, { 292, "dup3", REPLACE },
	{ 295, "preadv", DATA }, { 296, "pwritev", DATA }, { 327, "preadv2", DATA },
	{ 328, "pwritev2", DATA }, { 436, "close_range", CLOSE_RANGE }, { 437, "openat2", OPEN },
};
#define NCALLS (sizeof(calls) / sizeof(calls[0]))

struct fdkey {
	uint32_t pid;
	int32_t fd;
};

struct fdname {
	struct fdkey k;
	char *name;
	UT_hash_handle hh;
};

struct io {
	struct record *rec;
	int weight;
	struct pending *threads;
	struct fdname *fds;
	uint64_t calls;
	uint64_t unheld, untimed;   /* exits without their entry: added, left out */
	struct unheld *byexit;      /* the weights of the first, added at the end */
	char leaf[PATH_MAX + 64];
};

/* The exits without their entry of a thread and call, summed: they come
 * by the hundred thousand a second when entries are dropped, and each
 * would otherwise be a stack of its own to name and add. */
struct unheld_key {
	uint32_t pid, tid;
	int64_t nr;
};

struct unheld {
	struct unheld_key k;
	uint64_t weight;
	UT_hash_handle hh;
};

struct io *
io_new(struct record *rec, int weight)
{
	struct io *io = xcalloc(1, sizeof(*io));

	io->rec = rec;
	io->weight = weight;
	io->threads = pending_new();
	return io;
}

const char *
io_filter(void)
{
	static char buf[NCALLS * 12];
	size_t n = 0;

	if (buf[0] == '\0')
		for (size_t i = 0; i < NCALLS; i++)
			n += (size_t)snprintf(buf + n, sizeof(buf) - n, "%sid == %d",
			    i ? " || " : "", calls[i].nr);
	return buf;
}

static const struct call *
call_of(int64_t nr)
{
	for (size_t i = 0; i < NCALLS; i++)
		if (calls[i].nr == nr)
			return &calls[i];
	return NULL;
}

static void
fd_forget(struct io *io, uint32_t pid, int64_t lo, int64_t hi)
{
	struct fdname *f, *tmp;

	HASH_ITER(hh, io->fds, f, tmp)
		if (f->k.pid == pid && f->k.fd >= lo && f->k.fd <= hi) {
			HASH_DEL(io->fds, f);
			free(f->name);
			free(f);
		}
}

static void
fd_forget_one(struct io *io, uint32_t pid, int64_t fd)
{
	struct fdkey k = { pid, (int32_t)fd };
	struct fdname *f;

	HASH_FIND(hh, io->fds, &k, sizeof(k), f);
	if (f != NULL) {
		HASH_DEL(io->fds, f);
		free(f->name);
		free(f);
	}
}

/*
 * What descriptor fd of pid names: readlink(2) of /proc/PID/fd/FD gives a
 * path, or "pipe:[INODE]", "socket:[INODE]", "anon_inode:[eventfd]"... A
 * link is only read, never followed.
 */
static const char *
fd_name(struct io *io, uint32_t pid, int64_t fd)
{
	struct fdkey k = { pid, (int32_t)fd };
	struct fdname *f;
	char path[64], link[PATH_MAX];
	const char *name = link;
	ssize_t n;

	if (fd < 0 || fd > INT32_MAX)
		return "?";
	HASH_FIND(hh, io->fds, &k, sizeof(k), f);
	if (f != NULL)
		return f->name;
	snprintf(path, sizeof(path), "/proc/%u/fd/%d", (unsigned)pid, (int)fd);
	if ((n = readlink(path, link, sizeof(link) - 1)) <= 0)
		return "?";    /* gone: asked again at its next call */
	link[n] = '\0';
	if (link[0] != '/') {
		if (strncmp(link, "anon_inode:", 11) == 0)
			name = "anon";
		else
			link[strcspn(link, ":")] = '\0';
	}
	f = xcalloc(1, sizeof(*f));
	f->k = k;
	f->name = xstrdup(name);
	HASH_ADD(hh, io->fds, k, sizeof(f->k), f);
	return f->name;
}

/* The call held for t, ended at time with result ret (-1 and ret_known 0:
 * still in progress). */
static void
add_call(struct io *io, struct pending_thread *t, uint64_t time, int64_t ret, int ret_known)
{
	const struct call *c = call_of(t->s.nr);
	const char *file;
	int64_t fd = (int64_t)t->s.args[0];

	t->held = 0;
	if (c == NULL)
		return;
	if (c->kind == OPEN) {
		fd = ret_known ? ret : -1;
		if (fd >= 0)
			fd_forget_one(io, t->s.pid, fd);
	}
	file = fd_name(io, t->s.pid, fd);
	snprintf(io->leaf, sizeof(io->leaf), "%s(%s)", c->name, file);
	t->s.leaf = io->leaf;
	t->s.weighted = 1;
	switch (io->weight) {
	case IO_BYTES:
		t->s.weight = c->kind == DATA && ret_known && ret > 0 ? (uint64_t)ret : 0;
		break;
	case IO_NS:
		t->s.weight = time > t->s.time ? time - t->s.time : 0;
		break;
	default:
		t->s.weight = 1;
	}
	record_sample(io->rec, &t->s);
	t->s.leaf = NULL;
	io->calls++;
}

/*
 * An exit whose entry, and so its stack and descriptor, the kernel
 * dropped (or that began before the start): its bytes or its call still
 * count, under no stack and "CALL(?)"; its time, not known, does not.
 */
static void
add_unheld(struct io *io, const struct sample_record *s, const struct call *c)
{
	struct unheld_key k;
	struct unheld *u;

	if (c->kind == CLOSE || c->kind == REPLACE || c->kind == CLOSE_RANGE)
		return;         /* never added: they only forget descriptors */
	if (io->weight == IO_NS) {
		io->untimed++;
		return;
	}
	memset(&k, 0, sizeof(k));
	k.pid = s->pid;
	k.tid = s->tid;
	k.nr = s->nr;
	HASH_FIND(hh, io->byexit, &k, sizeof(k), u);
	if (u == NULL) {
		u = xcalloc(1, sizeof(*u));
		u->k = k;
		HASH_ADD(hh, io->byexit, k, sizeof(u->k), u);
	}
	u->weight += io->weight == IO_CALLS ? 1 : c->kind == DATA && s->ret > 0 ? (uint64_t)s->ret : 0;
	io->calls++;
	io->unheld++;
}

/* The exits without their entry, each thread's and call's as one stack. */
static void
add_unheld_sums(struct io *io)
{
	struct unheld *u, *tmp;
	struct sample_record r;

	HASH_ITER(hh, io->byexit, u, tmp) {
		memset(&r, 0, sizeof(r));
		r.kind = SAMPLE_SAMPLE;
		r.event = SAMPLE_EV_SYS_ENTER;
		r.pid = u->k.pid;
		r.tid = u->k.tid;
		snprintf(io->leaf, sizeof(io->leaf), "%s(?)", call_of(u->k.nr)->name);
		r.leaf = io->leaf;
		r.weighted = 1;
		r.weight = u->weight;
		record_sample(io->rec, &r);
		HASH_DEL(io->byexit, u);
		free(u);
	}
}

void
io_record(void *ctx, const struct sample_record *s)
{
	struct io *io = ctx;
	struct pending_thread *t;
	const struct call *c;

	switch (s->kind) {
	case SAMPLE_SAMPLE:
		if ((c = call_of(s->nr)) == NULL)
			return;
		if (s->event == SAMPLE_EV_SYS_ENTER) {
			if (c->kind == CLOSE)
				fd_forget_one(io, s->pid, (int64_t)s->args[0]);
			else if (c->kind == REPLACE)
				fd_forget_one(io, s->pid, (int64_t)s->args[1]);
			else if (c->kind == CLOSE_RANGE)
				fd_forget(io, s->pid, (int64_t)(uint32_t)s->args[0],
				    (int64_t)(uint32_t)s->args[1]);
			else
				pending_hold(io->threads, s);
		} else if (s->event == SAMPLE_EV_SYS_EXIT) {
			if ((t = pending_get(io->threads, s->tid, 0)) != NULL && t->held &&
			    t->s.nr == s->nr)
				add_call(io, t, s->time, s->ret, 1);
			else
				add_unheld(io, s, c);
			if (t != NULL)
				t->held = 0;
		}
		return;
	case SAMPLE_COMM:
		if (s->exec)
			fd_forget(io, s->pid, 0, INT32_MAX);
		break;
	case SAMPLE_EXIT:
		pending_drop(io->threads, s->tid);
		if (s->pid == s->tid)
			fd_forget(io, s->pid, 0, INT32_MAX);
		break;
	}
	record_sample(io->rec, s);
}

struct finish {
	struct io *io;
	uint64_t end;
};

static void
finish_one(void *ctx, struct pending_thread *t)
{
	struct finish *f = ctx;

	if (t->held)
		add_call(f->io, t, f->end, -1, 0);
}

void
io_finish(struct io *io, uint64_t end)
{
	struct finish f = { io, end };

	pending_each(io->threads, finish_one, &f);
	add_unheld_sums(io);
}

uint64_t
io_calls(const struct io *io)
{
	return io->calls;
}

uint64_t
io_unheld(const struct io *io, uint64_t *untimed)
{
	*untimed = io->untimed;
	return io->unheld;
}

void
io_free(struct io *io)
{
	struct fdname *f, *tmp;
	struct unheld *u, *utmp;

	if (io == NULL)
		return;
	HASH_ITER(hh, io->fds, f, tmp) {
		HASH_DEL(io->fds, f);
		free(f->name);
		free(f);
	}
	HASH_ITER(hh, io->byexit, u, utmp) {
		HASH_DEL(io->byexit, u);
		free(u);
	}
	pending_free(io->threads);
	free(io);
}
