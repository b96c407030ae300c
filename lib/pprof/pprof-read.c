#define _GNU_SOURCE
#include "pprof/pprof.h"

#include <inttypes.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <zlib.h>

#include "core/util.h"
#include "folded/folded.h"
#include "pprof/profile.pb-c.h"

static const unsigned char gzip_magic[2] = { 0x1f, 0x8b };

/* Profile's fields and their wire types (0 varint, 2 length-delimited):
 * what the first bytes of a message must be. */
static int
profile_field(uint64_t field, unsigned wire)
{
	switch (field) {
	case 1: case 2: case 3: case 4: case 5: case 6: case 11:
		return wire == 2;
	case 7: case 8: case 9: case 10: case 12: case 14:
		return wire == 0;
	case 13:
		return wire == 0 || wire == 2;
	default:
		return 0;
	}
}

/* A varint at p[0..n): its value in *v, its length returned; 0 when it
 * does not end within the buffer or is longer than 10 bytes. */
static size_t
varint(const unsigned char *p, size_t n, uint64_t *v)
{
	*v = 0;
	for (size_t i = 0; i < n && i < 10; i++) {
		*v |= (uint64_t)(p[i] & 0x7f) << (7 * i);
		if (!(p[i] & 0x80))
			return i + 1;
	}
	return 0;
}

int
pprof_detect(const void *buf, size_t n, int text_too)
{
	const unsigned char *p = buf;
	size_t i = 0, fields = 0;
	int binary = 0;

	if (n >= 2 && memcmp(p, gzip_magic, 2) == 0)
		return 1;
	if (!text_too)
		return 0;
	for (size_t k = 0; k < n && k < PPROF_DETECT_SIZE; k++)
		if (p[k] < 0x20 && p[k] != '\t' && p[k] != '\n' && p[k] != '\r' && p[k] != '\f' &&
		    p[k] != '\v')
			binary = 1;
	if (!binary)
		return 0;
	/* Walks the top-level fields that end within what was read: every
	 * one is Profile's, and the first is a message or the string table,
	 * as every writer starts. */
	while (i < n && fields < 64) {
		uint64_t key, v;
		size_t k = varint(p + i, n - i, &key);

		if (k == 0 || !profile_field(key >> 3, key & 7) || (fields == 0 && (key & 7) != 2))
			return 0;
		i += k;
		if ((k = varint(p + i, n - i, &v)) == 0)
			return fields > 0;
		i += k;
		if ((key & 7) == 2) {
			if (v > n - i)
				return 1;  /* a field longer than the buffer */
			i += v;
		}
		fields++;
	}
	return fields > 0;
}

/* The counting allocator: protobuf-c's unpacking stops when the decoded
 * message would take more than its budget. */
struct budget {
	size_t used, max;
	int refused;
};

static void *
budget_alloc(void *data, size_t size)
{
	struct budget *b = data;

	if (size > b->max - b->used) {
		b->refused = 1;
		return NULL;
	}
	b->used += size;
	return malloc(size ? size : 1);
}

static void
budget_free(void *data, void *p)
{
	(void)data;
	free(p);
}

struct reader {
	Pprof__Profile *p;
	const struct pprof_opts *o;
	char *err;
	size_t errlen;
	size_t text, text_max;       /* bytes of frames and stacks made, and the cap */
	struct idmap { int dense; size_t n; struct idpair { uint64_t id; size_t i; } *v; }
	    locs, funcs, maps;
	char **loc_text;             /* per location: its frames, root first */
	size_t *loc_len;
	char *buf;                   /* the stack being made */
	size_t buflen, bufcap;
};

static int
fail(struct reader *r, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(r->err, r->errlen, fmt, ap);
	va_end(ap);
	return -1;
}

/* The string at index i, or -1 when there is none. */
static int
string_at(struct reader *r, int64_t i, const char **s, size_t *len, const char *what)
{
	if (i < 0 || (uint64_t)i >= r->p->n_string_table)
		return fail(r, "%s: string %" PRId64 " of a table of %zu", what, i,
		    r->p->n_string_table);
	*s = (const char *)r->p->string_table[i].data;
	*len = r->p->string_table[i].len;
	if (*s == NULL)
		*s = "";
	return 0;
}

