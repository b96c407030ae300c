#include "sym/sym.h"

#include <ctype.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <dwarf.h>
#include <elfutils/libdwfl.h>

#include "core/util.h"

#define uthash_malloc(sz) xmalloc(sz)
#include <uthash.h>

/* From libstdc++'s ABI (cxxabi.h is C++ only); we link -lstdc++. */
extern char *__cxa_demangle(const char *mangled, char *buf, size_t *len,
    int *status);

struct sym_str {
	UT_hash_handle hh;
	const char *demangled;   /* for a mangled name, once demangled */
	char s[];
};

struct sym_addr {
	UT_hash_handle hh;
	uint64_t addr;
	int n;
	struct sym_frame *frames;
	int located;             /* place below: 0 not yet, 1 known, -1 none */
	struct sym_place place;
};

/*
 * An ELF symbol, as libdwfl reads it (dwfl_module_getsym_info: .symtab,
 * else .dynsym, with the MiniDebugInfo symbols, or those of a separate
 * debug file), at its address in the module.
 */
struct sym_sym {
	uint64_t value, end;     /* end == value: a symbol without a size */
	const char *name;        /* libelf's: valid while the Dwfl lives */
	int bind;                /* higher is better: GLOBAL 3, WEAK 2, LOCAL 1 */
	int func;                /* STT_FUNC or STT_GNU_IFUNC */
	size_t order;            /* its place in the table, for ties */
};

/* Where one symbol wins: the spans are disjoint and sorted. */
struct sym_span {
	uint64_t low, high;
	size_t sym;
};

/* An allocated section of the file, at its address in the module. */
struct sym_sec {
	uint64_t low, high;
};

/*
 * The symbols of a file, indexed once at the first lookup that needs
 * them: libdwfl's own dwfl_module_addrsym reads the whole table at every
 * call, and a binary such as cc1 has some 29,000 symbols.
 */
struct sym_symtab {
	int built;
	int dynsym_only;         /* no .symtab anywhere: guesses are allowed */
	struct sym_sym *v;       /* named ones, by value */
	size_t n;
	struct sym_span *spans;  /* where a symbol with a size holds an address */
	size_t nspans;
	uint64_t *maxend;        /* v[0..i]'s greatest end, for labels */
	size_t *labels;          /* the symbols without a size, in v's order */
	size_t nlabels;
	struct sym_sec *secs;    /* by address */
	size_t nsecs;
};

/*
 * Address ranges, sorted by low, each naming an element of an array
 * beside it: the units of a file, the functions of a unit.
 */
struct sym_range {
	Dwarf_Addr low, high;
	Dwarf_Addr maxhigh;      /* the greatest high of this and those before */
	size_t i;
};

struct sym_ranges {
	struct sym_range *v;
	size_t n, size;
};

/* A compilation unit, its functions indexed at its first lookup. */
struct sym_unit {
	Dwarf_Die cu;            /* its line table */
	Dwarf_Die top;           /* its DIE tree: a split unit's for a skeleton */
	int indexed;
	Dwarf_Die *fns;          /* the scopes not inside another one */
	size_t nfns, sizefns;
	struct sym_ranges fnr;
};

struct sym_file {
	UT_hash_handle hh;       /* in files, by path, or in byid, by id */
	char *path;
	unsigned char *id;       /* the build-id it is known by, or NULL */
	size_t idlen;
	Dwfl *dwfl;              /* NULL: the file could not be read */
	Dwfl_Module *mod;
	struct sym_addr *addrs;
	struct sym_symtab syms;
	int fdes_read;           /* fdes below are read */
	uint64_t *fdes;          /* the start of each FDE, sorted */
	size_t nfdes;
	int indexed;             /* units below are read */
	Dwarf_Addr bias;         /* file address - DWARF address */
	struct sym_unit *units;
	size_t nunits, sizeunits;
	struct sym_ranges unitr;
};

struct sym_cache {
	struct sym_file *files;
	struct sym_file *byid;   /* files named by build-id (sym_resolve_build_id) */
	struct sym_str *strs;
	struct sym_frame *buf;   /* frames being built, innermost first */
	size_t nbuf, sizebuf;
	Dwarf_Die *dies;         /* scopes containing an address, outermost first */
	size_t ndies, sizedies;
};

/*
 * Offline use: the file is reported by path, debug information is looked
 * up the usual way (build-id and .gnu_debuglink under /usr/lib/debug).
 */
static const Dwfl_Callbacks callbacks = {
	.find_elf = dwfl_build_id_find_elf,
	.find_debuginfo = dwfl_standard_find_debuginfo,
	.section_address = dwfl_offline_section_address,
};

struct sym_cache *
sym_new(void)
{
	return xcalloc(1, sizeof(struct sym_cache));
}

static void
free_file(struct sym_file *f)
{
	struct sym_addr *a, *atmp;
	size_t i;

	HASH_ITER(hh, f->addrs, a, atmp) {
		HASH_DEL(f->addrs, a);
		free(a->frames);
		free(a);
	}
	free(f->syms.v);
	free(f->syms.spans);
	free(f->syms.maxend);
	free(f->syms.labels);
	free(f->fdes);
	free(f->syms.secs);
	for (i = 0; i < f->nunits; i++) {
		free(f->units[i].fns);
		free(f->units[i].fnr.v);
	}
	free(f->units);
	free(f->unitr.v);
	if (f->dwfl != NULL)
		dwfl_end(f->dwfl);
	free(f->path);
	free(f->id);
	free(f);
}

