#define _GNU_SOURCE
#include "record/record.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ptrace.h>
#include <sys/syscall.h>
#include <sys/user.h>
#include <sys/wait.h>
#include <unistd.h>

#include <uthash.h>

#include "core/util.h"
#include "folded/folded.h"
#include "record/stackname.h"
#include "record/unwind.h"
#include "sym/ksym.h"

/* Frames beyond this many are cut; deeper stacks are runaway recursion. */
#define MAX_FRAMES 1024

struct proc {
	int pid;
	struct unwind_proc *stk;
	int reread;                 /* /proc/PID/maps was read again once */
	uint64_t image;             /* the ptrace sampler's image_key; 0: unknown */
	UT_hash_handle hh;
};

struct thread {
	int tid;
	char comm[17];
	UT_hash_handle hh;
};

struct record {
	struct record_opts o;
	struct stacktable *out;
	struct proc *procs;
	struct thread *threads;
	struct ksym_table *ksyms;
	struct stackname_opts nameopts;  /* o's */
	struct stackname_buf name;       /* the stack being named */
	uint64_t pcs[MAX_FRAMES], pcs2[MAX_FRAMES];
	uint64_t samples, truncated, compared, disagreed;
	count_t counted;            /* the counts added */
	unsigned char *stack;       /* for ptrace snapshots */
	pid_t reaped_pid;           /* a child whose end a ptrace wait took */
	int reaped_status;
};

struct record *
record_new(const struct record_opts *o, struct stacktable *out)
{
	struct record *r = xcalloc(1, sizeof(*r));

	r->o = *o;
	r->out = out;
	r->nameopts = (struct stackname_opts){ .pid = o->pid, .tid = o->tid,
	    .lines = o->lines, .inline_frames = o->inline_frames, .addrs = o->addrs };
	return r;
}

void
record_set_out(struct record *r, struct stacktable *out)
{
	r->out = out;
}

static struct proc *
proc_get(struct record *r, int pid, int create)
{
	struct proc *p;

	HASH_FIND_INT(r->procs, &pid, p);
	if (p == NULL && create) {
		p = xcalloc(1, sizeof(*p));
		p->pid = pid;
		/* A process seen first by a sample (it existed before the
		 * events did) is read from /proc while it is still there. */
		p->stk = unwind_proc_new(pid, create == 2);
		HASH_ADD_INT(r->procs, pid, p);
	}
	return p;
}

static void
proc_drop(struct record *r, struct proc *p)
{
	HASH_DEL(r->procs, p);
	unwind_proc_free(p->stk);
	free(p);
}

static struct thread *
thread_get(struct record *r, int tid)
{
	struct thread *t;

	HASH_FIND_INT(r->threads, &tid, t);
	if (t == NULL) {
		t = xcalloc(1, sizeof(*t));
		t->tid = tid;
		HASH_ADD_INT(r->threads, tid, t);
	}
	return t;
}

static void
thread_comm(struct record *r, int tid, const char *comm)
{
	struct thread *t = thread_get(r, tid);

	snprintf(t->comm, sizeof(t->comm), "%s", comm);
}

/* The name a thread had in /proc, for threads that existed before us. */
static void
thread_comm_from_proc(struct record *r, int pid, int tid)
{
	char path[64], comm[32] = "";
	FILE *fp;

	snprintf(path, sizeof(path), "/proc/%d/task/%d/comm", pid, tid);
	if ((fp = fopen(path, "r")) != NULL) {
		if (fgets(comm, sizeof(comm), fp) != NULL)
			comm[strcspn(comm, "\n")] = '\0';
		fclose(fp);
	}
	if (comm[0] != '\0')
		thread_comm(r, tid, comm);
}

