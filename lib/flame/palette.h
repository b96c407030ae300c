/*
 * palette: the colours of a flame graph's frames.
 *
 * A palette turns a frame's name and three numbers v[0..2] in [0, 1) into
 * a colour 0xRRGGBB.  The plain palettes (hot, mem, io, red, green, blue,
 * aqua, yellow, purple, orange) are ranges of a hue, as flamegraph.pl's
 * are; v picks a colour in the range.  The others pick a plain palette by
 * the name, so a kind of code has one hue:
 *   java    _[j] green (JIT), _[i] aqua (inlined), _[k] orange (kernel);
 *           a path with '/' green (Java), '::' yellow (C++), else red
 *   js      _[j] green, _[i] aqua, _[k] orange; '::' yellow, '/' green,
 *           ':' aqua (builtins), " " green (no symbol), else red
 *   perl    _[k] orange; '::' yellow, "Perl" or ".pl" green, else red
 *   python  _[k] orange; ".py" or "<module>" green (Python code), '::'
 *           yellow (C++), else red (native code)
 *   rust    _[k] orange; std::, core::, alloc:: aqua (standard library),
 *           other '::' paths green, else red (C, the system)
 *   wakeup  aqua
 *   chain   _[w] aqua (the waker's stack), else blue (off-CPU)
 * In every palette the separator frames "-" and "--" are grey.
 * Where v comes from is the caller's: palette_hash() for colours that
 * follow the name, random numbers otherwise.
 *
 * A palette map (flamegraph.pl's palette.map, --cp) remembers the colour
 * each name was given, so that graphs drawn later give it the same one.
 * Its file has a line "NAME->rgb(R,G,B)" per name (a name may itself hold
 * "->": the colour is after the last one; "NAME->#rrggbb" is read too),
 * sorted bytewise by name; other lines are ignored.  A name holding a
 * newline cannot be stored: it is coloured but not remembered.  The map
 * is rewritten whole (outfile: atomically, through a symbolic link), so
 * a file that is not a map is refused rather than overwritten: one that
 * is not regular, or has lines and none of them a colour.
 */
#ifndef PROF_PALETTE_H
#define PROF_PALETTE_H

#include <stddef.h>
#include <stdint.h>

enum {
	PALETTE_HOT, PALETTE_MEM, PALETTE_IO, PALETTE_WAKEUP, PALETTE_CHAIN,
	PALETTE_JAVA, PALETTE_JS, PALETTE_PERL, PALETTE_PYTHON, PALETTE_RUST,
	PALETTE_RED, PALETTE_GREEN, PALETTE_BLUE, PALETTE_AQUA, PALETTE_YELLOW,
	PALETTE_PURPLE, PALETTE_ORANGE
};

/* The names of the palettes, ", " between them, for messages. */
extern const char palette_names[];

/* The palette called name, or -1. */
int palette_find(const char *name);

/* Numbers for palette_color() that depend on the name only (after a
 * "module`" prefix), the same in every graph and every run. */
void palette_hash(const char *name, size_t len, double v[3]);

/* The colour of the frame called name[0..len) in palette pal. */
uint32_t palette_color(int pal, const char *name, size_t len, const double v[3]);

/*
 * The colour of a thread's state (unit.h's enum unit_state) in a wall or
 * off-CPU graph, in every palette: [sleep] blue, [disk] aqua (the blues
 * of waiting), [runnable] purple (waiting for a CPU is not waiting for
 * an event); v picks the shade.
 */
uint32_t palette_state(int state, const double v[3]);

/*
 * The colour of a frame of a differential graph whose count changed by
 * change, where max is the largest change (in size) of the graph: red
 * when it grew, blue when it shrank, the deeper the larger the change;
 * white when it did not change.
 */
uint32_t palette_diff(double change, double max);

/*
 * The background's two colours, top and bottom, for spec: "yellow",
 * "blue", "green", "grey", or "#rrggbb" (both the same); NULL for the
 * palette's own (mem blue, io grey, else yellow).  Returns 0, or -1 when
 * spec is none of those.
 */
int palette_background(const char *spec, int pal, uint32_t bg[2]);

struct palette_map;

/*
 * Reads the palette map at path; a file that does not exist gives an empty
 * map (it is created when saved).  Returns NULL with a message in err if
 * the file cannot be read, or is not a map (see above).
 */
struct palette_map *palette_map_open(const char *path, char *err, size_t errlen);

/* Stores the colour remembered for name[0..len) in *rgb and returns 1, or
 * returns 0 if there is none. */
int palette_map_get(const struct palette_map *m, const char *name, size_t len, uint32_t *rgb);

/* Remembers rgb for name[0..len) (copied). */
void palette_map_put(struct palette_map *m, const char *name, size_t len, uint32_t rgb);

/*
 * Writes the map back to its file if a name was added (to a temporary file
 * in the same directory, renamed over it, so a reader never sees half a
 * map), and frees it.  Returns 0, or -1 with a message in err.  With err
 * NULL it frees the map without writing it.
 */
int palette_map_close(struct palette_map *m, char *err, size_t errlen);

#endif
