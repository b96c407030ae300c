/* srclist: annotated source, pprof's -list.  See srclist.h. */
#define _GNU_SOURCE
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "core/srcfile.h"
#include "core/util.h"
#include "core/xmlsafe.h"

#define uthash_malloc(sz) xmalloc(sz)
#define HASH_FUNCTION(keyptr, keylen, hashv) ((hashv) = stacktable_hash((keyptr), (keylen)))
#include "folded/frame.h"
#include "top/srclist.h"

/* A function's line while the stacks are read. */
struct lrec {
	UT_hash_handle hh;
	long line;
	count_t flat, cum;
	size_t stamp;           /* the last stack counted in cum */
};

/* A function (name and file) while the stacks are read; key is
 * name NUL file. */
struct frec {
	UT_hash_handle hh;
	struct lrec *lines;
	count_t flat, cum;
	size_t stamp;
	size_t name_len, file_len;
	char key[];
};

enum { F_FOCUS = 1, F_IGNORE = 2, F_HIDE = 4 };

/* A distinct frame as written, its function's line (NULL: its name does
 * not match) and which filters match it; each costs one split and one
 * regexec per expression. */
struct crec {
	UT_hash_handle hh;
	struct frec *f;
	struct lrec *l;
	unsigned flags;
	char key[];
};

/* The filters that match the frame (frame_match). */
static unsigned
flags_of(const struct top_opts *o, const struct frame_parts *fp)
{
	const regex_t *res[3] = { o->focus, o->ignore, o->hide };
	char *b = xmalloc(fp->name_len + fp->suffix_len + fp->loc_len + fp->module_len + 1);
	unsigned flags = 0;

	for (int i = 0; i < 3; i++)
		if (res[i] != NULL && frame_match(res[i], fp, b))
			flags |= 1u << i;
	free(b);
	return flags;
}

/* The line number of a location "FILE:LINE" (file_len the FILE's), or 0:
 * none, or not one a file can have. */
static long
line_of(const struct frame_parts *p)
{
	long n = 0;

	if (p->loc_len <= p->file_len + 1)
		return 0;
	for (size_t i = p->file_len + 1; i < p->loc_len; i++) {
		if (p->loc[i] < '0' || p->loc[i] > '9' || n > 100000000)
			return 0;
		n = n * 10 + (p->loc[i] - '0');
	}
	return n;
}

static struct crec *
frame_rec(struct crec **cache, struct frec **funcs, const regex_t *re, const struct top_opts *o,
    const char *fr, size_t len)
{
	struct frame_parts p;
	struct crec *c;
	struct frec *f;
	char *name, *key;
	size_t klen;
	long line;

	HASH_FIND(hh, *cache, fr, len, c);
	if (c != NULL)
		return c;
	c = xcalloc(1, sizeof(*c) + len + 1);
	memcpy(c->key, fr, len);
	HASH_ADD(hh, *cache, key[0], len, c);
	frame_split(fr, len, &p);
	c->flags = flags_of(o, &p);
	name = xmemdup(p.name, p.name_len);
	/* REG_STARTEND: a name with a NUL byte is matched whole, as the
	 * filters match it (frame_match) */
	regmatch_t m[1] = { { .rm_so = 0, .rm_eo = (regoff_t)p.name_len } };
	if (regexec(re, name, 1, m, REG_STARTEND) != 0) {
		free(name);
		return c;
	}
	free(name);
	klen = p.name_len + 1 + p.file_len;
	key = xmalloc(klen + 1);
	memcpy(key, p.name, p.name_len);
	key[p.name_len] = '\0';
	memcpy(key + p.name_len + 1, p.file, p.file_len);
	key[klen] = '\0';
	HASH_FIND(hh, *funcs, key, klen, f);
	if (f == NULL) {
		f = xcalloc(1, sizeof(*f) + klen + 1);
		memcpy(f->key, key, klen + 1);
		f->name_len = p.name_len;
		f->file_len = p.file_len;
		HASH_ADD(hh, *funcs, key[0], klen, f);
	}
	free(key);
	c->f = f;
	line = line_of(&p);
	HASH_FIND(hh, f->lines, &line, sizeof(line), c->l);
	if (c->l == NULL) {
		c->l = xcalloc(1, sizeof(*c->l));
		c->l->line = line;
		HASH_ADD(hh, f->lines, line, sizeof(line), c->l);
	}
	return c;
}

