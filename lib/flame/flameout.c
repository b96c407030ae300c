#include "flame/flameout.h"

#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "flame/flamehtml.h"
#include "flame/flametext.h"
#include "flame/speedscope.h"

const char *const flameout_formats[] = { "svg", "html", "text", "speedscope", NULL };

/* The defaults the metadata m suggests for what o leaves NULL; title is
 * the room for a title made of the metadata. */
static void
from_meta(const struct meta *m, struct svg_opts *o, char *title, size_t len)
{
	const char *unit = meta_get(m, "unit"), *type = meta_get(m, "type");
	const char *command = meta_get(m, "command");

	if (o->count_name == NULL && unit != NULL)
		o->count_name = strcmp(unit, "nanoseconds") == 0 ? "ns" : unit;
	if (o->palette == NULL && type != NULL) {
		if (strcmp(type, "memory") == 0)
			o->palette = "mem";
		else if (strcmp(type, "offcpu") == 0 || strcmp(type, "wall") == 0 || strcmp(type, "lock") == 0)
			o->palette = "io";
	}
	if (o->title == NULL && type != NULL && strcmp(type, "diff") == 0 &&
	    meta_get(m, "before") != NULL && meta_get(m, "after") != NULL) {
		/* prof-diff's: the profiles compared */
		snprintf(title, len, "Differential: %s \xE2\x86\x92 %s", meta_get(m, "before"),
		    meta_get(m, "after"));
		o->title = title;
	}
	if (o->title == NULL && (type != NULL || command != NULL)) {
		const char *kind = type == NULL ? "Profile" : strcmp(type, "cpu") == 0 ? "CPU" :
		    strcmp(type, "offcpu") == 0 ? "Off-CPU" : strcmp(type, "wall") == 0 ? "Wall clock" :
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
	char title[512];

	from_meta(meta, &so, title, sizeof(title));
	switch (format) {
	case FLAMEOUT_SVG:
		return svg_write(fp, f, &so, err, errlen);
	case FLAMEOUT_HTML:
		return flamehtml_write(fp, f, &so, err, errlen);
	case FLAMEOUT_TEXT:
		flametext_write(fp, f, so.count_name, so.factor,
		    isatty(fileno(fp)) && getenv("NO_COLOR") == NULL);
		return 0;
	case FLAMEOUT_SPEEDSCOPE:
		speedscope_write(fp, f, so.title ? so.title : "profile", meta_get(meta, "unit"));
		return 0;
	}
	return 0;
}
