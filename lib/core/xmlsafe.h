/*
 * xmlsafe: any bytes made into text that XML carries and a browser shows
 * as text, never as markup.
 *
 * A frame name may hold any bytes.  Clean text is what xmlsafe_clean()
 * makes of it: well-formed UTF-8 of characters XML 1.0 allows, and no
 * control characters.  Every byte that does not start a well-formed UTF-8
 * sequence (overlong forms, surrogates and stray continuation bytes are
 * not well-formed) becomes U+FFFD, and so does every control character
 * (C0 including NUL, tab and newline; DEL; C1) and U+FFFE, U+FFFF.  So a
 * newline in written text is always the writer's, never a name's.
 * Clean text is measured and cut in whole characters, then escaped on
 * output: & < > " become entities, so it may stand in element text and in
 * a double-quoted attribute, and "]]>" never appears in it.
 */
#ifndef PROF_XMLSAFE_H
#define PROF_XMLSAFE_H

#include <stddef.h>
#include <stdio.h>

/* Room xmlsafe_clean() needs for n bytes: each may become U+FFFD. */
#define XMLSAFE_CLEAN_MAX(n) (3 * (n))
/* Room xmlsafe_escape() needs for n bytes: '"' becomes "&quot;". */
#define XMLSAFE_ESCAPE_MAX(n) (6 * (n))

/* Writes the clean text of src[0..n) to dst; returns its length. */
size_t xmlsafe_clean(char *dst, const char *src, size_t n);

/* The clean text of src[0..n) in a new string, NUL-terminated, that the
 * caller frees; its length in *len unless len is NULL. */
char *xmlsafe_cleandup(const char *src, size_t n, size_t *len);

/* The number of characters of clean text s[0..n). */
size_t xmlsafe_chars(const char *s, size_t n);

/*
 * Cuts clean text s[0..n) of nchars characters to show in at most max
 * characters.  Whole when it fits; else, if max >= 3, max - 2 characters
 * and "..": the first ones with the dots after them (right != 0: cut on
 * the right), or the last ones with the dots before them; else nothing.
 * Stores the bytes kept in *off and *len (never splitting a character)
 * and returns where the dots go: 0 none, 1 after, -1 before.
 */
int xmlsafe_cut(const char *s, size_t n, size_t nchars, size_t max, int right,
    size_t *off, size_t *len);

/* Writes clean text s[0..n) escaped to dst; returns its length. */
size_t xmlsafe_escape(char *dst, const char *s, size_t n);

/* Writes any bytes s[0..n) to fp as clean, escaped text. */
void xmlsafe_puts(FILE *fp, const char *s, size_t n);

#endif
