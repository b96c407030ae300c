/*
 * elfacts: static facts about a binary, read with elfutils (libelf,
 * libdw), for prof-plan: how it was built and what a profile of it can
 * and cannot show.
 *
 * The facts come from the ELF file itself (ELF header, section and
 * program headers, .symtab, .dynsym, .dynamic) and from its DWARF: the
 * DW_AT_producer of each compile unit, which GCC writes with the options
 * ("GNU C17 12.2.0 -mtune=generic -O0 -g"), clang without them.  DWARF is
 * looked for in the file, then in a separate debug file found through
 * .gnu_debuglink or the build-id under /usr/lib/debug (never debuginfod:
 * no network).  Only the compile units of the program's own code count:
 * units from assembler ("GNU AS"), and units whose name is under /usr/ or
 * starts with "../sysdeps" (libc's start files), are not the user's.
 * A fact that cannot be known is -1, never a guess.
 */
#ifndef PROF_ELFACTS_H
#define PROF_ELFACTS_H

#include <stddef.h>

struct elfacts {
	char *path;
	int debug;           /* 1: DWARF found (in the file or a debug file); 0 none */
	char *debug_file;    /* the separate debug file used, or NULL */
	int stripped;        /* 1: no .symtab; 0: has one */
	int pie;             /* 1: position-independent executable; 0: not; -1: a shared library or unknown */
	int framepointers;   /* 1 yes, 0 no, -1 unknown (see below) */
	int opt;             /* lowest optimisation level of the user's units,
	                      * in the order 0 < g < 1 < s < 2 < 3 < f:
	                      * 0 (-O0 or no -O), 1, 2, 3, 's' (-Os, -Oz), 'g' (-Og),
	                      * 'f' (-Ofast), -1 unknown (no DWARF, or no options
	                      * in the producer) */
	char *producer;      /* the producer of the first user unit with one, or NULL */
	size_t units;        /* the user's compile units */
	size_t units_noopt;  /* of which at -O0 or without -O */
	char **noopt_names;  /* their DW_AT_name, up to 8, for the evidence */
	size_t nnoopt_names;
	char **funcs;        /* names of the functions the binary defines (STT_FUNC,
	                      * st_shndx != SHN_UNDEF, size > 0), from .symtab, or
	                      * .dynsym when stripped; sorted bytewise, unique */
	size_t nfuncs;
};

/*
 * Reads the facts of the ELF file path into f (zeroed by the caller).
 * Frame pointers: the producers decide when all the user's units agree
 * (each keeps them with -fno-omit-frame-pointer, or at -O0 without an
 * option; omits them with -fomit-frame-pointer); else the prologues of
 * the defined functions (up to 200 of them, spread over the addresses,
 * at least 4) are read: half or more starting "push %rbp; mov %rsp,%rbp"
 * (after an endbr64) means yes, a tenth or less means no, and between is
 * unknown (x86-64 only; -1 elsewhere).
 * Returns 0, or -1 with *why set to a static message ("not an ELF file",
 * "cannot open: No such file or directory") when the file cannot be read
 * as ELF.
 */
int elfacts_read(struct elfacts *f, const char *path, const char **why);

/* The optimisation level a compile unit's DW_AT_producer records, as
 * struct elfacts' opt (-1: it does not say). */
int elfacts_producer_opt(const char *producer);

/* Whether the binary defines a function named name[0..n). */
int elfacts_defines(const struct elfacts *f, const char *name, size_t n);

/* "-O0", "-O1", "-O2", "-O3", "-Os", "-Og", "-Ofast" or "unknown". */
const char *elfacts_opt_name(int opt);

void elfacts_free(struct elfacts *f);

#endif
