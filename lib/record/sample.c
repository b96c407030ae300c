#include "record/sample.h"

#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/syscall.h>

#include <linux/perf_event.h>

#include "core/util.h"
#include "record/samplequeue.h"

/*
 * The record size is a u16 that counts the header and the other fields
 * too: a stack copy of 65528 bytes is the most the kernel grants, less when
 * regs and a callchain share the record.
 */
#define STACK_MAX 65528u

/*
 * Records are timestamped with CLOCK_MONOTONIC (attr.use_clockid), so the
 * reader can tell how far every ring has got even when a CPU wrote nothing:
 * a record not yet visible at time T carries a time after T - SLACK_NS.  The
 * kernel stamps a record just before writing it; the slack covers a vCPU
 * descheduled in between, and costs only a later hand-out.
 */
#define SLACK_NS 10000000ULL

/*
 * Ring sizes.  A quarter of a second of samples at the full rate per CPU
 * (999 Hz x 32 KiB stacks is 33 MB/s: 8 MiB), the reader woken when half is
 * full (the kernel's default watermark), so it is woken a few times a
 * second and a reader that polls every 100 ms never falls behind.  Capped so
 * that many CPUs do not lock a lot of memory.
 */
#define RING_MAX_CPU (8u << 20)
#define RING_MAX_ALL (64u << 20)
#define SIDE_RING (8u << 20)

struct ring {
	int fd;                         /* the event that owns the buffer */
	struct perf_event_mmap_page *pg;
	unsigned char *data;
	uint64_t size;                  /* bytes of data, a power of 2 */
	size_t maplen;
};

struct sample_session {
	struct sample_opts o;
	int kind[3], nkind;             /* the events of each thread and CPU:
	                                   enum sample_event, the first with
	                                   the side-band records */
	uint64_t tp_switch;             /* sched_switch's id, or 0: context-switches */
	uint64_t tp_enter, tp_exit;     /* raw_syscalls' */
	struct samplequeue_layout layout;
	int hw;                         /* cycles; else cpu-clock */
	int no_build_id;                /* the kernel refused attr.build_id */
	int no_lost_count;              /* ... or PERF_FORMAT_LOST */
	char kernel_refused[48];        /* why o.kernel was turned off, or "" */
	uint64_t lost;                  /* the events' own counts, at drain */
	int bumped;                     /* RLIMIT_NOFILE raised once */
	int ncpu;
	int *cpu;                       /* the online CPUs */
	struct ring *ring;              /* ring[i] for cpu[i]; with a side-band
	                                   event, ring[ncpu + i] for its records */
	int nring;
	size_t pages, min_pages;        /* data pages per ring */
	size_t side_pages;              /* ... per side-band ring */
	int *fd, nfd;                   /* every event */
	int *fdkind;                    /* fd[i]'s enum sample_event */
	uint64_t lost_stacks;           /* of lost, switch-out samples, at drain */
	struct pollfd *pfd;
	int npfd;                       /* events not hung up */
	struct samplequeue *q;                 /* records read, not yet handed out */
	unsigned char wrap[65536];      /* a record that wraps the ring's end */
};

void
sample_reader_priority(void)
{
	int prio;

	errno = 0;
	prio = getpriority(PRIO_PROCESS, 0);
	if (errno == 0 && prio > -10)
		(void)setpriority(PRIO_PROCESS, 0, prio - 10 < -10 ? -10 : prio - 10);
}

uint64_t
sample_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

static long
read_sysctl(const char *name)
{
	char path[128], buf[32];
	FILE *f;
	long v = -1;

	snprintf(path, sizeof(path), "/proc/sys/kernel/%s", name);
	if ((f = fopen(path, "r")) == NULL)
		return -1;
	if (fgets(buf, sizeof(buf), f) != NULL)
		v = strtol(buf, NULL, 10);
	fclose(f);
	return v;
}