static int
string_is(struct reader *r, int64_t i, const char *want)
{
	const char *s;
	size_t n;

	return i >= 0 && (uint64_t)i < r->p->n_string_table &&
	    string_at(r, i, &s, &n, "") == 0 && n == strlen(want) && memcmp(s, want, n) == 0;
}

static int
cmp_idpair(const void *a, const void *b)
{
	const struct idpair *x = a, *y = b;

	return x->id < y->id ? -1 : x->id > y->id;
}

/* Indexes ids[0..n): unique and not 0, else an error naming what. */
static int
idmap_build(struct reader *r, struct idmap *m, const uint64_t *ids, size_t n, const char *what)
{
	m->n = n;
	m->dense = 1;
	for (size_t i = 0; i < n && m->dense; i++)
		m->dense = ids[i] == i + 1;
	if (m->dense)
		return 0;
	m->v = xreallocarray(NULL, n ? n : 1, sizeof(*m->v));
	for (size_t i = 0; i < n; i++) {
		if (ids[i] == 0)
			return fail(r, "%s %zu has id 0", what, i);
		m->v[i].id = ids[i];
		m->v[i].i = i;
	}
	qsort(m->v, n, sizeof(*m->v), cmp_idpair);
	for (size_t i = 1; i < n; i++)
		if (m->v[i].id == m->v[i - 1].id)
			return fail(r, "two %ss have id %" PRIu64, what, m->v[i].id);
	return 0;
}

/* The index of id, or -1. */
static long
idmap_find(const struct idmap *m, uint64_t id)
{
	size_t lo = 0, hi = m->n;

	if (m->dense)
		return id >= 1 && id <= m->n ? (long)(id - 1) : -1;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (m->v[mid].id == id)
			return (long)m->v[mid].i;
		if (m->v[mid].id < id)
			lo = mid + 1;
		else
			hi = mid;
	}
	return -1;
}

/* Room for n more bytes of text, within the budget. */
static int
text_room(struct reader *r, size_t n)
{
	if (n > r->text_max - r->text)
		return fail(r, "its frames and stacks would take more than %zu bytes", r->text_max);
	r->text += n;
	return 0;
}

/* Room for n more bytes in r->buf. */
static void
reserve(struct reader *r, size_t n)
{
	if (n > r->bufcap - r->buflen) {
		size_t cap = r->bufcap ? r->bufcap : 256;
		while (cap - r->buflen < n)
			cap *= 2;
		r->buf = xrealloc(r->buf, cap);
		r->bufcap = cap;
	}
}

static void
put(struct reader *r, const char *s, size_t n)
{
	if (n == 0)
		return;
	reserve(r, n);
	memcpy(r->buf + r->buflen, s, n);
	r->buflen += n;
}

/* A name, path or label as a frame's text may hold it. */
static void
put_clean(struct reader *r, const char *s, size_t n)
{
	if (n == 0)
		return;
	reserve(r, n);
	folded_name(r->buf + r->buflen, s, n);
	r->buflen += n;
}

static const char *
basename_of(const char *s, size_t *n)
{
	const char *slash = memrchr(s, '/', *n);

	if (slash != NULL && (size_t)(slash + 1 - s) < *n) {
		*n -= (size_t)(slash + 1 - s);
		return slash + 1;
	}
	return s;
}

