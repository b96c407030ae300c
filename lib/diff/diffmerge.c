#define _GNU_SOURCE  /* O_TMPFILE */
#include "diff/diffmerge.h"

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/util.h"
#include "folded/folded.h"
#include "input/input.h"

int
diffmerge_spill(int fd, const char *name)
{
	struct stat st;
	const char *dir = getenv("TMPDIR");
	char buf[1 << 16];
	ssize_t n;
	int t;

	if (fstat(fd, &st) < 0 || S_ISREG(st.st_mode))
		return fd;
	if ((t = open(dir && *dir ? dir : "/tmp", O_TMPFILE | O_RDWR, 0600)) < 0)
		return fd;
	while ((n = read(fd, buf, sizeof(buf))) != 0) {
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			die("%s: read error:", name);
		for (ssize_t off = 0; off < n;) {
			ssize_t w = write(t, buf + off, (size_t)(n - off));
			if (w < 0 && errno != EINTR)
				die("%s: cannot keep a copy in a temporary file:", name);
			off += w > 0 ? w : 0;
		}
	}
	if (lseek(t, 0, SEEK_SET) != 0)
		die("%s: cannot read back the temporary copy:", name);
	return t;
}

/* A regular file of folded stacks, which can be read twice. */
static int
rereadable(int fd)
{
	struct stat st;
	char buf[65536];
	ssize_t n;

	if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode))
		return 0;
	n = pread(fd, buf, sizeof(buf), 0);
	return n > 0 && folded_detect(buf, (size_t)n);
}

/* Reads fs to its end, or to its first stack out of order. */
static void *
scan(void *arg)
{
	struct stream *fs = arg;
	struct folded_line l;

	while (stream_next(fs, &l) > 0 && fs->sorted)
		;
	return NULL;
}

int
diffmerge_open(struct diffmerge *m, int fd[2], const char *name[2], int jobs)
{
	pthread_t th;
	int threaded;

	if (!rereadable(fd[0]) || !rereadable(fd[1]) || input_is_pprof(fd[0]) ||
	    input_is_pprof(fd[1]))
		return -1;
	for (int i = 0; i < 2; i++) {
		stream_open(&m->fs[i], fd[i], name[i], FOLDED_UNKNOWN);
		m->fs[i].quiet = 1;
	}
	threaded = jobs > 1 && pthread_create(&th, NULL, scan, &m->fs[1]) == 0;
	scan(&m->fs[0]);
	if (threaded)
		pthread_join(th, NULL);
	else
		scan(&m->fs[1]);
	if (m->fs[0].error || m->fs[1].error || !m->fs[0].sorted || !m->fs[1].sorted) {
		int unsorted = !m->fs[0].error && !m->fs[1].error;

		diffmerge_close(m);
		return unsorted ? 1 : -1;
	}
	/* what the first reading found: the second finds the same */
	for (int i = 0; i < 2; i++) {
		struct stream *fs = &m->fs[i];

		folded_report(name[i], fs->bad, fs->first_bad, fs->why, fs->rounded, fs->first_rounded);
		m->total[i] = fs->total[0];
	}
	return 0;
}

void
diffmerge_rewind(struct diffmerge *m)
{
	if (stream_rewind(&m->fs[0]) < 0 || stream_rewind(&m->fs[1]) < 0)
		die("%s, %s: cannot read again:", m->fs[0].name, m->fs[1].name);
}

void
diffmerge_close(struct diffmerge *m)
{
	stream_close(&m->fs[0]);
	stream_close(&m->fs[1]);
}
