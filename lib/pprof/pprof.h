/*
 * pprof: pprof's profile.proto (Go's runtime/pprof, `go tool pprof`,
 * Parca, Pyroscope), read into a stack table and written from one.
 *
 * The message is decoded and encoded by protoc-c's code for
 * lib/pprof/profile.proto (generated at build time, private to this
 * module); gzip is zlib's.  A profile is read whole: it is one message,
 * with its samples before the tables they refer to.
 *
 * Reading.  A sample's stack is its locations, root first; a location
 * with several lines (inlined functions, innermost first) gives one frame
 * per line, the inlined ones marked _[i] after the frame they were
 * inlined into (prof-folded(5)); a location without a function is
 * MODULE+0xOFFSET (the mapping's file name, and the address's offset in
 * that file, as prof-record's --addrs writes it), or [unknown] without a
 * mapping.  Names are made frame-safe as folded_name() does.  One value
 * of each sample is counted: the one of pprof_opts.sample_type, else the
 * profile's default_sample_type, else the last (pprof's rule); its unit
 * is made one of prof's (microseconds to nanoseconds, kilobytes to bytes,
 * ...) and its type one of prof's types, in the metadata (# type, # unit,
 * # period, # start, # duration, # drop_frames, # keep_frames, # comment);
 * a comment that is a metadata line ("# key: value", as pprof_write_table
 * writes them) sets that key.  Samples whose value is 0 add nothing and
 * are skipped; a negative value (a pprof diff) is an error, as prof's
 * counts are not negative.
 *
 * Limits, so that no input can exhaust memory or time: a profile is at
 * most PPROF_MAX_SIZE bytes, inflated (the inflating stops there); the
 * decoded message may take at most PPROF_MAX_MEMORY_FACTOR times its size
 * plus PPROF_MAX_MEMORY_SLACK bytes (protobuf-c allocates through a
 * counting allocator that refuses beyond); the frames and stacks made
 * from it at most PPROF_MAX_TEXT_FACTOR times its size plus
 * PPROF_MAX_TEXT_SLACK bytes.  Every index into the string table, every
 * location, function and mapping id is checked; ids must be unique and
 * not 0; every sample has one value per sample type.  An input outside
 * these is refused with a reason, never read in part.
 *
 * Writing.  A struct pprof_writer builds a profile from mappings,
 * functions, locations and samples, deduplicating strings, functions and
 * locations, and writes it gzipped; pprof_write_table() is the folded
 * stacks' way in: one sample type named after the unit, a location per
 * frame (a frame and the _[i] frames inlined into it are one location),
 * FILE:LINE and modules kept, the metadata in comments.  A writer is used
 * by one thread; several may exist at once.
 */
#ifndef PROF_PPROF_H
#define PROF_PPROF_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "folded/meta.h"
#include "folded/stacktable.h"

/* Bounds of a profile read (see above); the inflated size bounds the rest. */
#define PPROF_MAX_SIZE ((size_t)1 << 30)
#define PPROF_MAX_MEMORY_FACTOR 24
#define PPROF_MAX_MEMORY_SLACK ((size_t)64 << 20)
#define PPROF_MAX_TEXT_FACTOR 64
#define PPROF_MAX_TEXT_SLACK ((size_t)256 << 20)

/* How many bytes of an input pprof_detect() wants to see, at most. */
#define PPROF_DETECT_SIZE 4096

struct pprof_opts {
	const char *sample_type;     /* the value to count; NULL: the default */
	const char *const *labels;   /* label keys made root frames, root first */
	size_t nlabels;
	int context;                 /* frames carry "\tFILE:LINE\tMODULE" */
};

/*
 * Returns non-zero if buf[0..n), the start of an input, is a pprof
 * profile: gzip's magic number, or (with text_too) the start of a
 * profile.proto message: its fields are Profile's, with their wire types,
 * the first a message or the string table (as every writer starts), and
 * it holds a byte that text does not (a control character other than
 * white space).  Text is never gzipped, so the magic number alone says
 * that an input of a text format is a profile.
 */
int pprof_detect(const void *buf, size_t n, int text_too);

/*
 * Reads the profile data[0..n) (gzipped or not) into tab (its stacks, the
 * chosen value of each sample) and m (the metadata, set in m's keys).
 * Returns 0, or -1 with the reason in err (nothing added to tab then).
 * An unknown o->sample_type is an error naming the profile's types.
 */
int pprof_read(const void *data, size_t n, const struct pprof_opts *o,
    struct stacktable *tab, struct meta *m, char *err, size_t errlen);

/* A line of a location: a function and a line number (0: unknown). */
struct pprof_line {
	uint64_t function;
	int64_t line;
};

struct pprof_writer;

/*
 * A new profile whose samples carry one value, of type type ("cpu") and
 * unit unit ("nanoseconds").
 */
struct pprof_writer *pprof_writer_new(const char *type, const char *unit);

/* What the sampling period counts, and the period. */
void pprof_writer_period(struct pprof_writer *w, const char *type, const char *unit, int64_t period);

