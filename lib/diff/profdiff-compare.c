#include "diff/profdiff.h"

#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/arg.h"
#include "core/outfile.h"
#include "core/table.h"
#include "core/util.h"
#include "diff/diffmerge.h"
#include "folded/folded.h"
#include "folded/meta.h"
#include "folded/unit.h"
#include "input/input.h"
#include "top/topfmt.h"

/* The keys copied from the inputs to the output when both have the same
 * value: they say what a count is. */
static const char *const kept_keys[] = { "frequency", "period", "event" };

/* The "# key: value" lines of the output. */
static void
diff_meta(struct meta *out, const struct meta *m0, const struct meta *m1,
    const char *before, const char *after)
{
	const char *u0 = meta_get(m0, "unit"), *u1 = meta_get(m1, "unit");

	meta_set(out, "type", "diff");
	if (u0 != NULL || u1 != NULL)
		meta_set(out, "unit", u0 ? u0 : u1);
	for (size_t i = 0; i < sizeof(kept_keys) / sizeof(kept_keys[0]); i++) {
		const char *v0 = meta_get(m0, kept_keys[i]), *v1 = meta_get(m1, kept_keys[i]);
		if (v0 != NULL && v1 != NULL && strcmp(v0, v1) == 0)
			meta_set(out, kept_keys[i], v0);
	}
	meta_set(out, "before", before);
	meta_set(out, "after", after);
}

/* Checks that the counts of the two inputs can be compared; returns
 * EXIT_OK or EXIT_USAGE after saying why not. */
static int
comparable(const int kind[2], const struct meta *m[2], const char *name[2], int normalize)
{
	int status = EXIT_OK;

	for (int i = 0; i < 2; i++)
		if (kind[i] == FOLDED_DIFF) {
			warn("%s: a differential profile (two counts a line): "
			    "prof-diff compares two profiles, give it the profiles before and after", name[i]);
			status = EXIT_USAGE;
		}
	/* No unit means samples (prof-folded(5)); "ns" is "nanoseconds".
	 * A type says what the counts are of: the nanoseconds of an offcpu
	 * profile are not those of an io one, nor the samples of a wall
	 * profile those of a cpu one.  Without a type, a profile is
	 * comparable with any of its unit, as it always was. */
	struct unit u[2];
	unit_from_meta(m[0], &u[0]);
	unit_from_meta(m[1], &u[1]);
	if (u[0].type_name != NULL && u[1].type_name != NULL &&
	    strcmp(u[0].type_name, u[1].type_name) != 0) {
		warn("the inputs are profiles of different types (%s, in %s; %s, in %s): "
		    "%s and %s counts measure different things and cannot be compared",
		    u[0].type_name, u[0].name, u[1].type_name, u[1].name, u[0].type_name,
		    u[1].type_name);
		status = EXIT_USAGE;
	} else if (!unit_same(&u[0], &u[1])) {
		warn("the inputs differ in unit (%s, %s): their counts cannot be compared",
		    u[0].name, u[1].name);
		status = EXIT_USAGE;
	} else if (m[0]->conflict_view || m[1]->conflict_view) {
		warn("%s holds several views of a memory profile (see its '# view:' lines): "
		    "compare one view with one", name[m[0]->conflict_view ? 0 : 1]);
		status = EXIT_USAGE;
	} else if (meta_get(m[0], "view") != NULL && meta_get(m[1], "view") != NULL &&
	    strcmp(meta_get(m[0], "view"), meta_get(m[1], "view")) != 0) {
		warn("the inputs are different views (%s, %s): their counts cannot be compared",
		    meta_get(m[0], "view"), meta_get(m[1], "view"));
		status = EXIT_USAGE;
	} else if (meta_get(m[0], "weight") != NULL && meta_get(m[1], "weight") != NULL &&
	    strcmp(meta_get(m[0], "weight"), meta_get(m[1], "weight")) != 0) {
		warn("the inputs differ in weight (%s, %s): their counts cannot be compared",
		    meta_get(m[0], "weight"), meta_get(m[1], "weight"));
		status = EXIT_USAGE;
	}
	if (status != EXIT_OK || normalize)
		return status;
	for (int k = 0; k < 2; k++) {
		const char *key = k == 0 ? "frequency" : "period";
		const char *keys = k == 0 ? "frequencies" : "periods";
		const char *v0 = meta_get(m[0], key), *v1 = meta_get(m[1], key);
		if (v0 != NULL && v1 != NULL && strcmp(v0, v1) != 0) {
			warn("the inputs were sampled with different %s (%s, %s): "
			    "their sample counts are not comparable; -n scales BEFORE to AFTER's total",
			    keys, v0, v1);
			break;
		}
	}
	return status;
}

