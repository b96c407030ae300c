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
 */
#ifndef PROF_UNIT_H
#define PROF_UNIT_H

#include <stddef.h>

#include "core/count.h"
#include "folded/folded.h"
#include "folded/meta.h"

enum unit_kind { UNIT_SAMPLES, UNIT_NS, UNIT_BYTES, UNIT_OBJECTS, UNIT_THREADS, UNIT_OTHER };

struct unit {
	int kind;              /* enum unit_kind */
	const char *name;      /* the profile's unit as written ("samples") */
	double period_ns;      /* ns per sample when known and kind is samples; else 0 */
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

#endif