void
sym_free(struct sym_cache *c)
{
	struct sym_file *f, *ftmp;
	struct sym_str *s, *stmp;

	if (c == NULL)
		return;
	HASH_ITER(hh, c->files, f, ftmp) {
		HASH_DEL(c->files, f);
		free_file(f);
	}
	HASH_ITER(hh, c->byid, f, ftmp) {
		HASH_DEL(c->byid, f);
		free_file(f);
	}
	HASH_ITER(hh, c->strs, s, stmp) {
		HASH_DEL(c->strs, s);
		free(s);
	}
	free(c->buf);
	free(c->dies);
	free(c);
}

static struct sym_str *
intern_str(struct sym_cache *c, const char *s)
{
	size_t len = strlen(s);
	struct sym_str *e;

	HASH_FIND(hh, c->strs, s, len, e);
	if (e != NULL)
		return e;
	e = xmalloc(sizeof(*e) + len + 1);
	e->demangled = NULL;
	memcpy(e->s, s, len + 1);
	HASH_ADD_KEYPTR(hh, c->strs, e->s, len, e);
	return e;
}

static const char *
intern(struct sym_cache *c, const char *s)
{
	return intern_str(c, s)->s;
}

/* A Rust legacy symbol ends in a hash: 17h and 16 hex digits, then E. */
static int
is_rust_legacy(const char *mangled)
{
	size_t len = strlen(mangled);
	const char *h;
	int i;

	if (strncmp(mangled, "_ZN", 3) != 0 || len < 3 + 20 ||
	    mangled[len - 1] != 'E')
		return 0;
	h = mangled + len - 20;
	if (strncmp(h, "17h", 3) != 0)
		return 0;
	for (i = 3; i < 19; i++)
		if (!isxdigit((unsigned char)h[i]))
			return 0;
	return 1;
}

/*
 * Rewrites, in place, what __cxa_demangle makes of a Rust legacy symbol
 * into what rustc-demangle (and addr2line -C) prints: the trailing
 * "::h<hash>" dropped, "$LT$" as "<", "$u7b$" as "{", ".." as "::".
 * Every replacement is shorter than what it replaces.
 */
static void
rust_legacy_fix(char *s)
{
	static const struct { const char *from; char to; } esc[] = {
		{ "$SP$", '@' }, { "$BP$", '*' }, { "$RF$", '&' },
		{ "$LT$", '<' }, { "$GT$", '>' }, { "$LP$", '(' },
		{ "$RP$", ')' }, { "$C$", ',' },
	};
	char *r = s, *w = s, *end;
	size_t i, len = strlen(s);

	if (len > 19 && strncmp(s + len - 19, "::h", 3) == 0)
		s[len - 19] = '\0';
	while (*r != '\0') {
		if ((r == s || (r - s >= 2 && r[-1] == ':' && r[-2] == ':')) &&
		    r[0] == '_' && r[1] == '$')
			r++;
		if (r[0] == '.' && r[1] == '.') {
			*w++ = ':';
			*w++ = ':';
			r += 2;
			continue;
		}
		if (r[0] != '$') {
			*w++ = *r++;
			continue;
		}
		for (i = 0; i < sizeof(esc) / sizeof(esc[0]); i++)
			if (strncmp(r, esc[i].from, strlen(esc[i].from)) == 0)
				break;
		if (i < sizeof(esc) / sizeof(esc[0])) {
			*w++ = esc[i].to;
			r += strlen(esc[i].from);
			continue;
		}
		if (r[1] == 'u' && isxdigit((unsigned char)r[2]) &&
		    isxdigit((unsigned char)r[3]) && r[4] == '$') {
			unsigned long ch = strtoul(r + 2, &end, 16);

			if (end == r + 4 && ch >= 0x20 && ch < 0x7f) {
				*w++ = (char)ch;
				r += 5;
				continue;
			}
		}
		*w++ = *r++;
	}
	*w = '\0';
}

/*
 * Interns name, demangled when it is a C++ or Rust legacy symbol.  The
 * mangled name is kept too, pointing to its demangled form: demangling
 * costs more than the lookup, and the same names come back at every
 * address of a function.
 */
static const char *
intern_name(struct sym_cache *c, const char *name)
{
	struct sym_str *e;
	char *d;
	int status;

	if (strncmp(name, "_Z", 2) != 0)
		return intern(c, name);
	e = intern_str(c, name);
	if (e->demangled != NULL)
		return e->demangled;
	d = __cxa_demangle(name, NULL, NULL, &status);
	if (d == NULL) {
		e->demangled = e->s;
		return e->s;
	}
	if (is_rust_legacy(name))
		rust_legacy_fix(d);
	e->demangled = intern(c, d);
	free(d);
	return e->demangled;
}

static const char *
intern_basename(struct sym_cache *c, const char *path)
{
	const char *slash;

	if (path == NULL)
		return NULL;
	slash = strrchr(path, '/');
	return intern(c, slash != NULL ? slash + 1 : path);
}

static void
push(struct sym_cache *c, const char *name, const char *file, int line)
{
	if (c->nbuf == c->sizebuf) {
		c->sizebuf = c->sizebuf ? 2 * c->sizebuf : 16;
		c->buf = xreallocarray(c->buf, c->sizebuf, sizeof(*c->buf));
	}
	c->buf[c->nbuf].name = name;
	c->buf[c->nbuf].file = file;
	c->buf[c->nbuf].line = line;
	c->nbuf++;
}

