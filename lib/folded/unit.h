/*
 * unit: what a profile's counts measure, and how to show them to a person.
 *
 * A profile's counts are samples, nanoseconds, bytes, objects or threads
 * (the unit metadata key; samples when absent).  Samples of a profile whose
 * metadata gives a period ("10101010 ns") or a frequency ("99 Hz") are also
 * time: a sample stands for the period.  unit_from_meta() settles this
 * once; unit_show() then writes a count as a person reads it in a table:
 * "1234" (samples), "12.3ms" (time), "1.5MiB" (bytes, binary prefixes).
 * Machine formats (CSV, JSON) write the exact count in the profile's own
 * unit instead (count_format), never a rounded display form.
 *
 * The type metadata key says what the counts are a measure of: the same
 * nanoseconds are off-CPU time in an offcpu profile, wall-clock time in a
 * wall one (prof-folded(5)).  unit_measure() names it for titles and
 * headers, so that a reader is never left to guess what "2.9s" is the
 * total of.  Off-CPU and wall profiles end the stacks of a thread that
 * was not running in a state leaf ([sleep], [disk], [runnable]); only
 * there is such a frame a state, elsewhere it is a module's name.
 */
#ifndef PROF_UNIT_H
#define PROF_UNIT_H

#include <stddef.h>

#include "core/count.h"
#include "folded/folded.h"
#include "folded/meta.h"

enum unit_kind {
	UNIT_SAMPLES, UNIT_NS, UNIT_BYTES, UNIT_OBJECTS, UNIT_THREADS, UNIT_CALLS, UNIT_OTHER
};

/* The profile's type; UNIT_TYPE_NONE without the key, OTHER for any
 * type these do not name (diff, threads, ...).  MEMORY to THREADCREATE
 * are the in-process agent's (prof-record(1)). */
enum unit_type {
	UNIT_TYPE_NONE, UNIT_TYPE_CPU, UNIT_TYPE_WALL, UNIT_TYPE_OFFCPU, UNIT_TYPE_IO,
	UNIT_TYPE_MEMORY, UNIT_TYPE_LOCK, UNIT_TYPE_BLOCK, UNIT_TYPE_THREADCREATE,
	UNIT_TYPE_OTHER
};

struct unit {
	int kind;              /* enum unit_kind */
	const char *name;      /* the profile's unit as written ("samples") */
	double period_ns;      /* ns per sample when known and kind is samples; else 0 */
	int type;              /* enum unit_type */
	const char *type_name; /* the type as written, or NULL */
	const char *view;      /* a memory profile's view ("alloc-space"), or NULL */
};

/* The unit of a profile with metadata m (name points into m or is static). */
void unit_from_meta(const struct meta *m, struct unit *u);

/* Room for any text unit_show() writes. */
#define UNIT_BUFSZ 64

/*
 * Writes c as shown in a table: samples as an integer when whole (else
 * with up to 2 decimals), time (samples with a period, or nanoseconds)
 * with a unit from ns to s and 3 significant digits at most ("950us",
 * "12.3ms", "1.25s"), bytes with binary prefixes ("512B", "1.5KiB").
 * Returns the length.
 */
size_t unit_show(const struct unit *u, count_t c, char buf[UNIT_BUFSZ]);

/* As unit_show() for a signed difference a - b, with its sign ("+12", "-3.1ms", "0"). */
size_t unit_show_delta(const struct unit *u, count_t a, count_t b, char buf[UNIT_BUFSZ]);

/* A short description of the unit for headers: "samples", "samples of 10.1ms", "bytes". */
size_t unit_describe(const struct unit *u, char buf[UNIT_BUFSZ]);

/*
 * What the counts of a wall, offcpu, io or agent's profile measure, as a
 * header or a title says it: "off-CPU time", "wall-clock time" (or
 * "wall-clock samples" without a period), "I/O bytes", "I/O time", "I/O
 * calls"; "bytes allocated", "allocations", "bytes not freed", "blocks
 * not freed", "bytes live at the peak" (by the memory view), "lock wait
 * time", "blocked time", "threads created".
 * Writes "" and returns 0 for the other types (a cpu profile's counts
 * need no such word, and its readers see none).
 */
size_t unit_measure(const struct unit *u, char buf[UNIT_BUFSZ]);

/* Whether a and b count the same thing: the same kind ("ns" is
 * "nanoseconds"), or the same name for a unit these do not know. */
int unit_same(const struct unit *a, const struct unit *b);

/* Whether the profile's stacks may end in a state leaf (offcpu, wall). */
int unit_has_states(const struct unit *u);

enum unit_state { UNIT_STATE_NONE, UNIT_STATE_SLEEP, UNIT_STATE_DISK, UNIT_STATE_RUNNABLE };

/*
 * The state a frame names (enum unit_state): "[sleep]" (interruptible:
 * sleeps, waits on pipes, sockets, futexes), "[disk]" (uninterruptible,
 * mostly I/O), "[runnable]" (preempted, waiting for a CPU); else NONE.
 * Only the leaf of a profile for which unit_has_states() is a state.
 */
int unit_state(const char *frame, size_t len);

/* "sleep", "disk", "runnable" (NULL for NONE). */
const char *unit_state_name(int state);

#endif
