/*
 * io: system calls that read, write, sync and open files, as weighted
 * stacks.
 *
 * An io follows the records of a sampler that samples system calls
 * (lib/record/sample, SAMPLE_SYSCALLS, with io_filter()'s filter): the
 * entry of a call, which carries the user stack, is held
 * (lib/record/pending) until its exit, and then added to the recorder
 * (lib/record/record) weighted by the bytes it moved (its result, for
 * the reads and writes; 0 for the others), its nanoseconds, or 1, under
 * the leaf "CALL(FILE)": the call's name, and the file its descriptor
 * names in /proc/PID/fd (a path, as untrusted as any: the recorder
 * cleans it as a frame name), or pipe, socket, anon (an anon_inode), or
 * "?" where the descriptor is gone.  openat's file is the descriptor it
 * returns.
 *
 * A descriptor's file is read once, at its first call, and forgotten when
 * the process closes it (close, close_range), replaces it (dup2, dup3), a
 * call returns it anew (openat) or the process executes another program
 * or ends.  Records are handed out a fraction of a second after they
 * happen: a descriptor closed by then is "?", and one closed and opened
 * again by then (with no close seen first) names its new file.
 *
 * Calls still in progress at the end are added with what is known: their
 * nanoseconds up to the end, no bytes.  A call whose entry the kernel
 * dropped (its exit comes in rings of its own, and so is there) is added
 * with what is known too: its bytes, or 1, under no stack ("[unknown]")
 * and "CALL(?)"; weighed in nanoseconds, it is left out and counted.
 * Every other record goes to the recorder as it is.  One thread uses an io; the recorder is the caller's.
 */
#ifndef PROF_IO_H
#define PROF_IO_H

#include <stdint.h>

#include "record/record.h"
#include "record/sample.h"

/* What a call weighs. */
enum io_weight {
	IO_BYTES,
	IO_NS,
	IO_CALLS
};

struct io;

struct io *io_new(struct record *rec, int weight);
void io_free(struct io *io);

/* The tracepoint filter of the calls followed (sample_opts.syscalls). */
const char *io_filter(void);

/* The sampler's callback: ctx is the struct io. */
void io_record(void *ctx, const struct sample_record *s);

/* Adds the calls in progress, up to end (sample_now's clock). */
void io_finish(struct io *io, uint64_t end);

/* The calls added. */
uint64_t io_calls(const struct io *io);

/* Of those, the ones added without their entry; in *untimed, the exits
 * without their entry left out (weighed in nanoseconds). */
uint64_t io_unheld(const struct io *io, uint64_t *untimed);

#endif
