#define _GNU_SOURCE
#include "flame/callgraph.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <uthash.h>

#include "core/util.h"
#include "core/xmlsafe.h"
#include "folded/frame.h"

/* A function while the graph is built. */
struct gnode {
	UT_hash_handle hh;
	char *name;
	size_t len;
	count_t flat[2], cum[2];
	uint64_t seen;          /* the last stack that added to cum */
	int kept;
	uint32_t index;         /* in the graph's nodes, when kept */
};

struct gedge {
	UT_hash_handle hh;
	uint64_t key;           /* from << 32 | to, indexes of kept nodes */
	count_t w[2];
	uint64_t seen;          /* the last stack that added to w */
	int flags;
	int called;             /* some call was not inlined */
};

struct builder {
	struct gnode *byname;   /* uthash */
	struct gnode **v;       /* every node, in the order made */
	size_t n, cap;
	char *key;              /* a frame's function */
	size_t keycap;
	int diff;
};

/* The function of frame f[0..n) (the key) into b->key; its length in
 * *len; returns whether the frame was inlined. */
static int
frame_key(struct builder *b, const char *f, size_t n, size_t *len)
{
	struct frame_parts p;
	int inl;

	frame_split(f, n, &p);
	inl = frame_annotation(&p) == 'i';
	if (b->keycap < n + 1) {
		b->keycap = n + 1;
		b->key = xrealloc(b->key, b->keycap);
	}
	memcpy(b->key, p.name, p.name_len);
	*len = p.name_len;
	if (!inl) {
		memcpy(b->key + *len, p.suffix, p.suffix_len);
		*len += p.suffix_len;
	}
	return inl;
}

static struct gnode *
node_get(struct builder *b, const char *key, size_t len, int make)
{
	struct gnode *g;

	HASH_FIND(hh, b->byname, key, len, g);
	if (g != NULL || !make)
		return g;
	g = xcalloc(1, sizeof(*g));
	g->name = xmemdup(key, len);
	g->len = len;
	HASH_ADD_KEYPTR(hh, b->byname, g->name, g->len, g);
	if (b->n == b->cap) {
		b->cap = b->cap ? 2 * b->cap : 256;
		b->v = xreallocarray(b->v, b->cap, sizeof(*b->v));
	}
	b->v[b->n++] = g;
	return g;
}

static void
add2(count_t a[2], const count_t n[2])
{
	a[0] += n[0];
	a[1] += n[1];
}

/* The larger of a node's or edge's two counts (the only one otherwise). */
static count_t
weight(const count_t c[2])
{
	return c[0] > c[1] ? c[0] : c[1];
}

static count_t
cutoff(count_t total, double fraction)
{
	return (count_t)((double)total * fraction);
}

/* The first pass: every function's flat and cum. */
static void
count_nodes(struct builder *b, struct stacktable *t)
{
	struct stacktable_entry *e, *tmp;
	uint64_t stack = 0;

	HASH_ITER(hh, t->head, e, tmp) {
		const char *s = e->key, *end = e->key + e->len;
		count_t n[2] = { e->n[0], b->diff ? e->n[1] : 0 };
		struct gnode *g = NULL;

		if (n[0] == 0 && n[1] == 0)
			continue;
		stack++;
		for (;;) {
			const char *semi = memchr(s, ';', (size_t)(end - s));
			size_t len;

			frame_key(b, s, semi ? (size_t)(semi - s) : (size_t)(end - s), &len);
			g = node_get(b, b->key, len, 1);
			if (g->seen != stack) {
				g->seen = stack;
				add2(g->cum, n);
			}
			if (semi == NULL)
				break;
			s = semi + 1;
		}
		add2(g->flat, n);
	}
}

static int
node_cmp(const void *a, const void *b, void *arg)
{
	const struct gnode *x = *(struct gnode *const *)a, *y = *(struct gnode *const *)b;
	count_t cx = weight(x->cum), cy = weight(y->cum);
	count_t fx = weight(x->flat), fy = weight(y->flat);

	(void)arg;
	if (cx != cy)
		return cx > cy ? -1 : 1;
	if (fx != fy)
		return fx > fy ? -1 : 1;
	return stacktable_cmp(x->name, x->len, y->name, y->len);
}

/* The second pass: the edges between the nodes kept, once per stack;
 * dropped frames between two kept ones make the edge residual. */
