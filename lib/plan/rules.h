/*
 * rules: prof-plan's catalog, what the name of a hot frame says about the
 * cost under it: a category, the problem, the advice, and the speed-up
 * one may expect of that cost when the advice is followed.
 *
 * The catalog is share/prof/rules.csv (built into the programs, share.h);
 * prof-plan --rules FILE reads more rules over it.  A rules file is CSV as
 * RFC 4180 has it (read with libcsv): a header record naming the columns,
 * in any order, then one rule per record.  The columns (prof-plan(1),
 * RULES):
 *   id        a name, unique in a catalog; a rule read later with the id of
 *             an earlier one replaces it in its place
 *   category  CPU, memory, I/O or locking (any case)
 *   match     what the pattern is matched against: "function" (the name of
 *             a user-space frame, without its _[i] or _[j] suffix),
 *             "kernel" (the name of a kernel frame, _[k], without the
 *             suffix), "module" (the frame's module, or NAME of a "[NAME]"
 *             frame), "other" (the fallback: the cost no rule claims;
 *             pattern empty; one such rule at most) or "off" (removes the
 *             rule with this id; the other columns may be empty)
 *   pattern   a POSIX extended regular expression (unanchored, as grep -E)
 *   speedup   the expected speed-up of the cost the rule claims, a number
 *             > 1 and <= 1000
 *   problem   a short phrase for a task's title ("allocation churn")
 *   advice    the strategy: steps separated by '|'
 *   source    optional: an ERE that, found on the hot source line,
 *             confirms the rule ("strlen *\(" on the line of a loop)
 *   loop      optional: "yes" if the source match counts only inside a
 *             loop (a for, while or do on the line or on one of the 5
 *             lines before it); "no" or empty otherwise
 *   finding   optional: what a source match shows ("strlen in a loop
 *             condition")
 *   stacks    optional: the stacks the rule is tried on, words separated
 *             by spaces: "cpu" (code that ran: every stack of a cpu
 *             profile, the on-CPU stacks of a wall one; the default when
 *             empty), "sleep", "disk", "runnable" (the stacks of an offcpu
 *             or wall profile that end in that state, unit.h), "offcpu"
 *             (all three), "io" (the stacks of an io profile, whose leaf
 *             is "SYSCALL(TARGET)"); of the in-process agent's
 *             profiles: "wait" (lock and block, whose leaf is the
 *             function waited in), "alloc" (memory: alloc-space,
 *             alloc-objects, peak), "leak" (memory: inuse-space,
 *             inuse-objects), "threads" (threadcreate); the stacks of
 *             alloc, leak and threads end in the function that
 *             allocated or created, and their rules are tried on that
 *             leaf alone, which is the task's site
 * Required columns: id, category, match, pattern, speedup, problem, advice;
 * problem and advice may not be empty, and loop "yes" needs a source
 * pattern.  Category and match are read in any case.  Blank records (and
 * records of empty fields only) are skipped.
 *
 * The catalog of waits, share/prof/waits.csv (rules_builtin_waits), holds
 * the rules of the stacks of threads that were not running and of I/O;
 * a rule there may match a stack's leaf, the state or the system call
 * itself, which then claims what no rule of the stack's other frames
 * does (plan.h).
 *
 * Invariants of a struct rules: ids are unique; every rule has a compiled
 * pattern (but the fallback), speedup in (1, 1000]; rules keep the order
 * they were read in, new rules of a later file going before all the
 * earlier ones (so a user's rule is tried before the catalog's), replaced
 * ones keeping their place.  Matching tries the rules in order; the first
 * that matches wins.
 */
#ifndef PROF_RULES_H
#define PROF_RULES_H

#include <regex.h>
#include <stddef.h>

#include "folded/frame.h"

/*
 * Limits of a rules file, so that a hostile or generated one costs time
 * and memory in proportion to its size: RULES_MAX rules (records) in one
 * file, patterns (pattern and source) of RULES_MAX_PATTERN bytes at most
 * and RULES_MAX_PATTERNS bytes in all (glibc's compiled regexes take some
 * hundred times the bytes of their text); past them the file is refused with its name and line.  The patterns of
 * a kind are joined into one regex only up to RULES_JOIN_MAX bytes.
 */
