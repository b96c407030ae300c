/*
 * serve: prof-record --serve, the endpoints of Go's net/http/pprof for
 * any process on the machine (so that `go tool pprof`, Parca and
 * Pyroscope's pull mode read it), and --auto-profile, CPU profiles saved
 * at an interval.  See prof-record(1), SERVER.
 *
 * The server serves its targets: processes running (-p), or a command it
 * launches under the in-process agent (lib/agent, read by
 * lib/record/agentread), whose stream it reads all along, so that the
 * memory, lock, block and threadcreate profiles are there when asked.
 * A CPU profile (/debug/pprof/profile) or a threads snapshot
 * (/debug/pprof/goroutine) is taken by a child, this program run again
 * (/proc/self/exe) as `prof-record -p PIDS ...` into a file of the
 * server's private directory, sent back and removed: a recording session
 * changes its process's signal handlers and runs once in a process
 * (lib/record/session), and a child keeps its faults out of the server.
 *
 * Threads: libmicrohttpd's, one per connection (at most
 * SERVE_MAX_CONNECTIONS, idle ones closed after SERVE_TIMEOUT seconds),
 * and the caller's, which waits for signals, the targets' end and the
 * agent's stream, and starts the --auto-profile children.  The agent's
 * reader (not thread-safe, and unwind with it) is fed and read under one
 * lock.  Every child is reaped by the thread that started it, waiting for
 * it alone (never any child): a client that leaves during a profile ends
 * its child (SIGTERM, then SIGKILL) and nothing is left.  One CPU profile
 * of a request at a time (a second is answered 409); the --auto-profile
 * ones are the server's own and run beside them, one at a time.
 *
 * Nothing a request carries names a file: its parameters are numbers and
 * words checked against their lists (seconds 1 to the maximum, debug 0 to
 * 2, format folded or pprof, pid one of the targets), and anything else
 * is answered 400; unknown paths 404, methods other than GET and HEAD
 * 405.  What is written in HTML is escaped (core/xmlsafe).
 */
#ifndef PROF_SERVE_H
#define PROF_SERVE_H

#include <stdint.h>
#include <sys/types.h>

#include "record/agentread.h"
#include "record/session.h"

#define SERVE_MAX_SECONDS 300       /* the longest CPU profile asked */
#define SERVE_MAX_PIDS 28           /* -p processes of a server, at most */
#define SERVE_DEFAULT_SECONDS 30    /* Go's default */
#define SERVE_MAX_CONNECTIONS 64
#define SERVE_TIMEOUT 60            /* seconds an idle connection stays */
#define SERVE_DEFAULT_KEEP 10       /* --keep */
#define SERVE_AUTO_DURATION 10      /* --auto-profile's -d, at most its interval */
#define SERVE_AGENT_FLUSH_MS 100    /* the agent's records reach the server
                                       within this long (PROF_AGENT_FLUSH_MS) */

struct serve_opts {
	const char *listen;          /* "[ADDR:]PORT" (ADDR IPv4, [IPv6] or
	                                localhost; default 127.0.0.1; port 0
	                                any free one); NULL: no server */
	const pid_t *pids;           /* the targets (-p), pids[0..npids); */
	int npids;                   /* 0: argv is launched */
	char *const *argv;           /* the command, NULL-terminated */
	char *const *record_args;    /* the sampling options for the children
	                                (-F 99, ...), NULL-terminated */
	int max_seconds;             /* ?seconds= at most this (prof.conf
	                                serve-max-seconds); 0: SERVE_MAX_SECONDS */
	double auto_interval;        /* seconds between auto profiles; 0: none */
	double auto_duration;        /* each one's length, at most the interval */
	int keep;                    /* auto profiles kept, the last ones */
	const char *output_dir;      /* where they go (made if missing) */
	int folded;                  /* auto profiles folded, not pprof */
	uint64_t alloc_rate;         /* the agent's; 0 its default */
	struct agentread_opts agent; /* how the agent's stacks are named */
};

/*
 * Serves (with o->listen) and takes the auto profiles (with
 * o->auto_interval) until the launched command ends, or with -p until
 * SIGINT, SIGTERM or SIGHUP or the last target ends.  The launched command
 * gets the signals the server gets (a second one: SIGKILL).  Dies (exit 2)
 * when the address cannot be used (in use, or not this machine's: the
 * message names it) or the command cannot be run; a command that cannot
 * take the agent runs without it, and its agent's endpoints answer 501
 * with the reason.  Prints "prof-record: serving http://ADDR:PORT/debug/pprof/"
 * on stderr once it answers.  Returns the command's status as a shell
 * gives it (128 + N for signal N, 127 not found), or 0 with -p.
 */
int serve_run(const struct serve_opts *o);

/*
 * Parses a request's number s (NULL: absent, *v = def), digits only, into
 * *v; returns 0, or -1 when it is not a number from lo to hi.
 */
int serve_param_int(const char *s, int lo, int hi, int def, int *v);

/*
 * The sampling options of o (-F, --sampler, --stack-size, --unwinder,
 * --max-stack, --lines, --no-inline, --addrs, --pid or --tid,
 * --user-only, --debuginfod) as the arguments of a prof-record that
 * samples alike, NULL-terminated: serve_opts.record_args.  One block,
 * freed with free().
 */
char **serve_record_args(const struct session_opts *o);

#endif
