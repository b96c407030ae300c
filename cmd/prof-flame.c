/* prof-flame: folded stacks to a flame graph.  See prof-flame(1). */
#include <fcntl.h>
#include <getopt.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/count.h"
#include "flame/flame.h"
#include "flame/flamehtml.h"
#include "flame/flametext.h"
#include "folded/folded.h"
#include "folded/meta.h"
#include "folded/stream.h"
#include "input/input.h"
#include "core/arg.h"
#include "core/outfile.h"
#include "flame/speedscope.h"
#include "folded/stacktable.h"
#include "flame/svg.h"
#include "core/util.h"

static const char synopsis[] =
"usage: prof-flame [-o file] [--format format] [--title text] [--subtitle text]\n"
"                  [--width px] [--height px] [--minwidth px|n%] [--fonttype font]\n"
"                  [--fontsize size] [--fontwidth width] [--countname name]\n"
"                  [--nametype text] [--notes text] [--colors palette]\n"
"                  [--bgcolors color] [--hash] [--random] [--cp file] [--reverse]\n"
"                  [--inverted] [--flamechart] [--negate] [--factor f]\n"
"                  [--search-color color] [--truncate-text-right] [file ...]\n";

static const char options_help[] =
"\n"
"Reads folded stacks (two counts: a differential profile); writes a graph.\n"
"  -o file               write to file, atomically (default: stdout)\n"
"  --format format       svg (default), html, text or speedscope\n"
"  --title, --subtitle   the graph's title (default from the metadata)\n"
"  --width px            image width (default 1200)\n"
"  --height px           frame height (default 16)\n"
"  --minwidth px|n%      frames narrower are not drawn (default 0.1 px; text 1%)\n"
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
"See prof-flame(1) and prof-folded(5).\n";

static void __attribute__((noreturn))
usage(void)
{
	fputs(synopsis, stderr);
	exit(EXIT_USAGE);
}

enum {
	OPT_BG = 256, OPT_COLORS, OPT_COUNTNAME, OPT_CP, OPT_FACTOR, OPT_FLAMECHART,
	OPT_FONTSIZE, OPT_FONTTYPE, OPT_FONTWIDTH, OPT_FORMAT, OPT_HASH, OPT_HEIGHT,
	OPT_HELP, OPT_INVERTED, OPT_MINWIDTH, OPT_NAMETYPE, OPT_NEGATE, OPT_NOTES,
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
	{ "inverted", no_argument, NULL, OPT_INVERTED },
	{ "minwidth", required_argument, NULL, OPT_MINWIDTH },
	{ "nametype", required_argument, NULL, OPT_NAMETYPE },
	{ "negate", no_argument, NULL, OPT_NEGATE },
	{ "notes", required_argument, NULL, OPT_NOTES },
	{ "random", no_argument, NULL, OPT_RANDOM },
	{ "reverse", no_argument, NULL, OPT_REVERSE },
	{ "search-color", required_argument, NULL, OPT_SEARCH },
	{ "subtitle", required_argument, NULL, OPT_SUBTITLE },
	{ "title", required_argument, NULL, OPT_TITLE },
	{ "truncate-text-right", no_argument, NULL, OPT_TRUNC },
	{ "width", required_argument, NULL, OPT_WIDTH },
	{ NULL, 0, NULL, 0 }
};

enum { FMT_SVG, FMT_HTML, FMT_TEXT, FMT_SPEEDSCOPE };

/* A flame chart keeps the input's order, so it reads lines as they come
 * (stream) rather than through the (summing, sorting) stack table. */
static int
read_ordered(struct flame **fp, int flags, int fd, const char *name, struct meta *meta, uint64_t *bad_total)
{
	struct stream fs;
	struct folded_line fl;

	stream_open(&fs, fd, name, (*fp) ? ((*fp)->diff ? FOLDED_DIFF : FOLDED_SINGLE) : FOLDED_UNKNOWN);
	while (stream_next(&fs, &fl) > 0) {
		if (*fp == NULL)
			*fp = flame_new(flags, fs.kind == FOLDED_DIFF);
		flame_add(*fp, fl.stack, fl.len, fl.n);
	}
	meta_update(meta, &fs.meta);
	*bad_total += fs.bad;
	stream_close(&fs);
	return 0;
}

