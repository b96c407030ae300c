#define _GNU_SOURCE
#include "folded/transform.h"

#include <stdlib.h>
#include <string.h>

#include "core/util.h"
#include "folded/frame.h"

static int
is_hex(unsigned char c)
{
	return (c >= '0' && c <= '9') || ((c | 0x20) >= 'a' && (c | 0x20) <= 'f');
}

int
transform_active(const struct transform_opts *o)
{
	return o->strip_addrs || o->collapse_recursion || o->focus || o->ignore || o->hide ||
	    o->depth > 0 || o->scale;
}

size_t
transform_strip_frame(const char *f, size_t n, char *out)
{
	size_t i = 0, k = 0;

	for (i = 0; i < n;) {
		/* "+0xHEX": an offset into the symbol */
		if (f[i] == '+' && i + 3 < n && f[i + 1] == '0' && (f[i + 2] | 0x20) == 'x' &&
		    is_hex((unsigned char)f[i + 3])) {
			for (i += 3; i < n && is_hex((unsigned char)f[i]); i++)
				;
			continue;
		}
		/* " <HEX>" or " <0xHEX>": the address prof-fold --addrs adds */
		if (f[i] == ' ' && i + 2 < n && f[i + 1] == '<') {
			size_t j = i + 2;
			if (j + 1 < n && f[j] == '0' && (f[j + 1] | 0x20) == 'x')
				j += 2;
			size_t d = j;
			while (j < n && is_hex((unsigned char)f[j]))
				j++;
			if (j > d && j < n && f[j] == '>') {
				i = j + 1;
				continue;
			}
		}
		/* any other "0xHEX" becomes "0x..." */
		if (f[i] == '0' && i + 2 < n && (f[i + 1] | 0x20) == 'x' && is_hex((unsigned char)f[i + 2]) &&
		    (i == 0 || !is_hex((unsigned char)f[i - 1]))) {
			size_t j = i + 2;
			while (j < n && is_hex((unsigned char)f[j]))
				j++;
			if (j - i >= 5) {
				memcpy(out + k, "0x...", 5);
				k += 5;
				i = j;
				continue;
			}
		}
		out[k++] = f[i++];
	}
	return k;
}

/* A frame as the filters see it: its parts (frame_match). */
static int
frame_matches(const regex_t *re, const char *f, size_t n, char *scratch)
{
	struct frame_parts p;

	frame_split(f, n, &p);
	return frame_match(re, &p, scratch);
}

struct stacktable *
transform_apply(struct stacktable *t, const struct transform_opts *o)
{
	struct stacktable *out;
	struct stacktable_entry *e, *tmp;
	char *buf = NULL, *scratch = NULL;
	size_t cap = 0;

	if (!transform_active(o))
		return t;
	out = stacktable_new();
	HASH_ITER(hh, t->head, e, tmp) {
		const char *s = e->key, *end = e->key + e->len;
		size_t len = 0;
		long kept = 0;
		int want = o->focus == NULL, unwanted = 0;
		const char *prev = NULL;
		size_t prevlen = 0;

		if (cap < e->len + 1) {
			cap = e->len + 1;
			buf = xrealloc(buf, cap);
			scratch = xrealloc(scratch, cap);
		}
		for (;;) {
			const char *semi = memchr(s, ';', (size_t)(end - s));
			size_t n = semi ? (size_t)(semi - s) : (size_t)(end - s);
			char *f = buf + len + (kept > 0);
			size_t fn;

			if (o->strip_addrs)
				fn = transform_strip_frame(s, n, f);
			else
				fn = n, memmove(f, s, n);
			if (o->focus && !want && frame_matches(o->focus, f, fn, scratch))
				want = 1;
			if (o->ignore && !unwanted && frame_matches(o->ignore, f, fn, scratch))
				unwanted = 1;
			if (o->hide && frame_matches(o->hide, f, fn, scratch))
				goto next;
			if (o->collapse_recursion && prev != NULL && prevlen == fn && memcmp(prev, f, fn) == 0)
				goto next;
			/* Frames past the depth still count for focus and ignore. */
			if (o->depth == 0 || kept < o->depth) {
				if (kept > 0)
					buf[len++] = ';';
				len += fn;
				kept++;
				prev = buf + len - fn;
				prevlen = fn;
			}
		next:
			if (semi == NULL)
				break;
			s = semi + 1;
		}
		if (!want || unwanted || kept == 0)
			continue;
		count_t n[2] = { e->n[0], e->n[1] };
		if (o->scale)
			for (int i = 0; i < 2; i++)
				if (count_mul(n[i], o->factor, &n[i]) < 0)
					die("--scale: count overflow");
		stacktable_add(out, buf, len, n);
	}
	free(buf);
	free(scratch);
	stacktable_free(t);
	return out;
}

struct stacktable *
transform_reverse(struct stacktable *t)
{
	struct stacktable *r = stacktable_new();
	struct stacktable_entry *e, *tmp;
	char *buf = NULL;
	size_t cap = 0;

	HASH_ITER(hh, t->head, e, tmp) {
		const char *end = e->key + e->len;
		size_t k = 0;

		if (e->len + 1 > cap)
			buf = xrealloc(buf, cap = e->len + 1);
		for (;;) {
			const char *semi = end;

			while (semi > e->key && semi[-1] != ';')
				semi--;
			memcpy(buf + k, semi, (size_t)(end - semi));
			k += (size_t)(end - semi);
			if (semi == e->key)
				break;
			buf[k++] = ';';
			end = semi - 1;
		}
		stacktable_add(r, buf, k, e->n);
	}
	free(buf);
	stacktable_free(t);
	return r;
}
