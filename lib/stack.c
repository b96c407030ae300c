#define _GNU_SOURCE
#include "stack.h"

#include <fcntl.h>
#include <inttypes.h>
#include <limits.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/auxv.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include <asm/perf_regs.h>
#include <elfutils/libdwfl.h>
#include <libunwind.h>

#include "sym.h"
#include "util.h"

#define uthash_malloc(sz) xmalloc(sz)
#include <uthash.h>

/*
 * An ELF file as it was mapped: one per build, shared by every process
 * and kept (open and mapped) for the life of the program, so that the
 * names handed out and the file behind "/proc/self/fd/N" never change.
 */
struct stk_seg {
	uint64_t vaddr, memsz, offset, filesz;
	uint32_t flags;
};

struct stk_elf {
	UT_hash_handle hh;          /* in elves, by build-id, if it has one */
	unsigned char id[64];
	size_t idlen;
	char *path;                 /* as opened, for debuglink and messages */
	int fd;                     /* the very file checked, kept open */
	dev_t dev;
	ino_t ino;
	const unsigned char *image; /* the whole file, mapped */
	size_t size;
	int type;                   /* ET_EXEC or ET_DYN */
	struct stk_seg *segs;       /* PT_LOAD, in file order */
	int nsegs;
	uint64_t lo, hi;            /* the span of the segments */
	uint64_t ehf_hdr;           /* .eh_frame_hdr's address, 0 if none */
	uint64_t ehf_table;         /* its binary search table */
	uint64_t ehf_count;         /* entries in the table */
	char *sym_path;             /* what sym opens, chosen at the first name */
};

/* A file as stat(2) knows it: a second way to find an ELF already read. */
struct stk_fid {
	dev_t dev;
	ino_t ino;
	off_t size;
	int64_t mtime_sec, mtime_nsec;
};

struct stk_alias {
	UT_hash_handle hh;
	struct stk_fid fid;
	struct stk_elf *elf;
};

struct stk_str {
	UT_hash_handle hh;
	char s[];
};

/* Names of (ELF, file address) already looked up: a direct-mapped cache
 * in front of sym's, which hashes a build-id for every lookup. */
struct stk_named {
	const struct stk_elf *elf;
	uint64_t addr;
	const struct sym_frame *frames;
	int n;
};
enum { NAMED_BITS = 14 };

static struct {
	struct stk_elf *elves;
	struct stk_alias *aliases;
	struct stk_str *strs;
	struct sym_cache *sym;
	struct stk_named *named;
	struct stk_elf *own_vdso;
	Elf *arch;
} g;

/* One executable mapping of the process. */
struct stk_map {
	uint64_t start, end, pgoff;
	uint64_t bias;              /* process address - file address */
	uint64_t lo, hi;            /* the whole ELF's span in the process */
	struct stk_elf *elf;        /* NULL: not an ELF file that could be read */
	const char *name;           /* basename or "[vdso]"; NULL: anonymous */
	int reported;               /* in the Dwfl */
};

struct stk_proc {
	pid_t pid;
	struct stk_map *maps;       /* sorted by start, disjoint */
	size_t nmaps, sizemaps;
	int dwfl_add;               /* maps added since the Dwfl was told */
	int dwfl_rebuild;           /* maps removed: a new Dwfl */
	int unw_flush;              /* libunwind's cache may be stale */
	Dwfl *dwfl;
	unw_addr_space_t as;        /* libunwind's, made at its first use */

	/* the sample being unwound */
	const uint64_t *regs;
	const unsigned char *stack;
	size_t stack_size;
	uint64_t *pcs;
	int npcs, max;
};

/* DWARF's x86-64 register numbers (also libunwind's) to perf's. */
static const int dwarf_to_perf[17] = {
	PERF_REG_X86_AX, PERF_REG_X86_DX, PERF_REG_X86_CX, PERF_REG_X86_BX,
	PERF_REG_X86_SI, PERF_REG_X86_DI, PERF_REG_X86_BP, PERF_REG_X86_SP,
	PERF_REG_X86_R8, PERF_REG_X86_R9, PERF_REG_X86_R10, PERF_REG_X86_R11,
	PERF_REG_X86_R12, PERF_REG_X86_R13, PERF_REG_X86_R14, PERF_REG_X86_R15,
	PERF_REG_X86_IP,
};

static const char *
intern(const char *s)
{
	struct stk_str *e;
	size_t len = strlen(s);

	HASH_FIND(hh, g.strs, s, len, e);
	if (e == NULL) {
		e = xmalloc(sizeof(*e) + len + 1);
		memcpy(e->s, s, len + 1);
		HASH_ADD_KEYPTR(hh, g.strs, e->s, len, e);
	}
	return e->s;
}

/* ---- ELF files ---- */

static int
in_file(const struct stk_elf *e, uint64_t off, uint64_t len)
{
	return off <= e->size && len <= e->size - off;
}

