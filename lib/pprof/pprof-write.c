#define _GNU_SOURCE
#include "pprof/pprof.h"

#include <inttypes.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <uthash.h>
#include <zlib.h>

#include "core/count.h"
#include "core/util.h"
#include "folded/frame.h"
#include "folded/unit.h"
#include "pprof/profile.pb-c.h"

/* A byte string and the number it was given (a string index, an id). */
struct keyed {
	UT_hash_handle hh;
	uint64_t id;
	size_t len;
	char key[];
};

struct pprof_writer {
	struct keyed *strings, *functions, *locations;  /* uthash heads */
	ProtobufCBinaryData *strtab;
	size_t nstr, strcap;
	Pprof__Function **fn;
	size_t nfn, fncap;
	Pprof__Location **loc;
	size_t nloc, loccap;
	Pprof__Mapping **map;
	size_t nmap, mapcap;
	Pprof__Sample **smp;
	size_t nsmp, smpcap;
	int64_t *comments;
	size_t ncomments;
	Pprof__ValueType sample_type[PPROF_MAX_VALUES], period_type;
	size_t ntypes, default_type;    /* sample_type[0..ntypes) */
	int64_t period, time_nanos, duration_nanos;
	int has_period;
};

static void
grow(void *pp, size_t *cap, size_t n, size_t size)
{
	void **p = pp;

	if (n == *cap) {
		*cap = *cap ? *cap * 2 : 64;
		*p = xreallocarray(*p, *cap, size);
	}
}

/* The id of key[0..len) in the table *head, made (the next of *next) if new. */
static uint64_t
intern(struct keyed **head, const void *key, size_t len, size_t *next, int *made)
{
	struct keyed *k;

	HASH_FIND(hh, *head, key, len, k);
	*made = k == NULL;
	if (k != NULL)
		return k->id;
	k = xmalloc(sizeof(*k) + len + 1);
	k->id = (*next)++;
	k->len = len;
	memcpy(k->key, key, len);
	k->key[len] = '\0';
	HASH_ADD(hh, *head, key, len, k);
	return k->id;
}

/* The string table's index of s[0..n). */
static int64_t
string_index(struct pprof_writer *w, const char *s, size_t n)
{
	size_t next = w->nstr;
	int made;
	uint64_t i = intern(&w->strings, s, n, &next, &made);

	if (made) {
		grow(&w->strtab, &w->strcap, w->nstr, sizeof(*w->strtab));
		w->strtab[w->nstr].data = (uint8_t *)xmemdup(s, n);
		w->strtab[w->nstr].len = n;
		w->nstr++;
	}
	return (int64_t)i;
}

static int64_t
string_of(struct pprof_writer *w, const char *s)
{
	return s ? string_index(w, s, strlen(s)) : 0;
}

struct pprof_writer *
pprof_writer_new(const char *type, const char *unit)
{
	struct pprof_writer *w = xcalloc(1, sizeof(*w));

	string_index(w, "", 0);  /* entry 0 is always "" */
	pprof__value_type__init(&w->sample_type[0]);
	pprof__value_type__init(&w->period_type);
	w->sample_type[0].type = string_of(w, type);
	w->sample_type[0].unit = string_of(w, unit);
	w->ntypes = 1;
	return w;
}

/* The sample types of vals[0..n), the default vals[def]'s, instead of
 * the one the writer was made with. */
static void
writer_types(struct pprof_writer *w, const struct pprof_value *vals, size_t n, size_t def)
{
	for (size_t i = 0; i < n; i++) {
		pprof__value_type__init(&w->sample_type[i]);
		w->sample_type[i].type = string_of(w, vals[i].type);
		w->sample_type[i].unit = string_of(w, vals[i].unit);
	}
	w->ntypes = n;
	w->default_type = def;
}

void
pprof_writer_period(struct pprof_writer *w, const char *type, const char *unit, int64_t period)
{
	w->period_type.type = string_of(w, type);
	w->period_type.unit = string_of(w, unit);
	w->period = period;
	w->has_period = 1;
}

