#include "folded/meta.h"

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/util.h"

/*
 * A stream of several views (prof-record --type memory --view all)
 * changes its "view" between sections: their counts must not be summed,
 * nor the later view's lines win over the earlier's.
 */
static void
view_change(struct meta *m, const char *key, const char *value)
{
	const char *old;

	if (strcmp(key, "view") == 0 && (old = meta_get(m, "view")) != NULL &&
	    strcmp(old, value) != 0)
		m->conflict_unit = m->conflict_view = 1;
}

int
meta_parse(struct meta *m, const char *line, size_t len)
{
	const char *p = line, *end = line + len, *colon, *k0, *k1;
	char *key, *value;
	size_t vlen;

	/* trailing white space, as folded_parse skips it */
	while (end > p && (end[-1] == ' ' || (end[-1] >= '\t' && end[-1] <= '\r')))
		end--;
	if (p == end || *p != '#')
		return -1;
	p++;
	while (p < end && (*p == ' ' || *p == '\t'))
		p++;
	k0 = p;
	while (p < end && (*p == '_' || *p == '-' || (*p >= 'a' && *p <= 'z') ||
	    (*p >= 'A' && *p <= 'Z') || (*p >= '0' && *p <= '9')))
		p++;
	k1 = p;
	colon = p;
	if (k1 == k0 || colon >= end || *colon != ':')
		return -1;
	p = colon + 1;
	while (p < end && (*p == ' ' || *p == '\t'))
		p++;
	vlen = (size_t)(end - p);
	if (vlen >= 2 && p[0] == '"' && p[vlen - 1] == '"') {
		p++;
		vlen -= 2;
	}
	key = xmemdup(k0, (size_t)(k1 - k0));
	value = xmemdup(p, vlen);
	view_change(m, key, value);
	meta_set(m, key, value);
	free(key);
	free(value);
	return 0;
}

const char *
meta_get(const struct meta *m, const char *key)
{
	return kv_get(&m->list, key);
}

void
meta_set(struct meta *m, const char *key, const char *value)
{
	kv_set(&m->list, key, value);
}

void
meta_del(struct meta *m, const char *key)
{
	kv_del(&m->list, key);
}

void
meta_update(struct meta *dst, const struct meta *src)
{
	dst->conflict_unit |= src->conflict_unit;
	dst->conflict_view |= src->conflict_view;
	for (size_t i = 0; i < src->list.n; i++) {
		view_change(dst, src->list.items[i].key, src->list.items[i].value);
		kv_set(&dst->list, src->list.items[i].key, src->list.items[i].value);
	}
}

int
meta_samples(const char *v, unsigned long long *n)
{
	char *end;

	if (v == NULL || *v < '0' || *v > '9')
		return -1;
	errno = 0;
	*n = strtoull(v, &end, 10);
	if (errno != 0 || strcmp(end, " samples") != 0)
		return -1;
	return 0;
}

/* "ns" is a spelling of the unit "nanoseconds" (unit.h). */
static int
is_ns(const char *unit)
{
	return strcmp(unit, "ns") == 0 || strcmp(unit, "nanoseconds") == 0;
}

void
meta_merge(struct meta *dst, const struct meta *src, int first)
{
	if (src->conflict_unit)
		dst->conflict_unit = 1;
	if (src->conflict_view)
		dst->conflict_view = 1;
	if (first) {
		meta_update(dst, src);
		return;
	}
	for (size_t i = 0; i < dst->list.n;) {
		const char *key = dst->list.items[i].key;
		const char *v = meta_get(src, key);
		if (v != NULL && (strcmp(key, "samples") == 0 || strcmp(key, "lost") == 0)) {
			unsigned long long a, b;
			/* prof-record's counts, which add up when profiles are summed */
			if (meta_samples(dst->list.items[i].value, &a) == 0 &&
			    meta_samples(v, &b) == 0 && a <= ULLONG_MAX - b) {
				char buf[64];
				snprintf(buf, sizeof(buf), "%llu samples", a + b);
				kv_set(&dst->list, key, buf);
				i++;
				continue;
			}
		}
		if (v != NULL && (strcmp(v, dst->list.items[i].value) == 0 ||
		    (strcmp(key, "unit") == 0 && is_ns(v) && is_ns(dst->list.items[i].value)))) {
			i++;
			continue;
		}
		/* an io profile's weight is what its unit counts (bytes, calls
		 * or time): summed, two weights are two units */
		if (v != NULL && (strcmp(key, "type") == 0 || strcmp(key, "unit") == 0 ||
		    strcmp(key, "weight") == 0))
			dst->conflict_unit = 1;
		if (v != NULL && strcmp(key, "view") == 0)
			dst->conflict_unit = dst->conflict_view = 1;
		meta_del(dst, key);
	}
}

void
meta_write(FILE *fp, const struct meta *m)
{
	for (size_t i = 0; i < m->list.n; i++) {
		const char *v = m->list.items[i].value;
		size_t n = strlen(v);
		/* flamegraph.pl reads a line ending in a number as a stack, and a
		 * quote at both ends would be taken off by the reader. */
		int quote = n > 0 && ((v[n - 1] >= '0' && v[n - 1] <= '9') ||
		    v[n - 1] == '.' || (v[0] == '"' && v[n - 1] == '"'));
		fprintf(fp, quote ? "# %s: \"%s\"\n" : "# %s: %s\n", m->list.items[i].key, v);
	}
}

void
meta_free(struct meta *m)
{
	kv_free(&m->list);
	m->conflict_unit = m->conflict_view = 0;
}

int
meta_conflict(const struct meta *m)
{
	if (m->conflict_view)
		warn("the input holds several views of a memory profile (see its '# view:' "
		    "lines): their counts cannot be summed; record one --view, or write "
		    "them to files with -o");
	else if (m->conflict_unit)
		warn("the inputs differ in type or unit (see their '# type:' and '# unit:' lines): "
		    "their counts cannot be summed");
	else
		return 0;
	return 1;
}