static struct gedge *
count_edges(struct builder *b, struct stacktable *t)
{
	struct stacktable_entry *e, *tmp;
	struct gedge *edges = NULL;
	uint64_t stack = 0;

	HASH_ITER(hh, t->head, e, tmp) {
		const char *s = e->key, *end = e->key + e->len;
		count_t n[2] = { e->n[0], b->diff ? e->n[1] : 0 };
		struct gnode *prev = NULL;
		int residual = 0;

		if (n[0] == 0 && n[1] == 0)
			continue;
		stack++;
		for (;;) {
			const char *semi = memchr(s, ';', (size_t)(end - s));
			size_t len;
			int inl = frame_key(b, s, semi ? (size_t)(semi - s) : (size_t)(end - s), &len);
			struct gnode *g = node_get(b, b->key, len, 0);

			if (!g->kept) {
				residual = prev != NULL;
			} else {
				if (prev != NULL) {
					uint64_t key = (uint64_t)prev->index << 32 | g->index;
					struct gedge *d;

					HASH_FIND(hh, edges, &key, sizeof(key), d);
					if (d == NULL) {
						d = xcalloc(1, sizeof(*d));
						d->key = key;
						HASH_ADD(hh, edges, key, sizeof(d->key), d);
					}
					if (d->seen != stack) {
						d->seen = stack;
						add2(d->w, n);
					}
					if (residual)
						d->flags |= CALLGRAPH_RESIDUAL;
					if (!inl || residual)
						d->called = 1;
				}
				prev = g;
				residual = 0;
			}
			if (semi == NULL)
				break;
			s = semi + 1;
		}
	}
	return edges;
}

static int
edge_cmp(const void *a, const void *b)
{
	const struct callgraph_edge *x = a, *y = b;
	count_t wx = weight(x->w), wy = weight(y->w);

	if (wx != wy)
		return wx > wy ? -1 : 1;
	if (x->from != y->from)
		return x->from < y->from ? -1 : 1;
	return x->to < y->to ? -1 : x->to > y->to;
}

struct callgraph *
callgraph_build(struct stacktable *t, int diff, const count_t *whole,
    const struct callgraph_opts *o)
{
	struct callgraph *cg = xcalloc(1, sizeof(*cg));
	struct builder b = { .diff = diff };
	struct gedge *edges, *d, *tmp;
	struct gnode *g, *gtmp;
	count_t total;
	size_t k;

	cg->diff = diff;
	cg->shown_count = diff && !o->negate;
	if (whole == NULL)
		whole = t->total;
	cg->total[0] = whole[0];
	cg->total[1] = diff ? whole[1] : 0;
	total = weight(cg->total);
	cg->node_cutoff = cutoff(total, o->node_fraction);
	cg->edge_cutoff = cutoff(total, o->edge_fraction);

	count_nodes(&b, t);
	cg->allnodes = b.n;
	if (b.n > 0)
		qsort_r(b.v, b.n, sizeof(*b.v), node_cmp, NULL);
	for (size_t i = 0; i < b.n; i++) {
		g = b.v[i];
		if (weight(g->cum) <= cg->node_cutoff) {
			cg->dropped_nodes++;
		} else if (o->max_nodes > 0 && cg->nnodes == o->max_nodes) {
			cg->beyond_nodes++;
		} else {
			g->kept = 1;
			g->index = (uint32_t)cg->nnodes++;
		}
	}
	cg->nodes = xreallocarray(NULL, cg->nnodes ? cg->nnodes : 1, sizeof(*cg->nodes));
	for (size_t i = 0; i < b.n; i++) {
		g = b.v[i];
		if (!g->kept)
			continue;
		cg->nodes[g->index] = (struct callgraph_node){
			.name = g->name, .len = g->len,
			.flat = { g->flat[0], g->flat[1] }, .cum = { g->cum[0], g->cum[1] },
		};
		g->name = NULL;
		add2(cg->shown, g->flat);
	}

	edges = count_edges(&b, t);
	cg->edges = xreallocarray(NULL, HASH_COUNT(edges) + 1, sizeof(*cg->edges));
	k = 0;
	HASH_ITER(hh, edges, d, tmp) {
		if (weight(d->w) <= cg->edge_cutoff) {
			cg->dropped_edges++;
		} else {
			cg->edges[k++] = (struct callgraph_edge){
				.from = (uint32_t)(d->key >> 32), .to = (uint32_t)d->key,
				.w = { d->w[0], d->w[1] },
				.flags = d->flags | (d->called ? 0 : CALLGRAPH_INLINE),
			};
		}
		HASH_DEL(edges, d);
		free(d);
	}
	cg->nedges = k;
	qsort(cg->edges, cg->nedges, sizeof(*cg->edges), edge_cmp);

	HASH_ITER(hh, b.byname, g, gtmp) {
		HASH_DEL(b.byname, g);
		free(g->name);
		free(g);
	}
	free(b.v);
	free(b.key);
	return cg;
}

void
callgraph_free(struct callgraph *g)
{
	if (g == NULL)
		return;
	for (size_t i = 0; i < g->nnodes; i++)
		free(g->nodes[i].name);
	free(g->nodes);
	free(g->edges);
	free(g);
}