/* The online CPUs, from "0-3,6" in sysfs; 0..n-1 if that is unreadable. */
static int
online_cpus(int **cpus)
{
	char buf[4096], *p, *end;
	FILE *f;
	int n = 0, cap = 16;
	long a, b;

	*cpus = xreallocarray(NULL, cap, sizeof(**cpus));
	if ((f = fopen("/sys/devices/system/cpu/online", "r")) != NULL) {
		if (fgets(buf, sizeof(buf), f) != NULL) {
			for (p = buf; *p >= '0' && *p <= '9'; p = end + (*end == ',')) {
				a = b = strtol(p, &end, 10);
				if (*end == '-')
					b = strtol(end + 1, &end, 10);
				for (; a <= b && a < 65536; a++) {
					if (n == cap)
						*cpus = xreallocarray(*cpus, (cap *= 2), sizeof(**cpus));
					(*cpus)[n++] = (int)a;
				}
			}
		}
		fclose(f);
	}
	if (n == 0) {
		long m = sysconf(_SC_NPROCESSORS_ONLN);
		n = m > 0 ? (int)m : 1;
		*cpus = xreallocarray(*cpus, n, sizeof(**cpus));
		for (int i = 0; i < n; i++)
			(*cpus)[i] = i;
	}
	return n;
}

static void
ring_copy(const struct ring *rg, uint64_t off, void *dst, size_t n)
{
	size_t first = n < rg->size - off ? n : (size_t)(rg->size - off);

	memcpy(dst, rg->data + off, first);
	memcpy((unsigned char *)dst + first, rg->data, n - first);
}

/*
 * Queues every record between data_tail and data_head, then gives the space
 * back.  The acquire load of data_head pairs with the kernel's write barrier
 * before it publishes the head; the release store of data_tail keeps our
 * reads before the kernel may overwrite (perf's ring_buffer_read_head and
 * write_tail).  Returns the latest time read, 0 if none.
 */
static uint64_t
ring_read(struct sample_session *s, struct ring *rg)
{
	uint64_t head = __atomic_load_n(&rg->pg->data_head, __ATOMIC_ACQUIRE);
	uint64_t tail = rg->pg->data_tail, off, t, latest = 0;
	struct perf_event_header h;
	const unsigned char *rec;

	while (head - tail >= sizeof(h)) {
		off = tail & (rg->size - 1);
		ring_copy(rg, off, &h, sizeof(h));
		if (h.size < sizeof(h) || h.size > head - tail) {
			tail = head;    /* not a record: nothing after it can be trusted */
			break;
		}
		rec = rg->data + off;
		if (off + h.size > rg->size) {
			ring_copy(rg, off, s->wrap, h.size);
			rec = s->wrap;
		}
		if ((t = samplequeue_parse(s->q, rec, h.size)) > latest)
			latest = t;
		tail += h.size;
	}
	__atomic_store_n(&rg->pg->data_tail, tail, __ATOMIC_RELEASE);
	return latest;
}

/* Reads every ring; returns the time up to which records may go out. */
static uint64_t
read_rings(struct sample_session *s)
{
	uint64_t t = sample_now(), limit = t > SLACK_NS ? t - SLACK_NS : 0, latest;

	/* A ring that had records has reached at least its latest one. */
	for (int i = 0; i < s->nring; i++)
		if (s->ring[i].pg != NULL && (latest = ring_read(s, &s->ring[i])) != 0 && latest < limit)
			limit = latest;
	return limit;
}

int
sample_read(struct sample_session *s, int timeout_ms,
    void (*cb)(void *ctx, const struct sample_record *r), void *ctx)
{
	/* An event whose targets have all exited reports POLLHUP for ever:
	 * drop it from the set, its ring is still read. */
	if (s->npfd > 0 && poll(s->pfd, s->npfd, timeout_ms) > 0) {
		for (int i = 0; i < s->npfd; )
			if (s->pfd[i].revents & (POLLHUP | POLLERR | POLLNVAL))
				s->pfd[i] = s->pfd[--s->npfd];
			else
				i++;
	}
	return samplequeue_flush(s->q, read_rings(s), cb, ctx);
}

