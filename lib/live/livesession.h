/*
 * livesession: recordings in the background, prof-record's --start,
 * --list and --stop (prof-record(1), "Sessions").
 *
 * A session is an ordinary recording (record/session) run by a detached
 * recorder process, and a few files in a directory DIR that the caller
 * names (prof-record: --output-dir, prof.conf's output-dir, else
 * LIVESESSION_DIR):
 *   DIR/ID.folded, DIR/ID.pb.gz   the profile, once the session has ended
 *   DIR/ID.failed.folded          the profile so far of a recorder that
 *                                 ended without writing its profile
 *   DIR/.sessions/ID              the state: "key value" lines (pid,
 *                                 starttime, type, target, start, output,
 *                                 format, duration); present while the
 *                                 recorder runs and until a failure is seen
 *   DIR/.sessions/ID.partial      the checkpoint (session.h): the profile
 *                                 so far, folded, every 2 seconds
 *   DIR/.sessions/ID.log          the recorder's and its command's stdout
 *                                 and stderr (removed when empty)
 * An ID is "TYPE_SECONDS" (the type recorded, the Unix time of the start),
 * "TYPE_SECONDS_N" (N from 2) when that one is taken; it is created with
 * O_EXCL, so two starts never share one.  Every ID read (from the command
 * line, from the directory) must match LIVESESSION_ID_RE before it names
 * a file: an ID is never a path.  Paths are made from DIR and the ID
 * only; the state's "output" is shown, never opened.  A recorder is the
 * process of the state's pid only while that process's start time
 * (/proc/PID/stat) is the state's "starttime": a PID used again is not
 * signalled.
 *
 * DIR/.sessions is made mode 0700 and must be a directory of the user's
 * own (not a link), so that no one else plants a state in it.
 * Every function here dies (exit 2) on a usage or input error.
 */
#ifndef PROF_LIVESESSION_H
#define PROF_LIVESESSION_H

#include <sys/types.h>

#include "record/session.h"

/* The directory when none is given: relative to the current directory. */
#define LIVESESSION_DIR "tmp/profiles"
/* What an ID looks like. */
#define LIVESESSION_ID_RE "^[a-z]+_[0-9]+(_[0-9]+)?$"
/* How long --start waits for the recorder to sample, --stop for it to end
 * after its first and its second SIGINT: a bound, not an expected time. */
#define LIVESESSION_START_S 60
#define LIVESESSION_STOP_S 10
#define LIVESESSION_STOP_KILL_S 120

/* Non-zero when id is a well-formed ID (LIVESESSION_ID_RE). */
int livesession_id_valid(const char *id);

/*
 * Starts the recording o (o->output and o->checkpoint are set here) of
 * argv (NULL-terminated) or, when npids > 0, of the running processes
 * pids[0..npids), as a session of type (the --type word, the ID's
 * prefix) in dir, made with its parents as needed (mode 0755).  Returns
 * once the recorder samples, after printing the ID on stdout: 0, or 1
 * when stdout could not be written.  When the recorder ends before it
 * samples (no such process, a command not found), its messages are
 * copied to stderr, its files removed, and the status is its own (2 when
 * that would be 0).
 */
int livesession_start(const char *dir, const char *type, struct session_opts *o,
    char *const argv[], const pid_t *pids, int npids);

/*
 * Writes the sessions of dir, in the order they started, as a table of
 * format (enum table_format: TABLE_TEXT or TABLE_JSON) on stdout: id,
 * type, status, start, elapsed, samples (so far, from the checkpoint),
 * target.  A session whose recorder has ended without writing its profile
 * is listed once as failed and cleaned up (a warning says where its
 * profile so far went); one that ended normally is not listed.  Returns
 * 0, or 1 when stdout could not be written.
 */
int livesession_list(const char *dir, int format);

/*
 * Ends the session id of dir (SIGINT to its recorder, a second after
 * LIVESESSION_STOP_S), waits until the recorder has ended, and writes a
 * summary on stdout: samples, duration, the profile's path, its 5
 * heaviest functions.  A session that had already ended is summed up
 * too.  Dies (exit 2) for an unknown id, naming the active ones, and for
 * a session whose recorder ended without its profile, naming where the
 * profile so far went.  Returns 0, or 1 when stdout could not be written
 * or the recorder did not end within LIVESESSION_STOP_KILL_S.
 */
int livesession_stop(const char *dir, const char *id);

#endif
