/* hotcode: the findings of hot code as a task's evidence and strategy.
 * See hotcode.h. */
#define _GNU_SOURCE
#include <stdlib.h>
#include <string.h>

#include "core/util.h"
#include "plan/hotcode.h"
#include "plan/plan.h"

/* " at `app.c:13`", when the instruction has a line. */
static void
at(struct plan_text *x, const struct hotcode_finding *f)
{
	if (f->where != NULL) {
		plan_text_add(x, " at ");
		plan_text_code(x, "%s", f->where);
	}
}

/* Where the findings were looked for. */
static const char *
loop(const struct hotcode_result *r)
{
	return r->lines ? "in the hot loop" : "in a loop of the function";
}

static const char *
unit_name(const struct hotcode_result *r, const char *site)
{
	return r->unit != NULL ? r->unit : site;
}

static void
evidence(struct plan_task *t, const struct hotcode_result *r, const struct hotcode_finding *f)
{
	struct plan_text *x = plan_texts_new(&t->evidence);
	int integer;

	switch (f->kind) {
	case HOTCODE_UNOPT:
		plan_text_add(x, "The unit of ");
		plan_text_code(x, "%s", t->site);
		plan_text_add(x, ", ");
		plan_text_code(x, "%s", unit_name(r, t->site));
		plan_text_add(x, ", was built at %s (", elfacts_opt_name(r->opt));
		plan_text_code(x, "%s", r->producer ? r->producer : "?");
		plan_text_add(x, "): its variables live in memory, and its machine code says "
		    "little of what an optimised build spends");
		break;
	case HOTCODE_DIVISION:
		integer = strncmp(f->insn, "div ", 4) == 0 || strncmp(f->insn, "idiv ", 5) == 0;
		plan_text_add(x, "Division %s: ", loop(r));
		plan_text_code(x, "%s", f->insn);
		at(x, f);
		plan_text_add(x, integer ? " is an integer division or modulo by a value known only "
		    "at run time" : " is a floating-point division by a value known only at run time");
		if (f->invariant)
			plan_text_add(x, ", the same in every iteration (its register is not "
			    "written in the loop)");
		break;
	case HOTCODE_CALL:
		plan_text_add(x, "Call %s: ", loop(r));
		plan_text_code(x, "%s", f->insn);
		at(x, f);
		plan_text_add(x, " calls ");
		plan_text_code(x, "%s", f->callee);
		plan_text_add(x, ", %zu bytes of code, not inlined", f->size);
		if (r->noinline)
			plan_text_add(x, " (the unit was built with -fno-inline)");
		break;
	case HOTCODE_TINY:
		plan_text_code(x, "%s", t->site);
		plan_text_add(x, " is %zu bytes of code (%zu instructions) without a loop, yet a "
		    "frame of its own: it is called, not inlined, and the call and return cost as "
		    "much as its body", f->size, f->count);
		if (r->noinline)
			plan_text_add(x, " (its unit was built with -fno-inline)");
		break;
	case HOTCODE_CHASE:
		plan_text_add(x, "Pointer chasing %s: ", loop(r));
		plan_text_code(x, "%s", f->insn);
		at(x, f);
		plan_text_add(x, " loads the address of the next load, so each iteration waits "
		    "for the memory of the one before (a cache miss per node once the structure "
		    "outgrows the cache)");
		break;
	case HOTCODE_INDIRECT:
		plan_text_add(x, "Indirect load %s: ", loop(r));
		plan_text_code(x, "%s", f->insn);
		at(x, f);
		plan_text_add(x, " reads at an address (or index) that was itself loaded in the "
		    "loop: two dependent memory accesses per element");
		break;
	case HOTCODE_FPSUM:
		plan_text_add(x, "Floating-point sum %s: ", loop(r));
		plan_text_code(x, "%s", f->insn);
		at(x, f);
		plan_text_add(x, " adds into one scalar register; without -ffast-math the "
		    "compiler keeps the order of the additions, so it cannot vectorise the sum");
		break;
	case HOTCODE_BYTEWISE:
		plan_text_add(x, "A byte at a time %s: ", loop(r));
		plan_text_code(x, "%s", f->insn);
		at(x, f);
		plan_text_add(x, " reads one byte an iteration, and the loop's exit tests "
		    "what it read: a scan or a parse that does a byte's work per step");
		break;
	case HOTCODE_CHAIN:
		plan_text_add(x, "Dependency chain %s: ", loop(r));
		plan_text_code(x, "%s", f->insn);
		at(x, f);
		plan_text_add(x, " multiplies a value computed by the iteration before, so each "
		    "multiply waits for the last (3 to 4 cycles): the loop is bound by latency, "
		    "not by the work");
		break;
	case HOTCODE_SCALAR:
		plan_text_add(x, "Scalar loop");
		if (r->span != NULL) {
			plan_text_add(x, " at ");
			plan_text_code(x, "%s", r->span);
		}
		plan_text_add(x, ": %zu arithmetic instruction%s and no packed SIMD instruction, "
		    "at %s (", f->count, f->count == 1 ? "" : "s", elfacts_opt_name(r->opt));
		plan_text_code(x, "%s", unit_name(r, t->site));
		plan_text_add(x, "), though its one exit does not depend on the data and no "
		    "value is carried from one iteration to the next but a counter or a sum: the "
		    "compiler could vectorise it");
		break;
	}
}

