/*
 * stack's internals, shared by the files that implement unwind.h; no other
 * module includes this.  One concept a file:
 *
 *   unwind.c       the interface's glue: a process's life, the sample being
 *                 unwound (its registers, its memory), unwind_stack's choice
 *                 of unwinder, and naming (unwind_name) with its cache
 *   unwind-maps.c  a process's executable mappings: /proc/PID/maps at
 *                 attach, unwind_mmap, unwind_exec, unwind_proc_fork
 *   unwind-elf.c   the ELF files behind the mappings, read once for all
 *                 processes and found by build-id; the vdso
 *   unwind-dwfl.c  the libdwfl unwinder
 *   unwind-libunwind.c   the libunwind unwinder
 *   unwind-jit.c   JIT code: names from the process's perf map, and the
 *                 frame-pointer steps through code without CFI
 *
 * Ownership.  A struct unwind_elf belongs to unwind-elf.c's cache and lives,
 * open and mapped, until the program exits, so a mapping's pointer to it
 * never dangles and the descriptor behind "/proc/self/fd/N" never changes.
 * There is one per build-id (a file without one: one per file read, by
 * device, inode, size and mtime); its fields are set when it is read and
 * never change after, but sym_path, set by the first unwind_elf_sym_path(),
 * and debug_frame, set by unwind-dwfl.c's first look for the debug file.
 * A struct unwind_proc owns its maps array; maps[i].elf is the cache's and
 * maps[i].name is interned (it lives until exit).  p->dwfl belongs to
 * unwind-dwfl.c and p->as to unwind-libunwind.c; each frees its own
 * (unwind_dwfl_free, unwind_unw_free).
 *
 * The mappings and the unwinders' state.  unwind-maps.c alone changes the
 * mappings, and says what changed in flags the unwinders read and clear:
 * dwfl_add (a mapping was added, or maps[i].reported was cleared: report
 * to the Dwfl the ones not yet reported), dwfl_rebuild (one was removed
 * or cut: make the Dwfl anew), unw_flush (any change: libunwind's cache,
 * keyed by ip alone, may be stale).  maps[i].reported is unwind-dwfl.c's,
 * the one field of a mapping it writes, kept there so that it moves with
 * the mapping.
 *
 * The sample.  regs, stack, stack_size, pcs, npcs and max are set by
 * unwind_stack() for one unwind and hold nothing between; the unwinders
 * read registers and memory through unwind_sample_reg() and unwind_sample_read()
 * and append to pcs[npcs++] while npcs < max.  Where a pc has no CFI to
 * step by (JIT code: unwind_jit_pc), an unwinder hands the frame to
 * unwind_jit_step(), which follows the frame pointers and, when they lead
 * back to compiled code, sets resume and resume_*: the unwinder starts
 * again from there (resumed: the unwind under way started so), while
 * pcs has room and grows.
 */
#ifndef PROF_UNWIND_INT_H
#define PROF_UNWIND_INT_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "core/util.h"
#include "record/unwind.h"

struct perfmap;

#define uthash_malloc(sz) xmalloc(sz)
#include <uthash.h>

/* A PT_LOAD segment of a file. */
struct unwind_seg {
	uint64_t vaddr, memsz, offset, filesz;
	uint32_t flags;
};

/*
 * An ELF file as it was mapped: one per build, shared by every process
 * and kept (open and mapped) for the life of the program, so that the
 * names handed out and the file behind "/proc/self/fd/N" never change.
 */
struct unwind_elf {
	UT_hash_handle hh;          /* in the cache, by build-id, if any */
	unsigned char id[64];
	size_t idlen;
	char *path;                 /* as opened, for debuglink and messages */
	int fd;                     /* the very file checked, kept open */
	dev_t dev;
	ino_t ino;
	const unsigned char *image; /* the whole file, mapped */
	size_t size;
	int type;                   /* ET_EXEC or ET_DYN */
	struct unwind_seg *segs;       /* PT_LOAD, in file order */
	int nsegs;
	uint64_t lo, hi;            /* the span of the segments */
	uint64_t ehf_hdr;           /* .eh_frame_hdr's address, 0 if none */
	uint64_t ehf_table;         /* its binary search table */
	uint64_t ehf_count;         /* entries in the table */
	char *sym_path;             /* what sym opens, chosen at the first name */
	int debug_frame;            /* its debug file has .debug_frame: 1 yes,
	                               -1 no (or none), 0 not looked at yet */
};

/* One executable mapping of the process. */
struct unwind_map {
	uint64_t start, end, pgoff;
	uint64_t bias;              /* process address - file address */
	uint64_t lo, hi;            /* the whole ELF's span in the process */
	struct unwind_elf *elf;        /* NULL: not an ELF file that could be read */
	/* An executable's (ET_EXEC) code mapped a second time elsewhere, as
	 * V8 copies its builtins out of node: elf is NULL, so it is unwound
	 * as unknown code (frame pointers), but named from this ELF at bias. */
	struct unwind_elf *copy;
	const char *name;           /* basename or "[vdso]"; NULL: anonymous */
	int reported;               /* in the Dwfl */
};