static int
by_name(const void *a, const void *b)
{
	const struct srclist_func *x = a, *y = b;
	size_t n = x->name_len < y->name_len ? x->name_len : y->name_len;
	int c;

	if ((c = memcmp(x->name, y->name, n)) != 0)
		return c;
	if (x->name_len != y->name_len)
		return x->name_len < y->name_len ? -1 : 1;
	n = x->file_len < y->file_len ? x->file_len : y->file_len;
	if ((c = memcmp(x->file, y->file, n)) != 0)
		return c;
	return (x->file_len > y->file_len) - (x->file_len < y->file_len);
}

static int
by_line(const void *a, const void *b)
{
	const struct srclist_line *x = a, *y = b;

	return (x->line > y->line) - (x->line < y->line);
}

struct srclist *
srclist_build(struct stacktable *tab, const regex_t *re, const struct top_opts *o, int diff)
{
	struct srclist *sl = xcalloc(1, sizeof(*sl));
	struct crec *cache = NULL, *c, *ct, **fr = NULL;
	struct frec *funcs = NULL, *f, *ft;
	struct stacktable_entry *e, *et;
	int which = diff ? 1 : 0;
	size_t stamp = 0, cap = 0;

	sl->total = tab->total[which];
	HASH_ITER(hh, tab->head, e, et) {
		count_t n = e->n[which];
		struct crec *leaf = NULL;
		size_t start = 0, nf = 0;
		unsigned any = 0;

		if (n == 0)
			continue;
		for (size_t i = 0; i <= e->len; i++) {
			if (i < e->len && e->key[i] != ';')
				continue;
			if (nf == cap)
				fr = xreallocarray(fr, cap = cap ? 2 * cap : 64, sizeof(*fr));
			fr[nf] = frame_rec(&cache, &funcs, re, o, e->key + start, i - start);
			any |= fr[nf++]->flags;
			start = i + 1;
		}
		/* pprof's filters, in top's order: focus, ignore, then hide */
		if ((o->focus != NULL && !(any & F_FOCUS)) || (any & F_IGNORE))
			continue;
		stamp++;
		for (size_t i = 0; i < nf; i++) {
			if (fr[i]->flags & F_HIDE)
				continue;
			leaf = fr[i];
			if (leaf->l == NULL)
				continue;
			/* the reader checked that the totals fit: no sum here overflows */
			if (leaf->l->stamp != stamp) {
				leaf->l->stamp = stamp;
				leaf->l->cum += n;
			}
			if (leaf->f->stamp != stamp) {
				leaf->f->stamp = stamp;
				leaf->f->cum += n;
			}
		}
		if (leaf != NULL && leaf->l != NULL) {
			leaf->l->flat += n;
			leaf->f->flat += n;
		}
	}
	free(fr);
	HASH_ITER(hh, cache, c, ct) {
		HASH_DEL(cache, c);
		free(c);
	}
	sl->funcs = xreallocarray(NULL, HASH_COUNT(funcs) + 1, sizeof(*sl->funcs));
	HASH_ITER(hh, funcs, f, ft) {
		struct srclist_func *out = &sl->funcs[sl->n++];
		struct lrec *l, *lt;

		memset(out, 0, sizeof(*out));
		out->name = xmemdup(f->key, f->name_len);
		out->file = xmemdup(f->key + f->name_len + 1, f->file_len);
		out->name_len = f->name_len;
		out->file_len = f->file_len;
		out->flat = f->flat;
		out->cum = f->cum;
		out->lines = xreallocarray(NULL, HASH_COUNT(f->lines) + 1, sizeof(*out->lines));
		HASH_ITER(hh, f->lines, l, lt) {
			/* a line seen only in stacks skipped (count 0, or filtered out) */
			if (l->cum != 0) {
				out->lines[out->nlines].line = l->line;
				out->lines[out->nlines].flat = l->flat;
				out->lines[out->nlines++].cum = l->cum;
				if (l->line > 0)
					out->located = 1;
			}
			HASH_DEL(f->lines, l);
			free(l);
		}
		qsort(out->lines, out->nlines, sizeof(*out->lines), by_line);
		sl->nlocated += out->located;
		HASH_DEL(funcs, f);
		free(f);
		if (out->nlines == 0) {
			free(out->name);
			free(out->file);
			free(out->lines);
			sl->n--;
		}
	}
	qsort(sl->funcs, sl->n, sizeof(*sl->funcs), by_name);
	return sl;
}