/* The GNU build-id of the image, from its PT_NOTE segments. */
static size_t
image_build_id(const unsigned char *image, size_t size,
    const Elf64_Phdr *ph, int phnum, unsigned char *id)
{
	const Elf64_Nhdr *nh;
	uint64_t off, end, align, namesz, descsz;
	int i;

	for (i = 0; i < phnum; i++) {
		if (ph[i].p_type != PT_NOTE || ph[i].p_offset > size ||
		    ph[i].p_filesz > size - ph[i].p_offset)
			continue;
		align = ph[i].p_align == 8 ? 8 : 4;
		off = ph[i].p_offset;
		end = off + ph[i].p_filesz;
		while (end - off >= sizeof(*nh)) {
			nh = (const Elf64_Nhdr *)(image + off);
			namesz = (nh->n_namesz + align - 1) & -align;
			descsz = (nh->n_descsz + align - 1) & -align;
			off += sizeof(*nh);
			if (namesz > end - off || descsz > end - off - namesz)
				break;
			if (nh->n_type == NT_GNU_BUILD_ID && nh->n_namesz == 4 &&
			    memcmp(image + off, "GNU", 4) == 0 &&
			    nh->n_descsz > 0 && nh->n_descsz <= 64) {
				memcpy(id, image + off + namesz, nh->n_descsz);
				return nh->n_descsz;
			}
			off += namesz + descsz;
		}
	}
	return 0;
}

/* The program headers of an x86-64 executable or shared object, or NULL. */
static const Elf64_Phdr *
image_phdrs(const unsigned char *image, size_t size, int *phnum)
{
	const Elf64_Ehdr *eh = (const Elf64_Ehdr *)image;

	if (size < sizeof(*eh) || memcmp(eh->e_ident, ELFMAG, SELFMAG) != 0 ||
	    eh->e_ident[EI_CLASS] != ELFCLASS64 ||
	    eh->e_ident[EI_DATA] != ELFDATA2LSB ||
	    eh->e_machine != EM_X86_64 ||
	    (eh->e_type != ET_EXEC && eh->e_type != ET_DYN) ||
	    eh->e_phentsize != sizeof(Elf64_Phdr) || eh->e_phoff > size ||
	    (uint64_t)eh->e_phnum * sizeof(Elf64_Phdr) > size - eh->e_phoff ||
	    eh->e_phoff % 8 != 0)
		return NULL;
	*phnum = eh->e_phnum;
	return (const Elf64_Phdr *)(image + eh->e_phoff);
}

/* The size of an encoded pointer (DW_EH_PE_*), 0 if not supported. */
static int
eh_size(unsigned char enc)
{
	switch (enc & 0x0f) {
	case 0x00: /* absptr */
	case 0x04: /* udata8 */
	case 0x0c: /* sdata8 */
		return 8;
	case 0x03: /* udata4 */
	case 0x0b: /* sdata4 */
		return 4;
	case 0x02: /* udata2 */
	case 0x0a: /* sdata2 */
		return 2;
	default:
		return 0;
	}
}

/*
 * Reads .eh_frame_hdr (at file offset off, address vaddr) for libunwind,
 * which takes only a table of datarel sdata4 pairs (what ld writes).
 */
static void
read_eh_frame_hdr(struct stk_elf *e, uint64_t off, uint64_t vaddr)
{
	const unsigned char *h;
	uint64_t count = 0;
	int ptrsz, cntsz;

	if (!in_file(e, off, 4))
		return;
	h = e->image + off;
	ptrsz = eh_size(h[1]);
	cntsz = eh_size(h[2]);
	if (h[0] != 1 || h[2] == 0xff || h[3] != 0x3b || ptrsz == 0 ||
	    cntsz == 0 || !in_file(e, off + 4, ptrsz + cntsz))
		return;
	memcpy(&count, h + 4 + ptrsz, cntsz);
	if (count == 0 || count > e->size / 8 ||
	    !in_file(e, off + 4 + ptrsz + cntsz, count * 8))
		return;
	e->ehf_hdr = vaddr;
	e->ehf_table = vaddr + 4 + ptrsz + cntsz;
	e->ehf_count = count;
}

static void
fid_of(const struct stat *st, struct stk_fid *fid)
{
	memset(fid, 0, sizeof(*fid));
	fid->dev = st->st_dev;
	fid->ino = st->st_ino;
	fid->size = st->st_size;
	fid->mtime_sec = st->st_mtim.tv_sec;
	fid->mtime_nsec = st->st_mtim.tv_nsec;
}

static void
alias_add(const struct stk_fid *fid, struct stk_elf *e)
{
	struct stk_alias *a;

	HASH_FIND(hh, g.aliases, fid, sizeof(*fid), a);
	if (a != NULL)
		return;
	a = xcalloc(1, sizeof(*a));
	a->fid = *fid;
	a->elf = e;
	HASH_ADD(hh, g.aliases, fid, sizeof(a->fid), a);
}

static struct stk_elf *
find_id(const unsigned char *id, size_t idlen)
{
	struct stk_elf *e = NULL;

	if (idlen > 0)
		HASH_FIND(hh, g.elves, id, idlen, e);
	return e;
}

/*
 * The ELF open on fd (consumed), named path; NULL if it is not an x86-64
 * executable or shared object.  A build already known is shared.
 */