/* When recording started (ns since the epoch) and how long it lasted (ns). */
void pprof_writer_time(struct pprof_writer *w, int64_t time_nanos, int64_t duration_nanos);

/* Adds a comment (free text). */
void pprof_writer_comment(struct pprof_writer *w, const char *text);

/*
 * Adds a mapping: the file (a path, or "[vdso]"), its GNU build-id in
 * hex (NULL if unknown), the addresses it occupies and the offset in the
 * file of start; pprof uses the build-id and offset to symbolize the
 * locations of a mapping that has one without a function (a mapping
 * whose every location has its functions is written as symbolized).
 * Returns its id, 1 for the first (the main executable, by pprof's
 * convention), then 2, 3, ...
 */
uint64_t pprof_writer_mapping(struct pprof_writer *w, const char *file, const char *build_id,
    uint64_t start, uint64_t limit, uint64_t offset);

/* The id of the function name[0..len) in source file file[0..flen)
 * (flen 0: unknown), made once. */
uint64_t pprof_writer_function(struct pprof_writer *w, const char *name, size_t len,
    const char *file, size_t flen);

/*
 * The id of the location at address in mapping (0: none) whose functions
 * are lines[0..n), innermost first (n 0: not symbolized, pprof will
 * name it from the mapping's file); made once for equal arguments.
 */
uint64_t pprof_writer_location(struct pprof_writer *w, uint64_t mapping, uint64_t address,
    const struct pprof_line *lines, size_t n);

/* Adds a sample: the locations locs[0..n), leaf first, and its value. */
void pprof_writer_sample(struct pprof_writer *w, const uint64_t *locs, size_t n, int64_t value);

/*
 * Writes the profile to fp, gzipped, and frees w.  Returns 0, or -1 with
 * the reason in err (a write error is fp's, for its owner to report).
 */
int pprof_writer_finish(struct pprof_writer *w, FILE *fp, char *err, size_t errlen);

/* Frees w without writing it. */
void pprof_writer_free(struct pprof_writer *w);

/*
 * Writes the stacks v[0..n) of a single-count profile with metadata m to
 * fp as a gzipped profile.  Returns 0, or -1 with the reason in err: a
 * count that is not a whole number, or larger than pprof's values (an
 * int64), cannot be written.
 */
int pprof_write_table(FILE *fp, struct stacktable_entry *const *v, size_t n, const struct meta *m,
    char *err, size_t errlen);

/* A file a recorder read, as its frames name it (name, the basename),
 * where it is (path) and its GNU build-id in hex (NULL: unknown). */
struct pprof_module {
	const char *name, *path, *build_id;
};

/* The modules a recorder read, gathered by pprof_modules_add. */
struct pprof_modules {
	struct pprof_module *v;
	size_t n;
};

/*
 * Adds the module name at path, of build-id id[0..idlen) (idlen 0: none
 * known), to ctx, a struct pprof_modules: the callback of
 * lib/record/unwind's unwind_modules.  Copies what it keeps.
 */
void pprof_modules_add(void *ctx, const char *name, const char *path,
    const unsigned char *id, size_t idlen);

/* Frees what pprof_modules_add kept, and empties ms. */
void pprof_modules_free(struct pprof_modules *ms);

/*
 * As pprof_write_table(), but a frame "NAME+0xOFFSET" (prof-folded(5)'s
 * address of a frame that could not be named, with no location, guess or
 * annotation) whose NAME is one of mods[0..nmods) is written as what it
 * is, an address not symbolized: at OFFSET in a mapping of the module's
 * path and build-id that starts at offset 0 of the file, so that pprof
 * (or any symbolizer) names it later from the binary or its debug
 * information, found by build-id.  A module named by two files of
 * different build-ids is not used (its frames stay names).
 */
int pprof_write_modules(FILE *fp, struct stacktable_entry *const *v, size_t n, const struct meta *m,
    const struct pprof_module *mods, size_t nmods, char *err, size_t errlen);

/* The most values a sample of pprof_write_values() carries. */
#define PPROF_MAX_VALUES 4

/* A value of the samples of a profile that has several (Go's heap
 * profile: alloc_objects, alloc_space, inuse_objects, inuse_space). */
struct pprof_value {
	const char *type, *unit;     /* pprof's words: "inuse_space", "bytes" */
	struct stacktable *tab;      /* a stack's value is its count n[col]
	                                there, 0 where tab lacks it */
	int col;                     /* 0 or 1 */
};

/*
 * As pprof_write_modules(), but each sample carries nvals values (1 to
 * PPROF_MAX_VALUES), one of each of vals[0..nvals), in that order, and
 * the profile's default sample type is vals[def]'s: a sample for each
 * stack of any of the tables.  m gives the metadata only (its type and
 * unit no sample type).
 */
int pprof_write_values(FILE *fp, const struct pprof_value *vals, size_t nvals, size_t def,
    const struct meta *m, const struct pprof_module *mods, size_t nmods, char *err, size_t errlen);

#endif
