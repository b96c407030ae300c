#include "record/stackname.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/util.h"
#include "folded/folded.h"

static void
room(struct stackname_buf *b, size_t n)
{
	if (b->len + n > b->cap) {
		if (b->len + n < b->len)
			die("stack name too long");
		b->cap = (b->len + n) * 2 + 256;
		b->s = xrealloc(b->s, b->cap);
	}
}

void
stackname_put(struct stackname_buf *b, const char *s, size_t n)
{
	room(b, n);
	memcpy(b->s + b->len, s, n);
	b->len += n;
}

void
stackname_put_name(struct stackname_buf *b, const char *s)
{
	size_t n = strlen(s);

	room(b, n);
	folded_name(b->s + b->len, s, n);
	b->len += n;
}

void
stackname_root(struct stackname_buf *b, const char *comm, int pid, int tid,
    const struct stackname_opts *o)
{
	size_t start = b->len, i;
	char num[32];

	stackname_put_name(b, comm != NULL && *comm != '\0' ? comm : "[unknown]");
	for (i = start; i < b->len; i++)
		if (b->s[i] == ' ')
			b->s[i] = '_';
	if (o->tid)
		stackname_put(b, num, (size_t)snprintf(num, sizeof(num), "-%d/%d", pid, tid));
	else if (o->pid)
		stackname_put(b, num, (size_t)snprintf(num, sizeof(num), "-%d", pid));
}

/*
 * A frame nothing names: a guess from a stripped file's exports, marked
 * with "?"; with addrs, the place in the file instead; else the module.
 */
static void
unnamed(struct stackname_buf *b, struct unwind_proc *p, uint64_t pc,
    int is_return, const char *module, const struct stackname_opts *o)
{
	struct sym_place pl;
	char num[32];

	if (module != NULL && unwind_locate(p, pc, is_return, &pl)) {
		if (o->addrs) {
			stackname_put(b, ";", 1);
			stackname_put_name(b, module);
			stackname_put(b, num, (size_t)snprintf(num, sizeof(num),
			    "+0x%llx", (unsigned long long)pl.offset));
			return;
		}
		if (pl.near != NULL) {
			stackname_put(b, ";", 1);
			stackname_put_name(b, pl.near);
			stackname_put(b, num, (size_t)snprintf(num, sizeof(num),
			    "+0x%llx?", (unsigned long long)pl.near_off));
			return;
		}
	}
	stackname_put(b, ";[", 2);
	stackname_put_name(b, module ? module : "unknown");
	stackname_put(b, "]", 1);
}

void
stackname_frames(struct stackname_buf *b, struct unwind_proc *p,
    const uint64_t *pcs, int n, int first_return, const struct stackname_opts *o)
{
	const struct sym_frame *fr;
	const char *module;
	char num[32];
	int i, j, nf, ret;

	for (i = n - 1; i >= 0; i--) {
		module = NULL;
		ret = i >= first_return;
		nf = unwind_name(p, pcs[i], ret, o->inline_frames, &fr, &module);
		if (nf == 0) {
			unnamed(b, p, pcs[i], ret, module, o);
			continue;
		}
		for (j = 0; j < nf; j++) {
			stackname_put(b, ";", 1);
			stackname_put_name(b, fr[j].name);
			if (o->lines && fr[j].file != NULL) {
				stackname_put(b, "\t", 1);
				stackname_put_name(b, fr[j].file);
				if (fr[j].line > 0)
					stackname_put(b, num, (size_t)snprintf(num,
					    sizeof(num), ":%d", fr[j].line));
			}
			if (j > 0)
				stackname_put(b, "_[i]", 4);
		}
		if (module == unwind_jit_module)
			stackname_put(b, "_[j]", 4);
	}
}

void
stackname_buf_free(struct stackname_buf *b)
{
	free(b->s);
	b->s = NULL;
	b->len = b->cap = 0;
}