/* The longest name a label shows, in characters. */
enum { NAME_MAX_CHARS = 300 };

/* Writes any bytes s[0..n) inside a dot string: clean text (xmlsafe.h),
 * cut to max characters, '"' and '\' escaped, '&' as an entity. */
static void
dot_text(FILE *fp, const char *s, size_t n, size_t max)
{
	size_t len, off, kept;
	char *c = xmlsafe_cleandup(s, n, &len);
	int dots = xmlsafe_cut(c, len, xmlsafe_chars(c, len), max, 1, &off, &kept);

	if (dots < 0)
		fputs("..", fp);
	for (size_t i = off; i < off + kept; i++) {
		if (c[i] == '"' || c[i] == '\\')
			putc('\\', fp);
		if (c[i] == '&')
			fputs("&amp;", fp);
		else
			putc(c[i], fp);
	}
	if (dots > 0)
		fputs("..", fp);
	free(c);
}

/* The share c is of total, as pprof writes it: "58.33%", "100%". */
static const char *
percent(count_t c, count_t total, char buf[16])
{
	double pct = total > 0 ? 100 * (double)c / (double)total : 0;

	if (pct >= 99.995 && pct <= 100.005)
		snprintf(buf, 16, "100%%");
	else
		snprintf(buf, 16, "%.2f%%", pct);
	return buf;
}

/* A count as shown, and its share of total: "350ms (58.33%)". */
static void
dot_figure(FILE *fp, const struct unit *u, count_t c, count_t total)
{
	char buf[UNIT_BUFSZ], p[16];

	unit_show(u, c, buf);
	fprintf(fp, "%s (%s)", buf, percent(c, total, p));
}

/*
 * pprof's colour of a score from -1 to 1 (dotColor): grey near 0, then
 * more saturated towards red (positive) or, as prof's differential flame
 * graphs, blue (negative); a light tint for a node's fill.
 */
static void
dot_color(char buf[8], double score, int background)
{
	double sat = background ? 0.1 : 1.0, val = background ? 0.93 : 0.7;
	double r, g, b;

	score = score > 1 ? 1 : score < -1 ? -1 : score;
	if (fabs(score) < 0.2)
		sat *= fabs(score) / 0.2;
	if (score >= 0) {
		score = pow(score, 0.3);
		r = val;
		g = val * (1 - sat * score);
		b = val * (1 - sat);
	} else {
		score = pow(-score, 0.3);
		r = val * (1 - sat);
		g = val * (1 - sat * score);
		b = val;
	}
	snprintf(buf, 8, "#%02x%02x%02x", (unsigned)(r * 255), (unsigned)(g * 255),
	    (unsigned)(b * 255));
}

/* The signed change AFTER - BEFORE of c, over scale (> 0). */
static double
change(const count_t c[2], double scale)
{
	return ((double)c[1] - (double)c[0]) / scale;
}

static void
write_legend(FILE *fp, const struct callgraph *g, const struct callgraph_style *st)
{
	const struct unit *u = st->unit;
	int s = g->shown_count;
	char a[UNIT_BUFSZ], m[UNIT_BUFSZ], p[16];

	fputs("subgraph cluster_L { \"legend\" [shape=box fontsize=16 label=\"", fp);
	dot_text(fp, st->title ? st->title : "Call Graph", strlen(st->title ? st->title : "Call Graph"),
	    NAME_MAX_CHARS);
	fputs("\\l", fp);
	if (st->subtitle != NULL) {
		dot_text(fp, st->subtitle, strlen(st->subtitle), NAME_MAX_CHARS);
		fputs("\\l", fp);
	}
	if (u->type_name != NULL) {
		fputs("Type: ", fp);
		dot_text(fp, u->type_name, strlen(u->type_name), 100);
		if (unit_measure(u, m) > 0)
			fprintf(fp, ", %s", m);
		fputs("\\l", fp);
	}
	unit_describe(u, a);
	fputs("Unit: ", fp);
	dot_text(fp, a, strlen(a), 100);
	fputs("\\l", fp);
	if (g->diff)
		fprintf(fp, "Differential: figures of the %s profile, red grew, blue shrank\\l",
		    s == 1 ? "second" : "first");
	unit_show(u, g->shown[s], a);
	unit_show(u, g->total[s], m);
	fprintf(fp, "Showing nodes accounting for %s, %s of %s total\\l", a,
	    percent(g->shown[s], g->total[s], p), m);
	if (g->dropped_nodes > 0) {
		unit_show(u, g->node_cutoff, a);
		fprintf(fp, "Dropped %zu node%s (cum <= %s)\\l", g->dropped_nodes,
		    g->dropped_nodes == 1 ? "" : "s", a);
	}
	if (g->dropped_edges > 0) {
		unit_show(u, g->edge_cutoff, a);
		fprintf(fp, "Dropped %zu edge%s (freq <= %s)\\l", g->dropped_edges,
		    g->dropped_edges == 1 ? "" : "s", a);
	}
	if (g->beyond_nodes > 0)
		fprintf(fp, "Showing top %zu nodes out of %zu\\l", g->nnodes,
		    g->nnodes + g->beyond_nodes);
	fputs("\" tooltip=\"", fp);
	dot_text(fp, st->title ? st->title : "Call Graph", strlen(st->title ? st->title : "Call Graph"),
	    NAME_MAX_CHARS);
	fputs("\"] }\n", fp);
}

