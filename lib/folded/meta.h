/*
 * meta: the metadata of a folded profile, its "# key: value" lines
 * (prof-folded(5), "Metadata").
 *
 * A struct meta is an ordered list of keys and values, owned by the
 * struct; a key appears once.  A value written by meta_write never makes
 * the line end in a number, since flamegraph.pl would read such a line as
 * a stack.
 */
#ifndef PROF_META_H
#define PROF_META_H

#include <stddef.h>
#include <stdio.h>

#include "core/kv.h"

struct meta {
	struct kv list;     /* the keys and values, in the order first set */
	int conflict_unit;  /* set by meta_merge when types, units, weights or
	                       views differ, and by meta_parse and meta_update
	                       when a stream's "view" changes */
	int conflict_view;  /* of these, views (prof-record --view all) */
};

/*
 * Parses a "# key: value" line; returns 0 and stores copies in the meta
 * (replacing an earlier value of the key), or -1 when the line is a mere
 * comment.  A value in double quotes loses them.  A "view" other than
 * the one before sets conflict_unit and conflict_view: the stream holds
 * several views of one recording, whose counts must not be summed.
 */
int meta_parse(struct meta *m, const char *line, size_t len);

/* Returns the value of key, or NULL. */
const char *meta_get(const struct meta *m, const char *key);

/* Sets key to value (copies both). */
void meta_set(struct meta *m, const char *key, const char *value);

/* Removes key if present. */
void meta_del(struct meta *m, const char *key);

/*
 * Reads a count of samples as prof-record writes it ("samples", "lost":
 * "N samples") from the value v into *n; returns 0, or -1 when v is NULL
 * or anything else (metadata is untrusted text).
 */
int meta_samples(const char *v, unsigned long long *n);

/* Sets every key of src in dst: src's values win (a later input's line);
 * a view that changes is a conflict, as in meta_parse. */
void meta_update(struct meta *dst, const struct meta *src);

/*
 * Merges src into dst for profiles that are summed: a key with the same
 * value stays; "samples" and "lost" of the form "N samples" (prof-record's)
 * are added; any other key whose values differ is dropped (it is true of
 * neither sum).  Sets dst->conflict_unit when "type", "unit" or "weight"
 * differ ("ns" and "nanoseconds" are one unit).  The first
 * merge into an empty dst copies src.  dst->n == 0 with first != 0 means
 * "nothing merged yet".
 */
void meta_merge(struct meta *dst, const struct meta *src, int first);

/* Writes the metadata lines, "# key: value\n" each. */
void meta_write(FILE *fp, const struct meta *m);

/* Frees what the meta owns and empties it. */
void meta_free(struct meta *m);

/* When merged inputs conflicted (conflict_view, conflict_unit): says why
 * on stderr, as a reader that cannot sum them, and returns 1; else 0. */
int meta_conflict(const struct meta *m);

#endif
