#include "flame/svg.h"

#include <float.h>
#include <math.h>
#include <stdio.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "core/share.h"
#include "core/util.h"
#include "core/xmlsafe.h"
#include "flame/palette.h"
#include "folded/unit.h"

/* Left and right margins; prof-flame's cut assumes the frames span
 * width - 2 * XPAD pixels. */
#define XPAD 10

void
svg_defaults(struct svg_opts *o)
{
	memset(o, 0, sizeof(*o));
	o->width = 1200;
	o->frame_height = 16;
	o->font_type = "Verdana";
	o->font_size = 12;
	o->font_width = 0.59;
	o->count_name = "samples";
	o->name_type = "Function:";
	o->palette = "hot";
	o->search_color = "rgb(230,0,230)";
	o->factor = 1;
	o->minwidth = 0.1;
}

/* The output, buffered here: a graph is many small writes. */
struct out {
	FILE *fp;
	char *b;
	size_t n, cap;
};

static void
o_flush(struct out *o)
{
	if (o->n > 0)
		fwrite(o->b, 1, o->n, o->fp);
	o->n = 0;
}

/* Room for k more bytes at o->b + o->n. */
static char *
o_room(struct out *o, size_t k)
{
	if (o->n + k > o->cap) {
		o_flush(o);
		if (k > o->cap) {
			o->cap = k;
			o->b = xrealloc(o->b, o->cap);
		}
	}
	return o->b + o->n;
}

static void
o_put(struct out *o, const char *s, size_t k)
{
	memcpy(o_room(o, k), s, k);
	o->n += k;
}

static void
o_str(struct out *o, const char *s)
{
	o_put(o, s, strlen(s));
}

static void
o_uint(struct out *o, unsigned long long v)
{
	char buf[24], *p = buf + sizeof(buf);

	do
		*--p = (char)('0' + v % 10);
	while (v /= 10);
	o_put(o, p, (size_t)(buf + sizeof(buf) - p));
}

/*
 * Writes v with fmt when it is too large for the exact integer path below
 * (a change of 10^17 percent is real data in a differential profile, and
 * llround of it overflows); NaN is written as 0.  Returns 1 if it wrote.
 */
static int
o_huge(struct out *o, double v, const char *fmt)
{
	char buf[512];
	int n;

	if (v != v) {
		o_put(o, "0", 1);
		return 1;
	}
	if (fabs(v) < 1e15)
		return 0;
	if (isinf(v))
		v = v < 0 ? -DBL_MAX : DBL_MAX;
	n = snprintf(buf, sizeof(buf), fmt, v);
	o_put(o, buf, (size_t)n < sizeof(buf) ? (size_t)n : sizeof(buf) - 1);
	return 1;
}

/*
 * Writes the sign and the whole part of v rounded to hundredths, and
 * returns the hundredths that remain, 0 to 99, for the caller's decimals.
 */
static int
o_whole(struct out *o, double v)
{
	long long c = llround(v * 100);

	if (c < 0) {
		o_put(o, "-", 1);
		c = -c;
	}
	o_uint(o, (unsigned long long)c / 100);
	return (int)(c % 100);
}

/* v with at most 2 decimals, none when they are zeros: "12", "12.5". */
static void
o_num(struct out *o, double v)
{
	int h;

	if (o_huge(o, v, "%.0f"))
		return;
	if ((h = o_whole(o, v)) != 0) {
		char d[3] = { '.', (char)('0' + h / 10), (char)('0' + h % 10) };
		o_put(o, d, h % 10 ? 3 : 2);
	}
}

/* v with exactly 2 decimals, for percentages: "12.50". */
static void
o_fixed2(struct out *o, double v)
{
	int h;
	char d[3];

	if (o_huge(o, v, "%.2f"))
		return;
	h = o_whole(o, v);
	d[0] = '.';
	d[1] = (char)('0' + h / 10);
	d[2] = (char)('0' + h % 10);
	o_put(o, d, 3);
}

/* Clean text s[0..n), escaped. */
static void
o_esc(struct out *o, const char *s, size_t n)
{
	o->n += xmlsafe_escape(o_room(o, XMLSAFE_ESCAPE_MAX(n)), s, n);
}

/* Any bytes, as clean escaped text; the scratch buffer is reused. */
static void
o_text(struct out *o, const char *s, size_t n, char **scratch, size_t *cap)
{
	if (XMLSAFE_CLEAN_MAX(n) > *cap) {
		*cap = XMLSAFE_CLEAN_MAX(n);
		*scratch = xrealloc(*scratch, *cap);
	}
	o_esc(o, *scratch, xmlsafe_clean(*scratch, s, n));
}

