/*
 * libprof-agent.so: see agent.h.  Runs inside the program being profiled,
 * so it uses no stdio, no die(), no malloc of its own: system calls, the
 * string functions, and memory from mmap.
 */
#define _GNU_SOURCE
#include "agent/agent.h"

#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <link.h>
#include <pthread.h>
#include <semaphore.h>
#include <signal.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#define EXPORT __attribute__((visibility("default")))

/* The Makefile passes prof's version (scripts/version); see AGENT_VERSION_TAG. */
#ifndef AGENT_BUILD_VERSION
#define AGENT_BUILD_VERSION "unknown"
#endif
__attribute__((used)) static const char agent_version[] = AGENT_VERSION_TAG AGENT_BUILD_VERSION;
#define TLS __thread __attribute__((tls_model("initial-exec")))
#define LIKELY(x) __builtin_expect(!!(x), 1)
#define UNLIKELY(x) __builtin_expect(!!(x), 0)

/* glibc's allocator under its own names (exported since GLIBC_2.2.5). */
extern void *__libc_malloc(size_t);
extern void __libc_free(void *);
extern void *__libc_calloc(size_t, size_t);
extern void *__libc_realloc(void *, size_t);
extern void *__libc_memalign(size_t, size_t);
extern void *__libc_valloc(size_t);
extern void *__libc_pvalloc(size_t);
extern int __cxa_atexit(void (*)(void *), void *, void *);

/* ---- the functions taken, found in the next object (libc) ---- */

static struct {
	int (*mutex_lock)(pthread_mutex_t *);
	int (*mutex_trylock)(pthread_mutex_t *);
	int (*mutex_unlock)(pthread_mutex_t *);
	int (*mutex_timedlock)(pthread_mutex_t *, const struct timespec *);
	int (*rdlock)(pthread_rwlock_t *);
	int (*wrlock)(pthread_rwlock_t *);
	int (*tryrdlock)(pthread_rwlock_t *);
	int (*trywrlock)(pthread_rwlock_t *);
	int (*timedrdlock)(pthread_rwlock_t *, const struct timespec *);
	int (*timedwrlock)(pthread_rwlock_t *, const struct timespec *);
	int (*mutex_clocklock)(pthread_mutex_t *, clockid_t, const struct timespec *);
	int (*clockrdlock)(pthread_rwlock_t *, clockid_t, const struct timespec *);
	int (*clockwrlock)(pthread_rwlock_t *, clockid_t, const struct timespec *);
	int (*cond_clockwait)(pthread_cond_t *, pthread_mutex_t *, clockid_t,
	    const struct timespec *);
	int (*sem_clockwait)(sem_t *, clockid_t, const struct timespec *);
	int (*timedjoin)(pthread_t, void **, const struct timespec *);
	int (*clockjoin)(pthread_t, void **, clockid_t, const struct timespec *);
	int (*cond_wait)(pthread_cond_t *, pthread_mutex_t *);
	int (*cond_timedwait)(pthread_cond_t *, pthread_mutex_t *, const struct timespec *);
	int (*sem_wait)(sem_t *);
	int (*sem_trywait)(sem_t *);
	int (*sem_timedwait)(sem_t *, const struct timespec *);
	int (*join)(pthread_t, void **);
	int (*tryjoin)(pthread_t, void **);
	int (*create)(pthread_t *, const pthread_attr_t *, void *(*)(void *), void *);
	int (*execve)(const char *, char *const[], char *const[]);
	int (*execv)(const char *, char *const[]);
	int (*execvp)(const char *, char *const[]);
	int (*execvpe)(const char *, char *const[], char *const[]);
	int (*fexecve)(int, char *const[], char *const[]);
	void (*exit_)(int);
	void (*Exit_)(int);
} real;

static void
resolve(void)
{
	/* The condition variables of glibc 2.3.2 on, not the old ABI's,
	 * which dlsym would give. */
#define NEXT(f, name) if (real.f == NULL) *(void **)&real.f = dlsym(RTLD_NEXT, name)
#define NEXTV(f, name, v) if (real.f == NULL) *(void **)&real.f = dlvsym(RTLD_NEXT, name, v)
	NEXT(mutex_lock, "pthread_mutex_lock");
	NEXT(mutex_trylock, "pthread_mutex_trylock");
	NEXT(mutex_unlock, "pthread_mutex_unlock");
	NEXT(mutex_timedlock, "pthread_mutex_timedlock");
	NEXT(rdlock, "pthread_rwlock_rdlock");
	NEXT(wrlock, "pthread_rwlock_wrlock");
	NEXT(tryrdlock, "pthread_rwlock_tryrdlock");
	NEXT(trywrlock, "pthread_rwlock_trywrlock");
	NEXT(timedrdlock, "pthread_rwlock_timedrdlock");
	NEXT(timedwrlock, "pthread_rwlock_timedwrlock");
	NEXT(mutex_clocklock, "pthread_mutex_clocklock");
	NEXT(clockrdlock, "pthread_rwlock_clockrdlock");
	NEXT(clockwrlock, "pthread_rwlock_clockwrlock");
	NEXT(cond_clockwait, "pthread_cond_clockwait");
	NEXT(sem_clockwait, "sem_clockwait");
	NEXT(timedjoin, "pthread_timedjoin_np");
	NEXT(clockjoin, "pthread_clockjoin_np");
	NEXTV(cond_wait, "pthread_cond_wait", "GLIBC_2.3.2");
	NEXTV(cond_timedwait, "pthread_cond_timedwait", "GLIBC_2.3.2");
	NEXT(cond_wait, "pthread_cond_wait");
	NEXT(cond_timedwait, "pthread_cond_timedwait");
	NEXT(sem_wait, "sem_wait");
	NEXT(sem_trywait, "sem_trywait");
	NEXT(sem_timedwait, "sem_timedwait");
	NEXT(join, "pthread_join");
	NEXT(tryjoin, "pthread_tryjoin_np");
	NEXT(create, "pthread_create");
	NEXT(execve, "execve");
	NEXT(execv, "execv");
	NEXT(execvp, "execvp");
	NEXT(execvpe, "execvpe");
	NEXT(fexecve, "fexecve");
	NEXT(exit_, "_exit");
	NEXT(Exit_, "_Exit");
#undef NEXT
#undef NEXTV
}

/* Calls before the constructor (another library's) find their function
 * here; dlsym's own allocations are passed through. */
