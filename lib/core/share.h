/*
 * share: the data files of share/prof, built into the programs.
 *
 * lib/core/share-data.c is generated from the files of share/prof by
 * scripts/embed (a Makefile rule), so a program works from the build tree
 * and after `make install` alike, with no path to look up.  Each array
 * holds a file's bytes exactly, then a NUL.
 */
#ifndef PROF_SHARE_H
#define PROF_SHARE_H

/* share/prof/flame.js: the script of prof-flame's SVG (zoom, search,
 * tooltips, the view in the URL). */
extern const char share_flame_js[];

/* share/prof/flame.css: the style of prof-flame's SVG. */
extern const char share_flame_css[];

/* share/prof/rules.csv: prof-plan's rule catalog (lib/plan/rules.h). */
extern const char share_rules_csv[];

/* share/prof/waits.csv: prof-plan's rules for the stacks of waiting
 * threads and of I/O (lib/plan/rules.h). */
extern const char share_waits_csv[];

#endif
