#!/bin/sh
test_description='prof-record --type stats: each figure against a program that sets it; table, JSON, YAML; --interval'
. "$(dirname "$0")/lib.sh"

# No perf_event_open: /proc only, so this runs on any Linux machine.
# The user's prof.conf and PROF_TYPE must not change the results.
XDG_CONFIG_HOME=$TRASH/xdg HOME=$TRASH/home
export XDG_CONFIG_HOME HOME
unset PROF_TYPE PROF_FREQ
command -v python3 >/dev/null 2>&1 || skip_or_fail 'no python3 (it reads the JSON back)'

# The program whose figures are read: -t N sleeping threads, -f N more
# descriptors (/dev/null), -m N MiB touched, -w N bytes written to -o
# FILE and fsynced, -s a thread that spins, -n a thread that sleeps 2 ms
# in a loop, -c NAME its name (comm).  It says "ready" on its standard
# output once all is set, then waits to be killed.
cat >stats-prog.c <<'EOF'
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <time.h>
#include <unistd.h>

static void *
sleeper(void *a)
{
	for (;;)
		pause();
}

static void *
spinner(void *a)
{
	volatile unsigned long x = 0;

	for (;;)
		x++;
}

static void *
napper(void *a)
{
	struct timespec t = { 0, 2000000 };

	for (;;)
		nanosleep(&t, NULL);
}

int
main(int argc, char *argv[])
{
	int c, threads = 0, fds = 0, mb = 0, spin = 0, nap = 0;
	long wbytes = 0;
	const char *wfile = "written", *name = NULL;
	static char chunk[65536];
	pthread_t t;

	while ((c = getopt(argc, argv, "t:f:m:w:o:snc:")) != -1)
		switch (c) {
		case 't': threads = atoi(optarg); break;
		case 'f': fds = atoi(optarg); break;
		case 'm': mb = atoi(optarg); break;
		case 'w': wbytes = atol(optarg); break;
		case 'o': wfile = optarg; break;
		case 's': spin = 1; break;
		case 'n': nap = 1; break;
		case 'c': name = optarg; break;
		default: return 2;
		}
	if (name != NULL)
		prctl(PR_SET_NAME, name);
	for (int i = 0; i < fds; i++)
		if (open("/dev/null", O_RDONLY) < 0)
			return 1;
	if (mb > 0) {
		char *p = malloc((size_t)mb << 20);

		if (p == NULL)
			return 1;
		memset(p, 1, (size_t)mb << 20);
	}
	if (wbytes > 0) {
		int fd = open(wfile, O_WRONLY | O_CREAT | O_TRUNC, 0644);

		memset(chunk, 'x', sizeof(chunk));
		for (long done = 0; done < wbytes; done += sizeof(chunk))
			if (write(fd, chunk, sizeof(chunk)) != (ssize_t)sizeof(chunk))
				return 1;
		if (fsync(fd) != 0 || close(fd) != 0)
			return 1;
	}
	for (int i = 0; i < threads; i++)
		pthread_create(&t, NULL, sleeper, NULL);
	if (spin)
		pthread_create(&t, NULL, spinner, NULL);
	if (nap)
		pthread_create(&t, NULL, napper, NULL);
	printf("ready\n");
	fflush(stdout);
	for (;;)
		pause();
}
EOF

test_expect_success 'build the program' '
	${CC:-cc} -O0 -g -pthread -o stats-prog stats-prog.c
'

# start NAME ARGS...: runs stats-prog ARGS in the background until it is
# ready; its pid in NAME.pid.  stop NAME: kills it.
start () {
	_n=$1
	shift
	./stats-prog "$@" >"$_n.ready" &
	echo $! >"$_n.pid"
	_i=0
	until test -s "$_n.ready"; do
		_i=$((_i + 1))
		test $_i -le 1000 || { echo "stats-prog $* is not ready after 20 s"; return 1; }
		sleep 0.02
	done
}
stop () {
	kill "$(cat "$1.pid")" 2>/dev/null
	wait "$(cat "$1.pid")" 2>/dev/null
	return 0
}

