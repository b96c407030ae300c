/*
 * speedscope: a flame graph's tree as a speedscope file, the JSON format
 * of https://www.speedscope.app/file-format-schema.json.
 *
 * The file holds one "sampled" profile.  Every drawn node of the tree
 * (flame.h) whose self[0] is not 0 becomes one sample: its path of frames
 * from the root's child down to it (the root, "all", is not a frame),
 * weighted by self[0]; the samples are in the tree's order (parents before
 * children, siblings as flame_finish left them: by name, or by time in a
 * flame chart), so speedscope's time-order view draws the same graph.
 * Nodes dropped by flame_finish's cut are not written; a parent that lost
 * some gets one sample more, after its children's, through a frame
 * "… N more frames", weighted by its hidden count.  So the weights sum to
 * the root's total[0], which is the profile's endValue (startValue is 0).
 * Weights are counts in their exact form ("12", "0.5"), which JSON
 * numbers can hold.
 * shared.frames lists each distinct name once (names equal byte for byte
 * share a frame), in the order they are first met.  A frame with a source
 * location or a module (prof-folded(5): "parse<TAB>src/p.c:42<TAB>app")
 * is named by its function ("parse"), with the schema's "file" ("src/p.c",
 * or the module when the location is unknown) and "line" (42).
 * In a differential tree only n[0] is written (the width count: AFTER, or
 * BEFORE when negated): speedscope has no differential profiles.
 * Names are JSON strings: '"' and '\' escaped, control characters (and
 * U+2028, U+2029) as \uXXXX, each byte that starts no well-formed UTF-8
 * sequence replaced by U+FFFD (as xmlsafe.h does for the SVG), so the
 * file is valid UTF-8 JSON for any input.  An empty tree gives a valid
 * file whose profile has no samples.
 */
#ifndef PROF_SPEEDSCOPE_H
#define PROF_SPEEDSCOPE_H

#include <stdio.h>

#include "flame/flame.h"

/*
 * Writes f (finished) to out as a speedscope file.  name names the file
 * and its profile (NULL: "profile"); unit is what a count measures, as a
 * profile's "# unit:" line says (prof-folded(5)): "nanoseconds" (or "ns"),
 * "microseconds", "milliseconds", "seconds" and "bytes" are speedscope's
 * units, anything else (samples, objects, threads, NULL) is "none".
 * Returns 0, or -1 if out has an error (the caller still closes it).
 */
int speedscope_write(FILE *out, const struct flame *f, const char *name, const char *unit);

#endif