int
sample_drain(struct sample_session *s, void (*cb)(void *ctx, const struct sample_record *r), void *ctx)
{
	uint64_t v[2], lost = 0;

	for (int i = 0; i < s->nfd; i++)
		ioctl(s->fd[i], PERF_EVENT_IOC_DISABLE, 0);
	read_rings(s);
	/* The kernel reports losses in a record written once there is space
	 * again, so the last ones never come; the events count them all. */
	for (int i = 0; i < s->nfd && !s->no_lost_count; i++)
		if (read(s->fd[i], v, sizeof(v)) == (ssize_t)sizeof(v)) {
			lost += v[1];
			if (s->fdkind[i] == SAMPLE_EV_SWITCH_OUT ||
			    s->fdkind[i] == SAMPLE_EV_SYS_ENTER)
				s->lost_stacks += v[1];
		}
	if (lost > s->lost)
		s->lost = lost;
	return samplequeue_flush(s->q, UINT64_MAX, cb, ctx);
}

uint64_t
sample_lost(const struct sample_session *s)
{
	return (samplequeue_lost(s->q) > s->lost ? samplequeue_lost(s->q) : s->lost) +
	    samplequeue_shed(s->q);
}

uint64_t
sample_lost_stacks(const struct sample_session *s)
{
	return s->lost_stacks + samplequeue_shed(s->q);
}

uint64_t
sample_throttled(const struct sample_session *s)
{
	return samplequeue_throttled(s->q);
}

/* ---- opening */

static void
attr_fill(const struct sample_session *s, struct perf_event_attr *a, int kind, int first,
    int enable_on_exec)
{
	memset(a, 0, sizeof(*a));
	a->size = sizeof(*a);
	a->type = s->hw ? PERF_TYPE_HARDWARE : PERF_TYPE_SOFTWARE;
	a->config = s->hw ? PERF_COUNT_HW_CPU_CYCLES : PERF_COUNT_SW_CPU_CLOCK;
	a->freq = 1;
	a->sample_freq = (uint64_t)s->o.freq;
	a->sample_type = PERF_SAMPLE_TID | PERF_SAMPLE_TIME | PERF_SAMPLE_PERIOD |
	    PERF_SAMPLE_REGS_USER | PERF_SAMPLE_STACK_USER |
	    (s->layout.callchain ? PERF_SAMPLE_CALLCHAIN : 0) |
	    (s->layout.raw ? PERF_SAMPLE_RAW : 0) |
	    (s->layout.identifier ? PERF_SAMPLE_IDENTIFIER : 0);
	a->sample_regs_user = SAMPLEQUEUE_REGS_MASK;
	a->sample_stack_user = s->o.stack_size;
	/* The user part of the stack is unwound from the copy; the kernel's
	 * chain is wanted for kernel frames only. */
	a->exclude_callchain_user = 1;
	a->exclude_kernel = !s->o.kernel;
	a->exclude_hv = 1;
	if (kind != SAMPLE_EV_CPU) {
		/* Switches and system calls happen in the kernel: a sample
		 * excluding it would never be taken. */
		a->type = PERF_TYPE_TRACEPOINT;
		a->freq = 0;
		a->sample_period = 1;
		a->exclude_kernel = 0;
	}
	switch (kind) {
	case SAMPLE_EV_SIDE:
		a->type = PERF_TYPE_SOFTWARE;
		a->config = PERF_COUNT_SW_DUMMY;
		a->context_switch = 1;  /* the switches, in and out */
		break;
	case SAMPLE_EV_SWITCH_OUT:
		if (s->tp_switch != 0) {
			a->config = s->tp_switch;
		} else {
			a->type = PERF_TYPE_SOFTWARE;
			a->config = PERF_COUNT_SW_CONTEXT_SWITCHES;
		}
		break;
	case SAMPLE_EV_SYS_ENTER:
		a->config = s->tp_enter;
		break;
	case SAMPLE_EV_SYS_EXIT:
		a->config = s->tp_exit;
		a->sample_stack_user = 0;       /* the result only */
		break;
	}
	if (first) {
		a->mmap = 1;            /* executable mappings only (no mmap_data) */
		a->mmap2 = 1;
		a->build_id = !s->no_build_id;
		a->comm = 1;
		a->comm_exec = 1;
		a->task = 1;
	}
	a->read_format = s->no_lost_count ? 0 : PERF_FORMAT_LOST;
	a->inherit = 1;
	a->sample_id_all = 1;
	a->use_clockid = 1;
	a->clockid = CLOCK_MONOTONIC;
	a->disabled = 1;
	a->enable_on_exec = enable_on_exec != 0;
	/* No wakeup_events nor watermark: the kernel wakes a reader in
	 * poll() when half the ring is full, which the ring's size makes a
	 * few times a second at the full rate. */
}

