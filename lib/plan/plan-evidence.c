/*
 * plan: tasks whose advice depends on what the stacks show, not on a
 * rule's text alone: the symbols a module lacks, and whether a lock is
 * contended or only taken.  See plan.h.
 */
#define _GNU_SOURCE
#include "plan/plan.h"
#include "plan/plan-int.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <spawn.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <elfutils/libdwelf.h>
#include <gelf.h>

#include "core/util.h"

/* The longest line of dpkg-query's answer kept (a longer one is skipped). */
#define DPKG_MAX_LINE 4096

/*
 * The rule of a task about a module without symbols.  Not in the catalog
 * (no frame pattern claims it: the fallback hands it the stacks whose
 * innermost user frame is unnamed).  Its speed-up is unbounded, so that
 * its "gain" is the share it hides, by which it is ranked; the writers
 * say "hides", never "saves" (plan_task.hides).
 */
static const struct rules_entry symbols_rule = {
	.id = "symbols",
	.category = RULES_CPU,
	.match = RULES_OTHER,
	.speedup = INFINITY,
	.problem = "missing symbols",
	.advice = "",
	.finding = "",
	.stacks = RULES_ON_CPU,
};

const struct rules_entry *
plan_symbols_rule(void)
{
	return &symbols_rule;
}

/* The rule of the stacks the recorder could not take ("[stack lost]"):
 * like symbols_rule, a share hidden, not one to save. */
static const struct rules_entry lost_rule = {
	.id = "stack-lost",
	.category = RULES_CPU,
	.match = RULES_OTHER,
	.speedup = INFINITY,
	.problem = "stacks lost while recording",
	.advice = "",
	.finding = "",
	.stacks = RULES_ON_CPU,
};

const struct rules_entry *
plan_lost_rule(void)
{
	return &lost_rule;
}

int
plan_lost_frame(const struct frame_parts *p)
{
	return p->name_len == 12 && memcmp(p->name, "[stack lost]", 12) == 0;
}

void
plan_lost_evidence(struct plan *pl, struct plan_task *t)
{
	struct plan_text *x;

	t->hides = 1;
	plan_text_free(&t->title);
	plan_text_add(&t->title, "Stacks lost while recording: %.1f%% of the %s has no stack",
	    100 * t->share, pl->noun);
	x = plan_texts_new(&t->evidence);
	plan_text_add(x, "prof-record counted this time but could not take its stacks: the "
	    "threads switched (or called) faster than it could unwind them, and it kept the "
	    "time under ");
	plan_text_code(x, "[stack lost]");
	plan_text_add(x, " rather than drop it.  What it hides is unknown, not a saving.");
	plan_text_add(plan_texts_new(&t->strategy), "Record again for a shorter time, or "
	    "only the threads of interest (-p with their process), so that fewer switches "
	    "queue up at once");
	x = plan_texts_new(&t->strategy);
	plan_text_add(x, "Copy less of each stack: ");
	plan_text_code(x, "--stack-size 8192");
	plan_text_add(x, " or ");
	plan_text_code(x, "--max-stack 64");
	plan_text_add(x, ", so that each is unwound faster");
}

int
plan_module_frame(const struct frame_parts *p)
{
	static const char *const pseudo[] = {
		"[unknown]", "[vdso]", "[vsyscall]", "[heap]", "[stack]", "[anon]", "[jit]",
		"[kernel.kallsyms]", NULL
	};

	if (p->name_len < 3 || p->name[0] != '[' || p->name[p->name_len - 1] != ']' ||
	    memchr(p->name, ' ', p->name_len) != NULL || frame_annotation(p) == 'k')
		return 0;
	for (size_t i = 0; pseudo[i] != NULL; i++)
		if (p->name_len == strlen(pseudo[i]) && memcmp(p->name, pseudo[i], p->name_len) == 0)
			return 0;
	return 1;
}

/* The last component of path (all of it without a '/'). */
static const char *
base_of(const char *path)
{
	const char *s = strrchr(path, '/');

	return s != NULL ? s + 1 : path;
}