/* Says which rows grew more than the gate allows; returns their number. */
static size_t
gate(const struct top *tp, const struct profdiff_opts *o)
{
	enum { SHOWN = 10 };
	size_t n, *rows = profdiff_grown(tp, o->fail_above, o->cum, &n);

	if (n > 0) {
		fprintf(stderr, "%s: share of the total grew by more than %g points (by %s): ",
		    util_prog, o->fail_above, o->cum ? "cum" : "flat");
		for (size_t i = 0; i < n && i < SHOWN; i++) {
			const struct top_row *r = &tp->rows[rows[i]];
			const count_t *c = o->cum ? r->cum : r->flat;
			double a = top_pct(tp, c[0], 0), b = top_pct(tp, c[1], 1);
			int d = arg_decimals(b - a, o->fail_above);

			fprintf(stderr, "%s%.*s (+%.*f points, %.*f%% -> %.*f%%)", i ? ", " : "",
			    (int)r->len, r->name, d, b - a, d, a, d, b);
		}
		if (n > SHOWN)
			fprintf(stderr, ", and %zu more", n - SHOWN);
		fputc('\n', stderr);
	}
	free(rows);
	return n;
}

/* The rows whose share changed most, largest change first. */
static void
summary(FILE *out, struct top *tp, const struct unit *u, const struct profdiff_opts *o)
{
	struct table *t = table_new(o->format);
	int color, width;

	top_sort(tp, TOP_SORT_SHARE, o->cum);
	topfmt_rows(t, o->format, tp, u, o->granularity, o->rows);
	table_terminal(o->ofile, "auto", &color, &width);
	if (table_write(t, out, color, width) < 0)
		die("internal error: a row of the summary has the wrong number of cells");
	table_free(t);
}

/* Writes what is left to write once the profiles are compared (the
 * differential lines of table d unless NULL, or the summary), then gates;
 * returns the exit status. */
static int
finish(const struct profdiff_opts *o, struct outfile *of, const struct meta *m, struct stacktable *d,
    struct top *tp)
{
	FILE *out = outfile_fp(of);
	int status = EXIT_OK;

	if (o->summary) {
		struct unit u;
		unit_from_meta(m, &u);
		summary(out, tp, &u, o);
	} else if (d != NULL) {
		meta_write(out, m);
		profdiff_write(out, d, o->normalize);
	}
	if (outfile_commit(of) < 0)
		status = EXIT_FINDING;
	if (o->gate && gate(tp, o) > 0)
		status = EXIT_FINDING;
	return status;
}

/* Compares the profiles read from fd[0] and fd[1] into stack tables. */
static int
diff_tables(const struct profdiff_opts *o, int fd[2], const char *name[2])
{
	struct input g[2];
	struct meta m = { 0 };
	struct stacktable *d;
	struct top *tp = NULL;
	int status = EXIT_OK;
	struct outfile *of = outfile_open(o->ofile);

	for (int i = 0; i < 2; i++) {
		memset(&g[i], 0, sizeof(g[i]));
		g[i].format = INPUT_AUTO;
		g[i].jobs = o->jobs;
		input_init(&g[i]);
		if (input_fd(&g[i], fd[i], name[i]) < 0)
			status = EXIT_USAGE;
	}
	if (status == EXIT_OK) {
		const int kind[2] = { g[0].kind, g[1].kind };
		const struct meta *mm[2] = { &g[0].meta, &g[1].meta };
		status = comparable(kind, mm, name, o->normalize);
	}
	/* On an error, no output rather than a partial one. */
	if (status != EXIT_OK) {
		input_free(&g[0]);
		input_free(&g[1]);
		outfile_discard(of);
		return status;
	}

	d = profdiff_build(g[0].tab, g[1].tab, o->strip_hex);
	diff_meta(&m, &g[0].meta, &g[1].meta, name[0], name[1]);
	input_free(&g[0]);
	input_free(&g[1]);
	if (o->summary || o->gate) {
		struct top_opts to = { .granularity = o->granularity };
		tp = top_build(d, 1, &to);
	}
	status = finish(o, of, &m, d, tp);
	top_free(tp);
	meta_free(&m);
	stacktable_free(d);
	return status;
}

