#include "flame/speedscope.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "core/json.h"
#include "core/util.h"
#include "folded/stacktable.h"

#define NONE UINT32_MAX

struct frame {
	const char *name;
	size_t len;
};

/* The distinct names, found by an open-addressing table of frame indexes. */
struct frames {
	struct frame *v;
	size_t n, cap;
	uint32_t *slots;        /* frame index + 1; 0 empty */
	size_t nslots;
	char **owned;           /* names made here ("… N more frames") */
	size_t nowned;
};

/* A sample: node i's path, through a "more frames" frame if hidden. */
struct sample {
	uint32_t i;
	uint32_t more;          /* the "more frames" frame, or NONE */
};

static void
put_count(FILE *out, count_t c)
{
	char buf[COUNT_BUFSZ];

	fwrite(buf, 1, count_format(c, buf), out);
}

static void
rehash(struct frames *fr)
{
	size_t n = fr->nslots ? fr->nslots * 2 : 1024;

	free(fr->slots);
	fr->slots = xcalloc(n, sizeof(*fr->slots));
	fr->nslots = n;
	for (uint32_t i = 0; i < fr->n; i++) {
		size_t h = stacktable_hash(fr->v[i].name, fr->v[i].len) & (n - 1);
		while (fr->slots[h])
			h = (h + 1) & (n - 1);
		fr->slots[h] = i + 1;
	}
}

/* The index of the frame named name[0..len), added if new.  The name
 * must outlive the table. */
static uint32_t
frame_of(struct frames *fr, const char *name, size_t len)
{
	size_t h = stacktable_hash(name, len) & (fr->nslots - 1);

	for (; fr->slots[h]; h = (h + 1) & (fr->nslots - 1)) {
		const struct frame *e = &fr->v[fr->slots[h] - 1];
		if (e->len == len && memcmp(e->name, name, len) == 0)
			return fr->slots[h] - 1;
	}
	if (fr->n == fr->cap)
		fr->v = xreallocarray(fr->v, (fr->cap = fr->cap ? fr->cap * 2 : 1024), sizeof(*fr->v));
	fr->v[fr->n] = (struct frame){ name, len };
	fr->slots[h] = (uint32_t)++fr->n;
	if (fr->n * 2 > fr->nslots)
		rehash(fr);
	return (uint32_t)fr->n - 1;
}

static uint32_t
more_frame(struct frames *fr, uint32_t nhidden)
{
	char buf[64], *s;
	int n = snprintf(buf, sizeof(buf), "\xE2\x80\xA6 %lu more frame%s",
	    (unsigned long)nhidden, nhidden == 1 ? "" : "s");
	uint32_t k;

	s = xmemdup(buf, (size_t)n);
	k = frame_of(fr, s, (size_t)n);
	if (k == fr->n - 1 && fr->v[k].name == s) {
		fr->owned = xreallocarray(fr->owned, fr->nowned + 1, sizeof(*fr->owned));
		fr->owned[fr->nowned++] = s;
	} else
		free(s);
	return k;
}

static void
add_sample(struct sample **v, size_t *n, size_t *cap, uint32_t i, uint32_t more)
{
	if (*n == *cap)
		*v = xreallocarray(*v, (*cap = *cap ? *cap * 2 : 1024), sizeof(**v));
	(*v)[(*n)++] = (struct sample){ i, more };
}

static uint32_t
first_drawn(const struct flame *f, uint32_t c)
{
	while (c && flame_dropped(f, c))
		c = f->v[c].next;
	return c;
}

/*
 * A frame's fields after "name": of a frame with a source location or a
 * module (prof-folded(5)), the function alone, then "file" and "line"
 * (the schema's), the file being the module where the location is not
 * known.
 */
static void
put_frame(FILE *out, const char *name, size_t len, char **fn, size_t *cap)
{
	struct flame_label l;
	size_t digits;

	if (len > *cap)
		*fn = xrealloc(*fn, *cap = len);
	flame_label(name, len, *fn, &l);
	json_write_string(out, l.fn, l.fn_len);
	if (l.loc_len == 0 && l.module_len > 0) {
		fputs(",\"file\":", out);
		json_write_string(out, l.module, l.module_len);
	}
	if (l.loc_len == 0)
		return;
	if (l.file_len > 0) {
		fputs(",\"file\":", out);
		json_write_string(out, l.loc, l.file_len);
	}
	/* ":LINE", digits only (frame.h); a number JavaScript holds exactly */
	digits = l.file_len < l.loc_len ? l.loc_len - l.file_len - 1 : 0;
	if (digits > 0 && digits <= 15) {
		const char *d = l.loc + l.file_len + 1;

		while (digits > 1 && *d == '0') {
			d++;
			digits--;
		}
		fprintf(out, ",\"line\":%.*s", (int)digits, d);
	}
}

