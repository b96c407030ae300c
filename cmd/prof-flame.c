/* prof-flame: folded stacks to a flame graph.  See prof-flame(1). */
#include <getopt.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>

#include "core/arg.h"
#include "core/outfile.h"
#include "core/util.h"
#include "flame/flame.h"
#include "flame/flameout.h"
#include "flame/svg.h"
#include "folded/folded.h"
#include "folded/meta.h"
#include "input/input.h"

static const char synopsis[] =
"usage: prof-flame [-j n] [-o file] [--format format] [--title text]\n"
"                  [--subtitle text] [--width px] [--height px] [--minwidth px|n%]\n"
"                  [--fonttype font] [--fontsize size] [--fontwidth width]\n"
"                  [--countname name] [--nametype text] [--notes text]\n"
"                  [--colors palette] [--bgcolors color] [--hash] [--random]\n"
"                  [--cp file] [--reverse] [--inverted] [--flamechart] [--negate]\n"
"                  [--factor f] [--search-color color] [--truncate-text-right]\n"
"                  [file ...]\n";

static const char options_help[] =
"\n"
"Reads folded stacks (two counts: a differential profile); writes a graph.\n"
"  -j, --jobs n          threads that read the inputs (default: the CPUs)\n"
"  -o, --output file     write to file, atomically (default: stdout)\n"
"  --format format       svg (default), html, text or speedscope\n"
"  --title, --subtitle   the graph's title (default from the metadata)\n"
"  --width px            image width (default 1200)\n"
"  --height px           frame height (default 16)\n"
"  --minwidth px|n%      frames narrower are not drawn (default 0.01%; text 1%)\n"
"  --fonttype, --fontsize, --fontwidth   the text's font\n"
"  --countname name      what a count is (default from the unit: samples)\n"
"  --nametype text       tooltip prefix (default \"Function:\")\n"
"  --notes text          a note in the SVG\n"
"  --colors palette      hot, mem, io, wakeup, chain, java, js, perl, python,\n"
"                        rust, red, green, blue, aqua, yellow, purple, orange\n"
"  --bgcolors color      yellow, blue, green, grey or #rrggbb\n"
"  --hash, --random      colour by name hash, or at random\n"
"  --cp file             a palette map shared between graphs\n"
"  --reverse             merge stacks from the leaf (who calls this)\n"
"  --inverted            icicle graph, root at the top\n"
"  --flamechart          keep the input order: x is time\n"
"  --negate              differential: width from the first count\n"
"  --factor f            multiply the counts shown\n"
"  --search-color color  colour of search matches\n"
"  --truncate-text-right cut long names on the right\n"
"  --help                this text\n"
"  --version             the version, and exit\n"
"See prof-flame(1) and prof-folded(5).\n";

enum {
	OPT_BG = 256, OPT_COLORS, OPT_COUNTNAME, OPT_CP, OPT_FACTOR, OPT_FLAMECHART,
	OPT_FONTSIZE, OPT_FONTTYPE, OPT_FONTWIDTH, OPT_FORMAT, OPT_HASH, OPT_HEIGHT,
	OPT_HELP, OPT_VERSION, OPT_INVERTED, OPT_MINWIDTH, OPT_NAMETYPE, OPT_NEGATE, OPT_NOTES,
	OPT_RANDOM, OPT_REVERSE, OPT_SEARCH, OPT_SUBTITLE, OPT_TITLE, OPT_TRUNC, OPT_WIDTH
};

static const struct option longopts[] = {
	{ "bgcolors", required_argument, NULL, OPT_BG },
	{ "colors", required_argument, NULL, OPT_COLORS },
	{ "countname", required_argument, NULL, OPT_COUNTNAME },
	{ "cp", required_argument, NULL, OPT_CP },
	{ "factor", required_argument, NULL, OPT_FACTOR },
	{ "flamechart", no_argument, NULL, OPT_FLAMECHART },
	{ "fontsize", required_argument, NULL, OPT_FONTSIZE },
	{ "fonttype", required_argument, NULL, OPT_FONTTYPE },
	{ "fontwidth", required_argument, NULL, OPT_FONTWIDTH },
	{ "format", required_argument, NULL, OPT_FORMAT },
	{ "hash", no_argument, NULL, OPT_HASH },
	{ "height", required_argument, NULL, OPT_HEIGHT },
	{ "help", no_argument, NULL, OPT_HELP },
	{ "version", no_argument, NULL, OPT_VERSION },
	{ "inverted", no_argument, NULL, OPT_INVERTED },
	{ "jobs", required_argument, NULL, 'j' },
	{ "minwidth", required_argument, NULL, OPT_MINWIDTH },
	{ "nametype", required_argument, NULL, OPT_NAMETYPE },
	{ "negate", no_argument, NULL, OPT_NEGATE },
	{ "notes", required_argument, NULL, OPT_NOTES },
	{ "output", required_argument, NULL, 'o' },
	{ "random", no_argument, NULL, OPT_RANDOM },
	{ "reverse", no_argument, NULL, OPT_REVERSE },
	{ "search-color", required_argument, NULL, OPT_SEARCH },
	{ "subtitle", required_argument, NULL, OPT_SUBTITLE },
	{ "title", required_argument, NULL, OPT_TITLE },
	{ "truncate-text-right", no_argument, NULL, OPT_TRUNC },
	{ "width", required_argument, NULL, OPT_WIDTH },
	{ NULL, 0, NULL, 0 }
};

