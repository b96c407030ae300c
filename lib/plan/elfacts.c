#include "plan/elfacts.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <dwarf.h>
#include <elfutils/libdw.h>
#include <elfutils/libdwelf.h>
#include <gelf.h>

#include "core/util.h"

#define DEBUG_ROOT "/usr/lib/debug"
#define MAX_NOOPT_NAMES 8
#define MAX_PROLOGUES 200
/* Below this many prologues a share says little: unknown, not a guess. */
#define MIN_PROLOGUES 4

/* An ELF file open for reading, and its DWARF when asked for. */
struct efile {
	int fd;
	Elf *elf;
	Dwarf *dw;
};

static void
eclose(struct efile *e)
{
	if (e->dw != NULL)
		dwarf_end(e->dw);
	if (e->elf != NULL)
		elf_end(e->elf);
	if (e->fd >= 0)
		close(e->fd);
	e->fd = -1;
	e->elf = NULL;
	e->dw = NULL;
}

static const char *
eopen(struct efile *e, const char *path)
{
	static char why[128];
	struct stat st;

	e->fd = -1;
	e->elf = NULL;
	e->dw = NULL;
	/* libelf would call a directory a damaged file: say what it is;
	 * O_NONBLOCK, so that a FIFO named as the binary cannot hang us */
	if ((e->fd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC)) < 0 ||
	    fstat(e->fd, &st) < 0 ||
	    (S_ISDIR(st.st_mode) && (errno = EISDIR) != 0)) {
		snprintf(why, sizeof(why), "cannot open: %s", strerror(errno));
		eclose(e);
		return why;
	}
	if (!S_ISREG(st.st_mode)) {
		eclose(e);
		return "not a regular file: not read";
	}
	e->elf = elf_begin(e->fd, ELF_C_READ_MMAP, NULL);
	if (e->elf == NULL || elf_kind(e->elf) != ELF_K_ELF) {
		eclose(e);
		return "not an ELF file";
	}
	return NULL;
}

/* word in s on its own: after the start or a space, before a space or end */
static const char *
find_word(const char *s, const char *word)
{
	size_t n = strlen(word);
	const char *p;

	for (p = s; (p = strstr(p, word)) != NULL; p++)
		if ((p == s || p[-1] == ' ') && (p[n] == '\0' || p[n] == ' '))
			return p;
	return NULL;
}

/*
 * The optimisation level a producer records, or -1.  GCC takes the last
 * -O on its command line, and any number above 3 as 3.  GCC writes its
 * options into the producer; clang does only with -grecord-command-line.
 * Both compile at -O0 without an -O, so a producer of either that shows
 * options but no -O was built at 0; other compilers' defaults differ
 * (nvcc's host code is -O3), so there no -O is unknown.
 */
int
elfacts_producer_opt(const char *p)
{
	const char *s, *a;
	size_t n, i;
	int opt = -1, v;

	for (s = p; (s = strstr(s, "-O")) != NULL; s += 2) {
		if (s != p && s[-1] != ' ')
			continue;
		a = s + 2;
		n = strcspn(a, " ");
		for (i = 0, v = 0; i < n && a[i] >= '0' && a[i] <= '9'; i++)
			v = v > 3 ? 3 : v * 10 + (a[i] - '0');
		if (n == 0)
			opt = 1;
		else if (i == n)
			opt = v > 3 ? 3 : v;
		else if (n == 1 && (a[0] == 's' || a[0] == 'z'))
			opt = 's';
		else if (n == 1 && a[0] == 'g')
			opt = 'g';
		else if (n == 4 && memcmp(a, "fast", 4) == 0)
			opt = 'f';
	}
	if (opt != -1)
		return opt;
	if ((strncmp(p, "GNU ", 4) == 0 || strstr(p, "clang") != NULL) &&
	    strstr(p, " -") != NULL)
		return 0;
	return -1;
}

/*
 * The order of "lowest": 0 < g < 1 < s < 2 < 3 < fast.  -Og optimises
 * less than -O1; -Os is -O2 without what makes code bigger.
 */
static int
opt_rank(int opt)
{
	switch (opt) {
	case 0: return 0;
	case 'g': return 1;
	case 1: return 2;
	case 's': return 3;
	case 2: return 4;
	case 3: return 5;
	case 'f': return 6;
	default: return INT_MAX;
	}
}

