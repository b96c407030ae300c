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
#include "flame/palette.h"
#include "flame/svg.h"
#include "folded/folded.h"
#include "folded/meta.h"
#include "folded/transform.h"
#include "input/input.h"

static const char synopsis[] =
"usage: prof-flame [-j n] [-o file] [--format format] [--title text]\n"
"                  [--subtitle text] [--width px] [--height px] [--minwidth px|n%]\n"
"                  [--fonttype font] [--fontsize size] [--fontwidth width]\n"
"                  [--countname name] [--nametype text] [--notes text]\n"
"                  [--colors palette] [--bgcolors color] [--hash] [--random]\n"
"                  [--cp file] [--reverse] [--inverted] [--flamechart] [--negate]\n"
"                  [--factor f] [--search-color color] [--truncate-text-right]\n"
"                  [--focus regex] [--ignore regex] [--hide regex] [file ...]\n"
"       prof-flame --format dot|graph [-j n] [-o file] [--title text]\n"
"                  [--subtitle text] [--focus regex] [--ignore regex]\n"
"                  [--hide regex] [--negate] [--nodes n] [--node-fraction f]\n"
"                  [--edge-fraction f] [file ...]\n";

static const char options_help[] =
"\n"
"Reads folded stacks (two counts: a differential profile); writes a graph.\n"
"  -j, --jobs n          threads that read the inputs (default: the CPUs)\n"
"  -o, --output file     write to file, atomically (default: stdout)\n"
"  --format format       svg (default), html, text or speedscope; the call\n"
"                        graph: dot (Graphviz text) or graph (its SVG)\n"
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
"  --focus regex         only stacks through a matching frame (ERE)\n"
"  --ignore regex        drop stacks through a matching frame\n"
"  --hide regex          remove matching frames, keeping the stacks\n"
"  --nodes n             call graph: the n heaviest functions (default 80; 0: all)\n"
"  --node-fraction f     call graph: drop functions of cum <= f of the total\n"
"                        (default 0.005)\n"
"  --edge-fraction f     call graph: drop calls of <= f of the total (default 0.001)\n"
"  --help                this text\n"
"  --version             the version, and exit\n"
"See prof-flame(1), prof-folded(5) and prof(7).\n";

enum {
	OPT_BG = 256, OPT_COLORS, OPT_COUNTNAME, OPT_CP, OPT_EDGEFRAC, OPT_FACTOR,
	OPT_FLAMECHART, OPT_FOCUS, OPT_FONTSIZE, OPT_FONTTYPE, OPT_FONTWIDTH, OPT_FORMAT,
	OPT_HASH, OPT_HEIGHT, OPT_HELP, OPT_HIDE, OPT_IGNORE, OPT_INVERTED, OPT_MINWIDTH,
	OPT_NAMETYPE, OPT_NEGATE, OPT_NODEFRAC, OPT_NODES, OPT_NOTES, OPT_RANDOM, OPT_REVERSE,
	OPT_SEARCH, OPT_SUBTITLE, OPT_TITLE, OPT_TRUNC, OPT_VERSION, OPT_WIDTH
};