int
main(int argc, char *argv[])
{
	struct svg_opts so;
	struct input g = { .format = INPUT_FOLDED, .plain_pprof = 1 };
	struct meta meta = { 0 };
	struct flame *f;
	struct flame_cut cut;
	struct outfile *of;
	struct flame_reader **rd;
	struct stacktable_flat **tabs;
	const char *ofile = "-", *minwidth = NULL;
	int c, flags = 0, format = FLAMEOUT_SVG, status = EXIT_OK;
	char err[512];

	argv[0] = util_setprog(argv[0]);
	svg_defaults(&so);
	so.count_name = NULL;
	so.palette = NULL;
	so.title = NULL;
	g.jobs = input_default_jobs();
	while ((c = getopt_long(argc, argv, "j:o:", longopts, NULL)) != -1) {
		switch (c) {
		case 'j':
			g.jobs = (int)arg_int(optarg, 1, 256, "--jobs");
			break;
		case 'o':
			ofile = optarg;
			break;
		case OPT_BG:
			so.bgcolors = optarg;
			break;
		case OPT_COLORS:
			so.palette = optarg;
			break;
		case OPT_COUNTNAME:
			so.count_name = optarg;
			break;
		case OPT_CP:
			so.cp_file = optarg;
			break;
		case OPT_FACTOR:
			so.factor = arg_real(optarg, 0.000000001, 1000000000000, "--factor");
			break;
		case OPT_FLAMECHART:
			flags |= FLAME_CHART;
			so.flamechart = 1;
			break;
		case OPT_FONTSIZE:
			so.font_size = arg_real(optarg, 1, 200, "--fontsize");
			break;
		case OPT_FONTTYPE:
			so.font_type = optarg;
			break;
		case OPT_FONTWIDTH:
			so.font_width = arg_real(optarg, 0.05, 5, "--fontwidth");
			break;
		case OPT_FORMAT:
			format = arg_choice(optarg, flameout_formats, "a format", "--format");
			break;
		case OPT_HASH:
			so.hash = 1;
			break;
		case OPT_HEIGHT:
			so.frame_height = (int)arg_int(optarg, 4, 1000, "--height");
			break;
		case OPT_HELP:
			return arg_help(synopsis, options_help);
		case OPT_VERSION:
			return arg_version();
		case OPT_INVERTED:
			so.inverted = 1;
			break;
		case OPT_MINWIDTH:
			minwidth = optarg;
			break;
		case OPT_NAMETYPE:
			so.name_type = optarg;
			break;
		case OPT_NEGATE:
			flags |= FLAME_NEGATE;
			break;
		case OPT_NOTES:
			so.notes = optarg;
			break;
		case OPT_RANDOM:
			so.random = 1;
			break;
		case OPT_REVERSE:
			flags |= FLAME_REVERSE;
			break;
		case OPT_SEARCH:
			so.search_color = optarg;
			break;
		case OPT_SUBTITLE:
			so.subtitle = optarg;
			break;
		case OPT_TITLE:
			so.title = optarg;
			break;
		case OPT_TRUNC:
			so.truncate_right = 1;
			break;
		case OPT_WIDTH:
			so.width = (int)arg_int(optarg, 100, 1000000, "--width");
			break;
		default:
			arg_usage(synopsis);
		}
	}
	argc -= optind;
	argv += optind;

	/* The cut: --minwidth in pixels of the image, or a percentage.  A
	 * graph's default is inferno's, 0.01%: about flamegraph.pl's 0.1
	 * pixel at the default width, but the same frames at any width. */
	cut.px = 0;
	cut.pct = format == FLAMEOUT_TEXT ? 1 :
	    format == FLAMEOUT_SVG || format == FLAMEOUT_HTML ? 0.01 : 0;
	cut.width = so.width;
	if (minwidth != NULL) {
		size_t k = strlen(minwidth);
		if (k > 0 && minwidth[k - 1] == '%') {
			char *num = xmemdup(minwidth, k - 1);
			cut.pct = arg_real(num, 0, 100, "--minwidth");
			cut.px = 0;
			free(num);
		} else {
			cut.px = arg_real(minwidth, 0, 1e6, "--minwidth");
			cut.pct = 0;
		}
	}
	so.minwidth = cut.px;

	signal(SIGPIPE, SIG_IGN);
	of = outfile_open(ofile);
	if (flags & FLAME_CHART) {
		f = flame_chart(flags, argc, argv, &meta, &status);
	} else {
		/* Each reading thread keeps its stacks apart (reversed ones are
		 * stacks of their own, so that they too go in frame order). */
		rd = xcalloc((size_t)g.jobs, sizeof(*rd));
		tabs = xcalloc((size_t)g.jobs, sizeof(*tabs));
		for (int i = 0; i < g.jobs; i++) {
			rd[i] = flame_reader_new(flags & FLAME_REVERSE);
			tabs[i] = rd[i]->tab;
		}
		g.sink = flame_reader_add;
		g.sink_args = (void **)rd;
		input_init(&g);
		if ((status = input_files(&g, argc, argv)) == EXIT_OK) {
			f = flame_from_flat(tabs, g.jobs, g.kind == FOLDED_DIFF, flags & ~FLAME_REVERSE, &cut);
			meta_merge(&meta, &g.meta, 1);
		} else {
			f = NULL;
		}
		for (int i = 0; i < g.jobs; i++)
			flame_reader_free(rd[i]);
		free(rd);
		free(tabs);
		input_free(&g);
	}
	if (status == EXIT_OK) {
		flame_finish(f, flame_cut_count(&cut, f->v[0].total[0]));
		if (flameout_write(outfile_fp(of), format, f, &so, &meta, err, sizeof(err)) < 0) {
			warn("%s", err);
			status = EXIT_USAGE;
		}
	}
	/* On an error, no output rather than a partial one. */
	if (status != EXIT_OK)
		outfile_discard(of);
	else if (outfile_commit(of) < 0)
		status = EXIT_FINDING;
	flame_free(f);
	meta_free(&meta);
	return status;
}
