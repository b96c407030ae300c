#include "flame/flame.h"

#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/util.h"
#include "folded/meta.h"
#include "folded/stacktable.h"
#include "folded/stream.h"

count_t
flame_cut_count(const struct flame_cut *c, count_t total)
{
	if (c->pct > 0)
		return (count_t)((double)total * c->pct / 100);
	if (c->px > 0)
		return (count_t)((double)total * c->px / (c->width - 20 > 1 ? c->width - 20 : 1));
	return 0;
}

struct flame *
flame_from_table(struct stacktable *t, int diff, int flags, const struct flame_cut *c)
{
	size_t n;
	struct stacktable_entry **v = stacktable_sorted(t, &n);
	struct flame *f;
	/* the width count's total is known before the tree is built, so
	 * that frames too narrow are dropped as they are added */
	int wi = diff && !(flags & FLAME_NEGATE) ? 1 : 0;

	flame_sort(v, n);
	f = flame_new(flags | FLAME_SORTED, diff);
	flame_set_cut(f, flame_cut_count(c, t->total[wi]));
	for (size_t i = 0; i < n; i++)
		flame_add(f, v[i]->key, v[i]->len, v[i]->n);
	free(v);
	return f;
}

/* Adds the stacks of one input to *f, made at the first stack. */
static void
chart_input(struct flame **f, int flags, int fd, const char *name, struct meta *meta)
{
	struct stream fs;
	struct folded_line fl;

	stream_open(&fs, fd, name, *f ? ((*f)->diff ? FOLDED_DIFF : FOLDED_SINGLE) : FOLDED_UNKNOWN);
	while (stream_next(&fs, &fl) > 0) {
		if (*f == NULL)
			*f = flame_new(flags, fs.kind == FOLDED_DIFF);
		flame_add(*f, fl.stack, fl.len, fl.n);
	}
	meta_update(meta, &fs.meta);
	stream_close(&fs);
}

struct flame *
flame_chart(int flags, int n, char *const files[], struct meta *meta, int *status)
{
	struct flame *f = NULL;

	*status = EXIT_OK;
	for (int i = 0; i < (n ? n : 1); i++) {
		const char *name = n ? files[i] : "-";
		int fd = 0, std = strcmp(name, "-") == 0;

		if (!std && (fd = open(name, O_RDONLY)) < 0) {
			warn("%s: cannot open:", name);
			*status = EXIT_USAGE;
			continue;
		}
		chart_input(&f, flags, fd, std ? "stdin" : name, meta);
		if (!std)
			close(fd);
	}
	return f != NULL ? f : flame_new(flags, 0);
}