void
record_attach(struct record *r, pid_t pid)
{
	char path[64];
	DIR *d;
	struct dirent *e;

	proc_get(r, pid, 2);
	snprintf(path, sizeof(path), "/proc/%d/task", (int)pid);
	if ((d = opendir(path)) == NULL)
		return;
	while ((e = readdir(d)) != NULL)
		if (e->d_name[0] >= '0' && e->d_name[0] <= '9')
			thread_comm_from_proc(r, pid, atoi(e->d_name));
	closedir(d);
}

/* The root frame of a sample of thread tid, its comm read from /proc
 * the first time. */
static void
put_root(struct record *r, int pid, int tid)
{
	struct thread *t;

	HASH_FIND_INT(r->threads, &tid, t);
	if (t == NULL || t->comm[0] == '\0') {
		thread_comm_from_proc(r, pid, tid);
		HASH_FIND_INT(r->threads, &tid, t);
	}
	r->name.len = 0;
	stackname_root(&r->name, t != NULL ? t->comm : NULL, pid, tid, &r->nameopts);
}

static void
put_kernel_frames(struct record *r, const struct sample_record *s)
{
	/* Read at the first kernel frame: a session whose kernel is not
	 * sampled does not pay for the 100,000 symbols. */
	if (r->ksyms == NULL)
		r->ksyms = ksym_load(NULL);
	for (size_t i = s->nkchain; i > 0; i--) {
		const char *name = ksym_name(r->ksyms, s->kchain[i - 1]);
		stackname_put(&r->name, ";", 1);
		stackname_put_name(&r->name, name ? name : "[kernel]");
		stackname_put(&r->name, "_[k]", 4);
	}
}

static void
sample(struct record *r, const struct sample_record *s)
{
	struct proc *p = proc_get(r, (int)s->pid, 2);
	int max = r->o.max_stack > 0 && r->o.max_stack < MAX_FRAMES ? r->o.max_stack : MAX_FRAMES;
	int n = 0;
	count_t c[2] = { COUNT_ONE, 0 };

	put_root(r, (int)s->pid, (int)s->tid);
	if (s->user && s->regs[PERF_REG_X86_IP] != 0) {
		n = unwind_stack(p->stk, r->o.unwinder, s->regs, s->stack, s->stack_size, r->pcs, max);
		/* A leaf in no known mapping: the process mapped something we
		 * did not see (it existed before the events); read it again. */
		if (n > 0 && !p->reread) {
			const struct sym_frame *fr;
			const char *module = NULL;
			if (unwind_name(p->stk, r->pcs[0], 0, 0, &fr, &module) == 0 && module == NULL) {
				unwind_proc_free(p->stk);
				p->stk = unwind_proc_new(p->pid, 1);
				p->reread = 1;
				n = unwind_stack(p->stk, r->o.unwinder, s->regs, s->stack, s->stack_size, r->pcs, max);
			}
		}
		if (n == 1)
			r->truncated++;
		if (r->o.compare && n > 0) {
			/* The second unwinder on the same sample must agree. */
			int n2 = unwind_stack(p->stk, UNWIND_LIBUNWIND, s->regs, s->stack, s->stack_size, r->pcs2, max);
			r->compared++;
			if (n2 != n || memcmp(r->pcs, r->pcs2, (size_t)n * sizeof(*r->pcs)) != 0)
				r->disagreed++;
		}
		/* every frame but the leaf holds a return address */
		stackname_frames(&r->name, p->stk, r->pcs, n, 1, &r->nameopts);
	}
	if (r->o.kernel && s->nkchain > 0)
		put_kernel_frames(r, s);
	if (n == 0 && !(r->o.kernel && s->nkchain > 0))
		stackname_put(&r->name, ";[unknown]", 10);
	if (s->leaf != NULL) {
		stackname_put(&r->name, ";", 1);
		stackname_put_name(&r->name, s->leaf);
	}
	if (s->weighted)
		c[0] = (count_t)s->weight * COUNT_ONE;
	stacktable_add(r->out, r->name.s, r->name.len, c);
	count_add(&r->counted, c[0]);
	r->samples++;
}

