/*
 * jit.c: a JIT in small, as Node.js or Python 3.12 make theirs visible to
 * profilers: machine code generated at run time in anonymous memory
 * (written, then made executable), described in /tmp/perf-PID.map, run.
 *
 *   jit SECONDS [OUTER [INNER]]   names the two functions OUTER and INNER
 *                                 (default jit_outer, jit_inner)
 *   jit SECONDS -                 writes no map
 *
 * run_jit() (compiled, no frame pointer) calls outer (generated), which
 * calls inner (generated), which spins.  Both keep frame pointers (push
 * rbp; mov rbp, rsp) and have no CFI, so only their frame pointers unwind
 * them.  The map names outer from the start; inner's line is appended
 * after a quarter of the time, as a JIT adds code it compiles later.  The
 * map is removed at exit.  x86-64 only.  Times are CPU time.
 */
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>

static volatile uint64_t sink;
static char map[64];

static const unsigned char outer_code[] = {
	0x55,                   /* push %rbp */
	0x48, 0x89, 0xe5,       /* mov %rsp,%rbp */
	0xe8, 0, 0, 0, 0,       /* call inner (rel32 set below) */
	0x5d,                   /* pop %rbp */
	0xc3,                   /* ret */
};
static const unsigned char inner_code[] = {
	0x55,                   /* push %rbp */
	0x48, 0x89, 0xe5,       /* mov %rsp,%rbp */
	0x48, 0xff, 0xcf,       /* 1: dec %rdi */
	0x75, 0xfb,             /* jne 1b */
	0x5d,                   /* pop %rbp */
	0xc3,                   /* ret */
};
enum { INNER_AT = 64 };

static double
cpu_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void
unlink_map(void)
{
	unlink(map);
}

/* One line of the map, as a JIT writes it: "START SIZE NAME". */
static void
map_line(const void *start, size_t size, const char *name)
{
	char line[256];
	int fd, n;

	if ((fd = open(map, O_WRONLY | O_CREAT | O_APPEND | O_NOFOLLOW | O_CLOEXEC, 0644)) < 0) {
		perror(map);
		exit(1);
	}
	n = snprintf(line, sizeof(line), "%lx %zx ", (unsigned long)(uintptr_t)start, size);
	if (write(fd, line, (size_t)n) != n || write(fd, name, strlen(name)) != (ssize_t)strlen(name) ||
	    write(fd, "\n", 1) != 1) {
		perror(map);
		exit(1);
	}
	close(fd);
}

__attribute__((noipa)) void
run_jit(void (*f)(uint64_t), uint64_t n)
{
	f(n);
	sink++;
}

int
main(int argc, char *argv[])
{
	const char *outer = argc > 2 ? argv[2] : "jit_outer";
	const char *inner = argc > 3 ? argv[3] : "jit_inner";
	int write_map = !(argc > 2 && strcmp(argv[2], "-") == 0);
	double seconds, start, end;
	unsigned char *code;
	int32_t rel;

	if (argc < 2 || (seconds = atof(argv[1])) <= 0) {
		fprintf(stderr, "usage: jit SECONDS [OUTER [INNER] | -]\n");
		return 2;
	}
	code = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (code == MAP_FAILED) {
		perror("mmap");
		return 1;
	}
	memcpy(code, outer_code, sizeof(outer_code));
	rel = INNER_AT - 9;
	memcpy(code + 5, &rel, 4);
	memcpy(code + INNER_AT, inner_code, sizeof(inner_code));
	if (mprotect(code, 4096, PROT_READ | PROT_EXEC) != 0) {
		perror("mprotect");
		return 1;
	}
	if (write_map) {
		snprintf(map, sizeof(map), "/tmp/perf-%d.map", (int)getpid());
		unlink(map);
		atexit(unlink_map);
		map_line(code, sizeof(outer_code), outer);
	}
	start = cpu_now();
	end = start + seconds;
	while (cpu_now() < end) {
		run_jit((void (*)(uint64_t))(uintptr_t)code, 1 << 22);
		if (write_map && inner != NULL && cpu_now() >= start + seconds / 4) {
			map_line(code + INNER_AT, sizeof(inner_code), inner);
			inner = NULL;
		}
	}
	return 0;
}
