/*
 * unwind-test: drives lib/record/unwind for t/1020-record-stack.t.
 *
 *   unwind-test [-beBSv] [-n DEPTH] [-s maps|mmap|fork] [-R FILE]
 *              [-t REPS [-u dwfl|libunwind|names]]
 *
 * Takes a sample of itself: deep_rec (t/data/stack/deep.c, linked in)
 * recurses DEPTH (40) times, and deep_capture, at the bottom, stores its
 * registers; the stack is then copied from its stack pointer up.  The
 * sample is unwound with libdwfl, then libunwind, and each frame named:
 *
 *   unwinder dwfl|libunwind
 *   frame I MODULE VADDR NAME@FILE:LINE[;NAME@FILE:LINE...]
 *   stack dwfl|libunwind NAME;NAME;...      (root first, as folded)
 *
 * VADDR is the address named (pc - 1 for a return address) in the
 * module's file, as the dynamic linker says (dl_iterate_phdr), for
 * addr2line; names are outermost first, "[MODULE]" without a name.
 *
 *   -s maps   the process from /proc/self/maps (unwind_proc_new), default
 *   -s mmap   from unwind_mmap() of each executable line of it, as the
 *             sampler's records give them (" (deleted)" dropped)
 *   -s fork   a unwind_proc_fork() copy of the first, which is freed first
 *   -b        with -s mmap: give the executable's build-id (read from
 *             its own notes in memory), as the kernel does
 *   -B        with -s mmap: give a wrong build-id for the executable
 *   -S        take the sample in a signal handler: deep_rec 10 deep calls
 *             raise_signal, which raises SIGUSR1, whose handler on_signal
 *             calls deep_rec 5 deep, which takes the sample
 *   -R FILE   first rename FILE over our executable: a binary replaced
 *             on disk while it runs
 *   -e        then unwind_exec(), unwind the same sample again and name its
 *             leaf: "exec FRAMES FRAMES NAMES MODULE" (libdwfl's frames,
 *             libunwind's, the leaf's names and module, "-" for none)
 *   -v        print "vdso MODULE NAME" for __vdso_clock_gettime, named in
 *             this process and in a process that has exited
 *   -t REPS   also time REPS unwinds and namings of the sample with each
 *             unwinder: "time UNWINDER US us/sample FRAMES frames", and
 *             the naming alone: "time names ..."; -u: only that one
 */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <elf.h>
#include <getopt.h>
#include <inttypes.h>
#include <link.h>
#include <stdio.h>
#include <stdlib.h>
#include <signal.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <asm/perf_regs.h>

#include "core/util.h"
#include "record/unwind.h"

/* from deep.c */
extern uint64_t deep_regs[PERF_REG_X86_64_MAX];
int deep_rec(int n, void (*fn)(void *), void *arg);

enum { MAX_FRAMES = 256, MAX_STACK = 256 * 1024 };

static uint64_t regs[PERF_REG_X86_64_MAX];
static unsigned char *stack;
static size_t stack_size;
static uint64_t stack_end;

/*
 * Copies [sp, stack_end): word by word, unseen by AddressSanitizer, whose
 * memcpy would object to the redzones of the frames it copies.
 */
__attribute__((no_sanitize_address, noinline)) static void
copy_stack(void *arg)
{
	const volatile uint64_t *src;
	uint64_t *dst = (uint64_t *)stack;
	size_t i, n;

	memcpy(regs, deep_regs, sizeof(regs));
	src = (const volatile uint64_t *)(uintptr_t)regs[PERF_REG_X86_SP];
	n = (stack_end - regs[PERF_REG_X86_SP]) / 8;
	if (n > MAX_STACK / 8)
		n = MAX_STACK / 8;
	for (i = 0; i < n; i++)
		dst[i] = src[i];
	stack_size = n * 8;
}

static void
on_signal(int sig)
{
	deep_rec(5, copy_stack, NULL);
}

static void
raise_signal(void *arg)
{
	raise(SIGUSR1);
}