void
pprof_writer_time(struct pprof_writer *w, int64_t time_nanos, int64_t duration_nanos)
{
	w->time_nanos = time_nanos;
	w->duration_nanos = duration_nanos;
}

void
pprof_writer_comment(struct pprof_writer *w, const char *text)
{
	w->comments = xreallocarray(w->comments, w->ncomments + 1, sizeof(*w->comments));
	w->comments[w->ncomments++] = string_of(w, text);
}

uint64_t
pprof_writer_mapping(struct pprof_writer *w, const char *file, const char *build_id,
    uint64_t start, uint64_t limit, uint64_t offset)
{
	Pprof__Mapping *m = xmalloc(sizeof(*m));

	pprof__mapping__init(m);
	m->id = w->nmap + 1;
	m->memory_start = start;
	m->memory_limit = limit;
	m->file_offset = offset;
	m->filename = string_of(w, file);
	m->build_id = string_of(w, build_id);
	grow(&w->map, &w->mapcap, w->nmap, sizeof(*w->map));
	w->map[w->nmap++] = m;
	return m->id;
}

uint64_t
pprof_writer_function(struct pprof_writer *w, const char *name, size_t len, const char *file,
    size_t flen)
{
	int64_t key[2] = { string_index(w, name, len), string_index(w, file, flen) };
	size_t next = w->nfn + 1;
	int made;
	uint64_t id = intern(&w->functions, key, sizeof(key), &next, &made);

	if (made) {
		Pprof__Function *f = xmalloc(sizeof(*f));
		pprof__function__init(f);
		f->id = id;
		f->name = f->system_name = key[0];
		f->filename = key[1];
		grow(&w->fn, &w->fncap, w->nfn, sizeof(*w->fn));
		w->fn[w->nfn++] = f;
	}
	return id;
}

uint64_t
pprof_writer_location(struct pprof_writer *w, uint64_t mapping, uint64_t address,
    const struct pprof_line *lines, size_t n)
{
	uint64_t small[2 + 2 * 8], *key = small;
	size_t klen = 2 + 2 * n, next = w->nloc + 1;
	int made;
	uint64_t id;

	if (n > 8)
		key = xreallocarray(NULL, klen, sizeof(*key));
	key[0] = mapping;
	key[1] = address;
	for (size_t i = 0; i < n; i++) {
		key[2 + 2 * i] = lines[i].function;
		key[3 + 2 * i] = (uint64_t)lines[i].line;
	}
	id = intern(&w->locations, key, klen * sizeof(*key), &next, &made);
	if (key != small)
		free(key);
	if (made) {
		Pprof__Location *l = xmalloc(sizeof(*l));
		pprof__location__init(l);
		l->id = id;
		l->mapping_id = mapping;
		l->address = address;
		l->n_line = n;
		l->line = xreallocarray(NULL, n ? n : 1, sizeof(*l->line));
		for (size_t i = 0; i < n; i++) {
			Pprof__Line *ln = xmalloc(sizeof(*ln));
			pprof__line__init(ln);
			ln->function_id = lines[i].function;
			ln->line = lines[i].line;
			l->line[i] = ln;
		}
		grow(&w->loc, &w->loccap, w->nloc, sizeof(*w->loc));
		w->loc[w->nloc++] = l;
	}
	return id;
}

/* A sample of w->ntypes values. */
static void
writer_sample(struct pprof_writer *w, const uint64_t *locs, size_t n, const int64_t *values)
{
	Pprof__Sample *s = xmalloc(sizeof(*s) + w->ntypes * sizeof(int64_t));

	pprof__sample__init(s);
	s->n_location_id = n;
	s->location_id = xreallocarray(NULL, n ? n : 1, sizeof(*s->location_id));
	if (n > 0)
		memcpy(s->location_id, locs, n * sizeof(*locs));
	s->n_value = w->ntypes;
	s->value = (int64_t *)(s + 1);
	memcpy(s->value, values, w->ntypes * sizeof(int64_t));
	grow(&w->smp, &w->smpcap, w->nsmp, sizeof(*w->smp));
	w->smp[w->nsmp++] = s;
}

