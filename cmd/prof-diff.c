/* prof-diff: compare two profiles, or two sets of benchmark results.  See prof-diff(1). */
#define _GNU_SOURCE  /* O_TMPFILE */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <pthread.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "bench/benchdiff.h"
#include "bench/bench.h"
#include "core/count.h"
#include "folded/folded.h"
#include "folded/meta.h"
#include "input/input.h"
#include "core/arg.h"
#include "core/outfile.h"
#include "diff/profdiff.h"
#include "folded/stacktable.h"
#include "core/table.h"
#include "top/top.h"
#include "top/topfmt.h"
#include "folded/unit.h"
#include "core/util.h"

static const char synopsis[] =
"usage: prof-diff [-ns] [-o file] [--summary] [--format fmt] [--top n]\n"
"                 [--fail-above pct] [--by flat | cum] [--granularity level]\n"
"                 before after\n"
"       prof-diff [-o file] [--format fmt] [--alpha p]\n"
"                 [--fail-on-regression pct] [--results-dir dir]\n"
"                 {old | --baseline name} {new | --current name}\n";

static const char options_help[] =
"\n"
"Compares two profiles (folded stacks or perf script text); writes a\n"
"differential profile, \"stack BEFORE AFTER\" a line, sorted.  Or compares\n"
"two sets of benchmark results (prof-bench's or hyperfine's JSON or CSV,\n"
"go test -bench text); writes each benchmark's medians, change and p-value.\n"
"Profiles:\n"
"  -n                  scale BEFORE's counts to AFTER's total\n"
"  -o file             write to file, atomically (default: stdout)\n"
"  -s                  hex addresses 0x... made equal, so stacks match\n"
"  --by flat|cum       --fail-above and --summary by self (flat, the\n"
"                      default) or total (cum) share\n"
"  --fail-above pct    exit 1 when a function's share of the total grew by\n"
"                      more than pct percentage points\n"
"  --format fmt        --summary as table, csv, json or markdown\n"
"  --granularity level functions (default), file, line or module\n"
"  --summary           write a table of the largest changes of share\n"
"  --top n             rows of --summary (default 20; 0: all)\n"
"Benchmark results:\n"
"  --alpha p           significance level of the test (default 0.05)\n"
"  --baseline name     the old results are the saved results name\n"
"  --current name      the new results are the saved results name\n"
"  --fail-on-regression pct\n"
"                      exit 1 when a benchmark is significantly slower\n"
"                      by more than pct percent\n"
"  --format fmt        table, csv, json or markdown\n"
"  --results-dir dir   where saved results are (default .prof/bench)\n"
"  -o file             write to file, atomically (default: stdout)\n"
"  --help              this text\n"
"See prof-diff(1) and prof-folded(5).\n";

static void __attribute__((noreturn))
usage(void)
{
	fputs(synopsis, stderr);
	exit(EXIT_USAGE);
}

enum {
	OPT_ALPHA = 256, OPT_BASELINE, OPT_BY, OPT_CURRENT, OPT_FAIL, OPT_FAIL_REGRESSION,
	OPT_FORMAT, OPT_GRAN, OPT_HELP, OPT_RESULTS_DIR, OPT_SUMMARY, OPT_TOP
};

static const struct option longopts[] = {
	{ "alpha", required_argument, NULL, OPT_ALPHA },
	{ "baseline", required_argument, NULL, OPT_BASELINE },
	{ "by", required_argument, NULL, OPT_BY },
	{ "current", required_argument, NULL, OPT_CURRENT },
	{ "fail-above", required_argument, NULL, OPT_FAIL },
	{ "fail-on-regression", required_argument, NULL, OPT_FAIL_REGRESSION },
	{ "format", required_argument, NULL, OPT_FORMAT },
	{ "granularity", required_argument, NULL, OPT_GRAN },
	{ "help", no_argument, NULL, OPT_HELP },
	{ "results-dir", required_argument, NULL, OPT_RESULTS_DIR },
	{ "summary", no_argument, NULL, OPT_SUMMARY },
	{ "top", required_argument, NULL, OPT_TOP },
	{ NULL, 0, NULL, 0 }
};