static struct stk_elf *
load(int fd, const char *path)
{
	struct stk_elf *e, *known;
	struct stat st;
	struct stk_fid fid;
	struct stk_alias *a;
	const Elf64_Phdr *ph;
	void *image;
	int i, phnum;

	if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode) || st.st_size <= 0 ||
	    (uint64_t)st.st_size > SIZE_MAX) {
		close(fd);
		return NULL;
	}
	fid_of(&st, &fid);
	HASH_FIND(hh, g.aliases, &fid, sizeof(fid), a);
	if (a != NULL) {
		close(fd);
		return a->elf;
	}
	image = mmap(NULL, st.st_size, PROT_READ, MAP_PRIVATE, fd, 0);
	if (image == MAP_FAILED) {
		close(fd);
		return NULL;
	}
	if ((ph = image_phdrs(image, st.st_size, &phnum)) == NULL) {
		munmap(image, st.st_size);
		close(fd);
		return NULL;
	}
	e = xcalloc(1, sizeof(*e));
	e->idlen = image_build_id(image, st.st_size, ph, phnum, e->id);
	if ((known = find_id(e->id, e->idlen)) != NULL) {
		free(e);
		munmap(image, st.st_size);
		close(fd);
		alias_add(&fid, known);
		return known;
	}
	e->path = xstrdup(path);
	e->fd = fd;
	e->dev = st.st_dev;
	e->ino = st.st_ino;
	e->image = image;
	e->size = st.st_size;
	e->type = ((const Elf64_Ehdr *)image)->e_type;
	e->segs = xcalloc(phnum > 0 ? phnum : 1, sizeof(*e->segs));
	for (i = 0; i < phnum; i++) {
		if (ph[i].p_type != PT_LOAD || ph[i].p_memsz == 0)
			continue;
		e->segs[e->nsegs].vaddr = ph[i].p_vaddr;
		e->segs[e->nsegs].memsz = ph[i].p_memsz;
		e->segs[e->nsegs].offset = ph[i].p_offset;
		e->segs[e->nsegs].filesz = ph[i].p_filesz;
		e->segs[e->nsegs].flags = ph[i].p_flags;
		if (e->nsegs == 0 || ph[i].p_vaddr < e->lo)
			e->lo = ph[i].p_vaddr & -(uint64_t)4096;
		if (ph[i].p_vaddr + ph[i].p_memsz > e->hi)
			e->hi = ph[i].p_vaddr + ph[i].p_memsz;
		e->nsegs++;
	}
	for (i = 0; i < phnum; i++)
		if (ph[i].p_type == PT_GNU_EH_FRAME)
			read_eh_frame_hdr(e, ph[i].p_offset, ph[i].p_vaddr);
	if (e->idlen > 0)
		HASH_ADD(hh, g.elves, id, e->idlen, e);
	alias_add(&fid, e);
	return e;
}

static int
same_id(const struct stk_elf *e, const unsigned char *id, size_t idlen)
{
	return idlen == 0 ||
	    (e->idlen == idlen && memcmp(e->id, id, idlen) == 0);
}

/* What /proc/PID/maps says of a mapping's file, to catch a replaced one. */
struct maps_fid {
	unsigned maj, min;
	unsigned long long ino;
};

/* The ELF the process maps at [start, end), if it is still there. */
static struct stk_elf *
map_files_elf(const struct stk_proc *p, const char *path, uint64_t start,
    uint64_t end, const unsigned char *id, size_t idlen)
{
	struct stk_elf *e;
	char mapfile[80];
	int fd;

	if (p->pid <= 0)
		return NULL;
	snprintf(mapfile, sizeof(mapfile), "/proc/%d/map_files/%" PRIx64
	    "-%" PRIx64, (int)p->pid, start, end);
	if ((fd = open(mapfile, O_RDONLY | O_CLOEXEC)) < 0)
		return NULL;
	if ((e = load(fd, path)) != NULL && same_id(e, id, idlen))
		return e;
	return NULL;
}

/*
 * The ELF mapped from path at [start, end), of build id when idlen > 0.
 * The file on disk is used if it can be checked: if it has that build-id,
 * or (from /proc/PID/maps) is the file, device and inode, the mapping
 * names.  Else the process's own mapping is read, through
 * /proc/PID/map_files, while the process is there; failing that, a file
 * that cannot be checked is taken as it is (overlayfs shows other
 * devices in maps than stat(2) does; map_files needs privilege).
 */
static struct stk_elf *
file_elf(const struct stk_proc *p, const char *path, int deleted,
    uint64_t start, uint64_t end, const unsigned char *id, size_t idlen,
    const struct maps_fid *mf)
{
	struct stk_elf *e;
	struct stat st;
	int fd = -1;

	if ((e = find_id(id, idlen)) != NULL)
		return e;
	if (!deleted && strncmp(path, "/memfd:", 7) != 0)
		fd = open(path, O_RDONLY | O_CLOEXEC);
	if (idlen > 0 || (fd >= 0 && mf != NULL && fstat(fd, &st) == 0 &&
	    st.st_ino == mf->ino && major(st.st_dev) == mf->maj &&
	    minor(st.st_dev) == mf->min)) {
		if (fd >= 0 && (e = load(fd, path)) != NULL &&
		    same_id(e, id, idlen))
			return e;
		return map_files_elf(p, path, start, end, id, idlen);
	}
	if ((e = map_files_elf(p, path, start, end, NULL, 0)) != NULL) {
		if (fd >= 0)
			close(fd);
		return e;
	}
	return fd >= 0 ? load(fd, path) : NULL;
}

