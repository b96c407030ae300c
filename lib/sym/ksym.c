#include "sym/ksym.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/util.h"

struct ksym {
	uint64_t addr;
	char *name;
};

struct ksym_table {
	struct ksym *v;
	size_t n;
};

static int
cmp(const void *a, const void *b)
{
	const struct ksym *x = a, *y = b;

	return (x->addr > y->addr) - (x->addr < y->addr);
}

struct ksym_table *
ksym_load(const char *path)
{
	struct ksym_table *t = xcalloc(1, sizeof(*t));
	FILE *fp = fopen(path ? path : "/proc/kallsyms", "r");
	char line[512];
	size_t cap = 0;

	if (fp == NULL)
		return t;
	while (fgets(line, sizeof(line), fp) != NULL) {
		unsigned long long addr;
		char type, name[256];

		if (sscanf(line, "%llx %c %255s", &addr, &type, name) != 3 || addr == 0)
			continue;
		/* Only code: data symbols would name addresses in the gaps. */
		if (type != 't' && type != 'T' && type != 'w' && type != 'W')
			continue;
		if (t->n == cap) {
			cap = cap ? cap * 2 : 65536;
			t->v = xreallocarray(t->v, cap, sizeof(*t->v));
		}
		t->v[t->n++] = (struct ksym){ addr, xstrdup(name) };
	}
	fclose(fp);
	qsort(t->v, t->n, sizeof(*t->v), cmp);
	return t;
}

const char *
ksym_name(const struct ksym_table *t, uint64_t addr)
{
	size_t lo = 0, hi = t->n;

	if (t->n == 0 || addr < t->v[0].addr)
		return NULL;
	while (hi - lo > 1) {
		size_t mid = lo + (hi - lo) / 2;
		if (t->v[mid].addr <= addr)
			lo = mid;
		else
			hi = mid;
	}
	return t->v[lo].name;
}

void
ksym_free(struct ksym_table *t)
{
	if (t == NULL)
		return;
	for (size_t i = 0; i < t->n; i++)
		free(t->v[i].name);
	free(t->v);
	free(t);
}
