/* hotcode: findings from a hot function's machine code.  See hotcode.h. */
#define _GNU_SOURCE
#include "plan/hotcode.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <capstone/capstone.h>
#include <dwarf.h>
#include <elfutils/libdw.h>
#include <gelf.h>

#include "core/util.h"
#include "plan/elfacts.h"

/* Canonical registers, bits of a uint64_t: the 16 general-purpose ones
 * (any width), the 32 vector ones (xmm, ymm, zmm), rip. */
enum { R_RSP = 4, R_VEC = 16, R_RIP = 48, R_NONE = -1 };
#define BIT(r) ((r) < 0 ? 0 : (uint64_t)1 << (r))

/* The ranges of code a hot line has, at most, per function. */
#define MAX_RANGES 256

struct fsym {
	uint64_t addr, size;
	const char *name;        /* in the ELF string table */
};

struct hotcode {
	int fd, dfd;
	Elf *elf, *delf;
	Dwarf *dw;               /* the binary's or its debug file's; NULL: none */
	struct fsym *syms;       /* defined functions, by address */
	size_t nsyms;
	csh cs;
	int x86;
	signed char reg[X86_REG_ENDING];  /* capstone's register to canonical */
};

/* An instruction and what the analysis needs of it. */
struct ins {
	cs_insn *i;
	uint64_t rd, wr;         /* canonical registers read and written */
	int flags;               /* writes the flags */
	const cs_x86_op *mem;    /* its memory operand (not lea's), or NULL */
	int load;                /* reads data from memory: not the stack, not rip-relative */
	int movload;             /* a mov of data from memory into a register */
	int jump, call;
	int direct;              /* jump or call to target */
	uint64_t target;
};

struct loop {
	size_t from, to;         /* instruction indices, the target to the branch */
};

struct range {
	uint64_t lo, hi;
};

/* What one look needs, for the helpers. */
struct look {
	struct hotcode *hc;
	struct ins *v;
	size_t n;
	cs_insn *insns;
	struct loop *loops;
	size_t nloops;
	Dwarf_Die cu;
	int have_cu;
	const char *file;        /* the task's file, or NULL */
	const struct range *rg;  /* the hot lines' code */
	size_t nrg;
	struct hotcode_result *r;
};

static int
open_regular(const char *path, int *fd, Elf **elf, const char **why)
{
	static char buf[128];
	struct stat st;

	*elf = NULL;
	if ((*fd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC)) < 0 || fstat(*fd, &st) < 0) {
		snprintf(buf, sizeof(buf), "cannot open: %s", strerror(errno));
		*why = buf;
		if (*fd >= 0)
			close(*fd);
		*fd = -1;
		return -1;
	}
	if (!S_ISREG(st.st_mode)) {
		*why = "not a regular file: not read";
		close(*fd);
		*fd = -1;
		return -1;
	}
	*elf = elf_begin(*fd, ELF_C_READ_MMAP, NULL);
	if (*elf == NULL || elf_kind(*elf) != ELF_K_ELF) {
		*why = "not an ELF file";
		if (*elf != NULL)
			elf_end(*elf);
		*elf = NULL;
		close(*fd);
		*fd = -1;
		return -1;
	}
	return 0;
}

static int
sym_cmp(const void *a, const void *b)
{
	const struct fsym *x = a, *y = b;

	return (x->addr > y->addr) - (x->addr < y->addr);
}

static void
read_syms(struct hotcode *hc)
{
	Elf_Scn *scn = NULL, *found = NULL;
	GElf_Shdr sh, fsh = { 0 };
	Elf_Data *data;
	GElf_Sym sym;
	size_t n, i;
	int type;
	const char *name;

	while ((scn = elf_nextscn(hc->elf, scn)) != NULL) {
		if (gelf_getshdr(scn, &sh) == NULL)
			continue;
		if (sh.sh_type == SHT_SYMTAB || (sh.sh_type == SHT_DYNSYM && found == NULL)) {
			found = scn;
			fsh = sh;
		}
	}
	if (found == NULL || (data = elf_getdata(found, NULL)) == NULL || fsh.sh_entsize == 0)
		return;
	n = data->d_size / fsh.sh_entsize;
	hc->syms = xcalloc(n + 1, sizeof(*hc->syms));
	for (i = 0; i < n; i++) {
		if (gelf_getsym(data, i, &sym) == NULL)
			break;
		type = GELF_ST_TYPE(sym.st_info);
		if ((type != STT_FUNC && type != STT_GNU_IFUNC) || sym.st_shndx == SHN_UNDEF ||
		    sym.st_size == 0)
			continue;
		if ((name = elf_strptr(hc->elf, fsh.sh_link, sym.st_name)) == NULL)
			continue;
		hc->syms[hc->nsyms].addr = sym.st_value;
		hc->syms[hc->nsyms].size = sym.st_size;
		hc->syms[hc->nsyms].name = name;
		hc->nsyms++;
	}
	qsort(hc->syms, hc->nsyms, sizeof(*hc->syms), sym_cmp);
}

/* The function whose code holds addr, or NULL. */
static const struct fsym *
sym_at(const struct hotcode *hc, uint64_t addr)
{
	size_t lo = 0, hi = hc->nsyms;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (hc->syms[mid].addr <= addr)
			lo = mid + 1;
		else
			hi = mid;
	}
	/* sizes may nest (aliases): look back a little */
	for (size_t k = lo; k-- > 0 && lo - k <= 8;)
		if (addr - hc->syms[k].addr < hc->syms[k].size)
			return &hc->syms[k];
	return NULL;
}

/* A register's canonical number, from its name: rax, eax, ax, al, ah
 * are one. */
