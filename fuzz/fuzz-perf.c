/*
 * fuzz-perf: the text of `perf script`, parsed line by line (lib/input/perf) as
 * one parser does, and read whole by prof-fold's reader (lib/input/input,
 * which splits it at blank lines among parsers).  The first byte picks the
 * options (--pid, --tid, --kernel, --jit, --addrs, period counts); --inline
 * is left out, since it reads the binaries named in the input.
 *
 * Properties: every sample read is counted (without periods the table's
 * total is the number of samples), the table's entries
 * sum to its totals, and the whole-input reader gets the same totals and
 * the same number of unreadable lines as the line-by-line parser, and
 * refuses the input as no profile exactly when those lines outnumber the
 * samples as input.h says.
 */
#include <string.h>
#include <unistd.h>

#include "folded/stacktable.h"
#include "fuzz.h"
#include "input/input.h"
#include "input/perf.h"

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct perf_opts o = { 0 };
	struct perf_parser p;
	struct stacktable *tab;
	struct input g = { 0 };
	uint64_t bad = 0;
	count_t sum = 0;
	int fd;

	if (size < 1)
		return 0;
	o.pid = data[0] & 1;
	o.tid = data[0] >> 1 & 1;
	o.kernel = data[0] >> 2 & 1;
	o.jit = data[0] >> 3 & 1;
	o.addrs = data[0] >> 4 & 1;
	o.period = data[0] >> 5 & 1;
	data++;
	size--;
	/* Periods of more than 18 digits could overflow the table's sum,
	 * which dies (as documented): then count samples instead. */
	for (size_t i = 0, run = 0; i < size && o.period; i++)
		if ((run = data[i] >= '0' && data[i] <= '9' ? run + 1 : 0) > 18)
			o.period = 0;

	tab = stacktable_new();
	perf_init(&p, &o, NULL, tab);
	for (const char *s = (const char *)data, *end = s + size; s < end; ) {
		const char *nl = memchr(s, '\n', (size_t)(end - s));
		size_t n = nl ? (size_t)(nl - s) : (size_t)(end - s);

		if (perf_line(&p, s, n) != NULL)
			bad++;
		s = nl ? nl + 1 : end;
	}
	perf_finish(&p);
	for (struct stacktable_entry *e = tab->head; e != NULL; e = e->hh.next)
		fuzz_assert(count_add(&sum, e->n[0]) == 0);
	if (sum != tab->total[0])
		fuzz_fail("the entries sum to %s, the table's total is %s", fuzz_count(sum, 0),
		    fuzz_count(tab->total[0], 1));
	if (!o.period && tab->total[0] != (count_t)p.samples * COUNT_ONE)
		fuzz_fail("%llu samples, total %s", (unsigned long long)p.samples,
		    fuzz_count(tab->total[0], 0));

	/* gzip's magic number makes any input a pprof profile (fuzz-pprof) */
	if (size >= 2 && data[0] == 0x1f && data[1] == 0x8b) {
		perf_free(&p);
		stacktable_free(tab);
		return 0;
	}
	fd = fuzz_fd(data, size);
	g.format = INPUT_PERF;
	g.jobs = 1;
	g.perf = &o;
	input_init(&g);
	int refuse = bad > 0 && bad / INPUT_NOT_A_PROFILE >= p.samples + p.filtered;
	if ((input_fd(&g, fd, "fuzz") < 0) != refuse)
		fuzz_fail("input_fd %s the input: %llu bad lines, %llu samples, %llu of other events",
		    refuse ? "read" : "refused", (unsigned long long)bad,
		    (unsigned long long)p.samples, (unsigned long long)p.filtered);
	close(fd);
	if (g.tab->total[0] != tab->total[0])
		fuzz_fail("input total %s, the parser's %s", fuzz_count(g.tab->total[0], 0),
		    fuzz_count(tab->total[0], 1));
	if (g.bad_lines != bad)
		fuzz_fail("input counted %llu bad lines, the parser %llu",
		    (unsigned long long)g.bad_lines, (unsigned long long)bad);
	input_free(&g);
	perf_free(&p);
	stacktable_free(tab);
	return 0;
}
