/* prof-record: sample a command or running processes.  See prof-record(1). */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/arg.h"
#include "core/conf.h"
#include "core/outfile.h"
#include "core/table.h"
#include "core/util.h"
#include "live/livesession.h"
#include "live/procstats.h"
#include "live/serve.h"
#include "record/io.h"
#include "record/session.h"
#include "record/unwind.h"

static const char synopsis[] =
"usage: prof-record [-F hz] [-d seconds] [-o file] [--format name]\n"
"                   [--type type] [--weight what]\n"
"                   [--alloc-rate bytes] [--view view]\n"
"                   [--max-stack n] [--lines] [--no-inline] [--pid | --tid]\n"
"                   [--kernel | --user-only] [--stack-size bytes] [--sampler name]\n"
"                   [--unwinder name] [--addrs] [--debuginfod] [--] command [arg ...]\n"
"       prof-record -p pid[,pid...] [-F hz] [-d seconds] [-o file] [--type type]\n"
"                   [options]\n"
"       prof-record --start [options] (-p pid | [--] command ...)\n"
"       prof-record --list [--format table|json] [--output-dir dir]\n"
"       prof-record --stop id [--output-dir dir]\n"
"       prof-record --type stats -p pid[,pid...] [--format name]\n"
"                   [--interval seconds [--count n]] [-o file]\n"
"       prof-record --serve [addr:]port [--auto-profile seconds] [--keep n]\n"
"                   [options] (-p pid[,pid...] | [--] command [arg ...])\n"
"       prof-record --auto-profile seconds [--keep n] [-d seconds] [options]\n"
"                   (-p pid[,pid...] | [--] command [arg ...])\n";

static const char options_help[] =
"\n"
"Samples stacks; writes folded stacks (prof-folded(5)).\n"
"  -F hz                 samples a second (default 99; prof.conf, PROF_FREQ)\n"
"  -d, --duration seconds\n"
"                        stop after this long (the command's process group\n"
"                        gets SIGTERM)\n"
"  -o, --output file     write to file, atomically (default: stdout; the\n"
"                        command's stdout then goes to stderr)\n"
"  --format name         folded (default) or pprof (pprof's profile.proto,\n"
"                        gzipped; unnamed frames are addresses in their\n"
"                        files, by build-id, for pprof to name); --list:\n"
"                        table (default) or json; --type stats: table\n"
"                        (default), json or yaml\n"
"  -p pid[,pid...]       attach to running processes instead\n"
"  --max-stack n         keep at most n frames from the leaf\n"
"  --lines               frames carry their source file:line\n"
"  --no-inline           no frames of their own for inlined functions\n"
"  --alloc-rate bytes    --type memory: one sample per this many bytes\n"
"                        allocated, on average (default 524288); 1 records\n"
"                        every allocation\n"
"  --addrs               a frame without a name is MODULE+0xOFFSET (the\n"
"                        offset of its function in the file), not a guess\n"
"                        or [MODULE]\n"
"  --debuginfod          ask the debuginfod servers of DEBUGINFOD_URLS for\n"
"                        missing debugging information\n"
"  --pid, --tid          root frame comm-PID, or comm-PID/TID\n"
"  --kernel              time in the kernel too, its frames marked _[k] (the\n"
"                        default where the kernel permits it)\n"
"  --sampler name        perf (default; ptrace when perf_event_open is\n"
"                        refused) or ptrace (stop threads, at most 99 Hz)\n"
"  --stack-size bytes    user stack copied per sample (default 16384)\n"
"  --type type           cpu (on-CPU samples, the default), offcpu (time off\n"
"                        CPU, in ns), wall (both, in samples), io (system\n"
"                        calls on files), threads (a stack per thread, -p);\n"
"                        with the in-process agent: memory (bytes\n"
"                        allocated), lock (ns waited for mutexes), block\n"
"                        (ns in condition waits, semaphores, joins) or\n"
"                        threadcreate (threads created); stats (figures of\n"
"                        the processes of -p: memory, CPU, threads, fds,\n"
"                        I/O); prof.conf, PROF_TYPE\n"
"  --unwinder name       dwfl (default), libunwind, or compare (both, and\n"
"                        report the samples where they differ)\n"
"  --view view           --type memory: alloc-space (the default),\n"
"                        alloc-objects, inuse-space, inuse-objects (not\n"
"                        freed: the leaks), peak, or all (-o names a prefix)\n"
"  --user-only           user mode only: no time in the kernel, no _[k] frames\n"
"  --weight what         --type io: a call weighs its bytes (default), ns or\n"
"                        calls\n"
"  --start               record in the background: print the session's id,\n"
"                        return; the profile goes to DIR/ID.folded\n"
"  --list                the sessions of DIR: id, type, status, start,\n"
"                        elapsed, samples so far, target\n"
"  --stop id             end a session, wait for its profile, sum it up\n"
"  --output-dir dir      DIR, the sessions' directory, and --auto-profile's\n"
"                        (default tmp/profiles; prof.conf output-dir)\n"
"  --serve [addr:]port   serve /debug/pprof/ (Go's endpoints: profile, heap,\n"
"                        allocs, mutex, block, goroutine, threadcreate) and\n"
"                        /debug/stats on 127.0.0.1 or addr, until the command\n"
"                        or the processes end\n"
"  --auto-profile seconds\n"
"                        every this long, a CPU profile of -d seconds (default\n"
"                        10) into the output directory, cpu_TIME.pb.gz\n"
"  --keep n              --auto-profile: keep the last n profiles (default 10)\n"
"  --help                this text\n"
"  --version             the version, and exit\n"
"  --interval seconds    --type stats: a snapshot every this many seconds\n"
"  --count n             --type stats --interval: n snapshots (default: until\n"
"                        the processes end, or SIGINT)\n"
"See prof-record(1), prof.conf(5), prof-folded(5) and prof(7).\n";