static const struct option longopts[] = {
	{ "bgcolors", required_argument, NULL, OPT_BG },
	{ "colors", required_argument, NULL, OPT_COLORS },
	{ "countname", required_argument, NULL, OPT_COUNTNAME },
	{ "cp", required_argument, NULL, OPT_CP },
	{ "edge-fraction", required_argument, NULL, OPT_EDGEFRAC },
	{ "factor", required_argument, NULL, OPT_FACTOR },
	{ "flamechart", no_argument, NULL, OPT_FLAMECHART },
	{ "focus", required_argument, NULL, OPT_FOCUS },
	{ "fontsize", required_argument, NULL, OPT_FONTSIZE },
	{ "fonttype", required_argument, NULL, OPT_FONTTYPE },
	{ "fontwidth", required_argument, NULL, OPT_FONTWIDTH },
	{ "format", required_argument, NULL, OPT_FORMAT },
	{ "hash", no_argument, NULL, OPT_HASH },
	{ "height", required_argument, NULL, OPT_HEIGHT },
	{ "help", no_argument, NULL, OPT_HELP },
	{ "hide", required_argument, NULL, OPT_HIDE },
	{ "ignore", required_argument, NULL, OPT_IGNORE },
	{ "version", no_argument, NULL, OPT_VERSION },
	{ "inverted", no_argument, NULL, OPT_INVERTED },
	{ "jobs", required_argument, NULL, 'j' },
	{ "minwidth", required_argument, NULL, OPT_MINWIDTH },
	{ "nametype", required_argument, NULL, OPT_NAMETYPE },
	{ "negate", no_argument, NULL, OPT_NEGATE },
	{ "node-fraction", required_argument, NULL, OPT_NODEFRAC },
	{ "nodes", required_argument, NULL, OPT_NODES },
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

/*
 * The flame tree of the stacks of table t (two counts each when diff),
 * not finished: added as one reading thread adds them, so the tree is
 * the one the inputs would have made unfiltered.
 */
static struct flame *
flame_of_table(struct stacktable *t, int diff, int flags, const struct flame_cut *cut)
{
	struct flame_reader *rd = flame_reader_new(flags & FLAME_REVERSE);
	struct stacktable_entry *e, *tmp;
	struct flame *f;

	HASH_ITER(hh, t->head, e, tmp)
		flame_reader_add(rd, e->key, e->len, e->n);
	f = flame_from_flat(&rd->tab, 1, diff, flags & ~FLAME_REVERSE, cut);
	flame_reader_free(rd);
	return f;
}

int
main(int argc, char *argv[])
{
	struct svg_opts so;
	struct input g = { .format = INPUT_FOLDED, .plain_pprof = 1 };
	struct meta meta = { 0 };
	struct flame *f = NULL;
	struct flame_cut cut;
	struct outfile *of;
	struct flame_reader **rd;
	struct stacktable_flat **tabs;
	struct transform_opts xo = { 0 };
	count_t whole[2];       /* the profile's total, before the filters */
	struct callgraph_opts co = {
		.node_fraction = CALLGRAPH_NODE_FRACTION, .edge_fraction = CALLGRAPH_EDGE_FRACTION,
		.max_nodes = CALLGRAPH_NODES,
	};
	const char *ofile = "-", *minwidth = NULL, *graph_opt = NULL;
	int c, flags = 0, format = FLAMEOUT_SVG, status = EXIT_OK, callgraph, table = 0;
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
			/* checked here, as a choice is, so that the message
			 * (and the completions made from it) lists them */
			if (palette_find(optarg) < 0)
				die("--colors: '%s' is not a palette; use %s", optarg, palette_names);
			so.palette = optarg;
			break;
		case OPT_COUNTNAME:
			so.count_name = optarg;
			break;
		case OPT_CP:
			so.cp_file = optarg;
			break;
		case OPT_EDGEFRAC:
			co.edge_fraction = arg_real(optarg, 0, 1, "--edge-fraction");
			graph_opt = "--edge-fraction";
			break;
		case OPT_FACTOR:
			so.factor = arg_real(optarg, 0.000000001, 1000000000000, "--factor");
			break;
		case OPT_FLAMECHART:
			flags |= FLAME_CHART;
			so.flamechart = 1;
			break;
		case OPT_FOCUS:
			xregfree(xo.focus);
			xo.focus = xregcomp(optarg, "--focus");
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
		case OPT_HIDE:
			xregfree(xo.hide);
			xo.hide = xregcomp(optarg, "--hide");
			break;
		case OPT_IGNORE:
			xregfree(xo.ignore);
			xo.ignore = xregcomp(optarg, "--ignore");
			break;
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
		case OPT_NODEFRAC:
			co.node_fraction = arg_real(optarg, 0, 1, "--node-fraction");
			graph_opt = "--node-fraction";
			break;
		case OPT_NODES:
			co.max_nodes = (size_t)arg_int(optarg, 0, 1000000, "--nodes");
			graph_opt = "--nodes";
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
	callgraph = flameout_is_callgraph(format);
	if (callgraph && ((flags & (FLAME_CHART | FLAME_REVERSE)) || so.inverted))
		die("--format %s: a call graph has no %s", flameout_formats[format],
		    flags & FLAME_CHART ? "--flamechart" : flags & FLAME_REVERSE ? "--reverse" :
		    "--inverted");
	if (!callgraph && graph_opt != NULL)
		die("%s: only a call graph's (--format dot or graph)", graph_opt);
	/* A flame chart draws the stacks as they come, never summed. */
	if ((flags & FLAME_CHART) && transform_active(&xo))
		die("--flamechart: the stacks are drawn as read; --focus, --ignore and --hide do not apply");
	co.negate = (flags & FLAME_NEGATE) != 0;

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
	} else if (callgraph || transform_active(&xo)) {
		/* The stacks whole in one table: the filters and the call
		 * graph look at each stack as a whole. */
		table = 1;
		input_init(&g);
		if ((status = input_files(&g, argc, argv)) == EXIT_OK) {
			memcpy(whole, g.tab->total, sizeof(whole));
			if (transform_active(&xo))
				g.tab = transform_apply(g.tab, &xo);
			meta_merge(&meta, &g.meta, 1);
			if (!callgraph)
				f = flame_of_table(g.tab, g.kind == FOLDED_DIFF, flags, &cut);
		}
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
		}
		for (int i = 0; i < g.jobs; i++)
			flame_reader_free(rd[i]);
		free(rd);
		free(tabs);
		input_free(&g);
	}
	if (status == EXIT_OK && callgraph) {
		if (flameout_callgraph(outfile_fp(of), format, g.tab, g.kind == FOLDED_DIFF, whole, &co,
		    &so, &meta, err, sizeof(err)) < 0) {
			warn("%s", err);
			status = EXIT_USAGE;
		}
	} else if (status == EXIT_OK) {
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
	if (table)
		input_free(&g);
	flame_free(f);
	meta_free(&meta);
	xregfree(xo.focus);
	xregfree(xo.ignore);
	xregfree(xo.hide);
	return status;
}
