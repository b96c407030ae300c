#define _GNU_SOURCE
#include "outfile.h"

#include <errno.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "util.h"

static FILE *out_fp;
static char *out_path;            /* NULL for stdout */
static char *tmp_path;
static volatile sig_atomic_t tmp_live;

static void
remove_tmp(void)
{
	if (tmp_live) {
		unlink(tmp_path);
		tmp_live = 0;
	}
}

static void
on_signal(int sig)
{
	if (tmp_live)
		unlink(tmp_path);
	signal(sig, SIG_DFL);
	raise(sig);
}

FILE *
outfile_open(const char *path)
{
	static char iobuf[1 << 16];
	int fd;

	if (strcmp(path, "-") == 0) {
		out_fp = stdout;
		setvbuf(stdout, NULL, _IOFBF, 1 << 16);
		return out_fp;
	}
	out_path = xstrdup(path);
	tmp_path = xmalloc(strlen(path) + 16);
	sprintf(tmp_path, "%s.tmp.XXXXXX", path);
	fd = mkstemp(tmp_path);
	if (fd < 0)
		die("%s: cannot create:", path);
	tmp_live = 1;
	atexit(remove_tmp);
	signal(SIGINT, on_signal);
	signal(SIGTERM, on_signal);
	signal(SIGHUP, on_signal);
	/* mkstemp makes the file 0600; an output file gets the usual mode. */
	{
		mode_t mask = umask(0);
		umask(mask);
		fchmod(fd, 0666 & ~mask);
	}
	out_fp = fdopen(fd, "w");
	if (out_fp == NULL)
		die("%s: cannot open:", tmp_path);
	setvbuf(out_fp, iobuf, _IOFBF, sizeof(iobuf));
	return out_fp;
}

int
outfile_commit(void)
{
	if (out_path == NULL)
		return util_fshut(stdout, "stdout");
	if (util_fshut(out_fp, out_path) < 0) {
		remove_tmp();
		return -1;
	}
	if (rename(tmp_path, out_path) < 0) {
		warn("%s: cannot rename %s into place:", out_path, tmp_path);
		remove_tmp();
		return -1;
	}
	tmp_live = 0;
	return 0;
}

/* mkdir -p */
static int
make_dirs(char *dir)
{
	struct stat st;

	for (char *p = dir + 1; *p != '\0'; p++) {
		if (*p != '/')
			continue;
		*p = '\0';
		if (mkdir(dir, 0777) < 0 && errno != EEXIST) {
			*p = '/';
			return -1;
		}
		*p = '/';
	}
	if (mkdir(dir, 0777) < 0 && errno != EEXIST)
		return -1;
	if (stat(dir, &st) < 0)
		return -1;
	if (!S_ISDIR(st.st_mode)) {
		errno = ENOTDIR;
		return -1;
	}
	return 0;
}


int
outfile_save(const char *path, const void *buf, size_t len, int mkdirs)
{
	char *dir = xstrdup(path), *slash = strrchr(dir, '/'), *tmp;
	mode_t mask;
	FILE *fp;
	int fd, ret = -1;

	if (mkdirs && slash != NULL && slash != dir) {
		*slash = '\0';
		if (make_dirs(dir) < 0) {
			warn("%s: cannot make the directory:", dir);
			free(dir);
			return -1;
		}
	}
	free(dir);
	if (asprintf(&tmp, "%s.tmp.XXXXXX", path) < 0)
		die("out of memory");
	if ((fd = mkstemp(tmp)) < 0) {
		warn("%s: cannot create a file beside it:", path);
		free(tmp);
		return -1;
	}
	/* mkstemp makes the file 0600; a saved file gets the usual mode. */
	mask = umask(0);
	umask(mask);
	fchmod(fd, 0666 & ~mask);
	if ((fp = fdopen(fd, "w")) == NULL) {
		warn("%s: cannot open:", tmp);
		close(fd);
	} else if (((fwrite(buf, 1, len, fp) != len) | util_fshut(fp, path)) == 0) {
		/* util_fshut closes fp and reports a write error in any case */
		if (rename(tmp, path) == 0)
			ret = 0;
		else
			warn("%s: cannot rename %s into place:", path, tmp);
	}
	if (ret < 0)
		unlink(tmp);
	free(tmp);
	return ret;
}
