/*
 * rules-test: drives lib/plan/rules for t/0700-lib-rules.t.
 *
 *   rules-test [-n] [-r FILE]... match
 *               reads frames from stdin, one a line, in folded frame
 *               syntax ("malloc", "vfs_write_[k]", "f\tapp.c:3\t/bin/app",
 *               "[libc.so.6]"), and prints the id of the rule that
 *               claims each, or "-"
 *   rules-test [-n] [-r FILE]... dump
 *               prints the rules in order: id, category, match, speedup,
 *               loop, whether there is a source pattern, then the fallback
 *   rules-test [-n] [-r FILE]... confirm ID FILE LINE
 *               prints rules_confirm of rule ID on line LINE (from 1) of
 *               the source file FILE: 1 or 0
 *   rules-test [-n] [-r FILE]... keep BAD
 *               reads the rules file BAD, which must fail, then checks
 *               that the rules are as before (dump and matches); prints
 *               "unchanged"
 *   rules-test [-n] [-r FILE]... twice AGAIN
 *               as match, then reads the rules file AGAIN over the rules
 *               and matches the same frames again
 *   rules-test [-n] [-r FILE]... anew AGAIN
 *               as twice, but frees the rules first and reads them anew
 *               (the catalog unless -n, then AGAIN)
 *
 * The built-in catalog is read first, unless -n; then each -r FILE in
 * order.  Exit 2 when a file cannot be read (the message is rules's).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/util.h"
#include "folded/frame.h"
#include "plan/rules.h"

static const char *const matchname[] = { "function", "kernel", "module", "other" };

static char *
dump(const struct rules *rs)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *fp = open_memstream(&buf, &len);
	const struct rules_entry *o = rules_other(rs);

	if (fp == NULL)
		die("open_memstream:");
	for (size_t i = 0; i < rs->n; i++) {
		const struct rules_entry *r = &rs->v[i];

		fprintf(fp, "%s %s %s %g %s %s\n", r->id, rules_category_name(r->category),
		    matchname[r->match], r->speedup, r->loop ? "loop" : "-",
		    r->source_text ? "source" : "-");
	}
	fprintf(fp, "other %s\n", o ? o->id : "-");
	fclose(fp);
	return buf;
}

static const char *
find(const struct rules *rs, const char *frame)
{
	struct frame_parts p;
	const struct rules_entry *r;

	frame_split(frame, strlen(frame), &p);
	r = rules_find(rs, &p);
	return r ? r->id : "-";
}

static void
match(const struct rules *rs, FILE *fp)
{
	char *line = NULL;
	size_t cap = 0;
	ssize_t n;

	while ((n = getline(&line, &cap, fp)) > 0) {
		if (line[n - 1] == '\n')
			line[--n] = '\0';
		puts(find(rs, line));
	}
	free(line);
}

static void
twice(struct rules *rs, int anew, int builtin, const char *again)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *fp = open_memstream(&buf, &len);
	int c;

	if (fp == NULL)
		die("open_memstream:");
	while ((c = getchar()) != EOF)
		putc(c, fp);
	fclose(fp);
	if ((fp = fmemopen(buf, len, "r")) == NULL)
		die("fmemopen:");
	match(rs, fp);
	rewind(fp);
	if (anew) {
		rules_free(rs);
		if (builtin)
			rules_builtin(rs);
	}
	if (rules_read(rs, again) < 0)
		exit(2);
	match(rs, fp);
	fclose(fp);
	free(buf);
}

static void
confirm(const struct rules *rs, const char *id, const char *path, const char *lineno)
{
	FILE *fp = fopen(path, "r");
	char **lines = NULL, *line = NULL;
	size_t n = 0, cap = 0;
	ssize_t len;
	long hot = atol(lineno);
	const struct rules_entry *r = NULL;

	for (size_t i = 0; i < rs->n; i++)
		if (strcmp(rs->v[i].id, id) == 0)
			r = &rs->v[i];
	if (r == NULL)
		die("no rule %s", id);
	if (fp == NULL)
		die("%s: cannot open:", path);
	while ((len = getline(&line, &cap, fp)) >= 0) {
		if (len > 0 && line[len - 1] == '\n')
			line[len - 1] = '\0';
		lines = xrealloc(lines, (n + 1) * sizeof(*lines));
		lines[n++] = xstrdup(line);
	}
	fclose(fp);
	free(line);
	if (hot < 1)
		die("bad line %s", lineno);
	printf("%d\n", rules_confirm(r, lines, n, (size_t)hot - 1));
	for (size_t i = 0; i < n; i++)
		free(lines[i]);
	free(lines);
}

static void
keep(struct rules *rs, const char *bad)
{
	static const char *const probe[] = {
		"malloc", "__strlen_avx2", "clear_page_erms_[k]", "[ld-linux-x86-64.so.2]", "main",
	};
	char *before = dump(rs), *after;
	const char *found[5];

	for (size_t i = 0; i < 5; i++)
		found[i] = find(rs, probe[i]);
	if (rules_read(rs, bad) == 0)
		die("%s: read without an error", bad);
	after = dump(rs);
	if (strcmp(before, after) != 0)
		die("the rules changed:\n%s----\n%s", before, after);
	for (size_t i = 0; i < 5; i++)
		if (strcmp(found[i], find(rs, probe[i])) != 0)
			die("%s: was %s, now %s", probe[i], found[i], find(rs, probe[i]));
	puts("unchanged");
	free(before);
	free(after);
}

int
main(int argc, char **argv)
{
	struct rules rs = { 0 };
	int i = 1, builtin = 1;

	util_setprog(argv[0]);
	if (i < argc && strcmp(argv[i], "-n") == 0) {
		builtin = 0;
		i++;
	}
	if (builtin)
		rules_builtin(&rs);
	for (; i + 1 < argc && strcmp(argv[i], "-r") == 0; i += 2)
		if (rules_read(&rs, argv[i + 1]) < 0) {
			rules_free(&rs);
			return 2;
		}
	if (i < argc && strcmp(argv[i], "match") == 0 && i + 1 == argc) {
		match(&rs, stdin);
	} else if (i < argc && (strcmp(argv[i], "twice") == 0 || strcmp(argv[i], "anew") == 0) &&
	    i + 2 == argc) {
		twice(&rs, strcmp(argv[i], "anew") == 0, builtin, argv[i + 1]);
	} else if (i < argc && strcmp(argv[i], "dump") == 0 && i + 1 == argc) {
		char *s = dump(&rs);

		fputs(s, stdout);
		free(s);
	} else if (i < argc && strcmp(argv[i], "confirm") == 0 && i + 4 == argc) {
		confirm(&rs, argv[i + 1], argv[i + 2], argv[i + 3]);
	} else if (i < argc && strcmp(argv[i], "keep") == 0 && i + 2 == argc) {
		keep(&rs, argv[i + 1]);
	} else {
		fprintf(stderr, "usage: rules-test [-n] [-r FILE]... match|dump|confirm ID FILE LINE|keep BAD|twice AGAIN|anew AGAIN\n");
		return 2;
	}
	rules_free(&rs);
	return util_fshut(stdout, "stdout") < 0;
}