void
pprof_writer_sample(struct pprof_writer *w, const uint64_t *locs, size_t n, int64_t value)
{
	writer_sample(w, locs, n, &value);
}

void
pprof_writer_free(struct pprof_writer *w)
{
	struct keyed *k, *tmp;

	if (w == NULL)
		return;
	HASH_ITER(hh, w->strings, k, tmp) { HASH_DEL(w->strings, k); free(k); }
	HASH_ITER(hh, w->functions, k, tmp) { HASH_DEL(w->functions, k); free(k); }
	HASH_ITER(hh, w->locations, k, tmp) { HASH_DEL(w->locations, k); free(k); }
	for (size_t i = 0; i < w->nstr; i++)
		free(w->strtab[i].data);
	for (size_t i = 0; i < w->nfn; i++)
		free(w->fn[i]);
	for (size_t i = 0; i < w->nloc; i++) {
		for (size_t j = 0; j < w->loc[i]->n_line; j++)
			free(w->loc[i]->line[j]);
		free(w->loc[i]->line);
		free(w->loc[i]);
	}
	for (size_t i = 0; i < w->nmap; i++)
		free(w->map[i]);
	for (size_t i = 0; i < w->nsmp; i++) {
		free(w->smp[i]->location_id);
		free(w->smp[i]);
	}
	free(w->strtab);
	free(w->fn);
	free(w->loc);
	free(w->map);
	free(w->smp);
	free(w->comments);
	free(w);
}

/* Writes the message msg[0..n) gzipped to fp. */
static int
gzip_to(FILE *fp, const uint8_t *msg, size_t n, char *err, size_t errlen)
{
	z_stream z;
	unsigned char out[1 << 16];
	int ret;

	memset(&z, 0, sizeof(z));
	if (deflateInit2(&z, Z_DEFAULT_COMPRESSION, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY) != Z_OK) {
		snprintf(err, errlen, "zlib: cannot start compressing");
		return -1;
	}
	z.next_in = (uint8_t *)msg;
	do {
		size_t chunk = n > (1u << 30) ? (1u << 30) : n;
		z.avail_in = (uInt)chunk;
		n -= chunk;
		do {
			z.next_out = out;
			z.avail_out = sizeof(out);
			ret = deflate(&z, n == 0 ? Z_FINISH : Z_NO_FLUSH);
			fwrite(out, 1, sizeof(out) - z.avail_out, fp);
		} while (z.avail_out == 0);
	} while (n > 0);
	deflateEnd(&z);
	if (ret != Z_STREAM_END) {
		snprintf(err, errlen, "zlib: compressing failed");
		return -1;
	}
	return 0;
}

int
pprof_writer_finish(struct pprof_writer *w, FILE *fp, char *err, size_t errlen)
{
	Pprof__Profile p = PPROF__PROFILE__INIT;
	Pprof__ValueType *st[PPROF_MAX_VALUES];
	uint8_t *msg;
	size_t n;
	int ret;

	for (size_t i = 0; i < w->ntypes; i++)
		st[i] = &w->sample_type[i];
	p.n_sample_type = w->ntypes;
	p.sample_type = st;
	p.n_sample = w->nsmp;
	p.sample = w->smp;
	p.n_mapping = w->nmap;
	p.mapping = w->map;
	p.n_location = w->nloc;
	p.location = w->loc;
	p.n_function = w->nfn;
	p.function = w->fn;
	p.n_string_table = w->nstr;
	p.string_table = w->strtab;
	p.time_nanos = w->time_nanos;
	p.duration_nanos = w->duration_nanos;
	if (w->has_period) {
		p.period_type = &w->period_type;
		p.period = w->period;
	}
	p.n_comment = w->ncomments;
	p.comment = w->comments;
	p.default_sample_type = w->sample_type[w->default_type].type;
	/* A mapping whose every location names its functions has them:
	 * pprof does not look for its file to symbolize it (and does not
	 * warn that it lacks one); the others it may symbolize from the
	 * file, its build-id and offset. */
	for (size_t i = 0; i < w->nmap; i++)
		w->map[i]->has_functions = 1;
	for (size_t i = 0; i < w->nloc; i++)
		if (w->loc[i]->mapping_id >= 1 && w->loc[i]->mapping_id <= w->nmap &&
		    w->loc[i]->n_line == 0)
			w->map[w->loc[i]->mapping_id - 1]->has_functions = 0;

	n = pprof__profile__get_packed_size(&p);
	msg = xmalloc(n ? n : 1);
	pprof__profile__pack(&p, msg);
	ret = gzip_to(fp, msg, n, err, errlen);
	free(msg);
	pprof_writer_free(w);
	return ret;
}

