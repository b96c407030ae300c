/*
 * unwind.h's glue: a process's life, the sample being unwound, the choice
 * of unwinder, and naming.  unwind-int.h says how the other files divide
 * the rest.
 */
#include "record/unwind-int.h"

#include <stdlib.h>
#include <string.h>

#include <asm/perf_regs.h>

#include "sym/sym.h"

struct unwind_proc *
unwind_proc_new(pid_t pid, int from_maps)
{
	struct unwind_proc *p = xcalloc(1, sizeof(*p));

	p->pid = pid;
	if (from_maps)
		unwind_maps_read(p);
	return p;
}

void
unwind_proc_free(struct unwind_proc *p)
{
	if (p == NULL)
		return;
	unwind_dwfl_free(p);
	unwind_unw_free(p);
	unwind_jit_forget(p);
	free(p->maps);
	free(p);
}

/* ---- the sample ---- */

/* DWARF's x86-64 register numbers (also libunwind's) to perf's. */
static const int dwarf_to_perf[17] = {
	PERF_REG_X86_AX, PERF_REG_X86_DX, PERF_REG_X86_CX, PERF_REG_X86_BX,
	PERF_REG_X86_SI, PERF_REG_X86_DI, PERF_REG_X86_BP, PERF_REG_X86_SP,
	PERF_REG_X86_R8, PERF_REG_X86_R9, PERF_REG_X86_R10, PERF_REG_X86_R11,
	PERF_REG_X86_R12, PERF_REG_X86_R13, PERF_REG_X86_R14, PERF_REG_X86_R15,
	PERF_REG_X86_IP,
};

uint64_t
unwind_sample_reg(const struct unwind_proc *p, int regno)
{
	return p->regs[dwarf_to_perf[regno]];
}

int
unwind_sample_read(const struct unwind_proc *p, uint64_t addr, uint64_t *val)
{
	uint64_t sp = p->regs[PERF_REG_X86_SP];
	const struct unwind_map *m;

	if (addr >= sp && addr - sp < p->stack_size &&
	    p->stack_size - (addr - sp) >= 8) {
		memcpy(val, p->stack + (addr - sp), 8);
		return 0;
	}
	if ((m = unwind_map_span(p, addr)) == NULL)
		return -1;
	return unwind_elf_read(m->elf, addr - m->bias, val);
}

int
unwind_stack(struct unwind_proc *p, int unwinder, const uint64_t *regs,
    const unsigned char *stack, size_t stack_size, uint64_t *pcs, int max)
{
	if (max <= 0 || regs[PERF_REG_X86_IP] == 0)
		return 0;
	p->regs = regs;
	p->stack = stack;
	p->stack_size = stack != NULL ? stack_size : 0;
	p->pcs = pcs;
	p->npcs = 0;
	p->max = max;
	p->unwinds++;
	if (unwinder == UNWIND_LIBUNWIND)
		unwind_unw_unwind(p);
	else
		unwind_dwfl_unwind(p);
	if (p->npcs == 0)
		pcs[p->npcs++] = regs[PERF_REG_X86_IP];
	p->regs = NULL;
	p->stack = NULL;
	p->pcs = NULL;
	return p->npcs;
}

/* ---- names ---- */

/* Names of (ELF, file address) already looked up: a direct-mapped cache
 * in front of sym's, which hashes a build-id for every lookup. */
struct unwind_named {
	const struct unwind_elf *elf;
	uint64_t addr;
	const struct sym_frame *frames;
	int n;
	int located;                /* place: 0 not asked, 1 known, -1 none */
	struct sym_place place;
};
enum { NAMED_BITS = 14 };

static struct {
	struct sym_cache *sym;
	struct unwind_named *named;
} g;

/* The cache's entry for addr in e, named. */
static struct unwind_named *
named(struct unwind_elf *e, uint64_t addr)
{
	struct unwind_named *c;
	uint64_t h;

	if (g.named == NULL)
		g.named = xcalloc((size_t)1 << NAMED_BITS, sizeof(*g.named));
	if (g.sym == NULL)
		g.sym = sym_new();
	h = (addr ^ ((uintptr_t)e >> 4)) * UINT64_C(0x9e3779b97f4a7c15);
	c = &g.named[h >> (64 - NAMED_BITS)];
	if (c->elf != e || c->addr != addr) {
		c->n = sym_resolve_build_id(g.sym, e->id, e->idlen,
		    unwind_elf_sym_path(e), addr, &c->frames);
		c->elf = e;
		c->addr = addr;
		c->located = 0;
	}
	return c;
}

static int
elf_name(struct unwind_elf *e, uint64_t addr, const struct sym_frame **frames)
{
	struct unwind_named *c = named(e, addr);

	*frames = c->frames;
	return c->n;
}

int
unwind_name(struct unwind_proc *p, uint64_t pc, int is_return, int inline_frames,
    const struct sym_frame **frames, const char **module)
{
	const struct unwind_map *m = unwind_map_find(p, pc);
	struct unwind_elf *e;
	int n;

	*frames = NULL;
	*module = m != NULL ? m->name : NULL;
	if (m == NULL || (m->elf == NULL && m->name == NULL))
		return unwind_jit_name(p, pc - (is_return ? 1 : 0), frames, module);
	if ((e = m->elf != NULL ? m->elf : m->copy) == NULL)
		return 0;
	n = elf_name(e, pc - m->bias - (is_return ? 1 : 0), frames);
	/* A handler returns to the first byte of the signal trampoline
	 * (__restore_rt): the byte before is no function's. */
	if (n == 0 && is_return)
		n = elf_name(e, pc - m->bias, frames);
	if (n == 0)
		*frames = NULL;
	else if (!inline_frames)
		n = 1;
	return n;
}

int
unwind_locate(struct unwind_proc *p, uint64_t pc, int is_return,
    struct sym_place *pl)
{
	const struct unwind_map *m = unwind_map_find(p, pc);
	struct unwind_named *c;
	uint64_t at = pc - (is_return ? 1 : 0);

	/* Not a file: [heap], [stack], anonymous memory. */
	if (m == NULL || m->name == NULL || (m->elf == NULL && m->name[0] == '['))
		return 0;
	if (m->elf != NULL) {
		c = named(m->elf, at - m->bias);
		if (c->located == 0)
			c->located = sym_locate(g.sym, m->elf->id, m->elf->idlen,
			    unwind_elf_sym_path(m->elf), at - m->bias,
			    &c->place) ? 1 : -1;
		if (c->located > 0) {
			*pl = c->place;
			return 1;
		}
	}
	/* A file that could not be read: the mapping says where pc is. */
	if (at < m->start)
		at = m->start;
	pl->offset = at - m->start + m->pgoff;
	pl->near = NULL;
	pl->near_off = 0;
	return 1;
}
