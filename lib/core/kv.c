#include "core/kv.h"

#include <stdlib.h>
#include <string.h>

#include "core/util.h"

const char *
kv_get(const struct kv *l, const char *key)
{
	for (size_t i = 0; i < l->n; i++)
		if (strcmp(l->items[i].key, key) == 0)
			return l->items[i].value;
	return NULL;
}

void
kv_set(struct kv *l, const char *key, const char *value)
{
	for (size_t i = 0; i < l->n; i++)
		if (strcmp(l->items[i].key, key) == 0) {
			char *v = xstrdup(value);
			free(l->items[i].value);
			l->items[i].value = v;
			return;
		}
	l->items = xreallocarray(l->items, l->n + 1, sizeof(*l->items));
	l->items[l->n].key = xstrdup(key);
	l->items[l->n].value = xstrdup(value);
	l->n++;
}

void
kv_del(struct kv *l, const char *key)
{
	for (size_t i = 0; i < l->n; i++)
		if (strcmp(l->items[i].key, key) == 0) {
			free(l->items[i].key);
			free(l->items[i].value);
			memmove(&l->items[i], &l->items[i + 1], (l->n - i - 1) * sizeof(*l->items));
			l->n--;
			return;
		}
}

void
kv_free(struct kv *l)
{
	for (size_t i = 0; i < l->n; i++) {
		free(l->items[i].key);
		free(l->items[i].value);
	}
	free(l->items);
	l->items = NULL;
	l->n = 0;
}