static int
canon_name(const char *s)
{
	static const char *const legacy[8][5] = {
		{ "rax", "eax", "ax", "al", "ah" }, { "rcx", "ecx", "cx", "cl", "ch" },
		{ "rdx", "edx", "dx", "dl", "dh" }, { "rbx", "ebx", "bx", "bl", "bh" },
		{ "rsp", "esp", "sp", "spl", "" }, { "rbp", "ebp", "bp", "bpl", "" },
		{ "rsi", "esi", "si", "sil", "" }, { "rdi", "edi", "di", "dil", "" }
	};
	char *end;
	long k;

	if (s == NULL)
		return R_NONE;
	for (int r = 0; r < 8; r++)
		for (int w = 0; w < 5; w++)
			if (*legacy[r][w] && strcmp(s, legacy[r][w]) == 0)
				return r;
	if (s[0] == 'r' && s[1] >= '0' && s[1] <= '9') {
		k = strtol(s + 1, &end, 10);
		if (k >= 8 && k <= 15 && (*end == '\0' || strcmp(end, "d") == 0 ||
		    strcmp(end, "w") == 0 || strcmp(end, "b") == 0))
			return (int)k;
	}
	if ((s[0] == 'x' || s[0] == 'y' || s[0] == 'z') && strncmp(s + 1, "mm", 2) == 0 &&
	    s[3] >= '0' && s[3] <= '9') {
		k = strtol(s + 3, &end, 10);
		if (*end == '\0' && k < 32)
			return R_VEC + (int)k;
	}
	if (strcmp(s, "rip") == 0 || strcmp(s, "eip") == 0)
		return R_RIP;
	return R_NONE;
}

struct hotcode *
hotcode_open(const char *path, const char *debug_file, const char **why)
{
	struct hotcode *hc = xcalloc(1, sizeof(*hc));
	GElf_Ehdr eh;
	Dwarf_CU *cu = NULL;
	const char *dwhy;

	elf_version(EV_CURRENT);
	hc->dfd = -1;
	if (open_regular(path, &hc->fd, &hc->elf, why) < 0) {
		free(hc);
		return NULL;
	}
	if (gelf_getehdr(hc->elf, &eh) == NULL) {
		*why = "not an ELF file";
		hotcode_close(hc);
		return NULL;
	}
	hc->x86 = eh.e_machine == EM_X86_64;
	read_syms(hc);
	if ((hc->dw = dwarf_begin_elf(hc->elf, DWARF_C_READ, NULL)) != NULL &&
	    dwarf_get_units(hc->dw, NULL, &cu, NULL, NULL, NULL, NULL) != 0) {
		dwarf_end(hc->dw);
		hc->dw = NULL;
	}
	if (hc->dw == NULL && debug_file != NULL &&
	    open_regular(debug_file, &hc->dfd, &hc->delf, &dwhy) == 0)
		hc->dw = dwarf_begin_elf(hc->delf, DWARF_C_READ, NULL);
	if (hc->x86 && cs_open(CS_ARCH_X86, CS_MODE_64, &hc->cs) == CS_ERR_OK) {
		cs_option(hc->cs, CS_OPT_DETAIL, CS_OPT_ON);
		for (int r = 0; r < X86_REG_ENDING; r++)
			hc->reg[r] = (signed char)canon_name(cs_reg_name(hc->cs, r));
	} else
		hc->x86 = 0;
	return hc;
}

void
hotcode_close(struct hotcode *hc)
{
	if (hc == NULL)
		return;
	if (hc->x86)
		cs_close(&hc->cs);
	if (hc->dw != NULL)
		dwarf_end(hc->dw);
	if (hc->delf != NULL)
		elf_end(hc->delf);
	if (hc->elf != NULL)
		elf_end(hc->elf);
	if (hc->dfd >= 0)
		close(hc->dfd);
	if (hc->fd >= 0)
		close(hc->fd);
	free(hc->syms);
	free(hc);
}

/* The code at addr, up to its section's end (*len); NULL outside code. */
static const unsigned char *
code_at(Elf *elf, uint64_t addr, size_t *len)
{
	Elf_Scn *scn = NULL;
	Elf_Data *data;
	GElf_Shdr sh;

	while ((scn = elf_nextscn(elf, scn)) != NULL)
		if (gelf_getshdr(scn, &sh) != NULL && sh.sh_type == SHT_PROGBITS &&
		    (sh.sh_flags & SHF_EXECINSTR) && addr >= sh.sh_addr &&
		    addr - sh.sh_addr < sh.sh_size)
			break;
	if (scn == NULL || (data = elf_getdata(scn, NULL)) == NULL || data->d_buf == NULL ||
	    addr - sh.sh_addr >= data->d_size)
		return NULL;
	*len = data->d_size - (addr - sh.sh_addr);
	return (const unsigned char *)data->d_buf + (addr - sh.sh_addr);
}

static const char *
base_name(const char *s)
{
	const char *p = strrchr(s, '/');

	return p ? p + 1 : s;
}

/* Whether DWARF's file name (a path) is the profile's (a base name, or a
 * path that ends it). */
static int
same_file(const char *dw, const char *prof)
{
	size_t a, b;

	if (strchr(prof, '/') == NULL)
		return strcmp(base_name(dw), prof) == 0;
	a = strlen(dw);
	b = strlen(prof);
	return a >= b && strcmp(dw + a - b, prof) == 0 && (a == b || dw[a - b - 1] == '/' ||
	    prof[0] == '/');
}

/* The code ranges of file:line in cu, within [lo, hi), into rg (max of them). */
static size_t
line_ranges(Dwarf_Die *cu, const char *file, long line, uint64_t lo, uint64_t hi,
    struct range *rg, size_t n, size_t max)
{
	Dwarf_Lines *lines;
	Dwarf_Line *l, *next;
	Dwarf_Addr a, b;
	size_t nl;
	int ln;
	bool end;
	const char *src;

