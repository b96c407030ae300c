/* perfmap: a JIT's /tmp/perf-PID.map, read as it grows.  See perfmap.h. */
#include "sym/perfmap.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/util.h"

/* Holds a line of PERFMAP_NAME_MAX bytes of name with room to spare; the
 * head of a longer line is read from it, the rest skipped. */
#define BUFSZ (64 * 1024)

/* seq: the line's rank in the batch it was read in (later wins) */
struct range {
	uint64_t start, end;
	uint32_t name, seq;
};

struct perfmap {
	int fd;
	uint64_t off;               /* bytes of the file read, whole lines */
	int skipping;               /* in the tail of a line too long */
	struct range *r;            /* sorted by start, disjoint */
	size_t nr;
	struct range *batch;        /* lines of this update, in file order */
	size_t nbatch, capbatch;
	char *names;                /* NUL-terminated names, at range.name */
	size_t nnames, capnames;
	char *buf;
	char head[64];              /* the file's first bytes, as read */
	size_t nhead;
	struct perfmap_stats st;
};

struct perfmap *
perfmap_open(const char *path, uid_t owner, time_t not_before)
{
	struct perfmap *pm;
	struct stat ls, fs;
	int fd, e;

	if (lstat(path, &ls) != 0)
		return NULL;
	if (S_ISLNK(ls.st_mode)) {
		errno = ELOOP;
		return NULL;
	}
	if (!S_ISREG(ls.st_mode)) {
		errno = EINVAL;
		return NULL;
	}
	/* O_NONBLOCK: were it swapped for a FIFO since, the open must not
	 * wait for a writer; fstat then refuses it. */
	fd = open(path, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_NOCTTY | O_CLOEXEC);
	if (fd < 0)
		return NULL;
	e = 0;
	if (fstat(fd, &fs) != 0)
		e = errno;
	else if (!S_ISREG(fs.st_mode) || fs.st_dev != ls.st_dev || fs.st_ino != ls.st_ino)
		e = EINVAL;
	else if (fs.st_uid != owner && fs.st_uid != 0)
		e = EPERM;
	else if (not_before != 0 && fs.st_mtime < not_before)
		e = ESTALE;
	if (e != 0) {
		close(fd);
		errno = e;
		return NULL;
	}
	pm = xcalloc(1, sizeof(*pm));
	pm->fd = fd;
	return pm;
}

/* When process pid started, in seconds since the epoch; 0 if unknown. */
static time_t
proc_start(pid_t pid)
{
	char path[64], buf[1024], *s;
	unsigned long long ticks = 0, btime = 0;
	long hz = sysconf(_SC_CLK_TCK);
	FILE *fp;
	size_t n;
	int i;

	snprintf(path, sizeof(path), "/proc/%d/stat", (int)pid);
	if ((fp = fopen(path, "re")) == NULL)
		return 0;
	n = fread(buf, 1, sizeof(buf) - 1, fp);
	fclose(fp);
	buf[n] = '\0';
	/* starttime is field 22, in clock ticks since boot; field 2, the
	 * command name in parentheses, may hold anything: count from its
	 * last ')', then a blank before each field */
	if ((s = strrchr(buf, ')')) == NULL)
		return 0;
	for (i = 2; i < 22 && s != NULL; i++)
		s = strchr(s + 1, ' ');
	if (s == NULL || sscanf(s, " %llu", &ticks) != 1)
		return 0;
	if ((fp = fopen("/proc/stat", "re")) == NULL)
		return 0;
	while (fgets(buf, sizeof(buf), fp) != NULL)
		if (sscanf(buf, "btime %llu", &btime) == 1)
			break;
	fclose(fp);
	if (btime == 0 || hz <= 0)
		return 0;
	return (time_t)(btime + ticks / (unsigned long long)hz);
}

struct perfmap *
perfmap_open_pid(pid_t pid)
{
	char path[64];
	struct stat sb;
	time_t start;

	snprintf(path, sizeof(path), "/proc/%d", (int)pid);
	if (pid <= 0 || stat(path, &sb) != 0) {
		errno = ESRCH;
		return NULL;
	}
	/* 2 s early: btime is rounded, and so may be the file's mtime */
	start = proc_start(pid);
	snprintf(path, sizeof(path), "/tmp/perf-%d.map", (int)pid);
	return perfmap_open(path, sb.st_uid, start > 2 ? start - 2 : 0);
}

static void
reset(struct perfmap *pm)
{
	pm->off = 0;
	pm->skipping = 0;
	pm->nr = 0;
	pm->nnames = 0;
	pm->nhead = 0;
	memset(&pm->st, 0, sizeof(pm->st));
}

/* The file was rewritten since it was read: it is shorter, or its first
 * bytes changed (truncated, then written again past the old end). */
static int
rewritten(struct perfmap *pm, uint64_t size)
{
	char now[sizeof(pm->head)];

	if (size < pm->off)
		return 1;
	if (pm->nhead == 0 || size == pm->off)
		return 0;
	return pread(pm->fd, now, pm->nhead, 0) != (ssize_t)pm->nhead ||
	    memcmp(now, pm->head, pm->nhead) != 0;
}