static void
open_error(const struct sample_session *s, int e, pid_t tid, char *err, size_t errlen)
{
	long v;

	switch (e) {
	case EACCES:
	case EPERM:
		snprintf(err, errlen, "perf_event_open refused (kernel.perf_event_paranoid=%ld; "
		    "run as root, or grant CAP_PERFMON, or set sysctl kernel.perf_event_paranoid=1)",
		    read_sysctl("perf_event_paranoid"));
		break;
	case EMFILE:
	case ENFILE:
		snprintf(err, errlen, "too many open files: one event per thread and CPU, "
		    "%d open so far; raise the limit (ulimit -n)", s->nfd);
		break;
	case ESRCH:
		snprintf(err, errlen, "no process %d", (int)tid);
		break;
	case EINVAL:
		if ((v = read_sysctl("perf_event_max_sample_rate")) > 0 && s->o.freq > v) {
			snprintf(err, errlen, "frequency %d Hz is over kernel.perf_event_max_sample_rate=%ld",
			    s->o.freq, v);
			break;
		}
		/* FALLTHROUGH */
	default:
		snprintf(err, errlen, "perf_event_open: %s", strerror(e));
	}
}

static int
ring_map(struct sample_session *s, struct ring *rg, size_t *pages, int fd, char *err, size_t errlen)
{
	size_t psz = (size_t)sysconf(_SC_PAGESIZE);
	void *p;

	/* Locked memory is limited for a user (perf_event_mlock_kb, then
	 * RLIMIT_MEMLOCK): a smaller ring is better than none. */
	while ((p = mmap(NULL, (*pages + 1) * psz, PROT_READ | PROT_WRITE, MAP_SHARED,
	    fd, 0)) == MAP_FAILED) {
		if ((errno != EPERM && errno != ENOMEM) || *pages / 2 < s->min_pages) {
			snprintf(err, errlen, "cannot map a ring buffer of %zu KiB "
			    "(kernel.perf_event_mlock_kb, ulimit -l): %s", *pages * psz / 1024,
			    strerror(errno));
			return -1;
		}
		*pages /= 2;
	}
	rg->fd = fd;
	rg->pg = p;
	rg->maplen = (*pages + 1) * psz;
	rg->data = (unsigned char *)p + (rg->pg->data_offset ? rg->pg->data_offset : psz);
	rg->size = rg->pg->data_size ? rg->pg->data_size : *pages * psz;
	return 0;
}

/*
 * Opens the event of tid on the i-th CPU and sends its records to that
 * CPU's ring.  Returns 0, 1 when tid is gone, -1 on error (err set).
 */
