/*
 * sample-test: drives lib/record/sample for t/1010-record-sample.t.
 *
 *   sample-test [options] [--] COMMAND [ARG...]
 *                           runs COMMAND (it waits on a pipe until the events
 *                           are open, then execs) and records until it exits
 *   sample-test [options] -p PID[,PID...]
 *                           records running processes for -t seconds, or
 *                           until they have exited
 *
 *   -F HZ        frequency (999)          -s BYTES  stack copy (16384)
 *   -b PAGES     ring pages per CPU       -i MS     poll timeout (100)
 *   -k           kernel callchains        -t SECS   -p: how long (1)
 *   -d MS        a slow reader: sleeps MS, then reads without waiting
 *   -u           -p: sends SIGUSR1 to the processes once the events are open
 *   -P NAME      the program's file name: counts samples in its mappings
 *   -f OFF:END   hex file offsets of a function in NAME: counts samples in it
 *   -m HEX       a u64 the sampled function keeps on its stack: counts
 *                samples whose stack copy holds it
 *   -v           prints every record but samples, one a line, and at the
 *                end "SAMPLES PID TID COUNT" for every thread sampled
 *   -n           runs COMMAND without recording (a baseline for overhead)
 *
 * At the end it prints "name value" lines: sample_lost and sample_throttled
 * (lost_total, throttled), sample_kernel_refused (kernel_refused, "-" for
 * NULL), the event, the count of each record kind, the
 * distinct tids sampled, the counts -P, -f and -m ask for, samples in no
 * mapping known at their time (unmapped), the largest stack copy, the CPU
 * time of COMMAND (with its status) or of the -p processes while recorded
 * (from schedstat, while they live), the time spent and the reader's own
 * CPU time.  It checks, and exits 3 after printing if any check fails:
 * timestamps never decrease; every sample has user regs, an IP and SP, and
 * a stack copy (0 < size <= -s); kernel frames are kernel addresses, and
 * only with -k.  The mappings a sample is looked up in are those of MMAP
 * records before it (inherited on FORK, dropped at exec), and for -p what
 * /proc/PID/maps said at the start.
 */
#include <dirent.h>
#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/resource.h>
#include <sys/time.h>
#include <sys/wait.h>

#include <linux/perf_event.h>

#include "core/util.h"
#include "record/sample.h"

struct map {
	uint32_t pid;
	uint64_t addr, end, pgoff;
	int prog;                       /* the file -P names */
};

static struct map *maps;
static size_t nmaps;
static struct { uint32_t pid, tid; uint64_t n; } *tids;
static size_t ntids;

static struct sample_opts opts = { .freq = 999, .stack_size = 16384 };
static const char *prog_name;
static uint64_t fn_start, fn_end, magic;
static int verbose, bad;
static uint64_t last_time;
static uint64_t n_kind[8], n_exec, n_user, n_prog, n_fn, n_magic, n_kchain,
    n_unmapped, max_stack;

static void
fail(const char *fmt, ...)
{
	va_list ap;

	if (bad++ >= 10)
		return;
	fprintf(stderr, "sample-test: ");
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}

static int
is_prog(const char *file)
{
	const char *base = strrchr(file, '/');

	return prog_name != NULL && strcmp(base ? base + 1 : file, prog_name) == 0;
}

static void
map_add(uint32_t pid, uint64_t addr, uint64_t len, uint64_t pgoff, const char *file)
{
	maps = xrealloc(maps, (nmaps + 1) * sizeof(*maps));
	maps[nmaps++] = (struct map){ pid, addr, addr + len, pgoff, is_prog(file) };
}

static const struct map *
map_find(uint32_t pid, uint64_t ip)
{
	/* The latest mapping wins, as in the process. */
	for (size_t i = nmaps; i > 0; i--)
		if (maps[i - 1].pid == pid && ip >= maps[i - 1].addr && ip < maps[i - 1].end)
			return &maps[i - 1];
	return NULL;
}

static void
maps_fork(uint32_t parent, uint32_t child)
{
	size_t n = nmaps;

	for (size_t i = 0; i < n; i++)
		if (maps[i].pid == parent) {
			maps = xrealloc(maps, (nmaps + 1) * sizeof(*maps));
			maps[nmaps] = maps[i];
			maps[nmaps++].pid = child;
		}
}

