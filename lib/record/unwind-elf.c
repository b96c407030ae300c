/* stack's ELF files: read once for all processes, by build-id; the vdso. */
#define _GNU_SOURCE
#include "record/unwind-int.h"

#include <elf.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/auxv.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

/* A file as stat(2) knows it: a second way to find an ELF already read. */
struct unwind_fid {
	dev_t dev;
	ino_t ino;
	off_t size;
	int64_t mtime_sec, mtime_nsec;
};

struct unwind_alias {
	UT_hash_handle hh;
	struct unwind_fid fid;
	struct unwind_elf *elf;
};

static struct {
	struct unwind_elf *elves;
	struct unwind_alias *aliases;
	struct unwind_elf *own_vdso;
} g;

static int
in_file(const struct unwind_elf *e, uint64_t off, uint64_t len)
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
read_eh_frame_hdr(struct unwind_elf *e, uint64_t off, uint64_t vaddr)
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
fid_of(const struct stat *st, struct unwind_fid *fid)
{
	memset(fid, 0, sizeof(*fid));
	fid->dev = st->st_dev;
	fid->ino = st->st_ino;
	fid->size = st->st_size;
	fid->mtime_sec = st->st_mtim.tv_sec;
	fid->mtime_nsec = st->st_mtim.tv_nsec;
}

static void
alias_add(const struct unwind_fid *fid, struct unwind_elf *e)
{
	struct unwind_alias *a;

	HASH_FIND(hh, g.aliases, fid, sizeof(*fid), a);
	if (a != NULL)
		return;
	a = xcalloc(1, sizeof(*a));
	a->fid = *fid;
	a->elf = e;
	HASH_ADD(hh, g.aliases, fid, sizeof(a->fid), a);
}

static struct unwind_elf *
find_id(const unsigned char *id, size_t idlen)
{
	struct unwind_elf *e = NULL;

	if (idlen > 0)
		HASH_FIND(hh, g.elves, id, idlen, e);
	return e;
}

/*
 * The ELF open on fd (consumed), named path; NULL if it is not an x86-64
 * executable or shared object.  A build already known is shared.
 */
static struct unwind_elf *
load(int fd, const char *path)
{
	struct unwind_elf *e, *known;
	struct stat st;
	struct unwind_fid fid;
	struct unwind_alias *a;
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
same_id(const struct unwind_elf *e, const unsigned char *id, size_t idlen)
{
	return idlen == 0 ||
	    (e->idlen == idlen && memcmp(e->id, id, idlen) == 0);
}

/* The ELF the process maps at [start, end), if it is still there. */
static struct unwind_elf *
map_files_elf(pid_t pid, const char *path, uint64_t start, uint64_t end,
    const unsigned char *id, size_t idlen)
{
	struct unwind_elf *e;
	char mapfile[80];
	int fd;

	if (pid <= 0)
		return NULL;
	snprintf(mapfile, sizeof(mapfile), "/proc/%d/map_files/%" PRIx64
	    "-%" PRIx64, (int)pid, start, end);
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
struct unwind_elf *
unwind_elf_file(pid_t pid, const char *path, int deleted, uint64_t start,
    uint64_t end, const unsigned char *id, size_t idlen,
    const struct unwind_maps_fid *mf)
{
	struct unwind_elf *e;
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
		return map_files_elf(pid, path, start, end, id, idlen);
	}
	if ((e = map_files_elf(pid, path, start, end, NULL, 0)) != NULL) {
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

static struct unwind_elf *
image_elf(const unsigned char *image, size_t size, const char *name)
{
	unsigned char id[64];
	const Elf64_Phdr *ph;
	size_t idlen, done;
	ssize_t n;
	struct unwind_elf *e;
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
struct unwind_elf *
unwind_elf_vdso(pid_t pid, uint64_t start, uint64_t end, const unsigned char *id,
    size_t idlen)
{
	unsigned char *buf;
	char path[64];
	size_t len = end - start;
	ssize_t n = -1;
	struct unwind_elf *e = NULL;
	const unsigned char *own;
	int fd;

	if ((e = find_id(id, idlen)) != NULL)
		return e;
	if (pid > 0 && len <= 1 << 20) {
		snprintf(path, sizeof(path), "/proc/%d/mem", (int)pid);
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

int
unwind_elf_read(const struct unwind_elf *e, uint64_t vaddr, uint64_t *val)
{
	const struct unwind_seg *s;
	uint64_t off;
	int i;

	for (i = 0; i < e->nsegs; i++) {
		s = &e->segs[i];
		if (vaddr < s->vaddr || vaddr - s->vaddr >= s->filesz)
			continue;
		off = vaddr - s->vaddr + s->offset;
		if (!in_file(e, off, 8))
			return -1;
		memcpy(val, e->image + off, 8);
		return 0;
	}
	return -1;
}

/*
 * What sym opens for e: its path while that is still the file checked
 * (so that sym finds .gnu_debuglink files beside it), else the file kept
 * open.  A file without build-id is always named by its descriptor, which
 * no other file will have while e lives.
 */
const char *
unwind_elf_sym_path(struct unwind_elf *e)
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

void
unwind_modules(void (*fn)(void *ctx, const char *name, const char *path,
    const unsigned char *id, size_t idlen), void *ctx)
{
	struct unwind_elf *e, *tmp;
	const char *slash;

	HASH_ITER(hh, g.elves, e, tmp) {
		if (e->path == NULL || e->idlen == 0)
			continue;
		slash = strrchr(e->path, '/');
		fn(ctx, slash ? slash + 1 : e->path, e->path, e->id, e->idlen);
	}
}
