/*
 * benchbuiltin: the built-ins as prof-bench uses them (--builtin): a name
 * checked, the list, a run added to results.  Apart from benchbuiltin.c,
 * which its tests build on its own, without the results model.
 */
#include "bench/benchbuiltin.h"

#include <stdio.h>
#include <stdlib.h>

#include "bench/bench.h"
#include "core/arg.h"
#include "core/util.h"

void
benchbuiltin_check_name(const char *name, const char *opt)
{
	const char *const *names = benchbuiltin_names();
	const char **choices;
	size_t n = 0;

	while (names[n])
		n++;
	choices = xreallocarray(NULL, n + 2, sizeof *choices);
	for (size_t i = 0; i < n; i++)
		choices[i] = names[i];
	choices[n] = "list";
	choices[n + 1] = NULL;
	arg_choice(name, choices, "a built-in", opt);
	free(choices);
}

void
benchbuiltin_list(FILE *fp)
{
	for (const char *const *n = benchbuiltin_names(); *n; n++)
		fprintf(fp, "%-20s %s\n", *n, benchbuiltin_about(*n));
}

int
benchbuiltin_bench(const char *name, const struct benchbuiltin_opts *o, struct bench_results *results)
{
	struct benchbuiltin_result mr;
	struct bench_entry *b;
	char label[128];

	if (benchbuiltin_run(name, o, &mr) < 0)
		return -1;
	snprintf(label, sizeof label, "builtin:%s", name);
	b = bench_add(results, label, label);
	b->unit = "s/op";
	for (size_t i = 0; i < mr.nbatch; i++) {
		struct bench_run run = bench_run_unset();
		run.value = mr.batch_ns[i] * 1e-9;
		run.exit_code = 0;
		bench_push(b, &run);
	}
	b->ops = mr.ops;
	b->ops_per_s = mr.ops_per_s;
	b->throughput = mr.ops_per_s;
	b->allocs_per_op = mr.allocs_per_op;
	b->bytes_per_op = mr.bytes_per_op;
	b->concurrency = o && o->concurrency > 0 ? o->concurrency : 1;
	benchbuiltin_result_free(&mr);
	return 0;
}