/* The end of the main thread's stack, from /proc/self/maps. */
static uint64_t
find_stack_end(void)
{
	unsigned long long lo, hi;
	char line[512];
	FILE *fp;
	uint64_t end = 0;

	if ((fp = fopen("/proc/self/maps", "r")) == NULL)
		die("/proc/self/maps:");
	while (fgets(line, sizeof(line), fp) != NULL)
		if (strstr(line, "[stack]") != NULL &&
		    sscanf(line, "%llx-%llx", &lo, &hi) == 2)
			end = hi;
	fclose(fp);
	if (end == 0)
		die("no [stack] in /proc/self/maps");
	return end;
}

/* The file address of pc, by the dynamic linker's account. */
struct where {
	uint64_t pc, vaddr;
	int found;
};

static int
where_cb(struct dl_phdr_info *info, size_t size, void *arg)
{
	struct where *w = arg;
	int i;

	for (i = 0; i < info->dlpi_phnum; i++) {
		const ElfW(Phdr) *ph = &info->dlpi_phdr[i];

		if (ph->p_type == PT_LOAD && w->pc >= info->dlpi_addr + ph->p_vaddr &&
		    w->pc < info->dlpi_addr + ph->p_vaddr + ph->p_memsz) {
			w->vaddr = w->pc - info->dlpi_addr;
			w->found = 1;
			return 1;
		}
	}
	return 0;
}

/* The executable's build-id, from its notes in memory. */
static int
own_build_id_cb(struct dl_phdr_info *info, size_t size, void *arg)
{
	unsigned char *id = arg;
	const unsigned char *p, *end;
	const ElfW(Nhdr) *nh;
	int i;

	for (i = 0; i < info->dlpi_phnum; i++) {
		if (info->dlpi_phdr[i].p_type != PT_NOTE)
			continue;
		p = (const unsigned char *)(info->dlpi_addr + info->dlpi_phdr[i].p_vaddr);
		end = p + info->dlpi_phdr[i].p_memsz;
		while (p + sizeof(*nh) <= end) {
			nh = (const ElfW(Nhdr) *)p;
			p += sizeof(*nh);
			if (nh->n_type == NT_GNU_BUILD_ID && nh->n_descsz == 20 &&
			    nh->n_namesz == 4 && memcmp(p, "GNU", 4) == 0) {
				memcpy(id, p + 4, 20);
				return 1;
			}
			p += ((nh->n_namesz + 3) & ~3u) + ((nh->n_descsz + 3) & ~3u);
		}
	}
	return 1; /* only the first object, the executable */
}

/* A process learnt from unwind_mmap(), as the sampler's records give it. */
static struct unwind_proc *
proc_from_mmap(const char *exe, const unsigned char *id)
{
	unsigned long long lo, hi, off;
	char line[4096], perms[8], *path;
	struct unwind_proc *p = unwind_proc_new(getpid(), 0);
	size_t len;
	FILE *fp;
	int n;

	if ((fp = fopen("/proc/self/maps", "r")) == NULL)
		die("/proc/self/maps:");
	while (fgets(line, sizeof(line), fp) != NULL) {
		n = 0;
		if (sscanf(line, "%llx-%llx %7s %llx %*x:%*x %*u %n", &lo, &hi,
		    perms, &off, &n) < 4 || n == 0 || perms[2] != 'x')
			continue;
		path = line + n;
		len = strlen(path);
		if (len > 0 && path[len - 1] == '\n')
			path[--len] = '\0';
		if (len > 10 && strcmp(path + len - 10, " (deleted)") == 0)
			path[len -= 10] = '\0';
		unwind_mmap(p, lo, hi - lo, off, path,
		    id != NULL && strcmp(path, exe) == 0 ? id : NULL, 20);
	}
	fclose(fp);
	return p;
}

/* A frame of the folded stack: a function, or a module in brackets. */
struct fname {
	const char *s;
	int module;
};

static void
print_fname(const struct fname *f)
{
	if (f->module)
		printf("[%s]", f->s ? f->s : "unknown");
	else
		printf("%s", f->s);
}