static int
hexval(int c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	c |= 0x20;
	return c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
}

/* A hex number of 1 to 16 digits, "0x" allowed, at *s; advances *s. */
static int
hex(const char **s, const char *end, uint64_t *v)
{
	const char *p = *s;
	int d, n = 0;

	if (end - p > 2 && p[0] == '0' && (p[1] | 0x20) == 'x' && hexval(p[2]) >= 0)
		p += 2;
	for (*v = 0; p < end && (d = hexval((unsigned char)*p)) >= 0; p++, n++) {
		if (n == 16)
			return -1;
		*v = *v << 4 | (uint64_t)d;
	}
	*s = p;
	return n > 0 ? 0 : -1;
}

static const char *
blanks(const char *p, const char *end)
{
	while (p < end && (*p == ' ' || *p == '\t'))
		p++;
	return p;
}

/* One line, without its newline, to the batch. */
static void
line(struct perfmap *pm, const char *s, size_t n)
{
	const char *p = s, *end = s + n, *q;
	uint64_t start, size;
	struct range *b;
	char *d;

	pm->st.lines++;
	if (n > 0 && end[-1] == '\r')
		end--;
	if (hex(&p, end, &start) != 0 || (q = blanks(p, end)) == p ||
	    hex(&q, end, &size) != 0 || (p = blanks(q, end)) == q ||
	    p == end || size == 0 || start + size < start) {
		pm->st.malformed++;
		return;
	}
	n = (size_t)(end - p);
	if (n > PERFMAP_NAME_MAX) {
		n = PERFMAP_NAME_MAX;
		/* not inside a UTF-8 sequence: before its lead byte */
		for (int k = 0; k < 3 && ((unsigned char)p[n] & 0xc0) == 0x80; k++)
			n--;
		pm->st.capped++;
	}
	if (pm->st.kept >= PERFMAP_LINES_MAX || pm->nnames + n + 1 > PERFMAP_NAMES_MAX) {
		pm->st.dropped++;
		return;
	}
	if (pm->nnames + n + 1 > pm->capnames) {
		pm->capnames = pm->capnames ? pm->capnames * 2 : 64 * 1024;
		while (pm->capnames < pm->nnames + n + 1)
			pm->capnames *= 2;
		pm->names = xrealloc(pm->names, pm->capnames);
	}
	d = pm->names + pm->nnames;
	memcpy(d, p, n);
	d[n] = '\0';
	while ((d = memchr(d, '\0', (size_t)(pm->names + pm->nnames + n - d))) != NULL)
		*d++ = ' ';
	if (pm->nbatch == pm->capbatch) {
		pm->capbatch = pm->capbatch ? pm->capbatch * 2 : 1024;
		pm->batch = xreallocarray(pm->batch, pm->capbatch, sizeof(*pm->batch));
	}
	b = &pm->batch[pm->nbatch];
	b->start = start;
	b->end = start + size;
	b->name = (uint32_t)pm->nnames;
	b->seq = (uint32_t)pm->nbatch++;
	pm->nnames += n + 1;
	pm->st.kept++;
}

static int
by_start(const void *a, const void *b)
{
	const struct range *x = a, *y = b;

	if (x->start != y->start)
		return x->start < y->start ? -1 : 1;
	return x->seq < y->seq ? -1 : x->seq > y->seq;
}

static int
by_value(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return x < y ? -1 : x > y;
}

/* A max-heap of batch indices by seq. */
static void
heap_push(const struct range *b, size_t *h, size_t *n, size_t v)
{
	size_t i = (*n)++, up;

	for (; i > 0 && b[h[up = (i - 1) / 2]].seq < b[v].seq; i = up)
		h[i] = h[up];
	h[i] = v;
}

static void
heap_pop(const struct range *b, size_t *h, size_t *n)
{
	size_t i = 0, c, v = h[--*n];

	while ((c = 2 * i + 1) < *n) {
		if (c + 1 < *n && b[h[c + 1]].seq > b[h[c]].seq)
			c++;
		if (b[h[c]].seq <= b[v].seq)
			break;
		h[i] = h[c];
		i = c;
	}
	h[i] = v;
}

/*
 * The batch made disjoint, the later line winning where lines overlap:
 * a sweep over the ends of the ranges, the latest line covering each
 * piece on top of a heap.  Returns the pieces, sorted, in *n.
 */