/* The count under which a frame is too narrow to draw. */
static count_t
cut_of(count_t total, double min_pct, double min_px, int width)
{
	if (min_pct > 0)
		return (count_t)((double)total * min_pct / 100);
	if (min_px > 0)
		return (count_t)((double)total * min_px / (width - 20 > 1 ? width - 20 : 1));
	return 0;
}

/* The table of the stacks read leaf first; the old table is freed. */
static struct stacktable *
reverse_stacks(struct stacktable *t)
{
	struct stacktable *r = stacktable_new();
	struct stacktable_entry *e, *tmp;
	char *buf = NULL;
	size_t cap = 0;

	HASH_ITER(hh, t->head, e, tmp) {
		const char *end = e->key + e->len;
		size_t k = 0;
		if (e->len + 1 > cap)
			buf = xrealloc(buf, cap = e->len + 1);
		for (;;) {
			const char *semi = end;
			while (semi > e->key && semi[-1] != ';')
				semi--;
			memcpy(buf + k, semi, (size_t)(end - semi));
			k += (size_t)(end - semi);
			if (semi == e->key)
				break;
			buf[k++] = ';';
			end = semi - 1;
		}
		stacktable_add(r, buf, k, e->n);
	}
	free(buf);
	stacktable_free(t);
	return r;
}

/* The defaults a profile's metadata suggests (prof-folded(5) keys). */
static void
from_meta(const struct meta *m, struct svg_opts *so, const char **countname)
{
	const char *unit = meta_get(m, "unit"), *type = meta_get(m, "type");
	const char *command = meta_get(m, "command");
	static char title[512];

	if (*countname == NULL && unit != NULL)
		*countname = strcmp(unit, "nanoseconds") == 0 ? "ns" : unit;
	if (so->palette == NULL && type != NULL) {
		if (strcmp(type, "memory") == 0)
			so->palette = "mem";
		else if (strcmp(type, "offcpu") == 0 || strcmp(type, "wall") == 0 || strcmp(type, "lock") == 0)
			so->palette = "io";
	}
	if (so->title == NULL && (type != NULL || command != NULL)) {
		const char *kind = type == NULL ? "Profile" : strcmp(type, "cpu") == 0 ? "CPU" :
		    strcmp(type, "offcpu") == 0 ? "Off-CPU" : strcmp(type, "wall") == 0 ? "Wall clock" :
		    strcmp(type, "memory") == 0 ? "Memory" : strcmp(type, "lock") == 0 ? "Locks" :
		    strcmp(type, "diff") == 0 ? "Differential" : type;
		snprintf(title, sizeof(title), "%s%s%s", kind, command ? ": " : "", command ? command : "");
		so->title = title;
	}
}