#define REAL(f) (LIKELY(real.f != NULL) ? real.f : (resolve(), real.f))

/* ---- state ---- */

/* Per thread: in the agent (pass everything through), and sampling. */
static TLS int busy;
static TLS int64_t left = -1;      /* bytes to the next sample */
static TLS uint64_t rng;           /* 0: not seeded yet */

/* What is recorded now; read without the lock, cleared when the stream
 * ends.  The rest is under mu. */
static int on_mem, on_lock, on_block, on_thread;
static uint64_t rate = AGENT_RATE_DEFAULT;
static uint64_t seed;
static unsigned events = AGENT_EV_ALL;
static unsigned start_flags;

static pthread_mutex_t mu = PTHREAD_MUTEX_INITIALIZER;
static int ready;                  /* the constructor ran, a stream is open */
static int dead;                   /* the stream ended: write nothing */
static pid_t pid;
static int fd = -1, fd_sock;
static dev_t fd_dev;
static ino_t fd_ino;
static uint32_t seq;
static unsigned char buf[AGENT_CHUNK_MAX] __attribute__((aligned(8)));
static size_t used = sizeof(struct agent_chunk);
static uint64_t n_allocs, n_frees, n_waits, n_threads;
static int counting;                /* AGENT_EV_COUNT: counts, no samples */
static uint64_t n_counted, n_counted_bytes;

/* The agent's code and libunwind's: frames there are not the program's. */
static uintptr_t self_lo, self_hi, unw_lo, unw_hi;
static int (*unw_backtrace_fn)(void **, int);

static void
lock(void)
{
	real.mutex_lock(&mu);
}

static void
unlock(void)
{
	real.mutex_unlock(&mu);
}

static void *
map_mem(size_t size)
{
	void *p = mmap(NULL, size, PROT_READ | PROT_WRITE,
	    MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);

	return p == MAP_FAILED ? NULL : p;
}

static uint64_t
now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

/* ---- the stream ---- */

static void
stop(void)
{
	dead = 1;
	__atomic_store_n(&on_mem, 0, __ATOMIC_RELAXED);
	__atomic_store_n(&on_lock, 0, __ATOMIC_RELAXED);
	__atomic_store_n(&on_block, 0, __ATOMIC_RELAXED);
	__atomic_store_n(&on_thread, 0, __ATOMIC_RELAXED);
}

/* Writes the chunk buffered, in one write(2) (under mu). */
static void
flush(void)
{
	struct agent_chunk *c = (struct agent_chunk *)buf;
	struct timespec zero = { 0, 0 };
	sigset_t pipe_set, old;
	struct stat st;
	size_t off = 0;
	ssize_t n;

	if (used <= sizeof(*c))
		return;
	if (dead) {
		used = sizeof(*c);
		return;
	}
	c->magic = AGENT_MAGIC;
	c->size = (uint32_t)used;
	c->pid = pid;
	c->seq = seq++;
	/* The program may have closed the descriptor and opened another
	 * file under its number: that file is not the stream. */
	if (fstat(fd, &st) != 0 || st.st_dev != fd_dev || st.st_ino != fd_ino) {
		stop();
		used = sizeof(*c);
		return;
	}
	if (!fd_sock) {
		sigemptyset(&pipe_set);
		sigaddset(&pipe_set, SIGPIPE);
		pthread_sigmask(SIG_BLOCK, &pipe_set, &old);
	}
	while (off < used) {
		if (fd_sock)
			n = send(fd, buf + off, used - off, MSG_NOSIGNAL);
		else
			n = write(fd, buf + off, used - off);
		if (n > 0) {
			off += (size_t)n;
		} else if (n < 0 && errno == EINTR) {
			continue;
		} else if (n < 0 && errno == EAGAIN) {
			/* a descriptor made non-blocking: wait a little */
			struct timespec ms = { 0, 1000000 };
			nanosleep(&ms, NULL);
		} else {
			/* the reader is gone: its SIGPIPE was ours, not the
			 * program's */
			if (!fd_sock && errno == EPIPE)
				sigtimedwait(&pipe_set, NULL, &zero);
			stop();
			break;
		}
	}
	if (!fd_sock)
		pthread_sigmask(SIG_SETMASK, &old, NULL);
	used = sizeof(*c);
}

/* PROF_AGENT_FLUSH_MS: the flusher writes the buffer every flush_ms;
 * flusher_pid is the process it runs in. */
static unsigned flush_ms;
static pid_t flusher_pid;

static void *
flusher(void *arg)
{
	struct timespec ts = { flush_ms / 1000, (long)(flush_ms % 1000) * 1000000 };
	sigset_t all;

	busy = 1;
	/* the program's signals are its own threads' to take */
	sigfillset(&all);
	pthread_sigmask(SIG_BLOCK, &all, NULL);
	for (;;) {
		nanosleep(&ts, NULL);
		lock();
		if (dead || flusher_pid != (pid_t)syscall(SYS_getpid)) {
			unlock();
			return NULL;
		}
		flush();
		unlock();
	}
}

/* Starts the flusher of this process (with busy set: what creating a
 * thread allocates is not the program's). */
static void
start_flusher(void)
{
	pthread_attr_t a;
	pthread_t t;

	flusher_pid = pid;
	pthread_attr_init(&a);
	pthread_attr_setdetachstate(&a, PTHREAD_CREATE_DETACHED);
	pthread_attr_setstacksize(&a, 64 * 1024);
	REAL(create)(&t, &a, flusher, NULL);
	pthread_attr_destroy(&a);
}

/* Room for a record of size bytes (a multiple of 8) in the buffer. */
static void *
put(unsigned type, size_t size, uint32_t arg)
{
	struct agent_rec *r;

	if (flush_ms != 0 && flusher_pid != pid)
		start_flusher();    /* a forked child's */

	if (used + size > sizeof(buf))
		flush();
	r = (struct agent_rec *)(buf + used);
	memset(r, 0, size);
	r->type = (uint16_t)type;
	r->size = (uint16_t)size;
	r->arg = arg;
	used += size;
	return r;
}

/* ---- mappings ---- */

struct amap {
	uint64_t start, end, pgoff, ino;
};

static struct amap *maps, *maps_new;    /* sorted by start */
static size_t nmaps, nnew, cap_maps;
static uint64_t remapped_at;
static int maps_stale;         /* a pc outside them, not read again yet */