/* Makes the frames of location li, root first, into r->buf. */
static int
render_location(struct reader *r, size_t li)
{
	Pprof__Location *loc = r->p->location[li];
	Pprof__Mapping *map = NULL;
	const char *mod = "";
	size_t modlen = 0;
	int named = 0;

	if (loc->mapping_id != 0) {
		long mi = idmap_find(&r->maps, loc->mapping_id);
		if (mi < 0)
			return fail(r, "location %" PRIu64 " has mapping %" PRIu64 ", which is not in the profile",
			    loc->id, loc->mapping_id);
		map = r->p->mapping[mi];
		if (string_at(r, map->filename, &mod, &modlen, "a mapping's file") < 0)
			return -1;
	}
	r->buflen = 0;
	for (size_t k = loc->n_line; k-- > 0;) {
		Pprof__Line *ln = loc->line[k];
		Pprof__Function *fn;
		const char *name, *file;
		size_t nlen, flen;
		long fi;

		if (ln->function_id == 0)
			continue;
		if ((fi = idmap_find(&r->funcs, ln->function_id)) < 0)
			return fail(r, "location %" PRIu64 " has function %" PRIu64 ", which is not in the profile",
			    loc->id, ln->function_id);
		fn = r->p->function[fi];
		if (string_at(r, fn->name, &name, &nlen, "a function's name") < 0 ||
		    string_at(r, fn->system_name, &file, &flen, "a function's system name") < 0)
			return -1;
		if (nlen == 0) {
			name = file;
			nlen = flen;
		}
		if (string_at(r, fn->filename, &file, &flen, "a function's file") < 0)
			return -1;
		if (named++ > 0)
			put(r, ";", 1);
		if (!r->o->context) {
			put_clean(r, name, nlen);
		} else {
			/* the annotation of a name goes after the location */
			size_t base = nlen, slen = 0;
			if (nlen >= 4 && name[nlen - 4] == '_' && name[nlen - 3] == '[' &&
			    name[nlen - 1] == ']' && strchr("kjiw", name[nlen - 2]) != NULL && name[nlen - 2])
				base = nlen - 4, slen = 4;
			put_clean(r, name, base);
			if (flen > 0 || modlen > 0) {
				put(r, "\t", 1);
				put_clean(r, file, flen);
				if (flen > 0 && ln->line > 0) {
					char num[24];
					put(r, num, (size_t)snprintf(num, sizeof(num), ":%" PRId64, ln->line));
				}
			}
			if (modlen > 0) {
				put(r, "\t", 1);
				put_clean(r, mod, modlen);
			}
			put(r, name + base, slen);
		}
		if (named > 1)
			put(r, "_[i]", 4);
	}
	if (named == 0) {
		/* no function: where the code is, as prof-record --addrs says it */
		if (map != NULL && modlen > 0) {
			const char *b = basename_of(mod, &modlen);
			char num[32];
			uint64_t off = loc->address - map->memory_start + map->file_offset;
			put_clean(r, b, modlen);
			put(r, num, (size_t)snprintf(num, sizeof(num), "+0x%" PRIx64, off));
		} else {
			put(r, "[unknown]", 9);
		}
	}
	if (text_room(r, r->buflen) < 0)
		return -1;
	r->loc_text[li] = xmemdup(r->buflen ? r->buf : "", r->buflen);
	r->loc_len[li] = r->buflen;
	return 0;
}

/* The root frame of label key in sample s: "KEY:VALUE", or "KEY:[none]". */
static int
put_label(struct reader *r, const Pprof__Sample *s, const char *key)
{
	size_t klen = strlen(key);

	put_clean(r, key, klen);
	put(r, ":", 1);
	for (size_t i = 0; i < s->n_label; i++) {
		const Pprof__Label *l = s->label[i];
		const char *v;
		size_t vlen;

		if (!string_is(r, l->key, key))
			continue;
		if (l->str != 0) {
			if (string_at(r, l->str, &v, &vlen, "a label's value") < 0)
				return -1;
			put_clean(r, v, vlen);
		} else {
			char num[24];
			put(r, num, (size_t)snprintf(num, sizeof(num), "%" PRId64, l->num));
			if (l->num_unit != 0) {
				if (string_at(r, l->num_unit, &v, &vlen, "a label's unit") < 0)
					return -1;
				put(r, " ", 1);
				put_clean(r, v, vlen);
			}
		}
		return 0;
	}
	put(r, "[none]", 6);
	return 0;
}

/* The units of pprof that are prof's, times a factor. */
static const struct {
	const char *pprof, *prof;
	uint64_t factor;
} units[] = {
	{ "nanoseconds", "nanoseconds", 1 },
	{ "ns", "nanoseconds", 1 },
	{ "microseconds", "nanoseconds", 1000 },
	{ "us", "nanoseconds", 1000 },
	{ "milliseconds", "nanoseconds", 1000000 },
	{ "ms", "nanoseconds", 1000000 },
	{ "seconds", "nanoseconds", 1000000000 },
	{ "s", "nanoseconds", 1000000000 },
	{ "bytes", "bytes", 1 },
	{ "b", "bytes", 1 },
	{ "kilobytes", "bytes", 1024 },
	{ "kb", "bytes", 1024 },
	{ "megabytes", "bytes", 1024 * 1024 },
	{ "mb", "bytes", 1024 * 1024 },
	{ "gigabytes", "bytes", 1024 * 1024 * 1024 },
	{ "gb", "bytes", 1024 * 1024 * 1024 },
};