static void
o_color(struct out *o, uint32_t rgb)
{
	static const char hex[] = "0123456789abcdef";
	char c[7] = { '#' };

	for (int i = 0; i < 6; i++)
		c[1 + i] = hex[(rgb >> (20 - 4 * i)) & 0xf];
	o_put(o, c, 7);
}

/* Writes "]]>"-free pieces of s inside a CDATA section. */
static void
o_cdata(struct out *o, const char *s)
{
	const char *end;

	o_str(o, "<![CDATA[\n");
	while ((end = strstr(s, "]]>")) != NULL) {
		o_put(o, s, (size_t)(end - s) + 2);
		o_str(o, "]]><![CDATA[");
		s = end + 2;
	}
	o_str(o, s);
	o_str(o, "]]>");
}

/* The graph being written: options resolved, layout, counters. */
struct graph {
	const struct flame *f;
	struct svg_opts o;
	struct out out;
	int palette;
	uint32_t bg[2];
	struct palette_map *map;
	count_t factor;         /* o.factor as a count; 0: not one */
	char *cname;            /* count name, escaped */
	double W, H, span, fh, cw, ypad1, ypad2, y0, dy, to;
	double total[2];        /* root's, as doubles */
	double maxchange;       /* differential: the largest |total[0] - total[1]| */
	uint64_t rng;
	char *name;             /* scratch: a frame's function, clean */
	size_t namecap;
	char *loc, *mod, *fn;   /* its location and module, clean; its function */
	size_t loccap, modcap, fncap;
	char *scratch;
	size_t scratchcap;
};

/* Makes *buf hold at least need bytes. */
static void
room(char **buf, size_t *cap, size_t need)
{
	if (need > *cap)
		*buf = xrealloc(*buf, *cap = need);
}

static double
rnd(struct graph *g)
{
	/* splitmix64 */
	uint64_t z = (g->rng += 0x9e3779b97f4a7c15ull);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
	return (double)((z ^ (z >> 31)) >> 11) * 0x1p-53;
}

/* A count as shown: times the factor, exact, with thousands separated;
 * or in the unit, as a person reads it ("12.3ms", "1.5MiB"). */
static void
o_count(struct graph *g, count_t c)
{
	char buf[COUNT_BUFSZ], sep[COUNT_BUFSZ * 2];
	size_t n, digits, k = 0;

	if (g->o.unit != NULL) {
		char show[UNIT_BUFSZ];
		count_t m = c;

		/* (a product too large for a count: the number, as below) */
		if (g->o.factor == 1 || (g->factor != 0 && count_mul(c, g->factor, &m) == 0)) {
			o_put(&g->out, show, unit_show(g->o.unit, m, show));
			return;
		}
	}

	if (g->o.factor != 1 && (g->factor == 0 || count_mul(c, g->factor, &c) < 0)) {
		char approx[64];
		snprintf(approx, sizeof(approx), "%.6g", count_double(c) * g->o.factor);
		o_str(&g->out, approx);
		return;
	}
	n = count_format(c, buf);
	for (digits = 0; digits < n && buf[digits] != '.'; digits++)
		;
	for (size_t i = 0; i < n; i++) {
		if (i > 0 && i < digits && (digits - i) % 3 == 0)
			sep[k++] = ',';
		sep[k++] = buf[i];
	}
	o_put(&g->out, sep, k);
}

/* " samples" after a count, where the count does not show its unit. */
static void
o_cname(struct graph *g)
{
	if (g->o.unit != NULL)
		return;
	o_put(&g->out, " ", 1);
	o_str(&g->out, g->cname);
}

static void
o_units(struct graph *g, count_t c)
{
	char buf[COUNT_BUFSZ];

	o_put(&g->out, buf, count_format(c, buf));
}

static void
o_pct(struct graph *g, count_t part, double whole)
{
	o_fixed2(&g->out, whole > 0 ? 100 * count_double(part) / whole : 0);
	o_put(&g->out, "%", 1);
}

