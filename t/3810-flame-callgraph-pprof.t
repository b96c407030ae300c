#!/bin/sh
test_description='prof-flame --format dot: the nodes'"'"' flat and cum equal go tool pprof -dot'"'"'s on profiles Go writes'
. "$(dirname "$0")/lib.sh"

# As t/2810: Go (Debian golang-go) writes real profiles with
# t/data/pprof/profgen.go, and go tool pprof is the reference.  Both draw
# every node and edge (fractions 0); the 10 nodes of the largest cum in
# pprof's graph must have the same flat and cum in prof's.  pprof's
# figures are exact (-unit picks the base unit); prof's are as a person
# reads them (3 significant digits, ms, KiB), so pprof's exact values are
# written the way prof writes them (lib/folded/unit.c) before they are
# compared; sample counts are compared as they are.
needs_go
command -v python3 >/dev/null 2>&1 || skip_or_fail 'no python3'

# nodes.py KIND [TOP]: the nodes of a dot graph on stdin, "name flat cum",
# their names from the tooltips ("main.mix (350ms)"), the figures from
# the labels ("flat (x%)\nof cum (y%)", "0 of cum (y%)", "flat (x%)").
# KIND raw writes them as read; ns or bytes writes pprof's exact values
# as prof shows them.  With TOP, the TOP of the largest cum (then name).
cat >nodes.py <<'EOF'
import math, re, sys
kind = sys.argv[1]
top = int(sys.argv[2]) if len(sys.argv) > 2 else 0

def sig3(x):
    d = 0 if x >= 1000 else max(0, 2 - math.floor(math.log10(x)))
    s = '%.*f' % (d, x)
    if '.' in s:
        s = s.rstrip('0').rstrip('.')
    return s

def show(v, base, units):
    if v == 0:
        return '0'
    x, i = float(v), 0
    while float(sig3(x)) >= 1000 and i + 1 < len(units):
        x /= base
        i += 1
    return sig3(x) + units[i]

def value(s):
    n = int(re.match(r'^(\d+)', s).group(1))
    if kind == 'ns':
        return show(n, 1000, ['ns', 'us', 'ms', 's'])
    if kind == 'bytes':
        return show(n, 1024, ['B', 'KiB', 'MiB', 'GiB', 'TiB'])
    return s

rows = []
for line in sys.stdin:
    m = re.match(r'^N\d+ \[label="(.*?)" .*tooltip="(.*) \([^"()]*\)"', line)
    if not m:
        continue
    label, name = m.group(1), m.group(2)
    f = re.search(r'(?:^|\\n)([^\s\\]+)(?: \([^)]*\))?(?:\\nof| of) ([^\s\\]+) \([^)]*\)$', label)
    if f:
        flat, cum = f.group(1), f.group(2)
    else:
        f = re.search(r'\\n([^\s\\]+) \([^)]*\)$', label)
        flat = cum = f.group(1)
    rows.append((name, value(flat), value(cum), int(re.match(r'^(\d+)', cum).group(1))))
if top:
    rows.sort(key=lambda r: (-r[3], r[0]))
    rows = rows[:top]
for r in rows:
    print('%s %s %s' % r[:3])
EOF

# in_prof: the rows of prof's graph (nodes.py raw, on stdin) for the
# names of the rows of $1, in its order
in_prof () {
	python3 -c "
import sys
prof = {l.rsplit(' ', 2)[0]: l for l in open(sys.argv[2]).read().splitlines()}
for l in open(sys.argv[1]).read().splitlines():
    n = l.rsplit(' ', 2)[0]
    print(prof.get(n, n + ' missing'))
" "$1" "$2"
}

test_expect_success 'Go writes a CPU and a heap profile' '
	go build -o profgen "$T_DATA/pprof/profgen.go" &&
	./profgen cpu cpu.pb.gz &&
	./profgen heap heap.pb.gz &&
	test -s cpu.pb.gz && test -s heap.pb.gz
'

ALL="--nodes 0 --node-fraction 0 --edge-fraction 0"
PPROF_ALL="-dot -nodecount=1000 -nodefraction=0 -edgefraction=0"

test_expect_success 'cpu: the top 10 nodes'"'"' flat and cum in time equal pprof -dot -unit=ns' '
	go tool pprof $PPROF_ALL -unit=ns cpu.pb.gz 2>pprof.err >pprof.dot &&
	python3 nodes.py ns 10 <pprof.dot >expect &&
	test $(wc -l <expect) -ge 6 &&
	grep "^main.mix " expect &&
	prof-fold cpu.pb.gz | prof-flame --format dot $ALL >prof.dot &&
	python3 nodes.py raw <prof.dot >prof.rows &&
	in_prof expect prof.rows >actual &&
	test_cmp expect actual
'

test_expect_success 'cpu: the sample counts, exact, equal pprof -dot -sample_index=samples' '
	go tool pprof $PPROF_ALL -sample_index=samples cpu.pb.gz 2>pprof.err >pprof.dot &&
	python3 nodes.py raw 10 <pprof.dot >expect &&
	prof-fold --sample-type samples cpu.pb.gz | grep -v "^# period:" >samples.folded &&
	prof-flame --format dot $ALL samples.folded >prof.dot &&
	python3 nodes.py raw <prof.dot >prof.rows &&
	in_prof expect prof.rows >actual &&
	test_cmp expect actual &&
	# its own samples may all fall in the inlined mix or in Go'"'"'s
	# preemption on a busy machine: its cum is never 0
	grep "^main.hashLoop [0-9]* [1-9][0-9]*\$" actual
'

test_expect_success 'prof-flame reads the Go profile itself: the same graph' '
	prof-fold cpu.pb.gz | prof-flame --format dot $ALL >expect &&
	prof-flame --format dot $ALL cpu.pb.gz >actual &&
	test_cmp expect actual
'

test_expect_success 'heap (alloc_space): the top 10 nodes'"'"' flat and cum in bytes equal pprof -dot -unit=B' '
	go tool pprof $PPROF_ALL -sample_index=alloc_space -unit=B heap.pb.gz 2>pprof.err >pprof.dot &&
	python3 nodes.py bytes 10 <pprof.dot >expect &&
	test $(wc -l <expect) -ge 3 &&
	prof-fold --sample-type alloc_space heap.pb.gz | prof-flame --format dot $ALL >prof.dot &&
	python3 nodes.py raw <prof.dot >prof.rows &&
	in_prof expect prof.rows >actual &&
	test_cmp expect actual
'

test_expect_success 'the inlined call is dashed in prof'"'"'s graph, "(inline)" in both' '
	prof-flame --format dot $ALL cpu.pb.gz >prof.dot &&
	grep "(inline)" prof.dot | grep -F "tooltip=\"main.hashLoop -> main.mix" | grep -F "style=\"dashed\"" &&
	go tool pprof $PPROF_ALL cpu.pb.gz 2>/dev/null | grep "(inline)" | grep -F "main.hashLoop -> main.mix"
'

command -v dot >/dev/null 2>&1 || skip_or_fail 'no dot (graphviz)'
test_expect_success 'dot -Tsvg draws prof'"'"'s graph of the Go profile; --format graph too' '
	prof-flame --format dot cpu.pb.gz | dot -Tsvg >dot.svg &&
	prof-flame --format graph cpu.pb.gz >graph.svg &&
	test_cmp dot.svg graph.svg &&
	grep -F "main.hashLoop" graph.svg >/dev/null
'

done_testing
