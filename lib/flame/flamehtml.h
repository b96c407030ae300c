/*
 * flamehtml: the flame graph in an HTML page, with a search box and a
 * sortable table of the heaviest functions beside it.
 *
 * The page inlines the SVG of svg_write() (its script drives zoom and
 * search; the box calls window.profFlame.search), and a table of every
 * function by self and total count: a function's total counts each stack
 * through it once, however often it recurses.  Names are cleaned and
 * escaped as in the SVG.  Self-contained, no network.
 */
#ifndef PROF_FLAMEHTML_H
#define PROF_FLAMEHTML_H

#include <stdio.h>

#include "flame/flame.h"
#include "flame/svg.h"

/* Writes the page; returns 0, or -1 with a message in err as svg_write. */
int flamehtml_write(FILE *out, const struct flame *f, const struct svg_opts *o,
    char *err, size_t errlen);

#endif