static int
resolve(struct graph *g, const struct svg_opts *in, char *err, size_t errlen)
{
	struct svg_opts *o = &g->o;
	struct svg_opts d;

	svg_defaults(&d);
	*o = *in;
	if (o->title == NULL)
		o->title = o->flamechart ? (o->inverted ? "Icicle Chart" : "Flame Chart") :
		    o->inverted ? "Icicle Graph" : "Flame Graph";
	if (o->width < 2 * XPAD + 10)
		o->width = d.width;
	if (o->frame_height <= 1)
		o->frame_height = d.frame_height;
	if (o->font_type == NULL)
		o->font_type = d.font_type;
	if (!(o->font_size > 0))
		o->font_size = d.font_size;
	if (!(o->font_width > 0))
		o->font_width = d.font_width;
	if (o->count_name == NULL)
		o->count_name = d.count_name;
	if (o->name_type == NULL)
		o->name_type = d.name_type;
	if (o->palette == NULL)
		o->palette = d.palette;
	if (o->search_color == NULL)
		o->search_color = d.search_color;
	if (!(o->factor > 0))
		o->factor = 1;
	if ((g->palette = palette_find(o->palette)) < 0) {
		snprintf(err, errlen, "--colors: '%s' is not a palette; use %s", o->palette, palette_names);
		return -1;
	}
	if (palette_background(o->bgcolors, g->palette, g->bg) < 0) {
		snprintf(err, errlen, "--bgcolors: '%s' is not a colour; use yellow, blue, green, grey or #rrggbb",
		    o->bgcolors);
		return -1;
	}
	if (o->factor != 1) {
		char buf[64];
		int n = snprintf(buf, sizeof(buf), "%.9f", o->factor);

		/* a factor under 1e-9, or too large for a count, is applied
		 * in floating point (o_count) */
		if (n <= 0 || (size_t)n >= sizeof(buf) || count_parse(buf, (size_t)n, &g->factor) < 0)
			g->factor = 0;
	}
	if (o->cp_file != NULL && !g->f->diff &&
	    (g->map = palette_map_open(o->cp_file, err, errlen)) == NULL)
		return -1;
	g->rng = o->random ? (uint64_t)time(NULL) << 20 ^ (uint64_t)getpid() : 0x70726f66u;
	return 0;
}

static void
layout(struct graph *g)
{
	const struct svg_opts *o = &g->o;
	double fs = o->font_size;

	g->W = o->width;
	g->span = g->W - 2 * XPAD;
	g->fh = o->frame_height;
	g->cw = fs * o->font_width;
	g->ypad1 = fs * 3 + (o->subtitle ? fs * 2 : 0);
	g->ypad2 = fs * 2 + 10;
	g->H = ceil(g->ypad1 + g->ypad2 + (g->f->maxdepth + 1) * g->fh);
	if (o->inverted) {
		g->y0 = g->ypad1;
		g->dy = g->fh;
	} else {
		g->y0 = g->H - g->ypad2 - g->fh;
		g->dy = -g->fh;
	}
	/* the baseline that centres a line of text in a frame */
	g->to = (g->fh - 1) / 2 + fs * 0.36;
	g->total[0] = count_double(g->f->v[0].total[0]);
	g->total[1] = count_double(g->f->v[0].total[1]);
}

static void
o_attr_num(struct out *o, const char *name, double v)
{
	o_str(o, name);
	o_num(o, v);
	o_put(o, "\"", 1);
}

static void
o_attr_text(struct graph *g, const char *name, const char *s)
{
	o_str(&g->out, name);
	o_text(&g->out, s, strlen(s), &g->scratch, &g->scratchcap);
	o_put(&g->out, "\"", 1);
}

/* A line of text: <text ATTRS>S</text>, S any bytes. */
static void
o_line(struct graph *g, const char *attrs, double x, double y, const char *s)
{
	o_str(&g->out, "<text ");
	o_str(&g->out, attrs);
	o_attr_num(&g->out, " x=\"", x);
	o_attr_num(&g->out, " y=\"", y);
	o_put(&g->out, ">", 1);
	o_text(&g->out, s, strlen(s), &g->scratch, &g->scratchcap);
	o_str(&g->out, "</text>\n");
}

