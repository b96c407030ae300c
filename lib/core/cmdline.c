#include "core/cmdline.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "core/util.h"

char **
cmdline_split(const char *line, const char **err)
{
	size_t len = strlen(line), nw = 0, cap = len / 2 + 2;
	/* Words are never longer than the line, and there are at most
	 * len/2+1 of them: one block holds the vector and the strings. */
	char **v = xmalloc(cap * sizeof *v + len + 1);
	char *out = (char *)(v + cap);
	const char *p = line;

	for (;;) {
		while (*p == ' ' || *p == '\t' || *p == '\n')
			p++;
		if (*p == '\0')
			break;
		v[nw++] = out;
		while (*p && *p != ' ' && *p != '\t' && *p != '\n') {
			if (*p == '\'') {
				const char *q = strchr(p + 1, '\'');
				if (!q)
					goto unterminated;
				memcpy(out, p + 1, (size_t)(q - p - 1));
				out += q - p - 1;
				p = q + 1;
			} else if (*p == '"') {
				for (p++; *p != '"'; p++) {
					if (*p == '\0')
						goto unterminated;
					if (*p == '\\' && strchr("\\\"$`", p[1]) && p[1])
						p++;
					*out++ = *p;
				}
				p++;
			} else if (*p == '\\') {
				if (p[1] == '\0') {
					*err = "a backslash ends the command";
					free(v);
					return NULL;
				}
				*out++ = p[1];
				p += 2;
			} else {
				*out++ = *p++;
			}
		}
		*out++ = '\0';
	}
	if (nw == 0) {
		*err = "empty command";
		free(v);
		return NULL;
	}
	v[nw] = NULL;
	return v;
unterminated:
	*err = "unterminated quote";
	free(v);
	return NULL;
}

int
cmdline_needs_shell(const char *line)
{
	/* Shell words that are not programs (or that a shell runs itself):
	 * exec'ing them would fail or do something else. */
	static const char *const builtins[] = {
		"!", ".", ":", "alias", "case", "cd", "command", "eval", "exec", "exit",
		"export", "for", "function", "if", "read", "readonly", "return", "set",
		"shift", "source", "time", "trap", "ulimit", "umask", "unset", "until",
		"wait", "while", "{", NULL
	};
	const char *p = line, *w;
	int quote = 0;

	for (; *p; p++) {
		if (quote == '\'') {
			if (*p == '\'')
				quote = 0;
			continue;
		}
		if (*p == '\\') {
			if (p[1] == '\0')
				return 1;
			p++;
			continue;
		}
		if (quote == '"') {
			if (*p == '"')
				quote = 0;
			else if (*p == '$' || *p == '`')
				return 1;
			continue;
		}
		if (*p == '\'' || *p == '"') {
			quote = *p;
			continue;
		}
		if (strchr("$`*?[~|&;<>(){}#\n", *p))
			return 1;
	}
	if (quote)
		return 1;
	/* A leading VAR=value sets the command's environment. */
	for (p = line; *p == ' ' || *p == '\t'; p++)
		;
	for (w = p; *p && *p != ' ' && *p != '\t' && *p != '='; p++)
		;
	if (*p == '=' && p > w)
		return 1;
	for (int i = 0; builtins[i]; i++) {
		size_t n = strlen(builtins[i]);
		if (strncmp(w, builtins[i], n) == 0 && (w[n] == '\0' || w[n] == ' ' || w[n] == '\t'))
			return 1;
	}
	return 0;
}

char *
cmdline_quote(const char *word)
{
	static const char plain[] = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
	    "0123456789-_./=:,+%@";
	size_t n = strlen(word);
	char *out, *o;

	if (n > 0 && strspn(word, plain) == n)
		return xstrdup(word);
	if (n > (SIZE_MAX - 3) / 4)
		die("out of memory");
	out = o = xmalloc(4 * n + 3);
	*o++ = '\'';
	for (; *word; word++)
		if (*word == '\'') {
			memcpy(o, "'\\''", 4);
			o += 4;
		} else
			*o++ = *word;
	*o++ = '\'';
	*o = '\0';
	return out;
}

char *
cmdline_join(char *const argv[], int n)
{
	char *s = xstrdup(""), *w, *t;

	for (int i = 0; i < n; i++) {
		w = cmdline_quote(argv[i]);
		t = xasprintf("%s%s%s", s, i ? " " : "", w);
		free(s);
		free(w);
		s = t;
	}
	return s;
}