/* The size of the vdso image at base (mapped, so readable), from its headers. */
static size_t
vdso_size(const unsigned char *base)
{
	const Elf64_Ehdr *eh = (const Elf64_Ehdr *)base;
	const Elf64_Phdr *ph = (const Elf64_Phdr *)(base + eh->e_phoff);
	uint64_t size;
	int i;

	if (memcmp(eh->e_ident, ELFMAG, SELFMAG) != 0 ||
	    eh->e_ident[EI_CLASS] != ELFCLASS64 || eh->e_phoff > 4096)
		return 0;
	size = eh->e_shoff + (uint64_t)eh->e_shnum * eh->e_shentsize;
	for (i = 0; i < eh->e_phnum; i++)
		if (ph[i].p_type == PT_LOAD &&
		    ph[i].p_offset + ph[i].p_filesz > size)
			size = ph[i].p_offset + ph[i].p_filesz;
	return size <= 1 << 20 ? size : 0;
}

static struct stk_elf *
image_elf(const unsigned char *image, size_t size, const char *name)
{
	unsigned char id[64];
	const Elf64_Phdr *ph;
	size_t idlen, done;
	ssize_t n;
	struct stk_elf *e;
	int fd, phnum;

	if ((ph = image_phdrs(image, size, &phnum)) == NULL)
		return NULL;
	idlen = image_build_id(image, size, ph, phnum, id);
	if ((e = find_id(id, idlen)) != NULL)
		return e;
	if ((fd = memfd_create("prof-vdso", MFD_CLOEXEC)) < 0)
		return NULL;
	for (done = 0; done < size; done += n)
		if ((n = write(fd, image + done, size - done)) <= 0) {
			close(fd);
			return NULL;
		}
	return load(fd, name);
}

/*
 * The vdso mapped at [start, end): the process's own, read from its
 * memory, or, when that cannot be read (it exited, or may not be read),
 * the one the kernel gave us, the same for every 64-bit process; of build
 * id when idlen > 0.
 */
static struct stk_elf *
vdso_elf(const struct stk_proc *p, uint64_t start, uint64_t end,
    const unsigned char *id, size_t idlen)
{
	unsigned char *buf;
	char path[64];
	size_t len = end - start;
	ssize_t n = -1;
	struct stk_elf *e = NULL;
	const unsigned char *own;
	int fd;

	if ((e = find_id(id, idlen)) != NULL)
		return e;
	if (p->pid > 0 && len <= 1 << 20) {
		snprintf(path, sizeof(path), "/proc/%d/mem", (int)p->pid);
		if ((fd = open(path, O_RDONLY | O_CLOEXEC)) >= 0) {
			buf = xmalloc(len);
			n = pread(fd, buf, len, start);
			close(fd);
			if (n > 0)
				e = image_elf(buf, n, "[vdso]");
			free(buf);
			if (e != NULL && same_id(e, id, idlen))
				return e;
		}
	}
	if (g.own_vdso == NULL &&
	    (own = (const unsigned char *)getauxval(AT_SYSINFO_EHDR)) != NULL &&
	    (len = vdso_size(own)) > 0)
		g.own_vdso = image_elf(own, len, "[vdso]");
	if (g.own_vdso == NULL || !same_id(g.own_vdso, id, idlen))
		return NULL;
	return g.own_vdso;
}

/* ---- mappings ---- */

/* The mapping holding addr, or NULL. */
static struct stk_map *
find_map(const struct stk_proc *p, uint64_t addr)
{
	size_t lo = 0, hi = p->nmaps, i;

	while (lo < hi) {
		i = lo + (hi - lo) / 2;
		if (addr < p->maps[i].start)
			hi = i;
		else if (addr >= p->maps[i].end)
			lo = i + 1;
		else
			return &p->maps[i];
	}
	return NULL;
}

/* The mapping whose ELF's span holds addr (its data, its headers), or NULL. */
static struct stk_map *
find_span(const struct stk_proc *p, uint64_t addr)
{
	size_t lo = 0, hi = p->nmaps, i;
	struct stk_map *m;

	/* lo: the number of mappings starting at or before addr */
	while (lo < hi) {
		i = lo + (hi - lo) / 2;
		if (p->maps[i].start <= addr)
			lo = i + 1;
		else
			hi = i;
	}
	if (lo > 0 && (m = &p->maps[lo - 1])->elf != NULL &&
	    addr >= m->lo && addr < m->hi)
		return m;
	if (lo < p->nmaps && (m = &p->maps[lo])->elf != NULL &&
	    addr >= m->lo && addr < m->hi)
		return m;
	for (i = 0; i < p->nmaps; i++)
		if ((m = &p->maps[i])->elf != NULL && addr >= m->lo &&
		    addr < m->hi)
			return m;
	return NULL;
}

/*
 * Where the mapping puts the ELF: the load bias (process address - file
 * address), from the PT_LOAD holding file offset pgoff, an executable one
 * if there is.  Returns -1 if none holds it.
 */
static int
map_bias(struct stk_map *m)
{
	const struct stk_elf *e = m->elf;
	const struct stk_seg *s, *best = NULL;
	int i;

	for (i = 0; i < e->nsegs; i++) {
		s = &e->segs[i];
		if ((s->offset & -(uint64_t)4096) <= m->pgoff &&
		    m->pgoff < s->offset + s->filesz &&
		    (best == NULL || (s->flags & PF_X)))
			best = s;
	}
	if (best == NULL)
		return -1;
	m->bias = m->start - m->pgoff - (best->vaddr - best->offset);
	if (e->type == ET_EXEC && m->bias != 0)
		return -1;
	m->lo = e->lo + m->bias;
	m->hi = e->hi + m->bias;
	return 0;
}

