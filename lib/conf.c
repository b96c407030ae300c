#include "conf.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util.h"

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
	c->items = xrealloc(c->items, (size_t)(c->n + 1) * sizeof(*c->items));
	c->items[c->n++] = (struct conf_item){ xstrdup(section), xstrdup(key),
	    xstrdup(value), xstrdup(where) };
}

int
conf_read(struct conf *c, const char *path)
{
	FILE *fp = fopen(path, "r");
	char *line = NULL, *section = xstrdup("");
	size_t cap = 0;
	int lineno = 0;

	if (fp == NULL) {
		free(section);
		if (errno == ENOENT || errno == ENOTDIR)
			return -1;
		die("%s: cannot open:", path);
	}
	while (getline(&line, &cap, fp) != -1) {
		char *s = trim(line), *eq, where[4200];

		lineno++;
		snprintf(where, sizeof(where), "%s:%d", path, lineno);
		if (*s == '\0' || *s == '#')
			continue;
		if (*s == '[') {
			char *end = strchr(s, ']');
			if (end == NULL || *trim(end + 1) != '\0')
				die("%s: '%s' is not a [section] line", where, s);
			*end = '\0';
			free(section);
			section = xstrdup(trim(s + 1));
			continue;
		}
		eq = strchr(s, '=');
		if (eq == NULL)
			die("%s: '%s' is not a 'key = value' line", where, s);
		*eq = '\0';
		if (*trim(s) == '\0')
			die("%s: a value without a key", where);
		set(c, section, trim(s), trim(eq + 1), where);
	}
	if (ferror(fp))
		die("%s: read error:", path);
	fclose(fp);
	free(line);
	free(section);
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
