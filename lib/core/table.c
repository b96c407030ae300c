#define _GNU_SOURCE
#include "core/table.h"

#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include <csv.h>

#include "core/json.h"
#include "core/util.h"
#include "core/xmlsafe.h"

/* Cells and notes are stored clean (xmlsafe_clean), so they are measured
 * and cut in whole characters, and no writer meets a control character. */
struct text {
	char *s;
	size_t len;
};

struct cell {
	struct text text, raw;
};

struct row {
	int color;
	struct cell *cells;
	int n, cap;
};

struct section {
	char *name, *title;
	const struct table_col *cols;
	int ncols;
	struct row *rows;
	size_t n, cap;
};

struct fact {
	struct text key, value;
	int numeric;
};

struct table {
	int format;
	struct text *notes;
	size_t nnotes;
	struct fact *facts;
	size_t nfacts;
	struct section *secs;
	size_t nsecs;
};

static const char *const sgr[] = {
	[TABLE_PLAIN] = "", [TABLE_RED] = "\033[31m", [TABLE_GREEN] = "\033[32m",
	[TABLE_YELLOW] = "\033[33m", [TABLE_BOLD] = "\033[1m", [TABLE_DIM] = "\033[2m",
};
#define SGR_RESET "\033[0m"

static struct text
clean(const char *s, size_t n)
{
	struct text t;

	t.s = xmlsafe_cleandup(s, n, &t.len);
	return t;
}

int
table_format_parse(const char *s)
{
	static const char *const names[] = {
		[TABLE_TEXT] = "table", [TABLE_CSV] = "csv", [TABLE_JSON] = "json",
		[TABLE_MARKDOWN] = "markdown",
	};

	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		if (strcmp(s, names[i]) == 0)
			return (int)i;
	return -1;
}

struct table *
table_new(int format)
{
	struct table *t = xcalloc(1, sizeof(*t));

	t->format = format;
	return t;
}

void
table_note(struct table *t, const char *fmt, ...)
{
	va_list ap;
	char *s;

	va_start(ap, fmt);
	s = xvasprintf(fmt, ap);
	va_end(ap);
	t->notes = xreallocarray(t->notes, t->nnotes + 1, sizeof(*t->notes));
	t->notes[t->nnotes++] = clean(s, strlen(s));
	free(s);
}

void
table_fact(struct table *t, const char *key, const char *value, int numeric)
{
	struct fact *f;

	t->facts = xreallocarray(t->facts, t->nfacts + 1, sizeof(*t->facts));
	f = &t->facts[t->nfacts++];
	f->key = clean(key, strlen(key));
	f->value = clean(value ? value : "", value ? strlen(value) : 0);
	f->numeric = numeric;
}

void
table_section(struct table *t, const char *name, const char *title,
    const struct table_col *cols, int ncols)
{
	struct section *s;

	t->secs = xreallocarray(t->secs, t->nsecs + 1, sizeof(*t->secs));
	s = &t->secs[t->nsecs++];
	memset(s, 0, sizeof(*s));
	s->name = name ? xstrdup(name) : NULL;
	s->title = title ? xstrdup(title) : NULL;
	s->cols = cols;
	s->ncols = ncols;
}

static struct section *
current(struct table *t, const char *what)
{
	if (t->nsecs == 0)
		die("table: %s before any section", what);
	return &t->secs[t->nsecs - 1];
}

void
table_row(struct table *t, int color)
{
	struct section *s = current(t, "a row");

	if (s->n == s->cap) {
		s->cap = s->cap ? 2 * s->cap : 64;
		s->rows = xreallocarray(s->rows, s->cap, sizeof(*s->rows));
	}
	memset(&s->rows[s->n], 0, sizeof(s->rows[0]));
	s->rows[s->n++].color = color >= TABLE_PLAIN && color <= TABLE_DIM ? color : TABLE_PLAIN;
}