/* A new entry for path, opened: the caller adds it to a table. */
static struct sym_file *
open_file(const char *path)
{
	struct sym_file *f;
	struct stat st;
	Dwfl_Module *mod = NULL;
	Dwarf_Addr bias;
	GElf_Ehdr ehdr;
	Elf *elf;

	f = xcalloc(1, sizeof(*f));
	f->path = xstrdup(path);

	/* Not a FIFO or a device: opening one could block or never end. */
	if (stat(path, &st) != 0 || !S_ISREG(st.st_mode))
		return f;
	f->dwfl = dwfl_begin(&callbacks);
	if (f->dwfl == NULL)
		return f;
	/*
	 * An ET_EXEC is placed at its own addresses whatever the base; an
	 * ET_DYN (PIE, shared library) at base 0 plus its p_vaddr, with a
	 * bias of 0: in both, an address is the file's virtual address.
	 */
	dwfl_report_begin(f->dwfl);
	mod = dwfl_report_elf(f->dwfl, path, path, -1, 0, true);
	dwfl_report_end(f->dwfl, NULL, NULL);
	if (mod != NULL && (elf = dwfl_module_getelf(mod, &bias)) != NULL &&
	    gelf_getehdr(elf, &ehdr) != NULL &&
	    (ehdr.e_type == ET_EXEC || ehdr.e_type == ET_DYN)) {
		f->mod = mod;
		return f;
	}
	dwfl_end(f->dwfl);
	f->dwfl = NULL;
	return f;
}

/* DIEs that can hold code, matched against the address. */
static int
is_scope(Dwarf_Die *die)
{
	switch (dwarf_tag(die)) {
	case DW_TAG_subprogram:
	case DW_TAG_inlined_subroutine:
	case DW_TAG_entry_point:
	case DW_TAG_lexical_block:
	case DW_TAG_with_stmt:
	case DW_TAG_catch_block:
	case DW_TAG_try_block:
		return 1;
	default:
		return 0;
	}
}

/* DIEs without addresses that may hold functions (C++, Fortran). */
static int
is_container(Dwarf_Die *die)
{
	switch (dwarf_tag(die)) {
	case DW_TAG_namespace:
	case DW_TAG_module:
	case DW_TAG_class_type:
	case DW_TAG_structure_type:
	case DW_TAG_union_type:
		return 1;
	default:
		return 0;
	}
}

/* Deeper than this is a corrupt file, not code (and a bound on recursion). */
enum { MAX_DEPTH = 256 };

/*
 * Moves die to its next sibling.  A corrupt DW_AT_sibling that points
 * back would make a walk endless: only forward is accepted.
 */
static int
next_sibling(Dwarf_Die *die)
{
	Dwarf_Off off = dwarf_dieoffset(die);

	return dwarf_siblingof(die, die) == 0 && dwarf_dieoffset(die) > off;
}

static void
push_die(struct sym_cache *c, Dwarf_Die *die)
{
	if (c->ndies == c->sizedies) {
		c->sizedies = c->sizedies ? 2 * c->sizedies : 16;
		c->dies = xreallocarray(c->dies, c->sizedies, sizeof(*c->dies));
	}
	c->dies[c->ndies++] = *die;
}

/*
 * Appends to c->dies the scopes under parent that contain pc, outermost
 * first, and returns 1 if there is one.  A scope holds its inner scopes'
 * addresses, so the search descends only into the scope containing pc;
 * with thorough set it also looks inside the others, for a nested
 * function (GNU C), whose code lies outside its parent's.
 */
static int
find_scopes(struct sym_cache *c, Dwarf_Die *parent, Dwarf_Addr pc,
    int thorough, int depth)
{
	Dwarf_Die die;

	if (depth > MAX_DEPTH || dwarf_child(parent, &die) != 0)
		return 0;
	do {
		if (is_scope(&die) && dwarf_haspc(&die, pc) > 0) {
			push_die(c, &die);
			find_scopes(c, &die, pc, thorough, depth + 1);
			return 1;
		}
		if ((is_container(&die) || (thorough && is_scope(&die))) &&
		    find_scopes(c, &die, pc, thorough, depth + 1))
			return 1;
	} while (next_sibling(&die));
	return 0;
}

static int
is_function(Dwarf_Die *die)
{
	switch (dwarf_tag(die)) {
	case DW_TAG_subprogram:
	case DW_TAG_inlined_subroutine:
	case DW_TAG_entry_point:
		return 1;
	default:
		return 0;
	}
}

/* The linkage name (to demangle) if any, else the name, else NULL. */
static const char *
die_name(Dwarf_Die *die)
{
	static const int attrs[] = {
		DW_AT_linkage_name, DW_AT_MIPS_linkage_name, DW_AT_name,
	};
	Dwarf_Attribute a;
	const char *s;
	size_t i;

	for (i = 0; i < sizeof(attrs) / sizeof(attrs[0]); i++) {
		s = dwarf_formstring(dwarf_attr_integrate(die, attrs[i], &a));
		if (s != NULL)
			return s;
	}
	return NULL;
}

/*
 * The call site of an inlined_subroutine DIE: where, in the function
 * around it, the inlined function was called.
 */
static void
call_site(struct sym_cache *c, Dwarf_Die *die, const char **file, int *line)
{
	Dwarf_Attribute a;
	Dwarf_Word val;
	Dwarf_Die cu;
	Dwarf_Files *files;
	size_t nfiles;

	*file = NULL;
	*line = 0;
	if (dwarf_formudata(dwarf_attr(die, DW_AT_call_file, &a), &val) == 0 &&
	    dwarf_diecu(die, &cu, NULL, NULL) != NULL &&
	    dwarf_getsrcfiles(&cu, &files, &nfiles) == 0 && val < nfiles)
		*file = intern_basename(c, dwarf_filesrc(files, val, NULL, NULL));
	if (dwarf_formudata(dwarf_attr(die, DW_AT_call_line, &a), &val) == 0 &&
	    val <= INT32_MAX)
		*line = (int)val;
}

