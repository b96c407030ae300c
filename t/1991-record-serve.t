#!/bin/sh
test_description='prof-record --serve: the /debug/pprof endpoints, read by curl and go tool pprof'
. "$(dirname "$0")/lib.sh"
. "$T_DATA/record/record.sh"
. "$T_DATA/serve/serve.sh"

# t/data/serve/hot.c spins in hot_spin, leaked 8 MB from leak_here and
# takes a contended mutex; the server launches it under the agent
# (--serve PORT -- ./hot) or follows it (-p).  go tool pprof (Debian
# golang-go) is the client held to, as Parca and Pyroscope read the same.
needs_record
test "$(uname -m)" = x86_64 || skip_all "x86-64 only, as the agent"
needs_go
for tool in curl python3; do
	command -v $tool >/dev/null 2>&1 || skip_or_fail "no $tool"
done
# pprof saves what it fetches under $PPROF_TMPDIR
PPROF_TMPDIR=$PWD/pprof
export PPROF_TMPDIR

trap 'for s in *.pid; do test -f "$s" && stop_server "${s%.pid}"; done
	kill $(cat target.pid 2>/dev/null) 2>/dev/null
	test "$test_failed" = 0 && cd "$T_DIR" && rm -rf "$TRASH"' EXIT

test_expect_success 'build hot.c' '
	cc -O1 -g -pthread -o hot "$T_DATA/serve/hot.c"
'

test_expect_success 'the server launches the command and says where it serves' '
	start_server s -- ./hot 300 &&
	grep "^prof-record: serving http://127.0.0.1:[0-9]*/debug/pprof/ (./hot 300)\$" s.err
'

test_expect_success '/debug/pprof/: an index page, well-formed HTML, linking each endpoint' '
	get s /debug/pprof/ &&
	echo 200 >expect && test_cmp expect status &&
	grep -i "^Content-Type: text/html; charset=utf-8" headers &&
	python3 -c "