struct opts {
	const char *ofile;
	int normalize, strip_hex;
	int summary, format, cum, granularity;
	long long top;
	int gate;
	double fail_above;
	/* benchmark results */
	double alpha;
	int regression_gate;
	double fail_regression;
	const char *saved[2];       /* --baseline, --current */
	const char *results_dir;
};

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
	/* No unit means samples (prof-folded(5)). */
	const char *u0 = meta_get(m[0], "unit"), *u1 = meta_get(m[1], "unit");
	if (strcmp(u0 ? u0 : "samples", u1 ? u1 : "samples") != 0) {
		warn("the inputs differ in unit (%s, %s): their counts cannot be compared",
		    u0 ? u0 : "samples", u1 ? u1 : "samples");
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

/* The number of decimals that shows x as more than pct. */
static int
decimals(double x, double pct)
{
	int d = 1;
	char buf[64];

	for (; d < 6; d++) {
		snprintf(buf, sizeof(buf), "%.*f", d, x);
		if (strtod(buf, NULL) > pct)
			break;
	}
	return d;
}

/* Says which rows grew more than the gate allows; returns their number. */
static size_t
gate(const struct top *tp, const struct opts *o)
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
			int d = decimals(b - a, o->fail_above);

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
summary(FILE *out, struct top *tp, const struct unit *u, const struct opts *o)
{
	struct table *t = table_new(o->format);
	int color, width;

	top_sort(tp, TOP_SORT_SHARE, o->cum);
	topfmt_rows(t, o->format, tp, u, o->granularity, (size_t)o->top);
	table_terminal(o->ofile, "auto", &color, &width);
	if (table_write(t, out, color, width) < 0)
		die("internal error: a row of the summary has the wrong number of cells");
	table_free(t);
}

/* Writes what is left to write once the profiles are compared (the
 * differential lines of table d unless NULL, or the summary), then gates;
 * returns the exit status. */
static int
finish(const struct opts *o, struct outfile *of, const struct meta *m, struct stacktable *d, struct top *tp)
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

/* Compares the profiles read from fd[0] (before) and fd[1] (after), held
 * in stack tables. */
static int
diff_tables(const struct opts *o, int fd[2], const char *name[2])
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
		g[i].jobs = input_default_jobs();
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

/* A regular file of folded stacks, which can be read twice. */
static int
rereadable(int fd)
{
	struct stat st;
	char buf[65536];
	ssize_t n;

	if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode))
		return 0;
	n = pread(fd, buf, sizeof(buf), 0);
	return n > 0 && folded_detect(buf, (size_t)n);
}

static void *
scan(void *arg)
{
	struct stream *fs = arg;
	struct folded_line l;

	while (stream_next(fs, &l) > 0)
		;
	return NULL;
}

/*
 * Compares two sorted folded files (as every prof writer makes them) line
 * by line, in memory that does not grow with them: a first reading (both
 * at once) finds the totals, the order and the metadata, the second
 * merges.  Returns -1 when the inputs are not such files (nothing read is
 * reported: the table path reads them again), else the exit status.
 */
