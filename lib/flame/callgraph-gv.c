/* The call graph laid out by Graphviz's library (libgvc), written as SVG. */
#include "flame/callgraph.h"

#include <stdlib.h>
#include <string.h>

#include <graphviz/gvc.h>

#include "core/util.h"

/*
 * Graphviz reports through agerr(), to stderr by default: its messages
 * are made the program's, prefixed as every other.  Its handler gets a
 * message in pieces ("Warning", ": ", the text and its newline) and no
 * argument of the caller's, so the pieces wait in a buffer of the
 * module's own (Graphviz's handler is itself one for the process).
 */
static char gv_line[1024];
static size_t gv_len;

static void
gv_flush(void)
{
	while (gv_len > 0 && (gv_line[gv_len - 1] == '\n' || gv_line[gv_len - 1] == ' '))
		gv_len--;
	if (gv_len > 0)
		warn("graphviz: %.*s", (int)gv_len, gv_line);
	gv_len = 0;
}

static int
gv_message(char *msg)
{
	for (; *msg != '\0'; msg++) {
		if (*msg == '\n') {
			gv_flush();
			continue;
		}
		if (gv_len < sizeof(gv_line))
			gv_line[gv_len++] = *msg;
	}
	return 0;
}

#if defined(__SANITIZE_ADDRESS__)
/*
 * Graphviz 2.43 and fontconfig, which it loads to measure text, keep
 * memory to the end of the process (plugins, font caches) whatever is
 * freed: LeakSanitizer (make SANITIZE=1) is told of theirs, quietly,
 * and still reports prof's own.
 */
const char *__lsan_default_suppressions(void);
const char *__lsan_default_options(void);

const char *
__lsan_default_options(void)
{
	return "print_suppressions=0";
}

const char *
__lsan_default_suppressions(void)
{
	return "leak:libgvc.so\nleak:libcgraph.so\nleak:libcdt.so\nleak:libpathplan.so\n"
	    "leak:libgvplugin_\nleak:libfontconfig.so\nleak:libpango\nleak:libcairo.so\n";
}
#endif

int
callgraph_write_svg(FILE *fp, const struct callgraph *g, const struct callgraph_style *s,
    char *err, size_t errlen)
{
	GVC_t *gvc;
	Agraph_t *ag;
	char *dot = NULL, *svg = NULL;
	size_t dotlen = 0, maxedges = CALLGRAPH_LAYOUT_EDGES(g->nnodes);
	unsigned int svglen = 0;
	FILE *mem;
	int status = -1;
	struct callgraph laid = *g;

	/* Graphviz's layout of 80 nodes and 4,000 edges takes minutes: the
	 * lightest edges beyond the bound are left out, and the legend counts
	 * them with the others dropped (edges are sorted heaviest first). */
	if (laid.nedges > maxedges) {
		const count_t *w = g->edges[maxedges].w;
		laid.dropped_edges += laid.nedges - maxedges;
		laid.nedges = maxedges;
		/* the legend's "freq <=": the heaviest edge left out */
		laid.edge_cutoff = w[0] > w[1] ? w[0] : w[1];
	}
	/* The dot text is prof's own (callgraph_write_dot): its names are
	 * clean and escaped before Graphviz reads them. */
	if ((mem = open_memstream(&dot, &dotlen)) == NULL)
		die("open_memstream:");
	callgraph_write_dot(mem, &laid, s);
	if (fclose(mem) != 0)
		die("open_memstream:");

	agseterrf(gv_message);
	gvc = gvContext();
	if ((ag = agmemread(dot)) == NULL) {
		snprintf(err, errlen, "graphviz could not read the call graph");
	} else if (gvLayout(gvc, ag, "dot") != 0) {
		snprintf(err, errlen, "graphviz has no dot layout (is its plugin configuration, dot -c, missing?)");
	} else {
		if (gvRenderData(gvc, ag, "svg", &svg, &svglen) != 0 || svg == NULL)
			snprintf(err, errlen, "graphviz could not render SVG");
		else {
			fwrite(svg, 1, svglen, fp);
			status = 0;
		}
		gvFreeRenderData(svg);
		gvFreeLayout(gvc, ag);
	}
	if (ag != NULL)
		agclose(ag);
	gvFreeContext(gvc);
	gv_flush();
	free(dot);
	return status;
}