static void
maps_drop(uint32_t pid)
{
	size_t j = 0;

	for (size_t i = 0; i < nmaps; i++)
		if (maps[i].pid != pid)
			maps[j++] = maps[i];
	nmaps = j;
}

/* The executable mappings of a running process, as unwind.c reads them. */
static void
maps_read(pid_t pid)
{
	char path[64], line[4096], perm[8], file[4096];
	unsigned long long a, b, off;
	FILE *f;

	snprintf(path, sizeof(path), "/proc/%d/maps", (int)pid);
	if ((f = fopen(path, "r")) == NULL)
		return;         /* sample_open says what is wrong */
	while (fgets(line, sizeof(line), f) != NULL) {
		file[0] = '\0';
		if (sscanf(line, "%llx-%llx %7s %llx %*s %*s %4095s", &a, &b, perm, &off, file) >= 4 &&
		    perm[2] == 'x')
			map_add((uint32_t)pid, a, b - a, off, file);
	}
	fclose(f);
}

static void
tid_seen(uint32_t pid, uint32_t tid)
{
	size_t i;

	for (i = 0; i < ntids && tids[i].tid != tid; i++)
		;
	if (i == ntids) {
		tids = xrealloc(tids, (ntids + 1) * sizeof(*tids));
		tids[ntids++].n = 0;
	}
	tids[i].pid = pid;
	tids[i].tid = tid;
	tids[i].n++;
}

static void
sample(const struct sample_record *r)
{
	const struct map *m;
	uint64_t ip = r->regs[PERF_REG_X86_IP], off;

	if (!r->user || ip == 0 || r->regs[PERF_REG_X86_SP] == 0) {
		fail("sample %u/%u at %" PRIu64 ": no user regs", r->pid, r->tid, r->time);
		return;
	}
	n_user++;
	if (r->stack_size == 0 || r->stack_size > opts.stack_size)
		fail("sample %u/%u: stack of %" PRIu64 " bytes", r->pid, r->tid, r->stack_size);
	if (r->stack_size > max_stack)
		max_stack = r->stack_size;
	if (r->nkchain > 0) {
		n_kchain++;
		if (!opts.kernel)
			fail("kernel frames without -k");
	}
	for (size_t i = 0; i < r->nkchain; i++)
		if (r->kchain[i] < 0xffff800000000000ULL || r->kchain[i] >= (uint64_t)PERF_CONTEXT_MAX)
			fail("kernel frame %#" PRIx64, r->kchain[i]);
	if (magic != 0)
		for (uint64_t i = 0; i + 8 <= r->stack_size; i += 8)
			if (memcmp(r->stack + i, &magic, 8) == 0) {
				n_magic++;
				break;
			}
	tid_seen(r->pid, r->tid);
	if ((m = map_find(r->pid, ip)) == NULL) {
		n_unmapped++;
		return;
	}
	if (m->prog) {
		n_prog++;
		off = ip - m->addr + m->pgoff;
		n_fn += off >= fn_start && off < fn_end;
	}
}

static const char *kind_name[] = { "sample", "mmap", "comm", "fork", "exit", "lost" };

static void
record(void *ctx, const struct sample_record *r)
{
	if (r->time < last_time)
		fail("%s at %" PRIu64 " after %" PRIu64, kind_name[r->kind], r->time, last_time);
	last_time = r->time;
	if (r->kind < 0 || r->kind > SAMPLE_LOST) {
		fail("kind %d", r->kind);
		return;
	}
	n_kind[r->kind]++;
	switch (r->kind) {
	case SAMPLE_SAMPLE:
		sample(r);
		break;
	case SAMPLE_MMAP:
		if (r->filename[0] == '\0' || r->len == 0 || r->build_id_size > 20)
			fail("mmap %#" PRIx64 " %s", r->addr, r->filename);
		map_add(r->pid, r->addr, r->len, r->pgoff, r->filename);
		if (verbose) {
			printf("MMAP %u %u %#" PRIx64 " %#" PRIx64 " %#" PRIx64 " %s ",
			    r->pid, r->tid, r->addr, r->len, r->pgoff, r->filename);
			for (size_t i = 0; i < r->build_id_size; i++)
				printf("%02x", r->build_id[i]);
			printf("%s\n", r->build_id_size ? "" : "-");
		}
		break;
	case SAMPLE_COMM:
		if (r->exec) {
			n_exec++;
			maps_drop(r->pid);
		}
		if (verbose)
			printf("COMM %u %u %d %s\n", r->pid, r->tid, r->exec, r->comm);
		break;
	case SAMPLE_FORK:
		if (r->pid != r->ppid)
			maps_fork(r->ppid, r->pid);
		if (verbose)
			printf("FORK %u %u %u %u\n", r->pid, r->ppid, r->tid, r->ptid);
		break;
	case SAMPLE_EXIT:
		if (verbose)
			printf("EXIT %u %u\n", r->pid, r->tid);
		break;
	case SAMPLE_LOST:
		if (verbose)
			printf("LOST %" PRIu64 "\n", r->lost);
		break;
	}
}