/* Forgets [start, end): mappings there are cut or removed. */
static void
unmap(struct stk_proc *p, uint64_t start, uint64_t end)
{
	struct stk_map *m, right;
	size_t i;

	for (i = 0; i < p->nmaps; ) {
		m = &p->maps[i];
		if (m->end <= start || m->start >= end) {
			i++;
			continue;
		}
		p->dwfl_rebuild = 1;
		p->unw_flush = 1;
		if (m->start < start && m->end > end) {
			right = *m;
			right.pgoff += end - m->start;
			right.start = end;
			m->end = start;
			if (p->nmaps == p->sizemaps) {
				p->sizemaps = 2 * p->sizemaps;
				p->maps = xrealloc(p->maps,
				    p->sizemaps * sizeof(*p->maps));
			}
			memmove(&p->maps[i + 2], &p->maps[i + 1],
			    (p->nmaps - i - 1) * sizeof(*p->maps));
			p->maps[i + 1] = right;
			p->nmaps++;
			return;
		}
		if (m->start < start) {
			m->end = start;
			i++;
		} else if (m->end > end) {
			m->pgoff += end - m->start;
			m->start = end;
			i++;
		} else {
			memmove(m, m + 1, (p->nmaps - i - 1) * sizeof(*m));
			p->nmaps--;
		}
	}
}

static void
add_map(struct stk_proc *p, uint64_t start, uint64_t end, uint64_t pgoff,
    const char *path, const unsigned char *id, size_t idlen,
    const struct maps_fid *mf)
{
	struct stk_map m;
	char *clean = NULL, *s;
	size_t i, len;
	int deleted = 0;

	if (start >= end)
		return;
	unmap(p, start, end);
	memset(&m, 0, sizeof(m));
	m.start = start;
	m.end = end;
	m.pgoff = pgoff;
	if (path == NULL || *path == '\0' || strcmp(path, "//anon") == 0 ||
	    strncmp(path, "[anon", 5) == 0) {
		/* anonymous: JIT code; nothing to name it by */
	} else if (strcmp(path, "[vdso]") == 0) {
		m.name = intern(path);
		m.elf = vdso_elf(p, start, end, id, idlen);
	} else if (path[0] == '[') {
		m.name = intern(path);
	} else {
		len = strlen(path);
		if (len > 10 && strcmp(path + len - 10, " (deleted)") == 0) {
			clean = xmemdup(path, len - 10);
			path = clean;
			deleted = 1;
		}
		s = strrchr(path, '/');
		m.name = intern(s != NULL ? s + 1 : path);
		m.elf = file_elf(p, path, deleted, start, end, id, idlen, mf);
		free(clean);
	}
	if (m.elf != NULL && map_bias(&m) != 0)
		m.elf = NULL;
	if (p->nmaps == p->sizemaps) {
		p->sizemaps = p->sizemaps ? 2 * p->sizemaps : 64;
		p->maps = xrealloc(p->maps, p->sizemaps * sizeof(*p->maps));
	}
	for (i = p->nmaps; i > 0 && p->maps[i - 1].start > start; i--)
		;
	memmove(&p->maps[i + 1], &p->maps[i], (p->nmaps - i) * sizeof(m));
	p->maps[i] = m;
	p->nmaps++;
	p->dwfl_add = 1;
	p->unw_flush = 1;
}

static void
read_maps(struct stk_proc *p)
{
	char path[64], *line = NULL, *name, perms[8];
	unsigned long long start, end, pgoff;
	struct maps_fid mf;
	size_t size = 0, len;
	FILE *fp;
	int n;

	snprintf(path, sizeof(path), "/proc/%d/maps", (int)p->pid);
	if ((fp = fopen(path, "re")) == NULL)
		return;
	while (getline(&line, &size, fp) > 0) {
		n = 0;
		if (sscanf(line, "%llx-%llx %7s %llx %x:%x %llu %n", &start,
		    &end, perms, &pgoff, &mf.maj, &mf.min, &mf.ino, &n) < 7 ||
		    n == 0 || strlen(perms) < 3 || perms[2] != 'x')
			continue;
		name = line + n;
		len = strlen(name);
		if (len > 0 && name[len - 1] == '\n')
			name[--len] = '\0';
		add_map(p, start, end, pgoff, name, NULL, 0,
		    mf.ino != 0 ? &mf : NULL);
	}
	free(line);
	fclose(fp);
}

struct stk_proc *
stk_proc_new(pid_t pid, int from_maps)
{
	struct stk_proc *p = xcalloc(1, sizeof(*p));

	p->pid = pid;
	if (from_maps)
		read_maps(p);
	return p;
}

void
stk_proc_free(struct stk_proc *p)
{
	if (p == NULL)
		return;
	if (p->dwfl != NULL)
		dwfl_end(p->dwfl);
	if (p->as != NULL)
		unw_destroy_addr_space(p->as);
	free(p->maps);
	free(p);
}

void
stk_exec(struct stk_proc *p)
{
	p->nmaps = 0;
	p->dwfl_rebuild = 1;
	p->unw_flush = 1;
}