/*
 * The module of an unnamed frame: NAME of "[NAME]", or MODULE of
 * "MODULE+0xOFFSET" (prof-record --addrs) when MODULE looks like a file
 * (a shared object, or the program); its length, 0 when p is neither.
 */
static size_t
module_of(const struct frame_parts *p, const char *bin)
{
	const char *plus;
	size_t n;

	if (plan_module_frame(p))
		return p->name_len - 2;
	if (frame_annotation(p) == 'k' || p->name_len < 5 ||
	    (plus = memmem(p->name, p->name_len, "+0x", 3)) == NULL)
		return 0;
	n = plus - p->name;
	for (const char *h = plus + 3; h < p->name + p->name_len; h++)
		if (!((*h >= '0' && *h <= '9') || (*h >= 'a' && *h <= 'f')))
			return 0;
	if (n == 0 || memchr(p->name, ' ', n) != NULL || memchr(p->name, '(', n) != NULL)
		return 0;
	if (memmem(p->name, n, ".so", 3) != NULL ||
	    (bin != NULL && n == strlen(bin) && memcmp(p->name, bin, n) == 0))
		return n;
	return 0;
}

int
plan_symbols_claims(const struct plan *pl, const struct frame_parts *p, char *mod, size_t len)
{
	const struct plan_opts *o = pl->opts;
	const char *bin = o->elf != NULL ? o->elf->path : o->binary, *cmd;
	char first[PATH_MAX];
	size_t n;

	/* most frames are named: nothing to look up for them */
	if (p->name_len < 3 || (p->name[p->name_len - 1] != ']' &&
	    memmem(p->name, p->name_len, "+0x", 3) == NULL))
		return 0;
	if (bin == NULL && (cmd = meta_get(&pl->meta, "command")) != NULL) {
		snprintf(first, sizeof(first), "%.*s", (int)strcspn(cmd, " \t"), cmd);
		bin = first;
	}
	if (bin != NULL)
		bin = base_of(bin);
	/* prof-record's guess, "x_leaf+0x40?": some function of a file that
	 * exports x_leaf, which file the frame does not say */
	if (p->name_len > 5 && p->name[p->name_len - 1] == '?' && frame_annotation(p) == 0 &&
	    memmem(p->name, p->name_len, "+0x", 3) != NULL) {
		snprintf(mod, len, "%s", PLAN_GUESSED);
		return 1;
	}
	if ((n = module_of(p, bin)) == 0)
		return 0;
	snprintf(mod, len, "[%.*s]", (int)n, p->name + (p->name[0] == '['));
	/* The program itself: its unnamed frames are PLT stubs when it has
	 * its symbols; a task only when it is stripped. */
	if (bin != NULL && n == strlen(bin) && memcmp(mod + 1, bin, n) == 0)
		return o->elf != NULL && o->elf->stripped;
	return 1;
}

int
plan_wait_frame(const struct frame_parts *p)
{
	static const char *const waits[] = {
		"futex_wait", "__futex_wait", "futex_wait_queue", "futex_wait_queue_me",
		"do_futex", "__x64_sys_futex", "futex_lock_pi",
		"__lll_lock_wait", "__lll_lock_wait_private", "lll_lock_wait",
		"__lll_clocklock_wait", "__pthread_rwlock_rdlock_full",
		"__pthread_rwlock_wrlock_full", "__pthread_rwlock_rdlock_full64",
		"__pthread_rwlock_wrlock_full64", "__futex_abstimed_wait_common",
		"__futex_abstimed_wait_common64", "futex_wait_multiple", NULL
	};

	for (size_t i = 0; waits[i] != NULL; i++)
		if (p->name_len == strlen(waits[i]) && memcmp(p->name, waits[i], p->name_len) == 0)
			return 1;
	return 0;
}

int
plan_thread_frame(const struct frame_parts *p)
{
	static const char *const starts[] = {
		"start_thread", "clone3", "thread_start", "__clone3", "__thread_start", NULL
	};

	for (size_t i = 0; starts[i] != NULL; i++)
		if (p->name_len == strlen(starts[i]) && memcmp(p->name, starts[i], p->name_len) == 0)
			return 1;
	return 0;
}