/* Adds the address ranges of die, naming element i. */
static void
ranges_add(struct sym_ranges *r, Dwarf_Die *die, size_t i)
{
	Dwarf_Addr base, low, high;
	ptrdiff_t off = 0;

	while ((off = dwarf_ranges(die, off, &base, &low, &high)) > 0) {
		if (low >= high)
			continue;
		if (r->n == r->size) {
			r->size = r->size ? 2 * r->size : 64;
			r->v = xreallocarray(r->v, r->size, sizeof(*r->v));
		}
		r->v[r->n].low = low;
		r->v[r->n].high = high;
		r->v[r->n].i = i;
		r->n++;
	}
}

static int
range_cmp(const void *a, const void *b)
{
	const struct sym_range *x = a, *y = b;

	if (x->low != y->low)
		return x->low < y->low ? -1 : 1;
	return (x->high > y->high) - (x->high < y->high);
}

static void
ranges_sort(struct sym_ranges *r)
{
	size_t i;

	if (r->n > 0)
		qsort(r->v, r->n, sizeof(*r->v), range_cmp);
	for (i = 0; i < r->n; i++)
		r->v[i].maxhigh = i > 0 && r->v[i - 1].maxhigh > r->v[i].high ?
		    r->v[i - 1].maxhigh : r->v[i].high;
}

/* The element whose range holds pc, or (size_t)-1. */
static size_t
ranges_find(const struct sym_ranges *r, Dwarf_Addr pc)
{
	size_t i, lo = 0, hi = r->n;

	/* lo: the number of ranges starting at or before pc. */
	while (lo < hi) {
		i = lo + (hi - lo) / 2;
		if (r->v[i].low <= pc)
			lo = i + 1;
		else
			hi = i;
	}
	/* Ranges should not overlap, but if they do, look further back. */
	for (i = lo; i-- > 0 && r->v[i].maxhigh > pc; )
		if (pc < r->v[i].high)
			return r->v[i].i;
	return (size_t)-1;
}

static void
index_scopes(struct sym_unit *u, Dwarf_Die *parent, int depth)
{
	Dwarf_Die die;

	if (depth > MAX_DEPTH || dwarf_child(parent, &die) != 0)
		return;
	do {
		if (is_scope(&die)) {
			if (u->nfns == u->sizefns) {
				u->sizefns = u->sizefns ? 2 * u->sizefns : 64;
				u->fns = xreallocarray(u->fns, u->sizefns,
				    sizeof(*u->fns));
			}
			u->fns[u->nfns] = die;
			ranges_add(&u->fnr, &die, u->nfns);
			u->nfns++;
		} else if (is_container(&die)) {
			index_scopes(u, &die, depth + 1);
		}
	} while (next_sibling(&die));
}

/*
 * Reads the ranges of every compilation unit of f.  libdwfl's own lookup
 * (dwfl_module_addrdie) needs .debug_aranges, which clang and rustc do not
 * write; and it returns the unit before the address when none holds it.
 */
static void
index_units(struct sym_file *f)
{
	Dwarf *dw;
	Dwarf_CU *cu = NULL;
	Dwarf_Die cudie, subdie;
	Dwarf_Half version;
	uint8_t type;
	struct sym_unit *u;

	f->indexed = 1;
	if ((dw = dwfl_module_getdwarf(f->mod, &f->bias)) == NULL)
		return;
	while (dwarf_get_units(dw, cu, &cu, &version, &type, &cudie,
	    NULL) == 0) {
		if (type != DW_UT_compile && type != DW_UT_skeleton)
			continue;
		if (f->nunits == f->sizeunits) {
			f->sizeunits = f->sizeunits ? 2 * f->sizeunits : 16;
			f->units = xreallocarray(f->units, f->sizeunits,
			    sizeof(*f->units));
		}
		u = &f->units[f->nunits];
		memset(u, 0, sizeof(*u));
		u->cu = cudie;
		u->top = cudie;
		/* -gsplit-dwarf: the functions are in the .dwo file. */
		if (type == DW_UT_skeleton &&
		    dwarf_cu_info(cu, NULL, NULL, NULL, &subdie, NULL, NULL,
		    NULL) == 0 && dwarf_tag(&subdie) == DW_TAG_compile_unit)
			u->top = subdie;
		ranges_add(&f->unitr, &cudie, f->nunits);
		f->nunits++;
	}
	ranges_sort(&f->unitr);
}

static struct sym_unit *
find_unit(struct sym_file *f, Dwarf_Addr pc)
{
	size_t i;

	if (!f->indexed)
		index_units(f);
	i = ranges_find(&f->unitr, pc);
	return i == (size_t)-1 ? NULL : &f->units[i];
}

/*
 * The function (or other outermost scope) of u that holds pc, or NULL.
 * Searching the unit's tree at each address would read all of it (a C++
 * unit has thousands of declarations) every time: it is indexed once.
 */
static Dwarf_Die *
find_fn(struct sym_unit *u, Dwarf_Addr pc)
{
	size_t i;

	if (!u->indexed) {
		u->indexed = 1;
		index_scopes(u, &u->top, 0);
		ranges_sort(&u->fnr);
	}
	i = ranges_find(&u->fnr, pc);
	return i == (size_t)-1 ? NULL : &u->fns[i];
}

