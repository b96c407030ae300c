/* stack's first unwinder: libdwfl, one Dwfl a process, reused. */
#include "record/unwind-int.h"

#include <fcntl.h>
#include <limits.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include <asm/perf_regs.h>
#include <elfutils/libdwfl.h>

static int
find_no_elf(Dwfl_Module *mod, void **userdata, const char *modname,
    Dwarf_Addr base, char **file_name, Elf **elfp)
{
	return -1;
}

/* Whether the ELF file open on fd has a .debug_frame section. */
static int
has_debug_frame(int fd)
{
	Elf *elf = elf_begin(fd, ELF_C_READ_MMAP, NULL);
	Elf_Scn *scn = NULL;
	GElf_Shdr sh;
	const char *name;
	size_t shstrndx;
	int found = 0;

	if (elf == NULL)
		return 0;
	if (elf_getshdrstrndx(elf, &shstrndx) == 0)
		while (!found && (scn = elf_nextscn(elf, scn)) != NULL)
			found = gelf_getshdr(scn, &sh) != NULL &&
			    (name = elf_strptr(elf, shstrndx, sh.sh_name)) != NULL &&
			    (strcmp(name, ".debug_frame") == 0 ||
			    strcmp(name, ".zdebug_frame") == 0);
	elf_end(elf);
	return found;
}

/*
 * Separate debug information for .debug_frame, where .eh_frame has no
 * entry: by build-id under /usr/lib/debug only.  Not
 * dwfl_standard_find_debuginfo, which asks debuginfod when
 * DEBUGINFOD_URLS is set: a sample must not wait on the network.
 *
 * libdwfl asks at the end of nearly every stack (the outermost frame
 * has no caller in .eh_frame), once per process, and opening the file
 * decompresses all its DWARF: a debug file without .debug_frame (glibc's,
 * most of Debian's) is not handed over, and that is known once per
 * build-id (the module's userdata is its struct unwind_elf).
 */
static int
find_debuginfo(Dwfl_Module *mod, void **userdata, const char *modname,
    GElf_Addr base, const char *file_name, const char *debuglink_file,
    GElf_Word debuglink_crc, char **debuginfo_file_name)
{
	struct unwind_elf *e = *userdata;
	const unsigned char *id;
	GElf_Addr vaddr;
	char path[PATH_MAX], *w;
	int i, n, fd;

	if (e != NULL && e->debug_frame < 0)
		return -1;
	n = dwfl_module_build_id(mod, &id, &vaddr);
	if (n < 2 || n > 64)
		return -1;
	w = path + snprintf(path, sizeof(path),
	    "/usr/lib/debug/.build-id/%02x/", id[0]);
	for (i = 1; i < n; i++)
		w += sprintf(w, "%02x", id[i]);
	strcpy(w, ".debug");
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (e != NULL && e->debug_frame == 0)
		e->debug_frame = fd >= 0 && has_debug_frame(fd) ? 1 : -1;
	if (fd >= 0 && e != NULL && e->debug_frame < 0) {
		close(fd);
		return -1;
	}
	if (fd >= 0)
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
	const struct unwind_proc *p = arg;

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

	if (unwind_sample_read(arg, addr, &v) != 0)
		return false;
	*result = v;
	return true;
}

static bool
set_initial_registers(Dwfl_Thread *thread, void *arg)
{
	const struct unwind_proc *p = arg;
	Dwarf_Word r[17];
	int i;

	if (p->resumed) {
		/* a frame unwind_jit_step() reached: its bp and sp (DWARF 6
		 * and 7) and pc are known, the other registers are not */
		r[6] = p->resume_bp;
		r[7] = p->resume_sp;
		if (!dwfl_thread_state_registers(thread, 6, 2, r + 6))
			return false;
		dwfl_thread_state_register_pc(thread, p->resume_pc);
		return true;
	}
	for (i = 0; i < 17; i++)
		r[i] = unwind_sample_reg(p, i);
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
	static Elf *arch;

	if (arch == NULL) {
		memcpy(eh.e_ident, ELFMAG, SELFMAG);
		eh.e_ident[EI_CLASS] = ELFCLASS64;
		eh.e_ident[EI_DATA] = ELFDATA2LSB;
		eh.e_ident[EI_VERSION] = EV_CURRENT;
		eh.e_type = ET_EXEC;
		eh.e_machine = EM_X86_64;
		eh.e_version = EV_CURRENT;
		eh.e_ehsize = sizeof(eh);
		elf_version(EV_CURRENT);
		arch = elf_memory((char *)&eh, sizeof(eh));
	}
	return arch;
}

/* Brings the Dwfl up to date with the mappings: new modules reported. */
static int
dwfl_sync(struct unwind_proc *p)
{
	struct unwind_map *m;
	Dwfl_Module *mod;
	void **userdata;
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
		if ((mod = dwfl_report_elf(p->dwfl, m->name, m->elf->path, fd,
		    m->bias, true)) == NULL)
			close(fd);
		else if (dwfl_module_info(mod, &userdata, NULL, NULL, NULL,
		    NULL, NULL, NULL) != NULL)
			*userdata = m->elf;
	}
	dwfl_report_end(p->dwfl, NULL, NULL);
	p->dwfl_add = 0;
	return 0;
}

/*
 * Each frame's pc.  A pc without CFI (JIT code) is not left to libdwfl,
 * whose fallback follows rbp wherever it points: unwind_jit_step() walks
 * the frame pointers, checked, and the unwind starts again where they
 * lead back to compiled code.
 */
static int
dwfl_frame(Dwfl_Frame *state, void *arg)
{
	struct unwind_proc *p = arg;
	Dwarf_Addr pc;
	Dwarf_Word sp, bp;
	bool activation;

	if (!dwfl_frame_pc(state, &pc, &activation) || pc == 0)
		return DWARF_CB_ABORT;
	p->pcs[p->npcs++] = pc;
	if (p->npcs >= p->max)
		return DWARF_CB_ABORT;
	if (!unwind_jit_pc(p, pc))
		return DWARF_CB_OK;
	if (dwfl_frame_reg(state, 7, &sp) == 0 && dwfl_frame_reg(state, 6, &bp) == 0)
		unwind_jit_step(p, sp, bp);
	return DWARF_CB_ABORT;
}

void
unwind_dwfl_unwind(struct unwind_proc *p)
{
	int n;

	if (dwfl_sync(p) != 0)
		return;
	p->resume = 0;
	do {
		/* the frame resumed from is the first of this pass (libdwfl
		 * takes it for an activation: its CFI is looked up at the
		 * return address itself, not the call before it) */
		p->resumed = p->resume;
		p->resume = 0;
		n = p->npcs;
		dwfl_getthread_frames(p->dwfl, p->pid > 0 ? p->pid : 1, dwfl_frame, p);
	} while (p->resume && p->npcs > n && p->npcs < p->max);
	p->resume = p->resumed = 0;
}

void
unwind_dwfl_free(struct unwind_proc *p)
{
	if (p->dwfl != NULL)
		dwfl_end(p->dwfl);
}
