/*
 * plan: the hot lines of the tasks, quoted from the sources (--source),
 * and the rules' source patterns checked on them.  See plan.h.
 *
 * A profile names a file by its base name (prof-record) or by a path
 * (perf, other tools): a path is tried under the directory as it is, then
 * the base name is looked for in the whole tree (8 levels, hidden
 * directories skipped); of several files with that name the first in
 * bytewise order is used and the evidence says the name was ambiguous.
 * A file is quoted only when its real path lies under the directory's
 * (open_under): "../../etc/shadow" or a link out of the tree is not read.
 */
#define _GNU_SOURCE
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
#include "plan/plan.h"

/* A source file's lines, read once for all the tasks that need it. */
struct src {
	char *name;              /* as the profile has it */
	char *path;              /* found, or NULL */
	int ambiguous;
	char *text;
	char **lines;            /* NUL-terminated, in text */
	size_t n;
};

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
			if (depth < 8)
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
 * Opens path for reading if it is a regular file whose real path (after
 * ".." and symbolic links) lies under root, the real path of the source
 * directory: a location in a profile is data from another machine, never
 * a path to trust.  Returns the stream, or NULL.
 */
static FILE *
open_under(const char *path, const char *root)
{
	char proc[64], real[PATH_MAX];
	struct stat st;
	size_t n = strlen(root);
	ssize_t len;
	FILE *fp;
	/* O_NONBLOCK: a FIFO must not hang the plan */
	int fd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC);

	if (fd < 0)
		return NULL;
	/* the file opened, not the name: no link can be swapped in after */
	snprintf(proc, sizeof(proc), "/proc/self/fd/%d", fd);
	if ((len = readlink(proc, real, sizeof(real) - 1)) > 0)
		real[len] = '\0';
	else if (realpath(path, real) == NULL)
		goto refuse;
	if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode) || st.st_size > PLAN_SOURCE_MAX)
		goto refuse;
	if (strcmp(root, "/") != 0 && (strncmp(real, root, n) != 0 || real[n] != '/'))
		goto refuse;
	if ((fp = fdopen(fd, "r")) != NULL)
		return fp;
refuse:
	close(fd);
	return NULL;
}

static void
src_load(struct src *s, const char *dir)
{
	const char *base = strrchr(s->name, '/') ? strrchr(s->name, '/') + 1 : s->name;
	struct stat st;
	char *p, root[PATH_MAX];
	int count = 0;
	FILE *fp;
	size_t len = 0, cap = 0;

	if (realpath(dir, root) == NULL)
		return;
	p = xasprintf("%s/%s", dir, s->name);
	if (*s->name != '\0' && stat(p, &st) == 0 && S_ISREG(st.st_mode))
		s->path = p;
	else {
		free(p);
		find(dir, base, 0, &s->path, &count);
		s->ambiguous = count > 1;
	}
	if (s->path == NULL || (fp = open_under(s->path, root)) == NULL) {
		free(s->path);
		s->path = NULL;
		return;
	}
	s->text = xmalloc(1);
	for (;;) {
		if (len + 65536 > cap)
			s->text = xrealloc(s->text, cap = 2 * (len + 65536));
		size_t k = fread(s->text + len, 1, cap - len - 1, fp);
		len += k;
		if (k == 0 || len > PLAN_SOURCE_MAX)
			break;
	}
	fclose(fp);
	s->text[len] = '\0';
	for (char *q = s->text; q < s->text + len; ) {
		char *nl = memchr(q, '\n', s->text + len - q);

		s->lines = xreallocarray(s->lines, s->n + 1, sizeof(*s->lines));
		s->lines[s->n++] = q;
		if (nl == NULL)
			break;
		*nl = '\0';
		if (nl > q && nl[-1] == '\r')
			nl[-1] = '\0';
		q = nl + 1;
	}
}

/* A source line as it may be shown: tabs expanded to 8 columns, then
 * any bytes made clean text. */
static char *
show_line(const char *s)
{
	size_t n = strlen(s), col = 0, o = 0;
	char *exp = xmalloc(8 * n + 1), *out;

	for (size_t i = 0; i < n; i++) {
		if (s[i] == '\t') {
			do
				exp[o++] = ' ';
			while (++col % 8);
		} else {
			exp[o++] = s[i];
			col++;
		}
	}
	out = xmlsafe_cleandup(exp, o, NULL);
	free(exp);
	return out;
}

static void
quote_task(struct plan_task *t, struct src *s)
{
	size_t hot = (size_t)t->line - 1, from, to;
	struct plan_text *e;
	char *text;

	if (s->path == NULL || t->line < 1 || hot >= s->n)
		return;
	from = hot >= 2 ? hot - 2 : 0;
	to = hot + 2 < s->n ? hot + 2 : s->n - 1;
	for (size_t i = from; i <= to; i++) {
		text = show_line(s->lines[i]);
		plan_strs_add(&t->quote, "%c%5zu | %s", i == hot ? '>' : ' ', i + 1, text);
		free(text);
	}
	if (s->ambiguous) {
		e = plan_texts_new(&t->evidence);
		plan_text_add(e, "Quoted from ");
		plan_text_code(e, "%s", s->path);
		plan_text_add(e, ", the first of several files named ");
		plan_text_code(e, "%s", s->name);
	}
	for (size_t i = 0; t->rule != NULL && i < t->nlines; i++) {
		size_t h = (size_t)t->lines[i] - 1;

		if (t->lines[i] >= 1 && h < s->n && rules_confirm(t->rule, s->lines, s->n, h)) {
			e = plan_texts_new(&t->evidence);
			plan_text_add(e, "Confirmed in the source: %s at ",
			    *t->rule->finding ? t->rule->finding : t->rule->problem);
			plan_text_code(e, "%s:%ld", t->file, t->lines[i]);
			break;
		}
	}
}

void
plan_quote(struct plan *pl)
{
	struct src *srcs = NULL;
	size_t nsrcs = 0;

	if (pl->opts->source_dir == NULL)
		return;
	for (size_t i = 0; i < pl->nshown; i++) {
		struct plan_task *t = &pl->tasks[i];
		struct src *s = NULL;

		if (t->file == NULL)
			continue;
		for (size_t j = 0; j < nsrcs; j++)
			if (strcmp(srcs[j].name, t->file) == 0)
				s = &srcs[j];
		if (s == NULL) {
			srcs = xreallocarray(srcs, nsrcs + 1, sizeof(*srcs));
			s = &srcs[nsrcs++];
			memset(s, 0, sizeof(*s));
			s->name = xstrdup(t->file);
			src_load(s, pl->opts->source_dir);
			if (s->path == NULL) {
				struct plan_text *x = plan_texts_new(&pl->lacks);

				plan_text_code(x, "%s", s->name);
				plan_text_add(x, " is not under ");
				plan_text_code(x, "%s", pl->opts->source_dir);
				plan_text_add(x, ": its hot lines are not quoted.");
			}
		}
		quote_task(t, s);
	}
	for (size_t j = 0; j < nsrcs; j++) {
		free(srcs[j].name);
		free(srcs[j].path);
		free(srcs[j].text);
		free(srcs[j].lines);
	}
	free(srcs);
}