/* "." for 0, as pprof; else the count as a person reads it. */
static const char *
shown(const struct unit *u, count_t c, char buf[UNIT_BUFSZ])
{
	if (c == 0)
		return ".";
	unit_show(u, c, buf);
	return buf;
}

static void
write_func(const struct srclist_func *f, FILE *fp, const struct unit *u, const char *dir,
    const struct srcfile *s, count_t total)
{
	char a[UNIT_BUFSZ], b[UNIT_BUFSZ];
	char *name = xmlsafe_cleandup(f->name, f->name_len, NULL);
	char *file = xmlsafe_cleandup(f->file, f->file_len, NULL);
	size_t i = 0;
	long lo, hi;

	fprintf(fp, "ROUTINE ======================== %s in %s\n", name, file);
	unit_show(u, f->flat, a);
	unit_show(u, f->cum, b);
	fprintf(fp, "%10s %10s (flat, cum) %.2f%% of Total\n", a, b,
	    total > 0 ? 100 * count_double(f->cum) / count_double(total) : 0.0);
	if (s->path == NULL) {
		char *d = xmlsafe_cleandup(dir, strlen(dir), NULL);

		fprintf(fp, " (source not found under %s: lines without their text)\n", d);
		free(d);
	} else if (s->ambiguous) {
		char *p = xmlsafe_cleandup(s->path, strlen(s->path), NULL);

		fprintf(fp, " (source: %s, the first of several files named so)\n", p);
		free(p);
	}
	if (f->lines[0].line == 0)
		i = 1;
	lo = f->lines[i].line > SRCLIST_MARGIN ? f->lines[i].line - SRCLIST_MARGIN : 1;
	hi = f->lines[f->nlines - 1].line + SRCLIST_MARGIN;
	for (long ln = lo; ln <= hi; ln++) {
		const struct srclist_line *l = i < f->nlines && f->lines[i].line == ln ?
		    &f->lines[i++] : NULL;
		char *text;

		if ((size_t)ln <= s->n) {
			text = srcfile_show(s->lines[ln - 1]);
			fprintf(fp, "%10s %10s %6ld:%s\n", l ? shown(u, l->flat, a) : ".",
			    l ? shown(u, l->cum, b) : ".", ln, text);
			free(text);
		} else if (l != NULL) {
			fprintf(fp, "%10s %10s %6ld:\n", shown(u, l->flat, a), shown(u, l->cum, b), ln);
		} else if (i >= f->nlines)
			break;
		else	/* past the end of the source: on to the next line with counts */
			ln = f->lines[i].line - 1;
	}
	if (f->lines[0].line == 0)
		fprintf(fp, "%10s %10s %6s: (no line number)\n", shown(u, f->lines[0].flat, a),
		    shown(u, f->lines[0].cum, b), "?");
	free(name);
	free(file);
}

/* A source file read for the listing, by the name the profile gives. */
struct fcache {
	UT_hash_handle hh;
	struct srcfile s;       /* path NULL: not found, or refused */
	size_t size;            /* the bytes of its text */
	char key[];
};

/* The source text held at once: past it the files read are let go (and
 * read again if asked for), so that a tree of large files cannot take
 * the memory; most listings hold a few small files. */
