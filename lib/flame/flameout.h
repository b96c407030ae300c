/*
 * flameout: a finished flame graph (flame.h) written in the format the
 * user chose, with the defaults its profile's metadata suggests.
 *
 * The formats: svg (svg.h), html (flamehtml.h), text (flametext.h; in
 * colour when written to a terminal and NO_COLOR is not set) and
 * speedscope (speedscope.h); and the call graph (callgraph.h) of the
 * stacks, not of the tree: dot, its Graphviz text, and graph, laid out
 * as SVG (titled "Call Graph", or by the type: "Off-CPU Time Call
 * Graph").  What the options leave NULL comes from the
 * metadata (prof-folded(5) keys), then from the defaults:
 *  unit        counts of a wall, offcpu or io profile in nanoseconds or
 *              bytes, or in samples with a period, show as time or bytes
 *              ("12.3ms (41.00%)"; unit.h), unless count_name is given;
 *              the count_name is then "time" or "bytes" (text's column);
 *  count_name  from unit ("ns" for nanoseconds), else "samples";
 *  states      set for offcpu and wall: the state leaves' own colours;
 *  palette     mem for type memory, io for lock, else hot (offcpu and
 *              wall too: their code hot, their waits blue and purple);
 *  title       for wall, offcpu and io, what the graph measures
 *              ("Off-CPU Time Flame Graph", "Wall-Clock Flame Graph",
 *              "I/O Flame Graph (bytes)"; Icicle, Chart as drawn), and
 *              the command as the subtitle; for the others, from type and
 *              command ("CPU: ./app", "Differential"), or of a
 *              differential profile, the profiles compared, from before
 *              and after ("Differential: old.folded → new.folded"), else
 *              the writer's own ("Flame Graph"; speedscope "profile").
 * The options given always win over the metadata.
 */
#ifndef PROF_FLAMEOUT_H
#define PROF_FLAMEOUT_H

#include <stddef.h>
#include <stdio.h>

#include "flame/callgraph.h"
#include "flame/flame.h"
#include "flame/svg.h"
#include "folded/meta.h"

enum flameout_format {
	FLAMEOUT_SVG, FLAMEOUT_HTML, FLAMEOUT_TEXT, FLAMEOUT_SPEEDSCOPE, FLAMEOUT_DOT, FLAMEOUT_GRAPH
};

/* The formats' names, in the order of enum flameout_format, then NULL
 * (for arg_choice). */
extern const char *const flameout_formats[];

/*
 * Writes the finished tree f to fp in format (enum flameout_format) with
 * the options o (unchanged: the defaults above go in a copy), meta the
 * profile's metadata.  Returns 0, or -1 with a message in err (an
 * unknown palette, a palette map that cannot be read or written, a
 * call graph's format).  Write errors are left to the caller (ferror).
 */
int flameout_write(FILE *fp, int format, const struct flame *f, const struct svg_opts *o,
    const struct meta *meta, char *err, size_t errlen);

/* Whether format is a call graph's (dot, graph): drawn by flameout_callgraph. */
int flameout_is_callgraph(int format);

/*
 * Writes the call graph of the stacks of t (two counts each when diff;
 * total the whole profile's, before filters: callgraph_build) with the
 * cuts co to fp in format (FLAMEOUT_DOT or FLAMEOUT_GRAPH); of
 * o, only the title and subtitle are used (the metadata's when NULL).
 * Returns 0, or -1 with a message in err (Graphviz failed).
 */
int flameout_callgraph(FILE *fp, int format, struct stacktable *t, int diff,
    const count_t *total, const struct callgraph_opts *co, const struct svg_opts *o, const struct meta *meta,
    char *err, size_t errlen);

#endif