/*
 * The folded stacks' side.
 */

/* pprof's name of a sample type for prof's type and unit. */
static void
sample_type_of(const char *type, const char *unit, const char **st, const char **su)
{
#define IS(a, b) (strcmp((a), (b)) == 0)
	*su = unit;
	*st = type ? type : "samples";
	if (IS(unit, "nanoseconds")) {
		*st = !type ? "time" : IS(type, "lock") ? "delay" : type;
	} else if (IS(unit, "bytes")) {
		*st = !type || IS(type, "memory") ? "alloc_space" : type;
	} else if (IS(unit, "objects")) {
		*st = !type || IS(type, "memory") ? "alloc_objects" : type;
		*su = "count";
	} else if (IS(unit, "threads")) {
		*st = "threads";
		*su = "count";
	} else if (IS(unit, "samples")) {
		*st = type && IS(type, "lock") ? "contentions" : type && IS(type, "threads") ? "threads" :
		    "samples";
		*su = "count";
	}
#undef IS
}

/* "LINE" of "FILE:LINE": 1 or more, no leading zero; else 0 (all is file). */
static int64_t
line_of(const char *loc, size_t n, size_t *file_len)
{
	size_t i = n;
	int64_t v = 0;

	*file_len = n;
	while (i > 0 && loc[i - 1] >= '0' && loc[i - 1] <= '9')
		i--;
	if (i == 0 || i == n || loc[i - 1] != ':' || loc[i] == '0' || n - i > 18)
		return 0;
	for (size_t k = i; k < n; k++)
		v = v * 10 + (loc[k] - '0');
	*file_len = i - 1;
	return v;
}

/* A table of module names to mapping ids. */
struct modmap {
	struct keyed *head;
	size_t next;
	uint64_t *ids;     /* the mapping of each */
};

struct frame_ref {
	const char *f;
	size_t n;
	struct frame_parts fp;
};

/*
 * The module of mods[0..nmods) whose address f[0..len) is,
 * "NAME+0xOFFSET" with NAME its name, and the offset in *off; NULL when
 * f is not such an address, or NAME is no module, or two.
 */
static const struct pprof_module *
address_of(const char *f, size_t len, const struct pprof_module *mods, size_t nmods, uint64_t *off)
{
	const struct pprof_module *found = NULL;
	const char *plus = NULL;
	uint64_t v = 0;
	size_t i;

	for (i = len; i >= 3; i--)
		if (f[i - 3] == '+' && f[i - 2] == '0' && f[i - 1] == 'x') {
			plus = f + i - 3;
			break;
		}
	if (plus == NULL || plus == f || (size_t)(f + len - (plus + 3)) == 0 ||
	    (size_t)(f + len - (plus + 3)) > 16)
		return NULL;
	for (const char *h = plus + 3; h < f + len; h++) {
		int d = *h >= '0' && *h <= '9' ? *h - '0' : *h >= 'a' && *h <= 'f' ? *h - 'a' + 10 : -1;
		if (d < 0)
			return NULL;
		v = v << 4 | (uint64_t)d;
	}
	for (i = 0; i < nmods; i++)
		if (strlen(mods[i].name) == (size_t)(plus - f) &&
		    memcmp(mods[i].name, f, (size_t)(plus - f)) == 0) {
			if (found != NULL && (found->build_id == NULL || mods[i].build_id == NULL ||
			    strcmp(found->build_id, mods[i].build_id) != 0))
				return NULL;
			found = &mods[i];
		}
	*off = v;
	return found;
}

