#include "sym/ksym.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/util.h"

struct ksym {
	uint64_t addr;
	size_t name;                /* offset of the name in names */
};

/* A lookup already made: kernel stacks repeat the same few hundred
 * addresses (schedule, the system call paths), and a bisection of the
 * 100,000 symbols costs a cache miss a step. */
struct ksym_seen {
	uint64_t addr;
	const char *name;
};
enum { SEEN_BITS = 12 };

struct ksym_table {
	struct ksym *v;
	size_t n;
	char *names;                /* every name, NUL-terminated, one block */
	struct ksym_seen seen[1 << SEEN_BITS];
};

static int
cmp(const void *a, const void *b)
{
	const struct ksym *x = a, *y = b;

	return (x->addr > y->addr) - (x->addr < y->addr);
}

/* One line of /proc/kallsyms: "ADDR TYPE NAME [MODULE]".  Returns the
 * name's length (its start in *name), or 0 for a line that is not code. */
static size_t
parse(char *line, uint64_t *addr, char **name)
{
	char *s = line, *e;
	uint64_t a = 0;
	int digits = 0;

	for (;; s++, digits++) {
		int c = *s, d = c >= '0' && c <= '9' ? c - '0' :
		    c >= 'a' && c <= 'f' ? c - 'a' + 10 : c >= 'A' && c <= 'F' ? c - 'A' + 10 : -1;
		if (d < 0)
			break;
		if (digits == 16)
			return 0;
		a = a << 4 | (uint64_t)d;
	}
	if (digits == 0 || a == 0 || s[0] != ' ' || s[1] == '\0' || s[2] != ' ')
		return 0;
	/* Only code: data symbols would name addresses in the gaps. */
	if (strchr("tTwW", s[1]) == NULL)
		return 0;
	s += 3;
	for (e = s; *e != '\0' && *e != ' ' && *e != '\t' && *e != '\n'; e++)
		;
	if (e == s || e - s > 255)
		return 0;
	*addr = a;
	*name = s;
	return (size_t)(e - s);
}

struct ksym_table *
ksym_load(const char *path)
{
	struct ksym_table *t = xcalloc(1, sizeof(*t));
	FILE *fp = fopen(path ? path : "/proc/kallsyms", "r");
	char line[512], *name;
	size_t cap = 0, len, used = 0, room = 0;
	uint64_t addr;

	if (fp == NULL)
		return t;
	while (fgets(line, sizeof(line), fp) != NULL) {
		if ((len = parse(line, &addr, &name)) == 0)
			continue;
		if (t->n == cap) {
			cap = cap ? cap * 2 : 65536;
			t->v = xreallocarray(t->v, cap, sizeof(*t->v));
		}
		if (used + len + 1 > room) {
			room = room ? room * 2 : 1 << 21;
			t->names = xrealloc(t->names, room);
		}
		memcpy(t->names + used, name, len);
		t->names[used + len] = '\0';
		t->v[t->n++] = (struct ksym){ addr, used };
		used += len + 1;
	}
	fclose(fp);
	if (t->n > 1)
		qsort(t->v, t->n, sizeof(*t->v), cmp);
	return t;
}

const char *
ksym_name(struct ksym_table *t, uint64_t addr)
{
	struct ksym_seen *c = &t->seen[(addr ^ addr >> SEEN_BITS) & ((1 << SEEN_BITS) - 1)];
	size_t lo = 0, hi = t->n;

	if (c->addr == addr && addr != 0)
		return c->name;
	if (t->n == 0 || addr < t->v[0].addr)
		return NULL;
	while (hi - lo > 1) {
		size_t mid = lo + (hi - lo) / 2;
		if (t->v[mid].addr <= addr)
			lo = mid;
		else
			hi = mid;
	}
	c->addr = addr;
	c->name = t->names + t->v[lo].name;
	return c->name;
}

void
ksym_free(struct ksym_table *t)
{
	if (t == NULL)
		return;
	free(t->v);
	free(t->names);
	free(t);
}
