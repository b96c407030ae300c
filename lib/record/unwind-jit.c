/*
 * stack's JIT code: names from the process's perf map (/tmp/perf-PID.map,
 * lib/sym/perfmap), and the frame-pointer steps through code that has no
 * CFI.
 */
#include "record/unwind-int.h"

#include <string.h>
#include <time.h>

#include <asm/perf_regs.h>

#include "sym/perfmap.h"

const char unwind_jit_module[] = "[jit]";

/* A process that has written no map yet may write one later: its path is
 * tried again after this long, not at every sample. */
#define RETRY_NS 1000000000ULL

static uint64_t
now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC_COARSE, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ULL + (uint64_t)ts.tv_nsec;
}

int
unwind_jit_pc(const struct unwind_proc *p, uint64_t pc)
{
	const struct unwind_map *m = unwind_map_find(p, pc);

	return m == NULL || m->elf == NULL;
}

int
unwind_jit_name(struct unwind_proc *p, uint64_t addr,
    const struct sym_frame **frames, const char **module)
{
	struct perfmap_stats st;
	const char *s;
	uint64_t t;

	if (p->jit == NULL) {
		if ((t = now_ns()) < p->jit_retry)
			return 0;
		if ((p->jit = perfmap_open_pid(p->pid)) == NULL) {
			p->jit_retry = t + RETRY_NS;
			return 0;
		}
	}
	/* A pc the map does not name yet: read what the JIT wrote since,
	 * once a sample at most (and a bounded amount each time). */
	if ((s = perfmap_name(p->jit, addr)) == NULL && p->jit_read != p->unwinds) {
		p->jit_read = p->unwinds;
		if (perfmap_update(p->jit) > 0)
			s = perfmap_name(p->jit, addr);
		perfmap_stats(p->jit, &st);
		if (st.dropped > 0 && !p->jit_warned) {
			p->jit_warned = 1;
			warn("/tmp/perf-%d.map: over %d lines or %d MiB of names; "
			    "the lines after are not read", (int)p->pid,
			    PERFMAP_LINES_MAX, PERFMAP_NAMES_MAX >> 20);
		}
	}
	if (s == NULL)
		return 0;
	p->jit_frame.name = s;
	p->jit_frame.file = NULL;
	p->jit_frame.line = 0;
	*frames = &p->jit_frame;
	*module = unwind_jit_module;
	return 1;
}

void
unwind_jit_forget(struct unwind_proc *p)
{
	perfmap_free(p->jit);
	p->jit = NULL;
	p->jit_retry = 0;
	p->jit_warned = 0;
}

/*
 * The frame-pointer chain: a JIT's frame starts "push rbp; mov rbp, rsp",
 * so [bp] is the caller's bp and [bp + 8] the return address.  Only the
 * sample's copy of the stack is read, and each bp must lie in it, above
 * the frame's sp, and above the last: a chain that goes anywhere else is
 * not one, and ends the stack there.
 */
int
unwind_jit_step(struct unwind_proc *p, uint64_t sp, uint64_t bp)
{
	uint64_t lo = p->regs[PERF_REG_X86_SP], hi = lo + p->stack_size;
	uint64_t next, ret;
	const struct unwind_map *m;

	while (p->npcs < p->max) {
		if (bp % 8 != 0 || bp < sp || bp < lo || bp >= hi || hi - bp < 16)
			return 0;
		memcpy(&next, p->stack + (bp - lo), 8);
		memcpy(&ret, p->stack + (bp - lo) + 8, 8);
		/* a return address is in code that was mapped */
		if ((m = unwind_map_find(p, ret)) == NULL)
			return 0;
		sp = bp + 16;
		if (m->elf != NULL) {
			/* compiled code: its CFI takes over from this frame */
			p->resume = 1;
			p->resume_pc = ret;
			p->resume_sp = sp;
			p->resume_bp = next;
			return 1;
		}
		p->pcs[p->npcs++] = ret;
		if (next <= bp)
			return 0;
		bp = next;
	}
	return 0;
}
