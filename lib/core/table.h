/*
 * table: rows of figures written as a text table, CSV, JSON or Markdown.
 *
 * prof-top, prof-diff (and later prof-bench) build a table once and write
 * it in the format the user chose.  A table has notes (lines a person
 * reads before it), header facts (key and value: a total, a unit) and one
 * or more sections, each with its columns and rows.  Every cell has a
 * display text (a table, Markdown) and a raw value (CSV, JSON: exact, in
 * the profile's own unit); the raw value of a numeric column is written
 * as a JSON number, so it must be a number ("12", "0.5", "-3.25"), or
 * empty for null (anything else is written as a string, so that the
 * output stays JSON).
 * Cells hold copies of any bytes; written text is always clean: invalid
 * UTF-8 and control characters become U+FFFD (xmlsafe_clean), JSON strings
 * escape what JSON requires, Markdown cells escape '|' and '\', CSV fields
 * are written by libcsv.
 *
 * The formats:
 *  text      notes, then each section: its title (if any), a header line,
 *            rows with numeric columns right-aligned; the last column is
 *            cut to the width given (0: never), in whole characters, but
 *            not below 5 characters (the line runs over instead).
 *            With colour, the header is bold and a row has its colour.
 *  csv       each section: a header line of the column keys (bare: they
 *            are identifiers), then rows;
 *            sections are separated by a blank line; no notes.
 *  json      {"header": {facts..., "notes": [...]}, "SECTION": [{key:
 *            value, ...}, ...], ...}; the first section is named "rows"
 *            unless named otherwise.  Member order is insertion order.
 *  markdown  notes as lines of text, then each section as a pipe table
 *            (numeric columns right-aligned), titled by "### title".
 */
#ifndef PROF_TABLE_H
#define PROF_TABLE_H

#include <stdio.h>

enum table_format { TABLE_TEXT, TABLE_CSV, TABLE_JSON, TABLE_MARKDOWN };

/* The format named s ("table", "csv", "json", "markdown"), or -1. */
int table_format_parse(const char *s);

struct table_col {
	const char *key;    /* CSV header and JSON key: "flat_pct" */
	const char *title;  /* header of a text or Markdown table: "flat%" */
	int numeric;        /* right-aligned; a JSON number */
};

enum table_color { TABLE_PLAIN, TABLE_RED, TABLE_GREEN, TABLE_YELLOW, TABLE_BOLD, TABLE_DIM };

struct table;

/* A new table for format. */
struct table *table_new(int format);

/* A line of notes (text and Markdown; JSON header "notes"; not in CSV). */
void table_note(struct table *t, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* A header fact (JSON only): a number when numeric (raw must be a number). */
void table_fact(struct table *t, const char *key, const char *value, int numeric);

/*
 * Starts a section named name (its JSON key; NULL: "rows") with title
 * (text and Markdown; NULL: none) and columns cols[0..ncols) (kept, not
 * copied).  The first row needs a section.
 */
void table_section(struct table *t, const char *name, const char *title,
    const struct table_col *cols, int ncols);

/* Starts a row of the current section, in colour (enum table_color). */
void table_row(struct table *t, int color);

/*
 * Adds the next cell of the current row: text shows, raw is the machine
 * value (NULL: text).  text[0..len) may hold any bytes; len (size_t)-1
 * means strlen(text).
 */
void table_cell(struct table *t, const char *text, size_t len, const char *raw);

/*
 * Writes the table to fp.  color: use terminal colours (text only);
 * width: the line width to cut the last column to (text only; 0: none).
 * Returns 0, or -1 when a row has a different number of cells than its
 * section's columns (a bug in the caller).
 */
int table_write(struct table *t, FILE *fp, int color, int width);

/*
 * Whether a table written to ofile ("-": stdout) gets colour and to what
 * width names are cut, for --color when ("auto", "always", "never"):
 * colour and cutting are for a person at a terminal, never for a file or
 * a pipe; auto turns colour off under NO_COLOR (no-color.org) or
 * TERM=dumb.  The width is the terminal's, else COLUMNS, else 80; 0 when
 * not a terminal.
 */
void table_terminal(const char *ofile, const char *when, int *color, int *width);


void table_free(struct table *t);

#endif
