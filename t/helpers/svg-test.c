/*
 * svg-test: drives lib/flame/svg for t/3100-flame-svg.t and t/3200-flame-hostile.t.
 *
 *   svg-test [prof-flame's SVG options] [file ...]
 *
 * reads folded stacks (one or two counts) from the files or stdin, in
 * order, builds the tree as prof-flame does (the cut: --minwidth pixels of
 * width - 20, default 0.1; or N% of the total) and writes the SVG to
 * stdout.  The options are prof-flame's (--title, --subtitle, --width,
 * --height, --minwidth, --fonttype, --fontsize, --fontwidth, --countname,
 * --nametype, --notes, --colors, --bgcolors, --hash, --random, --cp,
 * --reverse, --inverted, --flamechart, --negate, --factor, --search-color,
 * --truncate-text-right), so the tests read the same with either.  Exits 2
 * when svg_write fails (its message on stderr).
 *
 *   svg-test --puts
 *
 * writes stdin through xmlsafe_puts() (any bytes to clean, escaped text).
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/arg.h"
#include "core/count.h"
#include "core/util.h"
#include "core/xmlsafe.h"
#include "flame/flame.h"
#include "flame/svg.h"
#include "folded/folded.h"

struct line {
	char *stack;
	size_t len;
	count_t n[2];
};

int
main(int argc, char *argv[])
{
	static const struct option longopts[] = {
		{ "bgcolors", required_argument, NULL, 'B' },
		{ "colors", required_argument, NULL, 'C' },
		{ "countname", required_argument, NULL, 'N' },
		{ "cp", required_argument, NULL, 'P' },
		{ "factor", required_argument, NULL, 'x' },
		{ "flamechart", no_argument, NULL, 'c' },
		{ "fontsize", required_argument, NULL, 'S' },
		{ "fonttype", required_argument, NULL, 'T' },
		{ "fontwidth", required_argument, NULL, 'W' },
		{ "hash", no_argument, NULL, 'h' },
		{ "height", required_argument, NULL, 'H' },
		{ "inverted", no_argument, NULL, 'i' },
		{ "minwidth", required_argument, NULL, 'm' },
		{ "nametype", required_argument, NULL, 'y' },
		{ "negate", no_argument, NULL, 'n' },
		{ "notes", required_argument, NULL, 'o' },
		{ "puts", no_argument, NULL, 'p' },
		{ "random", no_argument, NULL, 'R' },
		{ "reverse", no_argument, NULL, 'r' },
		{ "search-color", required_argument, NULL, 's' },
		{ "subtitle", required_argument, NULL, 'u' },
		{ "title", required_argument, NULL, 't' },
		{ "truncate-text-right", no_argument, NULL, 'z' },
		{ "width", required_argument, NULL, 'w' },
		{ NULL, 0, NULL, 0 }
	};
	struct svg_opts so;
	struct line *lines = NULL;
	size_t nlines = 0, cap = 0;
	const char *minwidth = "0.1";
	int c, flags = 0, kind = FOLDED_UNKNOWN;
	char err[512];

	util_setprog(argv[0]);
	svg_defaults(&so);
	while ((c = getopt_long(argc, argv, "", longopts, NULL)) != -1) {
		switch (c) {
		case 'B': so.bgcolors = optarg; break;
		case 'C': so.palette = optarg; break;
		case 'N': so.count_name = optarg; break;
		case 'P': so.cp_file = optarg; break;
		case 'x': so.factor = arg_real(optarg, 1e-12, 1e12, "--factor"); break;
		case 'c': flags |= FLAME_CHART; so.flamechart = 1; break;
		case 'S': so.font_size = arg_real(optarg, 1, 200, "--fontsize"); break;
		case 'T': so.font_type = optarg; break;
		case 'W': so.font_width = arg_real(optarg, 0.05, 5, "--fontwidth"); break;
		case 'h': so.hash = 1; break;
		case 'H': so.frame_height = (int)arg_int(optarg, 4, 1000, "--height"); break;
		case 'i': so.inverted = 1; break;
		case 'm': minwidth = optarg; break;
		case 'y': so.name_type = optarg; break;
		case 'n': flags |= FLAME_NEGATE; break;
		case 'o': so.notes = optarg; break;
		case 'p': {
			char *all = NULL;
			size_t len = 0;
			FILE *m = open_memstream(&all, &len);
			int ch;

			while ((ch = getchar()) != EOF)
				putc(ch, m);
			fclose(m);
			xmlsafe_puts(stdout, all, len);
			free(all);
			return util_fshut(stdout, "stdout") < 0 ? EXIT_FINDING : EXIT_OK;
		}
		case 'R': so.random = 1; break;
		case 'r': flags |= FLAME_REVERSE; break;
		case 's': so.search_color = optarg; break;
		case 'u': so.subtitle = optarg; break;
		case 't': so.title = optarg; break;
		case 'z': so.truncate_right = 1; break;
		case 'w': so.width = (int)arg_int(optarg, 100, 1000000, "--width"); break;
		default: return EXIT_USAGE;
		}
	}
	for (int i = optind; i < (optind < argc ? argc : optind + 1); i++) {
		FILE *in = i < argc && strcmp(argv[i], "-") != 0 ? fopen(argv[i], "r") : stdin;
		char *buf = NULL;
		size_t bcap = 0;
		ssize_t n;

		if (in == NULL)
			die("%s: cannot open:", argv[i]);
		while ((n = getline(&buf, &bcap, in)) != -1) {
			struct folded_line fl;
			const char *why;
			int r;

			if (n > 0 && buf[n - 1] == '\n')
				n--;
			r = folded_parse(buf, (size_t)n, &kind, &fl, &why);
			if (r != FOLDED_STACK && r != FOLDED_ROUNDED)
				continue;
			if (nlines == cap)
				lines = xrealloc(lines, (cap = cap ? cap * 2 : 256) * sizeof(*lines));
			lines[nlines].stack = xmemdup(fl.stack, fl.len);
			lines[nlines].len = fl.len;
			lines[nlines].n[0] = fl.n[0];
			lines[nlines].n[1] = fl.n[1];
			nlines++;
		}
		free(buf);
		if (in != stdin)
			fclose(in);
	}

	struct flame *f = flame_new(flags, kind == FOLDED_DIFF);
	for (size_t i = 0; i < nlines; i++) {
		flame_add(f, lines[i].stack, lines[i].len, lines[i].n);
		free(lines[i].stack);
	}
	free(lines);

	count_t total = f->v[0].total[0], cut = 0;
	size_t k = strlen(minwidth);
	if (k > 0 && minwidth[k - 1] == '%') {
		char *num = xmemdup(minwidth, k - 1);
		cut = (count_t)((double)total * arg_real(num, 0, 100, "--minwidth") / 100);
		free(num);
	} else {
		so.minwidth = arg_real(minwidth, 0, 1e6, "--minwidth");
		cut = (count_t)((double)total * so.minwidth / (so.width - 20 > 1 ? so.width - 20 : 1));
	}
	flame_finish(f, cut);
	if (svg_write(stdout, f, &so, err, sizeof(err)) < 0) {
		warn("%s", err);
		flame_free(f);
		return EXIT_USAGE;
	}
	flame_free(f);
	return util_fshut(stdout, "stdout") < 0 ? EXIT_FINDING : EXIT_OK;
}