static int
name_is(const char *s, size_t n, const char *want)
{
	return n == strlen(want) && strncasecmp(s, want, n) == 0;
}

static int
name_starts(const char *s, size_t n, const char *prefix)
{
	return n >= strlen(prefix) && strncasecmp(s, prefix, strlen(prefix)) == 0;
}

static int
name_has(const char *s, size_t n, const char *part)
{
	return memmem(s, n, part, strlen(part)) != NULL;
}

/* prof's type for a sample type named s[0..n), or NULL. */
static const char *
prof_type(const char *s, size_t n)
{
	static const char *const same[] = { "cpu", "wall", "offcpu", "memory", "lock", "threads", "diff" };

	for (size_t i = 0; i < sizeof(same) / sizeof(same[0]); i++)
		if (name_is(s, n, same[i]))
			return same[i];
	if (name_is(s, n, "off-cpu"))
		return "offcpu";
	if (name_starts(s, n, "alloc") || name_starts(s, n, "inuse") || name_is(s, n, "space") ||
	    name_is(s, n, "objects") || name_is(s, n, "heap"))
		return "memory";
	if (name_is(s, n, "contentions") || name_is(s, n, "delay") || name_starts(s, n, "lock") ||
	    name_starts(s, n, "mutex") || name_is(s, n, "block"))
		return "lock";
	if (name_starts(s, n, "goroutine") || name_is(s, n, "threadcreate"))
		return "threads";
	return NULL;
}

static void
meta_set_clean(struct meta *m, const char *key, const char *s, size_t n)
{
	char *v = xmalloc(n + 1);

	folded_name(v, s, n);
	for (size_t i = 0; i < n; i++)
		if ((unsigned char)v[i] < 0x20)
			v[i] = ' ';
	v[n] = '\0';
	meta_set(m, key, v);
	free(v);
}

/* The metadata of the profile, its value vi counted. */
static int
read_meta(struct reader *r, size_t vi, uint64_t *factor, struct meta *m)
{
	Pprof__Profile *p = r->p;
	const char *type, *unit, *s;
	size_t tlen, ulen, n;
	char buf[64];

	if (string_at(r, p->sample_type[vi]->type, &type, &tlen, "a sample type") < 0 ||
	    string_at(r, p->sample_type[vi]->unit, &unit, &ulen, "a sample type's unit") < 0)
		return -1;
	const char *pt = prof_type(type, tlen), *pu = NULL;
	if (pt == NULL && name_is(type, tlen, "samples") && p->period_type != NULL) {
		if (string_at(r, p->period_type->type, &s, &n, "the period's type") < 0)
			return -1;
		pt = prof_type(s, n);
	}
	*factor = 1;
	for (size_t i = 0; i < sizeof(units) / sizeof(units[0]); i++)
		if (name_is(unit, ulen, units[i].pprof)) {
			pu = units[i].prof;
			*factor = units[i].factor;
		}
	if (pu == NULL && (ulen == 0 || name_is(unit, ulen, "count")))
		pu = name_has(type, tlen, "objects") || name_is(type, tlen, "allocations") ? "objects" :
		    pt != NULL && strcmp(pt, "threads") == 0 ? "threads" : "samples";
	if (pt != NULL)
		meta_set(m, "type", pt);
	else if (tlen > 0 && !name_is(type, tlen, "samples"))
		meta_set_clean(m, "type", type, tlen);
	if (pu != NULL)
		meta_set(m, "unit", pu);
	else
		meta_set_clean(m, "unit", unit, ulen);

	if (p->period_type != NULL && p->period > 0) {
		if (string_at(r, p->period_type->unit, &s, &n, "the period's unit") < 0)
			return -1;
		if (name_is(s, n, "nanoseconds")) {
			snprintf(buf, sizeof(buf), "%" PRId64 " ns", p->period);
			meta_set(m, "period", buf);
		} else {
			char *v = xasprintf("%" PRId64 " %.*s", p->period, (int)(n > 32 ? 32 : n), s);
			meta_set_clean(m, "period", v, strlen(v));
			free(v);
		}
	}
	if (p->time_nanos > 0) {
		time_t t = (time_t)(p->time_nanos / 1000000000);
		struct tm tm;
		if (gmtime_r(&t, &tm) != NULL && strftime(buf, sizeof(buf), "%Y-%m-%dT%H:%M:%SZ", &tm) > 0)
			meta_set(m, "start", buf);
	}
	if (p->duration_nanos > 0) {
		int len = snprintf(buf, sizeof(buf), "%" PRId64 ".%09" PRId64,
		    p->duration_nanos / 1000000000, p->duration_nanos % 1000000000);
		while (buf[len - 1] == '0')
			len--;
		if (buf[len - 1] == '.')
			len--;
		snprintf(buf + len, sizeof(buf) - (size_t)len, " s");
		meta_set(m, "duration", buf);
	}
	if (p->drop_frames != 0) {
		if (string_at(r, p->drop_frames, &s, &n, "drop_frames") < 0)
			return -1;
		meta_set_clean(m, "drop_frames", s, n);
	}
	if (p->keep_frames != 0) {
		if (string_at(r, p->keep_frames, &s, &n, "keep_frames") < 0)
			return -1;
		meta_set_clean(m, "keep_frames", s, n);
	}
	/* Comments: metadata lines as prof writes them set their key; the
	 * others make one "comment", in order. */
	char *free_text = NULL;
	size_t ftlen = 0;
	struct meta cm = { 0 };
	for (size_t i = 0; i < p->n_comment; i++) {
		if (string_at(r, p->comment[i], &s, &n, "a comment") < 0) {
			free(free_text);
			meta_free(&cm);
			return -1;
		}
		if (n > 0 && s[0] == '#' && memchr(s, '\n', n) == NULL && meta_parse(&cm, s, n) == 0)
			continue;
		free_text = xrealloc(free_text, ftlen + n + 3);
		if (ftlen > 0) {
			memcpy(free_text + ftlen, "; ", 2);
			ftlen += 2;
		}
		memcpy(free_text + ftlen, s, n);
		ftlen += n;
	}
	if (free_text != NULL)
		meta_set_clean(m, "comment", free_text, ftlen);
	free(free_text);
	for (size_t i = 0; i < cm.list.n; i++)
		meta_set_clean(m, cm.list.items[i].key, cm.list.items[i].value,
		    strlen(cm.list.items[i].value));
	meta_free(&cm);
	return 0;
}