	if (dwarf_getsrclines(cu, &lines, &nl) != 0)
		return n;
	for (size_t i = 0; i + 1 < nl && n < max; i++) {
		l = dwarf_onesrcline(lines, i);
		if (l == NULL || dwarf_lineendsequence(l, &end) != 0 || end ||
		    dwarf_lineno(l, &ln) != 0 || ln != line || dwarf_lineaddr(l, &a) != 0)
			continue;
		if ((src = dwarf_linesrc(l, NULL, NULL)) == NULL || !same_file(src, file))
			continue;
		if ((next = dwarf_onesrcline(lines, i + 1)) == NULL || dwarf_lineaddr(next, &b) != 0)
			continue;
		if (b > a && a >= lo && a < hi) {
			rg[n].lo = a;
			rg[n].hi = b < hi ? b : hi;
			n++;
		}
	}
	return n;
}

/* The smallest address of a line entry of cu in [lo, hi]: the start of an
 * instruction, to disassemble from.  hi when none. */
static uint64_t
boundary(Dwarf_Die *cu, uint64_t lo, uint64_t hi)
{
	Dwarf_Lines *lines;
	Dwarf_Addr a;
	uint64_t best = hi;
	size_t nl;

	if (dwarf_getsrclines(cu, &lines, &nl) != 0)
		return hi;
	for (size_t i = 0; i < nl; i++)
		if (dwarf_lineaddr(dwarf_onesrcline(lines, i), &a) == 0 && a >= lo && a < best)
			best = a;
	return best;
}

/* "app.c:46" for addr, or NULL. */
static char *
where(struct look *k, uint64_t addr, long *line)
{
	Dwarf_Line *l;
	const char *src;
	int ln;

	*line = 0;
	if (!k->have_cu || (l = dwarf_getsrc_die(&k->cu, addr)) == NULL ||
	    dwarf_lineno(l, &ln) != 0 || (src = dwarf_linesrc(l, NULL, NULL)) == NULL || ln <= 0)
		return NULL;
	if (k->file != NULL && !same_file(src, k->file))
		return xasprintf("%s:%d", base_name(src), ln);
	*line = ln;
	return xasprintf("%s:%d", k->file ? k->file : base_name(src), ln);
}

static void
describe(struct look *k, size_t idx, struct ins *in)
{
	cs_insn *i = &k->insns[idx];
	cs_x86 *x = &i->detail->x86;
	cs_regs rd, wr;
	uint8_t nrd, nwr;

	in->i = i;
	if (cs_regs_access(k->hc->cs, i, rd, &nrd, wr, &nwr) == CS_ERR_OK) {
		for (int j = 0; j < nrd; j++)
			in->rd |= BIT(k->hc->reg[rd[j]]);
		for (int j = 0; j < nwr; j++) {
			in->wr |= BIT(k->hc->reg[wr[j]]);
			in->flags |= wr[j] == X86_REG_EFLAGS;
		}
	}
	for (int j = 0; j < x->op_count; j++) {
		const cs_x86_op *o = &x->operands[j];

		if (o->type == X86_OP_MEM && i->id != X86_INS_LEA && i->id != X86_INS_NOP)
			in->mem = o;
		if (o->type == X86_OP_IMM && (cs_insn_group(k->hc->cs, i, CS_GRP_JUMP) ||
		    cs_insn_group(k->hc->cs, i, CS_GRP_CALL))) {
			in->direct = 1;
			in->target = (uint64_t)o->imm;
		}
	}
	in->jump = cs_insn_group(k->hc->cs, i, CS_GRP_JUMP);
	in->call = cs_insn_group(k->hc->cs, i, CS_GRP_CALL);
	if (in->mem != NULL && (in->mem->access & CS_AC_READ) && !in->call && !in->jump) {
		int b = in->mem->mem.base ? k->hc->reg[in->mem->mem.base] : R_NONE;

		in->load = b != R_RSP && b != R_RIP && in->mem->mem.segment == X86_REG_INVALID;
		in->movload = in->load && (i->id == X86_INS_MOV || i->id == X86_INS_MOVZX ||
		    i->id == X86_INS_MOVSX || i->id == X86_INS_MOVSXD);
	}
}

/* The mnemonic without AVX's leading v, for the classes below. */
static const char *
stem(const cs_insn *i)
{
	const char *m = i->mnemonic;

	return m[0] == 'v' && strcmp(m, "verr") != 0 ? m + 1 : m;
}

static int
ends(const char *s, const char *suffix)
{
	size_t a = strlen(s), b = strlen(suffix);

	return a >= b && strcmp(s + a - b, suffix) == 0;
}

static int
begins(const char *s, const char *prefix)
{
	return strncmp(s, prefix, strlen(prefix)) == 0;
}

/* Floating-point arithmetic on one value (suffix "ss", "sd") or on a
 * vector ("ps", "pd"); the fused multiply-adds carry their operand order
 * (fmadd231sd). */
static int
fp_arith(const char *m, const char *s1, const char *s2)
{
	static const char *const ops[] = { "add", "sub", "mul", "div", "min", "max", "sqrt",
		"fmadd", "fmsub", "fnmadd", "fnmsub" };

	for (size_t j = 0; j < sizeof(ops) / sizeof(ops[0]); j++) {
		size_t n = strlen(ops[j]);
		const char *rest = m + n;

		if (strncmp(m, ops[j], n) != 0)
			continue;
		while (j >= 7 && *rest >= '0' && *rest <= '9')
			rest++;
		if (strcmp(rest, s1) == 0 || strcmp(rest, s2) == 0)
			return 1;
	}
	return 0;
}