void
stk_mmap(struct stk_proc *p, uint64_t addr, uint64_t len, uint64_t pgoff,
    const char *path, const unsigned char *build_id, size_t build_id_size)
{
	if (len == 0 || addr + len < addr)
		return;
	add_map(p, addr, addr + len, pgoff, path,
	    build_id, build_id != NULL ? build_id_size : 0, NULL);
}

struct stk_proc *
stk_proc_fork(const struct stk_proc *parent, pid_t child)
{
	struct stk_proc *p = xcalloc(1, sizeof(*p));
	size_t i;

	p->pid = child;
	if (parent->nmaps > 0) {
		p->maps = xmalloc(parent->nmaps * sizeof(*p->maps));
		memcpy(p->maps, parent->maps, parent->nmaps * sizeof(*p->maps));
		p->nmaps = p->sizemaps = parent->nmaps;
		for (i = 0; i < p->nmaps; i++)
			p->maps[i].reported = 0;
		p->dwfl_add = 1;
	}
	return p;
}

/* ---- memory of the sample ---- */

/* Reads the 8 bytes at addr from the stack copy or the mapped files. */
static int
read_word(const struct stk_proc *p, uint64_t addr, uint64_t *val)
{
	uint64_t sp = p->regs[PERF_REG_X86_SP], off, vaddr;
	const struct stk_map *m;
	const struct stk_seg *s;
	int i;

	if (addr >= sp && addr - sp < p->stack_size &&
	    p->stack_size - (addr - sp) >= 8) {
		memcpy(val, p->stack + (addr - sp), 8);
		return 0;
	}
	if ((m = find_span(p, addr)) == NULL)
		return -1;
	vaddr = addr - m->bias;
	for (i = 0; i < m->elf->nsegs; i++) {
		s = &m->elf->segs[i];
		if (vaddr < s->vaddr || vaddr - s->vaddr >= s->filesz)
			continue;
		off = vaddr - s->vaddr + s->offset;
		if (!in_file(m->elf, off, 8))
			return -1;
		memcpy(val, m->elf->image + off, 8);
		return 0;
	}
	return -1;
}

/* ---- libdwfl ---- */

static int
find_no_elf(Dwfl_Module *mod, void **userdata, const char *modname,
    Dwarf_Addr base, char **file_name, Elf **elfp)
{
	return -1;
}

/*
 * Separate debug information for .debug_frame, where .eh_frame has no
 * entry: by build-id under /usr/lib/debug only.  Not
 * dwfl_standard_find_debuginfo, which asks debuginfod when
 * DEBUGINFOD_URLS is set: a sample must not wait on the network.
 */
static int
find_debuginfo(Dwfl_Module *mod, void **userdata, const char *modname,
    GElf_Addr base, const char *file_name, const char *debuglink_file,
    GElf_Word debuglink_crc, char **debuginfo_file_name)
{
	const unsigned char *id;
	GElf_Addr vaddr;
	char path[PATH_MAX], *w;
	int i, n, fd;

	n = dwfl_module_build_id(mod, &id, &vaddr);
	if (n < 2 || n > 64)
		return -1;
	w = path + snprintf(path, sizeof(path),
	    "/usr/lib/debug/.build-id/%02x/", id[0]);
	for (i = 1; i < n; i++)
		w += sprintf(w, "%02x", id[i]);
	strcpy(w, ".debug");
	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) >= 0)
		*debuginfo_file_name = xstrdup(path);
	return fd;
}

static const Dwfl_Callbacks dwfl_callbacks = {
	.find_elf = find_no_elf,
	.find_debuginfo = find_debuginfo,
	.section_address = dwfl_offline_section_address,
};

static pid_t
next_thread(Dwfl *dwfl, void *arg, void **thread_argp)
{
	const struct stk_proc *p = arg;

	if (*thread_argp != NULL)
		return 0;
	*thread_argp = arg;
	return p->pid > 0 ? p->pid : 1;
}

static bool
get_thread(Dwfl *dwfl, pid_t tid, void *arg, void **thread_argp)
{
	*thread_argp = arg;
	return true;
}

static bool
memory_read(Dwfl *dwfl, Dwarf_Addr addr, Dwarf_Word *result, void *arg)
{
	uint64_t v;

	if (read_word(arg, addr, &v) != 0)
		return false;
	*result = v;
	return true;
}

static bool
set_initial_registers(Dwfl_Thread *thread, void *arg)
{
	const struct stk_proc *p = arg;
	Dwarf_Word r[17];
	int i;

	for (i = 0; i < 17; i++)
		r[i] = p->regs[dwarf_to_perf[i]];
	if (!dwfl_thread_state_registers(thread, 0, 17, r))
		return false;
	dwfl_thread_state_register_pc(thread, p->regs[PERF_REG_X86_IP]);
	return true;
}

static const Dwfl_Thread_Callbacks thread_callbacks = {
	.next_thread = next_thread,
	.get_thread = get_thread,
	.memory_read = memory_read,
	.set_initial_registers = set_initial_registers,
};

/* An ELF header that says x86-64, for dwfl_attach_state: a process may
 * be attached before any of its files is reported. */