struct unwind_proc {
	pid_t pid;
	struct unwind_map *maps;       /* sorted by start, disjoint */
	size_t nmaps, sizemaps;
	int dwfl_add;               /* maps added since the Dwfl was told */
	int dwfl_rebuild;           /* maps removed: a new Dwfl */
	int unw_flush;              /* libunwind's cache may be stale */
	struct Dwfl *dwfl;          /* made at unwind-dwfl.c's first use */
	struct unw_addr_space *as;  /* libunwind's, made at its first use */
	uint64_t unwinds;           /* unwind_stack() calls: a sample clock */

	/* unwind-jit.c's: the process's perf map, opened at the first pc it
	 * is asked to name (tried again after jit_retry), read again once a
	 * sample at most (jit_read: the unwinds count then) */
	struct perfmap *jit;
	uint64_t jit_retry, jit_read;
	int jit_warned;
	struct sym_frame jit_frame;

	/* the sample being unwound */
	const uint64_t *regs;
	const unsigned char *stack;
	size_t stack_size;
	uint64_t *pcs;
	int npcs, max;
	int resume, resumed;        /* a frame to start from, not regs */
	uint64_t resume_pc, resume_sp, resume_bp;
};

/* What /proc/PID/maps says of a mapping's file, to catch a replaced one. */
struct unwind_maps_fid {
	unsigned maj, min;
	unsigned long long ino;
};

/* ---- unwind.c: the sample ---- */

/* The sampled register of DWARF number regno (0 to 16, 16 the pc). */
uint64_t unwind_sample_reg(const struct unwind_proc *p, int regno);

/* Reads the 8 bytes at addr from the stack copy or the mapped files;
 * 0, or -1 when neither has them. */
int unwind_sample_read(const struct unwind_proc *p, uint64_t addr, uint64_t *val);

/* ---- unwind-maps.c ---- */

/* Adds the executable mappings of /proc/PID/maps, if it can be read. */
void unwind_maps_read(struct unwind_proc *p);

/* The mapping holding addr, or NULL. */
struct unwind_map *unwind_map_find(const struct unwind_proc *p, uint64_t addr);

/* The mapping whose ELF's span holds addr (its data, its headers), or NULL. */
struct unwind_map *unwind_map_span(const struct unwind_proc *p, uint64_t addr);

/* ---- unwind-elf.c ---- */

/*
 * The ELF mapped from path at [start, end) by process pid (0: none to
 * ask), of build id when idlen > 0; deleted: path is gone from disk; mf
 * what /proc/PID/maps says of the file, or NULL.  NULL when there is no
 * file to use (unwind.h says which are used).
 */
struct unwind_elf *unwind_elf_file(pid_t pid, const char *path, int deleted,
    uint64_t start, uint64_t end, const unsigned char *id, size_t idlen,
    const struct unwind_maps_fid *mf);

/* The vdso process pid maps at [start, end), of build id when idlen > 0;
 * NULL if neither its own nor ours is that. */
struct unwind_elf *unwind_elf_vdso(pid_t pid, uint64_t start, uint64_t end,
    const unsigned char *id, size_t idlen);

/* Reads the 8 bytes at file address vaddr, from the file's contents
 * (not its zero-filled .bss); 0, or -1 if the file has no such bytes. */
int unwind_elf_read(const struct unwind_elf *e, uint64_t vaddr, uint64_t *val);

/* The path sym should open for e: valid until the program exits. */
const char *unwind_elf_sym_path(struct unwind_elf *e);

/* ---- unwind-dwfl.c ---- */

/* Unwinds the sample with libdwfl, bringing p's Dwfl up to date first. */
void unwind_dwfl_unwind(struct unwind_proc *p);
void unwind_dwfl_free(struct unwind_proc *p);

/* ---- unwind-libunwind.c ---- */

/* Unwinds the sample with libunwind (.eh_frame_hdr only). */
void unwind_unw_unwind(struct unwind_proc *p);
void unwind_unw_free(struct unwind_proc *p);

/* ---- unwind-jit.c ---- */

/* pc has no CFI to step by: in an anonymous mapping (JIT code), a file
 * that could not be read, or no known mapping. */
int unwind_jit_pc(const struct unwind_proc *p, uint64_t pc);

/* Names addr (a file address of no file: anonymous memory) from the
 * process's perf map, as unwind_name() does; 0 if it does not name it. */
int unwind_jit_name(struct unwind_proc *p, uint64_t addr,
    const struct sym_frame **frames, const char **module);

/* The process exec'd, or ends: its perf map is closed. */
void unwind_jit_forget(struct unwind_proc *p);

/*
 * Steps by frame pointers from the frame of the last pc in pcs, in code
 * without CFI, whose stack pointer is sp and frame pointer bp: appends
 * the return addresses while they are in such code; at the first one in
 * an ELF file, sets resume, resume_* to that frame and returns 1; returns
 * 0 when the chain ends (or pcs is full).
 */
int unwind_jit_step(struct unwind_proc *p, uint64_t sp, uint64_t bp);

#endif