static int
known(uint64_t pc)
{
	size_t lo = 0, hi = nmaps, i;

	while (lo < hi) {
		i = lo + (hi - lo) / 2;
		if (pc < maps[i].start)
			hi = i;
		else if (pc >= maps[i].end)
			lo = i + 1;
		else
			return 1;
	}
	return 0;
}

static int
had(const struct amap *m)
{
	size_t lo = 0, hi = nmaps, i;

	while (lo < hi) {
		i = lo + (hi - lo) / 2;
		if (m->start < maps[i].start)
			hi = i;
		else if (m->start > maps[i].start)
			lo = i + 1;
		else
			return maps[i].end == m->end && maps[i].pgoff == m->pgoff &&
			    maps[i].ino == m->ino;
	}
	return 0;
}

static const char *
hex(const char *s, uint64_t *v)
{
	uint64_t x = 0;
	int d;

	for (;; s++) {
		if (*s >= '0' && *s <= '9')
			d = *s - '0';
		else if (*s >= 'a' && *s <= 'f')
			d = *s - 'a' + 10;
		else
			break;
		x = x << 4 | (uint64_t)d;
	}
	*v = x;
	return s;
}

/* One line of /proc/self/maps: an executable mapping, new ones sent. */
static void
map_line(char *line)
{
	struct amap m;
	struct agent_map *r;
	const char *s = line, *path;
	size_t len, size;
	uint64_t x;

	s = hex(s, &m.start);
	if (*s++ != '-')
		return;
	s = hex(s, &m.end);
	if (*s++ != ' ' || strlen(s) < 5 || s[2] != 'x')
		return;
	s += 5;
	s = hex(s, &m.pgoff);
	while (*s == ' ')
		s++;
	s = hex(s, &x);              /* device major */
	if (*s == ':')
		s = hex(s + 1, &x);
	while (*s == ' ')
		s++;
	for (m.ino = 0; *s >= '0' && *s <= '9'; s++)
		m.ino = m.ino * 10 + (uint64_t)(*s - '0');
	while (*s == ' ')
		s++;
	path = s;
	if (m.start >= m.end)
		return;
	if (!had(&m)) {
		len = strlen(path);
		if (len > AGENT_PATH_MAX)
			len = AGENT_PATH_MAX;
		size = (sizeof(*r) + len + 1 + 7) & ~(size_t)7;
		r = put(AGENT_REC_MAP, size, 0);
		r->start = m.start;
		r->end = m.end;
		r->pgoff = m.pgoff;
		memcpy(r->path, path, len);
	}
	maps_new[nnew++] = m;
}

/*
 * Reads /proc/self/maps: the executable mappings, the new ones sent
 * (all of them after a fork, which forgets the parent's).
 */
static void
read_maps(void)
{
	static char line[AGENT_PATH_MAX + 256];
	char rd[4096];
	size_t ll = 0;
	ssize_t n, i;
	struct amap *t;
	int mfd;

	remapped_at = now_ns();
	maps_stale = 0;
	if ((mfd = open("/proc/self/maps", O_RDONLY | O_CLOEXEC)) < 0)
		return;
	nnew = 0;
	while ((n = read(mfd, rd, sizeof(rd))) > 0 || (n < 0 && errno == EINTR)) {
		for (i = 0; i < n; i++) {
			if (rd[i] != '\n') {
				if (ll < sizeof(line) - 1)
					line[ll++] = rd[i];
				continue;
			}
			line[ll] = '\0';
			if (nnew < cap_maps)
				map_line(line);
			ll = 0;
		}
	}
	close(mfd);
	t = maps;
	maps = maps_new;
	maps_new = t;
	nmaps = nnew;
}

/* ---- stacks ---- */

struct slot {
	uint64_t hash;
	uint32_t id, n;
	uint64_t off;                  /* in arena */
};

static struct slot *slots;
static size_t cap_slots;           /* a power of 2 */
static uint32_t nstacks;
static uint64_t *arena;
static size_t arena_used, cap_arena;

static uint64_t
mix(uint64_t x)
{
	x ^= x >> 33;
	x *= 0xff51afd7ed558ccdull;
	x ^= x >> 33;
	x *= 0xc4ceb9fe1a85ec53ull;
	x ^= x >> 33;
	return x;
}

static void object_range(const void *addr, uintptr_t *lo, uintptr_t *hi);

/* The program's frames, innermost first, into pc; returns how many. */
static int
capture(uint64_t *pc)
{
	void *raw[AGENT_MAX_FRAMES + 16];
	int n, i = 0, k = 0;

	if (unw_backtrace_fn == NULL)
		return 0;
	n = unw_backtrace_fn(raw, AGENT_MAX_FRAMES + 16);
	while (i < n && (((uintptr_t)raw[i] >= self_lo && (uintptr_t)raw[i] < self_hi) ||
	    ((uintptr_t)raw[i] >= unw_lo && (uintptr_t)raw[i] < unw_hi)))
		i++;
	for (; i < n && k < AGENT_MAX_FRAMES; i++)
		pc[k++] = (uint64_t)(uintptr_t)raw[i];
	return k;
}

static int
grow_slots(void)
{
	size_t ncap = cap_slots ? cap_slots * 2 : 4096, i, j;
	struct slot *t = map_mem(ncap * sizeof(*t));

	if (t == NULL)
		return -1;
	for (i = 0; i < cap_slots; i++) {
		if (slots[i].id == 0)
			continue;
		for (j = slots[i].hash & (ncap - 1); t[j].id != 0; j = (j + 1) & (ncap - 1))
			;
		t[j] = slots[i];
	}
	if (slots != NULL)
		munmap(slots, cap_slots * sizeof(*slots));
	slots = t;
	cap_slots = ncap;
	return 0;
}

static int
grow_arena(size_t need)
{
	size_t ncap = cap_arena ? cap_arena : 1 << 16;
	void *t;

	while (ncap < arena_used + need)
		ncap *= 2;
	if (arena == NULL)
		t = map_mem(ncap * sizeof(*arena));
	else
		t = mremap(arena, cap_arena * sizeof(*arena), ncap * sizeof(*arena),
		    MREMAP_MAYMOVE);
	if (t == NULL || t == MAP_FAILED)
		return -1;
	arena = t;
	cap_arena = ncap;
	return 0;
}

