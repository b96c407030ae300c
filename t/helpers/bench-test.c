/*
 * bench-test: drives lib/bench/bench and lib/core/json for t/0500-lib-bench.t.
 *
 *   bench-test dump [-v] FILE      reads FILE (bench_read) and prints every
 *                                 figure, numbers as %.17g; -v: only the
 *                                 names, units, parameters, run values and
 *                                 summary (what a CSV keeps)
 *   bench-test json|csv FILE       reads FILE and writes it in that format
 *   bench-test markdown [-u UNIT] [-r REF] FILE
 *                                 reads FILE, relates it to REF (a number;
 *                                 none: leaves it to the writer) and
 *                                 writes the Markdown table
 *   bench-test synth               writes a set with every figure and
 *                                 hostile names as JSON (bench_write_json)
 *   bench-test summary V...        prints the summary of runs of values V
 *   bench-test jparse FILE         parses FILE (json_parse) and writes the
 *                                 tree back as JSON; exit 2 and "line N:
 *                                 reason" on stderr for bad input
 *   bench-test jtrunc FILE         parses every prefix of FILE and checks
 *                                 that all but the whole fail with a line
 *                                 number inside the prefix; prints a count
 *   bench-test jfuzz FILE N        parses N copies of FILE with bytes
 *                                 changed at random (seeded: repeatable)
 *   bench-test decimal S...        prints json_decimal of each S, or "bad"
 *   bench-test dir [DIR]           prints bench_dir(DIR)
 *   bench-test path DIR NAME       prints bench_saved_path (DIR "-": NULL)
 *   bench-test save FILE DIR NAME  reads FILE and saves it as NAME
 *   bench-test list [DIR]          lists saved results, then "= COUNT"
 *
 * FILE "-" is stdin.  Exit 2: a read failed (the message is bench's).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "bench/bench.h"
#include "core/json.h"
#include "core/util.h"

static struct bench_results *
load(const char *path)
{
	FILE *fp = strcmp(path, "-") == 0 ? stdin : fopen(path, "r");
	struct bench_results *r;

	if (fp == NULL)
		die("%s: cannot open:", path);
	r = bench_read(fp, path);
	if (fp != stdin)
		fclose(fp);
	if (r == NULL)
		exit(2);
	return r;
}

static void
dump(const struct bench_results *r, int values_only)
{
	for (size_t i = 0; !values_only && i < r->ctx.n; i++)
		printf("context %s=%s\n", r->ctx.items[i].key, r->ctx.items[i].value);
	for (size_t i = 0; i < r->n; i++) {
		const struct bench_entry *b = &r->b[i];
		const struct bench_summary *s = &b->sum;

		printf("bench %s\n", b->name);
		if (!values_only)
			printf("  command %s\n", b->command);
		printf("  unit %s runs %zu\n", b->unit, b->nruns);
		for (size_t j = 0; j < b->params.n; j++)
			printf("  param %s=%s\n", b->params.items[j].key, b->params.items[j].value);
		for (size_t j = 0; j < b->nruns; j++) {
			const struct bench_run *u = &b->runs[j];

			if (values_only)
				printf("  run %.17g\n", u->value);
			else
				printf("  run %.17g user %.17g sys %.17g rss %.17g flt %.17g %.17g"
				    " csw %.17g %.17g cyc %.17g ins %.17g exit %d\n",
				    u->value, u->user, u->sys, u->maxrss, u->minflt, u->majflt,
				    u->nvcsw, u->nivcsw, u->cycles, u->instructions, u->exit_code);
		}
		printf("  sum n %zu mean %.17g sd %.17g median %.17g min %.17g max %.17g"
		    " mad %.17g\n", s->n, s->mean, s->sd, s->median, s->min, s->max, s->mad);
		printf("  sum p5 %.17g p25 %.17g p75 %.17g p95 %.17g p99 %.17g\n",
		    s->p5, s->p25, s->p75, s->p95, s->p99);
		printf("  sum user %.17g sys %.17g maxrss %.17g runs_per_s %.17g outliers %zu\n",
		    s->user, s->sys, s->maxrss, s->runs_per_s, s->outliers);
		if (!values_only) {
			printf("  rel %.17g %.17g\n", s->relative, s->relative_sd);
			printf("  ops %.17g per_s %.17g allocs %.17g bytes %.17g conc %d"
			    " thr %.17g spawn %.17g\n", b->ops, b->ops_per_s,
			    b->allocs_per_op, b->bytes_per_op, b->concurrency,
			    b->throughput, b->shell_spawn);
		}
	}
}

static void
synth(void)
{
	struct bench_results *r = bench_new();
	struct bench_entry *b;
	struct bench_run u = bench_run_unset();
	static const double tiny[] = { 1e-9, 0.30000000000000004, 1.0 / 3, 2.5e-7 };

	bench_context(r, "tool", "prof-bench");
	bench_context(r, "date", "2026-01-02T03:04:05Z");
	bench_context(r, "host", "h\x01\xff\"\\");
	bench_context(r, "date", "2026-01-02T03:04:06Z");
	b = bench_add(r, "fast", "sleep 0.01");
	bench_param(b, "n", "1");
	bench_param(b, "w", "x y");
	for (int i = 0; i < 3; i++) {
		u.value = 0.011 + i * 0.001;
		u.user = 0.0005 * (i + 1);
		u.sys = 0.0007;
		u.maxrss = 1998848 + 4096 * i;
		u.minflt = 90 + i;
		u.majflt = 0;
		u.nvcsw = 2;
		u.nivcsw = i;
		u.cycles = i == 2 ? -1 : 1234567 + i;
		u.instructions = i == 2 ? -1 : 2345678;
		u.exit_code = i == 0 ? 0 : i == 1 ? 1 : -1;
		bench_push(b, &u);
	}
	bench_summarise(b);
	b = bench_add(r, "caf\xc3\xa9 \xff\x01\"q\\|`x`", "printf '%s\\n' \"a,b\"\ttab");
	b->unit = "s/op";
	bench_param(b, "n", "2");
	bench_param(b, "k,\"q\"", "v\nw");
	u = bench_run_unset();
	for (int i = 0; i < 4; i++) {
		u.value = tiny[i];
		bench_push(b, &u);
	}
	b->ops = 1000;
	b->ops_per_s = 1234.5;
	b->bytes_per_op = 16;
	b->concurrency = 4;
	b->throughput = 123.5;
	b->shell_spawn = 0.0021;
	bench_summarise(b);
	bench_relate(r, -1);
	if (bench_write_json(r, stdout) < 0)
		die("write error");
	bench_free(r);
}

static void
summary(int argc, char *argv[])
{
	struct bench_results *r = bench_new();
	struct bench_entry *b = bench_add(r, "x", "x");

	for (int i = 0; i < argc; i++) {
		struct bench_run u = bench_run_unset();

		if (json_decimal(argv[i], strlen(argv[i]), &u.value) < 0)
			die("bad value %s", argv[i]);
		bench_push(b, &u);
	}
	bench_summarise(b);
	dump(r, 1);
	bench_free(r);
}

static char *
slurp(const char *path, size_t *n)
{
	FILE *fp = strcmp(path, "-") == 0 ? stdin : fopen(path, "r");
	char *buf = NULL;
	size_t cap = 0, got;

	if (fp == NULL)
		die("%s: cannot open:", path);
	*n = 0;
	do {
		if (cap - *n < 4096)
			buf = xrealloc(buf, cap = 2 * cap + 4096);
		got = fread(buf + *n, 1, cap - *n, fp);
		*n += got;
	} while (got > 0);
	if (fp != stdin)
		fclose(fp);
	return buf;
}

static void
put_string(const char *s, size_t n)
{
	putchar('"');
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];

		if (c == '"' || c == '\\')
			printf("\\%c", c);
		else if (c < 0x20)
			printf("\\u%04x", c);
		else
			putchar(c);
	}
	putchar('"');
}

static void
put_tree(const struct json *j)
{
	switch (j->type) {
	case JSON_NULL: case JSON_FALSE: case JSON_TRUE:
		fputs(json_type_name(j->type), stdout);
		break;
	case JSON_NUMBER: {
		char num[40];

		/* "-0.0", "5.0": python reads a float back, of the same sign */
		snprintf(num, sizeof(num), "%.17g", j->num);
		printf("%s%s", num, strpbrk(num, ".eni") ? "" : ".0");
		break;
	}
	case JSON_STRING:
		put_string(j->str, j->len);
		break;
	case JSON_ARRAY:
	case JSON_OBJECT:
		putchar(j->type == JSON_ARRAY ? '[' : '{');
		for (size_t i = 0; i < j->n; i++) {
			if (i > 0)
				putchar(',');
			if (j->type == JSON_OBJECT) {
				put_string(j->keys[i], strlen(j->keys[i]));
				putchar(':');
			}
			put_tree(&j->v[i]);
		}
		putchar(j->type == JSON_ARRAY ? ']' : '}');
		break;
	}
}

