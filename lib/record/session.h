/*
 * session: a recording session of prof-record, from the start of the
 * processes sampled to the profile written (prof-record(1)).
 *
 * A session launches a command (session_launch) or follows processes
 * already running (session_attach), samples them with the perf sampler
 * (lib/record/sample), or with ptrace where perf_event_open is refused,
 * until they have all ended, the duration has elapsed or prof-record
 * gets SIGINT, SIGTERM or SIGHUP, then writes the stacks (lib/record/record)
 * with the metadata of prof-folded(5) to the output.  session_threads
 * takes one stack of every thread instead, now.
 *
 * The kernel is sampled with the user space when o->sample.kernel asks
 * and the kernel permits it; where it refuses, the session samples user
 * space only and warns once.  The metadata "kernel" says which, and why
 * not: "included", "excluded (perf_event_paranoid=N)", "excluded
 * (--user-only)" (not asked), "excluded (ptrace sampler)".  Samples the
 * kernel lost are a warning with their share of all taken.
 *
 * The output is written however the recording ends.  On stdout the
 * metadata known at the start comes first, then the stacks of every 2
 * seconds (a stack seen again is written again; readers sum them), then
 * the metadata known at the end; to a file, everything at the end, all
 * metadata first, and atomically (core/outfile).
 *
 * A launched command:
 *  - starts with the signal dispositions SIGINT, SIGTERM and SIGHUP had
 *    when the session began (an ignored SIGINT stays ignored), SIGPIPE
 *    at its default, and its stdout on stderr when the profile goes to
 *    stdout;
 *  - is sampled from its exec on, so the recorder itself is not;
 *  - runs in a process group of its own, as under timeout(1), so that
 *    what the session sends it (SIGTERM at the end of the duration, the
 *    signal the session got, SIGKILL at a second one) reaches every
 *    process it started; each signal but SIGKILL is followed by SIGCONT,
 *    so that a stopped process gets it too;
 *  - holds the terminal while the session runs in its foreground, so
 *    that it can read it and ^C, ^\ and ^Z reach all of it; when it is
 *    stopped, the session stops its own job as the shell expects and, on
 *    fg, gives the terminal back and continues it.
 * The processes of session_attach are never signalled; they run on.
 *
 * What a session changes in the process, for good: handlers for SIGINT,
 * SIGTERM and SIGHUP (without SA_RESTART, so that a signal interrupts the
 * wait for the command) that note the signal in the only two file
 * statics of the module (a handler can reach nothing else); SIGPIPE
 * ignored; SIGTTOU ignored once the command has the terminal; no
 * DEBUGINFOD_URLS (only the files on this machine are read); the limit
 * of open files raised to its maximum (a process followed holds a
 * descriptor per file it unwinds through).  So one session runs in a
 * process, and the program ends after it.
 *
 * The types other than cpu need events of the kernel (context switches,
 * system calls): where perf_event_open refuses them, wall samples with
 * ptrace instead (and says so, in the metadata "event" too), offcpu and
 * io die.  With -p, offcpu and wall take a stack of every thread off CPU
 * at the start, counted from the start to its first switch-in.  The
 * metadata says the type, unit, weight, how states were told apart
 * ("state"), and what was left out ("kernel").
 *
 * Memory, lock, block and threadcreate are recorded by the in-process
 * agent instead (lib/agent: libprof-agent.so, preloaded), in a launched
 * command only: the command starts with the agent's environment and the
 * write end of a pipe (whose read end the session reads in the loop that
 * waits for the command), and the profile is written at the end, from
 * the whole stream (lib/record/agentread), its metadata first.  A
 * command's descendants left running after it hold the pipe open: the
 * session reads on until the pipe is idle for SESSION_AGENT_IDLE_MS, at
 * most SESSION_AGENT_LINGER_MS after the command ended; what they had
 * not sent by then is lost (their images are unfinished).  With
 * SESSION_VIEW_ALL, the five memory views: to stdout one after the
 * other, each with its metadata and "view" (prof-folded(5)), or, with
 * an output path P, in the files P-VIEW.folded.  The memory types end
 * with the leak summary on stderr.
 *
 * A checkpoint (o->checkpoint, for recordings in the background:
 * lib/live/livesession) is the profile so far, folded whatever the
 * output's format, its metadata with the "duration" and "samples" so far
 * (the agent's types: the metadata alone), written atomically
 * (core/outfile) when the sampling starts, so that its existence says the
 * recording runs, then every 2 seconds.  The caller removes it once the
 * output is there; a recorder that ended without its output, or was
 * killed, leaves its profile so far in it.
 *
 * What stops a recording dies (exit 2): a process of session_attach
 * that does not exist, pipe or fork failing, both perf_event_open and
 * ptrace refused, the events of offcpu or io refused (the launched
 * command's group is killed first and the terminal taken back).
 */
