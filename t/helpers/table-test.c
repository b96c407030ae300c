/*
 * table-test: drives lib/core/table, lib/folded/unit and lib/folded/frame for t/0300-lib-table.t.
 *
 *   table-test [-c] [-w WIDTH] FORMAT <script
 *           builds a table from the script and writes it in FORMAT
 *           (table, csv, json, markdown); -c: colours, -w: the width
 *   table-test show META COUNT     prints unit_show(COUNT)
 *   table-test delta META A B      prints unit_show_delta(A, B)
 *   table-test describe META       prints unit_describe()
 *   table-test frame <frames       prints each frame's parts
 *
 * META is metadata lines joined by ';' ("unit: bytes;period: 10 ns"), or
 * empty.  A script line is fields separated by tabs, in which \t, \n, \r,
 * \\ and \xHH stand for bytes (so any bytes, NUL included, can be given):
 *
 *   N  TEXT                  a note
 *   F  KEY VALUE [n]         a header fact, numeric with n
 *   S  NAME TITLE            a section ("-": NULL), whose columns follow
 *   C  KEY TITLE [n]         a column of that section, numeric with n
 *   R  [COLOR]               a row: plain red green yellow bold dim
 *   c  TEXT [RAW]            a cell of that row
 *
 * A frame line is decoded the same way; each part is printed between
 * brackets with bytes below 0x20 as \xHH.  Exit 3: table_write refused.
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/count.h"
#include "core/table.h"
#include "core/util.h"
#include "folded/folded.h"
#include "folded/frame.h"
#include "folded/meta.h"
#include "folded/unit.h"

#define MAXFIELDS 8
#define MAXCOLS 16

/* Decodes the escapes of s in place; returns the length. */
static size_t
decode(char *s)
{
	size_t i = 0, o = 0;

	while (s[i] != '\0') {
		if (s[i] != '\\' || s[i + 1] == '\0') {
			s[o++] = s[i++];
			continue;
		}
		switch (s[++i]) {
		case 't':
			s[o++] = '\t';
			break;
		case 'n':
			s[o++] = '\n';
			break;
		case 'r':
			s[o++] = '\r';
			break;
		case 'x': {
			char hex[3] = { s[i + 1], s[i + 1] ? s[i + 2] : 0, 0 };
			s[o++] = (char)strtoul(hex, NULL, 16);
			i += 2;
			break;
		}
		default:
			s[o++] = s[i];
			break;
		}
		i++;
	}
	s[o] = '\0';
	return o;
}

static int
split(char *line, char **f, size_t *len)
{
	int n = 0;

	line[strcspn(line, "\n")] = '\0';
	while (n < MAXFIELDS) {
		char *tab = strchr(line, '\t');

		if (tab != NULL)
			*tab = '\0';
		f[n] = line;
		len[n] = decode(line);
		n++;
		if (tab == NULL)
			break;
		line = tab + 1;
	}
	return n;
}

static int
color_of(const char *s)
{
	static const char *const names[] = { "plain", "red", "green", "yellow", "bold", "dim" };

	for (int i = 0; i < 6; i++)
		if (strcmp(s, names[i]) == 0)
			return i;
	die("unknown colour %s", s);
}

static void
meta_of(const char *arg, struct meta *m)
{
	char *s = xstrdup(arg), *p, *save = NULL;

	for (p = strtok_r(s, ";", &save); p != NULL; p = strtok_r(NULL, ";", &save)) {
		char line[256];

		snprintf(line, sizeof(line), "# %s", p);
		if (meta_parse(m, line, strlen(line)) != 0)
			die("bad metadata: %s", p);
	}
	free(s);
}

static count_t
count_of(const char *s)
{
	count_t c;

	if (count_parse(s, strlen(s), &c) < 0)
		die("bad count: %s", s);
	return c;
}

static int
units(int argc, char *argv[])
{
	struct meta m = { 0 };
	struct unit u;
	char buf[UNIT_BUFSZ];
	size_t n;

	if (argc < 2)
		die("usage: table-test show|delta|describe META ...");
	meta_of(argv[1], &m);
	unit_from_meta(&m, &u);
	if (strcmp(argv[0], "show") == 0 && argc == 3)
		n = unit_show(&u, count_of(argv[2]), buf);
	else if (strcmp(argv[0], "delta") == 0 && argc == 4)
		n = unit_show_delta(&u, count_of(argv[2]), count_of(argv[3]), buf);
	else if (strcmp(argv[0], "describe") == 0 && argc == 2)
		n = unit_describe(&u, buf);
	else
		die("usage: table-test show|delta|describe META ...");
	if (n != strlen(buf))
		die("length %zu, string %zu", n, strlen(buf));
	printf("%s\n", buf);
	meta_free(&m);
	return 0;
}

