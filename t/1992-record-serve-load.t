#!/bin/sh
test_description='prof-record --serve under load: 20 clients for a minute, every answer whole, the server'"'"'s memory flat'
. "$(dirname "$0")/lib.sh"
. "$T_DATA/record/record.sh"
. "$T_DATA/serve/serve.sh"

# 20 clients (python3's http.client, a thread each) ask the index,
# goroutine, heap and profile?seconds=1 in turn for 60 seconds, each on
# its own connection or on one kept alive; a 409 (a CPU profile already
# being taken) is a whole answer too.  Every answer must have its status
# line and its Content-Length bytes, a pprof body must inflate; the
# server's VmRSS after the first 20 s and at the end are compared with a
# margin wide enough for a busy machine's allocator (not a timing).
needs_record
test "$(uname -m)" = x86_64 || skip_all "x86-64 only, as the agent"
command -v python3 >/dev/null 2>&1 || skip_or_fail "no python3"
LOAD_SECONDS=${LOAD_SECONDS:-60}

trap 'for s in *.pid; do test -f "$s" && stop_server "${s%.pid}"; done
	test "$test_failed" = 0 && cd "$T_DIR" && rm -rf "$TRASH"' EXIT

cat >load.py <<'EOF'
import gzip, http.client, sys, threading, time

port, seconds, pid = int(sys.argv[1]), float(sys.argv[2]), sys.argv[3]
paths = ["/debug/pprof/", "/debug/pprof/goroutine", "/debug/pprof/heap",
         "/debug/pprof/profile?seconds=1"]
lock = threading.Lock()
counts, errors, rss = {}, [], []

def vmrss():
    for line in open("/proc/%s/status" % pid):
        if line.startswith("VmRSS:"):
            return int(line.split()[1])

def client(k):
    end = time.time() + seconds
    i = k
    conn = None
    while time.time() < end:
        path = paths[i % len(paths)]
        i += 1
        try:
            if conn is None:
                conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
            conn.request("GET", path)
            r = conn.getresponse()
            body = r.read()       # IncompleteRead if short of Content-Length
            length = r.getheader("Content-Length")
            if length is None or int(length) != len(body):
                raise Exception("%s: Content-Length %s, %d bytes" % (path, length, len(body)))
            if r.status == 200 and r.getheader("Content-Type") == "application/octet-stream":
                gzip.decompress(body)
            elif r.status not in (200, 409) or (r.status == 409 and "profile" not in path):
                raise Exception("%s: %d %s" % (path, r.status, body[:200]))
            with lock:
                counts[r.status] = counts.get(r.status, 0) + 1
            if k % 2 == 0 or r.getheader("Connection") == "close":
                conn.close()
                conn = None
        except Exception as e:
            with lock:
                errors.append("%s: %r" % (path, e))
            if conn is not None:
                conn.close()
            conn = None

threads = [threading.Thread(target=client, args=(k,)) for k in range(20)]
for t in threads:
    t.start()
time.sleep(min(20, seconds / 3))
rss.append(vmrss())
for t in threads:
    t.join()
rss.append(vmrss())
print("answers", counts)
print("rss_kb", rss[0], rss[1])
for e in errors[:20]:
    print("error", e)
sys.exit(1 if errors or counts.get(200, 0) == 0 else 0)
EOF

test_expect_success 'build hot.c' '
	cc -O1 -g -pthread -o hot "$T_DATA/serve/hot.c"
'

test_expect_success 'the server of hot, under its agent' '
	start_server s -- ./hot 600
'

test_expect_success "20 clients for $LOAD_SECONDS s: every answer whole, 409s only for profiles" '
	python3 load.py $(cat s.port) $LOAD_SECONDS $(cat s.pid) >load.out 2>&1;
	rc=$? &&
	cat load.out &&
	test $rc = 0 &&
	kill -0 $(cat s.pid)
'

test_expect_success 'the server'"$SQ"'s RSS at the end is within 1.5 times + 16 MB of its RSS at 20 s' '
	set -- $(sed -n "s/^rss_kb //p" load.out) &&
	test $# = 2 &&
	test $2 -le $(($1 * 3 / 2 + 16384)) || { echo "VmRSS $1 kB, then $2 kB"; false; }
'

test_expect_success 'the server answers afterwards, and no child is left' '
	get s /debug/pprof/ &&
	echo 200 >expect && test_cmp expect status &&
	i=0 &&
	while server_children s | grep -q " prof-record\$" && test $i -lt 100; do
		sleep 0.1; i=$((i + 1))
	done &&
	server_children s >children &&
	cat children &&
	! grep " prof-record\$" children &&
	! grep " Z " children
'

done_testing
