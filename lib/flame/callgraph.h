/*
 * callgraph: the call graph of a profile, drawn as pprof draws it: a node
 * per function, an edge per caller and callee, Graphviz dot text, and the
 * same laid out as SVG through Graphviz's library (libgvc).
 *
 * A function is what prof-top counts by (its granularity "function"): a
 * frame's name with its annotation suffix, but an inlined frame (_[i]) is
 * its function, and the edge from the frame before it is marked inline.
 * Counts, for each of the two of a differential profile (c[0] BEFORE,
 * c[1] AFTER, as folded.h gives them; c[0] alone otherwise):
 *  flat  the count of the stacks whose leaf is the node;
 *  cum   the count of the stacks that hold the node, once per stack
 *        however often it recurs;
 *  an edge's weight, the count of the stacks where the caller is
 *        directly followed by the callee, once per stack (a self-edge
 *        a->a of a;a;b too).
 * Stacks of count 0 make no node.  What a node or an edge weighs for the
 * cuts is its larger count (the only one, unless differential); the
 * total is the larger of the two totals.  The cuts are pprof's, in this
 * order: nodes whose cum is at most node_fraction of the total are
 * dropped, then only the max_nodes heaviest nodes are kept (by cum, then
 * flat, then name; 0: all); the edges are then made over the nodes kept
 * (a caller and a callee with dropped frames between them are joined by
 * a residual edge, dotted), and edges whose weight is at most
 * edge_fraction of the total are dropped.  The graph counts what each cut
 * dropped, for the legend; flat and cum of a kept node never change, and
 * "shown", the sum of the flat of the nodes kept, says how much of the
 * total the picture accounts for.
 * Order: nodes by cum (the shown count), heaviest first, then flat, then
 * name; edges by weight, then caller and callee in node order.  The graph
 * owns its names (copies of the keys, as read: made safe only when
 * written).
 */
#ifndef PROF_CALLGRAPH_H
#define PROF_CALLGRAPH_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "core/count.h"
#include "folded/stacktable.h"
#include "folded/unit.h"

/* pprof's defaults: -nodefraction, -edgefraction, -nodecount. */
#define CALLGRAPH_NODE_FRACTION 0.005
#define CALLGRAPH_EDGE_FRACTION 0.001
#define CALLGRAPH_NODES 80
/* The most edges callgraph_write_svg() lays out for n nodes, the heaviest:
 * Graphviz's layout grows far faster than the edges, and pprof's own
 * graphs have one or two edges a node. */
#define CALLGRAPH_LAYOUT_EDGES(n) (2 * (size_t)(n) + 8)

struct callgraph_opts {
	double node_fraction;   /* 0 to 1 */
	double edge_fraction;   /* 0 to 1 */
	size_t max_nodes;       /* 0: all */
	int negate;             /* differential: sizes from BEFORE, not AFTER */
};

struct callgraph_node {
	char *name;             /* the function, as read (NUL-terminated) */
	size_t len;
	count_t flat[2], cum[2];
};

enum { CALLGRAPH_INLINE = 1, CALLGRAPH_RESIDUAL = 2 };

struct callgraph_edge {
	uint32_t from, to;      /* indexes of nodes[] */
	count_t w[2];
	int flags;              /* CALLGRAPH_INLINE: every such call was
	                           inlined; CALLGRAPH_RESIDUAL: frames dropped
	                           between them */
};

struct callgraph {
	struct callgraph_node *nodes;   /* the nodes kept, in order */
	size_t nnodes;
	struct callgraph_edge *edges;   /* the edges kept, in order */
	size_t nedges;
	int diff;               /* two counts */
	int shown_count;        /* the count that sizes: 1 (AFTER) for a
	                           differential graph unless negate, else 0 */
	count_t total[2];       /* the whole profile's */
	count_t shown[2];       /* sum of the flat of the nodes kept */
	size_t allnodes;        /* functions with a count, before the cuts */
	size_t dropped_nodes;   /* by node_fraction */
	size_t beyond_nodes;    /* by max_nodes */
	size_t dropped_edges;   /* by edge_fraction */
	count_t node_cutoff, edge_cutoff;
};

/*
 * The graph of the stacks of t (two counts each when diff) with cuts o;
 * total is the whole profile's (t's when NULL): after --focus, --ignore
 * or --hide dropped stacks, shares and cuts stay of the whole, as
 * pprof's and prof-top's.  t is not changed.
 */
struct callgraph *callgraph_build(struct stacktable *t, int diff, const count_t *total,
    const struct callgraph_opts *o);

void callgraph_free(struct callgraph *g);

/*
 * How the graph is written.  title heads the legend (NULL: "Call Graph"),
 * subtitle (NULL: none) follows it; unit shows the counts in labels
 * ("350ms (58.33%)"; unit.h), and the legend names it with type.
 */
struct callgraph_style {
	const char *title, *subtitle;
	const struct unit *unit;
};

/*
 * Writes g to fp as Graphviz dot, as pprof -dot does: a legend (title,
 * type, "Showing nodes accounting for X, P% of T total", what the cuts
 * dropped), then a box per node labelled with its name, flat and cum (of
 * a differential graph, the shown count and the change of cum), its font
 * from 8 to 24 points by flat, its colour from grey to red by cum (of a
 * differential graph, red by growth and blue by shrinkage), then an
 * edge per call labelled with its weight, as wide as its share (1 to 6),
 * dashed when inlined, dotted when residual.  Names are made safe for
 * dot's quoted strings: control bytes and invalid UTF-8 replaced
 * (xmlsafe.h), '"' and '\' escaped, '&' written as "&amp;" (dot reads
 * entities in strings), a name cut to 300 characters.
 */
void callgraph_write_dot(FILE *fp, const struct callgraph *g, const struct callgraph_style *s);

/*
 * Lays g out with Graphviz's dot layout and writes it to fp as SVG, with
 * at most CALLGRAPH_LAYOUT_EDGES(g->nnodes) edges, the heaviest (the
 * legend counts the rest among the edges dropped).
 * Graphviz's own messages go to stderr prefixed with the program's name.
 * Returns 0, or -1 with a message in err (Graphviz could not read or lay
 * out the graph: its plugins missing).
 */
int callgraph_write_svg(FILE *fp, const struct callgraph *g, const struct callgraph_style *s,
    char *err, size_t errlen);

#endif
