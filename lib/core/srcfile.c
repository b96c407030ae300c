/* srcfile: a source file read from under a directory only.  See srcfile.h. */
#define _GNU_SOURCE
#include "core/srcfile.h"

#include <dirent.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/util.h"
#include "core/xmlsafe.h"

static void
find(const char *dir, const char *base, int depth, char **best, int *count)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	struct stat st;
	char *p;

	if (d == NULL)
		return;
	while ((e = readdir(d)) != NULL) {
		if (e->d_name[0] == '.')
			continue;
		p = xasprintf("%s/%s", dir, e->d_name);
		/* a linked directory may lead anywhere: not walked */
		if (lstat(p, &st) == 0 && S_ISDIR(st.st_mode)) {
			if (depth < SRCFILE_DEPTH)
				find(p, base, depth + 1, best, count);
		} else if ((S_ISREG(st.st_mode) || S_ISLNK(st.st_mode)) && strcmp(e->d_name, base) == 0) {
			++*count;
			if (*best == NULL || strcmp(p, *best) < 0) {
				free(*best);
				*best = p;
				p = NULL;
			}
		}
		free(p);
	}
	closedir(d);
}

/*
 * Opens path for reading if it is a regular file whose real path lies
 * under root, the real path of the directory.  Returns the stream, or
 * NULL.
 */
static FILE *
open_under(const char *path, const char *root)
{
	char proc[64], real[PATH_MAX];
	struct stat st;
	size_t n = strlen(root);
	ssize_t len;
	FILE *fp;
	/* O_PATH: the file is looked at before it is opened, so that a FIFO
	 * or a device (whose open may do something, as root) never is */
	int fd = open(path, O_PATH | O_CLOEXEC), rfd = -1;

	if (fd < 0)
		return NULL;
	/* the file found, not the name: no link can be swapped in after */
	snprintf(proc, sizeof(proc), "/proc/self/fd/%d", fd);
	if ((len = readlink(proc, real, sizeof(real) - 1)) > 0)
		real[len] = '\0';
	else
		goto refuse;
	if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode) || st.st_size > SRCFILE_MAX)
		goto refuse;
	if (strcmp(root, "/") != 0 && (strncmp(real, root, n) != 0 || real[n] != '/'))
		goto refuse;
	/* reopened through the descriptor: the same regular file */
	if ((rfd = open(proc, O_RDONLY | O_NONBLOCK | O_CLOEXEC)) < 0)
		goto refuse;
	close(fd);
	if ((fp = fdopen(rfd, "r")) != NULL)
		return fp;
	close(rfd);
	return NULL;
refuse:
	close(fd);
	return NULL;
}

int
srcfile_load(struct srcfile *s, const char *name, const char *dir)
{
	const char *base = strrchr(name, '/') ? strrchr(name, '/') + 1 : name;
	struct stat st;
	char *p, root[PATH_MAX];
	int count = 0;
	FILE *fp;
	size_t len = 0, cap = 0, lcap = 0;

	memset(s, 0, sizeof(*s));
	s->name = xstrdup(name);
	if (realpath(dir, root) == NULL)
		return -1;
	p = xasprintf("%s/%s", dir, name);
	if (*name != '\0' && stat(p, &st) == 0 && S_ISREG(st.st_mode))
		s->path = p;
	else {
		free(p);
		find(dir, base, 0, &s->path, &count);
		s->ambiguous = count > 1;
	}
	if (s->path == NULL || (fp = open_under(s->path, root)) == NULL) {
		free(s->path);
		s->path = NULL;
		return -1;
	}
	s->text = xmalloc(1);
	for (;;) {
		if (len + 65536 > cap)
			s->text = xrealloc(s->text, cap = 2 * (len + 65536));
		size_t k = fread(s->text + len, 1, cap - len - 1, fp);
		len += k;
		/* the file may have grown since fstat: still no more than the limit */
		if (k == 0 || len > SRCFILE_MAX)
			break;
	}
	fclose(fp);
	s->text[len] = '\0';
	for (char *q = s->text; q < s->text + len; ) {
		char *nl = memchr(q, '\n', s->text + len - q);

		if (s->n == lcap)
			s->lines = xreallocarray(s->lines, lcap = lcap ? 2 * lcap : 256, sizeof(*s->lines));
		s->lines[s->n++] = q;
		if (nl == NULL)
			break;
		*nl = '\0';
		if (nl > q && nl[-1] == '\r')
			nl[-1] = '\0';
		q = nl + 1;
	}
	return 0;
}

void
srcfile_free(struct srcfile *s)
{
	free(s->name);
	free(s->path);
	free(s->text);
	free(s->lines);
	memset(s, 0, sizeof(*s));
}

char *
srcfile_show(const char *line)
{
	size_t n = strlen(line), col = 0, o = 0;
	char *exp = xreallocarray(NULL, n + 1, 8), *out;

	for (size_t i = 0; i < n; i++) {
		if (line[i] == '\t') {
			do
				exp[o++] = ' ';
			while (++col % 8);
		} else {
			exp[o++] = line[i];
			col++;
		}
	}
	out = xmlsafe_cleandup(exp, o, NULL);
	free(exp);
	return out;
}