# get KEY FILE [N]: the value of KEY in the Nth JSON line of FILE (1st).
get () {
	python3 -c '
import json, sys
lines = open(sys.argv[2]).read().splitlines()
print(json.loads(lines[int(sys.argv[3]) - 1])[sys.argv[1]])' "$1" "$2" "${3:-1}"
}

MiB=1048576

test_expect_success 'threads: exactly the threads the program has' '
	start th -t 5 &&
	prof-record --type stats -p "$(cat th.pid)" --format json >th.json 2>err;
	st=$?; stop th; test $st = 0 &&
	test_must_be_empty err &&
	echo 6 >expect && get threads th.json >actual &&
	test_cmp expect actual
'

test_expect_success 'open fds: 7 more descriptors count 7 more, as /proc/PID/fd lists them' '
	start f0 && start f7 -f 7 &&
	ls "/proc/$(cat f0.pid)/fd" | wc -l >ls0 &&
	ls "/proc/$(cat f7.pid)/fd" | wc -l >ls7 &&
	prof-record --type stats -p "$(cat f0.pid),$(cat f7.pid)" --format json >fd.json;
	st=$?; stop f0; stop f7; test $st = 0 &&
	test_line_count = 2 fd.json &&
	a=$(get fds fd.json 1) && b=$(get fds fd.json 2) &&
	echo "fds $a and $b; ls $(cat ls0) and $(cat ls7)" &&
	test "$a" = "$(cat ls0)" && test "$b" = "$(cat ls7)" &&
	test $((b - a)) = 7 &&
	test "$(get pid fd.json 1)" = "$(cat f0.pid)" &&
	test "$(get pid fd.json 2)" = "$(cat f7.pid)"
'

test_expect_success 'memory: 64 MiB touched is in RSS, anonymous, peak RSS and virtual' '
	start mem -m 64 &&
	prof-record --type stats -p "$(cat mem.pid)" --format json >mem.json;
	st=$?; stop mem; test $st = 0 &&
	cat mem.json &&
	rss=$(get rss_bytes mem.json) && anon=$(get anon_bytes mem.json) &&
	test_between $((64 * MiB)) "$rss" $((128 * MiB)) &&
	test_between $((64 * MiB)) "$anon" "$rss" &&
	test_cmp_num "$(get rss_peak_bytes mem.json)" ">=" "$rss" &&
	test_cmp_num "$(get vm_bytes mem.json)" ">=" "$rss" &&
	test "$(get swap_bytes mem.json)" -ge 0
'

fstype=$(stat -f -c %T . 2>/dev/null)
if test "$fstype" = tmpfs; then
	test_skip 'I/O: write_bytes counts what was written and fsynced' \
		"the test directory is on tmpfs, whose writes reach no storage (write_bytes stays 0)"
else
	test_expect_success "I/O: write_bytes counts the 4 MiB written and fsynced (on $fstype)" '
		start io -w $((4 * MiB)) -o written &&
		prof-record --type stats -p "$(cat io.pid)" --format json >io.json;
		st=$?; stop io; test $st = 0 &&
		cat io.json &&
		test "$(wc -c <written)" = $((4 * MiB)) &&
		test_cmp_num "$(get io_write_bytes io.json)" ">=" $((4 * MiB)) &&
		test "$(get io_read_bytes io.json)" -ge 0
	'
fi

test_expect_success 'CPU: the user seconds of a spinning thread grow between two snapshots' '
	start cpu -s &&
	prof-record --type stats -p "$(cat cpu.pid)" --format json --interval 1 --count 2 >cpu.json;
	st=$?; stop cpu; test $st = 0 &&
	cat cpu.json &&
	test_line_count = 2 cpu.json &&
	test_cmp_num "$(get cpu_user_s cpu.json 2)" ">" "$(get cpu_user_s cpu.json 1)" &&
	test_cmp_num "$(get uptime_s cpu.json 2)" ">" "$(get uptime_s cpu.json 1)"
'

