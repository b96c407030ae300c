/*
 * srclist: annotated source, the cost of each line of the functions a
 * regular expression names, as pprof's -list shows it (prof-top --list).
 *
 * A function is a frame's name (frame.h: an inlined frame, _[i], is its
 * function) in one file: the same name in two files is two functions,
 * as pprof has it.  The regular expression (ERE) is matched against the
 * name alone.  Per line of a function, over the stacks of the table:
 *   flat  the count of the stacks whose leaf frame is the function at
 *         that line;
 *   cum   the count of the stacks that hold the function at that line,
 *         once per stack however often it recurs there.
 * A function's flat is the sum of its lines' flat, its cum the count of
 * the stacks that hold it anywhere (once per stack).  A frame of the
 * function without a line number (no location, or FILE without ":LINE")
 * is counted on line 0, so nothing is lost; a function none of whose
 * frames has a line number is not located, and a listing cannot show it:
 * the profile was recorded without lines (prof-record --lines).  A
 * differential profile is listed by its second count (after).
 * The filters of a struct top_opts (focus, ignore, hide) apply first, as
 * top.h says: matched against a frame's name with its suffix, its
 * location or its module; a hidden frame is in no line, and a hidden
 * leaf's flat goes to the frame that called it.  total is the whole
 * table's, whatever the filters kept (as pprof).
 *
 * The listing (srclist_write) is pprof's: per located function,
 *   ROUTINE ======================== NAME in FILE
 *        FLAT        CUM (flat, cum) P% of Total
 *        FLAT        CUM   LINE:SOURCE TEXT
 * with "." for 0 and counts as unit_show() writes them; the lines with
 * counts and 5 lines around them, read from under a directory only
 * (core/srcfile: a file a profile names is untrusted data); a line the
 * source does not have (not found, refused, or shorter) is shown only
 * when it has counts, without text.  Names, files and source text are
 * written as clean text (xmlsafe).  Functions go by name, then file,
 * bytewise; lines by number.
 * The result owns its strings; the stack table is not changed.
 */
#ifndef PROF_SRCLIST_H
#define PROF_SRCLIST_H

#include <regex.h>
#include <stdio.h>

#include "core/count.h"
#include "core/table.h"
#include "folded/stacktable.h"
#include "folded/unit.h"
#include "top/top.h"

/* Lines shown before the first and after the last line with counts. */
#define SRCLIST_MARGIN 5

struct srclist_line {
	long line;              /* 1 or more; 0: frames without a line number */
	count_t flat, cum;
};

struct srclist_func {
	char *name, *file;      /* NUL-terminated; file "" when not known */
	size_t name_len, file_len;
	count_t flat, cum;
	struct srclist_line *lines;  /* by number, line 0 first if any */
	size_t nlines;
	int located;            /* a line 1 or more */
};

struct srclist {
	struct srclist_func *funcs;
	size_t n;
	size_t nlocated;        /* funcs with located set */
	count_t total;          /* of the whole table (the count listed) */
};

/* The functions of tab whose name matches re, with their lines' counts
 * (the second count when diff), over the stacks that the filters of o
 * keep (its other fields do not apply). */
struct srclist *srclist_build(struct stacktable *tab, const regex_t *re, const struct top_opts *o,
    int diff);

/*
 * Writes the listing of the located functions to fp, a "Total:" line
 * first, the source text read from under dir.  Returns 0, or -1 when a
 * write failed.
 */
int srclist_write(const struct srclist *sl, FILE *fp, const struct unit *u, const char *dir);

/*
 * Adds a section "lines" to t: a row per line with counts of every
 * located function (function, file, line, flat, cum; line empty for line 0), raw
 * values exact in the profile's unit; and the header fact "total".
 */
void srclist_rows(struct table *t, const struct srclist *sl, const struct unit *u);

void srclist_free(struct srclist *sl);

#endif