static Elf *
arch_elf(void)
{
	static Elf64_Ehdr eh;

	if (g.arch == NULL) {
		memcpy(eh.e_ident, ELFMAG, SELFMAG);
		eh.e_ident[EI_CLASS] = ELFCLASS64;
		eh.e_ident[EI_DATA] = ELFDATA2LSB;
		eh.e_ident[EI_VERSION] = EV_CURRENT;
		eh.e_type = ET_EXEC;
		eh.e_machine = EM_X86_64;
		eh.e_version = EV_CURRENT;
		eh.e_ehsize = sizeof(eh);
		elf_version(EV_CURRENT);
		g.arch = elf_memory((char *)&eh, sizeof(eh));
	}
	return g.arch;
}

/* Brings the Dwfl up to date with the mappings: new modules reported. */
static int
dwfl_sync(struct stk_proc *p)
{
	struct stk_map *m;
	Elf *arch;
	size_t i, j;
	int fd;

	if (p->dwfl != NULL && p->dwfl_rebuild) {
		dwfl_end(p->dwfl);
		p->dwfl = NULL;
	}
	if (p->dwfl == NULL) {
		for (i = 0; i < p->nmaps; i++)
			p->maps[i].reported = 0;
		p->dwfl_rebuild = 0;
		p->dwfl_add = 1;
		if ((arch = arch_elf()) == NULL ||
		    (p->dwfl = dwfl_begin(&dwfl_callbacks)) == NULL)
			return -1;
		if (!dwfl_attach_state(p->dwfl, arch, p->pid > 0 ? p->pid : 1,
		    &thread_callbacks, p)) {
			dwfl_end(p->dwfl);
			p->dwfl = NULL;
			return -1;
		}
	}
	if (!p->dwfl_add)
		return 0;
	dwfl_report_begin_add(p->dwfl);
	for (i = 0; i < p->nmaps; i++) {
		m = &p->maps[i];
		if (m->elf == NULL || m->reported)
			continue;
		m->reported = 1;
		/* libdwfl takes a second report of a file as an overlap */
		for (j = 0; j < p->nmaps; j++)
			if (j != i && p->maps[j].reported &&
			    p->maps[j].elf == m->elf && p->maps[j].bias == m->bias)
				break;
		if (j < p->nmaps)
			continue;
		if ((fd = fcntl(m->elf->fd, F_DUPFD_CLOEXEC, 0)) < 0)
			continue;
		if (dwfl_report_elf(p->dwfl, m->name, m->elf->path, fd, m->bias,
		    true) == NULL)
			close(fd);
	}
	dwfl_report_end(p->dwfl, NULL, NULL);
	p->dwfl_add = 0;
	return 0;
}

static int
dwfl_frame(Dwfl_Frame *state, void *arg)
{
	struct stk_proc *p = arg;
	Dwarf_Addr pc;
	bool activation;

	if (!dwfl_frame_pc(state, &pc, &activation) || pc == 0)
		return DWARF_CB_ABORT;
	p->pcs[p->npcs++] = pc;
	return p->npcs < p->max ? DWARF_CB_OK : DWARF_CB_ABORT;
}

static void
unwind_dwfl(struct stk_proc *p)
{
	if (dwfl_sync(p) != 0)
		return;
	dwfl_getthread_frames(p->dwfl, p->pid > 0 ? p->pid : 1, dwfl_frame, p);
}

/* ---- libunwind ---- */

/* libunwind's remote lookup in an .eh_frame_hdr table: exported, but not
 * declared in its headers (perf declares it the same way). */
extern int UNW_OBJ(dwarf_search_unwind_table)(unw_addr_space_t as,
    unw_word_t ip, unw_dyn_info_t *di, unw_proc_info_t *pi,
    int need_unwind_info, void *arg);

static int
acc_find_proc_info(unw_addr_space_t as, unw_word_t ip, unw_proc_info_t *pi,
    int need_unwind_info, void *arg)
{
	const struct stk_proc *p = arg;
	const struct stk_map *m = find_map(p, ip);
	unw_dyn_info_t di;

	if (m == NULL || m->elf == NULL || m->elf->ehf_count == 0)
		return -UNW_ENOINFO;
	memset(&di, 0, sizeof(di));
	di.format = UNW_INFO_FORMAT_REMOTE_TABLE;
	di.start_ip = m->start;
	di.end_ip = m->end;
	di.u.rti.segbase = m->bias + m->elf->ehf_hdr;
	di.u.rti.table_data = m->bias + m->elf->ehf_table;
	/* in words, of two 4-byte fields an entry */
	di.u.rti.table_len = m->elf->ehf_count * 8 / sizeof(unw_word_t);
	return UNW_OBJ(dwarf_search_unwind_table)(as, ip, &di, pi,
	    need_unwind_info, arg);
}

static void
acc_put_unwind_info(unw_addr_space_t as, unw_proc_info_t *pi, void *arg)
{
}

static int
acc_get_dyn_info_list_addr(unw_addr_space_t as, unw_word_t *dil_addr,
    void *arg)
{
	return -UNW_ENOINFO;
}

static int
acc_access_mem(unw_addr_space_t as, unw_word_t addr, unw_word_t *valp,
    int write, void *arg)
{
	uint64_t v;

	if (write || read_word(arg, addr, &v) != 0)
		return -UNW_EINVAL;
	*valp = v;
	return 0;
}