/* The index of the value to count. */
static int
pick_value(struct reader *r, size_t *vi)
{
	Pprof__Profile *p = r->p;
	const char *want = r->o->sample_type;

	if (p->n_sample_type == 0)
		return fail(r, "the profile has no sample type");
	*vi = p->n_sample_type - 1;
	if (want == NULL && (p->default_sample_type <= 0 ||
	    (uint64_t)p->default_sample_type >= p->n_string_table))
		return 0;
	for (size_t i = 0; i < p->n_sample_type; i++) {
		const ProtobufCBinaryData *d = want ? NULL : &p->string_table[p->default_sample_type];
		const char *s;
		size_t n;
		if (string_at(r, p->sample_type[i]->type, &s, &n, "a sample type") < 0)
			return -1;
		if (want != NULL ? n == strlen(want) && memcmp(s, want, n) == 0 :
		    d->len == n && (n == 0 || memcmp(d->data, s, n) == 0)) {
			*vi = i;
			return 0;
		}
	}
	if (want == NULL)
		return 0;
	/* the message names the types there are */
	size_t len = (size_t)snprintf(r->err, r->errlen,
	    "--sample-type: '%s' is not a sample type of the profile; use", want);
	for (size_t i = 0; i < p->n_sample_type && len < r->errlen; i++) {
		const char *s;
		size_t n;
		(void)string_at(r, p->sample_type[i]->type, &s, &n, "");
		len += (size_t)snprintf(r->err + len, r->errlen - len, "%s %.*s",
		    i == 0 ? "" : i + 1 == p->n_sample_type ? " or" : ",", (int)(n > 64 ? 64 : n), s);
	}
	return -1;
}