/*
 * Pushes the chain of functions containing pc, innermost first, each with
 * its line: the innermost at pc (file, line), each outer one at the call
 * site of the inlined_subroutine inside it, as eu-addr2line -i does.
 */
static void
dwarf_chain(struct sym_cache *c, struct sym_unit *u, Dwarf_Addr pc,
    const char *file, int line)
{
	Dwarf_Die *die;
	const char *name;
	size_t i;

	c->ndies = 0;
	if ((die = find_fn(u, pc)) != NULL) {
		push_die(c, die);
		find_scopes(c, die, pc, 0, 1);
	} else {
		find_scopes(c, &u->top, pc, 1, 0);
	}
	for (i = c->ndies; i-- > 0; ) {
		die = &c->dies[i];
		if (!is_function(die))
			continue;
		name = die_name(die);
		push(c, name != NULL ? intern_name(c, name) : NULL, file, line);
		/* The real function ends the chain: what is around it (a
		 * nested function's parent) did not call it there. */
		if (dwarf_tag(die) != DW_TAG_inlined_subroutine)
			break;
		call_site(c, die, &file, &line);
	}
}

/* ---- the symbol index ---- */

static int
binding_value(int bind)
{
	switch (bind) {
	case STB_GLOBAL:
		return 3;
	case STB_WEAK:
		return 2;
	case STB_LOCAL:
		return 1;
	default:
		return 0;
	}
}

/*
 * By value; among equals, the one libdwfl would take last: the better
 * binding, then the earlier in the table.
 */
static int
sym_cmp(const void *a, const void *b)
{
	const struct sym_sym *x = a, *y = b;

	if (x->value != y->value)
		return x->value < y->value ? -1 : 1;
	if (x->bind != y->bind)
		return x->bind < y->bind ? -1 : 1;
	return (x->order < y->order) - (x->order > y->order);
}

static int
sec_cmp(const void *a, const void *b)
{
	const struct sym_sec *x = a, *y = b;

	return (x->low > y->low) - (x->low < y->low);
}

/* A max-heap of indices into v (a higher index: a better symbol). */
struct sym_heap {
	size_t *h;
	size_t n;
};

static void
heap_push(struct sym_heap *hp, size_t i)
{
	size_t k = hp->n++, parent;

	hp->h[k] = i;
	while (k > 0 && hp->h[parent = (k - 1) / 2] < hp->h[k]) {
		hp->h[k] = hp->h[parent];
		hp->h[parent] = i;
		k = parent;
	}
}

static void
heap_pop(struct sym_heap *hp)
{
	size_t k = 0, c, t;

	hp->h[0] = hp->h[--hp->n];
	while ((c = 2 * k + 1) < hp->n) {
		if (c + 1 < hp->n && hp->h[c + 1] > hp->h[c])
			c++;
		if (hp->h[k] >= hp->h[c])
			break;
		t = hp->h[k];
		hp->h[k] = hp->h[c];
		hp->h[c] = t;
		k = c;
	}
}

static void
span_add(struct sym_symtab *t, size_t *size, uint64_t low, uint64_t high,
    size_t sym)
{
	struct sym_span *last = t->nspans ? &t->spans[t->nspans - 1] : NULL;

	if (low >= high)
		return;
	if (last != NULL && last->sym == sym && last->high == low) {
		last->high = high;
		return;
	}
	if (t->nspans == *size) {
		*size = *size ? 2 * *size : 64;
		t->spans = xreallocarray(t->spans, *size, sizeof(*t->spans));
	}
	t->spans[t->nspans].low = low;
	t->spans[t->nspans].high = high;
	t->spans[t->nspans].sym = sym;
	t->nspans++;
}

/*
 * Emits the spans from *cur up to until (at most), where the best symbol
 * of the heap holds the addresses; symbols that have ended leave it.
 */
static void
spans_until(struct sym_symtab *t, struct sym_heap *hp, size_t *size,
    uint64_t *cur, uint64_t until)
{
	const struct sym_sym *top;

	while (hp->n > 0 && *cur < until) {
		top = &t->v[hp->h[0]];
		if (top->end <= *cur) {
			heap_pop(hp);
			continue;
		}
		if (top->end < until) {
			span_add(t, size, *cur, top->end, hp->h[0]);
			*cur = top->end;
			heap_pop(hp);
		} else {
			span_add(t, size, *cur, until, hp->h[0]);
			*cur = until;
		}
	}
	*cur = until;
}

/*
 * Where each symbol with a size wins, as dwfl_module_addrsym chooses: of
 * the symbols holding an address, the one that starts last, then the
 * better binding.  A sweep over v with the symbols open at each point in
 * a heap: n log n once, then a binary search per address.
 */
static void
index_spans(struct sym_symtab *t)
{
	struct sym_heap hp;
	uint64_t cur = 0;
	size_t i, size = 0;

	hp.h = xreallocarray(NULL, t->n > 0 ? t->n : 1, sizeof(*hp.h));
	hp.n = 0;
	for (i = 0; i < t->n; i++) {
		if (t->v[i].end == t->v[i].value)
			continue;
		spans_until(t, &hp, &size, &cur, t->v[i].value);
		heap_push(&hp, i);
	}
	spans_until(t, &hp, &size, &cur, UINT64_MAX);
	free(hp.h);
}

