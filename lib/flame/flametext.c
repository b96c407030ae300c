#include "flame/flametext.h"

#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "core/util.h"
#include "core/xmlsafe.h"
#include "folded/unit.h"

/* The colours, by share of all: ANSI SGR sequences. */
#define C_RESET "\033[0m"
#define C_HUGE  "\033[1;31m"  /* 50% and more */
#define C_BIG   "\033[31m"    /* 20% */
#define C_MID   "\033[33m"    /* 5% */
#define C_SMALL "\033[32m"
#define C_DIM   "\033[2m"
#define C_GROW  "\033[31m"
#define C_SHRINK "\033[34m"

struct text {
	FILE *out;
	const struct flame *f;
	double all;             /* the root's total[0] */
	int color;
	int cwidth;             /* of the count column */
	/* the factor: exact (a count) when it has at most 9 decimals */
	double factor;
	count_t fcount;
	int fexact;
	const struct unit *unit;   /* NULL: counts as numbers */
	/* cont[d]: the ancestor at depth d has siblings still to come */
	unsigned char *cont;
	size_t ncont;
	char *clean;            /* a name made safe */
	size_t nclean;
	char *fn;               /* a frame's function with its suffix */
	size_t nfn;
};

struct kid {
	count_t total;
	const char *name;
	size_t len;
	uint32_t i;
};

struct item {
	uint32_t i;
	unsigned char hidden;   /* the "more frames" line of node i */
	unsigned char last;
};

/*
 * Makes name clean text in t->clean (xmlsafe.h: invalid UTF-8 and control
 * characters become U+FFFD) and returns its length.  The bidirectional
 * embeddings, overrides and isolates (U+202A-E, U+2066-9) become U+FFFD
 * too: some terminals (VTE, mlterm) honour them, so a name could reorder
 * what follows it on the line.
 */
static size_t
clean_name(struct text *t, const char *name, size_t len)
{
	size_t n;

	if (XMLSAFE_CLEAN_MAX(len) >= t->nclean) {
		t->nclean = XMLSAFE_CLEAN_MAX(len) + 1;
		t->clean = xrealloc(t->clean, t->nclean);
	}
	n = xmlsafe_clean(t->clean, name, len);
	/* clean text is well-formed: each is 3 bytes, as U+FFFD is */
	for (char *p = t->clean; (p = memchr(p, '\xE2', n - (size_t)(p - t->clean))) != NULL; p++) {
		unsigned char b1 = (unsigned char)p[1], b2 = (unsigned char)p[2];
		if ((b1 == 0x80 && b2 >= 0xAA && b2 <= 0xAE) || (b1 == 0x81 && b2 >= 0xA6 && b2 <= 0xA9))
			memcpy(p, "\xEF\xBF\xBD", 3);
	}
	return n;
}

static void
put_name(struct text *t, const char *name, size_t len)
{
	fwrite(t->clean, 1, clean_name(t, name, len), t->out);
}

/* A frame as a reader writes it: "parse src/parse.c:42 in /usr/bin/app"
 * (prof-folded(5)'s tabs become words), where it is dimmed in colour. */
static void
put_frame(struct text *t, const char *frame, size_t len)
{
	struct flame_label l;

	if (len > t->nfn)
		t->fn = xrealloc(t->fn, t->nfn = len);
	flame_label(frame, len, t->fn, &l);
	put_name(t, l.fn, l.fn_len);
	if (l.loc_len + l.module_len == 0)
		return;
	if (t->color)
		fputs(C_DIM, t->out);
	if (l.loc_len > 0) {
		fputc(' ', t->out);
		put_name(t, l.loc, l.loc_len);
	}
	if (l.module_len > 0) {
		fputs(" in ", t->out);
		put_name(t, l.module, l.module_len);
	}
	if (t->color)
		fputs(C_RESET, t->out);
}

/* Room for a count as shown, exact or in its unit. */
#define SHOWN_BUFSZ (UNIT_BUFSZ > COUNT_BUFSZ ? UNIT_BUFSZ : COUNT_BUFSZ)