static const char *const types[] = {
	"cpu", "threads", "offcpu", "wall", "io", "memory", "lock", "block", "threadcreate",
	"stats", NULL
};
enum {
	TYPE_CPU, TYPE_THREADS, TYPE_OFFCPU, TYPE_WALL, TYPE_IO, TYPE_MEMORY, TYPE_LOCK,
	TYPE_BLOCK, TYPE_THREADCREATE, TYPE_STATS
};
static const int session_type[] = {
	[TYPE_CPU] = SESSION_CPU, [TYPE_OFFCPU] = SESSION_OFFCPU,
	[TYPE_WALL] = SESSION_WALL, [TYPE_IO] = SESSION_IO, [TYPE_MEMORY] = SESSION_MEMORY,
	[TYPE_LOCK] = SESSION_LOCK, [TYPE_BLOCK] = SESSION_BLOCK,
	[TYPE_THREADCREATE] = SESSION_THREADCREATE
};
/* --view: the memory views, in the order of enum agentread_view, and all. */
static const char *const views[] = {
	"alloc-space", "alloc-objects", "inuse-space", "inuse-objects", "peak", "all", NULL
};
static const char *const weights[] = { "bytes", "ns", "calls", NULL };

enum {
	OPT_ADDRS = 256, OPT_ALLOCRATE, OPT_AUTOPROFILE, OPT_COUNT, OPT_DEBUGINFOD, OPT_DEPTH,
	OPT_FORMAT, OPT_HELP, OPT_VERSION, OPT_INTERVAL, OPT_KEEP, OPT_KERNEL, OPT_LINES, OPT_SERVE,
	OPT_MAXSTACK, OPT_NOINLINE, OPT_PID, OPT_SAMPLER, OPT_STACK, OPT_TID, OPT_TYPE,
	OPT_UNWINDER, OPT_USERONLY, OPT_VIEW, OPT_WEIGHT,
	OPT_LIST, OPT_OUTPUTDIR, OPT_START, OPT_STOP
};