static int write_profile(FILE *fp, struct stacktable_entry *const *v, size_t n,
    const struct meta *m, const struct pprof_module *pmods, size_t npmods,
    const struct pprof_value *vals, size_t nvals, size_t def, char *err, size_t errlen);

int
pprof_write_table(FILE *fp, struct stacktable_entry *const *v, size_t n, const struct meta *m,
    char *err, size_t errlen)
{
	return pprof_write_modules(fp, v, n, m, NULL, 0, err, errlen);
}

int
pprof_write_modules(FILE *fp, struct stacktable_entry *const *v, size_t n, const struct meta *m,
    const struct pprof_module *pmods, size_t npmods, char *err, size_t errlen)
{
	return write_profile(fp, v, n, m, pmods, npmods, NULL, 0, 0, err, errlen);
}

/* A count as pprof's value, or -1 with the reason in err. */
static int
value_of(count_t c, int64_t *value, char *err, size_t errlen)
{
	if (c % COUNT_ONE != 0 || c / COUNT_ONE > (count_t)INT64_MAX) {
		char b[COUNT_BUFSZ];
		count_format(c, b);
		snprintf(err, errlen, "the count %s is not a whole number of at most 19 digits, "
		    "as pprof's values are (--scale can make it one)", b);
		return -1;
	}
	*value = (int64_t)(c / COUNT_ONE);
	return 0;
}

int
pprof_write_values(FILE *fp, const struct pprof_value *vals, size_t nvals, size_t def,
    const struct meta *m, const struct pprof_module *mods, size_t nmods, char *err, size_t errlen)
{
	struct stacktable *all = stacktable_new();
	struct stacktable_entry *e, *tmp, **v;
	static const count_t zero[2];
	size_t n;
	int ret;

	if (nvals == 0 || nvals > PPROF_MAX_VALUES || def >= nvals) {
		snprintf(err, errlen, "a profile has 1 to %d sample types", PPROF_MAX_VALUES);
		stacktable_free(all);
		return -1;
	}
	for (size_t j = 0; j < nvals; j++)
		HASH_ITER(hh, vals[j].tab->head, e, tmp)
			stacktable_add(all, e->key, e->len, zero);
	v = stacktable_sorted(all, &n);
	ret = write_profile(fp, v, n, m, mods, nmods, vals, nvals, def, err, errlen);
	free(v);
	stacktable_free(all);
	return ret;
}

/*
 * The stacks v[0..n) as a profile: with nvals 0, each one's count n[0],
 * of the sample type m's type and unit say; else a value of each of
 * vals[0..nvals), looked up by its key.
 */
