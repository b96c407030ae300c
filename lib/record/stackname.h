/*
 * stackname: a stack of program counters in a process written as the
 * frames of a folded stack, as prof-folded(5) says: "comm;root;...;leaf".
 *
 * Frame names are cleaned (folded_name: ';' becomes ':', control bytes
 * spaces); inlined functions are frames of their own marked _[i]; with
 * lines a frame carries "\tFILE:LINE"; JIT code (named from the perf
 * map) is marked _[j].  A frame nothing names is "NEAR+0xOFF?" where a
 * stripped file's exports give a guess, "[MODULE]", with addrs
 * "MODULE+0xOFFSET" (no guesses), or "[unknown]" outside any file.
 * This is prof-record's naming, for the sampled stacks (lib/record/record)
 * and those of the in-process agent (lib/record/agentread) alike.
 *
 * A struct stackname_buf is the caller's: bytes appended, not
 * NUL-terminated; len is set back to 0 by the caller to reuse it.
 */
#ifndef PROF_STACKNAME_H
#define PROF_STACKNAME_H

#include <stddef.h>
#include <stdint.h>

#include "record/unwind.h"

struct stackname_opts {
	int pid;             /* the root frame is comm-PID */
	int tid;             /* the root frame is comm-PID/TID (wins over pid) */
	int lines;           /* frames carry their file:line */
	int inline_frames;   /* inlined functions as frames of their own */
	int addrs;           /* unnamed frames as module+0xOFFSET, no guesses */
};

struct stackname_buf {
	char *s;
	size_t len, cap;
};

/* Appends s[0..n) as it is. */
void stackname_put(struct stackname_buf *b, const char *s, size_t n);

/* Appends the name s, cleaned as a frame name. */
void stackname_put_name(struct stackname_buf *b, const char *s);

/* Appends the root frame: comm (NULL or "": "[unknown]"), its spaces
 * made '_' as stackcollapse-perf.pl writes a command, and with o->tid
 * "-PID/TID", else with o->pid "-PID". */
void stackname_root(struct stackname_buf *b, const char *comm, int pid, int tid,
    const struct stackname_opts *o);

/*
 * Appends ";FRAME" for each of pcs[n-1] (the root) to pcs[0] (the leaf),
 * named in p.  pcs[i] is a return address (looked up at pc - 1) for i >=
 * first_return: 1 for a sampled stack, whose leaf is the pc interrupted;
 * 0 for a stack captured by a call (every pc returns to its caller).
 */
void stackname_frames(struct stackname_buf *b, struct unwind_proc *p,
    const uint64_t *pcs, int n, int first_return, const struct stackname_opts *o);

/* Frees the buffer's bytes. */
void stackname_buf_free(struct stackname_buf *b);

#endif