static int
decode(struct reader *r, struct stacktable *tab, struct meta *m)
{
	Pprof__Profile *p = r->p;
	uint64_t *ids, factor = 1;
	size_t vi = 0, n = p->n_location > p->n_function ? p->n_location : p->n_function;
	count_t total = 0;

	if (p->n_string_table == 0 || p->string_table[0].len != 0)
		return fail(r, "its string table does not start with the empty string");
	if (n < p->n_mapping)
		n = p->n_mapping;
	ids = xreallocarray(NULL, n ? n : 1, sizeof(*ids));
	for (size_t i = 0; i < p->n_location; i++)
		ids[i] = p->location[i]->id;
	int bad = idmap_build(r, &r->locs, ids, p->n_location, "location") < 0;
	for (size_t i = 0; !bad && i < p->n_function; i++)
		ids[i] = p->function[i]->id;
	bad = bad || idmap_build(r, &r->funcs, ids, p->n_function, "function") < 0;
	for (size_t i = 0; !bad && i < p->n_mapping; i++)
		ids[i] = p->mapping[i]->id;
	bad = bad || idmap_build(r, &r->maps, ids, p->n_mapping, "mapping") < 0;
	free(ids);
	if (bad)
		return -1;
	if (p->n_sample == 0 && p->n_sample_type == 0)
		return 0;
	if (pick_value(r, &vi) < 0 || read_meta(r, vi, &factor, m) < 0)
		return -1;

	r->loc_text = xcalloc(p->n_location ? p->n_location : 1, sizeof(*r->loc_text));
	r->loc_len = xcalloc(p->n_location ? p->n_location : 1, sizeof(*r->loc_len));
	for (size_t i = 0; i < p->n_location; i++)
		if (render_location(r, i) < 0)
			return -1;

	/* First every sample is checked, so that nothing is added from a
	 * profile that is refused (the table may pass stacks on at once). */
	for (size_t i = 0; i < p->n_sample; i++) {
		const Pprof__Sample *s = p->sample[i];
		size_t len = 0;

		if (s->n_value != p->n_sample_type)
			return fail(r, "sample %zu has %zu values for %zu sample types", i, s->n_value,
			    p->n_sample_type);
		if (s->value[vi] < 0)
			return fail(r, "sample %zu has a negative value (%" PRId64 "), which prof's counts cannot be",
			    i, s->value[vi]);
		if (s->value[vi] == 0)
			continue;
		for (size_t k = 0; k < s->n_location_id; k++) {
			long li = idmap_find(&r->locs, s->location_id[k]);
			if (li < 0)
				return fail(r, "sample %zu has location %" PRIu64 ", which is not in the profile",
				    i, s->location_id[k]);
			len += r->loc_len[li] + 1;
		}
		for (size_t k = 0; k < s->n_label; k++)
			if (s->label[k]->key < 0 || (uint64_t)s->label[k]->key >= p->n_string_table ||
			    s->label[k]->str < 0 || (uint64_t)s->label[k]->str >= p->n_string_table ||
			    s->label[k]->num_unit < 0 || (uint64_t)s->label[k]->num_unit >= p->n_string_table)
				return fail(r, "sample %zu has a label whose string is not in the table", i);
		for (size_t k = 0; k < r->o->nlabels; k++)
			len += strlen(r->o->labels[k]) + 64;
		for (size_t k = 0; k < s->n_label && r->o->nlabels > 0; k++)
			len += p->string_table[s->label[k]->str].len +
			    p->string_table[s->label[k]->num_unit].len;
		if (text_room(r, len) < 0)
			return -1;
		if (count_add(&total, (count_t)s->value[vi] * factor * COUNT_ONE) < 0)
			return fail(r, "its values add up to more than prof's counts hold");
	}
	for (size_t i = 0; i < p->n_sample; i++) {
		const Pprof__Sample *s = p->sample[i];
		count_t c[2] = { (count_t)s->value[vi] * factor * COUNT_ONE, 0 };

		if (s->value[vi] == 0)
			continue;
		r->buflen = 0;
		for (size_t k = 0; k < r->o->nlabels; k++) {
			if (k > 0)
				put(r, ";", 1);
			if (put_label(r, s, r->o->labels[k]) < 0)
				return -1;
		}
		for (size_t k = s->n_location_id; k-- > 0;) {
			long li = idmap_find(&r->locs, s->location_id[k]);
			if (k + 1 < s->n_location_id || r->o->nlabels > 0)
				put(r, ";", 1);
			put(r, r->loc_text[li], r->loc_len[li]);
		}
		stacktable_add(tab, r->buflen ? r->buf : "", r->buflen, c);
	}
	return 0;
}