/* Compares the folded files open on fd[0] and fd[1], in any order. */
static int
diff_flat(const struct profdiff_opts *o, int fd[2], const char *name[2])
{
	struct top_opts to = { .granularity = o->granularity };
	struct profdiff_flat d;
	struct meta dm = { 0 };
	struct top *tp = NULL;
	int status;

	profdiff_flat_read(&d, fd, name, o->strip_hex, o->jobs);
	if (d.error) {
		profdiff_flat_free(&d);
		return EXIT_USAGE;
	}
	for (int i = 0; i < 2; i++) {
		struct stream *fs = &d.fs[i];
		folded_report(name[i], fs->bad, fs->first_bad, fs->why, fs->rounded, fs->first_rounded);
	}
	{
		const int kind[2] = { d.fs[0].kind, d.fs[1].kind };
		const struct meta *mm[2] = { &d.fs[0].meta, &d.fs[1].meta };
		status = comparable(kind, mm, name, o->normalize);
	}
	if (status == EXIT_OK) {
		struct outfile *of = outfile_open(o->ofile);
		FILE *out = outfile_fp(of);
		struct top_feed *feed = NULL;
		const count_t total[2] = { d.fs[0].total[0], d.fs[1].total[0] };

		diff_meta(&dm, &d.fs[0].meta, &d.fs[1].meta, name[0], name[1]);
		if (o->summary || o->gate)
			feed = top_feed_new(&to, o->summary || o->jobs == 1 ? o->jobs : o->jobs - 1);
		if (!o->summary)
			meta_write(out, &dm);
		profdiff_flat_write(&d, o->summary ? NULL : out, total, o->normalize, feed);
		if (feed != NULL)
			tp = top_feed_end(feed, 1);
		status = finish(o, of, &dm, NULL, tp);
	}
	top_free(tp);
	meta_free(&dm);
	profdiff_flat_free(&d);
	return status;
}

/* Compares the sorted folded files of m, opened (diffmerge_open). */
static int
diff_sorted(const struct profdiff_opts *o, struct diffmerge *m, const char *name[2])
{
	/* the feed's tops hold it until the end */
	struct top_opts to = { .granularity = o->granularity };
	struct meta dm = { 0 };
	struct top *tp = NULL;
	int status;

	{
		const int kind[2] = { m->fs[0].kind, m->fs[1].kind };
		const struct meta *mm[2] = { &m->fs[0].meta, &m->fs[1].meta };
		status = comparable(kind, mm, name, o->normalize);
	}
	if (status == EXIT_OK) {
		struct outfile *of;
		FILE *out;
		struct top_feed *feed = NULL;

		diffmerge_rewind(m);
		of = outfile_open(o->ofile);
		out = outfile_fp(of);
		diff_meta(&dm, &m->fs[0].meta, &m->fs[1].meta, name[0], name[1]);
		/* this thread merges (and writes, without --summary); the
		 * others sum the functions */
		if (o->summary || o->gate)
			feed = top_feed_new(&to, o->summary || o->jobs == 1 ? o->jobs : o->jobs - 1);
		if (!o->summary)
			meta_write(out, &dm);
		if (profdiff_merge(m->fs, o->summary ? NULL : out, m->total, o->normalize, feed) < 0)
			die("%s, %s: changed while being read", name[0], name[1]);
		if (feed != NULL)
			tp = top_feed_end(feed, 1);
		status = finish(o, of, &dm, NULL, tp);
	}
	top_free(tp);
	meta_free(&dm);
	return status;
}

int
profdiff_compare(const struct profdiff_opts *o, int fd[2], const char *name[2])
{
	struct diffmerge m;
	int status, r;

	/* -s changes the stacks, so their order: the stacks of sorted
	 * files too are held, as those of unsorted ones */
	if ((r = diffmerge_open(&m, fd, name, o->strip_hex ? 1 : o->jobs)) == 0 && !o->strip_hex) {
		status = diff_sorted(o, &m, name);
		diffmerge_close(&m);
		return status;
	}
	if (r == 0)
		diffmerge_close(&m);
	if (r >= 0)
		return diff_flat(o, fd, name);
	/* back to the start of what the first reading may have read */
	for (int i = 0; i < 2; i++)
		(void)lseek(fd[i], 0, SEEK_SET);
	return diff_tables(o, fd, name);
}