/* c as shown: multiplied by the factor; in the unit when there is one. */
static size_t
show_count(const struct text *t, count_t c, char buf[SHOWN_BUFSZ])
{
	count_t m;

	if (t->factor == 1)
		return t->unit ? unit_show(t->unit, c, buf) : count_format(c, buf);
	if (t->fexact && count_mul(c, t->fcount, &m) == 0)
		return t->unit ? unit_show(t->unit, m, buf) : count_format(m, buf);
	return (size_t)snprintf(buf, SHOWN_BUFSZ, "%.10g", count_double(c) * t->factor);
}

static double
pct(const struct text *t, count_t c)
{
	return t->all > 0 ? 100 * count_double(c) / t->all : 0;
}

static const char *
pct_color(double p)
{
	return p >= 50 ? C_HUGE : p >= 20 ? C_BIG : p >= 5 ? C_MID : C_SMALL;
}

static void
put_prefix(struct text *t, uint32_t depth, int last)
{
	if (depth == 0)
		return;
	for (uint32_t d = 1; d < depth; d++)
		fputs(t->cont[d] ? "\xE2\x94\x82  " : "   ", t->out);  /* │ */
	fputs(last ? "\xE2\x94\x94\xE2\x94\x80 " : "\xE2\x94\x9C\xE2\x94\x80 ", t->out);  /* └─ ├─ */
}

/* The change from before to after: "+12.5%", "-50.0%", "0.0%" or "new". */
static void
put_change(struct text *t, count_t before, count_t after)
{
	count_t d = after > before ? after - before : before - after;
	const char *col = after > before ? C_GROW : after < before ? C_SHRINK : NULL;

	if (t->color && col)
		fputs(col, t->out);
	if (before == 0 && after > 0)
		fputs("new", t->out);
	else if (d == 0)
		fputs("0.0%", t->out);
	else
		fprintf(t->out, "%c%.1f%%", after > before ? '+' : '-',
		    100 * count_double(d) / count_double(before));
	if (t->color && col)
		fputs(C_RESET, t->out);
}

static void
put_node(struct text *t, uint32_t i, int last)
{
	const struct flame_node *v = &t->f->v[i];
	char buf[SHOWN_BUFSZ];
	double p = i == 0 ? 100 : pct(t, v->total[0]);

	show_count(t, v->total[0], buf);
	if (t->color)
		fputs(pct_color(p), t->out);
	fprintf(t->out, "%5.1f%%", p);
	if (t->color)
		fputs(C_RESET, t->out);
	fprintf(t->out, "  %*s  ", t->cwidth, buf);
	put_prefix(t, v->depth, last);
	put_frame(t, v->name, v->len);
	if (t->f->diff) {
		/* n[0] is AFTER unless negated (flame.h) */
		int neg = t->f->flags & FLAME_NEGATE;
		count_t before = neg ? v->total[0] : v->total[1];
		count_t after = neg ? v->total[1] : v->total[0];
		char b[SHOWN_BUFSZ], a[SHOWN_BUFSZ];

		show_count(t, before, b);
		show_count(t, after, a);
		fprintf(t->out, "  (%s -> %s, ", b, a);
		put_change(t, before, after);
		fputc(')', t->out);
	}
	fputc('\n', t->out);
}

static void
put_hidden(struct text *t, uint32_t i)
{
	const struct flame_node *v = &t->f->v[i];

	fprintf(t->out, "%6s  %*s  ", "", t->cwidth, "");
	put_prefix(t, v->depth + 1, 1);
	if (t->color)
		fputs(C_DIM, t->out);
	fprintf(t->out, "\xE2\x80\xA6 %lu more frame%s (%.1f%%)", (unsigned long)v->nhidden,
	    v->nhidden == 1 ? "" : "s", pct(t, v->hidden));
	if (t->color)
		fputs(C_RESET, t->out);
	fputc('\n', t->out);
}

