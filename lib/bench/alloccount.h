/*
 * alloccount: the allocations a program makes, counted by an interposed
 * allocator, for prof-bench's allocations and bytes per operation.
 *
 * lib/bench/alloccount.c compiled with -DPROF_ALLOCCOUNT_INTERPOSE defines
 * malloc, free, calloc, realloc, reallocarray, posix_memalign,
 * aligned_alloc, memalign, valloc and pvalloc (the allocation functions
 * glibc 2.36 exports), each forwarding to glibc's own (__libc_malloc and
 * the rest), so the allocator is still glibc's; an executable that links
 * that object takes the calls of every library it uses (libc's strdup,
 * fopen, pthread_create included), as glibc's manual allows ("Replacing
 * malloc").  Compiled without the macro, the file defines the functions
 * below and no allocator, so a copy in lib/libprof.a changes nobody's
 * malloc; only prof-bench (and t/helpers/benchbuiltin-test) link the
 * interposing object, named on the command line before the archive, so
 * the archive's copy is never pulled in beside it.
 *
 * Under a sanitizer that brings its own allocator (AddressSanitizer,
 * ThreadSanitizer, MemorySanitizer), detected at compile time, no
 * allocator is defined either: alloccount_available() is then 0.
 *
 * Invariants: counting is one process-wide state, on or off.  While it is
 * off an allocation costs one relaxed load and a branch more than glibc's;
 * while it is on, two relaxed atomic additions (so a benchmark that is
 * timed should not count at the same time).  An allocation is a call of
 * any of them but free that returns a block (malloc(0) does); its bytes
 * are the size requested (n * size for calloc), not what the allocator
 * rounds it to.  A free is a call of free with a pointer other than
 * NULL, or a realloc of one that succeeds (realloc(p, n) is a free and
 * an allocation of n bytes, moved or not; realloc(p, 0) a free only).
 * Counts are exact for the calls that happen after alloccount_start()
 * and before alloccount_stop() in the sense of the memory model (made by
 * the caller, or by threads it started or met at a barrier in between).
 * Thread-safe, except that start and stop are called by one thread at a
 * time.
 */
#ifndef PROF_ALLOCCOUNT_H
#define PROF_ALLOCCOUNT_H

struct alloccount {
	long long allocs;   /* allocations */
	long long bytes;    /* bytes requested by them */
	long long frees;    /* blocks freed */
};

/*
 * 1 when this executable counts its allocations (the interposer is linked
 * and no sanitizer replaced it), else 0: then the counts stay 0.
 */
int alloccount_available(void);

/* Zeroes the counts and turns counting on, for all threads. */
void alloccount_start(void);

/*
 * Turns counting off and stores the counts since alloccount_start() in
 * *c (all 0 when counting is unavailable).
 */
void alloccount_stop(struct alloccount *c);

#endif
