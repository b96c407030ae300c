/* The call graph laid out by Graphviz's library (libgvc), written as SVG. */
#include "flame/callgraph.h"

#include <stdlib.h>
#include <string.h>

#include <graphviz/gvc.h>

#include "core/util.h"

/* Graphviz reports through agerr(), to stderr by default: its messages
 * are the program's, prefixed as every other. */
static int
gv_message(char *msg)
{
	size_t n = strlen(msg);

	while (n > 0 && (msg[n - 1] == '\n' || msg[n - 1] == ' '))
		n--;
	if (n > 0)
		warn("graphviz: %.*s", (int)n, msg);
	return 0;
}

int
callgraph_write_svg(FILE *fp, const struct callgraph *g, const struct callgraph_style *s,
    char *err, size_t errlen)
{
	GVC_t *gvc;
	Agraph_t *ag;
	char *dot = NULL, *svg = NULL;
	size_t dotlen = 0;
	unsigned int svglen = 0;
	FILE *mem;
	int status = -1;

	/* The dot text is prof's own (callgraph_write_dot): its names are
	 * clean and escaped before Graphviz reads them. */
	if ((mem = open_memstream(&dot, &dotlen)) == NULL)
		die("open_memstream:");
	callgraph_write_dot(mem, g, s);
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
	free(dot);
	return status;
}