static void
part(const char *what, const char *s, size_t n)
{
	printf("%s[", what);
	for (size_t i = 0; i < n; i++)
		if ((unsigned char)s[i] < 0x20)
			printf("\\x%02x", (unsigned char)s[i]);
		else
			putchar(s[i]);
	printf("] ");
}

static int
frames(void)
{
	struct frame_parts p;
	char line[4096];

	while (fgets(line, sizeof(line), stdin) != NULL) {
		size_t n;
		int a;

		line[strcspn(line, "\n")] = '\0';
		n = decode(line);
		frame_split(line, n, &p);
		part("name", p.name, p.name_len);
		part("loc", p.loc, p.loc_len);
		part("file", p.file, p.file_len);
		part("module", p.module, p.module_len);
		part("suffix", p.suffix, p.suffix_len);
		a = frame_annotation(&p);
		printf("%c\n", a ? a : '-');
	}
	return 0;
}

/* The columns of every section: the table keeps them, not copies. */
static struct table_col cols[MAXFIELDS * MAXCOLS];
static int ncols, first;

static void
free_cols(void)
{
	for (int i = 0; i < ncols; i++) {
		free((char *)cols[i].key);
		free((char *)cols[i].title);
	}
}

int
main(int argc, char *argv[])
{
	char line[4096], *f[MAXFIELDS], *sname = NULL, *stitle = NULL;
	size_t len[MAXFIELDS];
	int c, color = 0, width = 0, format, pending = 0, rc;
	struct table *t;

	util_setprog(argv[0]);
	if (argc > 1 && strcmp(argv[1], "frame") == 0)
		return frames();
	if (argc > 1 && (strcmp(argv[1], "show") == 0 || strcmp(argv[1], "delta") == 0 ||
	    strcmp(argv[1], "describe") == 0))
		return units(argc - 1, argv + 1);
	while ((c = getopt(argc, argv, "cw:")) != -1) {
		switch (c) {
		case 'c':
			color = 1;
			break;
		case 'w':
			width = atoi(optarg);
			break;
		default:
			return 2;
		}
	}
	if (optind != argc - 1 || (format = table_format_parse(argv[optind])) < 0)
		die("usage: table-test [-c] [-w WIDTH] table|csv|json|markdown <script");
	t = table_new(format);
	while (fgets(line, sizeof(line), stdin) != NULL) {
		int n = split(line, f, len);

		if (pending && strcmp(f[0], "C") != 0) {
			table_section(t, sname, stitle, cols + first, ncols - first);
			free(sname);
			free(stitle);
			pending = 0;
		}
		if (strcmp(f[0], "N") == 0 && n == 2)
			table_note(t, "%s", f[1]);
		else if (strcmp(f[0], "F") == 0 && n >= 3)
			table_fact(t, f[1], f[2], n > 3 && strcmp(f[3], "n") == 0);
		else if (strcmp(f[0], "S") == 0 && n == 3) {
			sname = strcmp(f[1], "-") == 0 ? NULL : xstrdup(f[1]);
			stitle = strcmp(f[2], "-") == 0 ? NULL : xstrdup(f[2]);
			first = ncols;
			pending = 1;
		} else if (strcmp(f[0], "C") == 0 && n >= 3 && pending &&
		    ncols < (int)(sizeof(cols) / sizeof(cols[0]))) {
			cols[ncols].key = xstrdup(f[1]);
			cols[ncols].title = xmemdup(f[2], len[2]);
			cols[ncols].numeric = n > 3 && strcmp(f[3], "n") == 0;
			ncols++;
		} else if (strcmp(f[0], "R") == 0)
			table_row(t, n > 1 ? color_of(f[1]) : TABLE_PLAIN);
		else if (strcmp(f[0], "c") == 0 && n >= 2)
			table_cell(t, f[1], len[1], n > 2 ? f[2] : NULL);
		else
			die("bad script line: %s", f[0]);
	}
	if (pending) {
		table_section(t, sname, stitle, cols + first, ncols - first);
		free(sname);
		free(stitle);
	}
	rc = table_write(t, stdout, color, width);
	table_free(t);
	free_cols();
	if (util_fshut(stdout, "stdout") != 0)
		return 1;
	return rc == 0 ? 0 : 3;
}