void
callgraph_write_dot(FILE *fp, const struct callgraph *g, const struct callgraph_style *st)
{
	const struct unit *u = st->unit;
	int s = g->shown_count;
	count_t maxflat = 0, total = g->total[s];
	double maxchange = 0;
	char fg[8], bg[8], buf[UNIT_BUFSZ];

	for (size_t i = 0; i < g->nnodes; i++) {
		if (g->nodes[i].flat[s] > maxflat)
			maxflat = g->nodes[i].flat[s];
		if (g->diff && fabs(change(g->nodes[i].cum, 1)) > maxchange)
			maxchange = fabs(change(g->nodes[i].cum, 1));
	}
	fputs("digraph \"callgraph\" {\n", fp);
	fputs("node [style=filled fillcolor=\"#f8f8f8\"]\n", fp);
	write_legend(fp, g, st);
	for (size_t i = 0; i < g->nnodes; i++) {
		const struct callgraph_node *n = &g->nodes[i];
		int size = 8;
		double score;

		fprintf(fp, "N%zu [label=\"", i + 1);
		dot_text(fp, n->name, n->len, NAME_MAX_CHARS);
		fputs("\\n", fp);
		if (n->flat[s] != 0)
			dot_figure(fp, u, n->flat[s], total);
		else
			putc('0', fp);
		if (n->cum[s] != n->flat[s]) {
			fputs(n->flat[s] != 0 ? "\\nof " : " of ", fp);
			dot_figure(fp, u, n->cum[s], total);
		}
		if (g->diff) {
			unit_show_delta(u, n->cum[1], n->cum[0], buf);
			fprintf(fp, "\\nchange %s", buf);
		}
		/* pprof's: 8 points, up to 16 more by the square root of the
		 * share of the largest flat */
		if (maxflat > 0 && n->flat[s] > 0)
			size += (int)ceil(16 * sqrt((double)n->flat[s] / (double)maxflat));
		score = g->diff ? (maxchange > 0 ? change(n->cum, maxchange) : 0) :
		    total > 0 ? (double)n->cum[s] / (double)total : 0;
		dot_color(fg, score, 0);
		dot_color(bg, score, 1);
		fprintf(fp, "\" fontsize=%d shape=box tooltip=\"", size);
		dot_text(fp, n->name, n->len, NAME_MAX_CHARS);
		unit_show(u, n->cum[s], buf);
		fprintf(fp, " (%s)\" color=\"%s\" fillcolor=\"%s\"]\n", buf, fg, bg);
	}
	for (size_t i = 0; i < g->nedges; i++) {
		const struct callgraph_edge *e = &g->edges[i];
		const struct callgraph_node *from = &g->nodes[e->from], *to = &g->nodes[e->to];
		count_t w = e->w[s];
		double share = total > 0 ? (double)w / (double)total : 0, score;
		int weight = 1 + (int)(share * 100 > 100 ? 100 : share * 100);
		int width = 1 + (int)(share * 5 > 5 ? 5 : share * 5);

		unit_show(u, w, buf);
		fprintf(fp, "N%u -> N%u [label=\" %s%s\"", e->from + 1, e->to + 1, buf,
		    e->flags & CALLGRAPH_INLINE ? "\\n (inline)" : "");
		if (weight > 1)
			fprintf(fp, " weight=%d", weight);
		if (width > 1)
			fprintf(fp, " penwidth=%d", width);
		score = g->diff ? (maxchange > 0 ? change(e->w, maxchange) : 0) : share;
		dot_color(fg, score, 0);
		fprintf(fp, " color=\"%s\" tooltip=\"", fg);
		dot_text(fp, from->name, from->len, NAME_MAX_CHARS);
		fputs(e->flags & CALLGRAPH_RESIDUAL ? " ... " : " -> ", fp);
		dot_text(fp, to->name, to->len, NAME_MAX_CHARS);
		fprintf(fp, " (%s)\"", buf);
		if (e->flags & CALLGRAPH_RESIDUAL)
			fputs(" style=\"dotted\"", fp);
		else if (e->flags & CALLGRAPH_INLINE)
			fputs(" style=\"dashed\" minlen=2", fp);
		fputs("]\n", fp);
	}
	fputs("}\n", fp);
}
