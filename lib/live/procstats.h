/*
 * procstats: a process's runtime figures, from /proc (prof-record --type
 * stats).
 */
#ifndef PROF_PROCSTATS_H
#define PROF_PROCSTATS_H

#include <stdint.h>
#include <stdio.h>
#include <sys/types.h>

/* The agent's heap figures, when the process runs under it (estimates at its sampling rate). */
struct procstats_heap {
	uint64_t live_bytes, live_blocks;    /* allocated now, not freed */
	uint64_t alloc_bytes, allocs;        /* since the start */
};
enum procstats_format { PROCSTATS_TABLE, PROCSTATS_JSON, PROCSTATS_YAML };

/* Reads pid's runtime figures now, from /proc, and writes them to out in
 * format fmt (enum procstats_format); heap is NULL when there is no agent.
 * Returns 0, or -1 with errno set when pid cannot be read (ESRCH gone,
 * EACCES not permitted). Write errors are the caller's to check (ferror). */
int procstats_write(FILE *out, pid_t pid, int fmt, const struct procstats_heap *heap);

#endif
