/*
 * agent: libprof-agent.so, prof-record's in-process agent for the memory,
 * lock, block and threadcreate profiles, and the stream it writes.
 *
 * The agent is lib/agent/agent.c built alone as a shared object (never
 * into lib/libprof.a: it defines malloc).  Loaded into a program with
 * LD_PRELOAD, it takes malloc, calloc, realloc, reallocarray, free,
 * posix_memalign, aligned_alloc, memalign, valloc and pvalloc (forwarded
 * to glibc's __libc_malloc and the rest, so the allocator stays glibc's),
 * pthread_mutex_lock, _timedlock and _clocklock, pthread_rwlock_rdlock,
 * _wrlock, _timedrdlock, _timedwrlock, _clockrdlock and _clockwrlock,
 * pthread_cond_wait, _timedwait and _clockwait, sem_wait, sem_timedwait
 * and sem_clockwait, pthread_join, pthread_timedjoin_np and
 * pthread_clockjoin_np, pthread_create, and, to
 * end an image's stream cleanly, the exec family, _exit and _Exit.
 *
 * Environment (read once, when the agent starts in a process image):
 *   PROF_AGENT_FD     the descriptor to write the stream to: a pipe, a
 *                     socket, or a file opened O_APPEND.  Unset, or not
 *                     open: the agent does nothing (every call is passed
 *                     through), so an unprofiled child costs nothing.
 *   PROF_AGENT_RATE   the mean bytes between two allocation samples
 *                     (1 to 2^40; default AGENT_RATE_DEFAULT, 512 KiB);
 *                     1 records every allocation.
 *   PROF_AGENT_EVENTS what to record, a comma-separated list of memory,
 *                     lock, block, threadcreate (default: all four); a
 *                     kind not asked for is not interposed (one load and
 *                     a branch).  "count" instead of memory counts every
 *                     allocation and its bytes, no samples, no stacks
 *                     (AGENT_REC_COUNT).
 *   PROF_AGENT_SEED   a seed for the sampling's random numbers (tests
 *                     that want one run again); default from the clock.
 *   PROF_AGENT_FLUSH_MS  for a reader that serves the process while it
 *                     runs (prof-record --serve): the records buffered are
 *                     written at least this often (1 to 60000 ms), by a
 *                     thread of the agent's (its signals blocked, made
 *                     again in a forked child at its first record).
 *                     Unset: a chunk is written when full, at a fork, an
 *                     exec and the exit.
 *
 * Sampling.  Allocations are sampled by bytes, as tcmalloc and Go do:
 * each thread counts down an exponentially distributed number of bytes
 * (mean R, the rate), and the allocation that crosses zero is sampled;
 * an allocation of s bytes is so sampled with probability 1 - exp(-s/R),
 * whatever came before.  A reader weighs a sample by the inverse, s / (1
 * - exp(-s/R)) bytes and 1 / (1 - exp(-s/R)) blocks (agent_weight()), so
 * that sums are unbiased; with R = 1 every allocation is a sample of
 * weight s and 1 block (malloc(0) included, which sampling by bytes
 * otherwise never picks).  A free (or realloc) of a sampled block is
 * recorded; of any other, not.  Lock and block waits are not sampled:
 * every contended acquisition (the trylock that comes first failed) and
 * every wait is a record, with its time in ns (CLOCK_MONOTONIC, from
 * the failed trylock to the return); an uncontended lock costs one
 * trylock.  Every pthread_create is a record.
 *
 * Stacks.  Captured in the process by libunwind's local unwinder (CFI,
 * no frame pointers needed), dlopen'ed privately (RTLD_LOCAL) so that its
 * _Unwind_* and backtrace never replace the program's; raw return
 * addresses, the innermost first, the agent's own frames left out, at
 * most AGENT_MAX_FRAMES (deeper stacks lose their outermost frames).
 * Each distinct stack is sent once (AGENT_REC_STACK) with an id; records
 * name stacks by id.  Ids count from 1 in each process image; id 0 means
 * the stack could not be kept (more than AGENT_MAX_STACKS distinct
 * stacks; the reader names it "[unknown]").
 *
 * Mappings.  A process image starts with AGENT_REC_START and a snapshot
 * of its executable mappings (AGENT_REC_MAP, from /proc/self/maps), so
 * that addresses can be named after the process ended.  A new stack with
 * an address outside every mapping known reads /proc/self/maps again (at
 * most once per AGENT_REMAP_NS) and sends the mappings not sent yet: the
 * libraries dlopen'ed later.  A library unloaded and another loaded at
 * its place are named as the later one (the reader keeps one map).
 *
 * The stream is a sequence of chunks; a chunk is one write(2) of at most
 * AGENT_CHUNK_MAX bytes (PIPE_BUF), so chunks from processes sharing the
 * descriptor (a forked child) never interleave on a pipe or an O_APPEND
 * file.  A chunk is a struct agent_chunk and whole records; every
 * record starts with a struct agent_rec, its size a multiple of 8.  All
 * numbers are the machine's (the reader is on the same machine).  The
 * agent keeps one buffer per process under one lock, so the records of
 * an image are in the order their events happened in the agent's
 * bookkeeping (the free of a block always after its allocation); chunk
 * seq counts from 0 in each image, so a reader sees a lost chunk.  None
 * is dropped by the agent: a full pipe blocks the program until the
 * reader reads; a write that fails (the reader gone: EPIPE, with SIGPIPE
 * held off; the descriptor closed or reused by the program, seen by its
 * device and inode) ends the stream and the agent passes every call
 * through from then on.  What is still buffered when the process is
 * killed by a signal is lost: the reader sees an image without
 * AGENT_REC_EXIT.
 *
 * Processes.  fork: the child starts its own image (AGENT_REC_START with
 * AGENT_START_FORKED and the parent's pid), its profile what it does
 * after the fork (blocks it inherited are not its samples; freeing them
 * records nothing); the parent's buffer is written before the fork, so
 * nothing is sent twice.  exec: LD_PRELOAD and PROF_AGENT_* stay in the
 * environment (unless the program passes another one), the image being
 * replaced writes AGENT_REC_EXIT (AGENT_EXIT_EXEC: its blocks are not
 * leaks), and the new image, with the agent loaded again, sends a new
 * AGENT_REC_START with the same pid.  An exec that fails continues the
 * old image's stream.  exit (after every atexit handler and destructor)
 * and _exit: AGENT_REC_EXIT (AGENT_EXIT_EXIT), the blocks still live
 * then are the leaks.
 *
 * Reentrancy.  Allocations and locks made while the agent works (by
 * itself, by libunwind, by dlsym, by a signal handler that interrupts it)
 * and those made before it started (the constructors of libraries that
 * run before it) are passed through, not recorded; a free of a block the
 * agent did not sample, from whenever, records nothing.  The agent's own
 * memory (stacks, the set of sampled blocks) is mmap'ed, never malloc'ed.
 *
 * Not supported: static executables and setuid or setgid ones (the
 * loader ignores LD_PRELOAD; agentread_preloadable() tells before the
 * run), programs that bring their own malloc (jemalloc, tcmalloc: their
 * calls are not glibc's), and the pre-2.3.2 condition variable ABI.
 */