static int
acc_access_reg(unw_addr_space_t as, unw_regnum_t regnum, unw_word_t *valp,
    int write, void *arg)
{
	const struct stk_proc *p = arg;

	if (write)
		return -UNW_EREADONLYREG;
	if (regnum < 0 || regnum > UNW_X86_64_RIP)
		return -UNW_EBADREG;
	*valp = p->regs[dwarf_to_perf[regnum]];
	return 0;
}

static int
acc_access_fpreg(unw_addr_space_t as, unw_regnum_t regnum, unw_fpreg_t *val,
    int write, void *arg)
{
	return -UNW_EBADREG;
}

static int
acc_resume(unw_addr_space_t as, unw_cursor_t *cu, void *arg)
{
	return -UNW_EINVAL;
}

static int
acc_get_proc_name(unw_addr_space_t as, unw_word_t addr, char *buf,
    size_t len, unw_word_t *offp, void *arg)
{
	return -UNW_EINVAL;
}

static unw_accessors_t accessors = {
	.find_proc_info = acc_find_proc_info,
	.put_unwind_info = acc_put_unwind_info,
	.get_dyn_info_list_addr = acc_get_dyn_info_list_addr,
	.access_mem = acc_access_mem,
	.access_reg = acc_access_reg,
	.access_fpreg = acc_access_fpreg,
	.resume = acc_resume,
	.get_proc_name = acc_get_proc_name,
};

/*
 * libunwind's cache of unwind rules is per address space and keyed by ip
 * alone: each process has its own, flushed when its mappings change.
 * (Debian's libunwind has no per-thread cache: it masks signals twice a
 * frame to lock the global one.)
 */
static void
unwind_libunwind(struct stk_proc *p)
{
	unw_cursor_t cursor;
	unw_word_t ip;

	if (p->as == NULL) {
		if ((p->as = unw_create_addr_space(&accessors, 0)) == NULL)
			return;
		unw_set_caching_policy(p->as, UNW_CACHE_GLOBAL);
		p->unw_flush = 0;
	}
	if (p->unw_flush) {
		unw_flush_cache(p->as, 0, 0);
		p->unw_flush = 0;
	}
	if (unw_init_remote(&cursor, p->as, p) != 0)
		return;
	do {
		if (unw_get_reg(&cursor, UNW_REG_IP, &ip) != 0 || ip == 0)
			break;
		p->pcs[p->npcs++] = ip;
	} while (p->npcs < p->max && unw_step(&cursor) > 0);
}

int
stk_unwind(struct stk_proc *p, int unwinder, const uint64_t *regs,
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
	if (unwinder == STK_LIBUNWIND)
		unwind_libunwind(p);
	else
		unwind_dwfl(p);
	if (p->npcs == 0)
		pcs[p->npcs++] = regs[PERF_REG_X86_IP];
	p->regs = NULL;
	p->stack = NULL;
	p->pcs = NULL;
	return p->npcs;
}

/* ---- names ---- */

/*
 * What sym opens for e: its path while that is still the file checked
 * (so that sym finds .gnu_debuglink files beside it), else the file kept
 * open.  A file without build-id is always named by its descriptor, which
 * no other file will have while e lives.
 */
static const char *
sym_path(struct stk_elf *e)
{
	struct stat st;
	char buf[64];

	if (e->sym_path == NULL) {
		if (e->idlen > 0 && e->path[0] == '/' &&
		    stat(e->path, &st) == 0 && st.st_dev == e->dev &&
		    st.st_ino == e->ino) {
			e->sym_path = xstrdup(e->path);
		} else {
			snprintf(buf, sizeof(buf), "/proc/self/fd/%d", e->fd);
			e->sym_path = xstrdup(buf);
		}
	}
	return e->sym_path;
}

static int
elf_name(struct stk_elf *e, uint64_t addr, const struct sym_frame **frames)
{
	struct stk_named *c;
	uint64_t h;

	if (g.named == NULL)
		g.named = xcalloc((size_t)1 << NAMED_BITS, sizeof(*g.named));
	if (g.sym == NULL)
		g.sym = sym_new();
	h = (addr ^ ((uintptr_t)e >> 4)) * UINT64_C(0x9e3779b97f4a7c15);
	c = &g.named[h >> (64 - NAMED_BITS)];
	if (c->elf != e || c->addr != addr) {
		c->n = sym_resolve_build_id(g.sym, e->id, e->idlen, sym_path(e),
		    addr, &c->frames);
		c->elf = e;
		c->addr = addr;
	}
	*frames = c->frames;
	return c->n;
}

int
stk_name(struct stk_proc *p, uint64_t pc, int is_return, int inline_frames,
    const struct sym_frame **frames, const char **module)
{
	const struct stk_map *m = find_map(p, pc);
	int n;

	*frames = NULL;
	*module = m != NULL ? m->name : NULL;
	if (m == NULL || m->elf == NULL)
		return 0;
	n = elf_name(m->elf, pc - m->bias - (is_return ? 1 : 0), frames);
	/* A handler returns to the first byte of the signal trampoline
	 * (__restore_rt): the byte before is no function's. */
	if (n == 0 && is_return)
		n = elf_name(m->elf, pc - m->bias, frames);
	if (n == 0)
		*frames = NULL;
	else if (!inline_frames)
		n = 1;
	return n;
}