static int
open_event(struct sample_session *s, pid_t tid, int i, int k, int enable_on_exec, char *err,
    size_t errlen)
{
	struct perf_event_attr a;
	struct rlimit rl;
	struct ring *rg;
	size_t *pages;
	uint64_t id;
	int fd, e;

	for (;;) {
		attr_fill(s, &a, s->kind[k], k == 0, enable_on_exec);
		fd = (int)syscall(SYS_perf_event_open, &a, tid, s->cpu[i], -1, PERF_FLAG_FD_CLOEXEC);
		if (fd >= 0)
			break;
		e = errno;
		if (e == ESRCH)
			return 1;
		if ((e == EACCES || e == EPERM) && s->o.kernel && s->nfd == 0 &&
		    s->o.events == SAMPLE_ON_CPU) {
			/* perf_event_paranoid above 1: user mode is still
			 * allowed.  Nothing was read yet, so the queue starts
			 * again without callchains. */
			snprintf(s->kernel_refused, sizeof(s->kernel_refused),
			    "perf_event_paranoid=%ld", read_sysctl("perf_event_paranoid"));
			s->o.kernel = 0;
			s->layout.callchain = 0;
			samplequeue_free(s->q);
			s->q = samplequeue_new(&s->layout);
		} else if (s->kind[k] == SAMPLE_EV_SWITCH_OUT && s->tp_switch != 0 && s->nfd <= k) {
			/* sched_switch refused (its raw data needs
			 * CAP_PERFMON): the software event, without states. */
			s->tp_switch = 0;
			s->layout.raw = 0;
			s->layout.state_off = -1;
			samplequeue_free(s->q);
			s->q = samplequeue_new(&s->layout);
		} else if (e == EINVAL && a.read_format) {
			s->no_lost_count = 1;   /* before Linux 6.0 */
		} else if (e == EINVAL && a.build_id) {
			s->no_build_id = 1;     /* before Linux 5.12 */
		} else if ((e == EMFILE || e == ENFILE) && !s->bumped &&
		    getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur < rl.rlim_max) {
			s->bumped = 1;
			rl.rlim_cur = rl.rlim_max;
			setrlimit(RLIMIT_NOFILE, &rl);
		} else if (s->hw && s->nfd == 0 && s->kind[k] == SAMPLE_EV_CPU) {
			/* No cycles here (a VM, ENOENT; a PMU that refuses this
			 * attr, EOPNOTSUPP or EINVAL): the cpu-clock timer. */
			s->hw = 0;
			s->no_build_id = s->no_lost_count = 0;
		} else {
			open_error(s, e, tid, err, errlen);
			return -1;
		}
	}
	if (s->nfd % 64 == 0) {
		s->fd = xreallocarray(s->fd, s->nfd + 64, sizeof(*s->fd));
		s->fdkind = xreallocarray(s->fdkind, s->nfd + 64, sizeof(*s->fdkind));
		s->pfd = xreallocarray(s->pfd, s->nfd + 64, sizeof(*s->pfd));
	}
	s->fdkind[s->nfd] = s->kind[k];
	s->fd[s->nfd++] = fd;
	s->pfd[s->npfd].fd = fd;
	s->pfd[s->npfd++].events = POLLIN;
	if (s->layout.identifier) {
		if (ioctl(fd, PERF_EVENT_IOC_ID, &id) != 0) {
			snprintf(err, errlen, "PERF_EVENT_IOC_ID: %s", strerror(errno));
			return -1;
		}
		samplequeue_id(s->q, id, s->kind[k]);
	}
	if (s->kind[k] == SAMPLE_EV_SYS_ENTER || s->kind[k] == SAMPLE_EV_SYS_EXIT) {
		if (s->o.syscalls != NULL && ioctl(fd, PERF_EVENT_IOC_SET_FILTER, s->o.syscalls) != 0) {
			snprintf(err, errlen, "the filter of raw_syscalls: %s", strerror(errno));
			return -1;
		}
	}
	if (s->kind[k] == SAMPLE_EV_SIDE || s->kind[k] == SAMPLE_EV_SYS_EXIT) {
		rg = &s->ring[s->ncpu + i];
		pages = &s->side_pages;
	} else {
		rg = &s->ring[i];
		pages = &s->pages;
	}
	if (rg->pg == NULL)
		return ring_map(s, rg, pages, fd, err, errlen);
	if (ioctl(fd, PERF_EVENT_IOC_SET_OUTPUT, rg->fd) != 0) {
		snprintf(err, errlen, "PERF_EVENT_IOC_SET_OUTPUT: %s", strerror(errno));
		return -1;
	}
	return 0;
}