static void
header(struct graph *g)
{
	struct out *o = &g->out;

	o_str(o, "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"no\"?>\n");
	o_attr_num(o, "<svg version=\"1.1\" width=\"", g->W);
	o_attr_num(o, " height=\"", g->H);
	o_str(o, " viewBox=\"0 0 ");
	o_num(o, g->W);
	o_put(o, " ", 1);
	o_num(o, g->H);
	o_str(o, "\" xmlns=\"http://www.w3.org/2000/svg\"");
	o_attr_text(g, " font-family=\"", g->o.font_type);
	o_attr_num(o, " font-size=\"", g->o.font_size);
	o_str(o, ">\n<!-- Flame graph drawn by prof-flame; see prof-flame(1). -->\n");
	if (g->o.notes != NULL) {
		o_str(o, "<desc>");
		o_text(o, g->o.notes, strlen(g->o.notes), &g->scratch, &g->scratchcap);
		o_str(o, "</desc>\n");
	}
	o_str(o, "<defs><linearGradient id=\"background\" x1=\"0\" y1=\"0\" x2=\"0\" y2=\"1\">"
	    "<stop stop-color=\"");
	o_color(o, g->bg[0]);
	o_str(o, "\" offset=\"5%\"/><stop stop-color=\"");
	o_color(o, g->bg[1]);
	o_str(o, "\" offset=\"95%\"/></linearGradient></defs>\n<style type=\"text/css\">");
	o_cdata(o, share_flame_css);
	o_str(o, "</style>\n<rect width=\"100%\" height=\"100%\" fill=\"url(#background)\"/>\n");
}

/* The title and subtitle. */
static void
titles(struct graph *g)
{
	struct out *o = &g->out;

	o_str(o, "<text id=\"title\" text-anchor=\"middle\"");
	o_attr_num(o, " font-size=\"", g->o.font_size + 5);
	o_attr_num(o, " x=\"", g->W / 2);
	o_attr_num(o, " y=\"", g->o.font_size * 2);
	o_put(o, ">", 1);
	o_text(o, g->o.title, strlen(g->o.title), &g->scratch, &g->scratchcap);
	o_str(o, "</text>\n");
	if (g->o.subtitle != NULL)
		o_line(g, "id=\"subtitle\" text-anchor=\"middle\" fill=\"#a0a0a0\"", g->W / 2,
		    g->o.font_size * 4, g->o.subtitle);
}

static void
no_data(struct graph *g)
{
	g->H = g->o.font_size * 5 + (g->o.subtitle ? g->o.font_size * 2 : 0);
	header(g);
	titles(g);
	o_line(g, "id=\"nodata\" text-anchor=\"middle\"", g->W / 2, g->H - g->o.font_size * 1.5, "No data");
	o_str(&g->out, "</svg>\n");
}

/*
 * The head (title and buttons), after the frames so that it is drawn over
 * them: when the graph is taller than the window, the script keeps it at
 * the top of what is shown, on a band of the background's colour.  Then
 * the lines under the graph.
 */
static void
controls(struct graph *g)
{
	double fs = g->o.font_size, bottom = g->H - g->ypad2 / 2;
	struct out *o = &g->out;

	o_str(o, "<g id=\"head\"><rect id=\"band\" width=\"100%\"");
	o_attr_num(o, " height=\"", g->ypad1 - 4);
	o_str(o, " fill=\"");
	o_color(o, g->bg[0]);
	o_str(o, "\"/>\n");
	titles(g);
	o_line(g, "id=\"unzoom\" class=\"btn off\"", XPAD, fs * 2, "Reset Zoom");
	o_line(g, "id=\"search\" class=\"btn\"", g->W - XPAD - 100, fs * 2, "Search");
	o_line(g, "id=\"ic\" class=\"btn\"", g->W - XPAD - 16, fs * 2, "ic");
	o_str(o, "</g>\n");
	o_line(g, "id=\"details\"", XPAD, bottom, " ");
	o_line(g, "id=\"matched\" text-anchor=\"end\"", g->W - XPAD, bottom, " ");
}

/* The frames' group, with what the script needs to lay them out as this
 * writer does. */
static void
frames_open(struct graph *g)
{
	struct out *o = &g->out;

	o_attr_num(o, "<g id=\"frames\" cw=\"", g->cw);
	o_attr_num(o, " fh=\"", g->fh);
	o_attr_num(o, " xp=\"", XPAD);
	o_attr_num(o, " y0=\"", g->y0);
	o_attr_num(o, " dy=\"", g->dy);
	o_attr_num(o, " to=\"", g->to);
	o_str(o, g->o.truncate_right ? " tr=\"1\"" : " tr=\"0\"");
	o_attr_text(g, " sc=\"", g->o.search_color);
	o_attr_text(g, " nt=\"", g->o.name_type);
	o_str(o, ">\n");
}