static void
print_stack(struct unwind_proc *p, int unwinder, const char *name)
{
	uint64_t pcs[MAX_FRAMES];
	const struct sym_frame *fr;
	const char *module;
	struct fname names[MAX_FRAMES * 8];
	struct where w;
	int i, j, n, nf, nnames = 0;

	n = unwind_stack(p, unwinder, regs, stack, stack_size, pcs, MAX_FRAMES);
	printf("unwinder %s\n", name);
	for (i = 0; i < n; i++) {
		nf = unwind_name(p, pcs[i], i > 0, 1, &fr, &module);
		memset(&w, 0, sizeof(w));
		w.pc = pcs[i] - (i > 0);
		dl_iterate_phdr(where_cb, &w);
		printf("frame %d %s ", i, module ? module : "-");
		if (w.found)
			printf("%" PRIx64 " ", w.vaddr);
		else
			printf("- ");
		for (j = 0; j < nf; j++) {
			printf("%s%s@%s:%d", j ? ";" : "", fr[j].name,
			    fr[j].file ? fr[j].file : "??", fr[j].line);
		}
		names[nnames].s = module;
		names[nnames].module = 1;
		if (nf == 0)
			print_fname(&names[nnames++]);
		printf("\n");
		/* from the leaf, innermost first: printed backwards, root first */
		for (j = nf - 1; j >= 0; j--) {
			names[nnames].s = fr[j].name;
			names[nnames++].module = 0;
		}
	}
	printf("stack %s ", name);
	for (i = nnames - 1; i >= 0; i--) {
		print_fname(&names[i]);
		printf("%s", i ? ";" : "");
	}
	printf("\n");
}

static double
now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

static void
time_stack(struct unwind_proc *p, int unwinder, const char *name, long reps)
{
	uint64_t pcs[MAX_FRAMES];
	const struct sym_frame *fr;
	const char *module;
	double t0;
	long r;
	int i, n = 0;

	/* unwinder -1: the naming alone, of the stack libdwfl gives */
	if (unwinder < 0)
		n = unwind_stack(p, UNWIND_DWFL, regs, stack, stack_size, pcs,
		    MAX_FRAMES);
	t0 = now();
	for (r = 0; r < reps; r++) {
		if (unwinder >= 0)
			n = unwind_stack(p, unwinder, regs, stack, stack_size,
			    pcs, MAX_FRAMES);
		for (i = 0; i < n; i++)
			unwind_name(p, pcs[i], i > 0, 1, &fr, &module);
	}
	printf("time %s %.2f us/sample %d frames\n", name,
	    (now() - t0) / reps * 1e6, n);
}

static void
vdso_check(struct unwind_proc *p)
{
	const struct sym_frame *fr;
	const char *module;
	struct unwind_proc *dead;
	unsigned long long lo, hi;
	char line[512];
	void *h, *fn;
	FILE *fp;
	pid_t pid;
	int n;

	if ((h = dlopen("linux-vdso.so.1", RTLD_NOLOAD | RTLD_LAZY)) == NULL ||
	    (fn = dlsym(h, "__vdso_clock_gettime")) == NULL)
		die("no __vdso_clock_gettime");
	n = unwind_name(p, (uintptr_t)fn, 0, 1, &fr, &module);
	printf("vdso %s %s\n", module ? module : "-", n > 0 ? fr[0].name : "-");

	/* a process that has exited: the kernel's vdso, ours */
	if ((pid = fork()) < 0)
		die("fork:");
	if (pid == 0)
		_exit(0);
	waitpid(pid, NULL, 0);
	dead = unwind_proc_new(pid, 0);
	if ((fp = fopen("/proc/self/maps", "r")) == NULL)
		die("/proc/self/maps:");
	while (fgets(line, sizeof(line), fp) != NULL)
		if (strstr(line, "[vdso]") != NULL &&
		    sscanf(line, "%llx-%llx", &lo, &hi) == 2)
			unwind_mmap(dead, lo, hi - lo, 0, "[vdso]", NULL, 0);
	fclose(fp);
	n = unwind_name(dead, (uintptr_t)fn, 0, 1, &fr, &module);
	printf("vdso %s %s\n", module ? module : "-", n > 0 ? fr[0].name : "-");
	unwind_proc_free(dead);
}