void
record_sample(void *ctx, const struct sample_record *s)
{
	struct record *r = ctx;
	struct proc *p;

	switch (s->kind) {
	case SAMPLE_SAMPLE:
		sample(r, s);
		break;
	case SAMPLE_MMAP:
		p = proc_get(r, (int)s->pid, 1);
		unwind_mmap(p->stk, s->addr, s->len, s->pgoff, s->filename,
		    s->build_id_size ? s->build_id : NULL, s->build_id_size);
		break;
	case SAMPLE_COMM:
		thread_comm(r, (int)s->tid, s->comm);
		if (s->exec && (p = proc_get(r, (int)s->pid, 0)) != NULL)
			unwind_exec(p->stk);
		break;
	case SAMPLE_FORK:
		if (s->pid != s->ppid && proc_get(r, (int)s->pid, 0) == NULL) {
			struct proc *parent = proc_get(r, (int)s->ppid, 0);
			struct proc *child = xcalloc(1, sizeof(*child));
			child->pid = (int)s->pid;
			child->stk = parent ? unwind_proc_fork(parent->stk, s->pid) : unwind_proc_new(s->pid, 1);
			HASH_ADD_INT(r->procs, pid, child);
		}
		{
			struct thread *t;
			int ptid = (int)s->ptid;
			HASH_FIND_INT(r->threads, &ptid, t);
			if (t != NULL)
				thread_comm(r, (int)s->tid, t->comm);
		}
		break;
	case SAMPLE_EXIT:
		/* Samples of a process never come after its exit record: the
		 * records are in time order. */
		if (s->pid == s->tid && (p = proc_get(r, (int)s->pid, 0)) != NULL)
			proc_drop(r, p);
		break;
	default:
		break;
	}
}

/* user_regs_struct in perf's register order, for the unwinder. */
static void
regs_from_ptrace(const struct user_regs_struct *u, uint64_t *regs)
{
	memset(regs, 0, SAMPLE_NREGS * sizeof(*regs));
	regs[PERF_REG_X86_AX] = u->rax;
	regs[PERF_REG_X86_BX] = u->rbx;
	regs[PERF_REG_X86_CX] = u->rcx;
	regs[PERF_REG_X86_DX] = u->rdx;
	regs[PERF_REG_X86_SI] = u->rsi;
	regs[PERF_REG_X86_DI] = u->rdi;
	regs[PERF_REG_X86_BP] = u->rbp;
	regs[PERF_REG_X86_SP] = u->rsp;
	regs[PERF_REG_X86_IP] = u->rip;
	regs[PERF_REG_X86_FLAGS] = u->eflags;
	regs[PERF_REG_X86_R8] = u->r8;
	regs[PERF_REG_X86_R9] = u->r9;
	regs[PERF_REG_X86_R10] = u->r10;
	regs[PERF_REG_X86_R11] = u->r11;
	regs[PERF_REG_X86_R12] = u->r12;
	regs[PERF_REG_X86_R13] = u->r13;
	regs[PERF_REG_X86_R14] = u->r14;
	regs[PERF_REG_X86_R15] = u->r15;
}

/*
 * The thread held with ptrace now, for the handler of a fatal signal: a
 * crash of prof-record must not leave a target traced.  A process-wide
 * value, as signal handlers are: one struct record at a time uses ptrace.
 * The unwinder works on the copy, after the thread is let go, so only
 * the copy itself happens while a thread is held.
 */
static volatile sig_atomic_t seized_tid;

static const int fatal_sigs[] = { SIGABRT, SIGBUS, SIGFPE, SIGILL, SIGSEGV, SIGTRAP };
static struct sigaction fatal_old[sizeof(fatal_sigs) / sizeof(fatal_sigs[0])];

/*
 * Lets the held thread go (a bare system call, async-signal-safe), then
 * dies of sig as it would have.  A thread not yet in its ptrace stop
 * refuses PTRACE_DETACH; the kernel detaches it when prof-record dies.
 */
