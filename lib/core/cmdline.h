/*
 * cmdline: a command line as words, the way a POSIX shell reads a simple
 * command, and whether it needs a shell at all.  For prof-bench (what to
 * exec) and prof-plan (which binary a profiled command ran); it knows
 * nothing of running or measuring.
 */
#ifndef PROF_CMDLINE_H
#define PROF_CMDLINE_H

/*
 * Splits line into words as a POSIX shell does for a simple command
 * without expansions: blanks separate words; '...' keeps everything,
 * "..." keeps everything but \\ \" \$ \` (which lose the backslash),
 * a backslash outside quotes keeps the next character.  Returns a
 * malloc'd NULL-ended vector (one allocation with the strings), or NULL
 * with *err set ("unterminated quote", "empty command").
 */
char **cmdline_split(const char *line, const char **err);

/*
 * Whether line uses something only a shell does: expansions ($ ` * ? [ ~),
 * redirections, pipes, lists, grouping, comments, a leading VAR=value,
 * or a first word that is a shell keyword or builtin that is not also a
 * program (cd, export, if, ...).  Quotes and backslashes alone do not.
 */
int cmdline_needs_shell(const char *line);

/*
 * word as a POSIX shell reads it back as one word, owned by the caller:
 * as it is when it holds only characters no shell treats specially
 * (letters, digits, -_./=:,+%@), else in single quotes, a quote in it
 * written '\''.  cmdline_split gives the word back.  For the command lines
 * prof-record and prof-plan write for a person to run again.
 */
char *cmdline_quote(const char *word);

/* The words argv[0..n) quoted and joined by spaces, owned. */
char *cmdline_join(char *const argv[], int n);

#endif