/* speedscope's name for a profile's unit (prof-folded(5)'s "# unit:"). */
static const char *
unit_of(const char *unit)
{
	static const char *const map[][2] = {
		{ "nanoseconds", "nanoseconds" }, { "ns", "nanoseconds" },
		{ "microseconds", "microseconds" }, { "us", "microseconds" },
		{ "milliseconds", "milliseconds" }, { "ms", "milliseconds" },
		{ "seconds", "seconds" }, { "s", "seconds" },
		{ "bytes", "bytes" },
	};

	if (unit != NULL)
		for (size_t i = 0; i < sizeof(map) / sizeof(map[0]); i++)
			if (strcmp(unit, map[i][0]) == 0)
				return map[i][1];
	return "none";
}

int
speedscope_write(FILE *out, const struct flame *f, const char *name, const char *unit)
{
	struct frames fr = { 0 };
	struct sample *samples = NULL;
	size_t nsamples = 0, capsamples = 0;
	uint32_t *fid = xreallocarray(NULL, f->n, sizeof(*fid));
	uint32_t *path = NULL;
	size_t cappath = 0, fncap = 0;
	char *fn = NULL;
	uint32_t i = 0;

	if (name == NULL)
		name = "profile";
	rehash(&fr);
	/* Pre-order over the drawn nodes, by the child and sibling links. */
	for (;;) {
		const struct flame_node *v = &f->v[i];
		uint32_t c;

		fid[i] = NONE;
		if (i != 0 && v->total[0] > 0)
			fid[i] = frame_of(&fr, v->name, v->len);
		if (v->self[0] > 0)
			add_sample(&samples, &nsamples, &capsamples, i, NONE);
		if ((c = first_drawn(f, v->child)) != 0) {
			i = c;
			continue;
		}
		/* i's subtree is done, and so are those of the ancestors left
		 * behind: their hidden frames come last, right of the drawn */
		for (;;) {
			if (f->v[i].hidden > 0)
				add_sample(&samples, &nsamples, &capsamples, i,
				    more_frame(&fr, f->v[i].nhidden));
			if (i == 0 || (c = first_drawn(f, f->v[i].next)) != 0)
				break;
			i = f->v[i].parent;
		}
		if (i == 0)
			break;
		i = c;
	}

	fputs("{\"$schema\":\"https://www.speedscope.app/file-format-schema.json\",\n", out);
	fputs("\"exporter\":\"prof-flame\",\"name\":", out);
	json_write_string(out, name, strlen(name));
	fputs(",\"activeProfileIndex\":0,\n\"shared\":{\"frames\":[", out);
	for (size_t k = 0; k < fr.n; k++) {
		fputs(k ? ",\n{\"name\":" : "\n{\"name\":", out);
		put_frame(out, fr.v[k].name, fr.v[k].len, &fn, &fncap);
		putc('}', out);
	}
	fputs("]},\n\"profiles\":[{\"type\":\"sampled\",\"name\":", out);
	json_write_string(out, name, strlen(name));
	fprintf(out, ",\"unit\":\"%s\",\"startValue\":0,\"endValue\":", unit_of(unit));
	put_count(out, f->v[0].total[0]);
	fputs(",\n\"samples\":[", out);
	for (size_t k = 0; k < nsamples; k++) {
		size_t n = 0;

		/* the path is read leaf to root, written root to leaf */
		if (samples[k].more != NONE) {
			if (n == cappath)
				path = xreallocarray(path, (cappath = cappath ? cappath * 2 : 64), sizeof(*path));
			path[n++] = samples[k].more;
		}
		for (uint32_t j = samples[k].i; j != 0; j = f->v[j].parent) {
			if (n == cappath)
				path = xreallocarray(path, (cappath = cappath ? cappath * 2 : 64), sizeof(*path));
			path[n++] = fid[j];
		}
		fputs(k ? ",\n[" : "\n[", out);
		while (n > 0) {
			n--;
			fprintf(out, n > 0 ? "%lu," : "%lu", (unsigned long)path[n]);
		}
		putc(']', out);
	}
	fputs("],\n\"weights\":[", out);
	for (size_t k = 0; k < nsamples; k++) {
		const struct flame_node *v = &f->v[samples[k].i];
		if (k)
			putc(',', out);
		put_count(out, samples[k].more != NONE ? v->hidden : v->self[0]);
	}
	fputs("]}]}\n", out);

	for (size_t k = 0; k < fr.nowned; k++)
		free(fr.owned[k]);
	free(fr.owned);
	free(fr.v);
	free(fr.slots);
	free(samples);
	free(path);
	free(fid);
	free(fn);
	return ferror(out) ? -1 : 0;
}
