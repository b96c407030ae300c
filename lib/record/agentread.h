/*
 * agentread: the stream of the in-process agent (libprof-agent.so, whose
 * records lib/agent/agent.h defines) read into profiles: folded stacks for
 * each view, and the leak summary; and what a recorder needs before it
 * starts a program under the agent (is it preloadable, where the agent
 * is, the environment that carries it).
 *
 * A struct agentread takes the stream in pieces of any size
 * (agentread_feed, or agentread_fd to read a descriptor to its end), then
 * agentread_end(); after that, each view can be added to a stack table,
 * any number of times.  A reader that serves a process still running
 * takes the views as they are now (agentread_snapshot, agentread_heap)
 * between two pieces, without ending the stream.  One thread at a time
 * (it names frames through lib/record/unwind, which is not thread-safe:
 * a caller with several holds one lock around feeding, snapshots and
 * unwind's other calls).
 *
 * Processes.  Every process image (a program's run between its start, or
 * exec, and its exit) is kept apart: its own mappings (the agent's
 * snapshot of /proc/PID/maps, named after the process ended: files are
 * opened at the record, and only regular files), stacks and live
 * blocks.  The root frame of a stack is the image's command name, and
 * with opts.name.pid "comm-PID".  A forked child is an image of its own,
 * holding what it did after the fork.  An image replaced by exec has no
 * leaks (exec frees its memory); an image whose stream ends without the
 * agent's summary (killed by a signal, or chunks lost) is counted in
 * agentread_stats.unfinished, and its blocks live at its last record
 * are its leaks.
 *
 * Views, their counts, and how exact they are:
 *   alloc-space     bytes allocated, by the allocating stack
 *   alloc-objects   allocations (blocks)
 *   inuse-space     bytes still allocated at exit: the leaks
 *   inuse-objects   blocks still allocated at exit
 *   peak            bytes live at the moment the image's heap was
 *                   largest, by the stacks that allocated them
 *   lock            ns waited to take a mutex or rwlock (contended)
 *   block           ns waited in pthread_cond_*wait, sem_*wait, join
 *                   (the stack of a wait ends in a frame naming the
 *                   function: pthread_mutex_lock, pthread_rwlock_rdlock,
 *                   pthread_rwlock_wrlock, pthread_cond_wait, sem_wait,
 *                   pthread_join, for the timed ones too; the other
 *                   views' stacks end in the caller of malloc, or of
 *                   pthread_create)
 *   threadcreate    threads created
 * With the agent's rate 1 the memory views are exact (every allocation).
 * At a rate R they are estimates: each sample weighs s / (1 - exp(-s/R))
 * bytes (agent_weight), so sums are unbiased, and a sum made of k
 * samples has a relative standard error of at most about 1/sqrt(k)
 * (smaller when its blocks are large beside R: a block of size >= 5R is
 * nearly always sampled, at its own size).  The peak is the live set
 * when the estimated heap (sampled blocks, weighed) was largest, exactly
 * (copy-on-write of the per-stack counts: O(1) a sample).  Counts are
 * rounded to integers per stack; a stack whose count rounds to 0 is not
 * written.  Lock, block and threadcreate are exact (every event).
 *
 * Limits (a stream is untrusted: it comes from the profiled program):
 * chunks and records are checked against their sizes (a bad one is
 * skipped and counted, the reader finds the next chunk's magic);
 * AGENTREAD_MAX_IMAGES images; AGENT_MAX_STACKS stacks an image and
 * AGENTREAD_MAX_STACKS in all (past them, a stack is "[unknown]");
 * AGENTREAD_MAX_LIVE live blocks tracked in all (past it an allocation
 * still counts in the alloc views, not in the live ones: untracked).
 * Memory is then bounded by about 100 bytes a live block and the stacks'
 * frames.
 */
#ifndef PROF_AGENTREAD_H
#define PROF_AGENTREAD_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "folded/stacktable.h"
#include "record/stackname.h"

#define AGENTREAD_MAX_IMAGES 65536
#define AGENTREAD_MAX_STACKS (1u << 22)
#define AGENTREAD_MAX_LIVE (1u << 24)

/* For the callers outside record/: the agent's four kinds of events
 * (AGENT_EV_ALL, for agentread_setenv) and its default rate. */
#define AGENTREAD_EVENTS_ALL 15u
#define AGENTREAD_RATE_DEFAULT (512 * 1024)

enum agentread_view {
	AGENTREAD_ALLOC_SPACE,
	AGENTREAD_ALLOC_OBJECTS,
	AGENTREAD_INUSE_SPACE,
	AGENTREAD_INUSE_OBJECTS,
	AGENTREAD_PEAK,
	AGENTREAD_LOCK,
	AGENTREAD_BLOCK,
	AGENTREAD_THREADCREATE,
	AGENTREAD_NVIEWS
};

/* The views' names ("alloc-space", ...), in enum order, NULL-terminated:
 * the words of prof-record's --view. */
extern const char *const agentread_view_names[];