static struct range *
disjoint(struct range *b, size_t nb, size_t *n)
{
	struct range *out;
	uint64_t *x;
	size_t *h, nh = 0, nx = 0, k = 0, i, no = 0;

	qsort(b, nb, sizeof(*b), by_start);
	for (i = 0; i + 1 < nb && b[i].end <= b[i + 1].start; i++)
		;
	if (i + 1 >= nb) {
		*n = nb;
		out = xreallocarray(NULL, nb, sizeof(*out));
		memcpy(out, b, nb * sizeof(*out));
		return out;
	}
	x = xreallocarray(NULL, 2 * nb, sizeof(*x));
	for (i = 0; i < nb; i++) {
		x[2 * i] = b[i].start;
		x[2 * i + 1] = b[i].end;
	}
	qsort(x, 2 * nb, sizeof(*x), by_value);
	for (i = 0; i < 2 * nb; i++)
		if (nx == 0 || x[nx - 1] != x[i])
			x[nx++] = x[i];
	h = xreallocarray(NULL, nb, sizeof(*h));
	out = xreallocarray(NULL, nx, sizeof(*out));
	for (i = 0; i + 1 < nx; i++) {
		while (k < nb && b[k].start <= x[i])
			heap_push(b, h, &nh, k++);
		while (nh > 0 && b[h[0]].end <= x[i])
			heap_pop(b, h, &nh);
		if (nh == 0)
			continue;
		if (no > 0 && out[no - 1].end == x[i] && out[no - 1].seq == b[h[0]].seq) {
			out[no - 1].end = x[i + 1];
			continue;
		}
		out[no] = b[h[0]];
		out[no].start = x[i];
		out[no++].end = x[i + 1];
	}
	free(h);
	free(x);
	*n = no;
	return out;
}

/* The batch laid over the ranges held, which it cuts where they overlap. */
static void
merge(struct perfmap *pm)
{
	struct range *b, *out, cur;
	size_t nb, i = 0, j = 0, no = 0;

	b = disjoint(pm->batch, pm->nbatch, &nb);
	pm->nbatch = 0;
	out = xreallocarray(NULL, pm->nr + 2 * nb, sizeof(*out));
	if (pm->nr > 0)
		cur = pm->r[0];
	while (i < pm->nr || j < nb) {
		if (j < nb && (i == pm->nr || b[j].start <= cur.start)) {
			out[no++] = b[j];
			while (i < pm->nr && cur.end <= b[j].end)
				if (++i < pm->nr)
					cur = pm->r[i];
			if (i < pm->nr && cur.start < b[j].end)
				cur.start = b[j].end;
			j++;
		} else if (j < nb && cur.end > b[j].start) {
			out[no] = cur;
			out[no++].end = b[j].start;
			cur.start = b[j].start;
		} else {
			out[no++] = cur;
			if (++i < pm->nr)
				cur = pm->r[i];
		}
	}
	free(b);
	free(pm->r);
	pm->r = out;
	pm->nr = no;
}

int
perfmap_update(struct perfmap *pm)
{
	struct stat sb;
	uint64_t size, lines = pm->st.lines;
	size_t budget = PERFMAP_READ_MAX, want;
	const char *p, *end, *nl;
	ssize_t n;

	if (fstat(pm->fd, &sb) != 0)
		return -1;
	size = (uint64_t)sb.st_size;
	if (rewritten(pm, size)) {
		reset(pm);
		lines = 0;
	}
	if (pm->buf == NULL && size > pm->off)
		pm->buf = xmalloc(BUFSZ);
	while (budget > 0 && pm->off < size) {
		want = BUFSZ < budget ? BUFSZ : budget;
		if (want > size - pm->off)
			want = (size_t)(size - pm->off);
		if ((n = pread(pm->fd, pm->buf, want, (off_t)pm->off)) < 0) {
			if (errno == EINTR)
				continue;
			return -1;
		}
		if (n == 0)
			break;
		budget -= (size_t)n;
		if (pm->off == 0) {
			pm->nhead = (size_t)n < sizeof(pm->head) ? (size_t)n : sizeof(pm->head);
			memcpy(pm->head, pm->buf, pm->nhead);
		}
		p = pm->buf;
		end = p + n;
		if (pm->skipping) {
			if ((nl = memchr(p, '\n', (size_t)n)) == NULL) {
				pm->off += (uint64_t)n;
				continue;
			}
			p = nl + 1;
			pm->skipping = 0;
		}
		while ((nl = memchr(p, '\n', (size_t)(end - p))) != NULL) {
			line(pm, p, (size_t)(nl - p));
			p = nl + 1;
		}
		if (p == pm->buf && n == BUFSZ) {
			/* a line longer than the buffer: its head names it */
			line(pm, p, (size_t)n);
			p = end;
			pm->skipping = 1;
		}
		if (p == pm->buf)
			break;          /* a line still being written */
		pm->off += (uint64_t)(p - pm->buf);
	}
	if (pm->nbatch > 0)
		merge(pm);
	return (int)(pm->st.lines - lines);
}

const char *
perfmap_name(const struct perfmap *pm, uint64_t addr)
{
	size_t lo = 0, hi = pm->nr, i;

	while (lo < hi) {
		i = lo + (hi - lo) / 2;
		if (addr < pm->r[i].start)
			hi = i;
		else if (addr >= pm->r[i].end)
			lo = i + 1;
		else
			return pm->names + pm->r[i].name;
	}
	return NULL;
}

void
perfmap_stats(const struct perfmap *pm, struct perfmap_stats *st)
{
	*st = pm->st;
}

void
perfmap_free(struct perfmap *pm)
{
	if (pm == NULL)
		return;
	close(pm->fd);
	free(pm->r);
	free(pm->batch);
	free(pm->names);
	free(pm->buf);
	free(pm);
}