static void
on_fatal(int sig)
{
	int e = errno;
	pid_t tid = (pid_t)seized_tid;

	if (tid > 0)
		syscall(SYS_ptrace, PTRACE_DETACH, tid, 0, 0);
	for (size_t i = 0; i < sizeof(fatal_sigs) / sizeof(fatal_sigs[0]); i++)
		if (fatal_sigs[i] == sig)
			sigaction(sig, &fatal_old[i], NULL);
	/* Delivered when the handler returns, to the old disposition; a
	 * fault also happens again. */
	raise(sig);
	errno = e;
}

static void
fatal_guard(void)
{
	static int installed;
	struct sigaction sa = { .sa_handler = on_fatal };

	if (installed++)
		return;
	sigemptyset(&sa.sa_mask);
	for (size_t i = 0; i < sizeof(fatal_sigs) / sizeof(fatal_sigs[0]); i++)
		sigaction(fatal_sigs[i], &sa, &fatal_old[i]);
}

/*
 * What an exec changes, from /proc/PID/stat (statfd, read again at offset
 * 0): where the code, data, heap, stack, arguments and environment of the
 * process image start and end.  Every exec sets them anew, and with
 * address space randomisation to new values; an exec of the same file
 * with randomisation off may give the same ones, but then the same
 * mappings too.  0 when unreadable (those fields read 0 without the right
 * to trace the process).
 */
static uint64_t
image_key(int statfd)
{
	static const int fields[] = { 26, 27, 28, 45, 46, 47, 48, 49, 50, 51 };
	char buf[1024], *p, *end;
	uint64_t h = 14695981039346656037ULL;
	ssize_t n;
	int f = 2;

	if ((n = pread(statfd, buf, sizeof(buf) - 1, 0)) <= 0)
		return 0;
	buf[n] = '\0';
	/* The command name, field 2, may hold spaces and parentheses. */
	if ((p = strrchr(buf, ')')) == NULL)
		return 0;
	for (size_t i = 0; i < sizeof(fields) / sizeof(fields[0]); i++) {
		while (f < fields[i] && (p = strchr(p + 1, ' ')) != NULL)
			f++;
		if (p == NULL)
			return 0;
		h = (h ^ strtoull(p + 1, &end, 10)) * 1099511628211ULL;
	}
	return h != 0 ? h : 1;
}

/*
 * Stops tid, copies its registers and the top of its stack, notes the
 * process image they belong to in *image (image_key, read while the
 * thread is held, so that an exec cannot come in between), resumes it.
 * A thread that ends meanwhile is reported to us, its tracer: the end of
 * our own child is kept for record_reaped().
 */
static int
snapshot_thread(struct record *r, pid_t tid, int memfd, int statfd, struct sample_record *s,
    unsigned char *stack, size_t size, uint64_t *image)
{
	struct user_regs_struct u;
	int status, ok = 0, sig = 0;
	pid_t w = -1;

	/* An exec that ends while the thread is being stopped stops it at
	 * the exec (PTRACE_EVENT_EXEC) with the new program's registers. */
	if (ptrace(PTRACE_SEIZE, tid, 0, (void *)(long)PTRACE_O_TRACEEXEC) < 0)
		return -1;
	seized_tid = tid;
	/* A signal to prof-record (SIGINT) must not cut the wait short: the
	 * thread would then stop for good, traced, once our detach failed. */
	if (ptrace(PTRACE_INTERRUPT, tid, 0, 0) == 0)
		while ((w = waitpid(tid, &status, __WALL)) < 0 && errno == EINTR)
			;
	if (w == tid && (WIFEXITED(status) || WIFSIGNALED(status))) {
		r->reaped_pid = tid;
		r->reaped_status = status;
		seized_tid = 0;
		errno = ESRCH;
		return -1;
	}
	if (w == tid && WIFSTOPPED(status)) {
		/* A signal that arrived first stopped the thread instead of
		 * our interrupt: it must still be delivered. */
		if (status >> 16 != PTRACE_EVENT_STOP && status >> 16 != PTRACE_EVENT_EXEC)
			sig = WSTOPSIG(status);
		if (ptrace(PTRACE_GETREGS, tid, 0, &u) == 0) {
			ssize_t got = pread(memfd, stack, size, (off_t)u.rsp);
			*image = image_key(statfd);
			regs_from_ptrace(&u, s->regs);
			s->stack = stack;
			s->stack_size = got > 0 ? (uint64_t)got : 0;
			s->user = 1;
			ok = 1;
		}
	}
	ptrace(PTRACE_DETACH, tid, 0, (void *)(long)sig);
	seized_tid = 0;
	return ok ? 0 : -1;
}

