#include "core/conf.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "core/util.h"

static char *
trim(char *s)
{
	char *e;

	while (*s == ' ' || *s == '\t')
		s++;
	e = s + strlen(s);
	while (e > s && (e[-1] == ' ' || e[-1] == '\t' || e[-1] == '\r' || e[-1] == '\n'))
		*--e = '\0';
	return s;
}

static void
set(struct conf *c, const char *section, const char *key, const char *value, const char *where)
{
	for (int i = 0; i < c->n; i++) {
		struct conf_item *it = &c->items[i];
		if (strcmp(it->section, section) == 0 && strcmp(it->key, key) == 0) {
			free(it->value);
			free(it->where);
			it->value = xstrdup(value);
			it->where = xstrdup(where);
			return;
		}
	}
	c->items = xreallocarray(c->items, c->n + 1, sizeof(*c->items));
	c->items[c->n++] = (struct conf_item){ xstrdup(section), xstrdup(key),
	    xstrdup(value), xstrdup(where) };
}

int
conf_parse(struct conf *c, const char *text, size_t len, const char *name, char *err, size_t errlen)
{
	const char *p = text, *end = text + len;
	char *section = xstrdup(""), *line;
	int lineno = 0, ret = 0;

	for (; p < end && ret == 0; ) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		size_t n = nl ? (size_t)(nl - p) : (size_t)(end - p);
		char *s, *eq, where[4200];

		/* a NUL ends the line, as it did for getline and a C string */
		line = xmemdup(p, n);
		p = nl ? nl + 1 : end;
		s = trim(line);
		lineno++;
		snprintf(where, sizeof(where), "%s:%d", name, lineno);
		if (*s == '\0' || *s == '#') {
			;
		} else if (*s == '[') {
			char *e = strchr(s, ']');
			if (e == NULL || *trim(e + 1) != '\0') {
				snprintf(err, errlen, "%s: '%s' is not a [section] line", where, s);
				ret = -1;
			} else {
				*e = '\0';
				free(section);
				section = xstrdup(trim(s + 1));
			}
		} else if ((eq = strchr(s, '=')) == NULL) {
			snprintf(err, errlen, "%s: '%s' is not a 'key = value' line", where, s);
			ret = -1;
		} else {
			*eq = '\0';
			if (*trim(s) == '\0') {
				snprintf(err, errlen, "%s: a value without a key", where);
				ret = -1;
			} else {
				set(c, section, trim(s), trim(eq + 1), where);
			}
		}
		free(line);
	}
	free(section);
	return ret;
}

int
conf_read(struct conf *c, const char *path)
{
	FILE *fp = fopen(path, "r");
	char *buf = NULL, err[4400];
	size_t n = 0, cap = 0, got;
	struct stat st;

	if (fp == NULL) {
		/* No file there: it does not exist, or a directory on its path
		 * cannot be searched (another user's HOME), which stat tells
		 * from a file that exists but cannot be read. */
		int e = errno;

		if (e == ENOENT || e == ENOTDIR)
			return -1;
		if (e == EACCES && stat(path, &st) < 0 && errno == EACCES)
			return -1;
		errno = e;
		die("%s: cannot open:", path);
	}
	do {
		if (cap - n < 4096)
			buf = xrealloc(buf, cap = cap ? 2 * cap : 8192);
		got = fread(buf + n, 1, cap - n, fp);
		n += got;
	} while (got > 0);
	if (ferror(fp))
		die("%s: read error:", path);
	fclose(fp);
	if (conf_parse(c, buf, n, path, err, sizeof(err)) < 0)
		die("%s", err);
	free(buf);
	return 0;
}

void
conf_load(struct conf *c)
{
	const char *xdg = getenv("XDG_CONFIG_HOME"), *home = getenv("HOME");
	char path[4096];

	if (xdg != NULL && *xdg != '\0')
		snprintf(path, sizeof(path), "%s/prof/prof.conf", xdg);
	else if (home != NULL && *home != '\0')
		snprintf(path, sizeof(path), "%s/.config/prof/prof.conf", home);
	else
		path[0] = '\0';
	if (path[0] != '\0')
		conf_read(c, path);
	conf_read(c, "prof.conf");
}

const char *
conf_get(const struct conf *c, const char *section, const char *key, const char **where)
{
	for (int i = 0; i < c->n; i++)
		if (strcmp(c->items[i].section, section) == 0 && strcmp(c->items[i].key, key) == 0) {
			if (where != NULL)
				*where = c->items[i].where;
			return c->items[i].value;
		}
	return NULL;
}

void
conf_check(const struct conf *c, const char *section, const char *const known[])
{
	for (int i = 0; i < c->n; i++) {
		int ok = 0;
		if (strcmp(c->items[i].section, section) != 0)
			continue;
		for (int k = 0; known[k] != NULL && !ok; k++)
			ok = strcmp(known[k], c->items[i].key) == 0;
		if (!ok)
			die("%s: '%s' is not a key of [%s]", c->items[i].where, c->items[i].key, section);
	}
}

void
conf_free(struct conf *c)
{
	for (int i = 0; i < c->n; i++) {
		free(c->items[i].section);
		free(c->items[i].key);
		free(c->items[i].value);
		free(c->items[i].where);
	}
	free(c->items);
	c->items = NULL;
	c->n = 0;
}