void
table_cell(struct table *t, const char *text, size_t len, const char *raw)
{
	struct section *s = current(t, "a cell");
	struct row *r;
	struct cell *c;

	if (s->n == 0)
		die("table: a cell before any row");
	r = &s->rows[s->n - 1];
	if (r->n == r->cap) {
		r->cap = r->cap ? 2 * r->cap : 8;
		r->cells = xreallocarray(r->cells, r->cap, sizeof(*r->cells));
	}
	if (text == NULL)
		text = "", len = 0;
	if (len == (size_t)-1)
		len = strlen(text);
	c = &r->cells[r->n++];
	c->text = clean(text, len);
	c->raw = raw ? clean(raw, strlen(raw)) : clean(text, len);
}

/* Whether s is a number as JSON writes it, and nothing else. */
static int
json_number(const char *s)
{
	size_t n = strlen(s);

	return n > 0 && json_number_len(s, n) == n;
}

static void
json_string(FILE *fp, const struct text *t)
{
	json_write_string(fp, t->s, t->len);
}

/* Writes a number ("+3" as 3), null when empty, or else a string: the
 * output stays JSON whatever the caller gives. */
static void
json_value(FILE *fp, const struct text *t, int numeric)
{
	const char *s = t->s;

	if (numeric && t->len == 0)
		fputs("null", fp);
	else if (numeric && json_number(s + (*s == '+')))
		fputs(s + (*s == '+'), fp);
	else
		json_string(fp, t);
}

static void
json_key(FILE *fp, const char *key)
{
	struct text k = clean(key, strlen(key));

	json_string(fp, &k);
	fputs(": ", fp);
	free(k.s);
}

static void
write_json(struct table *t, FILE *fp)
{
	fputs("{\n  \"header\": {", fp);
	for (size_t i = 0; i < t->nfacts; i++) {
		json_string(fp, &t->facts[i].key);
		fputs(": ", fp);
		json_value(fp, &t->facts[i].value, t->facts[i].numeric);
		fputs(", ", fp);
	}
	fputs("\"notes\": [", fp);
	for (size_t i = 0; i < t->nnotes; i++) {
		if (i > 0)
			fputs(", ", fp);
		json_string(fp, &t->notes[i]);
	}
	fputs("]}", fp);
	for (size_t k = 0; k < t->nsecs; k++) {
		const struct section *s = &t->secs[k];

		fputs(",\n  ", fp);
		json_key(fp, s->name ? s->name : "rows");
		fputc('[', fp);
		for (size_t i = 0; i < s->n; i++) {
			fputs(i > 0 ? ",\n    {" : "\n    {", fp);
			for (int j = 0; j < s->ncols; j++) {
				if (j > 0)
					fputs(", ", fp);
				json_key(fp, s->cols[j].key);
				json_value(fp, &s->rows[i].cells[j].raw, s->cols[j].numeric);
			}
			fputc('}', fp);
		}
		fputs(s->n > 0 ? "\n  ]" : "]", fp);
	}
	fputs("\n}\n", fp);
}

/* A number written bare stays one field and reads back as itself. */
static void
csv_field(FILE *fp, const struct text *t, int numeric)
{
	const char *s = t->s;

	if (numeric && (t->len == 0 || json_number(s + (*s == '+'))))
		fputs(s, fp);
	else
		csv_fwrite(fp, s, t->len);
}

#define MIN_LAST 5

static void
write_csv(struct table *t, FILE *fp)
{
	for (size_t k = 0; k < t->nsecs; k++) {
		const struct section *s = &t->secs[k];

		if (k > 0)
			fputc('\n', fp);
		/* keys are the program's own identifiers: no quotes needed */
		for (int j = 0; j < s->ncols; j++) {
			if (j > 0)
				fputc(',', fp);
			fputs(s->cols[j].key, fp);
		}
		fputc('\n', fp);
		for (size_t i = 0; i < s->n; i++) {
			for (int j = 0; j < s->ncols; j++) {
				if (j > 0)
					fputc(',', fp);
				csv_field(fp, &s->rows[i].cells[j].raw, s->cols[j].numeric);
			}
			fputc('\n', fp);
		}
	}
}