static int
jparse(const char *path)
{
	size_t n;
	char *s = slurp(path, &n);
	struct json_error err;
	struct json *j = json_parse(s, n, &err);

	free(s);
	if (j == NULL) {
		fprintf(stderr, "line %d: %s\n", err.line, err.msg);
		return 2;
	}
	put_tree(j);
	putchar('\n');
	json_free(j);
	return 0;
}

static int
lines_in(const char *s, size_t n)
{
	int l = 1;

	for (size_t i = 0; i < n; i++)
		l += s[i] == '\n';
	return l;
}

static int
jtrunc(const char *path)
{
	size_t n, bad = 0;
	char *s = slurp(path, &n);

	for (size_t k = 0; k <= n; k++) {
		/* a copy of exactly k bytes, so that a read past it is caught */
		char *p = xmemdup(s, k);
		struct json_error err;
		struct json *j = json_parse(p, k, &err);
		int whole = strspn(s + k, " \t\r\n") >= n - k;

		if ((j != NULL) != whole) {
			printf("prefix %zu: %s\n", k, j ? "parsed" : err.msg);
			return 1;
		}
		if (j == NULL && (err.line < 1 || err.line > lines_in(s, k))) {
			printf("prefix %zu: line %d of %d\n", k, err.line, lines_in(s, k));
			return 1;
		}
		bad += j == NULL;
		json_free(j);
		free(p);
	}
	printf("%zu prefixes refused\n", bad);
	free(s);
	return 0;
}