/* Whether elf has a .symtab: one with every function, not only exports. */
static int
has_symtab(Elf *elf)
{
	Elf_Scn *scn = NULL;
	GElf_Shdr sh;

	while ((scn = elf_nextscn(elf, scn)) != NULL)
		if (gelf_getshdr(scn, &sh) != NULL && sh.sh_type == SHT_SYMTAB)
			return 1;
	return 0;
}

static void
index_sections(struct sym_symtab *t, Elf *elf, Dwarf_Addr bias)
{
	Elf_Scn *scn = NULL;
	GElf_Shdr sh;
	size_t size = 0;

	while ((scn = elf_nextscn(elf, scn)) != NULL) {
		if (gelf_getshdr(scn, &sh) == NULL || !(sh.sh_flags & SHF_ALLOC) ||
		    sh.sh_size == 0 || sh.sh_addr + sh.sh_size < sh.sh_addr ||
		    (sh.sh_flags & SHF_TLS))
			continue;
		if (t->nsecs == size) {
			size = size ? 2 * size : 32;
			t->secs = xreallocarray(t->secs, size, sizeof(*t->secs));
		}
		t->secs[t->nsecs].low = sh.sh_addr + bias;
		t->secs[t->nsecs].high = sh.sh_addr + sh.sh_size + bias;
		t->nsecs++;
	}
	if (t->nsecs > 0)
		qsort(t->secs, t->nsecs, sizeof(*t->secs), sec_cmp);
}

/* The section holding addr, or -1. */
static ptrdiff_t
section_of(const struct sym_symtab *t, uint64_t addr)
{
	size_t lo = 0, hi = t->nsecs, i;

	while (lo < hi) {
		i = lo + (hi - lo) / 2;
		if (t->secs[i].low <= addr)
			lo = i + 1;
		else
			hi = i;
	}
	while (lo-- > 0)
		if (addr < t->secs[lo].high)
			return (ptrdiff_t)lo;
	return -1;
}

static void
index_symbols(struct sym_file *f)
{
	struct sym_symtab *t = &f->syms;
	Elf *elf, *symelf, *seen[4];
	GElf_Sym sym;
	GElf_Addr value;
	GElf_Word shndx;
	Dwarf_Addr bias;
	const char *name;
	size_t i, j, nseen = 0, size = 0;
	int n, type;

	t->built = 1;
	if ((elf = dwfl_module_getelf(f->mod, &bias)) == NULL)
		return;
	index_sections(t, elf, bias);
	n = dwfl_module_getsymtab(f->mod);
	t->dynsym_only = 1;
	for (int k = 1; k < n; k++) {
		symelf = NULL;
		name = dwfl_module_getsym_info(f->mod, k, &sym, &value, &shndx,
		    &symelf, NULL);
		type = GELF_ST_TYPE(sym.st_info);
		if (name == NULL || name[0] == '\0' || sym.st_shndx == SHN_UNDEF ||
		    type == STT_SECTION || type == STT_FILE || type == STT_TLS)
			continue;
		if (symelf != NULL && t->dynsym_only) {
			for (j = 0; j < nseen && seen[j] != symelf; j++)
				;
			if (j == nseen && nseen < 4) {
				seen[nseen++] = symelf;
				if (has_symtab(symelf))
					t->dynsym_only = 0;
			}
		}
		if (t->n == size) {
			size = size ? 2 * size : 256;
			t->v = xreallocarray(t->v, size, sizeof(*t->v));
		}
		t->v[t->n].value = value;
		t->v[t->n].end = value + sym.st_size >= value ?
		    value + sym.st_size : UINT64_MAX;
		t->v[t->n].name = name;
		t->v[t->n].bind = binding_value(GELF_ST_BIND(sym.st_info));
		t->v[t->n].func = type == STT_FUNC || type == STT_GNU_IFUNC;
		t->v[t->n].order = (size_t)k;
		t->n++;
	}
	if (t->n == 0)
		return;
	qsort(t->v, t->n, sizeof(*t->v), sym_cmp);
	index_spans(t);
	t->maxend = xreallocarray(NULL, t->n, sizeof(*t->maxend));
	t->labels = xreallocarray(NULL, t->n, sizeof(*t->labels));
	for (i = 0; i < t->n; i++) {
		t->maxend[i] = i > 0 && t->maxend[i - 1] > t->v[i].end ?
		    t->maxend[i - 1] : t->v[i].end;
		if (t->v[i].end == t->v[i].value)
			t->labels[t->nlabels++] = i;
	}
}

/* The number of symbols of t starting at or before addr. */
static size_t
syms_upto(const struct sym_symtab *t, uint64_t addr)
{
	size_t lo = 0, hi = t->n, i;

	while (lo < hi) {
		i = lo + (hi - lo) / 2;
		if (t->v[i].value <= addr)
			lo = i + 1;
		else
			hi = i;
	}
	return lo;
}

/*
 * The ELF symbol naming addr, as dwfl_module_addrsym finds it: the best
 * symbol holding it, else the last symbol without a size before it in
 * its section, if no symbol with a size ends after that one (an assembly
 * label).  NULL if none.
 */