/* The state of tid in /proc ('R' running or ready to run, what a CPU
 * profile samples; 'S', 'D', ...), or 0 when it is gone. */
static int
thread_state(pid_t pid, pid_t tid)
{
	char path[64], buf[512];
	const char *paren;
	FILE *fp;
	int state = 0;

	snprintf(path, sizeof(path), "/proc/%d/task/%d/stat", (int)pid, (int)tid);
	if ((fp = fopen(path, "r")) == NULL)
		return 0;
	if (fgets(buf, sizeof(buf), fp) != NULL && (paren = strrchr(buf, ')')) != NULL &&
	    paren[1] == ' ')
		state = (unsigned char)paren[2];
	fclose(fp);
	return state;
}

const char *
record_state_leaf(int state)
{
	switch (state) {
	case 'R':
		return RECORD_RUNNABLE;
	case 'D':
		return RECORD_DISK;
	default:
		return RECORD_SLEEP;
	}
}

/*
 * The process pid as the ptrace sampler follows it: read from /proc at
 * first, and again whenever its image is not the one read (it exec'd:
 * its mappings and thread names are new).
 */
static void
ptrace_follow(struct record *r, pid_t pid, uint64_t image)
{
	struct proc *p = proc_get(r, pid, 0);

	if (p != NULL && (p->image == image || image == 0))
		return;
	if (p != NULL)
		proc_drop(r, p);
	record_attach(r, pid);
	if ((p = proc_get(r, pid, 0)) != NULL)
		p->image = image;
}

/*
 * The ptrace sampler's loop: a snapshot of each thread of pid that which
 * (enum record_ptrace) selects, added, or handed to cb.
 */