static const struct option longopts[] = {
	{ "addrs", no_argument, NULL, OPT_ADDRS },
	{ "alloc-rate", required_argument, NULL, OPT_ALLOCRATE },
	{ "auto-profile", required_argument, NULL, OPT_AUTOPROFILE },
	{ "count", required_argument, NULL, OPT_COUNT },
	{ "debuginfod", no_argument, NULL, OPT_DEBUGINFOD },
	{ "depth", required_argument, NULL, OPT_DEPTH },
	{ "duration", required_argument, NULL, 'd' },
	{ "format", required_argument, NULL, OPT_FORMAT },
	{ "help", no_argument, NULL, OPT_HELP },
	{ "interval", required_argument, NULL, OPT_INTERVAL },
	{ "keep", required_argument, NULL, OPT_KEEP },
	{ "kernel", no_argument, NULL, OPT_KERNEL },
	{ "lines", no_argument, NULL, OPT_LINES },
	{ "list", no_argument, NULL, OPT_LIST },
	{ "max-stack", required_argument, NULL, OPT_MAXSTACK },
	{ "no-inline", no_argument, NULL, OPT_NOINLINE },
	{ "output", required_argument, NULL, 'o' },
	{ "output-dir", required_argument, NULL, OPT_OUTPUTDIR },
	{ "pid", no_argument, NULL, OPT_PID },
	{ "sampler", required_argument, NULL, OPT_SAMPLER },
	{ "serve", required_argument, NULL, OPT_SERVE },
	{ "stack-size", required_argument, NULL, OPT_STACK },
	{ "start", no_argument, NULL, OPT_START },
	{ "stop", required_argument, NULL, OPT_STOP },
	{ "tid", no_argument, NULL, OPT_TID },
	{ "type", required_argument, NULL, OPT_TYPE },
	{ "unwinder", required_argument, NULL, OPT_UNWINDER },
	{ "user-only", no_argument, NULL, OPT_USERONLY },
	{ "version", no_argument, NULL, OPT_VERSION },
	{ "view", required_argument, NULL, OPT_VIEW },
	{ "weight", required_argument, NULL, OPT_WEIGHT },
	{ NULL, 0, NULL, 0 }
};

/*
 * --type stats: no recording, the figures of the processes from /proc
 * (lib/live/procstats), once or every interval seconds.
 */
static int
stats(const struct session_opts *o, const char *sampling, const char *format,
    const pid_t *pids, int npids, double interval, long long count)
{
	static const int formats[] = { PROCSTATS_TABLE, PROCSTATS_JSON, PROCSTATS_YAML };
	const char *opt = sampling != NULL ? sampling : o->duration > 0 ? "-d" :
	    o->record.max_stack > 0 ? "--max-stack" : o->record.lines ? "--lines" :
	    !o->record.inline_frames ? "--no-inline" : o->record.pid ? "--pid" :
	    o->record.addrs ? "--addrs" : o->debuginfod ? "--debuginfod" :
	    !o->record.kernel ? "--user-only" : NULL;
	struct outfile *out;
	int fmt = PROCSTATS_TABLE, status;

	if (npids == 0)
		die("--type stats reads a running process: -p PID");
	if (opt != NULL)
		die("%s applies to recordings, not --type stats", opt);
	if (format != NULL)
		fmt = formats[arg_choice(format, (const char *const[]){ "table", "json", "yaml", NULL },
		    "a format", "--format")];
	out = outfile_open(o->output);
	status = procstats_watch(outfile_fp(out), pids, npids, fmt, interval, count);
	if (status != EXIT_OK) {
		/* nothing was written: a file keeps what it held */
		outfile_discard(out);
		return status;
	}
	return outfile_commit(out) < 0 ? EXIT_FINDING : EXIT_OK;
}

/*
 * --serve and --auto-profile: the profiles are the server's children's,
 * which get the sampling options given here.
 */
