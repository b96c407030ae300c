/*
 * fuzz-agentread: the agent's stream (lib/record/agentread), which comes
 * from the profiled program and so is untrusted.  Properties: no crash,
 * hang or leak on any bytes; the stream read whole and read in pieces
 * (of sizes the input's first byte picks) gives the same stats and the
 * same stacks and counts in every view; no count is negative; the stats
 * add up (an image unfinished is an image).  The stream's maps name files
 * that the reader opens (regular files only): a corpus should name none
 * that matter.
 */
#include <stdlib.h>
#include <string.h>

#include "folded/stacktable.h"
#include "record/agentread.h"
#include "fuzz.h"

static struct agentread *
read_stream(const uint8_t *data, size_t size, size_t piece)
{
	struct agentread *a = agentread_new(&(struct agentread_opts){
		.name = { .pid = 1, .inline_frames = 1 }, .max_stack = 0 });

	for (size_t off = 0; off < size; off += piece)
		agentread_feed(a, data + off, size - off < piece ? size - off : piece);
	agentread_end(a);
	return a;
}

static void
same_view(struct agentread *a, struct agentread *b, int view)
{
	struct stacktable *ta = stacktable_new(), *tb = stacktable_new();
	struct stacktable_entry **va, **vb;
	size_t na, nb;

	agentread_view(a, view, ta);
	agentread_view(b, view, tb);
	va = stacktable_sorted(ta, &na);
	vb = stacktable_sorted(tb, &nb);
	if (na != nb)
		fuzz_fail("%s: %zu stacks read whole, %zu in pieces",
		    agentread_view_names[view], na, nb);
	for (size_t i = 0; i < na; i++) {
		fuzz_assert(va[i]->len == vb[i]->len && memcmp(va[i]->key, vb[i]->key, va[i]->len) == 0);
		if (va[i]->n[0] != vb[i]->n[0])
			fuzz_fail("%s: %s read whole, %s in pieces", agentread_view_names[view],
			    fuzz_count(va[i]->n[0], 0), fuzz_count(vb[i]->n[0], 1));
		fuzz_assert(va[i]->n[0] >= 0);
	}
	free(va);
	free(vb);
	stacktable_free(ta);
	stacktable_free(tb);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct agentread *whole, *parts;
	struct agentread_stats sw, sp;
	size_t piece;

	if (size < 1)
		return 0;
	piece = 1 + data[0] % 61 * 67;
	data++, size--;
	whole = read_stream(data, size, size ? size : 1);
	parts = read_stream(data, size, piece);
	agentread_get_stats(whole, &sw);
	agentread_get_stats(parts, &sp);
	fuzz_assert(memcmp(&sw, &sp, sizeof(sw)) == 0);
	fuzz_assert(sw.unfinished <= sw.images && sw.sampled <= sw.images &&
	    sw.nounwind <= sw.images);
	for (int v = 0; v < AGENTREAD_NVIEWS; v++)
		same_view(whole, parts, v);
	agentread_free(whole);
	agentread_free(parts);
	return 0;
}