#ifndef PROF_AGENT_H
#define PROF_AGENT_H

#include <stdint.h>

#define AGENT_LIBRARY "libprof-agent.so"
/*
 * The agent's version is a string in the library, AGENT_VERSION_TAG then
 * prof's version and a NUL ("prof-agent-version=0.9.0"): its stream has
 * no record for it, and a marker in the file is what `strings` finds and
 * what prof-record checks (agentread_agent_version) before it preloads
 * an agent of another build.
 */
#define AGENT_VERSION_TAG "prof-agent-version="
#define AGENT_ENV_FD "PROF_AGENT_FD"
#define AGENT_ENV_RATE "PROF_AGENT_RATE"
#define AGENT_ENV_EVENTS "PROF_AGENT_EVENTS"
#define AGENT_ENV_SEED "PROF_AGENT_SEED"
#define AGENT_ENV_FLUSH "PROF_AGENT_FLUSH_MS"

#define AGENT_MAGIC 0x31474150u       /* "PAG1" */
#define AGENT_CHUNK_MAX 4096          /* PIPE_BUF on Linux */
#define AGENT_MAX_FRAMES 128
#define AGENT_MAX_STACKS (1u << 20)
#define AGENT_RATE_DEFAULT (512 * 1024)
#define AGENT_RATE_MAX (1ull << 40)
#define AGENT_REMAP_NS 10000000       /* 10 ms */
#define AGENT_PATH_MAX 3072           /* a longer mapped path is cut */