static int
diff_sorted(const struct opts *o, int fd[2], const char *name[2])
{
	struct stream fs[2];
	struct top_opts to = { .granularity = o->granularity };
	struct meta m = { 0 };
	struct top *tp = NULL;
	struct top_feed *feed = NULL;
	pthread_t th;
	count_t total[2];
	int status, threaded;

	if (o->strip_hex || !rereadable(fd[0]) || !rereadable(fd[1]))
		return -1;
	for (int i = 0; i < 2; i++) {
		stream_open(&fs[i], fd[i], name[i], FOLDED_UNKNOWN);
		fs[i].quiet = 1;
	}
	threaded = pthread_create(&th, NULL, scan, &fs[1]) == 0;
	scan(&fs[0]);
	if (threaded)
		pthread_join(th, NULL);
	else
		scan(&fs[1]);
	if (fs[0].error || fs[1].error || !fs[0].sorted || !fs[1].sorted) {
		stream_close(&fs[0]);
		stream_close(&fs[1]);
		return -1;
	}
	/* what the first reading found: the second finds the same */
	for (int i = 0; i < 2; i++)
		folded_report(name[i], fs[i].bad, fs[i].first_bad, fs[i].why, fs[i].rounded,
		    fs[i].first_rounded);
	total[0] = fs[0].total[0];
	total[1] = fs[1].total[0];
	{
		const int kind[2] = { fs[0].kind, fs[1].kind };
		const struct meta *mm[2] = { &fs[0].meta, &fs[1].meta };
		status = comparable(kind, mm, name, o->normalize);
	}
	if (status == EXIT_OK && (stream_rewind(&fs[0]) < 0 || stream_rewind(&fs[1]) < 0))
		die("%s, %s: cannot read again:", name[0], name[1]);
	if (status == EXIT_OK) {
		struct outfile *of = outfile_open(o->ofile);
		FILE *out = outfile_fp(of);

		diff_meta(&m, &fs[0].meta, &fs[1].meta, name[0], name[1]);
		/* this thread merges (and writes, without --summary); the
		 * others sum the functions */
		if (o->summary || o->gate) {
			int jobs = input_default_jobs();
			feed = top_feed_new(&to, o->summary || jobs == 1 ? jobs : jobs - 1);
		}
		if (!o->summary)
			meta_write(out, &m);
		if (profdiff_merge(fs, o->summary ? NULL : out, total, o->normalize, feed) < 0)
			die("%s, %s: changed while being read", name[0], name[1]);
		if (feed != NULL)
			tp = top_feed_end(feed, 1);
		status = finish(o, of, &m, NULL, tp);
	}
	top_free(tp);
	meta_free(&m);
	stream_close(&fs[0]);
	stream_close(&fs[1]);
	return status;
}

/*
 * A pipe is copied to an unnamed temporary file, so that it can be read
 * twice and merged in little memory like a file: disk instead of memory.
 * Returns the file's fd, or fd itself when it is not a pipe or the copy
 * cannot be made (then it is read into a table).
 */
static int
spill(int fd, const char *name)
{
	struct stat st;
	const char *dir = getenv("TMPDIR");
	char buf[1 << 16];
	ssize_t n;
	int t;

	if (fstat(fd, &st) < 0 || S_ISREG(st.st_mode))
		return fd;
	if ((t = open(dir && *dir ? dir : "/tmp", O_TMPFILE | O_RDWR, 0600)) < 0)
		return fd;
	while ((n = read(fd, buf, sizeof(buf))) != 0) {
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			die("%s: read error:", name);
		for (ssize_t off = 0; off < n;) {
			ssize_t w = write(t, buf + off, (size_t)(n - off));
			if (w < 0 && errno != EINTR)
				die("%s: cannot keep a copy in a temporary file:", name);
			off += w > 0 ? w : 0;
		}
	}
	if (lseek(t, 0, SEEK_SET) != 0)
		die("%s: cannot read back the temporary copy:", name);
	return t;
}

/* Compares the profiles read from fd[0] (before) and fd[1] (after),
 * regular files (spilled). */
static int
diff_profiles(const struct opts *o, int fd[2], const char *name[2])
{
	int status = diff_sorted(o, fd, name);

	if (status >= 0)
		return status;
	/* back to the start of what the first reading may have read */
	for (int i = 0; i < 2; i++)
		(void)lseek(fd[i], 0, SEEK_SET);
	return diff_tables(o, fd, name);
}

/* Says which benchmarks are significantly slower than the gate allows;
 * returns their number. */