/* Packed SIMD arithmetic: what a vectorised loop computes with. */
static int
packed(const cs_insn *i)
{
	static const char *const ints[] = { "padd", "psub", "pmul", "pmadd", "pmin", "pmax",
		"psll", "psrl", "psra", "pabs", "phadd", "psadbw", "pavg" };
	const char *m = stem(i);

	for (size_t j = 0; j < sizeof(ints) / sizeof(ints[0]); j++)
		if (begins(m, ints[j]))
			return 1;
	return fp_arith(m, "ps", "pd");
}

static int
scalar_fp(const cs_insn *i)
{
	return fp_arith(stem(i), "ss", "sd");
}

static int
int_arith(const cs_insn *i)
{
	static const char *const ops[] = { "add", "sub", "imul", "mul", "shl", "sal", "shr",
		"sar", "and", "or", "xor", "neg", "not", "adc", "sbb", "lea", "rol", "ror",
		"popcnt", "shlx", "shrx", "sarx" };

	for (size_t j = 0; j < sizeof(ops) / sizeof(ops[0]); j++)
		if (strcmp(i->mnemonic, ops[j]) == 0)
			return 1;
	return 0;
}

/* xor eax, eax and its kin: a zero, no arithmetic. */
static int
zeroing(const cs_insn *i)
{
	const cs_x86 *x = &i->detail->x86;
	const char *m = stem(i);

	return (strcmp(m, "xor") == 0 || strcmp(m, "pxor") == 0 || strcmp(m, "xorps") == 0 ||
	    strcmp(m, "xorpd") == 0 || strcmp(m, "sub") == 0) && x->op_count >= 2 &&
	    x->operands[0].type == X86_OP_REG && x->operands[1].type == X86_OP_REG &&
	    x->operands[0].reg == x->operands[x->op_count - 1].reg;
}

static char *
insn_text(const cs_insn *i)
{
	return *i->op_str ? xasprintf("%s %s", i->mnemonic, i->op_str) : xstrdup(i->mnemonic);
}

/* Adds a finding for instruction idx unless it is there. */
static struct hotcode_finding *
add_finding(struct look *k, int kind, size_t idx)
{
	struct hotcode_result *r = k->r;
	struct hotcode_finding *f;
	long line;

	for (size_t j = 0; j < r->n; j++)
		if (r->v[j].kind == kind && r->v[j].addr == k->insns[idx].address)
			return NULL;
	if (r->n == HOTCODE_MAX_FINDINGS)
		return NULL;
	f = &r->v[r->n++];
	memset(f, 0, sizeof(*f));
	f->kind = kind;
	f->addr = k->insns[idx].address;
	f->insn = insn_text(&k->insns[idx]);
	f->where = where(k, f->addr, &line);
	return f;
}

/* The register operand's canonical number of operand j, or R_NONE. */
static int
op_reg(struct look *k, const cs_insn *i, int j)
{
	const cs_x86 *x = &i->detail->x86;

	if (j < 0 || j >= x->op_count || x->operands[j].type != X86_OP_REG)
		return R_NONE;
	return k->hc->reg[x->operands[j].reg];
}

/* The last writer of register r before instruction idx, or -1. */
static long
writer_before(struct look *k, size_t idx, int r)
{
	while (idx-- > 0)
		if (k->v[idx].wr & BIT(r))
			return (long)idx;
	return -1;
}

static void
divisions(struct look *k, const struct loop *L, uint64_t written)
{
	for (size_t j = L->from; j <= L->to; j++) {
		cs_insn *i = k->v[j].i;
		const cs_x86 *x = &i->detail->x86;
		const char *m = stem(i);
		const cs_x86_op *o;
		struct hotcode_finding *f;
		int r;

		if (i->id == X86_INS_DIV || i->id == X86_INS_IDIV)
			o = &x->operands[0];
		else if (begins(m, "div") && (ends(m, "sd") || ends(m, "ss") || ends(m, "pd") ||
		    ends(m, "ps")) && x->op_count >= 2)
			o = &x->operands[x->op_count - 1];
		else
			continue;
		r = o->type == X86_OP_REG ? k->hc->reg[o->reg] : R_NONE;
		/* by a constant from the constant pool: no run-time divisor */
		if (o->type == X86_OP_MEM && o->mem.base && k->hc->reg[o->mem.base] == R_RIP)
			continue;
		if (r != R_NONE && !(written & BIT(r)) && i->id != X86_INS_DIV &&
		    i->id != X86_INS_IDIV) {
			long w = writer_before(k, L->from, r);

			if (w >= 0 && k->v[w].mem != NULL && k->v[w].mem->mem.base &&
			    k->hc->reg[k->v[w].mem->mem.base] == R_RIP)
				continue;
		}
		if ((f = add_finding(k, HOTCODE_DIVISION, j)) != NULL)
			f->invariant = r != R_NONE && !(written & BIT(r));
	}
}

static void
calls(struct look *k, const struct loop *L)
{
	for (size_t j = L->from; j <= L->to; j++) {
		const struct fsym *s;
		struct hotcode_finding *f;

		if (!k->v[j].call || !k->v[j].direct)
			continue;
		if ((s = sym_at(k->hc, k->v[j].target)) == NULL || s->addr != k->v[j].target ||
		    s->size >= HOTCODE_SMALL)
			continue;
		if ((f = add_finding(k, HOTCODE_CALL, j)) != NULL) {
			f->callee = xstrdup(s->name);
			f->size = s->size;
		}
	}
}

/* Whether addr is in the code of a hot line. */
static int
hot(const struct look *k, uint64_t addr)
{
	for (size_t q = 0; q < k->nrg; q++)
		if (addr >= k->rg[q].lo && addr < k->rg[q].hi)
			return 1;
	return 0;
}

/* Loads whose address was loaded in the loop: the registers loaded (and
 * copied) are followed around the loop twice, for a chain that wraps. */