/* A differential frame's AFTER less its BEFORE (total[0] is AFTER, or
 * BEFORE with negate): red is growth whichever profile sets the width. */
static double
change(const struct graph *g, const struct flame_node *v)
{
	double d = count_double(v->total[0]) - count_double(v->total[1]);

	return g->f->flags & FLAME_NEGATE ? -d : d;
}

static uint32_t
frame_color(struct graph *g, const struct flame_node *v)
{
	double r[3];
	uint32_t c;
	int st;

	if (g->f->diff)
		return palette_diff(change(g, v), g->maxchange);
	/* a thread's state is a wait, not code: a hue for each whatever the
	 * palette, so that waits stand out; the same in every graph */
	if (g->o.states && (st = unit_state(v->name, v->len)) != UNIT_STATE_NONE) {
		palette_hash(v->name, v->len, r);
		return palette_state(st, r);
	}
	if (g->map != NULL && palette_map_get(g->map, v->name, v->len, &c))
		return c;
	if (g->o.hash)
		palette_hash(v->name, v->len, r);
	else {
		r[0] = rnd(g);
		r[1] = rnd(g);
		r[2] = rnd(g);
	}
	c = palette_color(g->palette, v->name, v->len, r);
	if (g->map != NULL)
		palette_map_put(g->map, v->name, v->len, c);
	return c;
}

/* The tooltip's lines after the name. */
static void
stats(struct graph *g, const struct flame_node *v)
{
	struct out *o = &g->out;
	int negate = g->f->flags & FLAME_NEGATE;

	o_put(o, "\n", 1);
	if (!g->f->diff) {
		o_count(g, v->total[0]);
		o_cname(g);
		o_str(o, " (");
		o_pct(g, v->total[0], g->total[0]);
		o_str(o, "), self ");
		o_count(g, v->self[0]);
		/* (of no count, no share: most frames have none of their own) */
		if (v->self[0] != 0) {
			o_str(o, " (");
			o_pct(g, v->self[0], g->total[0]);
			o_put(o, ")", 1);
		}
	} else {
		/* total[0] is the drawn profile: AFTER, or BEFORE with negate */
		int b = negate ? 0 : 1, a = 1 - b;
		count_t before = v->total[b], after = v->total[a];

		o_str(o, "before ");
		o_count(g, before);
		o_cname(g);
		o_str(o, " (");
		o_pct(g, before, g->total[b]);
		o_str(o, "), after ");
		o_count(g, after);
		o_str(o, " (");
		o_pct(g, after, g->total[a]);
		o_str(o, "), ");
		if (before == 0)
			o_str(o, after == 0 ? "no change" : "new");
		else {
			double change = 100 * (count_double(after) - count_double(before)) / count_double(before);
			if (after > before)
				o_put(o, "+", 1);
			o_fixed2(o, change);
			o_put(o, "%", 1);
		}
		o_str(o, "\nself: before ");
		o_count(g, v->self[b]);
		o_str(o, ", after ");
		o_count(g, v->self[a]);
	}
	if (v->nhidden > 0 && v->hidden > 0) {
		o_put(o, "\n", 1);
		o_count(g, v->hidden);
		o_cname(g);
		o_str(o, " in ");
		o_uint(o, v->nhidden);
		o_str(o, v->nhidden == 1 ? " frame" : " frames");
		o_str(o, " too narrow to draw");
	}
}