/* PROF_AGENT_EVENTS, as bits of agent_start.events */
enum {
	AGENT_EV_MEMORY = 1,
	AGENT_EV_LOCK = 2,
	AGENT_EV_BLOCK = 4,
	AGENT_EV_THREADCREATE = 8,
	AGENT_EV_ALL = 15,
	AGENT_EV_COUNT = 16       /* "count": not in ALL; see AGENT_REC_COUNT */
};

/* The head of a chunk: size is the whole chunk's, header included. */
struct agent_chunk {
	uint32_t magic;
	uint32_t size;
	int32_t pid;
	uint32_t seq;
};

enum {
	AGENT_REC_START = 1,
	AGENT_REC_MAP,
	AGENT_REC_STACK,
	AGENT_REC_ALLOC,
	AGENT_REC_FREE,
	AGENT_REC_WAIT,
	AGENT_REC_THREAD,
	AGENT_REC_EXIT,
	AGENT_REC_COUNT
};

/* The head of a record: size is the record's, head included. */
struct agent_rec {
	uint16_t type;
	uint16_t size;
	uint32_t arg;      /* the record's own: see each */
};

/* AGENT_REC_START: a process image begins; arg: AGENT_START_* flags. */
enum { AGENT_START_FORKED = 1, AGENT_START_NOUNWIND = 2 };
struct agent_start {
	struct agent_rec h;
	int32_t ppid;      /* the parent, for a forked image */
	uint32_t events;   /* AGENT_EV_* recorded */
	uint64_t rate;
	char comm[16];     /* /proc/self/comm, NUL-terminated */
};

/* AGENT_REC_MAP: an executable mapping; path NUL-terminated, padded. */
struct agent_map {
	struct agent_rec h;
	uint64_t start, end, pgoff;
	char path[];
};

/* AGENT_REC_STACK: arg is the id; n return addresses, innermost first. */
struct agent_stack {
	struct agent_rec h;
	uint32_t n;
	uint32_t pad;
	uint64_t pc[];
};

/* AGENT_REC_ALLOC: a sampled allocation; arg is its stack. */
struct agent_alloc {
	struct agent_rec h;
	uint64_t size;     /* as requested (n * size for calloc) */
	uint64_t ptr;
};

/* AGENT_REC_FREE: a sampled block freed (or given to realloc). */
struct agent_free {
	struct agent_rec h;
	uint64_t ptr;
};

/* AGENT_REC_WAIT: arg is the stack of the waiter. */
enum {
	AGENT_WAIT_MUTEX = 1,     /* the lock view */
	AGENT_WAIT_RDLOCK,
	AGENT_WAIT_WRLOCK,
	AGENT_WAIT_COND,          /* the block view */
	AGENT_WAIT_SEM,
	AGENT_WAIT_JOIN
};
struct agent_wait {
	struct agent_rec h;
	uint32_t kind;
	uint32_t pad;
	uint64_t ns;
};

/* AGENT_REC_THREAD: a pthread_create; arg is the creator's stack. */

/*
 * AGENT_REC_EXIT: the image ends (arg: AGENT_EXIT_*); the last record of
 * its last chunk.  The counts are the image's records, for a check.
 */
enum { AGENT_EXIT_EXIT = 1, AGENT_EXIT_EXEC };
struct agent_exit {
	struct agent_rec h;
	uint64_t allocs, frees, waits, threads;
};

/*
 * AGENT_REC_COUNT: with the event "count" (PROF_AGENT_EVENTS=count, for
 * prof-bench --allocs), every allocation of the image counted, without
 * samples or stacks: sent just before AGENT_REC_EXIT.  An allocation is
 * a call that returns a block (malloc(0) does; realloc(p, n) is one);
 * its bytes are the size requested.  Costs a call and two relaxed atomic
 * additions per allocation; frees cost nothing.
 */
struct agent_count {
	struct agent_rec h;
	uint64_t allocs, bytes;
};

/*
 * The weight of a sample of size bytes at rate: what it stands for, in
 * bytes (*bytes) and blocks (*blocks).  Inline, for the agent and its
 * reader alike.
 */
static inline void
agent_weight(uint64_t size, uint64_t rate, double *bytes, double *blocks)
{
	double p;

	if (rate <= 1 || size == 0) {
		*bytes = (double)size;
		*blocks = 1;
		return;
	}
	/* 1 - exp(-x), without the cancellation of small x */
	p = -__builtin_expm1(-(double)size / (double)rate);
	*bytes = (double)size / p;
	*blocks = 1 / p;
}

#endif