#define RULES_MAX 10000
#define RULES_MAX_PATTERN 4096
#define RULES_MAX_PATTERNS (256 * 1024)
#define RULES_JOIN_MAX 16384

enum rules_category { RULES_CPU, RULES_MEMORY, RULES_IO, RULES_LOCKING, RULES_BUILD };

/* The stacks a rule is tried on (the stacks column), a set of bits. */
enum rules_stacks {
	RULES_ON_CPU = 1, RULES_ON_SLEEP = 2, RULES_ON_DISK = 4, RULES_ON_RUNNABLE = 8,
	RULES_ON_IO = 16, RULES_ON_WAIT = 32, RULES_ON_ALLOC = 64, RULES_ON_LEAK = 128,
	RULES_ON_THREADS = 256,
	/* the agent's stacks whose leaf is the site: tried on the leaf alone */
	RULES_ON_SITE = RULES_ON_ALLOC | RULES_ON_LEAK | RULES_ON_THREADS,
	RULES_ON_OFFCPU = RULES_ON_SLEEP | RULES_ON_DISK | RULES_ON_RUNNABLE
};
enum rules_match { RULES_FUNCTION, RULES_KERNEL, RULES_MODULE, RULES_OTHER };

struct rules_entry {
	char *id;
	int category;          /* enum rules_category, never RULES_BUILD */
	int match;             /* enum rules_match */
	char *pattern_text;    /* as written */
	regex_t pattern;       /* compiled, unless match is RULES_OTHER */
	double speedup;
	char *problem, *advice;
	char *source_text;     /* NULL: no source pattern */
	regex_t source;        /* compiled when source_text */
	int loop;
	char *finding;         /* "" when not given */
	int stacks;            /* enum rules_stacks bits, never 0 */
};

struct rules {
	struct rules_entry *v;
	size_t n, cap;
	/* The patterns of each kind (function, kernel, module) joined into
	 * one alternation, which turns most frames away in one regexec;
	 * rebuilt by rules_parse (rules.c). */
	int joined_ok[3];
	regex_t joined[3];
};

/* "CPU", "memory", "I/O", "locking", "build". */
const char *rules_category_name(int category);

/* Fills rs (zeroed by the caller) with the built-in catalog.  A bad
 * built-in catalog is a bug: it dies. */
void rules_builtin(struct rules *rs);

/*
 * Reads the rules file path over rs (adding and replacing rules as above).
 * Returns 0, or -1 after a message on stderr naming the file and the line
 * of the record at fault ("rules.csv:7: speedup: not a number > 1 and
 * <= 1000: 0.5"),
 * or the file that cannot be read; rs is then unchanged.
 */
int rules_read(struct rules *rs, const char *path);

/* As rules_read, from text[0..len), named name in messages. */
int rules_parse(struct rules *rs, const char *text, size_t len, const char *name);

/* Reads the catalog of waits (share/prof/waits.csv) over rs, as
 * rules_builtin; dies when it is broken. */
void rules_builtin_waits(struct rules *rs);

/* The first rule (not the fallback) for code that ran (RULES_ON_CPU) that
 * matches the frame p, or NULL. */
const struct rules_entry *rules_find(const struct rules *rs, const struct frame_parts *p);

/* The first rule (not the fallback) tried on the stacks (enum
 * rules_stacks: one bit) that matches the frame p, or NULL. */
const struct rules_entry *rules_find_in(const struct rules *rs, const struct frame_parts *p,
    int stacks);

/* The fallback rule ("other"), or NULL when the catalog has none. */
const struct rules_entry *rules_other(const struct rules *rs);

/*
 * Whether the source pattern of r matches lines[hot] (NUL-terminated
 * lines of a file, n of them, hot the index of the hot one), with a loop
 * around it when r->loop asks (a for, while or do outside string literals
 * and comments that start on its line).  0 when r has no source pattern.
 */
int rules_confirm(const struct rules_entry *r, char *const lines[], size_t n, size_t hot);

void rules_free(struct rules *rs);

#endif