static int
open_thread(struct sample_session *s, pid_t tid, int enable_on_exec, char *err, size_t errlen)
{
	int r = 0;

	for (int i = 0; i < s->ncpu && r == 0; i++)
		for (int k = 0; k < s->nkind && r == 0; k++)
			r = open_event(s, tid, i, k, enable_on_exec, err, errlen);
	return r;
}

static int
has_tid(const pid_t *t, int n, pid_t tid)
{
	for (int i = 0; i < n; i++)
		if (t[i] == tid)
			return 1;
	return 0;
}

/*
 * A running process: inherit only reaches threads created after the event
 * opens, so every thread it has now gets its own events, one per CPU, all
 * inherited, all sent to the CPU's ring.  (Per-thread events, cpu -1, are
 * no way round the count of events: the kernel refuses to map an inherited
 * one, EINVAL, and without inherit new threads go unseen; nor can they
 * share a per-CPU ring, so each would need its own.)  Threads created
 * while the events open are caught by listing the threads again until no
 * new one appears.
 */
static int
open_process(struct sample_session *s, pid_t pid, char *err, size_t errlen)
{
	char path[64];
	struct dirent *d;
	DIR *dir;
	pid_t *done = NULL, tid;
	int ndone = 0, found = 1, r = 0;

	snprintf(path, sizeof(path), "/proc/%d/task", (int)pid);
	while (found && r >= 0) {
		if ((dir = opendir(path)) == NULL) {
			if (ndone > 0)
				break;
			open_error(s, ESRCH, pid, err, errlen);
			r = -1;
			break;
		}
		found = 0;
		while (r >= 0 && (d = readdir(dir)) != NULL) {
			if ((tid = (pid_t)atoi(d->d_name)) <= 0 || has_tid(done, ndone, tid))
				continue;
			done = xreallocarray(done, ndone + 1, sizeof(*done));
			done[ndone++] = tid;
			found = 1;
			/* A thread that ended meanwhile is no error. */
			if ((r = open_thread(s, tid, 0, err, errlen)) > 0)
				r = 0;
		}
		closedir(dir);
	}
	free(done);
	if (r == 0 && ndone == 0) {
		open_error(s, ESRCH, pid, err, errlen);
		r = -1;
	}
	return r;
}

static size_t
pow2_pages(uint64_t bytes, size_t psz)
{
	size_t n = 1;

	while (n * psz < bytes)
		n *= 2;
	return n;
}

const char *
sample_tracefs(const char *dir)
{
	static const char *const where[] = { "/sys/kernel/tracing", "/sys/kernel/debug/tracing" };
	char path[4096];

	for (size_t i = 0; i < sizeof(where) / sizeof(where[0]); i++) {
		const char *d = dir != NULL ? dir : where[i];
		/* An empty mount point has no events. */
		snprintf(path, sizeof(path), "%s/events", d);
		if (access(path, X_OK) == 0)
			return d;
		if (dir != NULL)
			break;
	}
	return NULL;
}

/* The id of the tracepoint EVENT ("sched/sched_switch"), 0 if unknown. */
static uint64_t
tp_id(const char *dir, const char *event)
{
	char path[4096], buf[32];
	uint64_t id = 0;
	FILE *f;

	snprintf(path, sizeof(path), "%s/events/%s/id", dir, event);
	if ((f = fopen(path, "r")) == NULL)
		return 0;
	if (fgets(buf, sizeof(buf), f) != NULL)
		id = strtoull(buf, NULL, 10);
	fclose(f);
	return id;
}

/*
 * The offset of field in the raw data of the tracepoint EVENT, from its
 * format ("field:long prev_state;\toffset:32;\tsize:8;"); -1 when it has
 * no 8-byte field of that name.
 */