static const struct sym_sym *
symbol_at(struct sym_file *f, uint64_t addr)
{
	struct sym_symtab *t = &f->syms;
	size_t lo = 0, hi, i, k;
	ptrdiff_t sec;

	if (!t->built)
		index_symbols(f);
	hi = t->nspans;
	while (lo < hi) {
		i = lo + (hi - lo) / 2;
		if (addr < t->spans[i].low)
			hi = i;
		else if (addr >= t->spans[i].high)
			lo = i + 1;
		else
			return &t->v[t->spans[i].sym];
	}
	if ((k = syms_upto(t, addr)) == 0)
		return NULL;
	/* The last label before addr: the last of labels below k. */
	lo = 0;
	hi = t->nlabels;
	while (lo < hi) {
		i = lo + (hi - lo) / 2;
		if (t->labels[i] < k)
			lo = i + 1;
		else
			hi = i;
	}
	if (lo == 0)
		return NULL;
	i = t->labels[lo - 1];
	/* A label only where every symbol before addr has ended. */
	if (t->maxend[k - 1] > t->v[i].value)
		return NULL;
	sec = section_of(t, addr);
	return sec >= 0 && sec == section_of(t, t->v[i].value) ? &t->v[i] : NULL;
}

/*
 * The nearest function symbol before addr in its section, for a file
 * whose only symbols are its exports (.dynsym): what perf would name addr
 * after.  NULL where there is a .symtab, or no such symbol.
 */
static const struct sym_sym *
symbol_before(struct sym_file *f, uint64_t addr)
{
	struct sym_symtab *t = &f->syms;
	ptrdiff_t sec;
	size_t i;

	if (!t->built)
		index_symbols(f);
	if (!t->dynsym_only || (sec = section_of(t, addr)) < 0)
		return NULL;
	for (i = syms_upto(t, addr); i-- > 0 && t->v[i].value >=
	    t->secs[sec].low; )
		if (t->v[i].func)
			return &t->v[i];
	return NULL;
}

/*
 * Reads the sorted table of .eh_frame_hdr: the start of every FDE, as
 * the unwinders search it (GCC and clang write one FDE a function, and
 * one for each part split off, main.cold).  Only the table ld writes
 * (datarel sdata4 pairs) is read; without one, there is no table.
 */
static void
index_fde_starts(struct sym_file *f)
{
	const unsigned char *h;
	Elf_Data *d;
	GElf_Phdr ph;
	Dwarf_Addr bias;
	Elf *elf;
	size_t i, n, off;
	uint32_t count;
	int32_t loc;

	f->fdes_read = 1;
	if ((elf = dwfl_module_getelf(f->mod, &bias)) == NULL ||
	    elf_getphdrnum(elf, &n) != 0)
		return;
	for (i = 0; i < n; i++)
		if (gelf_getphdr(elf, (int)i, &ph) != NULL &&
		    ph.p_type == PT_GNU_EH_FRAME)
			break;
	if (i == n || ph.p_filesz < 12 || (d = elf_getdata_rawchunk(elf,
	    (int64_t)ph.p_offset, ph.p_filesz, ELF_T_BYTE)) == NULL ||
	    d->d_size < 12)
		return;
	h = d->d_buf;
	/* version 1, eh_frame_ptr and count of 4 bytes (udata4, sdata4),
	 * table datarel sdata4: 12 bytes of header, then 8 bytes an entry */
	if (h[0] != 1 || ((h[1] & 0x0f) != 0x03 && (h[1] & 0x0f) != 0x0b) ||
	    (h[2] != 0x03 && h[2] != 0x0b) || h[3] != 0x3b)
		return;
	memcpy(&count, h + 8, 4);
	if (count == 0 || count > (d->d_size - 12) / 8)
		return;
	f->fdes = xreallocarray(NULL, count, sizeof(*f->fdes));
	for (i = 0, off = 12; i < count; i++, off += 8) {
		memcpy(&loc, h + off, 4);
		f->fdes[i] = ph.p_vaddr + bias + (uint64_t)(int64_t)loc;
		if (i > 0 && f->fdes[i] < f->fdes[i - 1]) {
			/* not sorted: not the table the unwinders trust */
			free(f->fdes);
			f->fdes = NULL;
			return;
		}
	}
	f->nfdes = count;
}

/*
 * The start of the function holding addr, as its call frame information
 * bounds it: the last FDE start at or before addr, if .eh_frame has a
 * rule for addr and that rule is not before it.
 */
static int
fn_start(struct sym_file *f, uint64_t addr, uint64_t *start)
{
	Dwarf_CFI *cfi;
	Dwarf_Frame *fr;
	Dwarf_Addr bias, low, high;
	size_t lo = 0, hi, i;
	int ok;

	if (!f->fdes_read)
		index_fde_starts(f);
	hi = f->nfdes;
	while (lo < hi) {
		i = lo + (hi - lo) / 2;
		if (f->fdes[i] <= addr)
			lo = i + 1;
		else
			hi = i;
	}
	if (lo == 0 || (cfi = dwfl_module_eh_cfi(f->mod, &bias)) == NULL ||
	    addr < bias || dwarf_cfi_addrframe(cfi, addr - bias, &fr) != 0)
		return -1;
	ok = dwarf_frame_info(fr, &low, &high, NULL) >= 0 &&
	    low + bias >= f->fdes[lo - 1] && low + bias <= addr;
	free(fr);
	if (!ok)
		return -1;
	*start = f->fdes[lo - 1];
	return 0;
}