static void
md_cell(FILE *fp, const char *s, size_t n)
{
	fputc(' ', fp);
	for (size_t i = 0; i < n; i++) {
		if (s[i] == '|' || s[i] == '\\')
			fputc('\\', fp);
		fputc(s[i], fp);
	}
	fputs(" |", fp);
}

static void
write_markdown(struct table *t, FILE *fp)
{
	for (size_t i = 0; i < t->nnotes; i++)
		fprintf(fp, "%s\n", t->notes[i].s);
	if (t->nnotes > 0)
		fputc('\n', fp);
	for (size_t k = 0; k < t->nsecs; k++) {
		const struct section *s = &t->secs[k];

		if (k > 0)
			fputc('\n', fp);
		if (s->title != NULL) {
			struct text title = clean(s->title, strlen(s->title));

			fprintf(fp, "### %s\n\n", title.s);
			free(title.s);
		}
		fputc('|', fp);
		for (int j = 0; j < s->ncols; j++) {
			struct text title = clean(s->cols[j].title, strlen(s->cols[j].title));

			md_cell(fp, title.s, title.len);
			free(title.s);
		}
		fputs("\n|", fp);
		for (int j = 0; j < s->ncols; j++)
			fputs(s->cols[j].numeric ? "---:|" : "---|", fp);
		fputc('\n', fp);
		for (size_t i = 0; i < s->n; i++) {
			fputc('|', fp);
			for (int j = 0; j < s->ncols; j++)
				md_cell(fp, s->rows[i].cells[j].text.s, s->rows[i].cells[j].text.len);
			fputc('\n', fp);
		}
	}
}

static void
pad(FILE *fp, size_t n)
{
	while (n-- > 0)
		fputc(' ', fp);
}

/* Writes one line of cells; the last is cut to last characters. */
static void
text_line(FILE *fp, const struct section *s, const struct cell *cells,
    const size_t *w, size_t last, const char *color)
{
	fputs(color, fp);
	for (int j = 0; j < s->ncols; j++) {
		const struct text *c = &cells[j].text;
		size_t nchars = xmlsafe_chars(c->s, c->len), off, len, width = w[j];
		int dots = 0;

		if (j > 0)
			fputs("  ", fp);
		off = 0, len = c->len;
		if (j == s->ncols - 1) {
			width = last;
			dots = xmlsafe_cut(c->s, c->len, nchars, last, 1, &off, &len);
			nchars = xmlsafe_chars(c->s + off, len) + (dots ? 2 : 0);
		}
		if (s->cols[j].numeric)
			pad(fp, width - nchars);
		fwrite(c->s + off, 1, len, fp);
		if (dots)
			fputs("..", fp);
		if (!s->cols[j].numeric && j < s->ncols - 1)
			pad(fp, width - nchars);
	}
	fputs(*color ? SGR_RESET "\n" : "\n", fp);
}