static int
serve_main(struct session_opts *o, const char *serve, double auto_profile, int keep,
    int max_seconds, const char *output_dir, const char *format, int type, int view, const char *memory_opt,
    int weight, pid_t *pids, int npids, char *argv[])
{
	const char *opt = serve != NULL ? "--serve" : "--auto-profile";
	struct serve_opts so = { 0 };
	char **args;
	int status;

	if (type >= 0 && type != TYPE_CPU)
		die("%s takes no --type: it serves every type it can", opt);
	if (strcmp(o->output, "-") != 0)
		die("%s writes no -o: %s", opt, serve != NULL ? "the profiles go to the clients" :
		    "--auto-profile writes into the output directory");
	if (weight >= 0 || (memory_opt != NULL && strcmp(memory_opt, "--view") == 0) || view != 0)
		die("%s: --weight and --view are for one profile of its type", opt);
	if (o->duration > 0 && auto_profile == 0)
		die("-d with --serve is --auto-profile's: the length of each profile it saves");
	if (keep >= 0 && auto_profile == 0)
		die("--keep applies to --auto-profile only");
	if (format != NULL)
		so.folded = arg_choice(format, (const char *const[]){ "folded", "pprof", NULL },
		    "a format", "--format") == 0;
	if (format != NULL && auto_profile == 0)
		die("--format with --serve is --auto-profile's; a client asks ?format=folded");
	so.auto_duration = o->duration > 0 ? o->duration :
	    auto_profile < SERVE_AUTO_DURATION ? auto_profile : SERVE_AUTO_DURATION;
	if (so.auto_duration > auto_profile && auto_profile > 0)
		die("-d %g: longer than --auto-profile %g (a profile at a time)", o->duration,
		    auto_profile);

	so.listen = serve;
	so.pids = pids;
	so.npids = npids;
	so.argv = argv;
	so.record_args = args = serve_record_args(o);
	so.max_seconds = max_seconds;
	so.auto_interval = auto_profile;
	so.keep = keep > 0 ? keep : SERVE_DEFAULT_KEEP;
	so.output_dir = output_dir;
	so.alloc_rate = o->alloc_rate;
	/* pprof names the frames the agent's stacks could not, by build-id */
	so.agent = (struct agentread_opts){
		.name = { .pid = o->record.pid, .tid = 0, .lines = o->record.lines,
		    .inline_frames = o->record.inline_frames, .addrs = 1 },
		.max_stack = o->record.max_stack };
	status = serve_run(&so);
	free(args);
	free(pids);
	return status;
}