static void
strategy(struct plan_task *t, const struct hotcode_result *r, const struct hotcode_finding *f)
{
	struct plan_text *x = plan_texts_new(&t->strategy);

	switch (f->kind) {
	case HOTCODE_UNOPT:
		plan_text_add(x, "Build ");
		plan_text_code(x, "%s", unit_name(r, t->site));
		plan_text_add(x, " with -O2 (the build task), then profile again: the hot spots "
		    "of unoptimised code are not those of the optimised program");
		break;
	case HOTCODE_DIVISION:
		if (f->invariant)
			plan_text_add(x, "Hoist the division out of the loop: the divisor does "
			    "not change in it, so compute its reciprocal once and multiply (libdivide "
			    "for integers), or make it a power of two and use a shift or a mask; a "
			    "64-bit div costs 20-90 cycles");
		else
			plan_text_add(x, "Replace the division: multiply by a precomputed "
			    "reciprocal, strength-reduce it (a counter that wraps instead of i %% n), "
			    "or hoist it; a 64-bit div costs 20-90 cycles");
		break;
	case HOTCODE_CALL:
	case HOTCODE_TINY:
		plan_text_add(x, "Let the compiler inline ");
		plan_text_code(x, "%s", f->kind == HOTCODE_CALL ? f->callee : t->site);
		plan_text_add(x, ": make it static inline, visible to the compiler where it is "
		    "called (in a header), or build with LTO (-flto)%s",
		    r->noinline ? "; and drop -fno-inline" : "");
		break;
	case HOTCODE_CHASE:
	case HOTCODE_INDIRECT:
		plan_text_add(x, "Linked structures: keep the elements in an array (or allocate "
		    "them contiguously, in the order they are visited), prefetch ahead, or remove "
		    "a level of indirection");
		break;
	case HOTCODE_FPSUM:
		plan_text_add(x, "Sum into several accumulators (4 or 8, added after the loop), "
		    "or allow reassociation for this unit (-O3 -fassociative-math -fno-signed-zeros "
		    "-fno-trapping-math, or -ffast-math) so that the compiler vectorises it");
		break;
	case HOTCODE_BYTEWISE:
		plan_text_add(x, "Do more than a byte per step: glibc's vectorised memchr, "
		    "strchr, strspn or strpbrk for a scan; eight bytes at a time (SWAR) or a "
		    "256-entry table for digits and character classes; or keep lengths, so that "
		    "the end is known instead of searched for");
		break;
	case HOTCODE_CHAIN:
		plan_text_add(x, "Break the chain: work on several independent values at once "
		    "(two or four hashes or lanes interleaved, combined at the end), or use a "
		    "function with more parallelism per step; the core overlaps independent "
		    "chains, not one");
		break;
	case HOTCODE_SCALAR:
		plan_text_add(x, "Let the compiler vectorise the loop: -O3 or -ftree-vectorize "
		    "(GCC's -O2 vectorises only when no scalar remainder is needed), -march=native, "
		    "restrict on the pointers it writes through; check with -fopt-info-vec-missed");
		break;
	}
}

