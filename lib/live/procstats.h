/*
 * procstats: a process's runtime figures, read from /proc, as a table,
 * JSON or YAML (prof-record --type stats, and the server's /debug/stats).
 *
 * A snapshot is read through one descriptor of /proc/PID, so that all its
 * figures are of one process even if the pid is reused meanwhile; a
 * process that has ended (gone, or a zombie: its memory and descriptors
 * are freed) cannot be read (ESRCH).  Files of /proc are read whole into
 * bounded buffers and parsed by their keys; the command name in
 * /proc/PID/stat may hold spaces and parentheses, and ends at the last
 * ')'.  Figures are integers; seconds are kept in hundredths (the
 * kernel's clock ticks are 1/100 s on Linux; other tick rates are
 * converted).  Names are written as clean text (xmlsafe_clean) in every
 * format.
 *
 * I/O bytes are /proc/PID/io's read_bytes and write_bytes: what the
 * process made the kernel fetch from or send to storage (the page cache
 * counts a write when it is dirtied), not the bytes passed to read(2) and
 * write(2) (rchar, wchar), which include pipes, sockets and cached reads.
 * A kernel without task I/O accounting has no such file; the figures are
 * then left out (has_io 0), with the reason in io_errno.
 *
 * The JSON object's keys, in order: pid, comm, uptime_s, cpu_user_s,
 * cpu_system_s, threads, fds, rss_bytes, rss_peak_bytes, vm_bytes,
 * anon_bytes, swap_bytes, ctxsw_voluntary, ctxsw_involuntary,
 * faults_minor, faults_major, io_read_bytes, io_write_bytes (both left
 * out without has_io), and with heap figures heap_live_bytes,
 * heap_live_blocks, heap_alloc_bytes, heap_allocs.  Numbers are integers
 * but the *_s seconds, decimals with two places.  YAML has the same keys,
 * one document ("---") per snapshot.
 */
#ifndef PROF_PROCSTATS_H
#define PROF_PROCSTATS_H

#include <stdint.h>
#include <stdio.h>
#include <sys/types.h>
#include <time.h>

/* The agent's heap figures, when the process runs under it (estimates at its sampling rate). */
struct procstats_heap {
	uint64_t live_bytes, live_blocks;    /* allocated now, not freed */
	uint64_t alloc_bytes, allocs;        /* since the start */
};
enum procstats_format { PROCSTATS_TABLE, PROCSTATS_JSON, PROCSTATS_YAML };

/* One snapshot of a process. */
struct procstats {
	pid_t pid;
	char comm[64];                  /* as the kernel has it (16 bytes at most), NUL-ended */
	struct timespec when;           /* CLOCK_REALTIME at the reading */
	uint64_t uptime_cs;             /* since the process started, in 1/100 s */
	uint64_t user_cs, system_cs;    /* CPU time of all its threads, live and ended */
	uint64_t threads, fds;
	uint64_t rss, rss_peak, vm, anon, swap;   /* bytes: VmRSS, VmHWM, VmSize, RssAnon, VmSwap */
	uint64_t ctxsw_voluntary, ctxsw_involuntary;   /* of the live threads */
	uint64_t faults_minor, faults_major;
	int has_io, io_errno;           /* io_* read, or why not (errno) */
	uint64_t io_read, io_write;     /* bytes */
};

/*
 * Reads pid's figures now into *s.  Returns 0, or -1 with errno set:
 * ESRCH when the process does not exist or has ended, EACCES (or EPERM)
 * when its descriptors may not be read (another user's process, without
 * CAP_SYS_PTRACE), EIO when a file of /proc does not parse.
 */
int procstats_read(pid_t pid, struct procstats *s);

/*
 * Writes snapshot s to out in format fmt (enum procstats_format), with
 * heap's figures unless heap is NULL.  A table is a block headed by the
 * pid, the command name and the time of the snapshot, and ends with a
 * blank line; JSON is one object on one line; YAML one document.
 * Returns 0, or -1 when the YAML emitter fails (a bug: its input is
 * checked); write errors are the caller's to check (ferror).
 */
int procstats_print(FILE *out, const struct procstats *s, int fmt,
    const struct procstats_heap *heap);

/* Reads pid's runtime figures now, from /proc, and writes them to out in
 * format fmt (enum procstats_format); heap is NULL when there is no agent.
 * Returns 0, or -1 with errno set when pid cannot be read (ESRCH gone,
 * EACCES not permitted). Write errors are the caller's to check (ferror). */
int procstats_write(FILE *out, pid_t pid, int fmt, const struct procstats_heap *heap);

/*
 * prof-record --type stats: snapshots of pids[0..npids) written to out in
 * format fmt, one per process each time, in the order of pids.  With
 * interval 0, one round; else a round every interval seconds (on a fixed
 * schedule; a round late by more than an interval starts it again), count
 * rounds (0: until every process has ended), each flushed as written.
 *
 * The first round reads every process before it writes any: one that
 * cannot be read is reported and nothing is written (exit 2).  Later, a
 * process that has ended is reported, with its number of snapshots, and
 * left out of the next rounds.  SIGINT, SIGTERM and SIGHUP end the series
 * after the round in progress (they are blocked meanwhile, and restored
 * as they were; one that was ignored stays so).  Returns the exit status: 0, or 2 after a message (the
 * first round failed, or a process could not be read later for another
 * reason than its end).  A write error stops the series; the caller
 * reports it when it closes out.
 */
int procstats_watch(FILE *out, const pid_t *pids, int npids, int fmt, double interval,
    long long count);

#endif