static size_t
regressions(const struct benchdiff *d, double pct)
{
	size_t n, *rows = benchdiff_regressed(d, pct, &n);

	if (n > 0) {
		fprintf(stderr, "%s: significantly slower by more than %g%%: ", util_prog, pct);
		for (size_t i = 0; i < n; i++) {
			const struct benchdiff_row *r = &d->rows[rows[i]];

			fprintf(stderr, "%s%s (%+.*f%%, p = %.3g)", i ? ", " : "", r->name,
			    decimals(r->delta_pct, pct), r->delta_pct, r->mwu.p);
		}
		fputc('\n', stderr);
	}
	free(rows);
	return n;
}

/* Compares the benchmark results read from fd[0] (old) and fd[1] (new);
 * closes them (-1 then). */
static int
diff_results(const struct opts *o, int fd[2], const char *name[2])
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
		if (o->regression_gate && regressions(d, o->fail_regression) > 0)
			status = EXIT_FINDING;
		benchdiff_free(d);
	}
	for (int i = 0; i < 2; i++)
		if (r[i] != NULL)
			bench_free(r[i]);
	return status;
}

/* The first option given that compares profiles only, or NULL. */
static const char *
profile_option(const struct opts *o, int by_given, int gran_given, int top_given)
{
	return o->normalize ? "-n" : o->strip_hex ? "-s" : o->summary ? "--summary" :
	    o->gate ? "--fail-above" : by_given ? "--by" : gran_given ? "--granularity" :
	    top_given ? "--top" : NULL;
}