test_expect_success 'context switches: the voluntary ones of a thread that sleeps in a loop grow' '
	start nap -n &&
	prof-record --type stats -p "$(cat nap.pid)" --format json --interval 0.5 --count 2 >nap.json;
	st=$?; stop nap; test $st = 0 &&
	cat nap.json &&
	test_cmp_num "$(get ctxsw_voluntary nap.json 2)" ">" "$(get ctxsw_voluntary nap.json 1)" &&
	test "$(get ctxsw_involuntary nap.json 2)" -ge 0
'

test_expect_success 'uptime: a process a second old is at least a second old' '
	start up && sleep 1 &&
	prof-record --type stats -p "$(cat up.pid)" --format json >up.json;
	st=$?; stop up; test $st = 0 &&
	test_between 0.95 "$(get uptime_s up.json)" 3600
'

KEYS="pid comm uptime_s cpu_user_s cpu_system_s threads fds rss_bytes rss_peak_bytes vm_bytes anon_bytes swap_bytes ctxsw_voluntary ctxsw_involuntary faults_minor faults_major io_read_bytes io_write_bytes"

test_expect_success 'JSON: the keys in order, integers but the seconds; a name with spaces and parentheses' '
	start js -c "a) b (c" &&
	prof-record --type stats -p "$(cat js.pid)" --format json >js.json;
	st=$?; stop js; test $st = 0 &&
	cat js.json &&
	test_line_count = 1 js.json &&
	python3 -c "