static int
tp_offset(const char *dir, const char *event, const char *field)
{
	char path[4096], line[512], *p, *q;
	size_t n = strlen(field);
	int off = -1;
	FILE *f;

	snprintf(path, sizeof(path), "%s/events/%s/format", dir, event);
	if ((f = fopen(path, "r")) == NULL)
		return -1;
	while (off < 0 && fgets(line, sizeof(line), f) != NULL) {
		/* the name ends the declaration, an array has its size after */
		if ((p = strchr(line, ';')) == NULL || (q = strstr(line, "offset:")) == NULL)
			continue;
		while (p > line && p[-1] == ']')
			while (p > line && *--p != '[')
				;
		if ((size_t)(p - line) < n || strncmp(p - n, field, n) != 0 ||
		    (p - n > line && (isalnum((unsigned char)p[-n - 1]) || p[-n - 1] == '_')))
			continue;
		if (strstr(q, "size:8;") != NULL || (strchr(p, '[') != NULL))
			off = atoi(q + 7);
	}
	fclose(f);
	return off;
}

/*
 * The events of o.events, and how to read them: sched_switch where tracefs
 * has it (else the software context-switches), raw_syscalls for system
 * calls.  Returns -1 with a message when system calls cannot be traced.
 */
static int
choose_events(struct sample_session *s, char *err, size_t errlen)
{
	const char *dir = sample_tracefs(s->o.tracefs);
	int ev = s->o.events ? s->o.events : SAMPLE_ON_CPU;

	s->o.events = ev;
	s->layout.callchain = s->o.kernel;
	s->layout.state_off = s->layout.nr_off = s->layout.args_off = s->layout.ret_off = -1;
	if (ev & SAMPLE_SYSCALLS) {
		/* The exits, small, first: with the side-band records, in
		 * rings of their own, so that a call's result is there when
		 * the kernel drops the entry's stack. */
		s->kind[s->nkind++] = SAMPLE_EV_SYS_EXIT;
		s->kind[s->nkind++] = SAMPLE_EV_SYS_ENTER;
		s->layout.callchain = 0;
		s->layout.raw = 1;
		if (dir == NULL || (s->tp_enter = tp_id(dir, "raw_syscalls/sys_enter")) == 0 ||
		    (s->tp_exit = tp_id(dir, "raw_syscalls/sys_exit")) == 0) {
			snprintf(err, errlen, "system calls are traced with the tracepoints "
			    "raw_syscalls:sys_enter and sys_exit of tracefs, which is not mounted%s%s: "
			    "mount it (mount -t tracefs nodev /sys/kernel/tracing) and run as root "
			    "or with CAP_PERFMON", dir != NULL ? " or lacks them at " : "",
			    dir != NULL ? dir : "");
			return -1;
		}
		s->layout.nr_off = tp_offset(dir, "raw_syscalls/sys_enter", "id");
		s->layout.args_off = tp_offset(dir, "raw_syscalls/sys_enter", "args");
		s->layout.ret_off = tp_offset(dir, "raw_syscalls/sys_exit", "ret");
		return 0;
	}
	/* The switches, and the records unwinding needs, in rings the
	 * stack samples cannot fill. */
	if (ev & SAMPLE_SWITCHES)
		s->kind[s->nkind++] = SAMPLE_EV_SIDE;
	if (ev & SAMPLE_ON_CPU)
		s->kind[s->nkind++] = SAMPLE_EV_CPU;
	if (ev & SAMPLE_SWITCHES) {
		s->kind[s->nkind++] = SAMPLE_EV_SWITCH_OUT;
		/* Time on CPU as a time, and the kernel's frames of a switch. */
		s->hw = 0;
		s->layout.callchain = 1;
		if (dir != NULL && (s->tp_switch = tp_id(dir, "sched/sched_switch")) != 0 &&
		    (s->layout.state_off = tp_offset(dir, "sched/sched_switch", "prev_state")) >= 0)
			s->layout.raw = 1;
		else
			s->tp_switch = 0;
	}
	return 0;
}

