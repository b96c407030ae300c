/*
 * conf: prof.conf, the configuration file of prof's programs.
 *
 * The file is lines of "key = value" under "[section]" headers ("[record]",
 * "[scenario NAME]"); '#' starts a comment line; blank lines are skipped.
 * conf_load() reads $XDG_CONFIG_HOME/prof/prof.conf (~/.config when unset)
 * and then ./prof.conf, so that the project's file overrides the user's.
 * Values are strings; numbers are parsed by the caller (lib/num).  A line
 * that is not understood is reported with its file and line number and
 * makes conf_load() die: a typo in a configuration must not pass unseen.
 * See prof.conf(5).
 */
#ifndef PROF_CONF_H
#define PROF_CONF_H

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

/* Reads one file into c (later values override); dies on a bad line.
 * Returns -1 if the file does not exist, else 0. */
int conf_read(struct conf *c, const char *path);

/* The value of key in section, or NULL; *where (may be NULL) gets the
 * place it was set, for messages. */
const char *conf_get(const struct conf *c, const char *section, const char *key,
    const char **where);

/* Dies, naming FILE:LINE, if section has a key not in known (NULL-ended):
 * a misspelt key must not be ignored silently. */
void conf_check(const struct conf *c, const char *section, const char *const known[]);

void conf_free(struct conf *c);

#endif