/* The id of the stack pc[0..n), sent when new (under mu); 0 if none. */
static uint32_t
intern(const uint64_t *pc, int n)
{
	uint64_t h = 0x9e3779b97f4a7c15ull * (uint64_t)(n + 1);
	struct agent_stack *r;
	struct slot *s;
	size_t i;
	int k, unknown = 0;

	for (k = 0; k < n; k++)
		h = mix(h ^ pc[k]);
	if (h == 0)
		h = 1;
	for (i = h & (cap_slots - 1); slots[i].id != 0; i = (i + 1) & (cap_slots - 1)) {
		s = &slots[i];
		if (s->hash == h && s->n == (uint32_t)n &&
		    memcmp(arena + s->off, pc, (size_t)n * sizeof(*pc)) == 0)
			return s->id;
	}
	if (nstacks + 1 >= AGENT_MAX_STACKS)
		return 0;
	if (((size_t)nstacks + 1) * 2 > cap_slots || arena_used + (size_t)n > cap_arena) {
		if ((((size_t)nstacks + 1) * 2 > cap_slots && grow_slots() != 0) ||
		    (arena_used + (size_t)n > cap_arena && grow_arena((size_t)n) != 0))
			return 0;
		for (i = h & (cap_slots - 1); slots[i].id != 0; i = (i + 1) & (cap_slots - 1))
			;
	}
	s = &slots[i];
	s->hash = h;
	s->id = ++nstacks;
	s->n = (uint32_t)n;
	s->off = arena_used;
	memcpy(arena + arena_used, pc, (size_t)n * sizeof(*pc));
	arena_used += (size_t)n;

	for (k = 0; k < n && !unknown; k++)
		unknown = !known(pc[k]);
	if (unknown && now_ns() - remapped_at >= AGENT_REMAP_NS)
		read_maps();
	else if (unknown)
		maps_stale = 1;
	r = put(AGENT_REC_STACK, sizeof(*r) + (size_t)n * sizeof(*pc), s->id);
	r->n = (uint32_t)n;
	memcpy(r->pc, pc, (size_t)n * sizeof(*pc));
	return s->id;
}

/* ---- the sampled blocks still live ---- */

/*
 * The set of sampled pointers (open addressing, linear probing, 0 is
 * empty) under mu, and in front of it a table of counts that free()
 * reads without a lock: a count of 0 for the pointer's hash means it is
 * not in the set, the one load (from 16 KiB, which stays in the cache)
 * most frees cost.  A count that reaches 255 stays there: its pointers
 * then always take the lock, still correct.
 */
#define FILTER_BITS 14
#define FILTER_STUCK 255
static uint8_t *filter;
static uint64_t *live;
static size_t cap_live, nlive;

static size_t
fhash(uint64_t p)
{
	return (size_t)((p >> 4) * 0x9e3779b97f4a7c15ull >> (64 - FILTER_BITS));
}

static size_t
lhash(uint64_t p)
{
	return (size_t)mix(p);
}

static int
live_grow(void)
{
	size_t ncap = cap_live ? cap_live * 2 : 1 << 9, i, j;
	uint64_t *t = map_mem(ncap * sizeof(*t));

	if (t == NULL)
		return -1;
	for (i = 0; i < cap_live; i++) {
		if (live[i] == 0)
			continue;
		for (j = lhash(live[i]) & (ncap - 1); t[j] != 0; j = (j + 1) & (ncap - 1))
			;
		t[j] = live[i];
	}
	if (live != NULL)
		munmap(live, cap_live * sizeof(*live));
	live = t;
	cap_live = ncap;
	return 0;
}

/* Removes p; returns whether it was there. */
static int
live_del(uint64_t p)
{
	size_t i, j, k, mask = cap_live - 1;

	if (cap_live == 0)
		return 0;
	for (i = lhash(p) & mask; live[i] != p; i = (i + 1) & mask)
		if (live[i] == 0)
			return 0;
	/* backward shift: no tombstones */
	for (j = i;;) {
		live[i] = 0;
		for (;;) {
			j = (j + 1) & mask;
			if (live[j] == 0) {
				nlive--;
				k = fhash(p);
				if (filter[k] != FILTER_STUCK)
					__atomic_store_n(&filter[k], filter[k] - 1, __ATOMIC_RELAXED);
				return 1;
			}
			k = lhash(live[j]) & mask;
			if (i <= j ? (i < k && k <= j) : (i < k || k <= j))
				continue;
			break;
		}
		live[i] = live[j];
		i = j;
	}
}

/* Adds p; returns 0, or -1 when there is no memory for it. */
static int
live_add(uint64_t p)
{
	size_t i, mask;

	if ((nlive + 1) * 2 > cap_live && live_grow() != 0)
		return -1;
	mask = cap_live - 1;
	for (i = lhash(p) & mask; live[i] != 0; i = (i + 1) & mask)
		;
	live[i] = p;
	nlive++;
	i = fhash(p);
	if (filter[i] != FILTER_STUCK)
		__atomic_store_n(&filter[i], filter[i] + 1, __ATOMIC_RELAXED);
	return 0;
}

/* ---- sampling ---- */

static uint64_t
rnd(void)
{
	/* xorshift64* */
	rng ^= rng >> 12;
	rng ^= rng << 25;
	rng ^= rng >> 27;
	return rng * 0x2545f4914f6cdd1dull;
}

/*
 * -ln(u) for u in (0, 1], within 1e-10 relative: the agent's one use of
 * libm, whose pages (half a megabyte resident once mapped) would have
 * been most of what the agent adds to a small target's peak memory.
 * u = m 2^e with m in [sqrt(1/2), sqrt(2)); ln m = 2 atanh(s), s =
 * (m - 1) / (m + 1), |s| < 0.172, whose series is cut after s^11.
 */
static double
neg_log(double u)
{
	uint64_t bits;
	double m, s, s2, t;
	int e;

	memcpy(&bits, &u, sizeof(bits));
	e = (int)((bits >> 52) & 0x7ff) - 1023;    /* u is normal: u >= 2^-53 */
	bits = (bits & ((1ull << 52) - 1)) | (1023ull << 52);
	memcpy(&m, &bits, sizeof(m));
	if (m > 1.4142135623730951) {
		m /= 2;
		e++;
	}
	s = (m - 1) / (m + 1);
	s2 = s * s;
	t = s * (2 + s2 * (2.0 / 3 + s2 * (2.0 / 5 + s2 * (2.0 / 7 +
	    s2 * (2.0 / 9 + s2 * (2.0 / 11))))));
	return -(e * 0.6931471805599453 + t);
}