int
main(int argc, char *argv[])
{
	struct session_opts o = {
		.output = "-",
		.sampler = SESSION_PERF,
		/* The whole cost: the kernel too, where it permits it. */
		.record = { .inline_frames = 1, .kernel = 1, .unwinder = UNWIND_DWFL },
		.sample = { .stack_size = 16384, .kernel = 1 },
	};
	struct conf conf = { 0 };
	const char *v, *where, *sampling = NULL, *memory_opt = NULL, *format = NULL;
	const char *stats_opt = NULL;
	pid_t *pids = NULL;
	int npids = 0, freq = 0, type = -1, weight = -1, view = 0, c, longind, status;
	/* Sessions: the mode (0, or OPT_START, OPT_LIST, OPT_STOP), the last
	 * option of a recording seen, for --list and --stop to refuse it. */
	const char *outdir = NULL, *stop_id = NULL, *mode_opt = NULL;
	int mode = 0, ofile = 0;
	char recording_opt[32] = "";
	double interval = 0;
	long long count = 0;
	/* --serve, --auto-profile */
	const char *serve = NULL;
	double auto_profile = 0;
	int keep = -1, max_seconds;
	char *record_args, **opts;
	int nopts;

	argv[0] = util_setprog(argv[0]);
	while (longind = -1,
	    (c = getopt_long(argc, argv, "+F:d:o:p:", longopts, &longind)) != -1) {
		if (c != OPT_START && c != OPT_LIST && c != OPT_STOP && c != OPT_OUTPUTDIR &&
		    c != OPT_FORMAT && c != OPT_HELP && c != OPT_VERSION && c != '?') {
			if (longind >= 0)
				snprintf(recording_opt, sizeof(recording_opt), "--%s",
				    longopts[longind].name);
			else
				snprintf(recording_opt, sizeof(recording_opt), "-%c", c);
		}
		switch (c) {
		case 'F':
			freq = (int)arg_int(optarg, 1, 100000, "-F");
			sampling = "-F";
			break;
		case 'd':
			o.duration = arg_real(optarg, 0.001, 31536000,
			    longind >= 0 ? "--duration" : "-d");
			break;
		case 'o':
			o.output = optarg;
			ofile = 1;
			break;
		case 'p':
			for (char *s = optarg, *comma;; s = comma + 1) {
				if ((comma = strchr(s, ',')) != NULL)
					*comma = '\0';
				pids = xreallocarray(pids, npids + 1, sizeof(*pids));
				pids[npids++] = (pid_t)arg_int(s, 1, 4194304, "-p");
				if (comma == NULL)
					break;
			}
			break;
		case OPT_FORMAT:
			/* its words depend on what is asked: see below */
			format = optarg;
			break;
		case OPT_ADDRS:
			o.record.addrs = 1;
			break;
		case OPT_AUTOPROFILE:
			auto_profile = arg_real(optarg, 1, 86400, "--auto-profile");
			break;
		case OPT_KEEP:
			keep = (int)arg_int(optarg, 1, 100000, "--keep");
			break;
		case OPT_SERVE:
			serve = optarg;
			break;
		case OPT_ALLOCRATE:
			o.alloc_rate = (uint64_t)arg_int(optarg, 1, 1099511627776LL, "--alloc-rate");
			memory_opt = "--alloc-rate";
			break;
		case OPT_COUNT:
			count = arg_int(optarg, 1, 1000000000, "--count");
			stats_opt = "--count";
			break;
		case OPT_DEBUGINFOD:
			o.debuginfod = 1;
			break;
		case OPT_DEPTH:
			arg_renamed("--depth", "--max-stack");
			break;
		case OPT_HELP:
			return arg_help(synopsis, options_help);
		case OPT_VERSION:
			return arg_version();
		case OPT_INTERVAL:
			interval = arg_real(optarg, 0.01, 86400, "--interval");
			stats_opt = "--interval";
			break;
		case OPT_KERNEL:
			o.record.kernel = o.sample.kernel = 1;
			break;
		case OPT_LINES:
			o.record.lines = 1;
			break;
		case OPT_MAXSTACK:
			o.record.max_stack = (int)arg_int(optarg, 1, 1024, "--max-stack");
			break;
		case OPT_NOINLINE:
			o.record.inline_frames = 0;
			break;
		case OPT_PID:
			o.record.pid = 1;
			break;
		case OPT_SAMPLER:
			o.sampler = arg_choice(optarg, (const char *const[]){ "perf", "ptrace", NULL },
			    "a sampler", "--sampler") == 0 ? SESSION_PERF : SESSION_PTRACE;
			sampling = "--sampler";
			break;
		case OPT_STACK:
			o.sample.stack_size = (uint32_t)arg_int(optarg, 1024, 65528, "--stack-size") & ~7u;
			sampling = "--stack-size";
			break;
		case OPT_TID:
			o.record.tid = 1;
			sampling = "--tid";
			break;
		case OPT_TYPE:
			type = arg_choice(optarg, types, "a type", "--type");
			break;
		case OPT_UNWINDER:
			sampling = "--unwinder";
			switch (arg_choice(optarg, (const char *const[]){ "dwfl", "libunwind", "compare", NULL },
			    "an unwinder", "--unwinder")) {
			case 0:
				o.record.unwinder = UNWIND_DWFL;
				break;
			case 1:
				o.record.unwinder = UNWIND_LIBUNWIND;
				break;
			default:
				o.record.unwinder = UNWIND_DWFL, o.record.compare = 1;
			}
			break;
		case OPT_USERONLY:
			o.record.kernel = o.sample.kernel = 0;
			break;
		case OPT_VIEW:
			view = arg_choice(optarg, views, "a view", "--view");
			memory_opt = "--view";
			break;
		case OPT_WEIGHT:
			weight = arg_choice(optarg, weights, "a weight", "--weight");
			break;
		case OPT_LIST:
		case OPT_START:
		case OPT_STOP:
			if (mode != 0 && mode != c)
				die("%s and --%s: one at a time", mode_opt, longopts[longind].name);
			mode = c;
			mode_opt = c == OPT_LIST ? "--list" : c == OPT_START ? "--start" : "--stop";
			if (c == OPT_STOP)
				stop_id = optarg;
			break;
		case OPT_OUTPUTDIR:
			outdir = optarg;
			break;
		default:
			arg_usage(synopsis);
		}
	}
	opts = argv + 1;
	nopts = optind - 1;
	argc -= optind;
	argv += optind;
	if ((serve != NULL || auto_profile > 0) && mode != 0)
		die("%s and %s: a server runs in the foreground", mode_opt,
		    serve != NULL ? "--serve" : "--auto-profile");
	if (outdir != NULL && mode == 0 && auto_profile == 0)
		die("--output-dir applies to --start, --list, --stop and --auto-profile");
	if (mode == OPT_LIST || mode == OPT_STOP) {
		if (recording_opt[0] != '\0')
			die("%s: an option of a recording, not of %s", recording_opt, mode_opt);
		if (argc > 0)
			arg_usage(synopsis);
		if (mode == OPT_STOP && format != NULL)
			die("--format applies to --start and --list, not --stop");
		conf_load(&conf);
		if (outdir == NULL && (outdir = conf_get(&conf, "record", "output-dir", NULL)) == NULL)
			outdir = LIVESESSION_DIR;
		conf_check(&conf, "record", (const char *const[]){ "frequency", "type",
		    "output-dir", "serve-max-seconds", NULL });
		status = mode == OPT_STOP ? livesession_stop(outdir, stop_id) :
		    livesession_list(outdir, format != NULL && arg_choice(format,
		    (const char *const[]){ "table", "json", NULL }, "a format", "--format") == 1 ?
		    TABLE_JSON : TABLE_TEXT);
		conf_free(&conf);
		return status;
	}
	if (type == TYPE_STATS && npids == 0)
		die("--type stats reads a running process: -p PID");
	if ((npids == 0) == (argc == 0))
		arg_usage(synopsis);

	/* Defaults: prof.conf, then PROF_FREQ and PROF_TYPE, then the flags. */
	conf_load(&conf);
	if (freq == 0 && (v = getenv("PROF_FREQ")) != NULL && *v != '\0')
		freq = (int)arg_int(v, 1, 100000, "PROF_FREQ");
	if (freq == 0 && (v = conf_get(&conf, "record", "frequency", &where)) != NULL)
		freq = (int)arg_int(v, 1, 100000, where);
	o.sample.freq = freq != 0 ? freq : 99;
	conf_check(&conf, "record", (const char *const[]){ "frequency", "type", "output-dir",
	    "serve-max-seconds", NULL });
	if (type < 0 && (v = getenv("PROF_TYPE")) != NULL && *v != '\0')
		type = arg_choice(v, types, "a type", "PROF_TYPE");
	if (type < 0 && (v = conf_get(&conf, "record", "type", &where)) != NULL)
		type = arg_choice(v, types, "a type", where);
	if (serve != NULL || auto_profile > 0) {
		if (outdir == NULL &&
		    (outdir = conf_get(&conf, "record", "output-dir", NULL)) == NULL)
			outdir = LIVESESSION_DIR;
		max_seconds = (v = conf_get(&conf, "record", "serve-max-seconds", &where)) == NULL ?
		    0 : (int)arg_int(v, 1, 86400, where);
		return serve_main(&o, serve, auto_profile, keep, max_seconds, outdir, format, type, view,
		    memory_opt, weight, pids, npids, argv);
	}
	if (keep >= 0)
		die("--keep applies to --auto-profile only");
	if (type < 0)
		type = TYPE_CPU;
	if (type == TYPE_THREADS && npids == 0)
		die("--type threads takes -p PID: it reads the threads of running processes");
	if (weight >= 0 && type != TYPE_IO)
		die("--weight applies to --type io only");
	if (o.sampler == SESSION_PTRACE && (type == TYPE_OFFCPU || type == TYPE_IO))
		die("--type %s needs perf_event_open: --sampler ptrace cannot record it", types[type]);
	if (type >= TYPE_MEMORY && type <= TYPE_THREADCREATE) {
		/* The agent is preloaded into a program as it starts. */
		if (npids > 0)
			die("--type %s needs the process started by prof-record: "
			    "prof-record [options] -- command", types[type]);
		if (sampling != NULL)
			die("%s applies to the sampled types (cpu, offcpu, wall, io), not "
			    "--type %s", sampling, types[type]);
	}
	if (memory_opt != NULL && type != TYPE_MEMORY)
		die("%s applies to --type memory only", memory_opt);
	if (stats_opt != NULL && type != TYPE_STATS)
		die("%s applies to --type stats only", stats_opt);
	if (count > 0 && interval == 0)
		die("--count takes --interval: the seconds between snapshots");
	if (type == TYPE_STATS) {
		if (mode == OPT_START)
			die("--start: --type stats reads its figures now (--interval for a "
			    "series); nothing runs in the background");
		status = stats(&o, sampling, format, pids, npids, interval, count);
		conf_free(&conf);
		free(pids);
		return status;
	}
	if (format != NULL)
		o.pprof = arg_choice(format, (const char *const[]){ "folded", "pprof", NULL },
		    "a format", "--format");
	if (mode == OPT_START) {
		if (outdir == NULL &&
		    (outdir = conf_get(&conf, "record", "output-dir", NULL)) == NULL)
			outdir = LIVESESSION_DIR;
		if (ofile)
			die("--start writes DIR/ID.folded (DIR: --output-dir): -o does not apply");
		if (type == TYPE_THREADS)
			die("--start: --type threads takes its stacks now; nothing runs in the background");
		if (type == TYPE_MEMORY && views[view + 1] == NULL)
			die("--start: --view all writes five profiles; name one view");
	}
	if (o.pprof) {
		if (mode == 0 && strcmp(o.output, "-") == 0 && isatty(STDOUT_FILENO))
			die("--format pprof: not writing a binary profile to a terminal; "
			    "use -o file or a redirection");
		if (mode == 0 && type == TYPE_MEMORY && views[view + 1] == NULL &&
		    strcmp(o.output, "-") == 0)
			die("--format pprof --view all: five profiles cannot be one; "
			    "-o PREFIX writes PREFIX-VIEW.pb.gz");
		/* pprof names what prof-record could not, from the build-id. */
		o.record.addrs = 1;
	}
	o.type = session_type[type];
	o.view = views[view + 1] == NULL ? SESSION_VIEW_ALL : view;
	o.io_weight = weight == 1 ? IO_NS : weight == 2 ? IO_CALLS : IO_BYTES;
	/* Only the tests look elsewhere for tracefs. */
	if ((v = getenv("PROF_TRACEFS")) != NULL && *v != '\0')
		o.sample.tracefs = v;

	o.record_args = record_args = session_record_args(opts, nopts);
	if (mode == OPT_START)
		status = livesession_start(outdir, types[type], &o, argv, pids, npids);
	else if (type == TYPE_THREADS)
		status = session_threads(&o, pids, npids);
	else if (npids > 0)
		status = session_attach(&o, pids, npids);
	else
		status = session_launch(&o, argv);
	conf_free(&conf);
	free(pids);
	free(record_args);
	return status;
}
