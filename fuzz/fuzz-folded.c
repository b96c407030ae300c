/*
 * fuzz-folded: folded stacks with metadata, read as prof-fold and
 * prof-flame read them (lib/input/input, lib/folded/stacktable, lib/folded/folded), and as the
 * streaming readers do (lib/folded/stream); then drawn as prof-flame draws them
 * (lib/flame/flame, lib/flame/svg).
 *
 * Properties: the counts are conserved (the table's totals are the sum of
 * the stack lines folded_parse accepts, its entries sum to its totals, the
 * lines it refuses are the bad lines counted, and stream agrees); the
 * input is refused as no profile exactly when input.h says; the
 * flame graph's root holds the whole width count; the SVG is well-formed
 * XML (libxml2); in the call graph (lib/flame/callgraph, no cuts) the
 * nodes' flat sums to the total (of the count shown), no node's cum is
 * below its flat or above the total, and the dot text is written whole.
 * Off the paths that exit: an input whose counts would overflow the
 * format's sum (stacktable and stream die, as documented) is not read.
 */
#define _GNU_SOURCE
#include <string.h>
#include <unistd.h>

#include <libxml/parser.h>

#include "flame/callgraph.h"
#include "flame/flame.h"
#include "flame/svg.h"
#include "folded/folded.h"
#include "folded/meta.h"
#include "folded/stacktable.h"
#include "folded/stream.h"
#include "folded/unit.h"
#include "fuzz.h"
#include "input/input.h"

/* What folded_parse says of the input, line by line as input splits it:
 * the sums and the bad lines; -1 when a sum overflows. */
static int
expect(const uint8_t *data, size_t size, count_t total[2], uint64_t *bad, uint64_t *stacks,
    int *kind)
{
	const char *p = (const char *)data, *end = p + size;

	*kind = FOLDED_UNKNOWN;
	while (p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		size_t n = nl ? (size_t)(nl - p) : (size_t)(end - p);
		struct folded_line fl;
		const char *why;

		switch (folded_parse(p, n, kind, &fl, &why)) {
		case FOLDED_STACK:
		case FOLDED_ROUNDED:
			if (count_add(&total[0], fl.n[0]) < 0 || count_add(&total[1], fl.n[1]) < 0)
				return -1;
			(*stacks)++;
			break;
		case FOLDED_BAD:
			(*bad)++;
			break;
		default:
			break;
		}
		p = nl ? nl + 1 : end;
	}
	return 0;
}

static void
xml_quiet(void *ctx, const char *msg, ...)
{
	(void)ctx;
	(void)msg;
}

static void
draw(struct stacktable *tab, int kind, const struct meta *m, int negate)
{
	struct stacktable_entry **v;
	size_t n;
	struct flame *f;
	struct svg_opts so;
	char err[256], *svg = NULL;
	size_t svglen = 0;
	FILE *out;
	int wi = kind == FOLDED_DIFF && !negate ? 1 : 0;

	v = stacktable_sorted(tab, &n);
	flame_sort(v, n);
	f = flame_new(FLAME_SORTED | (negate ? FLAME_NEGATE : 0), kind == FOLDED_DIFF);
	for (size_t i = 0; i < n; i++)
		flame_add(f, v[i]->key, v[i]->len, v[i]->n);
	free(v);
	flame_finish(f, 0);
	if (f->v[0].total[0] != tab->total[wi])
		fuzz_fail("flame root %s, table total %s", fuzz_count(f->v[0].total[0], 0),
		    fuzz_count(tab->total[wi], 1));

	svg_defaults(&so);
	so.palette = "hot";
	so.title = meta_get(m, "command");
	so.subtitle = meta_get(m, "type");
	so.count_name = meta_get(m, "unit") ? meta_get(m, "unit") : "samples";
	so.notes = meta_get(m, "notes");
	if ((out = open_memstream(&svg, &svglen)) == NULL)
		fuzz_fail("open_memstream");
	if (svg_write(out, f, &so, err, sizeof(err)) < 0)
		fuzz_fail("svg_write: %s", err);
	if (fclose(out) != 0)
		fuzz_fail("svg: write error");

	xmlSetGenericErrorFunc(NULL, xml_quiet);
	xmlDocPtr doc = xmlReadMemory(svg, (int)svglen, "flame.svg", NULL,
	    XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING | XML_PARSE_HUGE);
	if (doc == NULL) {
		const xmlError *e = xmlGetLastError();
		fwrite(svg, 1, svglen, stderr);
		fuzz_fail("the SVG is not well-formed XML: line %d: %s", e ? e->line : 0,
		    e && e->message ? e->message : "?");
	}
	xmlFreeDoc(doc);
	free(svg);
	flame_free(f);
}

