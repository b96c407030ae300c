/* traces: the heaviest whole stacks.  See traces.h. */
#define _GNU_SOURCE
#include "top/traces.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/count.h"
#include "core/util.h"
#include "core/xmlsafe.h"
#include "folded/frame.h"

static const struct table_col cols[] = {
	{ "count", "count", 1 }, { "pct", "%", 1 }, { "stack", "stack", 0 },
};

/* The order of the rows: the count shown (*which: 0, or 1 for a
 * differential's after), heaviest first, then the stack's bytes. */
static int
heavier(const void *a, const void *b, void *which)
{
	const struct stacktable_entry *x = *(struct stacktable_entry *const *)a;
	const struct stacktable_entry *y = *(struct stacktable_entry *const *)b;
	size_t n = x->len < y->len ? x->len : y->len;
	int traces_which = *(const int *)which, c;

	if (x->n[traces_which] != y->n[traces_which])
		return x->n[traces_which] > y->n[traces_which] ? -1 : 1;
	if ((c = memcmp(x->key, y->key, n)) != 0)
		return c;
	return (x->len > y->len) - (x->len < y->len);
}

/* The stack innermost frame first, frames apart by " < ", into a new
 * string of *n bytes (a name may hold NUL bytes); every frame, empty
 * ones too, so that two stacks never read the same; a frame's location
 * and module read as prof-flame's text shows them ("mix app.c:91 in
 * libx.so"), not with the format's tabs. */
static char *
leaf_first(const char *key, size_t len, size_t *n)
{
	/* each frame adds at most " < " and, for its two tabs, " in " */
	char *s = xmalloc(len * 4 + 8), *p = s;
	size_t end = len;

	for (;;) {
		size_t start = end;
		struct frame_parts fp;

		while (start > 0 && key[start - 1] != ';')
			start--;
		if (p != s || end < len) {
			memcpy(p, " < ", 3);
			p += 3;
		}
		frame_split(key + start, end - start, &fp);
		memcpy(p, fp.name, fp.name_len);
		p += fp.name_len;
		memcpy(p, fp.suffix, fp.suffix_len);
		p += fp.suffix_len;
		if (fp.loc_len > 0) {
			*p++ = ' ';
			memcpy(p, fp.loc, fp.loc_len);
			p += fp.loc_len;
		}
		if (fp.module_len > 0) {
			memcpy(p, " in ", 4);
			p += 4;
			memcpy(p, fp.module, fp.module_len);
			p += fp.module_len;
		}
		if (start == 0)
			break;
		end = start - 1;
	}
	*p = '\0';
	*n = (size_t)(p - s);
	return s;
}

void
traces_rows(struct table *t, struct stacktable *tab, const struct unit *u, int diff,
    size_t nrows)
{
	struct stacktable_entry **v;
	size_t n, shown;
	count_t total;
	char text[UNIT_BUFSZ], raw[COUNT_BUFSZ], pct[32], rawpct[32];

	int traces_which = diff ? 1 : 0;

	v = stacktable_sorted(tab, &n);
	qsort_r(v, n, sizeof(*v), heavier, &traces_which);
	/* a stack whose count is 0 (a differential's gone one) is no trace */
	while (n > 0 && v[n - 1]->n[traces_which] == 0)
		n--;
	total = tab->total[traces_which];
	shown = nrows == 0 || nrows > n ? n : nrows;
	table_note(t, "Showing the %zu heaviest of %zu stacks%s, innermost frame first.", shown,
	    n, diff ? " (after)" : "");
	table_section(t, "traces", NULL, cols, 3);
	for (size_t i = 0; i < shown; i++) {
		const struct stacktable_entry *e = v[i];
		char *lf, *key;
		size_t lflen;
		double p = total > 0 ? 100 * count_double(e->n[traces_which]) /
		    count_double(total) : 0;

		table_row(t, p >= 10 ? TABLE_RED : p >= 1 ? TABLE_YELLOW : TABLE_PLAIN);
		unit_show(u, e->n[traces_which], text);
		raw[count_format(e->n[traces_which], raw)] = '\0';
		table_cell(t, text, (size_t)-1, raw);
		snprintf(pct, sizeof(pct), "%.2f%%", p);
		snprintf(rawpct, sizeof(rawpct), "%.4f", p);
		table_cell(t, pct, (size_t)-1, rawpct);
		/* a name may hold any bytes, NUL too: the table cleans what it
		 * writes, and the raw stack goes to it cleaned whole */
		lf = leaf_first(e->key, e->len, &lflen);
		key = xmlsafe_cleandup(e->key, e->len, NULL);
		table_cell(t, lf, lflen, key);
		free(lf);
		free(key);
	}
	free(v);
}