/*
 * 1: the unit keeps the frame pointer, by the last frame-pointer option
 * of its producer or, without one, because GCC and clang keep it at -O0;
 * 0: the option omits it; -1: the defaults decide, which differ by
 * compiler and target.
 */
static int
unit_fp(const char *p, int opt)
{
	const char *keep = NULL, *omit = NULL, *s;

	for (s = p; (s = find_word(s, "-fno-omit-frame-pointer")) != NULL; s++)
		keep = s;
	for (s = p; (s = find_word(s, "-fomit-frame-pointer")) != NULL; s++)
		omit = s;
	if (keep == NULL && omit == NULL)
		return opt == 0 ? 1 : -1;
	return keep > omit;
}

static const char *
attr_string(Dwarf_Die *die, unsigned name)
{
	Dwarf_Attribute attr;

	if (dwarf_attr_integrate(die, name, &attr) == NULL)
		return NULL;
	return dwarf_formstring(&attr);
}

/* Whether a unit is the program's own: not the assembler's, not libc's. */
static int
user_unit(const char *producer, const char *name)
{
	if (producer == NULL || strncmp(producer, "GNU AS", 6) == 0)
		return 0;
	if (name != NULL && (strncmp(name, "/usr/", 5) == 0 ||
	    strncmp(name, "../sysdeps", 10) == 0))
		return 0;
	return 1;
}

static void
add_noopt(struct elfacts *f, const char *name)
{
	f->units_noopt++;
	if (f->nnoopt_names == MAX_NOOPT_NAMES || name == NULL)
		return;
	if (f->noopt_names == NULL)
		f->noopt_names = xcalloc(MAX_NOOPT_NAMES, sizeof(char *));
	f->noopt_names[f->nnoopt_names++] = xstrdup(name);
}

/*
 * Reads the producers of the user's units into f; returns the compile
 * units of any kind seen, 0 when the DWARF has none.  keep and omit
 * count the user's units that keep the frame pointer and that omit it
 * (see unit_fp).
 */
static size_t
read_units(struct elfacts *f, Dwarf *dw, size_t *keep, size_t *omit)
{
	Dwarf_CU *cu = NULL;
	Dwarf_Die cudie;
	const char *producer, *name;
	size_t ncu = 0;
	int opt, lowest = -1;

	/* dwarf_attr_integrate reads a skeleton unit's split unit too */
	while (dwarf_get_units(dw, cu, &cu, NULL, NULL, &cudie, NULL) == 0) {
		if (dwarf_tag(&cudie) != DW_TAG_compile_unit &&
		    dwarf_tag(&cudie) != DW_TAG_skeleton_unit)
			continue;
		ncu++;
		producer = attr_string(&cudie, DW_AT_producer);
		name = attr_string(&cudie, DW_AT_name);
		if (!user_unit(producer, name))
			continue;
		f->units++;
		if (f->producer == NULL)
			f->producer = xstrdup(producer);
		opt = elfacts_producer_opt(producer);
		if (opt == 0)
			add_noopt(f, name);
		if (opt != -1 && opt_rank(opt) < opt_rank(lowest))
			lowest = opt;
		switch (unit_fp(producer, opt)) {
		case 1: (*keep)++; break;
		case 0: (*omit)++; break;
		}
	}
	f->opt = lowest;
	return ncu;
}

/*
 * Without a build-id on both sides the name is all there is (gdb would
 * check the CRC of the whole file).
 */
static int
same_build_id(Elf *a, Elf *b)
{
	const void *ida, *idb;
	ssize_t na = dwelf_elf_gnu_build_id(a, &ida);
	ssize_t nb = dwelf_elf_gnu_build_id(b, &idb);

	return na <= 0 || nb <= 0 || (na == nb && memcmp(ida, idb, na) == 0);
}

/* Whether path is elf's debug file, with units; if so it stays open in d. */
static int
try_debug(struct efile *d, const char *path, Elf *elf)
{
	Dwarf_CU *cu = NULL;

	if (eopen(d, path) != NULL)
		return 0;
	if (same_build_id(elf, d->elf) &&
	    (d->dw = dwarf_begin_elf(d->elf, DWARF_C_READ, NULL)) != NULL &&
	    dwarf_get_units(d->dw, NULL, &cu, NULL, NULL, NULL, NULL) == 0)
		return 1;
	eclose(d);
	return 0;
}