static int
write_profile(FILE *fp, struct stacktable_entry *const *v, size_t n, const struct meta *m,
    const struct pprof_module *pmods, size_t npmods, const struct pprof_value *vals, size_t nvals,
    size_t def, char *err, size_t errlen)
{
	struct modmap addrmods = { NULL, 0, NULL };
	const char *type = meta_get(m, "type"), *unit = meta_get(m, "unit"), *st, *su, *s;
	struct pprof_writer *w;
	struct unit u;
	struct modmap mods = { NULL, 0, NULL };
	uint64_t nomod = 0;
	struct frame_ref *fr = NULL;
	size_t frcap = 0;
	uint64_t *locs = NULL;
	struct pprof_line *lines = NULL;
	size_t lcap = 0;
	int ret = 0;

	sample_type_of(type, unit ? unit : "samples", &st, &su);
	w = pprof_writer_new(st, su);
	if (nvals > 0)
		writer_types(w, vals, nvals, def);
	unit_from_meta(m, &u);
	/* a period past pprof's int64 is no period it can hold */
	if (!(u.period_ns < 9e18))
		u.period_ns = 0;
	if (nvals == 0 && u.kind == UNIT_SAMPLES && (u.period_ns > 0 || type != NULL))
		pprof_writer_period(w, type ? type : "cpu", u.period_ns > 0 ? "nanoseconds" : "count",
		    u.period_ns > 0 ? (int64_t)(u.period_ns + 0.5) : 0);
	{
		int64_t t0 = 0, dur = 0;
		struct tm tm;
		count_t c;
		if ((s = meta_get(m, "start")) != NULL) {
			memset(&tm, 0, sizeof(tm));
			const char *end = strptime(s, "%Y-%m-%dT%H:%M:%S", &tm);
			if (end != NULL && (*end == 'Z' || *end == '\0'))
				t0 = (int64_t)timegm(&tm) * 1000000000;
		}
		if ((s = meta_get(m, "duration")) != NULL) {
			size_t k = strcspn(s, " ");
			/* a count is in units of 10^-9: "2.5" is 2.5e9 ns */
			if (strcmp(s + k, " s") == 0 && count_parse(s, k, &c) == COUNT_OK &&
			    c <= (count_t)INT64_MAX)
				dur = (int64_t)c;
		}
		pprof_writer_time(w, t0 > 0 ? t0 : 0, dur);
	}
	for (size_t i = 0; i < m->list.n; i++) {
		char *c = xasprintf("# %s: %s", m->list.items[i].key, m->list.items[i].value);
		pprof_writer_comment(w, c);
		free(c);
	}

	for (size_t i = 0; i < n && ret == 0; i++) {
		const char *key = v[i]->key, *end = key + v[i]->len;
		size_t nf = 0, nl = 0;
		int64_t values[PPROF_MAX_VALUES];

		if (nvals == 0) {
			ret = value_of(v[i]->n[0], &values[0], err, errlen);
		} else {
			for (size_t j = 0; j < nvals && ret == 0; j++) {
				struct stacktable_entry *e;
				HASH_FIND_BYHASHVALUE(hh, vals[j].tab->head, key, v[i]->len,
				    stacktable_hash(key, v[i]->len), e);
				values[j] = 0;
				if (e != NULL)
					ret = value_of(e->n[vals[j].col != 0], &values[j], err, errlen);
			}
		}
		if (ret < 0)
			break;
		/* the frames, root first */
		for (const char *p = key;; ) {
			const char *semi = memchr(p, ';', (size_t)(end - p));
			const char *fe = semi ? semi : end;
			grow(&fr, &frcap, nf, sizeof(*fr));
			fr[nf].f = p;
			fr[nf].n = (size_t)(fe - p);
			frame_split(p, fr[nf].n, &fr[nf].fp);
			nf++;
			if (semi == NULL)
				break;
			p = semi + 1;
		}
		if (nf > lcap) {
			lcap = nf;
			locs = xreallocarray(locs, lcap, sizeof(*locs));
			lines = xreallocarray(lines, lcap, sizeof(*lines));
		}
		/* A frame and the _[i] frames after it in the same module are
		 * one location, its lines innermost first. */
		for (size_t a = nf; a > 0;) {
			size_t b = a - 1, k = 0;
			const struct pprof_module *am;
			uint64_t off;

			if (npmods > 0 && fr[b].fp.loc_len == 0 && fr[b].fp.module_len == 0 &&
			    fr[b].fp.suffix_len == 0 &&
			    (am = address_of(fr[b].fp.name, fr[b].fp.name_len, pmods, npmods, &off)) != NULL) {
				int made;
				uint64_t mi = intern(&addrmods.head, am->name, strlen(am->name),
				    &addrmods.next, &made);
				if (made) {
					addrmods.ids = xreallocarray(addrmods.ids, addrmods.next,
					    sizeof(*addrmods.ids));
					addrmods.ids[mi] = pprof_writer_mapping(w, am->path, am->build_id,
					    0, UINT64_MAX, 0);
				}
				locs[nl++] = pprof_writer_location(w, addrmods.ids[mi], off, NULL, 0);
				a = b;
				continue;
			}
			while (b > 0 && frame_annotation(&fr[b].fp) == 'i' &&
			    fr[b].fp.module_len == fr[b - 1].fp.module_len &&
			    memcmp(fr[b].fp.module, fr[b - 1].fp.module, fr[b].fp.module_len) == 0)
				b--;
			for (size_t j = a; j-- > b;) {
				const struct frame_parts *q = &fr[j].fp;
				size_t flen;
				int64_t line = line_of(q->loc, q->loc_len, &flen);
				if (j == b && q->suffix_len > 0) {
					/* the frame's own annotation stays in its name */
					char *nm = xmalloc(q->name_len + q->suffix_len);
					memcpy(nm, q->name, q->name_len);
					memcpy(nm + q->name_len, q->suffix, q->suffix_len);
					lines[k].function = pprof_writer_function(w, nm,
					    q->name_len + q->suffix_len, q->loc, flen);
					free(nm);
				} else {
					lines[k].function = pprof_writer_function(w, q->name, q->name_len,
					    q->loc, flen);
				}
				lines[k].line = line;
				k++;
			}
			uint64_t map;
			const struct frame_parts *q = &fr[b].fp;
			if (q->module_len == 0) {
				/* A mapping without a file, its functions known:
				 * else pprof makes one up and warns that the main
				 * binary has no file name. */
				if (nomod == 0)
					nomod = pprof_writer_mapping(w, "", NULL, 0, 0, 0);
				map = nomod;
			} else {
				int made;
				map = intern(&mods.head, q->module, q->module_len, &mods.next, &made);
				if (made) {
					char *mod = xmemdup(q->module, q->module_len);
					mods.ids = xreallocarray(mods.ids, mods.next, sizeof(*mods.ids));
					mods.ids[map] = pprof_writer_mapping(w, mod, NULL, 0, 0, 0);
					free(mod);
				}
				map = mods.ids[map];
			}
			locs[nl++] = pprof_writer_location(w, map, 0, lines, k);
			a = b;
		}
		writer_sample(w, locs, nl, values);
	}
	{
		struct keyed *k, *tmp;
		HASH_ITER(hh, mods.head, k, tmp) { HASH_DEL(mods.head, k); free(k); }
		free(mods.ids);
		HASH_ITER(hh, addrmods.head, k, tmp) { HASH_DEL(addrmods.head, k); free(k); }
		free(addrmods.ids);
	}
	free(fr);
	free(locs);
	free(lines);
	if (ret < 0) {
		pprof_writer_free(w);
		return -1;
	}
	return pprof_writer_finish(w, fp, err, errlen);
}

void
pprof_modules_add(void *ctx, const char *name, const char *path, const unsigned char *id,
    size_t idlen)
{
	struct pprof_modules *ms = ctx;
	char *hex = NULL;

	if (idlen > 0) {
		hex = xmalloc(2 * idlen + 1);
		for (size_t i = 0; i < idlen; i++)
			snprintf(hex + 2 * i, 3, "%02x", id[i]);
	}
	ms->v = xreallocarray(ms->v, ms->n + 1, sizeof(*ms->v));
	ms->v[ms->n++] = (struct pprof_module){ xstrdup(name), xstrdup(path), hex };
}

void
pprof_modules_free(struct pprof_modules *ms)
{
	for (size_t i = 0; i < ms->n; i++) {
		free((char *)ms->v[i].name);
		free((char *)ms->v[i].path);
		free((char *)ms->v[i].build_id);
	}
	free(ms->v);
	ms->v = NULL;
	ms->n = 0;
}