int
main(int argc, char *argv[])
{
	struct opts o = { .ofile = "-", .format = TABLE_TEXT, .granularity = TOP_FUNCTION, .top = 20,
	    .alpha = 0.05 };
	const char *name[2], *what;
	char *path[2] = { NULL, NULL };
	int c, fd[2] = { -1, -1 }, kind[2], status = EXIT_OK, saved, results;
	int alpha_given = 0, by_given = 0, format_given = 0, gran_given = 0, top_given = 0;

	util_setprog(argv[0]);
	while ((c = getopt_long(argc, argv, "no:s", longopts, NULL)) != -1) {
		switch (c) {
		case 'n':
			o.normalize = 1;
			break;
		case 'o':
			o.ofile = optarg;
			break;
		case 's':
			o.strip_hex = 1;
			break;
		case OPT_ALPHA:
			o.alpha = arg_real(optarg, 0, 1, "--alpha");
			if (o.alpha == 0 || o.alpha == 1)
				die("--alpha: %s is out of range; use a number between 0 and 1, both excluded",
				    optarg);
			alpha_given = 1;
			break;
		case OPT_BASELINE:
			o.saved[0] = optarg;
			break;
		case OPT_BY:
			if (strcmp(optarg, "flat") == 0)
				o.cum = 0;
			else if (strcmp(optarg, "cum") == 0)
				o.cum = 1;
			else
				die("--by: '%s' is not a share; use flat or cum", optarg);
			by_given = 1;
			break;
		case OPT_CURRENT:
			o.saved[1] = optarg;
			break;
		case OPT_FAIL:
			o.fail_above = arg_real(optarg, 0, 100, "--fail-above");
			o.gate = 1;
			break;
		case OPT_FAIL_REGRESSION:
			o.fail_regression = arg_real(optarg, 0, 100000, "--fail-on-regression");
			o.regression_gate = 1;
			break;
		case OPT_FORMAT:
			if ((o.format = table_format_parse(optarg)) < 0)
				die("--format: '%s' is not a format; use table, csv, json or markdown", optarg);
			format_given = 1;
			break;
		case OPT_GRAN:
			if ((o.granularity = top_granularity_parse(optarg)) < 0)
				die("--granularity: '%s' is not a granularity; use function, file, line or module",
				    optarg);
			gran_given = 1;
			break;
		case OPT_HELP:
			fputs(synopsis, stdout);
			fputs(options_help, stdout);
			return util_fshut(stdout, "stdout") < 0 ? EXIT_FINDING : EXIT_OK;
		case OPT_RESULTS_DIR:
			o.results_dir = optarg;
			break;
		case OPT_SUMMARY:
			o.summary = 1;
			break;
		case OPT_TOP:
			o.top = arg_int(optarg, 0, 1000000000, "--top");
			top_given = 1;
			break;
		default:
			usage();
		}
	}
	argc -= optind;
	argv += optind;

	/* --baseline and --current stand for the operands old and new. */
	saved = (o.saved[0] != NULL) + (o.saved[1] != NULL);
	if (argc != 2 - saved) {
		warn(argc > 2 - saved ? "too many arguments" : saved ?
		    "two sets of results are needed, old (or --baseline) and new (or --current)" :
		    "two profiles are needed, before and after");
		usage();
	}
	if (o.results_dir != NULL && !saved)
		die("--results-dir: only with --baseline or --current");
	if (argc == 2 && strcmp(argv[0], "-") == 0 && strcmp(argv[1], "-") == 0)
		die("the standard input can be one of the inputs, not both");
	/* Write errors are seen when the output is closed: a closed pipe
	 * ends the program as SIGPIPE would, any other is reported. */
	signal(SIGPIPE, SIG_IGN);

	for (int i = 0, k = 0; i < 2; i++) {
		if (o.saved[i] != NULL) {
			path[i] = bench_saved_path(bench_dir(o.results_dir), o.saved[i]);
			name[i] = path[i];
			if ((fd[i] = open(path[i], O_RDONLY)) < 0) {
				warn("%s %s: no saved results: cannot open %s:",
				    i == 0 ? "--baseline" : "--current", o.saved[i], path[i]);
				status = EXIT_USAGE;
			}
		} else if (strcmp(argv[k], "-") == 0) {
			fd[i] = 0;
			name[i] = "stdin";
			k++;
		} else if ((fd[i] = open(argv[k], O_RDONLY)) < 0) {
			warn("%s: cannot open:", argv[k++]);
			status = EXIT_USAGE;
		} else {
			name[i] = argv[k++];
		}
	}
	/* A pipe becomes a regular file here, so that what it holds can be
	 * told (profdiff_input) and a profile read twice. */
	for (int i = 0; i < 2 && status == EXIT_OK; i++) {
		fd[i] = spill(fd[i], name[i]);
		kind[i] = o.saved[i] != NULL ? PROFDIFF_RESULTS : profdiff_input(fd[i]);
	}
	if (status == EXIT_OK && kind[0] != kind[1]) {
		int r = kind[0] == PROFDIFF_RESULTS ? 0 : 1;

		warn("%s: benchmark results, but %s: a profile: prof-diff compares two profiles "
		    "or two sets of benchmark results", name[r], name[1 - r]);
		status = EXIT_USAGE;
	}
	if (status != EXIT_OK) {
		for (int i = 0; i < 2; i++)
			if (fd[i] > 0)
				close(fd[i]);
		free(path[0]);
		free(path[1]);
		return status;
	}
	results = kind[0] == PROFDIFF_RESULTS;
	if (results) {
		if ((what = profile_option(&o, by_given, gran_given, top_given)) != NULL)
			die("%s: only when comparing profiles, not benchmark results", what);
	} else {
		what = alpha_given ? "--alpha" : o.regression_gate ? "--fail-on-regression" : NULL;
		if (what != NULL)
			die("%s: only when comparing benchmark results, not profiles", what);
		if ((format_given || top_given) && !o.summary)
			die("%s: only with --summary", format_given ? "--format" : "--top");
		if ((by_given || gran_given) && !o.summary && !o.gate)
			die("%s: only with --summary or --fail-above", by_given ? "--by" : "--granularity");
	}

	status = results ? diff_results(&o, fd, name) : diff_profiles(&o, fd, name);
	for (int i = 0; i < 2; i++)
		if (fd[i] > 0)
			close(fd[i]);
	free(path[0]);
	free(path[1]);
	return status;
}
