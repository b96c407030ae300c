/*
 * flametext: a flame graph's tree drawn as text, for a terminal or a log.
 *
 * One line per drawn node of a finished tree (flame.h), parents before
 * children, indented with tree glyphs (UTF-8: "├─ ", "└─ ", "│  ").
 * Siblings are widest first (total[0] descending, ties in name order);
 * a flame chart keeps its time order.  The first line names the columns:
 *
 *          %  samples  frame
 *     100.0%       10  all
 *     100.0%       10  └─ main
 *      50.0%        5     ├─ work
 *      30.0%        3     │  ├─ parse
 *                         │  └─ … 2 more frames (20.0%)
 *      40.0%        4     └─ idle
 *
 * The percentage is of the root's total[0], with one decimal; the count
 * is total[0] in its exact form (count_format), or in its unit, multiplied
 * by the factor when it is not 1.  A node whose narrow children were dropped
 * (flame_finish's cut) gets one last child line "… N more frames (X%)",
 * X the share of all they hold, so nothing is lost from the sums.
 * In a differential tree each line ends with the frame's total before and
 * after, and its change in percent of before:
 *
 *      72.7%        8     ├─ f  (4 -> 8, +100.0%)
 *
 * ("new" when BEFORE is 0).  A frame with a source location or a module
 * (prof-folded(5)) is written as a reader would: "parse src/parse.c:42
 * in /usr/bin/app", dimmed after the function in colour.  Names (and
 * count_name) are written as the clean text of xmlsafe.h, as the SVG
 * shows them: invalid UTF-8 and control characters (C0, DEL, C1) become
 * U+FFFD; so do bidirectional overrides and isolates (U+202A-E,
 * U+2066-9).  So a name cannot move the cursor, change the terminal's
 * state or reorder the line, and the output is valid UTF-8 whatever the
 * input.  An empty tree (no stacks) is the
 * single line "no data".
 */
#ifndef PROF_FLAMETEXT_H
#define PROF_FLAMETEXT_H

#include <stdio.h>

#include "flame/flame.h"

/*
 * Writes the tree f (finished) to out.  count_name heads the count column
 * (NULL: "samples"); u, when not NULL, shows the counts in their unit
 * ("12.3ms", "1.5MiB": unit_show) instead of as numbers; factor
 * multiplies the counts shown (exactly when it has at most 9 decimals);
 * color non-zero adds ANSI colours: percentages by size, a differential
 * change red for growth and blue for shrinkage.
 * Returns 0, or -1 if out has an error (the caller still closes it).
 */
struct unit;
int flametext_write(FILE *out, const struct flame *f, const char *count_name,
    const struct unit *u, double factor, int color);

#endif
