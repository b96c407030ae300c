/*
 * flame-test: drives lib/flame/flametext and lib/flame/speedscope for t/3300 and t/3400.
 *
 *   flame-test [--format text|speedscope] [--minwidth N%] [--countname NAME]
 *              [--factor F] [--title NAME] [--unit UNIT] [--reverse]
 *              [--flamechart] [--negate] [--color] [file ...]
 *
 * reads folded stacks (one or two counts) from the files or stdin, builds
 * the tree as prof-flame does (the cut: N% of the total; text defaults to
 * 1%) and writes it in the form asked for.  The options are prof-flame's, so the
 * tests read the same with either; --unit stands for a "# unit:" line
 * (which is read too) and --color forces the colours a terminal gets.
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/count.h"
#include "core/util.h"
#include "flame/flame.h"
#include "flame/flametext.h"
#include "flame/speedscope.h"
#include "folded/folded.h"
#include "folded/meta.h"

int
main(int argc, char *argv[])
{
	static const struct option longopts[] = {
		{ "color", no_argument, NULL, 'C' },
		{ "countname", required_argument, NULL, 'N' },
		{ "factor", required_argument, NULL, 'x' },
		{ "flamechart", no_argument, NULL, 'c' },
		{ "format", required_argument, NULL, 'f' },
		{ "minwidth", required_argument, NULL, 'm' },
		{ "negate", no_argument, NULL, 'n' },
		{ "reverse", no_argument, NULL, 'r' },
		{ "title", required_argument, NULL, 't' },
		{ "unit", required_argument, NULL, 'u' },
		{ NULL, 0, NULL, 0 }
	};
	const char *format = "text", *countname = NULL, *title = NULL, *unit = NULL;
	const char *minwidth = NULL;
	double factor = 1;
	int c, flags = 0, color = 0, kind = FOLDED_UNKNOWN, rc;
	struct flame *f = NULL;
	struct meta meta = { 0 };
	struct folded_line fl;
	const char *why;
	char *line = NULL;
	size_t cap = 0;
	ssize_t n;

	util_setprog(argv[0]);
	while ((c = getopt_long(argc, argv, "", longopts, NULL)) != -1) {
		switch (c) {
		case 'C': color = 1; break;
		case 'N': countname = optarg; break;
		case 'x': factor = strtod(optarg, NULL); break;
		case 'c': flags |= FLAME_CHART; break;
		case 'f': format = optarg; break;
		case 'm': minwidth = optarg; break;
		case 'n': flags |= FLAME_NEGATE; break;
		case 'r': flags |= FLAME_REVERSE; break;
		case 't': title = optarg; break;
		case 'u': unit = optarg; break;
		default: return EXIT_USAGE;
		}
	}
	argc -= optind;
	argv += optind;
	for (int i = 0; i < (argc ? argc : 1); i++) {
		const char *path = argc ? argv[i] : "-";
		FILE *in = strcmp(path, "-") == 0 ? stdin : fopen(path, "r");

		if (in == NULL)
			die("%s: cannot open:", path);
		while ((n = getline(&line, &cap, in)) != -1) {
			if (n > 0 && line[n - 1] == '\n')
				n--;
			switch (folded_parse(line, (size_t)n, &kind, &fl, &why)) {
			case FOLDED_STACK:
			case FOLDED_ROUNDED:
				if (f == NULL)
					f = flame_new(flags, kind == FOLDED_DIFF);
				flame_add(f, fl.stack, fl.len, fl.n);
				break;
			case FOLDED_META:
				meta_parse(&meta, line, (size_t)n);
				break;
			case FOLDED_BAD:
				warn("%s: bad line: %s", path, why);
				break;
			default:
				break;
			}
		}
		if (in != stdin)
			fclose(in);
	}
	free(line);
	if (f == NULL)
		f = flame_new(flags, 0);
	if (unit == NULL)
		unit = meta_get(&meta, "unit");
	if (countname == NULL && unit != NULL)
		countname = strcmp(unit, "nanoseconds") == 0 ? "ns" : unit;

	double min_pct = strcmp(format, "text") == 0 ? 1 : 0;
	if (minwidth != NULL)
		min_pct = strtod(minwidth, NULL);
	flame_finish(f, (count_t)((double)f->v[0].total[0] * min_pct / 100));

	if (strcmp(format, "text") == 0)
		rc = flametext_write(stdout, f, countname ? countname : "samples", NULL, factor, color);
	else if (strcmp(format, "speedscope") == 0)
		rc = speedscope_write(stdout, f, title ? title : "profile", unit);
	else
		die("--format: '%s' is not a format; use text or speedscope", format);
	flame_free(f);
	meta_free(&meta);
	if (rc < 0 || util_fshut(stdout, "stdout") < 0)
		return EXIT_FINDING;
	return EXIT_OK;
}