/* Fills c->buf, innermost first, and returns the number of frames. */
static size_t
resolve(struct sym_cache *c, struct sym_file *f, uint64_t addr)
{
	struct sym_unit *u;
	Dwarf_Line *dl;
	Dwarf_Addr pc;
	const struct sym_sym *s;
	const char *file = NULL;
	uint64_t start;
	int line = 0;

	c->nbuf = 0;
	if (f->dwfl == NULL || dwfl_addrmodule(f->dwfl, addr) != f->mod)
		return 0;
	if ((u = find_unit(f, addr - f->bias)) != NULL) {
		pc = addr - f->bias;
		if ((dl = dwarf_getsrc_die(&u->cu, pc)) != NULL) {
			file = intern_basename(c, dwarf_linesrc(dl, NULL, NULL));
			if (dwarf_lineno(dl, &line) != 0 || line < 0)
				line = 0;
		}
		dwarf_chain(c, u, pc, file, line);
	}
	/* Without a DWARF function, or a name for it: the ELF symbol's. */
	if (c->nbuf > 0 && c->buf[c->nbuf - 1].name == NULL &&
	    (s = symbol_at(f, addr)) != NULL)
		c->buf[c->nbuf - 1].name = intern_name(c, s->name);
	if (c->nbuf == 0 && (s = symbol_at(f, addr)) != NULL)
		push(c, intern_name(c, s->name), file, line);
	/* Only exports, and a symbol without the right size: the function
	 * holding addr starts at an export, it is that one. */
	if (c->nbuf == 0 && f->syms.dynsym_only &&
	    fn_start(f, addr, &start) == 0 &&
	    (s = symbol_before(f, start)) != NULL && s->value == start)
		push(c, intern_name(c, s->name), file, line);
	return c->nbuf;
}

/* The entry of addr in f, its frames resolved at the first call. */
static struct sym_addr *
addr_get(struct sym_cache *c, struct sym_file *f, uint64_t addr)
{
	struct sym_addr *a;
	size_t i, n;

	HASH_FIND(hh, f->addrs, &addr, sizeof(addr), a);
	if (a != NULL)
		return a;
	n = resolve(c, f, addr);
	if (n > INT_MAX)
		n = 0;
	a = xcalloc(1, sizeof(*a));
	a->addr = addr;
	a->n = (int)n;
	if (n > 0) {
		a->frames = xreallocarray(NULL, n, sizeof(*a->frames));
		for (i = 0; i < n; i++) {
			a->frames[i] = c->buf[n - 1 - i];
			if (a->frames[i].name == NULL)
				a->frames[i].name = intern(c, "??");
		}
	}
	HASH_ADD(hh, f->addrs, addr, sizeof(a->addr), a);
	return a;
}

/* The entry for path, or for build-id id when idlen > 0, opened once. */
static struct sym_file *
file_get(struct sym_cache *c, const unsigned char *id, size_t idlen,
    const char *path)
{
	struct sym_file *f;

	if (idlen == 0) {
		HASH_FIND(hh, c->files, path, strlen(path), f);
		if (f == NULL) {
			f = open_file(path);
			HASH_ADD_KEYPTR(hh, c->files, f->path, strlen(f->path), f);
		}
		return f;
	}
	HASH_FIND(hh, c->byid, id, idlen, f);
	if (f == NULL) {
		f = open_file(path);
		f->id = (unsigned char *)xmemdup(id, idlen);
		f->idlen = idlen;
		HASH_ADD_KEYPTR(hh, c->byid, f->id, f->idlen, f);
	}
	return f;
}

int
sym_resolve(struct sym_cache *c, const char *path, uint64_t addr,
    const struct sym_frame **frames)
{
	return sym_resolve_build_id(c, NULL, 0, path, addr, frames);
}

int
sym_resolve_build_id(struct sym_cache *c, const unsigned char *id,
    size_t idlen, const char *path, uint64_t addr,
    const struct sym_frame **frames)
{
	struct sym_addr *a = addr_get(c, file_get(c, id, idlen, path), addr);

	*frames = a->frames;
	return a->n;
}

/* The offset in the file of the byte at addr, which a PT_LOAD maps. */
static int
file_offset(struct sym_file *f, uint64_t addr, uint64_t *off)
{
	GElf_Phdr ph;
	Dwarf_Addr bias;
	Elf *elf;
	size_t i, n;

	if ((elf = dwfl_module_getelf(f->mod, &bias)) == NULL ||
	    elf_getphdrnum(elf, &n) != 0)
		return -1;
	addr -= bias;
	for (i = 0; i < n; i++)
		if (gelf_getphdr(elf, (int)i, &ph) != NULL &&
		    ph.p_type == PT_LOAD && addr >= ph.p_vaddr &&
		    addr - ph.p_vaddr < ph.p_filesz) {
			*off = addr - ph.p_vaddr + ph.p_offset;
			return 0;
		}
	return -1;
}

static int
locate(struct sym_cache *c, struct sym_file *f, uint64_t addr,
    struct sym_place *pl)
{
	const struct sym_sym *s;
	uint64_t start;

	if (f->dwfl == NULL || dwfl_addrmodule(f->dwfl, addr) != f->mod)
		return 0;
	if (fn_start(f, addr, &start) != 0)
		start = addr;
	if (file_offset(f, start, &pl->offset) != 0 &&
	    file_offset(f, start = addr, &pl->offset) != 0)
		return 0;
	pl->near = NULL;
	pl->near_off = 0;
	if ((s = symbol_before(f, start)) != NULL) {
		pl->near = intern_name(c, s->name);
		pl->near_off = start - s->value;
	}
	return 1;
}

int
sym_locate(struct sym_cache *c, const unsigned char *id, size_t idlen,
    const char *path, uint64_t addr, struct sym_place *pl)
{
	struct sym_file *f = file_get(c, id, idlen, path);
	struct sym_addr *a = addr_get(c, f, addr);

	if (a->located == 0)
		a->located = locate(c, f, addr, &a->place) ? 1 : -1;
	if (a->located < 0)
		return 0;
	*pl = a->place;
	return 1;
}