static char *
concat3(const char *a, const char *b, const char *c)
{
	size_t na = strlen(a), nb = strlen(b), nc = strlen(c);
	char *s = xmalloc(na + nb + nc + 1);

	memcpy(s, a, na);
	memcpy(s + na, b, nb);
	memcpy(s + na + nb, c, nc + 1);
	return s;
}

/*
 * Finds the separate debug file of elf, at path, as gdb does: the
 * .gnu_debuglink name beside the file, in .debug/ there, and under
 * /usr/lib/debug + the file's real directory; then by build-id.  Returns
 * the path used, or NULL.
 */
static char *
find_debug(struct efile *d, const char *path, Elf *elf)
{
	const char *link, *slash;
	const unsigned char *id;
	const void *idp;
	char *dir, *real, *cand, *rest;
	GElf_Word crc;
	ssize_t nid, i;

	link = dwelf_elf_gnu_debuglink(elf, &crc);
	if (link != NULL && *link != '\0' && strchr(link, '/') == NULL) {
		slash = strrchr(path, '/');
		dir = slash ? xmemdup(path, slash - path + 1) : xstrdup("");
		cand = concat3(dir, "", link);
		if (!try_debug(d, cand, elf)) {
			free(cand);
			cand = concat3(dir, ".debug/", link);
			if (!try_debug(d, cand, elf)) {
				free(cand);
				cand = NULL;
			}
		}
		free(dir);
		if (cand != NULL)
			return cand;
		if ((real = realpath(path, NULL)) != NULL) {
			*strrchr(real, '/') = '\0';
			dir = concat3(DEBUG_ROOT, real, "/");
			cand = concat3(dir, "", link);
			free(dir);
			free(real);
			if (try_debug(d, cand, elf))
				return cand;
			free(cand);
		}
	}
	nid = dwelf_elf_gnu_build_id(elf, &idp);
	if (nid < 2)
		return NULL;
	id = idp;
	cand = xmalloc(sizeof(DEBUG_ROOT "/.build-id/") + 2 * nid + 1 +
	    sizeof(".debug"));
	rest = cand + sprintf(cand, DEBUG_ROOT "/.build-id/%02x/", id[0]);
	for (i = 1; i < nid; i++)
		rest += sprintf(rest, "%02x", id[i]);
	strcpy(rest, ".debug");
	if (try_debug(d, cand, elf))
		return cand;
	free(cand);
	return NULL;
}

static int
cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static int
cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return (x > y) - (x < y);
}

/* The first symbol table of type type, or NULL. */
static Elf_Scn *
find_symtab(Elf *elf, GElf_Word type, GElf_Shdr *sh)
{
	Elf_Scn *scn = NULL;

	while ((scn = elf_nextscn(elf, scn)) != NULL)
		if (gelf_getshdr(scn, sh) != NULL && sh->sh_type == type)
			return scn;
	return NULL;
}

/*
 * Reads the defined functions of the symbol table scn into f->funcs, and
 * their addresses (offsets in their section for ET_REL, as st_shndx << 32
 * | st_value) into *addrs.
 */
static size_t
read_funcs(struct elfacts *f, Elf *elf, Elf_Scn *scn, const GElf_Shdr *sh,
    int rel, uint64_t **addrs)
{
	Elf_Data *data = elf_getdata(scn, NULL);
	size_t n, i, j, naddrs = 0;
	const char *name;
	GElf_Sym sym;
	int type;

	if (data == NULL || sh->sh_entsize == 0)
		return 0;
	n = data->d_size / sh->sh_entsize;
	f->funcs = xcalloc(n, sizeof(char *));
	*addrs = xcalloc(n, sizeof(uint64_t));
	for (i = 0; i < n; i++) {
		if (gelf_getsym(data, i, &sym) == NULL)
			break;
		type = GELF_ST_TYPE(sym.st_info);
		if ((type != STT_FUNC && type != STT_GNU_IFUNC) ||
		    sym.st_shndx == SHN_UNDEF || sym.st_size == 0)
			continue;
		name = elf_strptr(elf, sh->sh_link, sym.st_name);
		if (name == NULL || strcspn(name, "@") == 0)
			continue;
		f->funcs[f->nfuncs++] = xmemdup(name, strcspn(name, "@"));
		if (!rel)
			(*addrs)[naddrs++] = sym.st_value;
		else if (sym.st_shndx < SHN_LORESERVE)
			(*addrs)[naddrs++] = (uint64_t)sym.st_shndx << 32 |
			    (sym.st_value & 0xffffffff);
	}
	if (f->nfuncs > 1)
		qsort(f->funcs, f->nfuncs, sizeof(char *), cmp_str);
	for (i = j = 0; i < f->nfuncs; i++) {
		if (j > 0 && strcmp(f->funcs[j - 1], f->funcs[i]) == 0)
			free(f->funcs[i]);
		else
			f->funcs[j++] = f->funcs[i];
	}
	f->nfuncs = j;
	return naddrs;
}