static void
chases(struct look *k, const struct loop *L)
{
	uint64_t loaded = 0, chased = 0;

	for (int pass = 0; pass < 2; pass++)
		for (size_t j = L->from; j <= L->to; j++) {
			struct ins *in = &k->v[j];
			int d = op_reg(k, in->i, 0), s = op_reg(k, in->i, 1);

			if (in->movload && d != R_NONE && d < R_VEC)
				loaded |= BIT(d);
			else if (in->i->id == X86_INS_MOV && d != R_NONE && s != R_NONE)
				loaded = (loaded & ~BIT(d)) | ((loaded & BIT(s)) ? BIT(d) : 0);
		}
	/* the chase first: the other loads from a chased node are its cost,
	 * not an indirection of their own */
	for (int chase = 1; chase >= 0; chase--)
		for (size_t j = L->from; j <= L->to; j++) {
			struct ins *in = &k->v[j];
			int b, x;

			if (!in->load)
				continue;
			b = in->mem->mem.base ? k->hc->reg[in->mem->mem.base] : R_NONE;
			x = in->mem->mem.index ? k->hc->reg[in->mem->mem.index] : R_NONE;
			if (chase && b != R_NONE && (loaded & BIT(b)) && in->movload &&
			    (in->wr & BIT(b))) {
				add_finding(k, HOTCODE_CHASE, j);
				chased |= BIT(b);
			} else if (!chase && hot(k, in->i->address) && ((b != R_NONE && (loaded & BIT(b)) && !(chased & BIT(b))) ||
			    (x != R_NONE && (loaded & BIT(x)) && !(chased & BIT(x)))))
				add_finding(k, HOTCODE_INDIRECT, j);
		}
}

/* Whether register r is an induction variable of the loop: written once,
 * by a constant step (add r, 8; inc r; lea r, [r + 8]). */
static int
induction(struct look *k, const struct loop *L, int r)
{
	size_t writes = 0;
	int step = 0;

	for (size_t j = L->from; j <= L->to; j++) {
		cs_insn *i = k->v[j].i;
		const cs_x86 *x = &i->detail->x86;

		if (!(k->v[j].wr & BIT(r)))
			continue;
		writes++;
		if ((i->id == X86_INS_ADD || i->id == X86_INS_SUB) && x->op_count == 2 &&
		    x->operands[1].type == X86_OP_IMM)
			step = 1;
		else if (i->id == X86_INS_INC || i->id == X86_INS_DEC)
			step = 1;
		else if (i->id == X86_INS_LEA && x->operands[1].mem.index == X86_REG_INVALID &&
		    x->operands[1].mem.base && k->hc->reg[x->operands[1].mem.base] == r)
			step = 1;
	}
	return writes == 1 && step;
}

static int
has_packed(struct look *k, const struct loop *L)
{
	for (size_t j = L->from; j <= L->to; j++)
		if (packed(k->v[j].i) && !zeroing(k->v[j].i))
			return 1;
	return 0;
}

/* Whether two loops share a source line (of the task's file): the
 * scalar remainder of a vectorised loop has the vector loop's lines.
 * a's first 64 lines are compared, so the cost is linear. */
static int
same_lines(struct look *k, const struct loop *a, const struct loop *b)
{
	long la[64], l;
	size_t n = 0, q;
	char *s;

	for (size_t i = a->from; i <= a->to && n < 64; i++) {
		s = where(k, k->v[i].i->address, &l);
		free(s);
		for (q = 0; q < n && la[q] != l; q++)
			;
		if (l > 0 && q == n)
			la[n++] = l;
	}
	for (size_t j = b->from; j <= b->to; j++) {
		s = where(k, k->v[j].i->address, &l);
		free(s);
		for (q = 0; l > 0 && q < n; q++)
			if (la[q] == l)
				return 1;
	}
	return 0;
}

/*
 * Whether a conditional branch of L tests flags set by a load (of one
 * byte, with byte_only) or from the registers in tainted: an exit that
 * depends on the data.
 */
static int
data_exit(struct look *k, const struct loop *L, uint64_t tainted, int byte_only)
{
	for (size_t j = L->from; j <= L->to; j++) {
		struct ins *in = &k->v[j];

		if (!(in->jump && in->direct && in->i->id != X86_INS_JMP))
			continue;
		for (size_t f = j; f-- > L->from;)
			if (k->v[f].flags) {
				if ((k->v[f].load && (!byte_only || k->v[f].mem->size == 1)) ||
				    (k->v[f].rd & tainted & ~BIT(R_RIP)))
					return 1;
				break;
			}
	}
	return 0;
}

/*
 * A loop that is scalar where the compiler could have vectorised it: an
 * innermost loop with data in memory and arithmetic on it, no call, one
 * exit whose test does not depend on the data (a search loop cannot be
 * vectorised), no recurrence but a reduction (h = h * k ^ x cannot), and
 * no packed instruction in it or in another loop of the same lines (the
 * scalar remainder of a vectorised loop).  A floating-point sum is a
 * finding of its own: the compiler keeps the order of the additions.
 */
