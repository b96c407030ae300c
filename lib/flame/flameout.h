/*
 * flameout: a finished flame graph (flame.h) written in the format the
 * user chose, with the defaults its profile's metadata suggests.
 *
 * The formats: svg (svg.h), html (flamehtml.h), text (flametext.h; in
 * colour when written to a terminal and NO_COLOR is not set) and
 * speedscope (speedscope.h).  What the options leave NULL comes from the
 * metadata (prof-folded(5) keys), then from the defaults:
 *  count_name  from unit ("ns" for nanoseconds), else "samples";
 *  palette     mem for type memory, io for offcpu, wall and lock, else hot;
 *  title       from type and command ("CPU: ./app", "Differential"), or
 *              of a differential profile, the profiles compared, from
 *              before and after ("Differential: old.folded → new.folded"),
 *              else the writer's own ("Flame Graph"; speedscope "profile").
 * The options given always win over the metadata.
 */
#ifndef PROF_FLAMEOUT_H
#define PROF_FLAMEOUT_H

#include <stddef.h>
#include <stdio.h>

#include "flame/flame.h"
#include "flame/svg.h"
#include "folded/meta.h"

enum flameout_format { FLAMEOUT_SVG, FLAMEOUT_HTML, FLAMEOUT_TEXT, FLAMEOUT_SPEEDSCOPE };

/* The formats' names, in the order of enum flameout_format, then NULL
 * (for arg_choice). */
extern const char *const flameout_formats[];

/*
 * Writes the finished tree f to fp in format (enum flameout_format) with
 * the options o (unchanged: the defaults above go in a copy), meta the
 * profile's metadata.  Returns 0, or -1 with a message in err (an
 * unknown palette, a palette map that cannot be read or written).  Write
 * errors are left to the caller (ferror).
 */
int flameout_write(FILE *fp, int format, const struct flame *f, const struct svg_opts *o,
    const struct meta *meta, char *err, size_t errlen);

#endif
