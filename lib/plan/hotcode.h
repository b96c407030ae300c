/*
 * hotcode: what the machine code of a hot function shows, for prof-plan's
 * tasks of hot computation: a task then says what was observed and the
 * strategy that follows from it, not a generic list.
 *
 * The binary is read with libelf and libdw, as elfacts does: its symbol
 * table (.symtab, else .dynsym) gives the function's code, its DWARF line
 * table maps the profile's hot lines to address ranges, and the producer
 * of the function's compile unit gives its optimisation level.  The code
 * is disassembled with libcapstone (Debian's libcapstone-dev: the
 * disassembler library issue 20 names; objdump's text would have to be
 * parsed again), x86-64 only.  A loop is a backward branch: its body is
 * the code from the branch's target to the branch.  The loops looked at
 * are the innermost ones around the hot lines' code; without lines, every
 * loop of the function.  In them, what a performance engineer would
 * look for is recognised (enum hotcode_kind), each finding with the
 * instruction and the source line that show it.
 *
 * Bounds: only a regular file is read (the binary the plan was pointed
 * at, and the debug file elfacts found for it); a function of more than
 * HOTCODE_MAX_CODE bytes is disassembled only around its hot lines
 * (HOTCODE_WINDOW bytes either side), or its first HOTCODE_MAX_CODE
 * bytes without lines, and in it HOTCODE_MAX_LOOPS loops at most; a stripped binary, one without DWARF, or a
 * function not in it gives no finding and says why, never a guess.
 *
 * Invariants: a struct hotcode_result owns its strings; its findings are
 * sorted by kind, then address, one per (kind, instruction).
 */
#ifndef PROF_HOTCODE_H
#define PROF_HOTCODE_H

#include <stddef.h>
#include <stdint.h>

#define HOTCODE_MAX_CODE (64 * 1024)
#define HOTCODE_WINDOW 4096
/* A function shorter than this many bytes costs less than its call. */
#define HOTCODE_SMALL 64
/* The loops of one function looked at, at most: the first ones by
 * address of their branch. */
#define HOTCODE_MAX_LOOPS 1024
/* The findings of one function, at most. */
#define HOTCODE_MAX_FINDINGS 8

struct plan;

enum hotcode_kind {
	HOTCODE_UNOPT,       /* the function's unit was built at -O0 or -Og */
	HOTCODE_DIVISION,    /* div, idiv, divsd... by a non-constant in a hot loop */
	HOTCODE_CALL,        /* a call in a hot loop to a small function */
	HOTCODE_TINY,        /* the hot function itself is small and not inlined */
	HOTCODE_CHASE,       /* a load whose address was loaded in the loop */
	HOTCODE_INDIRECT,    /* on a hot line, a load whose address or index
	                      * was loaded in the loop */
	HOTCODE_FPSUM,       /* a floating-point sum in one scalar register */
	HOTCODE_SCALAR,      /* a loop the compiler could vectorise, scalar */
	HOTCODE_BYTEWISE,    /* a small loop that reads one byte an iteration,
	                      * its exit decided by the byte (a scan, a parse) */
	HOTCODE_CHAIN        /* a multiply whose operand is its own result of the
	                      * iteration before: latency-bound (a hash chain) */
};

struct hotcode_finding {
	int kind;            /* enum hotcode_kind */
	uint64_t addr;       /* of the instruction */
	char *insn;          /* "div rcx", as Intel syntax has it */
	char *where;         /* "app.c:46", or NULL when DWARF has no line */
	char *callee;        /* HOTCODE_CALL: the callee, else NULL */
	size_t size;         /* HOTCODE_CALL, HOTCODE_TINY: the callee's bytes */
	int invariant;       /* HOTCODE_DIVISION: the divisor is not written in the loop */
	size_t count;        /* HOTCODE_SCALAR: arithmetic instructions in the loop */
};

struct hotcode_result {
	const char *why;     /* not examined: why (a static string), else NULL */
	struct hotcode_finding v[HOTCODE_MAX_FINDINGS];
	size_t n;
	size_t ninsns;       /* instructions looked at (in the hot loops or lines) */
	size_t nloops;       /* loops looked at */
	int lines;           /* 1: around the hot lines; 0: every loop of the function */
	char *span;          /* "app.c:45..46": the lines of what was looked at, or NULL */
	int opt;             /* the unit's level, as elfacts' opt; -1 unknown */
	char *unit;          /* the unit's DW_AT_name, or NULL */
	char *producer;      /* its DW_AT_producer, or NULL */
	int noinline;        /* the producer has -fno-inline */
};

/* A hot source line of the function, as the profile names it. */
struct hotcode_line {
	const char *file;    /* "app.c" or a path */
	long line;
	double share;        /* of the function's cost */
};

struct hotcode;

/*
 * Opens the binary at path (and its separate debug file, or NULL) for
 * hotcode_look.  Returns it, or NULL with *why a static message.
 */
struct hotcode *hotcode_open(const char *path, const char *debug_file, const char **why);

/*
 * Looks at the function name[0..len) (a frame's name: "parse", a
 * "parse.part.0", or a function inlined elsewhere when its lines are
 * given), around lines[0..n) (hottest first; n may be 0), and fills r
 * (zeroed by the caller).
 */
void hotcode_look(struct hotcode *hc, const char *name, size_t len,
    const struct hotcode_line *lines, size_t n, struct hotcode_result *r);

void hotcode_result_free(struct hotcode_result *r);

void hotcode_close(struct hotcode *hc);

/*
 * prof-plan's use: gives each shown task of hot computation (the rules'
 * fallback) the findings of its function's code, as evidence and a
 * strategy that follows from them; a task without a finding keeps the
 * rule's strategy, after a sentence saying that nothing specific was
 * found in what was looked at (or why the code was not looked at).
 * Called by plan_build once the tasks are sorted.
 */
void hotcode_plan(struct plan *pl);

#endif