#ifndef PROF_SESSION_H
#define PROF_SESSION_H

#include <stdint.h>
#include <sys/types.h>

#include "record/record.h"
#include "record/sample.h"

/* What a session records (prof-record's --type). */
enum session_type {
	SESSION_CPU,         /* on-CPU samples at the frequency */
	SESSION_OFFCPU,      /* intervals off CPU, in ns (lib/record/offcpu) */
	SESSION_WALL,        /* both, in samples at the frequency; with the
	                        ptrace sampler, every thread at each period */
	SESSION_IO,          /* system calls on files (lib/record/io) */
	/* The agent's (lib/agent, read by lib/record/agentread): */
	SESSION_MEMORY,      /* allocations, sampled by bytes */
	SESSION_LOCK,        /* waits to take a mutex or rwlock, in ns */
	SESSION_BLOCK,       /* waits in pthread_cond_*wait, sem_*wait, join */
	SESSION_THREADCREATE /* pthread_create, by the creator's stack */
};

/* session_opts.view for SESSION_MEMORY: every memory view. */
#define SESSION_VIEW_ALL (-1)

enum session_sampler {
	SESSION_PERF,        /* perf_event_open; ptrace when the kernel refuses it */
	SESSION_PTRACE       /* stop the running threads, at most 99 Hz */
};

#define SESSION_AGENT_IDLE_MS 250
#define SESSION_AGENT_LINGER_MS 5000

struct session_opts {
	const char *output;          /* the profile's path; "-": stdout */
	int pprof;                   /* write pprof's profile.proto, gzipped,
	                                with the files' build-ids (not folded) */
	int type;                    /* enum session_type (session_threads: none) */
	int io_weight;               /* SESSION_IO: enum io_weight */
	int view;                    /* SESSION_MEMORY: enum agentread_view of
	                                a memory view, or SESSION_VIEW_ALL */
	uint64_t alloc_rate;         /* SESSION_MEMORY: mean bytes between
	                                samples (1: every allocation) */
	int sampler;                 /* enum session_sampler */
	double duration;             /* seconds; 0: until the processes end */
	int debuginfod;              /* keep DEBUGINFOD_URLS: names may come
	                                from debuginfod servers */
	struct record_opts record;   /* what a stack holds, how it is unwound */
	struct sample_opts sample;   /* frequency (not 0), stack copied, kernel
	                                (with record.kernel: prof-record's default) */
	const char *checkpoint;      /* NULL, or a path for the profile so far:
	                                see "A checkpoint" above */
	const char *record_args;     /* NULL, or prof-record's options as a shell
	                                reads them back, for the metadata
	                                record-args (prof-folded(5)) */
};

/*
 * Runs argv[0] (looked up in PATH) with arguments argv, NULL-terminated,
 * and records it.  For the agent's types, dies (exit 2) when argv[0]
 * cannot be preloaded (static, setuid, not found) or the agent is not
 * found.  Returns its status as a shell gives it: its exit
 * status, 128 + N when signal N killed it, 126 when it could not be
 * executed, 127 when it was not found; 1 when that would be 0 but the
 * profile could not be written.
 */
int session_launch(const struct session_opts *o, char *const argv[]);

/*
 * Records the running processes pids[0..npids) and what they start.
 * Returns 0, or 1 when the profile could not be written.
 */
int session_attach(const struct session_opts *o, const pid_t *pids, int npids);

/*
 * Writes one stack of every thread of pids[0..npids), now (the profile
 * type "threads"; o->sampler, o->duration and the frequency do not
 * apply).  A process none of whose threads could be read is a warning.
 * Returns 0; 2 when a process could not be read; 1 when it would be 0
 * but the profile could not be written.
 */
int session_threads(const struct session_opts *o, const pid_t *pids, int npids);

/*
 * prof-record's options argv[0..n) (after the program's name, before the
 * command) as the metadata record-args gives them: quoted for the shell
 * (cmdline_quote), without the output (-o, --output: a verify command
 * writes elsewhere) and the "--" that ends them.  Owned by the caller;
 * NULL when no option is left, or one holds a control character (a
 * metadata line is one line).
 */
char *session_record_args(char *const argv[], int n);

#endif