/* Bytes to the next sample: exponential, of mean rate. */
static int64_t
draw(void)
{
	double u = ((double)(rnd() >> 11) + 1) * 0x1p-53;   /* (0, 1] */
	double d = neg_log(u) * (double)rate;

	return d > 9e18 ? INT64_MAX : (int64_t)d;
}

static void
record_alloc(void *p, size_t n)
{
	static uint64_t threads_seeded;
	uint64_t pc[AGENT_MAX_FRAMES];
	struct agent_alloc *r;
	uint32_t id;
	int k;

	/* "count": left stays below 0, so that every allocation comes here */
	if (counting) {
		__atomic_add_fetch(&n_counted, 1, __ATOMIC_RELAXED);
		__atomic_add_fetch(&n_counted_bytes, (uint64_t)n, __ATOMIC_RELAXED);
		left = -1;
		return;
	}
	if (busy)
		return;         /* left stays below 0: the next one is sampled */
	busy = 1;
	if (rng == 0) {
		rng = mix(seed + 0x9e3779b97f4a7c15ull *
		    __atomic_add_fetch(&threads_seeded, 1, __ATOMIC_RELAXED)) | 1;
		if (rate > 1 && (left = draw() - (int64_t)n) >= 0) {
			busy = 0;
			return;
		}
	}
	left = rate > 1 ? draw() : -1;
	k = capture(pc);
	lock();
	if (on_mem) {
		id = intern(pc, k);
		/* a block we never saw freed (freed behind glibc's back) */
		if (live_del((uint64_t)(uintptr_t)p)) {
			((struct agent_free *)put(AGENT_REC_FREE,
			    sizeof(struct agent_free), 0))->ptr = (uint64_t)(uintptr_t)p;
			n_frees++;
		}
		if (live_add((uint64_t)(uintptr_t)p) == 0) {
			r = put(AGENT_REC_ALLOC, sizeof(*r), id);
			r->size = n;
			r->ptr = (uint64_t)(uintptr_t)p;
			n_allocs++;
		}
	}
	unlock();
	busy = 0;
}

static inline void
note_alloc(void *p, size_t n)
{
	if (LIKELY(!__atomic_load_n(&on_mem, __ATOMIC_RELAXED)) || p == NULL)
		return;
	if (LIKELY((left -= (int64_t)n) >= 0))
		return;
	record_alloc(p, n);
}

static void
record_free(void *p)
{
	busy = 1;
	lock();
	if (on_mem && live_del((uint64_t)(uintptr_t)p)) {
		((struct agent_free *)put(AGENT_REC_FREE, sizeof(struct agent_free),
		    0))->ptr = (uint64_t)(uintptr_t)p;
		n_frees++;
	}
	unlock();
	busy = 0;
}

/* Before p is given back to glibc, so that the free is sent before a
 * sampled allocation that gets the same address. */
static inline void
note_free(void *p)
{
	if (LIKELY(!__atomic_load_n(&on_mem, __ATOMIC_RELAXED)) || p == NULL)
		return;
	if (LIKELY(__atomic_load_n(&filter[fhash((uint64_t)(uintptr_t)p)],
	    __ATOMIC_RELAXED) == 0) || busy)
		return;
	record_free(p);
}

/* ---- the allocator ---- */

/* A sampled allocation: the allocation that crossed the countdown. */
__attribute__((noinline)) static void *
malloc_sampled(size_t n)
{
	void *p = __libc_malloc(n);

	if (p != NULL)
		record_alloc(p, n);
	return p;
}

/*
 * The countdown comes before the call, so that the path not sampled is a
 * load, a thread-local subtraction, two branches and a tail call: no frame
 * of its own around glibc's (that frame was most of the agent's cost on a
 * loop of small mallocs).  A malloc that fails still counted down.
 */
EXPORT void *
malloc(size_t n)
{
	if (LIKELY(!__atomic_load_n(&on_mem, __ATOMIC_RELAXED)) ||
	    LIKELY((left -= (int64_t)n) >= 0))
		return __libc_malloc(n);
	return malloc_sampled(n);
}

EXPORT void
free(void *p)
{
	note_free(p);
	__libc_free(p);
}

EXPORT void *
calloc(size_t n, size_t size)
{
	void *p = __libc_calloc(n, size);

	/* p is NULL when n * size overflows */
	note_alloc(p, n * size);
	return p;
}

/*
 * realloc(p, n) is a free of p and an allocation of n bytes, moved or
 * not; realloc(p, 0) a free.  The free is sent first (p may be reused at
 * once); if realloc then fails, p lives on unsampled.
 */
EXPORT void *
realloc(void *old, size_t n)
{
	void *p;

	note_free(old);
	p = __libc_realloc(old, n);
	note_alloc(p, n);
	return p;
}

EXPORT void *
reallocarray(void *old, size_t n, size_t size)
{
	size_t total;

	if (__builtin_mul_overflow(n, size, &total)) {
		errno = ENOMEM;
		return NULL;
	}
	return realloc(old, total);
}

EXPORT int
posix_memalign(void **out, size_t align, size_t n)
{
	int saved = errno;
	void *p;

	if (align == 0 || align % sizeof(void *) != 0 || (align & (align - 1)) != 0)
		return EINVAL;
	p = __libc_memalign(align, n);
	errno = saved;
	if (p == NULL)
		return ENOMEM;
	note_alloc(p, n);
	*out = p;
	return 0;
}

EXPORT void *
aligned_alloc(size_t align, size_t n)
{
	void *p = __libc_memalign(align, n);

	note_alloc(p, n);
	return p;
}

EXPORT void *
memalign(size_t align, size_t n)
{
	void *p = __libc_memalign(align, n);

	note_alloc(p, n);
	return p;
}

EXPORT void *
valloc(size_t n)
{
	void *p = __libc_valloc(n);

	note_alloc(p, n);
	return p;
}

EXPORT void *
pvalloc(size_t n)
{
	void *p = __libc_pvalloc(n);

	note_alloc(p, n);
	return p;
}

/* ---- waits ---- */

struct wait {
	uint64_t t0;
	uint64_t pc[AGENT_MAX_FRAMES];
	int n;
};

/* Starts the clock, then takes the stack (its cost is spent waiting). */
static void
wait_begin(struct wait *w)
{
	busy = 1;
	w->t0 = now_ns();
	w->n = capture(w->pc);
	busy = 0;
}