static int
widest_first(const void *a, const void *b)
{
	const struct kid *x = a, *y = b;
	size_t n = x->len < y->len ? x->len : y->len;
	int c;

	if (x->total != y->total)
		return x->total > y->total ? -1 : 1;
	if ((c = memcmp(x->name, y->name, n)) != 0)
		return c;
	if (x->len != y->len)
		return x->len < y->len ? -1 : 1;
	return (x->i > y->i) - (x->i < y->i);
}

static void
set_exact_factor(struct text *t)
{
	char buf[64];
	int n;

	t->fexact = 0;
	if (!(t->factor > 0) || t->factor == 1)
		return;
	n = snprintf(buf, sizeof(buf), "%.9f", t->factor);
	if (n <= 0 || (size_t)n >= sizeof(buf) || count_parse(buf, (size_t)n, &t->fcount) != COUNT_OK)
		return;
	/* exact only if the factor has no digits past the ninth decimal */
	t->fexact = t->fcount != 0 &&
	    fabs(count_double(t->fcount) - t->factor) <= t->factor * 1e-12;
}

int
flametext_write(FILE *out, const struct flame *f, const char *count_name, const struct unit *u,
    double factor, int color)
{
	struct text t = { .out = out, .f = f, .color = color, .factor = factor, .unit = u };
	struct item *stack = NULL;
	struct kid *kids = NULL;
	size_t nstack = 0, capstack = 0, capkids = 0;
	char buf[SHOWN_BUFSZ];
	size_t cn;
	int cnchars;

	if (count_name == NULL)
		count_name = "samples";
	if (f->n <= 1) {
		fputs("no data\n", out);
		return ferror(out) ? -1 : 0;
	}
	set_exact_factor(&t);
	t.all = count_double(f->v[0].total[0]);
	cn = clean_name(&t, count_name, strlen(count_name));
	cnchars = (int)xmlsafe_chars(t.clean, cn);
	t.cwidth = cnchars;
	FLAME_FOR_EACH(f, i) {
		int w = (int)show_count(&t, f->v[i].total[0], buf);
		if (w > t.cwidth)
			t.cwidth = w;
	}
	fprintf(out, "%6s  %*s", "%", t.cwidth - cnchars, "");
	put_name(&t, count_name, strlen(count_name));
	fputs("  frame\n", out);

	stack = xreallocarray(NULL, (capstack = 64), sizeof(*stack));
	stack[nstack++] = (struct item){ 0, 0, 1 };
	while (nstack > 0) {
		struct item it = stack[--nstack];
		const struct flame_node *v = &f->v[it.i];
		size_t k = 0;

		if (it.hidden) {
			put_hidden(&t, it.i);
			continue;
		}
		if (v->depth + 2 > t.ncont) {
			size_t n = (v->depth + 2) * 2;
			t.cont = xrealloc(t.cont, n);
			t.ncont = n;
		}
		t.cont[v->depth] = !it.last;
		put_node(&t, it.i, it.last);

		for (uint32_t c = v->child; c; c = f->v[c].next) {
			if (flame_dropped(f, c))
				continue;
			if (k == capkids)
				kids = xreallocarray(kids, (capkids = capkids ? capkids * 2 : 64), sizeof(*kids));
			kids[k++] = (struct kid){ f->v[c].total[0], f->v[c].name, f->v[c].len, c };
		}
		/* a flame chart's order is time: keep it */
		if (!(f->flags & FLAME_CHART) && k > 1)
			qsort(kids, k, sizeof(*kids), widest_first);
		if (nstack + k + 1 > capstack) {
			capstack = (nstack + k + 1) * 2;
			stack = xreallocarray(stack, capstack, sizeof(*stack));
		}
		if (v->nhidden > 0)
			stack[nstack++] = (struct item){ it.i, 1, 1 };
		for (size_t j = k; j > 0; j--)
			stack[nstack++] = (struct item){ kids[j - 1].i, 0,
			    j == k && v->nhidden == 0 };
	}
	free(stack);
	free(kids);
	free(t.cont);
	free(t.clean);
	free(t.fn);
	return ferror(out) ? -1 : 0;
}