static void
frame(struct graph *g, const struct flame_node *v)
{
	struct out *o = &g->out;
	double x = count_double(v->x), w = count_double(v->total[0]);
	/* both ends rounded, so that neighbours meet exactly */
	long long x1 = llround((XPAD + x / g->total[0] * g->span) * 100);
	long long x2 = llround((XPAD + (x + w) / g->total[0] * g->span) * 100);
	double y = g->y0 + g->dy * v->depth;
	size_t n, nloc, nmod, chars, off, len;
	long long fit;
	int dots;
	struct flame_label lb;

	room(&g->fn, &g->fncap, v->len);
	flame_label(v->name, v->len, g->fn, &lb);
	room(&g->name, &g->namecap, XMLSAFE_CLEAN_MAX(lb.fn_len));
	n = xmlsafe_clean(g->name, lb.fn, lb.fn_len);
	room(&g->loc, &g->loccap, XMLSAFE_CLEAN_MAX(lb.loc_len));
	nloc = xmlsafe_clean(g->loc, lb.loc, lb.loc_len);
	room(&g->mod, &g->modcap, XMLSAFE_CLEAN_MAX(lb.module_len));
	nmod = xmlsafe_clean(g->mod, lb.module, lb.module_len);
	o_str(o, "<g p=\"");
	o_units(g, v->x);
	o_str(o, "\" v=\"");
	o_units(g, v->total[0]);
	/* a frame's location and module are its tooltip's second line, l
	 * the location's characters at its start (flame.js) */
	if (nloc + nmod > 0) {
		o_str(o, "\" l=\"");
		o_uint(o, xmlsafe_chars(g->loc, nloc));
	}
	o_str(o, "\"><title>");
	o_esc(o, g->name, n);
	if (nloc + nmod > 0) {
		o_put(o, "\n", 1);
		o_esc(o, g->loc, nloc);
		if (nmod > 0) {
			o_str(o, nloc > 0 ? " in " : "in ");
			o_esc(o, g->mod, nmod);
		}
	}
	stats(g, v);
	o_str(o, "</title>");
	o_attr_num(o, "<rect x=\"", x1 / 100.0);
	o_attr_num(o, " y=\"", y);
	o_attr_num(o, " width=\"", (x2 - x1) / 100.0);
	o_attr_num(o, " height=\"", g->fh - 1);
	o_str(o, " fill=\"");
	o_color(o, frame_color(g, v));
	o_str(o, "\"/>");
	/* the label: whole characters of font_width * font_size pixels in
	 * the width less 3 pixels of margin; none if not even "x.." fits.
	 * The function, and its location after it, lighter, if both fit. */
	fit = (long long)floor(((x2 - x1) / 100.0 - 3) / g->cw);
	if (fit >= 3) {
		chars = xmlsafe_chars(g->name, n);
		dots = xmlsafe_cut(g->name, n, chars, (size_t)fit, g->o.truncate_right, &off, &len);
		o_attr_num(o, "<text x=\"", (x1 + 300) / 100.0);
		o_attr_num(o, " y=\"", y + g->to);
		o_put(o, ">", 1);
		if (dots < 0)
			o_put(o, "..", 2);
		o_esc(o, g->name + off, len);
		if (dots > 0)
			o_put(o, "..", 2);
		if (nloc > 0 && dots == 0 && chars + 1 + xmlsafe_chars(g->loc, nloc) <= (size_t)fit) {
			o_str(o, "<tspan class=\"l\"> ");
			o_esc(o, g->loc, nloc);
			o_str(o, "</tspan>");
		}
		o_str(o, "</text>");
	}
	o_str(o, "</g>\n");
}

int
svg_write(FILE *fp, const struct flame *f, const struct svg_opts *opts, char *err, size_t errlen)
{
	struct graph g = { .f = f };
	int rc = 0;

	g.out.fp = fp;
	g.out.cap = 1 << 16;
	g.out.b = xmalloc(g.out.cap);
	if (resolve(&g, opts, err, errlen) < 0) {
		free(g.out.b);
		return -1;
	}
	layout(&g);
	if (f->v[0].total[0] == 0) {
		no_data(&g);
		goto done;
	}
	{
		size_t k = strlen(g.o.count_name);
		char *clean = xmalloc(XMLSAFE_CLEAN_MAX(k) + 1);
		size_t c = xmlsafe_clean(clean, g.o.count_name, k);

		g.cname = xmalloc(XMLSAFE_ESCAPE_MAX(c) + 1);
		g.cname[xmlsafe_escape(g.cname, clean, c)] = '\0';
		free(clean);
	}
	if (f->diff) {
		FLAME_FOR_EACH(f, i) {
			double d = fabs(change(&g, &f->v[i]));
			if (i > 0 && d > g.maxchange)
				g.maxchange = d;
		}
	}
	header(&g);
	frames_open(&g);
	FLAME_FOR_EACH(f, i) {
		if (f->v[i].total[0] > 0)
			frame(&g, &f->v[i]);
	}
	o_str(&g.out, "</g>\n");
	controls(&g);
	o_str(&g.out, "<script type=\"text/ecmascript\">");
	o_cdata(&g.out, share_flame_js);
	o_str(&g.out, "</script>\n</svg>\n");
done:
	o_flush(&g.out);
	if (g.map != NULL && palette_map_close(g.map, err, errlen) < 0)
		rc = -1;
	free(g.out.b);
	free(g.cname);
	free(g.name);
	free(g.loc);
	free(g.mod);
	free(g.fn);
	free(g.scratch);
	return rc;
}