static void
write_text(struct table *t, FILE *fp, int color, int width)
{
	for (size_t i = 0; i < t->nnotes; i++)
		fprintf(fp, "%s\n", t->notes[i].s);
	for (size_t k = 0; k < t->nsecs; k++) {
		const struct section *s = &t->secs[k];
		struct cell *head;
		size_t *w, used = 0, last;

		if (s->ncols == 0)
			continue;
		if (k > 0 || t->nnotes > 0)
			fputc('\n', fp);
		w = xcalloc((size_t)s->ncols, sizeof(*w));
		head = xcalloc((size_t)s->ncols, sizeof(*head));
		for (int j = 0; j < s->ncols; j++) {
			head[j].text = clean(s->cols[j].title, strlen(s->cols[j].title));
			w[j] = xmlsafe_chars(head[j].text.s, head[j].text.len);
			for (size_t i = 0; i < s->n; i++) {
				const struct text *c = &s->rows[i].cells[j].text;
				size_t n = xmlsafe_chars(c->s, c->len);

				if (n > w[j])
					w[j] = n;
			}
			if (j < s->ncols - 1)
				used += w[j] + 2;
		}
		last = w[s->ncols - 1];
		/* A name cut to a few characters says nothing: below
		 * MIN_LAST, the line is let run past the terminal instead. */
		if (width > 0 && used + last > (size_t)width) {
			size_t room = used < (size_t)width ? (size_t)width - used : 0;
			last = room >= MIN_LAST ? room : last < MIN_LAST ? last : MIN_LAST;
		}
		if (s->title != NULL) {
			struct text title = clean(s->title, strlen(s->title));
			size_t off, len, n = xmlsafe_chars(title.s, title.len);
			int dots = xmlsafe_cut(title.s, title.len, n,
			    width > 0 ? (size_t)width : n, 1, &off, &len);

			fprintf(fp, "%s%.*s%s%s\n", color ? sgr[TABLE_BOLD] : "",
			    (int)len, title.s, dots ? ".." : "", color ? SGR_RESET : "");
			free(title.s);
		}
		text_line(fp, s, head, w, last, color ? sgr[TABLE_BOLD] : "");
		for (size_t i = 0; i < s->n; i++)
			text_line(fp, s, s->rows[i].cells, w, last, color ? sgr[s->rows[i].color] : "");
		for (int j = 0; j < s->ncols; j++)
			free(head[j].text.s);
		free(head);
		free(w);
	}
}

int
table_write(struct table *t, FILE *fp, int color, int width)
{
	for (size_t k = 0; k < t->nsecs; k++)
		for (size_t i = 0; i < t->secs[k].n; i++)
			if (t->secs[k].rows[i].n != t->secs[k].ncols)
				return -1;
	switch (t->format) {
	case TABLE_CSV:
		write_csv(t, fp);
		break;
	case TABLE_JSON:
		write_json(t, fp);
		break;
	case TABLE_MARKDOWN:
		write_markdown(t, fp);
		break;
	default:
		write_text(t, fp, color, width);
		break;
	}
	return 0;
}

void
table_free(struct table *t)
{
	if (t == NULL)
		return;
	for (size_t i = 0; i < t->nnotes; i++)
		free(t->notes[i].s);
	for (size_t i = 0; i < t->nfacts; i++) {
		free(t->facts[i].key.s);
		free(t->facts[i].value.s);
	}
	for (size_t k = 0; k < t->nsecs; k++) {
		struct section *s = &t->secs[k];

		for (size_t i = 0; i < s->n; i++) {
			for (int j = 0; j < s->rows[i].n; j++) {
				free(s->rows[i].cells[j].text.s);
				free(s->rows[i].cells[j].raw.s);
			}
			free(s->rows[i].cells);
		}
		free(s->rows);
		free(s->name);
		free(s->title);
	}
	free(t->notes);
	free(t->facts);
	free(t->secs);
	free(t);
}

/* Colour and cutting are for a person at a terminal, never for a file or
 * a pipe; NO_COLOR (no-color.org) turns colour off, --color always on. */
void
table_terminal(const char *ofile, const char *when, int *color, int *width)
{
	const char *nc = getenv("NO_COLOR"), *term = getenv("TERM");
	int tty = strcmp(ofile, "-") == 0 && isatty(STDOUT_FILENO);
	struct winsize ws;

	*color = strcmp(when, "always") == 0 || (strcmp(when, "auto") == 0 && tty &&
	    (nc == NULL || *nc == '\0') && (term == NULL || strcmp(term, "dumb") != 0));
	*width = 0;
	if (tty) {
		const char *cols = getenv("COLUMNS");
		if (ioctl(STDOUT_FILENO, TIOCGWINSZ, &ws) == 0 && ws.ws_col > 0)
			*width = ws.ws_col;
		else if (cols != NULL && atoi(cols) > 0)
			*width = atoi(cols);
		else
			*width = 80;
	}
}
