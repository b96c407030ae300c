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

struct flame_reader *
flame_reader_new(int reverse)
{
	struct flame_reader *r = xcalloc(1, sizeof(*r));

	r->tab = stacktable_flat_new();
	r->reverse = reverse;
	return r;
}

void
flame_reader_add(void *reader, const char *stack, size_t len, const count_t n[2])
{
	struct flame_reader *r = reader;
	const char *end = stack + len;
	size_t k = 0;

	if (!r->reverse) {
		stacktable_flat_add(r->tab, stack, len, n);
		return;
	}
	if (len + 1 > r->cap)
		r->buf = xrealloc(r->buf, r->cap = len + 1);
	for (;;) {
		const char *semi = end;

		while (semi > stack && semi[-1] != ';')
			semi--;
		memcpy(r->buf + k, semi, (size_t)(end - semi));
		k += (size_t)(end - semi);
		if (semi == stack)
			break;
		r->buf[k++] = ';';
		end = semi - 1;
	}
	stacktable_flat_add(r->tab, r->buf, k, n);
}

void
flame_reader_free(struct flame_reader *r)
{
	if (r == NULL)
		return;
	stacktable_flat_free(r->tab);
	free(r->buf);
	free(r);
}

/* Adds the stacks of one input to *f, made at the first stack.  Returns
 * -1 when the input could not be read (stream_next said why). */
static int
chart_input(struct flame **f, int flags, int fd, const char *name, struct meta *meta)
{
	struct stream fs;
	struct folded_line fl;
	int r;

	stream_open(&fs, fd, name, *f ? ((*f)->diff ? FOLDED_DIFF : FOLDED_SINGLE) : FOLDED_UNKNOWN);
	while ((r = stream_next(&fs, &fl)) > 0) {
		if (*f == NULL)
			*f = flame_new(flags, fs.kind == FOLDED_DIFF);
		flame_add(*f, fl.stack, fl.len, fl.n);
	}
	meta_update(meta, &fs.meta);
	stream_close(&fs);
	return r < 0 ? -1 : 0;
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
		if (chart_input(&f, flags, fd, std ? "stdin" : name, meta) < 0)
			*status = EXIT_USAGE;
		if (!std)
			close(fd);
	}
	if (meta->conflict_view) {
		warn("the input holds several views of a memory profile (see its '# view:' "
		    "lines): their counts cannot be summed; record one --view, or write "
		    "them to files with -o");
		*status = EXIT_USAGE;
	}
	return f != NULL ? f : flame_new(flags, 0);
}