/* Puts the sentence s before the rule's strategy. */
static void
preface(struct plan_task *t, struct plan_text *s)
{
	struct plan_texts old = t->strategy;

	memset(&t->strategy, 0, sizeof(t->strategy));
	*plan_texts_new(&t->strategy) = *s;
	for (size_t i = 0; i < old.n; i++)
		*plan_texts_new(&t->strategy) = old.v[i];
	free(old.v);
}

static void
explain(struct plan_task *t, const struct hotcode_result *r)
{
	struct plan_text s = { 0 };

	if (r->n > 0) {
		plan_texts_free(&t->strategy);
		for (size_t i = 0; i < r->n; i++)
			evidence(t, r, &r->v[i]);
		for (size_t i = 0; i < r->n; i++) {
			size_t j;

			/* one strategy per kind (per callee) */
			for (j = 0; j < i; j++)
				if ((r->v[j].kind == r->v[i].kind ||
				    (r->v[j].kind == HOTCODE_CHASE && r->v[i].kind == HOTCODE_INDIRECT)) &&
				    (r->v[i].kind != HOTCODE_CALL || strcmp(r->v[j].callee, r->v[i].callee) == 0))
					break;
			if (j == i)
				strategy(t, r, &r->v[i]);
		}
		return;
	}
	if (r->why != NULL)
		plan_text_add(&s, "No specific finding: the hot code was not examined (%s): the "
		    "general strategies:", r->why);
	else if (r->span != NULL) {
		plan_text_add(&s, "No specific finding in the hot code (disassembled %zu "
		    "instructions of ", r->ninsns);
		plan_text_code(&s, "%s", r->span);
		plan_text_add(&s, "): the general strategies:");
	} else if (r->nloops > 0)
		plan_text_add(&s, "No specific finding in the hot code (disassembled %zu "
		    "instructions in the function's loops): the general strategies:", r->ninsns);
	else
		plan_text_add(&s, "No specific finding in the hot code (no loop in the function "
		    "and no hot line to look at): the general strategies:");
	preface(t, &s);
}

void
hotcode_plan(struct plan *pl)
{
	const struct plan_opts *o = pl->opts;
	struct hotcode *hc = NULL;
	const char *why = NULL;

	for (size_t i = 0; i < pl->nshown; i++) {
		struct plan_task *t = &pl->tasks[i];
		struct hotcode_result r = { 0 };
		struct hotcode_line lines[sizeof(t->lines) / sizeof(t->lines[0])];
		size_t n;

		if (t->rule == NULL || t->rule->match != RULES_OTHER || t->regression ||
		    t->hides || t->category != RULES_CPU || *t->site == '\0')
			continue;
		if (o->elf == NULL)
			why = o->binary_why != NULL ? "the binary cannot be read" :
			    "no binary was given";
		else if (hc == NULL && why == NULL &&
		    (hc = hotcode_open(o->elf->path, o->elf->debug_file, &why)) == NULL)
			why = why ? why : "the binary cannot be read";
		if (hc == NULL) {
			r.why = why;
			explain(t, &r);
			continue;
		}
		for (size_t j = 0; j < t->nlines; j++) {
			lines[j].file = t->file;
			lines[j].line = t->lines[j];
			lines[j].share = t->line_shares[j];
		}
		n = strlen(t->site);
		if (n >= 2 && t->site[0] == '[' && t->site[n - 1] == ']')
			r.why = "the profile names no function there";
		else if (t->file == NULL && !elfacts_defines(o->elf, t->site, n))
			r.why = "the function is not in the binary";
		else
			hotcode_look(hc, t->site, n, lines, t->file ? t->nlines : 0, &r);
		explain(t, &r);
		hotcode_result_free(&r);
	}
	hotcode_close(hc);
}