static int
jfuzz(const char *path, long count)
{
	size_t n, ok = 0;
	char *s = slurp(path, &n);
	static const char bytes[] = "{}[]\",:\\0123456789-+.eEtrufalsn \n\x80\xff\xc3";

	srand(1);
	for (long c = 0; c < count && n > 0; c++) {
		char *p = xmemdup(s, n);
		struct json_error err;
		struct json *j;

		for (int k = rand() % 4; k >= 0; k--)
			p[rand() % (int)n] = bytes[rand() % (int)(sizeof(bytes) - 1)];
		j = json_parse(p, n, &err);
		ok += j != NULL;
		if (j == NULL && (err.line < 1 || err.line > lines_in(p, n) || err.msg[0] == '\0')) {
			printf("bad error: line %d: %s\n", err.line, err.msg);
			return 1;
		}
		json_free(j);
		free(p);
	}
	printf("fuzzed %ld\n", count);
	fprintf(stderr, "%zu still parsed\n", ok);
	free(s);
	return 0;
}

static void
usage(void)
{
	die("usage: bench-test dump|json|csv|markdown|synth|summary|jparse|jtrunc|jfuzz|"
	    "decimal|dir|path|save|list ...");
}

int
main(int argc, char *argv[])
{
	const char *unit = NULL;
	long ref = -2;
	int opt, vonly = 0;
	struct bench_results *r;

	util_setprog(argv[0]);
	if (argc < 2)
		usage();
	argc--, argv++;
	while ((opt = getopt(argc, argv, "r:u:v")) != -1) {
		if (opt == 'u')
			unit = optarg;
		else if (opt == 'r')
			ref = atol(optarg);
		else if (opt == 'v')
			vonly = 1;
		else
			usage();
	}
	if (strcmp(argv[0], "synth") == 0) {
		synth();
	} else if (strcmp(argv[0], "summary") == 0) {
		summary(argc - optind, argv + optind);
	} else if (strcmp(argv[0], "decimal") == 0) {
		for (int i = optind; i < argc; i++) {
			double v;

			if (json_decimal(argv[i], strlen(argv[i]), &v) < 0)
				printf("bad\n");
			else
				printf("%.17g\n", v);
		}
	} else if (strcmp(argv[0], "dir") == 0) {
		printf("%s\n", bench_dir(optind < argc ? argv[optind] : NULL));
	} else if (strcmp(argv[0], "list") == 0) {
		long n = bench_list(optind < argc ? argv[optind] : NULL, stdout);

		printf("= %ld\n", n);
		return n < 0 ? 2 : 0;
	} else if (strcmp(argv[0], "path") == 0 && argc - optind == 2) {
		char *p = bench_saved_path(strcmp(argv[optind], "-") == 0 ? NULL : argv[optind],
		    argv[optind + 1]);

		printf("%s\n", p);
		free(p);
	} else if (optind >= argc) {
		usage();
	} else if (strcmp(argv[0], "jparse") == 0) {
		return jparse(argv[optind]);
	} else if (strcmp(argv[0], "jtrunc") == 0) {
		return jtrunc(argv[optind]);
	} else if (strcmp(argv[0], "jfuzz") == 0 && argc - optind == 2) {
		return jfuzz(argv[optind], atol(argv[optind + 1]));
	} else if (strcmp(argv[0], "save") == 0 && argc - optind == 3) {
		char *p = bench_saved_path(strcmp(argv[optind + 1], "-") == 0 ? NULL :
		    argv[optind + 1], argv[optind + 2]);
		int ret;

		r = load(argv[optind]);
		ret = bench_save(r, p);
		free(p);
		bench_free(r);
		return ret < 0 ? 2 : 0;
	} else {
		r = load(argv[optind]);
		if (strcmp(argv[0], "dump") == 0)
			dump(r, vonly);
		else if (strcmp(argv[0], "json") == 0)
			bench_write_json(r, stdout);
		else if (strcmp(argv[0], "csv") == 0)
			bench_write_csv(r, stdout);
		else if (strcmp(argv[0], "markdown") == 0) {
			if (ref >= -1)
				bench_relate(r, ref);
			bench_write_markdown(r, stdout, unit);
		} else
			usage();
		bench_free(r);
	}
	return util_fshut(stdout, "stdout") < 0 ? 3 : 0;
}
