/* plan: the plan's texts (spans of prose and code) and lists.  See plan.h. */
#define _GNU_SOURCE
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "core/util.h"
#include "plan/plan.h"

static void
text_vadd(struct plan_text *t, int kind, const char *fmt, va_list ap)
{
	struct plan_span *last = t->n > 0 ? &t->v[t->n - 1] : NULL;
	char *s = xvasprintf(fmt, ap), *j;

	if (kind == PLAN_SPAN_PROSE && *s == '\0') {
		free(s);
		return;
	}
	if (kind == PLAN_SPAN_PROSE && last != NULL && last->kind == PLAN_SPAN_PROSE) {
		j = xasprintf("%s%s", last->s, s);
		free(last->s);
		free(s);
		last->s = j;
		return;
	}
	if (t->n == t->cap) {
		t->cap = t->cap ? 2 * t->cap : 4;
		t->v = xreallocarray(t->v, t->cap, sizeof(*t->v));
	}
	t->v[t->n].kind = kind;
	t->v[t->n++].s = s;
}

void
plan_text_add(struct plan_text *t, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	text_vadd(t, PLAN_SPAN_PROSE, fmt, ap);
	va_end(ap);
}

void
plan_text_code(struct plan_text *t, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	text_vadd(t, PLAN_SPAN_CODE, fmt, ap);
	va_end(ap);
}

char *
plan_text_plain(const struct plan_text *t)
{
	size_t len = 0;
	char *s, *o;

	for (size_t i = 0; i < t->n; i++)
		len += strlen(t->v[i].s);
	s = o = xmalloc(len + 1);
	for (size_t i = 0; i < t->n; i++)
		o = stpcpy(o, t->v[i].s);
	*o = '\0';
	return s;
}

/* A reader of a text's plain bytes, span after span. */
struct cursor {
	const struct plan_text *t;
	size_t span;
	const char *p;
};

static unsigned char
next(struct cursor *c)
{
	while (c->p == NULL || *c->p == '\0') {
		if (c->span == c->t->n)
			return '\0';
		c->p = c->t->v[c->span++].s;
	}
	return (unsigned char)*c->p++;
}

int
plan_text_cmp(const struct plan_text *a, const struct plan_text *b)
{
	struct cursor x = { a, 0, NULL }, y = { b, 0, NULL };
	unsigned char p, q;

	do {
		p = next(&x);
		q = next(&y);
	} while (p == q && p != '\0');
	return (p > q) - (p < q);
}

void
plan_text_free(struct plan_text *t)
{
	for (size_t i = 0; i < t->n; i++)
		free(t->v[i].s);
	free(t->v);
	memset(t, 0, sizeof(*t));
}

struct plan_text *
plan_texts_new(struct plan_texts *l)
{
	if (l->n == l->cap) {
		l->cap = l->cap ? 2 * l->cap : 8;
		l->v = xreallocarray(l->v, l->cap, sizeof(*l->v));
	}
	memset(&l->v[l->n], 0, sizeof(l->v[l->n]));
	return &l->v[l->n++];
}

void
plan_texts_free(struct plan_texts *l)
{
	for (size_t i = 0; i < l->n; i++)
		plan_text_free(&l->v[i]);
	free(l->v);
	memset(l, 0, sizeof(*l));
}

void
plan_strs_add(struct plan_strs *l, const char *fmt, ...)
{
	va_list ap;
	char *s;

	va_start(ap, fmt);
	s = xvasprintf(fmt, ap);
	va_end(ap);
	if (l->n == l->cap) {
		l->cap = l->cap ? 2 * l->cap : 8;
		l->v = xreallocarray(l->v, l->cap, sizeof(*l->v));
	}
	l->v[l->n++] = s;
}

void
plan_strs_free(struct plan_strs *l)
{
	for (size_t i = 0; i < l->n; i++)
		free(l->v[i]);
	free(l->v);
	memset(l, 0, sizeof(*l));
}