/* What a view counts: "bytes", "objects", "ns" or "threads". */
const char *agentread_view_unit(int view);

struct agentread_opts {
	struct stackname_opts name;
	int max_stack;       /* at most this many frames from the leaf; 0: all */
};

struct agentread;

struct agentread *agentread_new(const struct agentread_opts *o);

/* The stream's next n bytes. */
void agentread_feed(struct agentread *a, const void *buf, size_t n);

/* Feeds what fd gives to its end; returns 0, or -1 with errno set. */
int agentread_fd(struct agentread *a, int fd);

/* The stream ended: every image still open ends here. */
void agentread_end(struct agentread *a);

/* Adds the view's stacks (after agentread_end) to out. */
void agentread_view(struct agentread *a, int view, struct stacktable *out);

/*
 * Adds the view's stacks as of now to out, the stream going on: an image
 * still running counts its live blocks as in use (the inuse views), one
 * that ended its leaks.  For lock and block, n[1] of each stack is the
 * number of waits (the contentions) and n[0] their ns, as in
 * agentread_view(); the other views leave n[1] 0.  Any number of times,
 * between feeds.
 */
void agentread_snapshot(struct agentread *a, int view, struct stacktable *out);

/* The heap of a process now: estimates at its images' rate, as the views. */
struct agentread_heap {
	uint64_t live_bytes, live_blocks;   /* allocated and not freed, in its
	                                       image running now */
	uint64_t alloc_bytes, allocs;       /* since it started, its images
	                                       before an exec too */
};

/* The heap of process pid; returns 0, or -1 when the stream has no
 * image of it (h is all 0 then). */
int agentread_heap(const struct agentread *a, int pid, struct agentread_heap *h);

/* What the stream held and what went wrong in it. */
struct agentread_stats {
	uint64_t images;       /* process images */
	uint64_t unfinished;   /* ended without the agent's summary */
	uint64_t sampled;      /* images sampled at a rate above 1 */
	uint64_t nounwind;     /* images whose agent found no libunwind */
	uint64_t chunks;
	uint64_t lost_chunks;  /* gaps in the chunks' sequence numbers */
	uint64_t bad_bytes;    /* skipped to find a chunk's magic */
	uint64_t bad_records;  /* malformed, skipped */
	uint64_t missing;      /* records the summaries count, never read */
	uint64_t allocs, frees, waits, threads;   /* records read */
	uint64_t unknown_frees;   /* of a block never allocated */
	uint64_t untracked;    /* allocations past AGENTREAD_MAX_LIVE */
	uint64_t skipped;      /* records of images past the limit */
	/* PROF_AGENT_EVENTS=count: every allocation, summed over the images
	 * that sent their count (counted of them) */
	uint64_t counted, counted_allocs, counted_bytes;
};
void agentread_get_stats(const struct agentread *a, struct agentread_stats *s);

/*
 * Writes the leak summary (after agentread_end) to fp, each line started
 * with prefix (a program's "prof-record: "): "3,000,000 bytes in 1,000
 * blocks not freed, from 1 stack" (with "about" and the estimate's
 * standard error when sampled), then the top stacks by bytes, at most
 * top of them, innermost frame first.  Returns the bytes not freed
 * (rounded).
 */
uint64_t agentread_leaks(struct agentread *a, FILE *fp, const char *prefix, int top);

void agentread_free(struct agentread *a);

/*
 * Whether the agent can be preloaded into cmd (found in PATH when it has
 * no '/'; a script is judged by its interpreter): 1 yes; 0 no, with the
 * reason in err ("statically linked", "setuid", not found, not an
 * x86-64 ELF executable).
 */
int agentread_preloadable(const char *cmd, char *err, size_t errlen);

/*
 * The agent's path, next to the running program (the build's bin/) or in
 * its ../lib/prof/ (an install): 0, or -1 when neither has it or its
 * path holds a space or a colon (LD_PRELOAD's separators).
 */
int agentread_agent_path(char *buf, size_t size);

/*
 * The version of the agent at path (the string after AGENT_VERSION_TAG
 * in the file) into buf: 0, or -1 when the file cannot be read, is not a
 * regular file of at most AGENTREAD_MAX_AGENT bytes, or has no tag.
 */
#define AGENTREAD_MAX_AGENT (64u << 20)
int agentread_agent_version(const char *path, char *buf, size_t size);

/*
 * Sets the environment that carries the agent into a program and the
 * programs it runs: LD_PRELOAD (the agent first, what was there after),
 * PROF_AGENT_FD, PROF_AGENT_RATE and PROF_AGENT_EVENTS (AGENT_EV_* bits,
 * AGENT_EV_COUNT included).
 * For the child of a fork, before it execs.
 */
void agentread_setenv(const char *agent, int fd, uint64_t rate, unsigned events);

/*
 * After agentread_setenv(), for a reader that serves the program while
 * it runs: the agent writes what it has buffered at least every ms
 * milliseconds (PROF_AGENT_FLUSH_MS), not only when a chunk is full.
 */
void agentread_setenv_flush(unsigned ms);

#endif