static void
wait_end(struct wait *w, unsigned kind)
{
	uint64_t t1 = now_ns();
	struct agent_wait *r;
	uint32_t id;
	int saved = errno;

	busy = 1;
	lock();
	if (kind <= AGENT_WAIT_WRLOCK ? on_lock : on_block) {
		id = intern(w->pc, w->n);
		r = put(AGENT_REC_WAIT, sizeof(*r), id);
		r->kind = kind;
		r->ns = t1 - w->t0;
		n_waits++;
	}
	unlock();
	busy = 0;
	errno = saved;
}

#define LOCKING() (LIKELY(!__atomic_load_n(&on_lock, __ATOMIC_RELAXED)) || busy)
#define BLOCKING() (LIKELY(!__atomic_load_n(&on_block, __ATOMIC_RELAXED)) || busy)

/*
 * NAME, which waits in REALFN (the next one's): when OFF() it is passed
 * through; else TRY, a statement that returns when the call need not
 * wait (a trylock: an uncontended lock costs one), and the rest is
 * timed, from before the stack is taken to REALFN's return, as a wait
 * of KIND.
 */
#define TIMED(NAME, REALFN, KIND, OFF, TRY, PARAMS, ARGS) \
EXPORT int \
NAME PARAMS \
{ \
	struct wait w; \
	int r; \
\
	if (OFF()) \
		return REAL(REALFN) ARGS; \
	TRY \
	wait_begin(&w); \
	r = REAL(REALFN) ARGS; \
	wait_end(&w, KIND); \
	return r; \
}
#define TRY_LOCK(FN, OBJ) if ((r = REAL(FN)(OBJ)) != EBUSY) return r;
#define TRY_SEM { \
	int saved = errno; \
	if ((r = REAL(sem_trywait)(s)) == 0 || errno != EAGAIN) \
		return r; \
	errno = saved; \
}
#define TRY_JOIN if ((r = REAL(tryjoin)(t, ret)) != EBUSY) return r;
#define NO_TRY

TIMED(pthread_mutex_lock, mutex_lock, AGENT_WAIT_MUTEX, LOCKING, TRY_LOCK(mutex_trylock, m),
    (pthread_mutex_t *m), (m))
TIMED(pthread_mutex_timedlock, mutex_timedlock, AGENT_WAIT_MUTEX, LOCKING,
    TRY_LOCK(mutex_trylock, m), (pthread_mutex_t *m, const struct timespec *t), (m, t))
TIMED(pthread_rwlock_rdlock, rdlock, AGENT_WAIT_RDLOCK, LOCKING, TRY_LOCK(tryrdlock, l),
    (pthread_rwlock_t *l), (l))
TIMED(pthread_rwlock_wrlock, wrlock, AGENT_WAIT_WRLOCK, LOCKING, TRY_LOCK(trywrlock, l),
    (pthread_rwlock_t *l), (l))
TIMED(pthread_rwlock_timedrdlock, timedrdlock, AGENT_WAIT_RDLOCK, LOCKING,
    TRY_LOCK(tryrdlock, l), (pthread_rwlock_t *l, const struct timespec *t), (l, t))
TIMED(pthread_rwlock_timedwrlock, timedwrlock, AGENT_WAIT_WRLOCK, LOCKING,
    TRY_LOCK(trywrlock, l), (pthread_rwlock_t *l, const struct timespec *t), (l, t))
/* glibc 2.30's variants on a chosen clock */
TIMED(pthread_mutex_clocklock, mutex_clocklock, AGENT_WAIT_MUTEX, LOCKING,
    TRY_LOCK(mutex_trylock, m), (pthread_mutex_t *m, clockid_t k, const struct timespec *t),
    (m, k, t))
TIMED(pthread_rwlock_clockrdlock, clockrdlock, AGENT_WAIT_RDLOCK, LOCKING,
    TRY_LOCK(tryrdlock, l), (pthread_rwlock_t *l, clockid_t k, const struct timespec *t),
    (l, k, t))
TIMED(pthread_rwlock_clockwrlock, clockwrlock, AGENT_WAIT_WRLOCK, LOCKING,
    TRY_LOCK(trywrlock, l), (pthread_rwlock_t *l, clockid_t k, const struct timespec *t),
    (l, k, t))

TIMED(pthread_cond_wait, cond_wait, AGENT_WAIT_COND, BLOCKING, NO_TRY,
    (pthread_cond_t *c, pthread_mutex_t *m), (c, m))
TIMED(pthread_cond_timedwait, cond_timedwait, AGENT_WAIT_COND, BLOCKING, NO_TRY,
    (pthread_cond_t *c, pthread_mutex_t *m, const struct timespec *t), (c, m, t))
TIMED(pthread_cond_clockwait, cond_clockwait, AGENT_WAIT_COND, BLOCKING, NO_TRY,
    (pthread_cond_t *c, pthread_mutex_t *m, clockid_t k, const struct timespec *t),
    (c, m, k, t))
TIMED(sem_wait, sem_wait, AGENT_WAIT_SEM, BLOCKING, TRY_SEM, (sem_t *s), (s))
TIMED(sem_timedwait, sem_timedwait, AGENT_WAIT_SEM, BLOCKING, TRY_SEM,
    (sem_t *s, const struct timespec *t), (s, t))
TIMED(sem_clockwait, sem_clockwait, AGENT_WAIT_SEM, BLOCKING, TRY_SEM,
    (sem_t *s, clockid_t k, const struct timespec *t), (s, k, t))
TIMED(pthread_join, join, AGENT_WAIT_JOIN, BLOCKING, TRY_JOIN, (pthread_t t, void **ret),
    (t, ret))
TIMED(pthread_timedjoin_np, timedjoin, AGENT_WAIT_JOIN, BLOCKING, TRY_JOIN,
    (pthread_t t, void **ret, const struct timespec *a), (t, ret, a))
TIMED(pthread_clockjoin_np, clockjoin, AGENT_WAIT_JOIN, BLOCKING, TRY_JOIN,
    (pthread_t t, void **ret, clockid_t k, const struct timespec *a), (t, ret, k, a))

