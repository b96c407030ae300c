/*
 * deep.c: a known call chain for t/1020-record-stack.t (see README).
 *
 *   deep_rec(n) -> deep_rec(n - 1) -> ... -> deep_rec(1) -> deep_leaf
 *   -> deep_mid (always inlined into deep_leaf) -> deep_capture
 *
 * deep_capture stores its own registers in deep_regs, indexed by
 * PERF_REG_X86_* as the sampler gives them, then calls fn, which copies
 * the stack from deep_regs[PERF_REG_X86_SP]: a sample taken at the
 * label inside deep_capture.  Built -O2 -fomit-frame-pointer, so only
 * DWARF CFI unwinds it.  Every call is followed by a volatile read: no
 * tail call and no recursion turned into a loop hides a frame; noipa
 * keeps GCC from cloning (deep_rec.constprop.0) or inlining.
 */
#include <stdint.h>

#include <asm/perf_regs.h>

uint64_t deep_regs[PERF_REG_X86_64_MAX];
volatile int deep_sink;

__attribute__((noipa)) int
deep_capture(void (*fn)(void *), void *arg)
{
	uint64_t *r = deep_regs;

	__asm__ volatile(
	    "movq %%rax, %c[ax](%[r])\n\t"
	    "movq %%rbx, %c[bx](%[r])\n\t"
	    "movq %%rcx, %c[cx](%[r])\n\t"
	    "movq %%rdx, %c[dx](%[r])\n\t"
	    "movq %%rsi, %c[si](%[r])\n\t"
	    "movq %%rdi, %c[di](%[r])\n\t"
	    "movq %%rbp, %c[bp](%[r])\n\t"
	    "movq %%rsp, %c[sp](%[r])\n\t"
	    "movq %%r8, %c[r8](%[r])\n\t"
	    "movq %%r9, %c[r9](%[r])\n\t"
	    "movq %%r10, %c[r10](%[r])\n\t"
	    "movq %%r11, %c[r11](%[r])\n\t"
	    "movq %%r12, %c[r12](%[r])\n\t"
	    "movq %%r13, %c[r13](%[r])\n\t"
	    "movq %%r14, %c[r14](%[r])\n\t"
	    "movq %%r15, %c[r15](%[r])\n\t"
	    "leaq 1f(%%rip), %%rax\n\t"
	    "movq %%rax, %c[ip](%[r])\n"
	    "1:"
	    :
	    : [r] "r"(r),
	      [ax] "i"(8 * PERF_REG_X86_AX), [bx] "i"(8 * PERF_REG_X86_BX),
	      [cx] "i"(8 * PERF_REG_X86_CX), [dx] "i"(8 * PERF_REG_X86_DX),
	      [si] "i"(8 * PERF_REG_X86_SI), [di] "i"(8 * PERF_REG_X86_DI),
	      [bp] "i"(8 * PERF_REG_X86_BP), [sp] "i"(8 * PERF_REG_X86_SP),
	      [r8] "i"(8 * PERF_REG_X86_R8), [r9] "i"(8 * PERF_REG_X86_R9),
	      [r10] "i"(8 * PERF_REG_X86_R10), [r11] "i"(8 * PERF_REG_X86_R11),
	      [r12] "i"(8 * PERF_REG_X86_R12), [r13] "i"(8 * PERF_REG_X86_R13),
	      [r14] "i"(8 * PERF_REG_X86_R14), [r15] "i"(8 * PERF_REG_X86_R15),
	      [ip] "i"(8 * PERF_REG_X86_IP)
	    : "rax", "memory");
	fn(arg);
	return deep_sink;
}

static inline __attribute__((always_inline)) int
deep_mid(void (*fn)(void *), void *arg)
{
	int r = deep_capture(fn, arg); /* CALL_CAPTURE */

	return r + deep_sink;
}

__attribute__((noipa)) int
deep_leaf(void (*fn)(void *), void *arg)
{
	int r = deep_mid(fn, arg); /* CALL_MID */

	return r + deep_sink;
}

__attribute__((noipa)) int
deep_rec(int n, void (*fn)(void *), void *arg)
{
	int r;

	if (n <= 1)
		r = deep_leaf(fn, arg);
	else
		r = deep_rec(n - 1, fn, arg);
	return r + deep_sink;
}