int
main(int argc, char **argv)
{
	const char *source = "maps", *replacement = NULL, *only = NULL;
	char exe[4096];
	unsigned char id[20];
	struct unwind_proc *p, *first;
	uint64_t pcs[MAX_FRAMES];
	const struct sym_frame *fr;
	const char *module;
	long reps = 0;
	int c, depth = 40, give_id = 0, bad_id = 0, exec = 0, vdso = 0, n;
	int in_handler = 0;
	ssize_t len;

	util_setprog(argv[0]);
	while ((c = getopt(argc, argv, "bBen:R:Ss:t:u:v")) != -1) {
		switch (c) {
		case 'b': give_id = 1; break;
		case 'B': bad_id = 1; break;
		case 'e': exec = 1; break;
		case 'n': depth = atoi(optarg); break;
		case 'R': replacement = optarg; break;
		case 'S': in_handler = 1; break;
		case 's': source = optarg; break;
		case 't': reps = atol(optarg); break;
		case 'u': only = optarg; break;
		case 'v': vdso = 1; break;
		default:
			die("usage: unwind-test [-beBSv] [-n DEPTH] "
			    "[-s maps|mmap|fork] [-R FILE] [-t REPS [-u WHICH]]");
		}
	}
	if ((len = readlink("/proc/self/exe", exe, sizeof(exe) - 1)) < 0)
		die("/proc/self/exe:");
	exe[len] = '\0';
	memset(id, 0, sizeof(id));
	dl_iterate_phdr(own_build_id_cb, id);
	if (bad_id)
		memset(id, 0x5a, sizeof(id));

	stack = xmalloc(MAX_STACK);
	stack_end = find_stack_end();
	if (in_handler) {
		signal(SIGUSR1, on_signal);
		deep_rec(10, raise_signal, NULL);
	} else {
		deep_rec(depth, copy_stack, NULL);
	}
	if (stack_size == 0)
		die("no sample taken");

	if (replacement != NULL && rename(replacement, exe) != 0)
		die("rename %s %s:", replacement, exe);
	if (strcmp(source, "maps") == 0) {
		p = unwind_proc_new(getpid(), 1);
	} else if (strcmp(source, "mmap") == 0) {
		p = proc_from_mmap(exe, give_id || bad_id ? id : NULL);
	} else if (strcmp(source, "fork") == 0) {
		first = unwind_proc_new(getpid(), 1);
		unwind_stack(first, UNWIND_DWFL, regs, stack, stack_size, pcs,
		    MAX_FRAMES);
		p = unwind_proc_fork(first, getpid());
		unwind_proc_free(first);
	} else {
		die("-s: %s: use maps, mmap or fork", source);
	}

	print_stack(p, UNWIND_DWFL, "dwfl");
	print_stack(p, UNWIND_LIBUNWIND, "libunwind");
	if (reps > 0) {
		if (only == NULL || strcmp(only, "dwfl") == 0)
			time_stack(p, UNWIND_DWFL, "dwfl", reps);
		if (only == NULL || strcmp(only, "libunwind") == 0)
			time_stack(p, UNWIND_LIBUNWIND, "libunwind", reps);
		if (only == NULL || strcmp(only, "names") == 0)
			time_stack(p, -1, "names", reps);
	}
	if (vdso)
		vdso_check(p);
	if (exec) {
		unwind_exec(p);
		n = unwind_stack(p, UNWIND_DWFL, regs, stack, stack_size, pcs,
		    MAX_FRAMES);
		printf("exec %d", n);
		n = unwind_stack(p, UNWIND_LIBUNWIND, regs, stack, stack_size, pcs,
		    MAX_FRAMES);
		printf(" %d", n);
		n = unwind_name(p, pcs[0], 0, 1, &fr, &module);
		printf(" %d %s\n", n, module ? module : "-");
	}
	unwind_proc_free(p);
	free(stack);
	return util_fshut(stdout, "<stdout>") ? 1 : 0;
}
