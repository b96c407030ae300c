/*
 * json: a small, strict JSON reader (RFC 8259) into a tree.
 *
 * json_parse() reads one JSON text (any value, with whitespace around it;
 * a UTF-8 byte order mark before it is skipped) and returns its tree, or
 * NULL with the line of the error and a short reason.  Strict means:
 * nothing RFC 8259 does not allow is taken (no comments, no trailing
 * commas, no single quotes, no NaN or Infinity, no leading zeros, no
 * control characters or invalid UTF-8 in strings, no lone surrogates),
 * and numbers must be finite doubles ("1e999" is an error).  Input
 * nested deeper than JSON_MAX_DEPTH arrays and objects is refused, so
 * hostile input cannot overflow the stack.
 *
 * The tree: every value is a struct json, owned by its parent; the root
 * is freed by json_free().  Strings are UTF-8 (\u escapes decoded,
 * surrogate pairs joined) with a NUL after them; a "\u0000" in the text
 * is a NUL inside, so len is the length.  An object keeps its members in
 * the order of the text, duplicates included (json_get finds the last,
 * as Python's json module keeps it).  Numbers are read by strtod in the
 * C locale, whatever the program's locale.
 */
#ifndef PROF_JSON_H
#define PROF_JSON_H

#include <locale.h>
#include <stddef.h>
#include <stdio.h>

#define JSON_MAX_DEPTH 200

enum json_type {
	JSON_NULL, JSON_FALSE, JSON_TRUE, JSON_NUMBER, JSON_STRING, JSON_ARRAY, JSON_OBJECT
};

struct json {
	enum json_type type;
	int line;           /* where the value starts (1-based), for messages */
	double num;         /* JSON_NUMBER */
	char *str;          /* JSON_STRING: len bytes and a NUL */
	size_t len;
	struct json *v;     /* JSON_ARRAY: elements; JSON_OBJECT: members' values */
	char **keys;        /* JSON_OBJECT: members' keys, parallel to v */
	size_t n;           /* elements or members */
};

struct json_error {
	int line;           /* 1-based */
	char msg[80];
};

/* Parses s[0..n); returns the tree, or NULL and *err filled in. */
struct json *json_parse(const char *s, size_t n, struct json_error *err);

/* The value of the last member key of object o, or NULL (also when o is
 * NULL or not an object). */
const struct json *json_get(const struct json *o, const char *key);

/* Element i of array a, or NULL (out of range, a NULL or not an array). */
const struct json *json_at(const struct json *a, size_t i);

/* The elements of an array or the members of an object; 0 for others. */
size_t json_len(const struct json *j);

/* The number in j: 0 and *v set, or -1 when j is NULL or not a number. */
int json_num(const struct json *j, double *v);

/* The string in j, or NULL when j is NULL or not a string. */
const char *json_str(const struct json *j);

/* "null", "false", "true", "a number", "a string", "an array", "an object". */
const char *json_type_name(enum json_type t);

/*
 * The length of the number at the start of s[0..n) by JSON's grammar
 * (RFC 8259: no '+', no leading zeros, digits after a '.' and in an
 * exponent), or 0 when none starts there.
 */
size_t json_number_len(const char *s, size_t n);

/*
 * Parses s[0..n), a whole decimal number as JSON writes it but with an
 * optional '+' and leading zeros allowed ("007", "+1.5e-3"), by strtod in
 * the C locale.  Returns 0 and *v set, or -1 when it is not such a
 * number or not a finite double (no "inf", "nan", hex or spaces).
 */
int json_decimal(const char *s, size_t n, double *v);

void json_free(struct json *j);

/*
 * The C locale (made once; dies if it cannot be), for numbers read and
 * written with '.' whatever the program's locale (uselocale, strtod_l).
 */
locale_t json_c_locale(void);

/*
 * Writes s[0..n) (any bytes; n (size_t)-1: strlen) as a JSON string,
 * quotes included, of the clean text of s (xmlsafe_clean): invalid UTF-8
 * and control characters become U+FFFD, so a name reads the same in the
 * JSON as in the tables and the SVG.  '"' and '\\' are escaped, and so
 * are U+2028 and U+2029, which older JavaScript does not take raw.  The
 * one JSON string writer: tables, prof-diff's results, prof-bench's
 * exports, prof-plan, speedscope files.
 */
void json_write_string(FILE *fp, const char *s, size_t n);

#endif