static int
is_code(const GElf_Shdr *sh)
{
	return sh->sh_type == SHT_PROGBITS && (sh->sh_flags & SHF_EXECINSTR);
}

/* The code at addr, up to its section's end (*len); NULL outside code. */
static const unsigned char *
code_at(Elf *elf, uint64_t addr, int rel, size_t *len)
{
	Elf_Scn *scn = NULL;
	Elf_Data *data;
	GElf_Shdr sh;
	uint64_t off;

	if (rel) {
		scn = elf_getscn(elf, addr >> 32);
		off = addr & 0xffffffff;
		if (scn == NULL || gelf_getshdr(scn, &sh) == NULL)
			return NULL;
	} else {
		while ((scn = elf_nextscn(elf, scn)) != NULL)
			if (gelf_getshdr(scn, &sh) != NULL && is_code(&sh) &&
			    addr >= sh.sh_addr &&
			    addr - sh.sh_addr < sh.sh_size)
				break;
		if (scn == NULL)
			return NULL;
		off = addr - sh.sh_addr;
	}
	if (!is_code(&sh) || (data = elf_getdata(scn, NULL)) == NULL ||
	    data->d_buf == NULL || off >= data->d_size)
		return NULL;
	*len = data->d_size - off;
	return (const unsigned char *)data->d_buf + off;
}

/*
 * Whether the functions at addrs set up a frame pointer, from their first
 * instructions: push %rbp then mov %rsp,%rbp (either encoding), after
 * an endbr64 when built with -fcf-protection.  The functions are taken
 * evenly over the address order, so one library's code does not decide.
 */
static int
scan_prologues(Elf *elf, uint64_t *addrs, size_t n, int rel)
{
	static const unsigned char endbr64[] = { 0xf3, 0x0f, 0x1e, 0xfa };
	static const unsigned char push_mov[] = { 0x55, 0x48, 0x89, 0xe5 };
	static const unsigned char push_mov_alt[] = { 0x55, 0x48, 0x8b, 0xec };
	const unsigned char *p;
	size_t i, j, k, len, seen = 0, framed = 0;

	if (n < MIN_PROLOGUES)
		return -1;
	qsort(addrs, n, sizeof(*addrs), cmp_u64);
	for (i = j = 0; i < n; i++)
		if (j == 0 || addrs[j - 1] != addrs[i])
			addrs[j++] = addrs[i];
	n = j;
	for (k = 0; k < n && k < MAX_PROLOGUES; k++) {
		i = n <= MAX_PROLOGUES ? k : k * n / MAX_PROLOGUES;
		if ((p = code_at(elf, addrs[i], rel, &len)) == NULL)
			continue;
		seen++;
		if (len >= 4 && memcmp(p, endbr64, 4) == 0) {
			p += 4;
			len -= 4;
		}
		if (len >= 4 && (memcmp(p, push_mov, 4) == 0 ||
		    memcmp(p, push_mov_alt, 4) == 0))
			framed++;
	}
	if (seen < MIN_PROLOGUES)
		return -1;
	if (framed * 2 >= seen)
		return 1;
	if (framed * 10 <= seen)
		return 0;
	return -1;
}

/* 1 PIE, 0 fixed-address executable, -1 shared library or neither. */
static int
read_pie(Elf *elf, const GElf_Ehdr *eh)
{
	GElf_Phdr ph;
	GElf_Dyn dyn;
	Elf_Data *d;
	size_t n, i, j;

	if (eh->e_type == ET_EXEC)
		return 0;
	if (eh->e_type != ET_DYN || elf_getphdrnum(elf, &n) != 0)
		return -1;
	for (i = 0; i < n; i++)
		if (gelf_getphdr(elf, i, &ph) != NULL && ph.p_type == PT_INTERP)
			return 1;
	/* a static PIE has no interpreter but says what it is */
	for (i = 0; i < n; i++) {
		if (gelf_getphdr(elf, i, &ph) == NULL ||
		    ph.p_type != PT_DYNAMIC)
			continue;
		d = elf_getdata_rawchunk(elf, ph.p_offset, ph.p_filesz,
		    ELF_T_DYN);
		for (j = 0; d != NULL && gelf_getdyn(d, j, &dyn) != NULL; j++) {
			if (dyn.d_tag == DT_NULL)
				break;
			if (dyn.d_tag == DT_FLAGS_1 &&
			    (dyn.d_un.d_val & DF_1_PIE))
				return 1;
		}
	}
	return -1;
}