/* A process that has exited, even if not yet reaped. */
static int
gone(pid_t pid)
{
	char path[64], buf[512], *p;
	FILE *f;
	int z = 1;

	snprintf(path, sizeof(path), "/proc/%d/stat", (int)pid);
	if ((f = fopen(path, "r")) == NULL)
		return 1;
	if (fgets(buf, sizeof(buf), f) != NULL && (p = strrchr(buf, ')')) != NULL)
		z = p[1] == ' ' && (p[2] == 'Z' || p[2] == 'X');
	fclose(f);
	return z;
}

/* The CPU time of every thread of pid, from schedstat (ns, exact). */
static double
cpu_us(pid_t pid)
{
	char path[64], buf[512];
	struct dirent *d;
	unsigned long long ns, sum = 0;
	FILE *f;
	DIR *dir;

	snprintf(path, sizeof(path), "/proc/%d/task", (int)pid);
	if ((dir = opendir(path)) == NULL)
		return 0;
	while ((d = readdir(dir)) != NULL) {
		if (d->d_name[0] == '.')
			continue;
		snprintf(buf, sizeof(buf), "%s/%s/schedstat", path, d->d_name);
		if ((f = fopen(buf, "r")) == NULL)
			continue;
		if (fscanf(f, "%llu", &ns) == 1)
			sum += ns;
		fclose(f);
	}
	closedir(dir);
	return sum / 1e3;
}

static double
now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

static double
tv_us(struct timeval tv)
{
	return tv.tv_sec * 1e6 + tv.tv_usec;
}

static long
number(const char *s, int base)
{
	char *end;
	long v;

	errno = 0;
	v = strtol(s, &end, base);
	if (errno != 0 || end == s || *end != '\0' || v < 0)
		die("bad number: %s", s);
	return v;
}