/*
 * The installed file whose base name is base (a module as a profile names
 * it), from `dpkg-query --search '*\/BASE'` (dpkg's own interface to its
 * database, whose files are dpkg's internals): its package into pkg and
 * its path into path.  Returns 0, or -1 when no package holds such a
 * file, or dpkg-query cannot run.  The name from the profile goes to
 * dpkg-query as one argument, never to a shell, and is never opened; a
 * name with a glob character is not looked up (it would widen the
 * pattern).
 */
static int
dpkg_owner(const char *base, char *pkg, size_t pkglen, char *path, size_t pathlen)
{
	char pattern[PATH_MAX], line[DPKG_MAX_LINE];
	char *argv[] = { "dpkg-query", "--search", pattern, NULL };
	posix_spawn_file_actions_t fa;
	size_t bl = strlen(base);
	int p[2], found = -1, st, e;
	pid_t pid;
	FILE *fp;

	if (bl == 0 || strpbrk(base, "*?[]\\") != NULL ||
	    snprintf(pattern, sizeof(pattern), "*/%s", base) >= (int)sizeof(pattern))
		return -1;
	if (pipe2(p, O_CLOEXEC) < 0)
		return -1;
	posix_spawn_file_actions_init(&fa);
	posix_spawn_file_actions_addopen(&fa, 0, "/dev/null", O_RDONLY, 0);
	posix_spawn_file_actions_adddup2(&fa, p[1], 1);
	posix_spawn_file_actions_addopen(&fa, 2, "/dev/null", O_WRONLY, 0);
	e = posix_spawnp(&pid, argv[0], &fa, NULL, argv, environ);
	posix_spawn_file_actions_destroy(&fa);
	close(p[1]);
	if (e != 0 || (fp = fdopen(p[0], "r")) == NULL) {
		close(p[0]);
		if (e == 0)
			waitpid(pid, &st, 0);
		return -1;
	}
	/* "libsqlite3-0:amd64: /usr/lib/x86_64-linux-gnu/libsqlite3.so.0",
	 * "pkg1, pkg2: /path": the first package, without its arch; read to
	 * the end, so that dpkg-query never blocks on a full pipe */
	while (fgets(line, sizeof(line), fp) != NULL) {
		char *sep, *file;
		size_t fl;

		line[strcspn(line, "\n")] = '\0';
		if (found == 0 || strncmp(line, "diversion by ", 13) == 0 ||
		    (sep = strstr(line, ": /")) == NULL)
			continue;
		file = sep + 2;
		fl = strlen(file);
		if (fl <= bl || file[fl - bl - 1] != '/' || strcmp(file + fl - bl, base) != 0)
			continue;
		*sep = '\0';
		snprintf(pkg, pkglen, "%.*s", (int)strcspn(line, ":, "), line);
		snprintf(path, pathlen, "%s", file);
		found = 0;
	}
	fclose(fp);
	while (waitpid(pid, &st, 0) < 0 && errno == EINTR)
		;
	return found;
}

/* The GNU build-id of the regular file path, in hex, into hex; "" when it
 * has none or cannot be read. */
static void
build_id(const char *path, char *hex, size_t len)
{
	struct stat st;
	const void *id;
	ssize_t n;
	Elf *elf;
	int fd;

	hex[0] = '\0';
	if ((fd = open(path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC)) < 0)
		return;
	if (fstat(fd, &st) == 0 && S_ISREG(st.st_mode) && elf_version(EV_CURRENT) != EV_NONE &&
	    (elf = elf_begin(fd, ELF_C_READ, NULL)) != NULL) {
		if ((n = dwelf_elf_gnu_build_id(elf, &id)) > 0)
			for (ssize_t i = 0; i < n && (size_t)(2 * i + 3) <= len; i++)
				snprintf(hex + 2 * i, 3, "%02x", ((const unsigned char *)id)[i]);
		elf_end(elf);
	}
	close(fd);
}

