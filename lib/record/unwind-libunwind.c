/* stack's second unwinder, to cross-check the first: libunwind's remote
 * API over the same sample. */
#include "record/unwind-int.h"

#include <string.h>

#include <libunwind.h>

/* libunwind's remote lookup in an .eh_frame_hdr table: exported, but not
 * declared in its headers (perf declares it the same way). */
extern int UNW_OBJ(dwarf_search_unwind_table)(unw_addr_space_t as,
    unw_word_t ip, unw_dyn_info_t *di, unw_proc_info_t *pi,
    int need_unwind_info, void *arg);

static int
acc_find_proc_info(unw_addr_space_t as, unw_word_t ip, unw_proc_info_t *pi,
    int need_unwind_info, void *arg)
{
	const struct unwind_proc *p = arg;
	const struct unwind_map *m = unwind_map_find(p, ip);
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

	if (write || unwind_sample_read(arg, addr, &v) != 0)
		return -UNW_EINVAL;
	*valp = v;
	return 0;
}

static int
acc_access_reg(unw_addr_space_t as, unw_regnum_t regnum, unw_word_t *valp,
    int write, void *arg)
{
	const struct unwind_proc *p = arg;

	if (write)
		return -UNW_EREADONLYREG;
	if (regnum < 0 || regnum > UNW_X86_64_RIP)
		return -UNW_EBADREG;
	if (p->resumed) {
		/* from a frame unwind_jit_step() reached: three are known */
		if (regnum == UNW_X86_64_RIP)
			*valp = p->resume_pc;
		else if (regnum == UNW_X86_64_RSP)
			*valp = p->resume_sp;
		else if (regnum == UNW_X86_64_RBP)
			*valp = p->resume_bp;
		else
			return -UNW_EBADREG;
		return 0;
	}
	*valp = unwind_sample_reg(p, regnum);
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
void
unwind_unw_unwind(struct unwind_proc *p)
{
	unw_cursor_t cursor;
	unw_word_t ip, sp, bp;
	int n;

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
	p->resume = 0;
	do {
		/* from the sample's registers, then from each frame where
		 * frame pointers led out of code without CFI */
		p->resumed = p->resume;
		p->resume = 0;
		n = p->npcs;
		if (unw_init_remote(&cursor, p->as, p) != 0)
			break;
		do {
			if (unw_get_reg(&cursor, UNW_REG_IP, &ip) != 0 || ip == 0)
				break;
			p->pcs[p->npcs++] = ip;
			/* not libunwind's own rbp fallback, unchecked */
			if (p->npcs < p->max && unwind_jit_pc(p, ip)) {
				if (unw_get_reg(&cursor, UNW_X86_64_RSP, &sp) == 0 &&
				    unw_get_reg(&cursor, UNW_X86_64_RBP, &bp) == 0)
					unwind_jit_step(p, sp, bp);
				break;
			}
		} while (p->npcs < p->max && unw_step(&cursor) > 0);
	} while (p->resume && p->npcs > n && p->npcs < p->max);
	p->resume = p->resumed = 0;
}

void
unwind_unw_free(struct unwind_proc *p)
{
	if (p->as != NULL)
		unw_destroy_addr_space(p->as);
}