/* The call graph as prof-flame --format dot draws it, with no cuts. */
static void
graph(struct stacktable *tab, int kind, const struct meta *m)
{
	struct callgraph_opts o = { .node_fraction = 0, .edge_fraction = 0, .max_nodes = 0 };
	struct unit u;
	struct callgraph_style st = { .title = meta_get(m, "command"), .unit = &u };
	int diff = kind == FOLDED_DIFF;
	struct callgraph *g = callgraph_build(tab, diff, NULL, &o);
	count_t flat[2] = { 0, 0 };
	char *dot = NULL;
	size_t dotlen = 0;
	FILE *out;

	unit_from_meta(m, &u);
	for (size_t i = 0; i < g->nnodes; i++)
		for (int k = 0; k < 1 + diff; k++) {
			fuzz_assert(count_add(&flat[k], g->nodes[i].flat[k]) == 0);
			if (g->nodes[i].cum[k] < g->nodes[i].flat[k] || g->nodes[i].cum[k] > tab->total[k])
				fuzz_fail("node %s: cum %s, flat %s", g->nodes[i].name,
				    fuzz_count(g->nodes[i].cum[k], 0), fuzz_count(g->nodes[i].flat[k], 1));
		}
	/* a function of a differential profile whose shown count is 0 has
	 * no node: the sum holds for the count shown */
	int k = diff ? g->shown_count : 0;
	if (flat[k] != tab->total[k])
		fuzz_fail("the call graph's flat sums to %s, the total is %s",
		    fuzz_count(flat[k], 0), fuzz_count(tab->total[k], 1));
	if ((out = open_memstream(&dot, &dotlen)) == NULL)
		fuzz_fail("open_memstream");
	callgraph_write_dot(out, g, &st);
	if (fclose(out) != 0 || dotlen == 0 || dot[dotlen - 1] != '\n')
		fuzz_fail("dot: not written whole");
	free(dot);
	callgraph_free(g);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	count_t want[2] = { 0, 0 };
	uint64_t bad = 0, stacks = 0;
	int kind, refuse, fd;
	struct input g = { 0 };
	struct stream fs;
	struct folded_line fl;
	count_t st[2] = { 0, 0 }, sum[2] = { 0, 0 };

	/* gzip's magic number makes any input a pprof profile (fuzz-pprof) */
	if (size >= 2 && data[0] == 0x1f && data[1] == 0x8b)
		return 0;
	if (expect(data, size, want, &bad, &stacks, &kind) < 0)
		return 0;
	refuse = bad > 0 && bad / INPUT_NOT_A_PROFILE >= stacks;

	/* prof-fold's and prof-flame's reader: input into a stack table */
	fd = fuzz_fd(data, size);
	g.format = INPUT_FOLDED;
	g.jobs = 1;
	input_init(&g);
	if ((input_fd(&g, fd, "fuzz") < 0) != refuse)
		fuzz_fail("input_fd %s the input: %llu bad lines, %llu stacks",
		    refuse ? "read" : "refused", (unsigned long long)bad,
		    (unsigned long long)stacks);
	if (g.tab->total[0] != want[0] || g.tab->total[1] != want[1])
		fuzz_fail("input totals %s %s, lines sum to %s %s", fuzz_count(g.tab->total[0], 0),
		    fuzz_count(g.tab->total[1], 1), fuzz_count(want[0], 0), fuzz_count(want[1], 1));
	if (g.bad_lines != bad)
		fuzz_fail("input counted %llu bad lines, folded_parse refuses %llu",
		    (unsigned long long)g.bad_lines, (unsigned long long)bad);
	for (struct stacktable_entry *e = g.tab->head; e != NULL; e = e->hh.next)
		for (int i = 0; i < 2; i++)
			fuzz_assert(count_add(&sum[i], e->n[i]) == 0);
	if (sum[0] != want[0] || sum[1] != want[1])
		fuzz_fail("the table's entries do not sum to its totals");

	/* the streaming reader of prof-top, prof-diff and flame charts */
	fuzz_assert(lseek(fd, 0, SEEK_SET) == 0);
	stream_open(&fs, fd, "fuzz", FOLDED_UNKNOWN);
	int r;
	while ((r = stream_next(&fs, &fl)) > 0)
		for (int i = 0; i < 2; i++)
			fuzz_assert(count_add(&st[i], fl.n[i]) == 0);
	fuzz_assert(r == 0);
	if (st[0] != want[0] || st[1] != want[1] || fs.total[0] != want[0] || fs.total[1] != want[1])
		fuzz_fail("stream read %s %s, lines sum to %s %s", fuzz_count(st[0], 0),
		    fuzz_count(st[1], 1), fuzz_count(want[0], 0), fuzz_count(want[1], 1));
	if (fs.bad != bad)
		fuzz_fail("stream counted %llu bad lines, folded_parse refuses %llu",
		    (unsigned long long)fs.bad, (unsigned long long)bad);
	stream_close(&fs);
	close(fd);

	/* Every input read is drawn, empty frames and huge changes too
	 * (t/fuzz/folded/known-*: crashes of lib/flame/flame.c and lib/flame/svg.c,
	 * fixed on main). */
	draw(g.tab, g.kind, &g.meta, 0);
	if (g.kind == FOLDED_DIFF)
		draw(g.tab, g.kind, &g.meta, 1);
	graph(g.tab, g.kind, &g.meta);
	input_free(&g);
	return 0;
}