#define FCACHE_MAX ((size_t)256 << 20)

static void
fcache_clear(struct fcache **cache, size_t *held)
{
	struct fcache *c, *tmp;

	HASH_ITER(hh, *cache, c, tmp) {
		HASH_DEL(*cache, c);
		srcfile_free(&c->s);
		free(c);
	}
	*held = 0;
}

/* The file named f->file, read once however the functions alternate
 * between files (each read may walk the whole tree for a base name). */
static const struct srcfile *
fcache_get(struct fcache **cache, size_t *held, const struct srclist_func *f, const char *dir)
{
	struct fcache *c;

	HASH_FIND(hh, *cache, f->file, f->file_len, c);
	if (c != NULL)
		return &c->s;
	if (*held > FCACHE_MAX)
		fcache_clear(cache, held);
	c = xcalloc(1, sizeof(*c) + f->file_len + 1);
	memcpy(c->key, f->file, f->file_len);
	/* a name with a NUL byte names no file */
	if (memchr(f->file, '\0', f->file_len) == NULL && srcfile_load(&c->s, c->key, dir) == 0 &&
	    c->s.n > 0)
		c->size = (size_t)(c->s.lines[c->s.n - 1] - c->s.text) +
		    strlen(c->s.lines[c->s.n - 1]);
	*held += c->size;
	HASH_ADD(hh, *cache, key[0], f->file_len, c);
	return &c->s;
}

int
srclist_write(const struct srclist *sl, FILE *fp, const struct unit *u, const char *dir)
{
	struct fcache *cache = NULL;
	struct srcfile none = { 0 };
	char buf[UNIT_BUFSZ];
	size_t held = 0;

	unit_show(u, sl->total, buf);
	fprintf(fp, "Total: %s\n", buf);
	for (size_t i = 0; i < sl->n; i++) {
		const struct srclist_func *f = &sl->funcs[i];
		const struct srcfile *s;

		if (!f->located)
			continue;
		s = fcache_get(&cache, &held, f, dir);
		write_func(f, fp, u, dir, s->path != NULL ? s : &none, sl->total);
	}
	fcache_clear(&cache, &held);
	return ferror(fp) ? -1 : 0;
}

static const struct table_col cols[] = {
	{ "function", "function", 0 }, { "file", "file", 0 }, { "line", "line", 1 },
	{ "flat", "flat", 1 }, { "cum", "cum", 1 },
};

void
srclist_rows(struct table *t, const struct srclist *sl, const struct unit *u)
{
	char text[UNIT_BUFSZ], raw[COUNT_BUFSZ], num[24];

	raw[count_format(sl->total, raw)] = '\0';
	table_fact(t, "total", raw, 1);
	table_section(t, "lines", NULL, cols, 5);
	for (size_t i = 0; i < sl->n; i++) {
		const struct srclist_func *f = &sl->funcs[i];

		if (!f->located)
			continue;
		for (size_t j = 0; j < f->nlines; j++) {
			const struct srclist_line *l = &f->lines[j];

			table_row(t, TABLE_PLAIN);
			table_cell(t, f->name, f->name_len, NULL);
			table_cell(t, f->file, f->file_len, NULL);
			if (l->line > 0) {
				snprintf(num, sizeof(num), "%ld", l->line);
				table_cell(t, num, (size_t)-1, NULL);
			} else
				table_cell(t, "?", 1, "");
			unit_show(u, l->flat, text);
			raw[count_format(l->flat, raw)] = '\0';
			table_cell(t, text, (size_t)-1, raw);
			unit_show(u, l->cum, text);
			raw[count_format(l->cum, raw)] = '\0';
			table_cell(t, text, (size_t)-1, raw);
		}
	}
}

void
srclist_free(struct srclist *sl)
{
	if (sl == NULL)
		return;
	for (size_t i = 0; i < sl->n; i++) {
		free(sl->funcs[i].name);
		free(sl->funcs[i].file);
		free(sl->funcs[i].lines);
	}
	free(sl->funcs);
	free(sl);
}