int
elfacts_read(struct elfacts *f, const char *path, const char **why)
{
	struct efile e, d = { .fd = -1 };
	Elf_Scn *scn;
	GElf_Ehdr eh;
	GElf_Shdr sh;
	uint64_t *addrs = NULL;
	size_t naddrs = 0;
	size_t keep = 0, omit = 0;

	elf_version(EV_CURRENT);
	if ((*why = eopen(&e, path)) != NULL)
		return -1;
	if (gelf_getehdr(e.elf, &eh) == NULL) {
		eclose(&e);
		*why = "not an ELF file";
		return -1;
	}
	f->path = xstrdup(path);
	f->debug = 0;
	f->opt = -1;
	f->framepointers = -1;
	f->pie = read_pie(e.elf, &eh);

	scn = find_symtab(e.elf, SHT_SYMTAB, &sh);
	f->stripped = scn == NULL;
	if (scn == NULL)
		scn = find_symtab(e.elf, SHT_DYNSYM, &sh);
	if (scn != NULL)
		naddrs = read_funcs(f, e.elf, scn, &sh, eh.e_type == ET_REL,
		    &addrs);

	if ((e.dw = dwarf_begin_elf(e.elf, DWARF_C_READ, NULL)) != NULL &&
	    read_units(f, e.dw, &keep, &omit) > 0)
		f->debug = 1;
	else if ((f->debug_file = find_debug(&d, path, e.elf)) != NULL) {
		if (read_units(f, d.dw, &keep, &omit) > 0) {
			f->debug = 1;
		} else {
			free(f->debug_file);
			f->debug_file = NULL;
		}
	}
	eclose(&d);

	/*
	 * The options decide only when every unit agrees: libc builds a few
	 * files with -fno-omit-frame-pointer and the rest without.
	 */
	if (f->units > 0 && keep == f->units)
		f->framepointers = 1;
	else if (f->units > 0 && omit == f->units)
		f->framepointers = 0;
	else if (eh.e_machine == EM_X86_64)
		f->framepointers = scan_prologues(e.elf, addrs, naddrs,
		    eh.e_type == ET_REL);
	free(addrs);
	eclose(&e);
	return 0;
}

struct name_key {
	const char *s;
	size_t n;
};

/* strcmp's order, for a key that is not NUL-terminated. */
static int
cmp_key(const void *key, const void *elem)
{
	const struct name_key *k = key;
	const char *s = *(char *const *)elem;
	size_t i;
	int c;

	for (i = 0; i < k->n; i++) {
		if (s[i] == '\0')
			return 1;
		c = (unsigned char)k->s[i] - (unsigned char)s[i];
		if (c != 0)
			return c;
	}
	return s[i] == '\0' ? 0 : -1;
}

int
elfacts_defines(const struct elfacts *f, const char *name, size_t n)
{
	struct name_key key = { name, n };

	if (f->nfuncs == 0)
		return 0;
	return bsearch(&key, f->funcs, f->nfuncs, sizeof(char *),
	    cmp_key) != NULL;
}

const char *
elfacts_opt_name(int opt)
{
	switch (opt) {
	case 0: return "-O0";
	case 1: return "-O1";
	case 2: return "-O2";
	case 3: return "-O3";
	case 's': return "-Os";
	case 'g': return "-Og";
	case 'f': return "-Ofast";
	default: return "unknown";
	}
}

void
elfacts_free(struct elfacts *f)
{
	size_t i;

	free(f->path);
	free(f->debug_file);
	free(f->producer);
	for (i = 0; f->noopt_names != NULL && i < f->nnoopt_names; i++)
		free(f->noopt_names[i]);
	free(f->noopt_names);
	for (i = 0; f->funcs != NULL && i < f->nfuncs; i++)
		free(f->funcs[i]);
	free(f->funcs);
	memset(f, 0, sizeof(*f));
}