import sys
from html.parser import HTMLParser
void = {\"meta\", \"br\", \"link\", \"img\", \"input\", \"hr\"}
class P(HTMLParser):
    def __init__(self):
        super().__init__(); self.stack = []; self.links = []
    def handle_starttag(self, t, a):
        if t == \"a\": self.links.append(dict(a)[\"href\"])
        if t not in void: self.stack.append(t)
    def handle_endtag(self, t):
        assert self.stack and self.stack[-1] == t, (t, self.stack)
        self.stack.pop()
p = P(); p.feed(open(\"body\").read()); p.close()
assert not p.stack, p.stack
for e in [\"allocs\", \"block\", \"goroutine?debug=1\", \"heap\", \"mutex\", \"profile\", \"threadcreate\"]:
    assert \"/debug/pprof/\" + e in p.links, e
print(p.links)
" &&
	if command -v xmllint >/dev/null 2>&1; then
		xmllint --html --noout body 2>lint && test_must_be_empty lint
	fi &&
	get s /debug/pprof &&
	test_cmp expect status
'

test_expect_success 'go tool pprof -top on /debug/pprof/profile?seconds=2 names the hot function' '
	{ go tool pprof -top "http://127.0.0.1:$(cat s.port)/debug/pprof/profile?seconds=2" \
		>top 2>perr; rc=$?; cat top perr; test $rc = 0; } &&
	sed -n "/flat%/{n;p;}" top >first &&
	grep " hot_spin\$" first
'

# A stripped program leaves mappings without function names: go tool
# pprof then posts their addresses to /debug/pprof/symbol, and gives up
# on the whole profile if that fails (it did: 405).
test_expect_success 'symbol: go tool pprof reads a stripped program'"'"'s profile; GET and POST answer as Go'"'"'s' '
	strip --strip-all -o hot-stripped hot &&
	start_server st -- ./hot-stripped 300 &&
	{ go tool pprof -top "http://127.0.0.1:$(cat st.port)/debug/pprof/profile?seconds=1" \
		>top 2>perr; rc=$?; cat top perr; test $rc = 0; } &&
	grep "^Showing nodes accounting for" top &&
	get st /debug/pprof/symbol -X POST -d "0x401000+0x401010" &&
	echo 200 >expect && test_cmp expect status &&
	echo "num_symbols: 1" >expect && test_cmp expect body &&
	get st /debug/pprof/symbol &&
	test_cmp expect body &&
	get st /debug/pprof/heap -X POST &&
	echo 405 >expect && test_cmp expect status
'
stop_server st

test_expect_success 'profile: gzipped pprof, as Go sends it; ?format=folded: folded stacks' '
	get s "/debug/pprof/profile?seconds=1" &&
	echo 200 >expect && test_cmp expect status &&
	grep -i "^Content-Type: application/octet-stream" headers &&
	grep -i "^Content-Disposition: attachment; filename=\"profile\"" headers &&
	gzip -t <body &&
	get s "/debug/pprof/profile?seconds=1&format=folded" &&
	test_cmp expect status &&
	grep -i "^Content-Type: text/plain" headers &&
	grep "^# type: cpu\$" body &&
	grep ";hot_spin [0-9]*\$" body
'

test_expect_success 'go tool pprof -top reads /debug/pprof/heap: the leak, by leak_here' '
	go tool pprof -top "http://127.0.0.1:$(cat s.port)/debug/pprof/heap" >top 2>perr &&
	cat top &&
	grep "^Type: inuse_space\$" top &&
	sed -n "/flat%/{n;p;}" top >first &&
	grep " leak_here\$" first
'

test_expect_success 'heap has the four sample types of Go'"$SQ"'s heap profile; allocs the same, alloc_space first' '
	get s /debug/pprof/heap &&
	go tool pprof -raw body >raw 2>perr &&
	grep "^Samples:" -A1 raw | tail -n 1 >types &&
	grep "alloc_objects/count alloc_space/bytes inuse_objects/count inuse_space/bytes" types &&
	get s /debug/pprof/allocs &&
	go tool pprof -top body >top 2>perr &&
	grep "^Type: alloc_space\$" top
'

test_expect_success 'heap?format=folded and heap?debug=1: the bytes in use, by leak_here' '
	get s "/debug/pprof/heap?format=folded" &&
	grep "^# view: inuse-space\$" body &&
	grep ";main;leak_here [0-9]*\$" body >leak &&
	n=$(sed "s/.* //" leak) && test "$n" -gt 4000000 && test "$n" -lt 16000000 &&
	get s "/debug/pprof/heap?debug=1" &&
	grep ";main;leak_here [0-9]*\$" body
'

test_expect_success 'mutex: contentions and delay, the waits in pthread_mutex_lock' '
	get s /debug/pprof/mutex &&
	go tool pprof -raw body >raw 2>perr &&
	grep "^Samples:" -A1 raw | tail -n 1 >types &&
	grep "contentions/count delay/nanoseconds" types &&
	get s "/debug/pprof/mutex?format=folded" &&
	grep ";pthread_mutex_lock [0-9]*\$" body
'

test_expect_success 'block and threadcreate: pprof profiles go tool pprof reads' '
	for p in block threadcreate; do
		get s /debug/pprof/$p &&
		echo 200 >expect && test_cmp expect status &&
		gzip -t <body &&
		go tool pprof -raw body >raw 2>perr || return 1
	done &&
	get s "/debug/pprof/threadcreate?format=folded" &&
	grep ";main;pthread_create\\|;main [0-9]" body
'

test_expect_success 'goroutine: a stack per thread; ?debug=1 as folded text' '
	get s /debug/pprof/goroutine &&
	echo 200 >expect && test_cmp expect status &&
	gzip -t <body &&
	go tool pprof -raw body >raw 2>perr &&
	get s "/debug/pprof/goroutine?debug=1" &&
	test_cmp expect status &&
	grep "^# type: threads\$" body &&
	grep "^hot;.*;locker" body
'

test_expect_success '/debug/stats: JSON with the pid and its RSS (needs lib/live/procstats)' '
	get s /debug/stats &&
	cat body &&
	echo 200 >expect && test_cmp expect status &&
	python3 -c "
import json
d = json.load(open(\"body\"))
assert d[\"pid\"] > 0 and d[\"rss_bytes\"] > 0, d
assert d[\"heap_live_bytes\"] > 0, d
"
'

while read -r path code; do
	case_path=$path case_code=$code
	test_expect_success "bad request: $path is $code, with a message" '
		get s "$case_path" &&
		echo "$case_code" >expect && test_cmp expect status &&
		grep -i "^Content-Type: text/plain" headers &&
		test -s body && cat body
	'
done <<'TABLE'
/debug/pprof/profile?seconds=abc 400
/debug/pprof/profile?seconds=0 400
/debug/pprof/profile?seconds=301 400
/debug/pprof/profile?seconds=-1 400
/debug/pprof/profile?seconds 400
/debug/pprof/heap?debug=7 400
/debug/pprof/heap?format=svg 400
/debug/pprof/heap?pid=1 400
/debug/pprof/nope 404
/debug/pprof/../../etc/passwd 404
/nope 404
/ 404
TABLE

test_expect_success 'a method other than GET and HEAD is 405' '
	get s /debug/pprof/ -X POST &&
	echo 405 >expect && test_cmp expect status &&
	grep -i "^Allow: GET, HEAD" headers &&
	get s /debug/pprof/heap -I &&
	echo 200 >expect && test_cmp expect status
'

test_expect_success 'a second CPU profile while one runs is 409, with a message; the first completes' '
	curl -sS -o first.pb.gz -w "%{http_code}\n" \
		"http://127.0.0.1:$(cat s.port)/debug/pprof/profile?seconds=3" >first.status &
	i=0 &&
	while ! server_children s | grep -q " prof-record\$" && test $i -lt 100; do
		sleep 0.1; i=$((i + 1))
	done &&
	get s "/debug/pprof/profile?seconds=1" &&
	echo 409 >expect && test_cmp expect status &&
	grep "one is being taken" body &&
	wait &&
	echo 200 >expect && test_cmp expect first.status &&
	gzip -t <first.pb.gz
'

test_expect_success 'a client that leaves mid-profile: its child is ended and reaped, the server answers on' '
	test_expect_code 28 curl -sS -o /dev/null --max-time 1 \
		"http://127.0.0.1:$(cat s.port)/debug/pprof/profile?seconds=3" &&
	i=0 &&
	while server_children s | grep -q " prof-record\$" && test $i -lt 100; do
		sleep 0.1; i=$((i + 1))
	done &&
	server_children s >children &&
	! grep " prof-record\$" children &&
	! grep " Z " children &&
	get s /debug/pprof/ &&
	echo 200 >expect && test_cmp expect status &&
	get s "/debug/pprof/profile?seconds=1" &&
	test_cmp expect status
'

test_expect_success 'the port in use: exit 2, naming it' '
	port=$(cat s.port) &&
	test_expect_code 2 prof-record --serve 127.0.0.1:$port -p $(cat s.pid) 2>err &&
	grep "127.0.0.1:$port: the port is in use" err
'

test_expect_success 'the server ends with the command, with its status' '
	start_server e -- sh -c "sleep 1; exit 3" &&
	i=0 &&
	while kill -0 $(cat e.pid) 2>/dev/null && test $i -lt 100; do
		sleep 0.1; i=$((i + 1))
	done &&
	! kill -0 $(cat e.pid) 2>/dev/null &&
	wait $(cat e.pid); test $? = 3 || { echo "status not 3"; false; }
'

test_expect_success '-p: the agent'"$SQ"'s endpoints are 501 and say why; profile and goroutine work' '
	./hot 300 >/dev/null 2>&1 &
	echo $! >target.pid &&
	start_server p -p $(cat target.pid) &&
	get p /debug/pprof/heap &&
	echo 501 >expect && test_cmp expect status &&
	grep "needs the process started by prof-record --serve PORT -- CMD" body &&
	get p "/debug/pprof/goroutine?debug=1" &&
	echo 200 >expect && test_cmp expect status &&
	grep "^hot;" body &&
	get p "/debug/pprof/profile?seconds=1&format=folded" &&
	test_cmp expect status &&
	grep ";hot_spin [0-9]*\$" body
'

# A pid freed by the end of its process may be handed to a new one; the
# server knows its targets by pid and start time, and must not profile
# the stranger.  The kernel's next pid is set (ns_last_pid, root) so that
# a new process gets the freed one.
test_expect_success '-p: a pid reused by another process is 410 Gone, never profiled' '
	./hot 300 >/dev/null 2>&1 &
	echo $! >r1.pid
	./hot 300 >/dev/null 2>&1 &
	echo $! >r2.pid
	start_server r -p $(cat r1.pid),$(cat r2.pid) &&
	kill $(cat r1.pid) && wait $(cat r1.pid) 2>/dev/null
	reused= &&
	if test -w /proc/sys/kernel/ns_last_pid; then
		for try in 1 2 3 4 5; do
			echo $(($(cat r1.pid) - 1)) >/proc/sys/kernel/ns_last_pid 2>/dev/null
			sleep 30 &
			if test $! = $(cat r1.pid); then reused=$!; break; fi
			kill $! 2>/dev/null
		done
	fi &&
	get r "/debug/pprof/profile?seconds=1&format=folded" &&
	echo 410 >expect && test_cmp expect status &&
	grep "process $(cat r1.pid) has ended" body &&
	echo "pid reused by a sleep: ${reused:-no (ns_last_pid not writable or taken)}" &&
	! grep "sleep" body &&
	get r "/debug/stats?pid=$(cat r2.pid)" &&
	echo 200 >expect && test_cmp expect status &&
	test -z "$reused" || kill $reused
'
stop_server r
kill $(cat r2.pid) 2>/dev/null

test_expect_success '-p: the server ends when its process ends, with 0' '
	kill $(cat target.pid) &&
	i=0 &&
	while kill -0 $(cat p.pid) 2>/dev/null && test $i -lt 100; do
		sleep 0.1; i=$((i + 1))
	done &&
	! kill -0 $(cat p.pid) 2>/dev/null
'

test_expect_success 'prof.conf serve-max-seconds: another maximum for ?seconds=' '
	mkdir -p conf/prof &&
	printf "[record]\nserve-max-seconds = 1\n" >conf/prof/prof.conf &&
	{ ./hot 300 >/dev/null 2>&1 & } &&
	echo $! >maxs-target.pid &&
	XDG_CONFIG_HOME=$PWD/conf start_server maxs -p $(cat maxs-target.pid) &&
	get maxs "/debug/pprof/profile?seconds=2" &&
	echo 400 >expect && test_cmp expect status &&
	grep "from 1 to 1" body &&
	get maxs "/debug/pprof/profile?seconds=1&format=folded" &&
	echo 200 >expect && test_cmp expect status &&
	grep "hot_spin" body &&
	stop_server maxs &&
	kill $(cat maxs-target.pid)
'

test_expect_success '--auto-profile: a CPU profile every interval, the last --keep kept' '
	./hot 300 >/dev/null 2>&1 &
	echo $! >target.pid &&
	{ prof-record --auto-profile 1 -d 0.5 --keep 2 -p $(cat target.pid) 2>auto.err & } &&
	echo $! >auto.pid &&
	i=0 &&
	while test $(ls tmp/profiles 2>/dev/null | grep -c "^cpu_[0-9]*\\(-[0-9]*\\)\\{0,1\\}\\.pb\\.gz\$") -lt 2 &&
	    test $i -lt 300; do
		sleep 0.1; i=$((i + 1))
	done &&
	sleep 3 &&
	stop_server auto &&
	ls tmp/profiles >files &&
	cat files auto.err &&
	test_line_count = 2 files &&
	for f in $(cat files); do gzip -t tmp/profiles/$f || return 1; done &&
	kill $(cat target.pid)
'

while read -r args; do
	case_args=$args
	test_expect_success "usage error: $args" '
		test_expect_code 2 prof-record $case_args -- true 2>err &&
		cat err && test -s err
	'
done <<'TABLE'
--serve 70000
--serve 1.2.3:80
--serve [::1:80
--serve 0 -o x
--serve 0 --type memory
--serve 0 -d 5
--serve 0 --keep 3
--keep 3
--auto-profile 1 -d 2
--auto-profile 0
TABLE

test_expect_success 'SERVER in prof-record(1) names every endpoint' '
	for e in profile heap allocs mutex block goroutine threadcreate stats; do
		grep "^\\.It Pa /debug/.*$e" "$ROOT/man/prof-record.1" ||
		{ echo "no $e"; return 1; }
	done
'

done_testing