int
main(int argc, char *argv[])
{
	struct svg_opts so;
	struct input g = { 0 };
	struct meta meta = { 0 };
	struct flame *f = NULL;
	const char *ofile = "-", *countname = NULL, *minwidth = NULL;
	int c, flags = 0, format = FMT_SVG, status = EXIT_OK;
	uint64_t bad = 0;
	char err[512];

	util_setprog(argv[0]);
	svg_defaults(&so);
	so.count_name = NULL;
	so.palette = NULL;
	so.title = NULL;
	while ((c = getopt_long(argc, argv, "o:", longopts, NULL)) != -1) {
		switch (c) {
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
			countname = optarg;
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
			if (strcmp(optarg, "svg") == 0)
				format = FMT_SVG;
			else if (strcmp(optarg, "html") == 0)
				format = FMT_HTML;
			else if (strcmp(optarg, "text") == 0)
				format = FMT_TEXT;
			else if (strcmp(optarg, "speedscope") == 0)
				format = FMT_SPEEDSCOPE;
			else
				die("--format: '%s' is not a format; use svg, html, text or speedscope", optarg);
			break;
		case OPT_HASH:
			so.hash = 1;
			break;
		case OPT_HEIGHT:
			so.frame_height = (int)arg_int(optarg, 4, 1000, "--height");
			break;
		case OPT_HELP:
			fputs(synopsis, stdout);
			fputs(options_help, stdout);
			return util_fshut(stdout, "stdout") < 0 ? EXIT_FINDING : EXIT_OK;
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
			usage();
		}
	}
	argc -= optind;
	argv += optind;

	/* The cut: --minwidth in pixels of the image, or a percentage. */
	double min_px = format == FMT_SVG || format == FMT_HTML ? 0.1 : 0, min_pct = format == FMT_TEXT ? 1 : 0;
	if (minwidth != NULL) {
		size_t k = strlen(minwidth);
		if (k > 0 && minwidth[k - 1] == '%') {
			char *num = xmemdup(minwidth, k - 1);
			min_pct = arg_real(num, 0, 100, "--minwidth");
			min_px = 0;
			free(num);
		} else {
			min_px = arg_real(minwidth, 0, 1e6, "--minwidth");
			min_pct = 0;
		}
	}
	so.minwidth = min_px;

	signal(SIGPIPE, SIG_IGN);
	struct outfile *of = outfile_open(ofile);
	FILE *out = outfile_fp(of);
	if (!(flags & FLAME_CHART)) {
		g.jobs = input_default_jobs();
		g.format = INPUT_FOLDED;
		input_init(&g);
	}
	if (flags & FLAME_CHART) {
		for (int i = 0; i < (argc ? argc : 1); i++) {
			const char *name = argc ? argv[i] : "-";
			int fd = 0, std = strcmp(name, "-") == 0;

			if (!std && (fd = open(name, O_RDONLY)) < 0) {
				warn("%s: cannot open:", name);
				status = EXIT_USAGE;
				continue;
			}
			read_ordered(&f, flags, fd, std ? "stdin" : name, &meta, &bad);
			if (!std)
				close(fd);
		}
	} else {
		status = input_files(&g, argc, argv);
	}
	if (status != EXIT_OK) {
		outfile_discard(of);
		goto done;
	}
	if (!(flags & FLAME_CHART)) {
		size_t n;
		struct stacktable_entry **v;

		/* Reversed stacks are built as stacks of their own, so that all
		 * go in frame order and merge without a lookup table. */
		if (flags & FLAME_REVERSE) {
			g.tab = reverse_stacks(g.tab);
			flags &= ~FLAME_REVERSE;
		}
		v = stacktable_sorted(g.tab, &n);
		flame_sort(v, n);
		f = flame_new(flags | FLAME_SORTED, g.kind == FOLDED_DIFF);
		/* the width count's total, known before the tree is built, so
		 * that frames too narrow are dropped as they are added */
		int wi = g.kind == FOLDED_DIFF && !(flags & FLAME_NEGATE) ? 1 : 0;
		flame_set_cut(f, cut_of(g.tab->total[wi], min_pct, min_px, so.width));
		for (size_t i = 0; i < n; i++)
			flame_add(f, v[i]->key, v[i]->len, v[i]->n);
		free(v);
		meta_merge(&meta, &g.meta, 1);
	} else if (f == NULL) {
		f = flame_new(flags, 0);
	}
	from_meta(&meta, &so, &countname);
	if (countname != NULL)
		so.count_name = countname;
	else
		so.count_name = "samples";
	if (so.palette == NULL)
		so.palette = "hot";

	flame_finish(f, cut_of(f->v[0].total[0], min_pct, min_px, so.width));

	switch (format) {
	case FMT_SVG:
		if (svg_write(out, f, &so, err, sizeof(err)) < 0) {
			warn("%s", err);
			status = EXIT_USAGE;
		}
		break;
	case FMT_HTML:
		if (flamehtml_write(out, f, &so, err, sizeof(err)) < 0) {
			warn("%s", err);
			status = EXIT_USAGE;
		}
		break;
	case FMT_TEXT:
		flametext_write(out, f, so.count_name, so.factor, isatty(fileno(out)) && getenv("NO_COLOR") == NULL);
		break;
	case FMT_SPEEDSCOPE:
		speedscope_write(out, f, so.title ? so.title : "profile", meta_get(&meta, "unit"));
		break;
	}
	/* On an error, no output rather than a partial one. */
	if (status != EXIT_OK)
		outfile_discard(of);
	else if (outfile_commit(of) < 0)
		status = EXIT_FINDING;
done:
	flame_free(f);
	if (!(flags & FLAME_CHART))
		input_free(&g);
	meta_free(&meta);
	(void)bad;
	return status;
}