static void
scalar(struct look *k, const struct loop *L, uint64_t written)
{
	uint64_t tainted = 0, seen = 0, carried = 0;
	size_t exits = 0, arith = 0, memops = 0, fpsum = (size_t)-1;
	uint64_t lo = k->v[L->from].i->address, hi = k->v[L->to].i->address;

	for (size_t m = 0; m < k->nloops; m++) {
		const struct loop *M = &k->loops[m];

		if (M != L && M->from >= L->from && M->to <= L->to)
			return;  /* not innermost */
	}
	for (size_t j = L->from; j <= L->to; j++) {
		struct ins *in = &k->v[j];

		/* no SIMD divides integers */
		if (in->call || packed(in->i) || in->i->id == X86_INS_DIV || in->i->id == X86_INS_IDIV)
			return;
		if (in->mem != NULL)
			memops++;
		if (in->jump && in->direct && in->i->id != X86_INS_JMP &&
		    (j == L->to || in->target < lo || in->target > hi))
			exits++;
	}
	if (exits != 1 || memops == 0)
		return;
	/* data-dependent exit: the flags of the exit come from a load */
	for (int pass = 0; pass < 2; pass++)
		for (size_t j = L->from; j <= L->to; j++)
			if (k->v[j].load || (k->v[j].rd & tainted))
				tainted |= k->v[j].wr;
	if (data_exit(k, L, tainted, 0))
		return;
	/* what is carried from one iteration to the next */
	for (size_t j = L->from; j <= L->to; j++) {
		carried |= k->v[j].rd & ~seen & written;
		seen |= k->v[j].wr;
	}
	carried &= ~BIT(R_RSP) & ~BIT(R_RIP);
	for (int r = 0; r < 64; r++) {
		size_t writes = 0, w = 0;

		if (!(carried & BIT(r)) || induction(k, L, r))
			continue;
		for (size_t j = L->from; j <= L->to; j++)
			if (k->v[j].wr & BIT(r)) {
				writes++;
				w = j;
			}
		if (writes != 1)
			return;  /* a recurrence */
		if (scalar_fp(k->v[w].i)) {
			const char *m = stem(k->v[w].i);

			if (!begins(m, "add") && !begins(m, "sub"))
				return;
			fpsum = w;
		} else if (!int_arith(k->v[w].i) || k->v[w].i->id == X86_INS_LEA ||
		    (k->v[w].i->id == X86_INS_IMUL && k->v[w].i->detail->x86.op_count != 2))
			return;
	}
	for (size_t j = L->from; j <= L->to; j++) {
		int d = op_reg(k, k->v[j].i, 0);

		if ((scalar_fp(k->v[j].i) || (int_arith(k->v[j].i) && !zeroing(k->v[j].i))) &&
		    !(d != R_NONE && induction(k, L, d)))
			arith++;
	}
	if (arith == 0)
		return;
	for (size_t m = 0; m < k->nloops; m++)
		if (has_packed(k, &k->loops[m]) && same_lines(k, L, &k->loops[m]))
			return;
	if (fpsum != (size_t)-1) {
		if (k->r->opt != 0 && k->r->opt != 'g' && k->r->opt != 'f' && k->r->opt != -1)
			add_finding(k, HOTCODE_FPSUM, fpsum);
		return;
	}
	if (k->r->opt == 1 || k->r->opt == 2 || k->r->opt == 's') {
		struct hotcode_finding *f = add_finding(k, HOTCODE_SCALAR, L->to);

		if (f != NULL)
			f->count = arith;
	}
}

/* The most instructions of a loop that walks bytes one at a time: a
 * scan or a parse, not a body that happens to read a byte. */
#define BYTEWISE_MAX 16

/* Whether L is innermost among the loops found. */
static int
is_innermost(const struct look *k, const struct loop *L)
{
	for (size_t m = 0; m < k->nloops; m++) {
		const struct loop *M = &k->loops[m];

		if (M != L && M->from >= L->from && M->to <= L->to)
			return 0;
	}
	return 1;
}

/*
 * A small innermost loop that loads one byte (on a hot line, when the
 * profile has lines) and leaves on a test of what it loaded: a byte at
 * a time, where glibc's memchr/strspn or eight bytes at a time would do
 * several per step.
 */
static void
bytewise(struct look *k, const struct loop *L)
{
	uint64_t tainted = 0;
	long byte = -1;

	if (L->to - L->from + 1 > BYTEWISE_MAX || !is_innermost(k, L))
		return;
	for (size_t j = L->from; j <= L->to; j++) {
		struct ins *in = &k->v[j];

		if (in->call)
			return;
		if (in->load && in->mem->size == 1 && (k->nrg == 0 || hot(k, in->i->address))) {
			byte = (long)j;
			tainted |= in->wr;
		} else if (in->rd & tainted)
			tainted |= in->wr;
	}
	if (byte < 0)
		return;
	/* an exit whose flags come from the byte loaded */
	if (data_exit(k, L, tainted, 1))
		add_finding(k, HOTCODE_BYTEWISE, (size_t)byte);
}

/*
 * A multiply (imul r, x) in an innermost loop whose r comes from the
 * iteration before: no writer of r in the loop before it but ones that
 * read r too (h ^= c; h *= k).  Each multiply waits for the last (3 to
 * 4 cycles), whatever else the core could do meanwhile.
 */
static void
chain(struct look *k, const struct loop *L)
{
	if (!is_innermost(k, L))
		return;
	for (size_t j = L->from; j <= L->to; j++) {
		cs_insn *i = k->v[j].i;
		int r = op_reg(k, i, 0), carried = 1;

		if (i->id != X86_INS_IMUL || i->detail->x86.op_count != 2 || r == R_NONE ||
		    r >= R_VEC || induction(k, L, r) || (k->nrg > 0 && !hot(k, i->address)))
			continue;
		for (size_t w = L->from; w < j; w++)
			if ((k->v[w].wr & BIT(r)) && !(k->v[w].rd & BIT(r)))
				carried = 0;
		if (carried) {
			add_finding(k, HOTCODE_CHAIN, j);
			return;
		}
	}
}

static void
look_loop(struct look *k, const struct loop *L)
{
	uint64_t written = 0;

	for (size_t j = L->from; j <= L->to; j++)
		written |= k->v[j].wr;
	divisions(k, L, written);
	calls(k, L);
	chases(k, L);
	scalar(k, L, written);
	bytewise(k, L);
	chain(k, L);
}

