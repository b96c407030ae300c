/*
 * sym: an address in an ELF file resolved to its chain of inline frames
 * and source lines with elfutils (libdwfl, libdw): what
 * `addr2line -i -f -s -C` prints, read once and cached.
 *
 * Addresses are the file's own virtual addresses (those of its program
 * headers, what `addr2line -e FILE ADDR` takes): for an executable, a PIE
 * and a shared library alike, wherever it was loaded.
 *
 * Debug information is found as elfutils finds it: in the file, by
 * build-id or .gnu_debuglink under /usr/lib/debug (Debian's -dbg and
 * -dbgsym packages), in .dwo files (-gsplit-dwarf), and through debuginfod
 * when DEBUGINFOD_URLS is set (the programs unset it unless the user asks
 * for it).  Units without .debug_aranges (clang, rustc) are found too.
 * Symbols are those libdwfl reads: .symtab, else .dynsym, with the
 * MiniDebugInfo symbols of .gnu_debugdata (xz-compressed, as Fedora
 * ships them), or the .symtab of the separate debug file.
 *
 * Invariants:
 * - A cache opens each path once, at the first sym_resolve() naming it,
 *   and keeps it open (a file descriptor and a mapping) until sym_free().
 *   A path that cannot be read, is not a regular file, or is not an ELF
 *   executable or shared object is remembered as such, not tried again.
 * - Each (path, address) is resolved once; later calls return the same
 *   array.  Results of 0 are cached too, and so is sym_locate()'s answer.
 * - A file's symbols are indexed at its first lookup by symbol (sorted,
 *   then searched by bisection): a lookup never reads the whole table.
 * - Everything sym_resolve() hands out (the arrays, the names, the file
 *   names) is owned by the cache and valid until sym_free().  Equal
 *   strings are stored once, so within one cache they compare equal by
 *   pointer.
 * - A cache is not locked: one cache per thread.  Separate caches may be
 *   used by separate threads at the same time, on the same files.
 * - A missing, truncated, stripped, corrupt or non-ELF file gives a result
 *   of 0, never a crash or a message.  Only running out of memory dies.
 */
#ifndef PROF_SYM_H
#define PROF_SYM_H

#include <stddef.h>
#include <stdint.h>

struct sym_cache;

/*
 * One level of an inline chain.
 * name: the function: its DWARF linkage name demangled (C++) if it has
 *       one, else its DWARF name, else the ELF symbol's name, demangled
 *       with __cxa_demangle; for Rust's legacy mangling the "::h<hash>"
 *       is dropped and "$LT$"-style escapes decoded, as addr2line -C does.
 *       A part the compiler split off (main.cold) is named after its
 *       function, as DWARF says.  Never NULL: "??" for a function without
 *       a name.
 * file: the basename of the source file (as addr2line -s), or NULL when
 *       unknown.  For the innermost frame it is the file of the address;
 *       for an outer frame, the file of the call that the next, inner
 *       frame was inlined at (DW_AT_call_file).
 * line: the line in file (likewise), 0 when unknown.  There is no
 *       " (discriminator N)".
 */
struct sym_frame {
	const char *name;
	const char *file;
	int line;
};

/* Returns a new, empty cache. */
struct sym_cache *sym_new(void);

/* Closes every file the cache opened and frees everything it handed out. */
void sym_free(struct sym_cache *c);

/*
 * Resolves addr in the ELF file at path.  Stores in *frames a pointer to
 * an array of frames, outermost (the real, not inlined function, the one
 * holding the code) first and innermost last, and returns their number.
 * The order is the reverse of addr2line's.
 *
 * Without DWARF for addr (a stripped file, code without debug info) the
 * result is one frame named after the ELF symbol containing addr, as
 * dwfl_module_addrsym chooses it, with the source line if there is a
 * line table; in a file whose only symbols are its exports, also the
 * export at which the function holding addr starts (by its CFI) when the
 * export's size falls short of addr.  Returns 0, and sets *frames to
 * NULL, when the file cannot be read or is not ELF, or when addr has
 * neither a DWARF function nor a symbol: the caller keeps the name it has.
 */
int sym_resolve(struct sym_cache *c, const char *path, uint64_t addr,
    const struct sym_frame **frames);

/*
 * As sym_resolve(), for the file whose GNU build-id is id[0..idlen): the
 * answers are kept under the build-id, not the path, and path is opened
 * only at the first call with that build-id.  The caller makes sure that
 * path then holds that build (a file replaced on disk under the same
 * name is another build: another build-id, another entry).  With idlen 0,
 * this is sym_resolve(c, path, ...).
 */
int sym_resolve_build_id(struct sym_cache *c, const unsigned char *id,
    size_t idlen, const char *path, uint64_t addr,
    const struct sym_frame **frames);

/*
 * Where an address is, for one that sym_resolve() does not name.
 * offset: the offset in the file (not the address) of the start of the
 *         function holding it, as the call frame information (.eh_frame,
 *         .debug_frame) bounds it, so that the addresses of one function
 *         give one place; of the address itself where no CFI covers it.
 *         The same in every run and on every machine for one build.
 * near:   for a file whose only symbols are its exports (.dynsym, a
 *         stripped library), the nearest function symbol before that
 *         start in its section, demangled: a guess at a name, since the
 *         code between is of functions the file does not name; NULL
 *         otherwise.  Owned by the cache.
 * near_off: the start's distance from near's address.
 */
struct sym_place {
	uint64_t offset;
	const char *near;
	uint64_t near_off;
};

/*
 * Where addr (as in sym_resolve()) is, in the file of build-id id (idlen 0:
 * the file at path).  Returns 1, or 0 when the file cannot be read or no
 * segment of it holds addr.
 */
int sym_locate(struct sym_cache *c, const unsigned char *id, size_t idlen,
    const char *path, uint64_t addr, struct sym_place *pl);

#endif
