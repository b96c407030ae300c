/* stack's mappings: what each process maps where, and from which file. */
#include "record/unwind-int.h"

#include <elf.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct unwind_str {
	UT_hash_handle hh;
	char s[];
};

/* The names of mappings, kept until the program exits. */
static struct unwind_str *strs;

static const char *
intern(const char *s)
{
	struct unwind_str *e;
	size_t len = strlen(s);

	HASH_FIND(hh, strs, s, len, e);
	if (e == NULL) {
		e = xmalloc(sizeof(*e) + len + 1);
		memcpy(e->s, s, len + 1);
		HASH_ADD_KEYPTR(hh, strs, e->s, len, e);
	}
	return e->s;
}

struct unwind_map *
unwind_map_find(const struct unwind_proc *p, uint64_t addr)
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

struct unwind_map *
unwind_map_span(const struct unwind_proc *p, uint64_t addr)
{
	size_t lo = 0, hi = p->nmaps, i;
	struct unwind_map *m;

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
 * if there is.  Returns -1 if none holds it, 1 for an executable (ET_EXEC,
 * whose place is fixed) mapped away from its place: a copy of its code.
 */
static int
map_bias(struct unwind_map *m)
{
	const struct unwind_elf *e = m->elf;
	const struct unwind_seg *s, *best = NULL;
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
		return 1;
	m->lo = e->lo + m->bias;
	m->hi = e->hi + m->bias;
	return 0;
}

/* Forgets [start, end): mappings there are cut or removed. */
static void
unmap(struct unwind_proc *p, uint64_t start, uint64_t end)
{
	struct unwind_map *m, right;
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
				p->maps = xreallocarray(p->maps, p->sizemaps,
				    sizeof(*p->maps));
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
add_map(struct unwind_proc *p, uint64_t start, uint64_t end, uint64_t pgoff,
    const char *path, const unsigned char *id, size_t idlen,
    const struct unwind_maps_fid *mf)
{
	struct unwind_map m;
	char *clean = NULL, *s;
	size_t i, len;
	int deleted = 0, r;

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
		m.elf = unwind_elf_vdso(p->pid, start, end, id, idlen);
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
		m.elf = unwind_elf_file(p->pid, path, deleted, start, end, id,
		    idlen, mf);
		free(clean);
	}
	if (m.elf != NULL && (r = map_bias(&m)) != 0) {
		m.copy = r > 0 ? m.elf : NULL;
		m.elf = NULL;
	}
	if (p->nmaps == p->sizemaps) {
		p->sizemaps = p->sizemaps ? 2 * p->sizemaps : 64;
		p->maps = xreallocarray(p->maps, p->sizemaps, sizeof(*p->maps));
	}
	for (i = p->nmaps; i > 0 && p->maps[i - 1].start > start; i--)
		;
	memmove(&p->maps[i + 1], &p->maps[i], (p->nmaps - i) * sizeof(m));
	p->maps[i] = m;
	p->nmaps++;
	p->dwfl_add = 1;
	p->unw_flush = 1;
}

void
unwind_maps_read(struct unwind_proc *p)
{
	char path[64], *line = NULL, *name, perms[8];
	unsigned long long start, end, pgoff;
	struct unwind_maps_fid mf;
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

void
unwind_exec(struct unwind_proc *p)
{
	p->nmaps = 0;
	p->dwfl_rebuild = 1;
	p->unw_flush = 1;
	unwind_jit_forget(p);
}

void
unwind_mmap(struct unwind_proc *p, uint64_t addr, uint64_t len, uint64_t pgoff,
    const char *path, const unsigned char *build_id, size_t build_id_size)
{
	if (len == 0 || addr + len < addr)
		return;
	add_map(p, addr, addr + len, pgoff, path,
	    build_id, build_id != NULL ? build_id_size : 0, NULL);
}

struct unwind_proc *
unwind_proc_fork(const struct unwind_proc *parent, pid_t child)
{
	struct unwind_proc *p = xcalloc(1, sizeof(*p));
	size_t i;

	p->pid = child;
	if (parent->nmaps > 0) {
		p->maps = xreallocarray(NULL, parent->nmaps, sizeof(*p->maps));
		memcpy(p->maps, parent->maps, parent->nmaps * sizeof(*p->maps));
		p->nmaps = p->sizemaps = parent->nmaps;
		for (i = 0; i < p->nmaps; i++)
			p->maps[i].reported = 0;
		p->dwfl_add = 1;
	}
	return p;
}