EXPORT int
pthread_create(pthread_t *t, const pthread_attr_t *a, void *(*fn)(void *), void *arg)
{
	uint64_t pc[AGENT_MAX_FRAMES];
	uint32_t id;
	int r, k;

	if (LIKELY(!__atomic_load_n(&on_thread, __ATOMIC_RELAXED)) || busy)
		return REAL(create)(t, a, fn, arg);
	busy = 1;
	k = capture(pc);
	busy = 0;
	if ((r = REAL(create)(t, a, fn, arg)) != 0)
		return r;
	busy = 1;
	lock();
	if (on_thread) {
		id = intern(pc, k);
		put(AGENT_REC_THREAD, sizeof(struct agent_rec), id);
		n_threads++;
	}
	unlock();
	busy = 0;
	return 0;
}

/* ---- the end of an image ---- */

/* Sends AGENT_REC_EXIT and the buffer; with how EXIT, the stream of this
 * image ends.  Not in a vfork child (another pid, the parent's memory). */
static void
finish(unsigned how)
{
	struct agent_exit *r;
	int saved = errno;

	if (!ready || dead || busy || (pid_t)syscall(SYS_getpid) != pid)
		return;
	busy = 1;
	lock();
	if (!dead) {
		/* the libraries of the last stacks, if not sent yet */
		if (maps_stale)
			read_maps();
		if (counting) {
			struct agent_count *c = put(AGENT_REC_COUNT, sizeof(*c), 0);
			c->allocs = __atomic_load_n(&n_counted, __ATOMIC_RELAXED);
			c->bytes = __atomic_load_n(&n_counted_bytes, __ATOMIC_RELAXED);
		}
		r = put(AGENT_REC_EXIT, sizeof(*r), how);
		r->allocs = n_allocs;
		r->frees = n_frees;
		r->waits = n_waits;
		r->threads = n_threads;
		flush();
		if (how == AGENT_EXIT_EXIT)
			stop();
	}
	unlock();
	busy = 0;
	errno = saved;
}

static void
at_exit(void *arg)
{
	finish(AGENT_EXIT_EXIT);
}

EXPORT void
_exit(int status)
{
	finish(AGENT_EXIT_EXIT);
	REAL(exit_)(status);
	for (;;)
		;
}

EXPORT void
_Exit(int status)
{
	finish(AGENT_EXIT_EXIT);
	REAL(Exit_)(status);
	for (;;)
		;
}

EXPORT int
execve(const char *path, char *const argv[], char *const envp[])
{
	finish(AGENT_EXIT_EXEC);
	return REAL(execve)(path, argv, envp);
}

EXPORT int
execv(const char *path, char *const argv[])
{
	finish(AGENT_EXIT_EXEC);
	return REAL(execv)(path, argv);
}

EXPORT int
execvp(const char *file, char *const argv[])
{
	finish(AGENT_EXIT_EXEC);
	return REAL(execvp)(file, argv);
}

EXPORT int
execvpe(const char *file, char *const argv[], char *const envp[])
{
	finish(AGENT_EXIT_EXEC);
	return REAL(execvpe)(file, argv, envp);
}

EXPORT int
fexecve(int efd, char *const argv[], char *const envp[])
{
	finish(AGENT_EXIT_EXEC);
	return REAL(fexecve)(efd, argv, envp);
}

/* execl and the others call glibc's execve inside libc, past ours: their
 * arguments are gathered here and given to ours. */
static size_t
count_args(va_list ap)
{
	va_list ap2;
	size_t n;

	va_copy(ap2, ap);
	for (n = 1; va_arg(ap2, char *) != NULL; n++)
		;
	va_end(ap2);
	return n;
}

/*
 * The arguments of execl and its kin, ARG and the variable ones to the
 * NULL, as argv, an array in the caller's frame; ap is left after the
 * NULL (execle's envp follows it) for the caller to end.
 */
#define EXECL_ARGV(argv, arg, ap) \
	size_t n_ = count_args(ap); \
	char *argv[n_ + 1]; \
	argv[0] = (char *)(arg); \
	for (size_t i_ = 1; i_ <= n_; i_++) \
		argv[i_] = va_arg(ap, char *)

EXPORT int
execl(const char *path, const char *arg, ...)
{
	va_list ap;

	va_start(ap, arg);
	EXECL_ARGV(argv, arg, ap);
	va_end(ap);
	return execv(path, argv);
}

EXPORT int
execlp(const char *file, const char *arg, ...)
{
	va_list ap;

	va_start(ap, arg);
	EXECL_ARGV(argv, arg, ap);
	va_end(ap);
	return execvp(file, argv);
}

EXPORT int
execle(const char *path, const char *arg, ...)
{
	va_list ap;
	char **envp;

	va_start(ap, arg);
	EXECL_ARGV(argv, arg, ap);
	envp = va_arg(ap, char **);
	va_end(ap);
	return execve(path, argv, envp);
}

/* ---- the start of an image ---- */

struct range_arg {
	uintptr_t addr, lo, hi;
};

static int
range_cb(struct dl_phdr_info *info, size_t size, void *data)
{
	struct range_arg *a = data;
	uintptr_t lo, hi;
	int i;

	for (i = 0; i < info->dlpi_phnum; i++) {
		if (info->dlpi_phdr[i].p_type != PT_LOAD)
			continue;
		lo = info->dlpi_addr + info->dlpi_phdr[i].p_vaddr;
		hi = lo + info->dlpi_phdr[i].p_memsz;
		if (a->addr >= lo && a->addr < hi) {
			a->lo = lo;
			a->hi = hi;
			return 1;
		}
	}
	return 0;
}

/* The loaded segment holding addr. */
static void
object_range(const void *addr, uintptr_t *lo, uintptr_t *hi)
{
	struct range_arg a = { (uintptr_t)addr, 0, 0 };

	dl_iterate_phdr(range_cb, &a);
	*lo = a.lo;
	*hi = a.hi;
}

/* Sends AGENT_REC_START and the mappings (under mu). */
static void
start_image(unsigned flags, pid_t ppid)
{
	struct agent_start *r;
	int cfd;
	ssize_t n;

	r = put(AGENT_REC_START, sizeof(*r), flags | start_flags);
	r->ppid = ppid;
	r->events = events;
	r->rate = rate;
	if ((cfd = open("/proc/self/comm", O_RDONLY | O_CLOEXEC)) >= 0) {
		n = read(cfd, r->comm, sizeof(r->comm) - 1);
		if (n > 0 && r->comm[n - 1] == '\n')
			r->comm[n - 1] = '\0';
		close(cfd);
	}
	nmaps = 0;
	read_maps();
}