/* Inflates data[0..n) (gzip or zlib, several members) into *out. */
static int
gunzip(struct reader *r, const unsigned char *data, size_t n, unsigned char **out, size_t *outlen)
{
	z_stream z;
	size_t cap = n < ((size_t)1 << 20) ? (size_t)1 << 20 : n * 4, len = 0;
	unsigned char *buf;
	int ret = Z_OK;

	if (cap > PPROF_MAX_SIZE)
		cap = PPROF_MAX_SIZE;
	memset(&z, 0, sizeof(z));
	if (inflateInit2(&z, 15 + 32) != Z_OK)
		return fail(r, "zlib: cannot start inflating");
	buf = xmalloc(cap);
	z.next_in = (unsigned char *)data;
	while (n > 0) {
		uInt in = n > UINT32_MAX ? UINT32_MAX : (uInt)n;
		z.next_in = (unsigned char *)data;
		z.avail_in = in;
		do {
			if (len == cap) {
				if (cap == PPROF_MAX_SIZE) {
					inflateEnd(&z);
					free(buf);
					return fail(r, "it inflates to more than %zu bytes", (size_t)PPROF_MAX_SIZE);
				}
				cap = cap * 2 > PPROF_MAX_SIZE ? PPROF_MAX_SIZE : cap * 2;
				buf = xrealloc(buf, cap);
			}
			size_t room = cap - len;
			z.next_out = buf + len;
			z.avail_out = room > UINT32_MAX ? UINT32_MAX : (uInt)room;
			ret = inflate(&z, Z_NO_FLUSH);
			len += (size_t)((room > UINT32_MAX ? UINT32_MAX : room) - z.avail_out);
		} while (ret == Z_OK && (z.avail_in > 0 || z.avail_out == 0));
		data += in - z.avail_in;
		n -= in - z.avail_in;
		if (ret == Z_STREAM_END) {
			/* another member may follow; trailing zeros do not count */
			while (n > 0 && data[0] == 0)
				data++, n--;
			if (n > 0 && inflateReset(&z) != Z_OK)
				ret = Z_DATA_ERROR;
			else
				continue;
		}
		if (ret != Z_OK && ret != Z_STREAM_END)
			break;
		if (z.avail_in == 0 && n == 0)
			break;
	}
	inflateEnd(&z);
	if (ret != Z_STREAM_END) {
		free(buf);
		return fail(r, "gzip: %s", ret == Z_OK || ret == Z_BUF_ERROR ? "the data ends early" :
		    z.msg ? z.msg : "invalid data");
	}
	*out = buf;
	*outlen = len;
	return 0;
}

int
pprof_read(const void *data, size_t n, const struct pprof_opts *o, struct stacktable *tab,
    struct meta *m, char *err, size_t errlen)
{
	static const struct pprof_opts none;
	struct reader r = { .o = o ? o : &none, .err = err, .errlen = errlen };
	struct budget b = { 0 };
	ProtobufCAllocator alloc = { budget_alloc, budget_free, &b };
	unsigned char *plain = NULL;
	const unsigned char *msg = data;
	size_t len = n;
	struct meta got = { 0 };
	int ret;

	if (n >= 2 && memcmp(data, gzip_magic, 2) == 0) {
		if (gunzip(&r, data, n, &plain, &len) < 0)
			return -1;
		msg = plain;
	} else if (n > PPROF_MAX_SIZE) {
		return fail(&r, "it is larger than %zu bytes", (size_t)PPROF_MAX_SIZE);
	}
	b.max = len * PPROF_MAX_MEMORY_FACTOR + PPROF_MAX_MEMORY_SLACK;
	r.text_max = len * PPROF_MAX_TEXT_FACTOR + PPROF_MAX_TEXT_SLACK;
	r.p = pprof__profile__unpack(&alloc, len, msg);
	free(plain);
	if (r.p == NULL) {
		/* protobuf-c says only that it failed: the budget tells why */
		if (b.refused)
			return fail(&r, "decoding it would take more than %zu bytes", b.max);
		return fail(&r, "not a profile.proto message (a field of the wrong type, or cut short)");
	}
	/* Every sample is checked before the first is added (decode), so a
	 * refused profile adds nothing, even to a table with a sink. */
	if ((ret = decode(&r, tab, &got)) == 0)
		meta_update(m, &got);
	meta_free(&got);
	if (r.loc_text != NULL)
		for (size_t i = 0; i < r.p->n_location; i++)
			free(r.loc_text[i]);
	pprof__profile__free_unpacked(r.p, &alloc);
	free(r.loc_text);
	free(r.loc_len);
	free(r.buf);
	free(r.locs.v);
	free(r.funcs.v);
	free(r.maps.v);
	return ret;
}