/* A symbols task of the guessed names: which file is not known. */
static void
guessed_evidence(struct plan *pl, struct plan_task *t)
{
	struct plan_text *x;

	char c1[COUNT_BUFSZ + UNIT_BUFSZ], c2[COUNT_BUFSZ + UNIT_BUFSZ];

	plan_text_free(&t->title);
	plan_text_add(&t->title, "Missing symbols: %.1f%% of the %s are in functions named by "
	    "a guess", 100 * t->share, pl->noun);
	/* the first evidence says where the cost is: no site to call from */
	if (t->evidence.n > 0) {
		plan_text_free(&t->evidence.v[0]);
		plan_text_add(&t->evidence.v[0], "%s of %s %s (%.1f%%) are in frames whose name is "
		    "a guess", plan_amount(pl, t->count, c1, sizeof(c1)),
		    plan_amount(pl, pl->total, c2, sizeof(c2)), pl->noun, 100 * t->share);
	}
	free(t->location);
	t->location = xstrdup("");
	x = plan_texts_new(&t->evidence);
	plan_text_add(x, "Frames such as ");
	plan_text_code(x, "%s", t->what);
	plan_text_add(x, " name the nearest exported function before the address: the file "
	    "is stripped, and the function that ran is not known.  Its share is what this "
	    "task would make visible, not a saving.");
	x = plan_texts_new(&t->strategy);
	plan_text_add(x, "Record again with ");
	plan_text_code(x, "prof-record --addrs");
	plan_text_add(x, ": each such frame becomes ");
	plan_text_code(x, "FILE+0xOFFSET");
	plan_text_add(x, ", and the plan then names the file, its Debian -dbgsym package and "
	    "its build-id");
	x = plan_texts_new(&t->strategy);
	plan_text_add(x, "Or install the debugging symbols of the libraries the program "
	    "uses, or record with ");
	plan_text_code(x, "--debuginfod");
}

void
plan_symbols_evidence(struct plan *pl, struct plan_task *t)
{
	char module[PATH_MAX], pkg[256], path[PATH_MAX], hex[129];
	struct plan_text *x;
	size_t n = strlen(t->site);

	t->hides = 1;
	if (strcmp(t->site, PLAN_GUESSED) == 0) {
		guessed_evidence(pl, t);
		return;
	}
	/* "[libsqlite3.so.0.8.6]": the module is inside the brackets */
	snprintf(module, sizeof(module), "%.*s", n >= 2 ? (int)n - 2 : 0, t->site + (n >= 2));
	plan_text_free(&t->title);
	plan_text_add(&t->title, "Missing symbols for ");
	plan_text_code(&t->title, "%s", module);
	plan_text_add(&t->title, ": %.1f%% of the %s cannot be named", 100 * t->share, pl->noun);
	x = plan_texts_new(&t->evidence);
	plan_text_add(x, "The frames of ");
	plan_text_code(x, "%s", module);
	plan_text_add(x, " have no names: the file has no symbol table (stripped) and no "
	    "debugging information was found for it, so its cost cannot be planned function "
	    "by function.  Its share is what this task would make visible, not a saving.");

	if (dpkg_owner(base_of(module), pkg, sizeof(pkg), path, sizeof(path)) == 0) {
		build_id(path, hex, sizeof(hex));
		x = plan_texts_new(&t->evidence);
		plan_text_code(x, "%s", path);
		plan_text_add(x, " is from the Debian package ");
		plan_text_code(x, "%s", pkg);
		if (hex[0] != '\0') {
			plan_text_add(x, ", build-id ");
			plan_text_code(x, "%s", hex);
		}
		x = plan_texts_new(&t->strategy);
		plan_text_add(x, "Install its debugging symbols: ");
		plan_text_code(x, "apt install %s-dbgsym", pkg);
		plan_text_add(x, " (from the debug archive: a line ");
		plan_text_code(x, "deb http://deb.debian.org/debian-debug/ bookworm-debug main");
		plan_text_add(x, " in the APT sources), then record again");
		if (hex[0] != '\0') {
			x = plan_texts_new(&t->strategy);
			plan_text_add(x, "Or let prof-record fetch them by build-id: ");
			plan_text_code(x, "DEBUGINFOD_URLS=https://debuginfod.debian.net prof-record "
			    "--debuginfod ...");
			plan_text_add(x, " (the files found are ");
			plan_text_code(x, "/usr/lib/debug/.build-id/%.2s/%s.debug", hex, hex + 2);
			plan_text_add(x, ")");
		}
	} else {
		x = plan_texts_new(&t->strategy);
		plan_text_add(x, "Keep the symbols when it is built (no ");
		plan_text_code(x, "strip");
		plan_text_add(x, ", or ");
		plan_text_code(x, "objcopy --only-keep-debug");
		plan_text_add(x, " into a file that ");
		plan_text_code(x, "/usr/lib/debug/.build-id/");
		plan_text_add(x, " or a .gnu_debuglink names), then record again");
		x = plan_texts_new(&t->strategy);
		plan_text_add(x, "Or, where a debuginfod server has it, record with ");
		plan_text_code(x, "prof-record --debuginfod");
		plan_text_add(x, " (DEBUGINFOD_URLS)");
	}
	x = plan_texts_new(&t->strategy);
	plan_text_add(x, "Until then, ");
	plan_text_code(x, "prof-record --addrs");
	plan_text_add(x, " keeps each frame as ");
	plan_text_code(x, "MODULE+0xOFFSET");
	plan_text_add(x, ", so that the hot offsets can be named later (");
	plan_text_code(x, "eu-addr2line -e FILE");
	plan_text_add(x, ")");
}