static void
fork_prepare(void)
{
	if (!ready)
		return;
	lock();
	flush();
}

static void
fork_parent(void)
{
	if (ready)
		unlock();
}

/* The child's own image: what it inherited is not its profile. */
static void
fork_child(void)
{
	pid_t ppid = pid;

	if (!ready)
		return;
	pthread_mutex_init(&mu, NULL);
	pid = (pid_t)syscall(SYS_getpid);
	/* not the parent's random numbers: its samples and the child's
	 * would fall on the same allocations */
	seed = mix(seed ^ (uint64_t)pid);
	rng = 0;
	seq = 0;
	used = sizeof(struct agent_chunk);
	n_allocs = n_frees = n_waits = n_threads = 0;
	n_counted = n_counted_bytes = 0;
	if (dead)
		return;
	busy = 1;
	/* private anonymous memory: zero again, and not resident */
	madvise(filter, sizeof(*filter) << FILTER_BITS, MADV_DONTNEED);
	madvise(live, cap_live * sizeof(*live), MADV_DONTNEED);
	nlive = 0;
	madvise(slots, cap_slots * sizeof(*slots), MADV_DONTNEED);
	nstacks = 0;
	arena_used = 0;
	lock();
	start_image(AGENT_START_FORKED, ppid);
	unlock();
	busy = 0;
}

static uint64_t
env_num(const char *name, uint64_t dflt, uint64_t lo, uint64_t hi)
{
	const char *s = getenv(name);
	uint64_t v = 0;

	if (s == NULL || *s == '\0')
		return dflt;
	for (; *s >= '0' && *s <= '9'; s++) {
		if (v > (hi - (uint64_t)(*s - '0')) / 10)
			return dflt;
		v = v * 10 + (uint64_t)(*s - '0');
	}
	return *s != '\0' || v < lo || v > hi ? dflt : v;
}

static unsigned
env_events(void)
{
	static const struct {
		const char *name;
		unsigned bit;
	} kinds[] = {
		{ "memory", AGENT_EV_MEMORY }, { "lock", AGENT_EV_LOCK },
		{ "block", AGENT_EV_BLOCK }, { "threadcreate", AGENT_EV_THREADCREATE },
		{ "count", AGENT_EV_COUNT },
	};
	const char *s = getenv(AGENT_ENV_EVENTS), *e;
	unsigned bits = 0;
	size_t i, len;

	if (s == NULL)
		return AGENT_EV_ALL;
	for (; *s != '\0'; s = *e ? e + 1 : e) {
		if ((e = strchr(s, ',')) == NULL)
			e = s + strlen(s);
		len = (size_t)(e - s);
		for (i = 0; i < sizeof(kinds) / sizeof(kinds[0]); i++)
			if (strlen(kinds[i].name) == len && memcmp(kinds[i].name, s, len) == 0)
				bits |= kinds[i].bit;
	}
	return bits;
}

static void
load_unwinder(void)
{
	void *h, *as;
	int (*policy)(void *, int);

	/* Private: libunwind's _Unwind_* and backtrace must not replace
	 * libgcc's and glibc's for the program. */
	if ((h = dlopen("libunwind.so.8", RTLD_NOW | RTLD_LOCAL)) == NULL)
		return;
	*(void **)&unw_backtrace_fn = dlsym(h, "unw_backtrace");
	*(void **)&policy = dlsym(h, "_ULx86_64_set_caching_policy");
	as = dlsym(h, "_ULx86_64_local_addr_space");
	if (unw_backtrace_fn == NULL)
		return;
	/* per thread: no lock, no signal mask changed per unwind */
	if (policy != NULL && as != NULL)
		policy(*(void **)as, 2 /* UNW_CACHE_PER_THREAD */);
	object_range((const void *)unw_backtrace_fn, &unw_lo, &unw_hi);
}

__attribute__((constructor)) static void
agent_init(void)
{
	struct stat st;
	uint64_t v;

	resolve();
	if ((v = env_num(AGENT_ENV_FD, UINT64_MAX, 0, 1 << 20)) == UINT64_MAX)
		return;
	fd = (int)v;
	if (fstat(fd, &st) != 0)
		return;
	fd_dev = st.st_dev;
	fd_ino = st.st_ino;
	fd_sock = S_ISSOCK(st.st_mode);
	rate = env_num(AGENT_ENV_RATE, AGENT_RATE_DEFAULT, 1, AGENT_RATE_MAX);
	events = env_events();
	seed = env_num(AGENT_ENV_SEED, 0, 0, UINT64_MAX - 1);
	flush_ms = (unsigned)env_num(AGENT_ENV_FLUSH, 0, 1, 60000);
	if (seed == 0)
		seed = now_ns() ^ ((uint64_t)getpid() << 32);

	busy = 1;
	object_range((const void *)agent_init, &self_lo, &self_hi);
	load_unwinder();
	if (unw_backtrace_fn == NULL)
		start_flags |= AGENT_START_NOUNWIND;
	cap_maps = 1 << 16;
	filter = map_mem(sizeof(*filter) << FILTER_BITS);
	maps = map_mem(cap_maps * sizeof(*maps));
	maps_new = map_mem(cap_maps * sizeof(*maps));
	if (filter == NULL || maps == NULL || maps_new == NULL ||
	    grow_slots() != 0 || grow_arena(1) != 0 || live_grow() != 0) {
		busy = 0;
		return;
	}
	pid = (pid_t)syscall(SYS_getpid);
	lock();
	start_image(0, getppid());
	flush();
	unlock();
	pthread_atfork(fork_prepare, fork_parent, fork_child);
	/* No DSO handle: run after every destructor (_dl_fini's too), not
	 * when this object's are run. */
	__cxa_atexit(at_exit, NULL, NULL);
	ready = 1;
	counting = (events & AGENT_EV_COUNT) != 0;
	__atomic_store_n(&on_mem, !!(events & (AGENT_EV_MEMORY | AGENT_EV_COUNT)), __ATOMIC_RELEASE);
	__atomic_store_n(&on_lock, !!(events & AGENT_EV_LOCK), __ATOMIC_RELEASE);
	__atomic_store_n(&on_block, !!(events & AGENT_EV_BLOCK), __ATOMIC_RELEASE);
	__atomic_store_n(&on_thread, !!(events & AGENT_EV_THREADCREATE), __ATOMIC_RELEASE);
	busy = 0;
}