struct sample_session *
sample_open(const struct sample_opts *o, const pid_t *pids, int npids,
    int enable_on_exec, const char **event_name, char *err, size_t errlen)
{
	struct sample_session *s = xcalloc(1, sizeof(*s));
	size_t psz = (size_t)sysconf(_SC_PAGESIZE), record;
	uint64_t want;
	int i, r = 0;

	s->o = *o;
	s->hw = 1;
	if (choose_events(s, err, errlen) < 0) {
		free(s);
		return NULL;
	}
	s->layout.event = s->kind[0];
	s->layout.identifier = s->nkind > 1;
	s->q = samplequeue_new(&s->layout);
	if (s->o.freq <= 0)
		s->o.freq = 99;
	if (s->o.stack_size == 0)
		s->o.stack_size = 16384;
	if (s->o.stack_size > STACK_MAX)
		s->o.stack_size = STACK_MAX;
	s->o.stack_size &= ~7u;
	s->ncpu = online_cpus(&s->cpu);
	s->nring = s->kind[0] == SAMPLE_EV_SIDE || s->kind[0] == SAMPLE_EV_SYS_EXIT ?
	    2 * s->ncpu : s->ncpu;
	s->ring = xcalloc((size_t)s->nring, sizeof(*s->ring));
	for (i = 0; i < s->nring; i++)
		s->ring[i].fd = -1;

	/* A ring holds at least two of the largest samples. */
	record = s->o.stack_size + 1024 + (s->layout.callchain ? 128 * 8 : 0);
	s->min_pages = pow2_pages(2 * record, psz);
	want = (uint64_t)s->o.freq * record / 4;
	/* Switches and system calls come at no rate: the most there is. */
	if (s->o.events != SAMPLE_ON_CPU || want > RING_MAX_CPU)
		want = RING_MAX_CPU;
	if (want > RING_MAX_ALL / (uint64_t)s->ncpu)
		want = RING_MAX_ALL / (uint64_t)s->ncpu;
	s->pages = o->buffer_pages ? pow2_pages(o->buffer_pages * psz, psz) : pow2_pages(want, psz);
	if (s->pages < s->min_pages)
		s->pages = s->min_pages;
	/* A switch record is about 40 bytes, a system call exit 250: 200,000
	 * and 30,000 of them. */
	s->side_pages = pow2_pages(SIDE_RING, psz);
	if (s->side_pages < s->min_pages)
		s->side_pages = s->min_pages;

	for (i = 0; i < npids && r == 0; i++) {
		if (enable_on_exec) {
			/* The events of a command that has not exec'd yet:
			 * its threads and children inherit them. */
			if ((r = open_thread(s, pids[i], 1, err, errlen)) > 0) {
				open_error(s, ESRCH, pids[i], err, errlen);
				r = -1;
			}
		} else {
			r = open_process(s, pids[i], err, errlen);
		}
	}
	if (r == 0 && s->nfd == 0) {
		snprintf(err, errlen, "no process to sample");
		r = -1;
	}
	if (r != 0) {
		sample_close(s);
		return NULL;
	}
	if (!enable_on_exec)
		for (i = 0; i < s->nfd; i++)
			ioctl(s->fd[i], PERF_EVENT_IOC_ENABLE, 0);
	if (event_name != NULL)
		*event_name = s->o.events & SAMPLE_SYSCALLS ? "raw_syscalls" :
		    !(s->o.events & SAMPLE_ON_CPU) ? (s->tp_switch ? "sched_switch" : "context-switches") :
		    s->hw ? "cycles" : "cpu-clock";
	return s;
}

int
sample_switch_state(const struct sample_session *s)
{
	return s->tp_switch != 0;
}

const char *
sample_kernel_refused(const struct sample_session *s)
{
	return s->kernel_refused[0] != '\0' ? s->kernel_refused : NULL;
}

void
sample_close(struct sample_session *s)
{
	if (s == NULL)
		return;
	for (int i = 0; i < s->nring; i++)
		if (s->ring[i].pg != NULL)
			munmap(s->ring[i].pg, s->ring[i].maplen);
	for (int i = 0; i < s->nfd; i++)
		close(s->fd[i]);
	samplequeue_free(s->q);
	free(s->fd);
	free(s->fdkind);
	free(s->pfd);
	free(s->ring);
	free(s->cpu);
	free(s);
}