static int
finding_cmp(const void *a, const void *b)
{
	const struct hotcode_finding *x = a, *y = b;

	if (x->kind != y->kind)
		return x->kind - y->kind;
	return (x->addr > y->addr) - (x->addr < y->addr);
}

static size_t
find_ins(struct look *k, uint64_t addr)
{
	size_t lo = 0, hi = k->n;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (k->insns[mid].address < addr)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo < k->n && k->insns[lo].address == addr ? lo : (size_t)-1;
}

/* The innermost loop holding instruction j, or -1. */
static long
innermost(struct look *k, size_t j)
{
	long best = -1;

	for (size_t m = 0; m < k->nloops; m++)
		if (k->loops[m].from <= j && j <= k->loops[m].to && (best < 0 ||
		    k->loops[m].to - k->loops[m].from < k->loops[best].to - k->loops[best].from))
			best = (long)m;
	return best;
}

/*
 * Whether the backward branch j to t closes a loop: j is reached from t
 * without leaving the code between them.  A block placed after a
 * function's return that jumps back into it is no loop.
 */
static int
cycle(struct look *k, size_t t, size_t j)
{
	unsigned char *seen = xcalloc(j - t + 1, 1);
	size_t *todo = xcalloc(j - t + 1, sizeof(*todo)), n = 0, x;
	int found = 0;

	todo[n++] = t;
	seen[0] = 1;
	while (n > 0 && !found) {
		size_t succ[2], ns = 0;
		struct ins *in;

		x = todo[--n];
		if (x == j) {
			found = 1;
			break;
		}
		in = &k->v[x];
		if (cs_insn_group(k->hc->cs, in->i, CS_GRP_RET) || in->i->id == X86_INS_UD2)
			continue;
		if (!(in->jump && in->i->id == X86_INS_JMP))
			succ[ns++] = x + 1;
		if (in->jump && in->direct) {
			size_t y = find_ins(k, in->target);

			if (y != (size_t)-1 && y >= t && y <= j)
				succ[ns++] = y;
		}
		for (size_t q = 0; q < ns; q++)
			if (succ[q] <= j && !seen[succ[q] - t]) {
				seen[succ[q] - t] = 1;
				todo[n++] = succ[q];
			}
	}
	free(seen);
	free(todo);
	return found;
}

/* Finds the function: by its name, else (inlined) by where its hot lines
 * are.  Fills the ranges of the hot lines in it. */
static const struct fsym *
find_func(struct hotcode *hc, const char *name, size_t len, const struct hotcode_line *lines,
    size_t nl, struct range *rg, size_t *nrg)
{
	const struct fsym *first = NULL, *s;
	Dwarf_Die cu;
	Dwarf_Off off = 0, next;
	size_t hsz;

	*nrg = 0;
	for (size_t i = 0; i < hc->nsyms; i++) {
		s = &hc->syms[i];
		if (strncmp(s->name, name, len) != 0 || s->name[len] != '\0')
			continue;
		if (first == NULL)
			first = s;
		if (nl == 0 || hc->dw == NULL || dwarf_addrdie(hc->dw, s->addr, &cu) == NULL)
			continue;
		for (size_t l = 0; l < nl; l++)
			*nrg = line_ranges(&cu, lines[l].file, lines[l].line, s->addr,
			    s->addr + s->size, rg, *nrg, MAX_RANGES);
		if (*nrg > 0)
			return s;
	}
	if (first != NULL || nl == 0 || hc->dw == NULL)
		return first;
	/* inlined: the hottest line's code, in whatever function has it */
	while (dwarf_nextcu(hc->dw, off, &next, &hsz, NULL, NULL, NULL) == 0) {
		if (dwarf_offdie(hc->dw, off + hsz, &cu) != NULL &&
		    line_ranges(&cu, lines[0].file, lines[0].line, 0, UINT64_MAX, rg, 0, 1) > 0 &&
		    (s = sym_at(hc, rg[0].lo)) != NULL) {
			*nrg = 0;
			for (size_t l = 0; l < nl; l++)
				*nrg = line_ranges(&cu, lines[l].file, lines[l].line, s->addr,
				    s->addr + s->size, rg, *nrg, MAX_RANGES);
			return s;
		}
		off = next;
	}
	return NULL;
}

static void
unit_of(struct look *k, uint64_t addr)
{
	Dwarf_Attribute at;
	const char *p, *n;

	if (k->hc->dw == NULL || dwarf_addrdie(k->hc->dw, addr, &k->cu) == NULL)
		return;
	k->have_cu = 1;
	p = dwarf_attr_integrate(&k->cu, DW_AT_producer, &at) ? dwarf_formstring(&at) : NULL;
	n = dwarf_attr_integrate(&k->cu, DW_AT_name, &at) ? dwarf_formstring(&at) : NULL;
	k->r->producer = p ? xstrdup(p) : NULL;
	k->r->unit = n ? xstrdup(n) : NULL;
	k->r->opt = p ? elfacts_producer_opt(p) : -1;
	k->r->noinline = p != NULL && (strstr(p, " -fno-inline ") != NULL ||
	    ends(p, " -fno-inline"));
}

/* The span of lines looked at, "app.c:45..46". */
static void
span(struct look *k, const unsigned char *mark)
{
	long lo = 0, hi = 0, l;
	char *s;

	for (size_t j = 0; j < k->n; j++) {
		if (!mark[j])
			continue;
		s = where(k, k->insns[j].address, &l);
		free(s);
		if (l <= 0)
			continue;
		if (lo == 0 || l < lo)
			lo = l;
		if (l > hi)
			hi = l;
	}
	if (lo == 0 || k->file == NULL)
		return;
	k->r->span = lo == hi ? xasprintf("%s:%ld", k->file, lo) :
	    xasprintf("%s:%ld..%ld", k->file, lo, hi);
}

