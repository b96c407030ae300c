#include "flame/flameout.h"

#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "flame/flamehtml.h"
#include "flame/flametext.h"
#include "flame/speedscope.h"
#include "folded/unit.h"

const char *const flameout_formats[] = {
	"svg", "html", "text", "speedscope", "dot", "graph", NULL
};

/* A title in words for what the counts of a wall, offcpu, io or agent's
 * profile measure (they need one more than a cpu profile's); "" for the
 * others.  noun is what is drawn ("Call Graph"), NULL for a flame
 * graph's, as o draws it. */
static void
type_title(const struct unit *u, const struct svg_opts *o, const char *noun, char *title,
    size_t len)
{
	const char *graph = noun ? noun : o->flamechart ? (o->inverted ? "Icicle Chart" : "Flame Chart") :
	    o->inverted ? "Icicle Graph" : "Flame Graph";

	title[0] = '\0';
	if (u->type == UNIT_TYPE_OFFCPU)
		snprintf(title, len, "Off-CPU Time %s", graph);
	else if (u->type == UNIT_TYPE_WALL)
		snprintf(title, len, "Wall-Clock %s", graph);
	else if (u->type == UNIT_TYPE_IO)
		snprintf(title, len, "I/O %s (%s)", graph, u->kind == UNIT_NS ? "time" :
		    u->kind == UNIT_CALLS ? "calls" : u->name);
	else if (u->type == UNIT_TYPE_MEMORY)
		snprintf(title, len, "Memory %s (%s)", graph, u->view ? u->view :
		    u->kind == UNIT_OBJECTS ? "objects" : u->name);
	else if (u->type == UNIT_TYPE_LOCK)
		snprintf(title, len, "Lock Wait %s", graph);
	else if (u->type == UNIT_TYPE_BLOCK)
		snprintf(title, len, "Blocked Time %s", graph);
	else if (u->type == UNIT_TYPE_THREADCREATE)
		snprintf(title, len, "Thread Creation %s", graph);
}

/* The defaults the metadata m (whose unit is u) suggests for what o
 * leaves NULL; title is the room for a title made of the metadata. */
static void
from_meta(const struct meta *m, const struct unit *u, struct svg_opts *o, const char *noun,
    char *title, size_t len)
{
	const char *unit = meta_get(m, "unit"), *type = meta_get(m, "type");
	const char *command = meta_get(m, "command");
	char measure[UNIT_BUFSZ];

	/* The counts of a wall, offcpu or io profile in time or bytes are
	 * shown so, unless the user named them: "12.3ms" in a tooltip, not
	 * "12300000 ns"; a wall profile's samples too, each standing for its
	 * period: its question is time.  (Other profiles keep their numbers,
	 * as they always showed them.) */
	if (o->count_name == NULL && o->unit == NULL && unit_measure(u, measure) > 0 &&
	    (u->kind == UNIT_NS || u->kind == UNIT_BYTES || u->period_ns > 0)) {
		o->unit = u;
		o->count_name = u->kind == UNIT_BYTES ? "bytes" : "time";
	}
	o->states = o->states || unit_has_states(u);
	if (o->count_name == NULL && unit != NULL)
		o->count_name = u->kind == UNIT_NS ? "ns" : unit;
	if (o->palette == NULL && type != NULL) {
		/* offcpu and wall: code in the hot colours, the states blue
		 * and purple (palette_state), so that waits stand out */
		if (strcmp(type, "memory") == 0)
			o->palette = "mem";
		else if (strcmp(type, "lock") == 0)
			o->palette = "io";
	}
	if (o->title == NULL && type != NULL && strcmp(type, "diff") == 0 &&
	    meta_get(m, "before") != NULL && meta_get(m, "after") != NULL) {
		/* prof-diff's: the profiles compared */
		snprintf(title, len, "Differential: %s \xE2\x86\x92 %s", meta_get(m, "before"),
		    meta_get(m, "after"));
		o->title = title;
	}
	if (o->title == NULL && (type_title(u, o, noun, title, len), title[0] != '\0')) {
		/* the command below the title: it is long, the kind is not */
		o->title = title;
		if (o->subtitle == NULL && command != NULL)
			o->subtitle = command;
	}
	if (o->title == NULL && (type != NULL || command != NULL)) {
		const char *kind = type == NULL ? "Profile" : strcmp(type, "cpu") == 0 ? "CPU" :
		    strcmp(type, "memory") == 0 ? "Memory" : strcmp(type, "lock") == 0 ? "Locks" :
		    strcmp(type, "diff") == 0 ? "Differential" : type;
		snprintf(title, len, "%s%s%s", kind, command ? ": " : "", command ? command : "");
		o->title = title;
	}
	if (o->count_name == NULL)
		o->count_name = "samples";
	if (o->palette == NULL)
		o->palette = "hot";
}

int
flameout_write(FILE *fp, int format, const struct flame *f, const struct svg_opts *o,
    const struct meta *meta, char *err, size_t errlen)
{
	struct svg_opts so = *o;
	struct unit u;
	char title[512];

	unit_from_meta(meta, &u);
	from_meta(meta, &u, &so, NULL, title, sizeof(title));
	switch (format) {
	case FLAMEOUT_SVG:
		return svg_write(fp, f, &so, err, errlen);
	case FLAMEOUT_HTML:
		return flamehtml_write(fp, f, &so, err, errlen);
	case FLAMEOUT_TEXT:
		flametext_write(fp, f, so.count_name, so.unit, so.factor,
		    isatty(fileno(fp)) && getenv("NO_COLOR") == NULL);
		return 0;
	case FLAMEOUT_SPEEDSCOPE:
		speedscope_write(fp, f, so.title ? so.title : "profile", meta_get(meta, "unit"));
		return 0;
	}
	snprintf(err, errlen, "--format %s: a call graph is not drawn from a flame graph",
	    flameout_formats[format]);
	return -1;
}

int
flameout_is_callgraph(int format)
{
	return format == FLAMEOUT_DOT || format == FLAMEOUT_GRAPH;
}

int
flameout_callgraph(FILE *fp, int format, struct stacktable *t, int diff,
    const count_t *total, const struct callgraph_opts *co, const struct svg_opts *o, const struct meta *meta,
    char *err, size_t errlen)
{
	struct svg_opts so = *o;
	struct callgraph_style st;
	struct callgraph *g;
	struct unit u;
	char title[512];
	int status = 0;

	unit_from_meta(meta, &u);
	from_meta(meta, &u, &so, "Call Graph", title, sizeof(title));
	st.title = so.title;
	st.subtitle = so.subtitle;
	st.unit = &u;
	g = callgraph_build(t, diff, total, co);
	if (format == FLAMEOUT_DOT)
		callgraph_write_dot(fp, g, &st);
	else
		status = callgraph_write_svg(fp, g, &st, err, errlen);
	callgraph_free(g);
	return status;
}
