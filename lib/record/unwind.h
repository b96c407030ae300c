/*
 * stack: a process's address space, and the unwinding and naming of the
 * stacks sampled in it.
 *
 * A struct unwind_proc is one process: its mappings (from /proc/PID/maps at
 * attach, then from the sampler's mmap records), and one libdwfl Dwfl
 * attached once (dwfl_attach_state) and reused for every sample, whose
 * thread callbacks read registers from the sample and memory from the
 * sample's copy of the stack or, outside it, from the mapped files.
 * Unwinding uses DWARF CFI (.eh_frame, .debug_frame), so binaries without
 * frame pointers and stripped binaries unwind; code without CFI in
 * anonymous memory (a JIT's) is stepped through by its frame pointers,
 * read from the stack copy only.  The second unwinder,
 * libunwind, reads the same sample through the same memory accessors, to
 * cross-check (unwind_stack with UNWIND_LIBUNWIND).
 *
 * Naming resolves a pc through the sym module, keyed by (build-id, file
 * address), so a binary replaced on disk during the run is not misread;
 * return addresses (every frame but the leaf) are looked up at pc - 1.
 * The vdso is read from the process (/proc/PID/mem at attach) or the
 * kernel's copy.  Debuginfod is not asked by the unwinders (sym asks it
 * when DEBUGINFOD_URLS is set).
 *
 * A mapped file is used when it can be checked: its build-id is the one
 * the mmap record gave, or (from /proc/PID/maps) it is the device and
 * inode the mapping names.  Otherwise the process's own mapping is read
 * through /proc/PID/map_files (root, or CAP_CHECKPOINT_RESTORE), while
 * the process lives; without it, a file that cannot be checked is taken
 * as it is, and one whose build-id is not the mapping's is not used (the
 * module's name only).
 *
 * Ownership: ELF files are read once for all processes, by build-id, and
 * kept open and mapped (a descriptor each) until the program exits; each
 * process's Dwfl holds one more descriptor per file it unwinds through.
 * Strings handed out (names, files, modules) stay valid until the program
 * exits.  Not thread-safe.
 */
#ifndef PROF_UNWIND_H
#define PROF_UNWIND_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "sym/sym.h"

enum unwind_kind { UNWIND_DWFL, UNWIND_LIBUNWIND };

struct unwind_proc;

/* A new process pid; with from_maps, reads /proc/pid/maps now (attach to a
 * running process); otherwise starts empty and learns from unwind_mmap(). */
struct unwind_proc *unwind_proc_new(pid_t pid, int from_maps);

/* Frees the process and its Dwfl. */
void unwind_proc_free(struct unwind_proc *p);

/* The process exec'd: forget every mapping. */
void unwind_exec(struct unwind_proc *p);

/* A new executable mapping [addr, addr+len) of path at file offset pgoff;
 * build_id may be NULL (then read from the file). */
void unwind_mmap(struct unwind_proc *p, uint64_t addr, uint64_t len, uint64_t pgoff,
    const char *path, const unsigned char *build_id, size_t build_id_size);

/* A copy of the process's mappings, for a forked child. */
struct unwind_proc *unwind_proc_fork(const struct unwind_proc *parent, pid_t child);

/*
 * Unwinds one user sample: regs indexed by PERF_REG_X86_* (IP, SP, BP and
 * the others as sampled), stack[0..stack_size) the copy of memory from
 * regs[SP].  Stores up to max program counters in pcs, leaf first, and
 * returns their number (at least 1 when regs[IP] is set).  The pcs are
 * as found: the leaf's, then return addresses (the pc interrupted, for
 * the frame below a signal handler's).
 */
int unwind_stack(struct unwind_proc *p, int unwinder, const uint64_t *regs,
    const unsigned char *stack, size_t stack_size, uint64_t *pcs, int max);

/*
 * Names pc: *frames gets the inline chain, outermost first (one frame when
 * there is no inlining or inline is 0), with file/line when known;
 * *module the mapped file's basename, or the kernel's name for its own
 * mappings ("[vdso]").  is_return: pc is a return address (looked up at
 * pc - 1, or at pc if nothing is there: a signal trampoline's first byte).
 * Returns the number of frames; 0 when nothing names pc, with *module set
 * when pc is in a known mapping (the caller writes "[MODULE]") and NULL
 * when in none or in anonymous memory (the caller writes "[unknown]").
 * Frames are owned by the cache.
 *
 * JIT code, in anonymous memory (or in no mapping seen), is named from
 * the process's perf map, /tmp/perf-PID.map (lib/sym/perfmap), read again
 * as it grows: one frame, *module is unwind_jit_module, and the name (the
 * map's bytes: untrusted, to be cleaned as any name) is valid until the
 * next unwind_name() for p.
 */
int unwind_name(struct unwind_proc *p, uint64_t pc, int is_return, int inline_frames,
    const struct sym_frame **frames, const char **module);

/* *module of a frame named from the perf map: JIT code (marked _[j]). */
extern const char unwind_jit_module[];

/*
 * Where pc is, when unwind_name() gives it no frame but a module: in pl,
 * what sym_locate() says of the mapped file (the offset of the function's
 * start in it, and a guess from its exports), or, for a file that could
 * not be read, the offset of pc itself in the file, from the mapping.
 * is_return as for unwind_name().  Returns 1, or 0 when pc is in no
 * mapping of a file (anonymous memory, [heap], none).
 */
int unwind_locate(struct unwind_proc *p, uint64_t pc, int is_return,
    struct sym_place *pl);

/*
 * Calls fn for every ELF file read so far that has a GNU build-id (for
 * all processes, in no order): name its basename, as frames name their
 * module, path the file's as it was mapped, id[0..idlen) the build-id.
 */
void unwind_modules(void (*fn)(void *ctx, const char *name, const char *path,
    const unsigned char *id, size_t idlen), void *ctx);

#endif