void
hotcode_look(struct hotcode *hc, const char *name, size_t len,
    const struct hotcode_line *lines, size_t nl, struct hotcode_result *r)
{
	struct look k = { .hc = hc, .r = r };
	struct range *rg = xcalloc(MAX_RANGES, sizeof(*rg));
	const struct fsym *f;
	const unsigned char *code;
	unsigned char *mark = NULL;
	uint64_t lo, hi, hlo = UINT64_MAX, hhi = 0;
	size_t nrg, avail;

	r->opt = -1;
	if (!hc->x86) {
		r->why = "only x86-64 code is disassembled";
		goto out;
	}
	if ((f = find_func(hc, name, len, lines, nl, rg, &nrg)) == NULL) {
		r->why = hc->nsyms == 0 ? "the binary is stripped: no function has a symbol" :
		    "the function is not in the binary's symbols";
		goto out;
	}
	k.file = nl > 0 ? lines[0].file : NULL;
	k.rg = rg;
	k.nrg = nrg;
	r->lines = nrg > 0;
	unit_of(&k, f->addr);
	if (r->opt == 0 || r->opt == 'g') {
		if (r->n < HOTCODE_MAX_FINDINGS) {
			memset(&r->v[0], 0, sizeof(r->v[0]));
			r->v[0].kind = HOTCODE_UNOPT;
			r->v[0].addr = f->addr;
			r->n = 1;
		}
		goto out;
	}
	lo = f->addr;
	hi = f->addr + f->size;
	for (size_t j = 0; j < nrg; j++) {
		hlo = rg[j].lo < hlo ? rg[j].lo : hlo;
		hhi = rg[j].hi > hhi ? rg[j].hi : hhi;
	}
	if (f->size > HOTCODE_MAX_CODE) {
		if (nrg > 0 && k.have_cu) {
			lo = boundary(&k.cu, hlo > lo + HOTCODE_WINDOW ? hlo - HOTCODE_WINDOW : lo, hlo);
			hi = hhi + HOTCODE_WINDOW < hi ? hhi + HOTCODE_WINDOW : hi;
		}
		if (hi - lo > HOTCODE_MAX_CODE + 2 * HOTCODE_WINDOW)
			hi = lo + HOTCODE_MAX_CODE;
	}
	if ((code = code_at(hc->elf, lo, &avail)) == NULL) {
		r->why = "the function's code is not in the binary";
		goto out;
	}
	k.n = cs_disasm(hc->cs, code, hi - lo < avail ? hi - lo : avail, lo, 0, &k.insns);
	k.v = xcalloc(k.n + 1, sizeof(*k.v));
	mark = xcalloc(k.n + 1, 1);
	for (size_t j = 0; j < k.n; j++)
		describe(&k, j, &k.v[j]);
	for (size_t j = 0; j < k.n; j++) {
		size_t t;

		if (!k.v[j].jump || !k.v[j].direct || k.v[j].target > k.insns[j].address ||
		    (t = find_ins(&k, k.v[j].target)) == (size_t)-1 || !cycle(&k, t, j))
			continue;
		/* bounds the work: a loop costs a pass over the code */
		if (k.nloops == HOTCODE_MAX_LOOPS)
			break;
		k.loops = xreallocarray(k.loops, k.nloops + 1, sizeof(*k.loops));
		k.loops[k.nloops].from = t;
		k.loops[k.nloops++].to = j;
	}
	/* the loops around the hot lines, or all of them */
	{
		unsigned char *chosen = xcalloc(k.nloops + 1, 1);

		for (size_t j = 0; j < k.n; j++) {
			int hot = 0;
			long m;

			for (size_t q = 0; q < nrg && !hot; q++)
				hot = k.insns[j].address >= rg[q].lo && k.insns[j].address < rg[q].hi;
			if (nrg > 0 && !hot)
				continue;
			if ((m = innermost(&k, j)) >= 0)
				chosen[m] = 1;
			else if (nrg > 0) {
				/* a hot line out of any loop: its own code */
				struct loop one = { j, j };

				mark[j] = 1;
				divisions(&k, &one, k.v[j].wr);
			}
		}
		for (size_t m = 0; m < k.nloops; m++) {
			if (!chosen[m])
				continue;
			r->nloops++;
			for (size_t j = k.loops[m].from; j <= k.loops[m].to; j++)
				mark[j] = 1;
			look_loop(&k, &k.loops[m]);
		}
		free(chosen);
	}
	for (size_t j = 0; j < k.n; j++)
		r->ninsns += mark[j];
	/* a small function that is a frame of its own, with no loop */
	if (k.nloops == 0 && f->size < HOTCODE_SMALL && r->n < HOTCODE_MAX_FINDINGS &&
	    strncmp(f->name, name, len) == 0 && f->name[len] == '\0') {
		struct hotcode_finding *x = &r->v[r->n++];

		memset(x, 0, sizeof(*x));
		x->kind = HOTCODE_TINY;
		x->addr = f->addr;
		x->size = f->size;
		x->count = k.n;
		for (size_t j = 0; j < k.n; j++)
			mark[j] = 1;
		r->ninsns = k.n;
	}
	span(&k, mark);
	qsort(r->v, r->n, sizeof(r->v[0]), finding_cmp);
out:
	if (k.insns != NULL)
		cs_free(k.insns, k.n);
	free(k.v);
	free(k.loops);
	free(mark);
	free(rg);
}

void
hotcode_result_free(struct hotcode_result *r)
{
	for (size_t j = 0; j < r->n; j++) {
		free(r->v[j].insn);
		free(r->v[j].where);
		free(r->v[j].callee);
	}
	free(r->span);
	free(r->unit);
	free(r->producer);
	memset(r, 0, sizeof(*r));
}
