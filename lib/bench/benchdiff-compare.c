#include "bench/benchdiff.h"

#include <stdlib.h>

#include "core/arg.h"
#include "core/outfile.h"
#include "core/table.h"
#include "core/util.h"

/* Names the benchmarks that fail the gate; returns their number. */
static size_t
gate(const struct benchdiff *d, double pct)
{
	size_t n, *rows = benchdiff_regressed(d, pct, &n);

	if (n > 0) {
		fprintf(stderr, "%s: significantly slower by more than %g%%: ", util_prog, pct);
		for (size_t i = 0; i < n; i++) {
			const struct benchdiff_row *r = &d->rows[rows[i]];

			fprintf(stderr, "%s%s (%+.*f%%, p = %.3g)", i ? ", " : "", r->name,
			    arg_decimals(r->delta_pct, pct), r->delta_pct, r->mwu.p);
		}
		fputc('\n', stderr);
	}
	free(rows);
	return n;
}

int
benchdiff_compare(const struct benchdiff_opts *o, int fd[2], const char *name[2])
{
	struct bench_results *r[2] = { NULL, NULL };
	int status = EXIT_OK;

	for (int i = 0; i < 2; i++) {
		FILE *fp = fdopen(fd[i], "r");

		if (fp == NULL)
			die("%s: cannot read:", name[i]);
		r[i] = bench_read(fp, name[i]);
		fclose(fp);
		fd[i] = -1;
		if (r[i] == NULL)
			status = EXIT_USAGE;
	}
	/* On an error, no output rather than a partial one. */
	if (status == EXIT_OK) {
		struct benchdiff *d = benchdiff_new(r[0], r[1], o->alpha);
		struct outfile *of = outfile_open(o->ofile);
		int color, width;

		table_terminal(o->ofile, "auto", &color, &width);
		benchdiff_write(d, outfile_fp(of), o->format, color, width);
		if (outfile_commit(of) < 0)
			status = EXIT_FINDING;
		if (o->gate && gate(d, o->fail_above) > 0)
			status = EXIT_FINDING;
		benchdiff_free(d);
	}
	for (int i = 0; i < 2; i++)
		if (r[i] != NULL)
			bench_free(r[i]);
	return status;
}
