/*
 * svg: a flame graph as one self-contained, interactive SVG file.
 *
 * The writer lays out a finished struct flame (see flame.h): a frame is a
 * rectangle as wide as its share of the root's total[0], one row per
 * depth (rows grow upward, or downward when inverted), with its name cut
 * to fit.  A frame with a source location or a module (flame_label) is
 * labelled with its function, the location after it, lighter, where both
 * fit; its tooltip has them on a second line.  Every name is made safe
 * before it is written: invalid UTF-8 and control bytes replaced
 * (U+FFFD), cut only between UTF-8 sequences, then XML-escaped; so any
 * input gives well-formed XML and no name becomes markup.  The script and
 * style (share/prof/flame.js, flame.css) are embedded in the file: zoom,
 * search, tooltips, the view in the URL, a tall graph opened on its root
 * with its head (title, buttons) kept in view.
 */
#ifndef PROF_SVG_H
#define PROF_SVG_H

#include <stdio.h>

#include "flame/flame.h"

struct unit;

struct svg_opts {
	const char *title;        /* NULL: "Flame Graph", "Icicle Graph", or with
	                             flamechart "Flame Chart", "Icicle Chart" */
	const char *subtitle;     /* NULL: none */
	int width;                /* image width in pixels, default 1200 */
	int frame_height;         /* default 16 */
	const char *font_type;    /* default "Verdana" */
	double font_size;         /* default 12 */
	double font_width;        /* average glyph width / font size, default 0.59 */
	const char *count_name;   /* default "samples" */
	const char *name_type;    /* default "Function:" */
	const char *notes;        /* NULL: none */
	const char *palette;      /* hot (default), mem, io, wakeup, chain, java,
	                             js, perl, python, rust, red, green, blue,
	                             aqua, yellow, purple, orange */
	const char *bgcolors;     /* yellow, blue, green, grey, or "#rrggbb" */
	int hash;                 /* colour by a hash of the name (stable) */
	int random;               /* random colours (the reference's default) */
	const char *cp_file;      /* palette map: read, then updated */
	int inverted;             /* icicle: root at the top */
	int flamechart;           /* x is time: no sorting (the tree did it) */
	const char *search_color; /* default "rgb(230,0,230)" */
	int truncate_right;       /* cut long names on the right (default left) */
	double factor;            /* counts shown multiplied by this, default 1 */
	const struct unit *unit;  /* NULL: counts as numbers, count_name after
	                             them; else as the unit shows them
	                             (unit_show: "12.3ms", "1.5MiB") */
	int states;               /* the frames [sleep] and [disk] blue, [runnable]
	                             purple (palette_state), whatever the palette */
	double minwidth;          /* the caller's cut, in pixels (not used here) */
};

/* Fills o with the defaults. */
void svg_defaults(struct svg_opts *o);

/*
 * Writes the graph of f (finished) to out.  Returns 0, or -1 with a
 * message in err (an unreadable or unwritable palette map, an unknown
 * palette).  An empty tree gives an SVG that says there is no data.
 */
int svg_write(FILE *out, const struct flame *f, const struct svg_opts *o, char *err, size_t errlen);

#endif