void
plan_lock_evidence(struct plan *pl, struct plan_task *t, count_t waited)
{
	struct plan_text *x;
	char c1[COUNT_BUFSZ + UNIT_BUFSZ];

	if (waited > 0 && pl->threads > 1) {
		x = plan_texts_new(&t->evidence);
		plan_text_add(x, "Contended: %s of this task's %s (%.0f%%) are in the futex "
		    "under the lock (waiting for it, or waking a thread that waits), and the "
		    "program runs several threads",
		    plan_amount(pl, waited, c1, sizeof(c1)), pl->noun,
		    100 * count_double(waited) / count_double(t->count));
		return;
	}
	/* Taken, not fought over: the cost of the atomic instructions of a
	 * lock nobody waits for.  Splitting it would not help. */
	t->speedup = 2;
	t->gain = plan_gain(t->share, t->speedup);
	t->priority = plan_priority(t->gain);
	plan_text_free(&t->title);
	plan_text_add(&t->title, "Locking overhead in ");
	plan_text_code(&t->title, "%s", *t->site ? t->site : "(root)");
	if (*t->what) {
		plan_text_add(&t->title, " (");
		plan_text_code(&t->title, "%s", t->what);
		plan_text_add(&t->title, ")");
	}
	plan_texts_free(&t->strategy);
	x = plan_texts_new(&t->evidence);
	plan_text_add(x, "Not contention: %s, so this is the cost of taking and releasing "
	    "a lock nobody waits for, not of waiting",
	    waited == 0 && pl->threads <= 1 ? "no sample is in a futex under the lock and the "
	    "stacks show one thread" : waited == 0 ? "no sample is in a futex under the lock" :
	    "the stacks show one thread only");
	plan_text_add(plan_texts_new(&t->strategy), "Take the lock once per batch of work "
	    "rather than once per item, or move the locked call out of the loop");
	x = plan_texts_new(&t->strategy);
	plan_text_add(x, "In a single-threaded program, use the library's single-threaded "
	    "mode or a build without locking");
	if (strstr(t->site, "sqlite") != NULL || strstr(t->what, "sqlite") != NULL) {
		plan_text_add(x, " (SQLite: ");
		plan_text_code(x, "SQLITE_THREADSAFE=0");
		plan_text_add(x, " at build time, or ");
		plan_text_code(x, "sqlite3_config(SQLITE_CONFIG_SINGLETHREAD)");
		plan_text_add(x, ")");
	}
	plan_text_add(plan_texts_new(&t->strategy), "A lock or offcpu profile (prof-record "
	    "--type lock, --type offcpu) shows whether any thread ever waits for it");
}
