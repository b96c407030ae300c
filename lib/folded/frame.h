/*
 * frame: one frame of a folded stack taken apart, prof-folded(5)'s
 * "Source locations and modules".
 *
 * A frame is name [TAB location [TAB module]] [suffix], where the suffix is
 * one of _[k] _[j] _[i] _[w] at the very end, and location is FILE:LINE,
 * FILE, or empty.  The parts point into the frame's bytes (nothing is
 * copied); a part that is absent has length 0.  Any bytes are accepted:
 * a frame with more than two tabs keeps the rest in its module.
 */
#ifndef PROF_FRAME_H
#define PROF_FRAME_H

#include <regex.h>
#include <stddef.h>

struct frame_parts {
	const char *name;      size_t name_len;
	const char *loc;       size_t loc_len;   /* "FILE:LINE", "FILE" or empty */
	const char *file;      size_t file_len;  /* loc without ":LINE" */
	const char *module;    size_t module_len;
	const char *suffix;    size_t suffix_len; /* "_[k]" etc., or empty */
};

/* Takes the frame f[0..n) apart. */
void frame_split(const char *f, size_t n, struct frame_parts *p);

/* Returns the annotation letter ('k', 'j', 'i', 'w') of the frame, or 0. */
int frame_annotation(const struct frame_parts *p);

/*
 * Whether the extended regular expression re matches the frame taken
 * apart in p, as the filters --focus, --ignore and --hide mean it
 * everywhere (prof-top(1)): against its name with its suffix, its
 * location or its module, any of them.  scratch holds at least the
 * frame's length + 1 bytes.  A NUL byte in a part is matched as data.
 */
int frame_match(const regex_t *re, const struct frame_parts *p, char *scratch);

#endif