int
main(int argc, char **argv)
{
	struct sample_session *s;
	struct rusage ru = { 0 }, self;
	const char *event = "?";
	char err[512], *end, *p;
	pid_t pids[16], child = 0;
	int npids = 0, c, go[2], status = -1, timeout = 100, dry = 0, delay = 0, cue = 0;
	double secs = 1, t0, cpu0 = 0, cpu1 = 0;

	util_setprog("sample-test");
	while ((c = getopt(argc, argv, "F:P:b:d:f:i:km:np:s:t:uv")) != -1) {
		switch (c) {
		case 'F': opts.freq = (int)number(optarg, 10); break;
		case 'P': prog_name = optarg; break;
		case 'b': opts.buffer_pages = (size_t)number(optarg, 10); break;
		case 'd': delay = (int)number(optarg, 10); break;
		case 'f':
			fn_start = strtoull(optarg, &end, 16);
			if (*end != ':')
				die("-f: START:END in hex");
			fn_end = strtoull(end + 1, NULL, 16);
			break;
		case 'i': timeout = (int)number(optarg, 10); break;
		case 'k': opts.kernel = 1; break;
		case 'm': magic = strtoull(optarg, NULL, 16); break;
		case 'n': dry = 1; break;
		case 'p':
			for (p = strtok(optarg, ","); p != NULL && npids < 16; p = strtok(NULL, ","))
				pids[npids++] = (pid_t)number(p, 10);
			break;
		case 's': opts.stack_size = (uint32_t)number(optarg, 10); break;
		case 't': secs = strtod(optarg, NULL); break;
		case 'u': cue = 1; break;
		case 'v': verbose = 1; break;
		default:
			fprintf(stderr, "usage: sample-test [-knuv] [-F hz] [-P name] [-b pages] [-d ms] "
			    "[-f off:end] [-i ms] [-m hex] [-s bytes] [-t secs] (-p pid | command)\n");
			return 2;
		}
	}
	argc -= optind;
	argv += optind;
	if ((npids == 0) == (argc == 0))
		die("a command or -p, not both");

	if (argc > 0) {
		if (pipe(go) != 0)
			die("pipe:");
		if ((child = fork()) < 0)
			die("fork:");
		if (child == 0) {
			char x;
			close(go[1]);
			if (read(go[0], &x, 1) != 1)
				_exit(126);
			execvp(argv[0], argv);
			_exit(127);
		}
		close(go[0]);
		pids[npids++] = child;
	} else {
		for (int i = 0; i < npids; i++)
			maps_read(pids[i]);
	}

	/* As prof-record's reader: what the test counts is then not what a
	 * reader starved by a busy machine let the kernel drop. */
	sample_reader_priority();

	if (dry) {
		s = NULL;
	} else if ((s = sample_open(&opts, pids, npids, child > 0, &event, err, sizeof(err))) == NULL) {
		if (child > 0)
			kill(child, SIGKILL);
		die("%s", err);
	}
	if (child > 0) {
		if (write(go[1], "x", 1) != 1)
			die("write:");
		close(go[1]);
	}
	for (int i = 0; i < npids && child == 0; i++) {
		cpu0 += cpu_us(pids[i]);
		if (cue)
			kill(pids[i], SIGUSR1);
	}
	t0 = now();
	for (;;) {
		if (delay > 0)
			usleep(delay * 1000);
		if (s != NULL)
			sample_read(s, delay > 0 ? 0 : timeout, record, NULL);
		else if (delay == 0)
			usleep(timeout * 1000);
		if (child > 0) {
			if (wait4(child, &status, WNOHANG, &ru) == child)
				break;
		} else {
			int alive = 0;
			for (int i = 0; i < npids; i++)
				alive += !gone(pids[i]);
			if (alive == 0 || now() - t0 >= secs)
				break;
		}
	}
	for (int i = 0; i < npids && child == 0; i++)
		cpu1 += cpu_us(pids[i]);
	if (s != NULL) {
		sample_drain(s, record, NULL);
		printf("lost_total %" PRIu64 "\nthrottled %" PRIu64 "\n", sample_lost(s), sample_throttled(s));
		printf("kernel_refused %s\n", sample_kernel_refused(s) ? sample_kernel_refused(s) : "-");
		sample_close(s);
	}
	getrusage(RUSAGE_SELF, &self);

	printf("event %s\n", event);
	for (int k = 0; k <= SAMPLE_LOST; k++)
		printf("%s %" PRIu64 "\n", kind_name[k], n_kind[k]);
	printf("exec %" PRIu64 "\nuser %" PRIu64 "\ntids %zu\n", n_exec, n_user, ntids);
	printf("in_prog %" PRIu64 "\nin_fn %" PRIu64 "\nmagic %" PRIu64 "\n", n_prog, n_fn, n_magic);
	printf("kchain %" PRIu64 "\nunmapped %" PRIu64 "\nmax_stack %" PRIu64 "\n",
	    n_kchain, n_unmapped, max_stack);
	if (child > 0)
		printf("status %d\nchild_cpu_us %.0f\n",
		    WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status),
		    tv_us(ru.ru_utime) + tv_us(ru.ru_stime));
	else if (cpu1 > cpu0)   /* not when they have exited */
		printf("target_cpu_us %.0f\n", cpu1 - cpu0);
	printf("elapsed_ms %.0f\n", (now() - t0) * 1e3);
	for (size_t i = 0; verbose && i < ntids; i++)
		printf("SAMPLES %u %u %" PRIu64 "\n", tids[i].pid, tids[i].tid, tids[i].n);
	printf("reader_cpu_us %.0f\n", tv_us(self.ru_utime) + tv_us(self.ru_stime));
	if (fflush(stdout) != 0 || ferror(stdout))
		die("stdout:");
	free(maps);
	free(tids);
	return bad ? 3 : 0;
}