import json, sys
o = json.loads(open(\"js.json\").read())
keys = \"$KEYS\".split()
if \"io_read_bytes\" not in o:
    keys = keys[:-2]
assert list(o) == keys, list(o)
assert o[\"comm\"] == \"a) b (c\", o[\"comm\"]
for k in keys[2:]:
    assert isinstance(o[k], float if k.endswith(\"_s\") else int), k
    assert o[k] >= 0, k
"
'

if python3 -c 'import yaml' 2>/dev/null; then
	test_expect_success 'YAML: a document per snapshot, the same keys and values as JSON' '
		start ym -c "true" -t 2 &&
		prof-record --type stats -p "$(cat ym.pid)" --format yaml --interval 0.2 --count 3 >ym.yaml;
		st=$?; stop ym; test $st = 0 &&
		cat ym.yaml &&
		python3 -c "
import yaml
docs = list(yaml.safe_load_all(open(\"ym.yaml\")))
assert len(docs) == 3, len(docs)
keys = \"$KEYS\".split()
for d in docs:
    if \"io_read_bytes\" not in d:
        keys = keys[:-2]
    assert list(d) == keys, list(d)
    assert d[\"comm\"] == \"true\", repr(d[\"comm\"])
    assert d[\"threads\"] == 3
    assert isinstance(d[\"uptime_s\"], float)
"
	'
elif test "$CI" = true; then
	test_expect_success 'YAML: python3-yaml is installed (scripts/deps)' 'false'
else
	test_skip 'YAML: a document per snapshot' 'no python3-yaml (scripts/deps installs it)'
fi

test_expect_success 'a name with a newline, a quote and invalid UTF-8: every format stays valid' '
	start bad -c "$(printf "a\nb\"\377:")" &&
	pid=$(cat bad.pid) &&
	prof-record --type stats -p $pid --format json >bad.json &&
	prof-record --type stats -p $pid --format yaml >bad.yaml &&
	prof-record --type stats -p $pid >bad.txt;
	st=$?; stop bad; test $st = 0 &&
	cat bad.json bad.yaml bad.txt &&
	test_line_count = 1 bad.json &&
	python3 -c "
import json
o = json.loads(open(\"bad.json\", encoding=\"utf-8\").read())
assert o[\"comm\"] == \"a\ufffdb\\\"\ufffd:\", repr(o[\"comm\"])
try:
    import yaml
except ImportError:
    raise SystemExit(0)
d = yaml.safe_load(open(\"bad.yaml\", encoding=\"utf-8\"))
assert d[\"comm\"] == o[\"comm\"], repr(d[\"comm\"])
" &&
	grep -c "^pid $pid " bad.txt >n && echo 1 >expect && test_cmp expect n
'

test_expect_success 'table: every figure, headed by the pid and the name' '
	start tb -c tabled &&
	prof-record --type stats -p "$(cat tb.pid)" >tb.txt;
	st=$?; stop tb; test $st = 0 &&
	cat tb.txt &&
	grep "^pid $(cat tb.pid) (tabled) at [0-9-]* [0-9:]*\$" tb.txt &&
	for f in uptime "CPU user" "CPU system" threads "open fds" RSS "peak RSS" virtual \
	    anonymous swap "context switches, voluntary" "context switches, involuntary" \
	    "page faults, minor" "page faults, major"
	do
		grep "^$f  *[0-9]" tb.txt >/dev/null || { echo "no figure $f"; return 1; }
	done &&
	{ grep "^I/O read  *[0-9]" tb.txt && grep "^I/O written  *[0-9]" tb.txt ||
	  grep "^no I/O figures: /proc/$(cat tb.pid)/io: " tb.txt; } &&
	grep "^threads  *1\$" tb.txt
'

test_expect_success '--interval 0.2 --count 3: three snapshots, in every format' '
	start iv &&
	pid=$(cat iv.pid) &&
	prof-record --type stats -p $pid --interval 0.2 --count 3 --format json >iv.json &&
	prof-record --type stats -p $pid --interval 0.2 --count 3 >iv.txt &&
	prof-record --type stats -p $pid,$pid --interval 0.2 --count 3 -o iv2.json --format json;
	st=$?; stop iv; test $st = 0 &&
	test_line_count = 3 iv.json &&
	grep -c "^pid $pid " iv.txt >n && echo 3 >expect && test_cmp expect n &&
	test_line_count = 6 iv2.json
'

test_expect_success '--interval without --count: until the process ends, then exit 0' '
	sleep 0.7 &
	p=$! &&
	prof-record --type stats -p $p --interval 0.1 --format json >end.json 2>err &&
	cat err &&
	n=$(wc -l <end.json) &&
	test "$n" -ge 1 &&
	grep -Fx "prof-record: process $p has ended, after $n snapshot$(test $n = 1 || echo s)" err
'

test_expect_success 'SIGTERM ends a series after the snapshot in progress: exit 0, whole lines' '
	start sg &&
	{ prof-record --type stats -p "$(cat sg.pid)" --interval 0.1 --format json >sg.json 2>err & } &&
	r=$! &&
	sleep 0.6 &&
	kill -TERM $r &&
	wait $r;
	st=$?; stop sg; test $st = 0 &&
	test_must_be_empty err &&
	test "$(wc -l <sg.json)" -ge 1 &&
	python3 -c "
import json
for l in open(\"sg.json\"):
    json.loads(l)
"
'

test_expect_success 'a process that does not exist: exit 2, a message, nothing written' '
	echo old >kept &&
	test_expect_code 2 prof-record --type stats -p 4194304 -o kept 2>err &&
	grep -Fx "prof-record: process 4194304: no such process (or it has ended)" err &&
	echo old >expect && test_cmp expect kept
'

test_expect_success 'one process of two that does not exist: exit 2, nothing written' '
	test_expect_code 2 prof-record --type stats -p $$,4194304 >out 2>err &&
	test_must_be_empty out &&
	grep "process 4194304: no such process" err
'

test_expect_success 'a zombie has ended: exit 2' '
	sh -c "sleep 0.05 & exec sleep 3" &
	parent=$! &&
	sleep 0.5 &&
	z=$(ps -o pid= --ppid $parent | tr -d " ") &&
	test -n "$z" &&
	grep "^State:.*Z" /proc/$z/status &&
	test_expect_code 2 prof-record --type stats -p $z >out 2>err;
	st=$?; kill $parent; test $st = 0 &&
	test_must_be_empty out &&
	grep "process $z: no such process (or it has ended)" err
'

test_expect_success '--help and the man page have --interval, --count and the type stats' '
	prof-record --help >help &&
	for o in --interval --count; do
		sed -n "/^usage:/,/^\$/!p" help | grep -e "^  $o " >/dev/null ||
		{ echo "--help has no line for $o"; return 1; }
		grep -e "^\.It Fl ${o#-} " "$ROOT/man/prof-record.1" >/dev/null ||
		{ echo "man/prof-record.1 has no entry for $o"; return 1; }
	done &&
	grep "stats (figures of" help &&
	grep -Fx ".It Cm stats" "$ROOT/man/prof-record.1" &&
	grep -Fx ".Ss Runtime statistics" "$ROOT/man/prof-record.1"
'

# procstats_write, as the server calls it for /debug/stats: with the
# agent's heap figures, and errno for a process that is not there.
cat >procstats-test.c <<'EOF'
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "live/procstats.h"

int
main(int argc, char *argv[])
{
	struct procstats_heap heap = { 1048576, 10, 5242880, 50 };
	int fmt = strcmp(argv[2], "json") == 0 ? PROCSTATS_JSON :
	    strcmp(argv[2], "yaml") == 0 ? PROCSTATS_YAML : PROCSTATS_TABLE;

	if (procstats_write(stdout, atoi(argv[1]), fmt, argc > 3 ? &heap : NULL) < 0) {
		printf("%s\n", errno == ESRCH ? "ESRCH" : strerror(errno));
		return 1;
	}
	return ferror(stdout) != 0;
}
EOF

test_expect_success 'procstats_write: heap figures after the others when the caller has them; ESRCH' '
	$DRIVER_CC $DRIVER_FLAGS -o procstats-test procstats-test.c "$ROOT/lib/libprof.a" \
		$(pkg-config --libs yaml-0.1) -lcsv -lm &&
	./procstats-test $$ json heap >heap.json &&
	cat heap.json &&
	python3 -c "
import json
o = json.loads(open(\"heap.json\").read())
keys = \"$KEYS\".split()
if \"io_read_bytes\" not in o:
    keys = keys[:-2]
assert list(o) == keys + [\"heap_live_bytes\", \"heap_live_blocks\", \"heap_alloc_bytes\", \"heap_allocs\"], list(o)
assert (o[\"heap_live_bytes\"], o[\"heap_live_blocks\"], o[\"heap_alloc_bytes\"], o[\"heap_allocs\"]) == (1048576, 10, 5242880, 50)
" &&
	./procstats-test $$ table heap >heap.txt &&
	grep "^heap live  *1MiB\$" heap.txt &&
	grep "^heap allocations  *50\$" heap.txt &&
	./procstats-test $$ json >noheap.json &&
	! grep heap_ noheap.json &&
	test_expect_code 1 ./procstats-test 4194304 json >gone &&
	echo ESRCH >expect && test_cmp expect gone
'

# Usage errors: OPTIONS, then the message expected on stderr.
while IFS='|' read -r args msg; do
	case_args=$args case_msg=$msg
	test_expect_success "exit 2: prof-record $args" '
		test_expect_code 2 prof-record $case_args >out 2>err &&
		test_must_be_empty out &&
		grep -F -e "$case_msg" err
	'
done <<TABLE
--type stats|prof-record: --type stats reads a running process: -p PID
--type stats -- true|prof-record: --type stats reads a running process: -p PID
--type stats -p $$ true|usage: prof-record
--type stats -p $$ --interval 0|prof-record: --interval: '0' is too small
--type stats -p $$ --interval x|prof-record: --interval: 'x' is not a number
--type stats -p $$ --interval 1 --count 0|prof-record: --count: '0' is too small
--type stats -p $$ --count 3|prof-record: --count takes --interval
--type stats -p $$ --format pprof|prof-record: --format: 'pprof' is not a format; use table, json or yaml
--type stats -p $$ -F 99|prof-record: -F applies to recordings, not --type stats
--type stats -p $$ -d 1|prof-record: -d applies to recordings, not --type stats
--type stats -p $$ --lines|prof-record: --lines applies to recordings, not --type stats
--type cpu -p $$ --interval 1|prof-record: --interval applies to --type stats only
--count 2 -p $$|prof-record: --count applies to --type stats only
TABLE

done_testing