static int
ptrace_each(struct record *r, pid_t pid, int which,
    void (*cb)(void *ctx, const struct sample_record *s), void *ctx, char *err, size_t errlen)
{
	enum { STACK = 64 * 1024 };
	char path[64];
	int memfd, statfd, n = 0, failed = 0;
	uint64_t image;
	DIR *d;
	struct dirent *e;

	err[0] = '\0';
	snprintf(path, sizeof(path), "/proc/%d/mem", (int)pid);
	if ((memfd = open(path, O_RDONLY)) < 0) {
		/* ESRCH: exiting, its memory gone before it is a zombie; a
		 * process that ends is no error */
		if (errno == ESRCH || errno == ENOENT)
			return 0;
		snprintf(err, errlen, "%d: cannot read its memory: %s", (int)pid, strerror(errno));
		return -1;
	}
	snprintf(path, sizeof(path), "/proc/%d/stat", (int)pid);
	statfd = open(path, O_RDONLY);
	/* The image before the mappings are read: an exec in between is
	 * seen at the first sample. */
	if (proc_get(r, pid, 0) == NULL)
		ptrace_follow(r, pid, statfd >= 0 ? image_key(statfd) : 0);
	snprintf(path, sizeof(path), "/proc/%d/task", (int)pid);
	if (statfd < 0 || (d = opendir(path)) == NULL) {
		snprintf(err, errlen, "%d: no such process", (int)pid);
		if (statfd >= 0)
			close(statfd);
		close(memfd);
		return -1;
	}
	if (r->stack == NULL)
		r->stack = xmalloc(STACK);
	fatal_guard();
	while ((e = readdir(d)) != NULL) {
		struct sample_record s = { .kind = SAMPLE_SAMPLE };
		if (e->d_name[0] < '0' || e->d_name[0] > '9')
			continue;
		s.pid = (uint32_t)pid;
		s.tid = (uint32_t)atoi(e->d_name);
		if (which != RECORD_PTRACE_ALL) {
			int st = thread_state(pid, (pid_t)s.tid);
			if (which == RECORD_PTRACE_RUNNING ? st != 'R' :
			    which == RECORD_PTRACE_BLOCKED ? st != 'S' && st != 'D' : st == 0)
				continue;
			/* On a CPU or waiting for one: a ptrace sample
			 * cannot tell, and counts it as running. */
			if (which != RECORD_PTRACE_RUNNING && st != 'R')
				s.leaf = record_state_leaf(st);
		}
		if (snapshot_thread(r, (pid_t)s.tid, memfd, statfd, &s, r->stack, STACK, &image) < 0) {
			/* A thread that ended meanwhile is no error. */
			if (errno != ESRCH && failed++ == 0)
				snprintf(err, errlen, "%d: cannot stop thread %u with ptrace: %s "
				    "(kernel.yama.ptrace_scope, or CAP_SYS_PTRACE)", (int)pid, s.tid, strerror(errno));
			continue;
		}
		ptrace_follow(r, pid, image);
		s.time = sample_now();
		if (cb != NULL)
			cb(ctx, &s);
		else
			sample(r, &s);
		n++;
	}
	closedir(d);
	close(statfd);
	close(memfd);
	return n == 0 && failed ? -1 : n;
}

int
record_ptrace_sample(struct record *r, pid_t pid, int which, char *err, size_t errlen)
{
	return ptrace_each(r, pid, which, NULL, NULL, err, errlen);
}

int
record_ptrace_blocked(struct record *r, pid_t pid,
    void (*cb)(void *ctx, const struct sample_record *s), void *ctx, char *err, size_t errlen)
{
	return ptrace_each(r, pid, RECORD_PTRACE_BLOCKED, cb, ctx, err, errlen);
}

int
record_threads(struct record *r, pid_t pid, char *err, size_t errlen)
{
	int n = record_ptrace_sample(r, pid, 0, err, errlen);

	if (n == 0 && err[0] == '\0')
		snprintf(err, errlen, "%d: no thread could be read", (int)pid);
	return n > 0 ? n : -1;
}

int
record_reaped(struct record *r, pid_t pid, int *status)
{
	if (r->reaped_pid != pid || pid <= 0)
		return 0;
	*status = r->reaped_status;
	r->reaped_pid = 0;
	return 1;
}

uint64_t
record_samples(const struct record *r)
{
	return r->samples;
}

count_t
record_counted(const struct record *r)
{
	return r->counted;
}

const char *
record_ksym(struct record *r, uint64_t addr)
{
	if (r->ksyms == NULL)
		r->ksyms = ksym_load(NULL);
	return ksym_name(r->ksyms, addr);
}

uint64_t
record_truncated(const struct record *r)
{
	return r->truncated;
}

uint64_t
record_disagreed(const struct record *r, uint64_t *compared)
{
	*compared = r->compared;
	return r->disagreed;
}

void
record_free(struct record *r)
{
	struct proc *p, *ptmp;
	struct thread *t, *ttmp;

	if (r == NULL)
		return;
	HASH_ITER(hh, r->procs, p, ptmp)
		proc_drop(r, p);
	HASH_ITER(hh, r->threads, t, ttmp) {
		HASH_DEL(r->threads, t);
		free(t);
	}
	ksym_free(r->ksyms);
	free(r->stack);
	stackname_buf_free(&r->name);
	free(r);
}
