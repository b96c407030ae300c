/*
 * conf: prof.conf, the configuration file of prof's programs.
 *
 * The file is lines of "key = value" under "[section]" headers ("[record]",
 * "[scenario NAME]"); '#' starts a comment line; blank lines are skipped.
 * conf_load() reads $XDG_CONFIG_HOME/prof/prof.conf (~/.config when unset)
 * and then ./prof.conf, so that the project's file overrides the user's.
 * A directory on the way to a file that cannot be searched (EACCES: HOME
 * is another user's) means there is no file there; a file that exists but
 * cannot be read is an error.
 * Values are strings; numbers are parsed by the caller (lib/core/num).  A line
 * that is not understood is reported with its file and line number and
 * makes conf_load() die: a typo in a configuration must not pass unseen.
 * See prof.conf(5).
 */
#ifndef PROF_CONF_H
#define PROF_CONF_H

#include <stddef.h>

struct conf_item {
	char *section, *key, *value;
	char *where;       /* "FILE:LINE", for messages about the value */
};

struct conf {
	struct conf_item *items;
	int n;
};

/* Reads the configuration files that exist (none is fine). */
void conf_load(struct conf *c);

/* Reads one file into c (later values override); dies on a bad line or a
 * file that cannot be read.  Returns -1 if there is no file (it does not
 * exist, or a directory on the path cannot be searched), else 0. */
int conf_read(struct conf *c, const char *path);

/*
 * Reads text[0..len), named name in messages, into c as conf_read reads a
 * file.  Returns 0, or -1 with "NAME:LINE: what is wrong" in err at the
 * first bad line (c then holds the lines before it).  Never exits.
 */
int conf_parse(struct conf *c, const char *text, size_t len, const char *name,
    char *err, size_t errlen);

/* The value of key in section, or NULL; *where (may be NULL) gets the
 * place it was set, for messages. */
const char *conf_get(const struct conf *c, const char *section, const char *key,
    const char **where);

/* Dies, naming FILE:LINE, if section has a key not in known (NULL-ended):
 * a misspelt key must not be ignored silently. */
void conf_check(const struct conf *c, const char *section, const char *const known[]);

void conf_free(struct conf *c);

#endif
