#!/bin/sh
test_description='prof-fold and the readers on profiles that Go writes, figures held to go tool pprof'"'"'s'
. "$(dirname "$0")/lib.sh"

# Go (Debian golang-go) writes real CPU, heap and mutex profiles with
# t/data/pprof/profgen.go (standard library only); go tool pprof, which
# it ships, is the reference.  Go caches under $HOME: everything is kept
# in this test's directory, and no module is fetched (GOPROXY=off).
needs_go
command -v python3 >/dev/null 2>&1 || skip_or_fail 'no python3'

# pprof_top FILE ARGS...: go tool pprof -top's rows, "name flat cum", and
# a first line "total T"; values exact (-unit picks the base unit).
cat >pprof_top.py <<'EOF'
import re, sys
total = None
rows = []
for line in sys.stdin:
    m = re.search(r'of (\S+) total', line)
    if m:
        total = m.group(1)
    m = re.match(r'^\s*(\d+)[a-zA-Z]*\s+\S+%\s+\S+%\s+(\d+)[a-zA-Z]*\s+\S+%\s+(.*?)( \(inline\))?$', line)
    if m:
        rows.append('%s %s %s' % (m.group(3), m.group(1), m.group(2)))
print('total %s' % re.sub(r'[a-zA-Z]+$', '', total or 'none'))
for r in rows:
    print(r)
EOF
pprof_top () {
	f=$1
	shift
	go tool pprof -top -nodecount=10 "$@" "$f" 2>pprof.err | python3 pprof_top.py
}

# prof_top FOLDED: the same rows from prof-top's CSV, for the names of rows.
cat >prof_top.py <<'EOF'
import csv, sys
rows = {r['name']: r for r in csv.DictReader(open(sys.argv[1]))}
total = sys.argv[3]
print('total %s' % total)
for line in open(sys.argv[2]).read().splitlines()[1:]:
    name = line.rsplit(' ', 2)[0]
    r = rows.get(name)
    print('%s %s %s' % (name, r['flat'], r['cum']) if r else '%s missing' % name)
EOF
prof_top () {
	prof-top --format csv --rows 0 "$1" >top.csv &&
	python3 prof_top.py top.csv "$2" "$(folded_sum "$1")"
}

# traces: go tool pprof -traces as folded stacks (root first, inline
# marks and labels left out, zero values skipped), summed and sorted.
cat >traces.py <<'EOF'
import re, sys
out = {}
for block in re.split(r'^-+\+-+$', sys.stdin.read(), flags=re.M)[1:]:
    lines = [l for l in block.splitlines() if l.strip()]
    for i, l in enumerate(lines):
        m = re.match(r'^\s*(\d+)[a-zA-Z]*\s+(.*)$', l)
        if m:
            break
    else:
        continue
    frames = [m.group(2)] + [x.strip() for x in lines[i + 1:]]
    frames = [re.sub(r' \(inline\)$', '', f) for f in frames]
    v = int(m.group(1))
    if v:
        k = ';'.join(reversed(frames))
        out[k] = out.get(k, 0) + v
for k in sorted(out):
    print('%s %d' % (k, out[k]))
EOF
cat >unmark.py <<'EOF'
import sys
out = {}
for line in open(sys.argv[1]):
    if line.startswith('#'):
        continue
    k, v = line.rstrip('\n').rsplit(' ', 1)
    k = ';'.join(f[:-4] if f.endswith('_[i]') else f for f in k.split(';'))
    out[k] = out.get(k, 0) + int(v)
for k in sorted(out):
    print('%s %d' % (k, out[k]))
EOF

test_expect_success 'Go writes a CPU, a heap and a mutex profile' '
	go build -o profgen "$T_DATA/pprof/profgen.go" &&
	./profgen cpu cpu.pb.gz &&
	./profgen heap heap.pb.gz &&
	./profgen mutex mutex.pb.gz &&
	test -s cpu.pb.gz && test -s heap.pb.gz && test -s mutex.pb.gz
'

# FILE SAMPLE-TYPE UNIT-FLAG: the value compared, and -unit for exact figures
while read -r file st unit; do
	case_file=$file case_st=$st case_unit=$unit
	test_expect_success "$file, $st: total and top-10 flat/cum equal go tool pprof -top" '
		prof-fold --sample-type $case_st $case_file >folded &&
		pprof_top $case_file -sample_index=$case_st -unit=$case_unit >expect &&
		test_must_be_empty pprof.err &&
		prof_top folded expect >actual &&
		test_cmp expect actual
	'
	test_expect_success "$file, $st: stacks equal go tool pprof -traces" '
		prof-fold --sample-type $case_st $case_file >folded &&
		go tool pprof -traces -sample_index=$case_st -unit=$case_unit $case_file 2>/dev/null |
			python3 traces.py >expect &&
		python3 unmark.py folded >actual &&
		test_cmp expect actual
	'
done <<'CASES'
cpu.pb.gz cpu ns
cpu.pb.gz samples ns
heap.pb.gz alloc_space B
heap.pb.gz alloc_objects B
heap.pb.gz inuse_space B
heap.pb.gz inuse_objects B
mutex.pb.gz contentions ns
mutex.pb.gz delay ns
CASES

test_expect_success 'the default value is the profile'"'"'s (heap: inuse_space), as pprof'"'"'s' '
	prof-fold heap.pb.gz >folded &&
	pprof_top heap.pb.gz -unit=B >expect &&
	prof_top folded expect >actual &&
	test_cmp expect actual &&
	grep -Fx "# type: memory" folded &&
	grep -Fx "# unit: bytes" folded
'

# prof-top --traces (issue 21) reads the pprof file itself, at its default
# value: the sets of (stack, value) equal go tool pprof -traces'.
for file in cpu.pb.gz heap.pb.gz mutex.pb.gz; do
	case_file=$file
	test_expect_success "$file: prof-top --traces equals go tool pprof -traces" '
		go tool pprof -traces -unit=$(case $case_file in heap*) echo B ;; *) echo ns ;; esac) \
			$case_file 2>/dev/null | python3 traces.py >expect &&
		prof-top --traces --rows 0 --format csv $case_file >traces.csv &&
		python3 -c "
import csv, sys
for r in csv.DictReader(open(\"traces.csv\")):
    print(\"%s %s\" % (r[\"stack\"], r[\"count\"]))
" >folded.traces &&
		python3 unmark.py folded.traces >actual &&
		test_cmp expect actual
	'
done

test_expect_success 'metadata: cpu in nanoseconds, its period, start and duration' '
	prof-fold cpu.pb.gz >folded &&
	grep -Fx "# type: cpu" folded &&
	grep -Fx "# unit: nanoseconds" folded &&
	grep -Fx "# period: 10000000 ns" folded &&
	grep "^# start: 20[0-9-]*T[0-9:]*Z\$" folded &&
	grep "^# duration: 0\.[0-9]* s\$" folded &&
	prof-fold --sample-type contentions mutex.pb.gz >m &&
	grep -Fx "# type: lock" m && grep -Fx "# unit: samples" m &&
	prof-fold --sample-type delay mutex.pb.gz >m &&
	grep -Fx "# type: lock" m && grep -Fx "# unit: nanoseconds" m &&
	prof-fold --sample-type alloc_objects heap.pb.gz >m &&
	grep -Fx "# type: memory" m && grep -Fx "# unit: objects" m
'

test_expect_success 'an inlined function is a frame of its own, marked _[i]' '
	prof-fold cpu.pb.gz >folded &&
	grep "main\.hashLoop;main\.mix_\[i\] [0-9]*\$" folded
'

test_expect_success '--context: frames carry the Go source file and line, and the binary' '
	prof-fold --context cpu.pb.gz >folded &&
	grep "	[^	]*profgen\.go:[0-9]*	[^	;]*profgen;" folded
'

test_expect_success '--label phase: the phases are root frames, as pprof -tagfocus sums them' '
	prof-fold --label phase cpu.pb.gz >folded &&
	for ph in hash parse; do
		grep "^phase:$ph;" folded >part &&
		go tool pprof -top -tagfocus=phase=$ph -unit=ns cpu.pb.gz 2>/dev/null |
			sed -n "s/^Showing nodes accounting for \([0-9]*\)ns,.*/\1/p" >expect &&
		folded_sum part >actual &&
		test_cmp expect actual || return 1
	done &&
	! grep -v "^#" folded | grep -v "^phase:" 
'

test_expect_success 'prof-top reads the Go profile itself, as it reads prof-fold'"'"'s output' '
	prof-fold cpu.pb.gz >folded &&
	prof-top folded >expect &&
	prof-top cpu.pb.gz >actual &&
	test_cmp expect actual
'

test_expect_success 'prof-flame draws the Go profile itself' '
	prof-flame cpu.pb.gz >out.svg &&
	grep -F "main.hashLoop" out.svg >/dev/null &&
	prof-fold cpu.pb.gz | prof-flame >expect.svg &&
	test_cmp expect.svg out.svg
'

test_expect_success 'prof-diff compares two Go profiles, and a Go profile with folded stacks' '
	prof-fold cpu.pb.gz >folded &&
	prof-diff folded folded >expect &&
	prof-diff cpu.pb.gz cpu.pb.gz >actual &&
	sed "s/folded/cpu.pb.gz/g" expect >expect2 &&
	test_cmp expect2 actual &&
	prof-diff --summary folded cpu.pb.gz >summary &&
	grep "main.mix" summary
'

test_expect_success 'prof-plan plans from the Go profile itself' '
	prof-plan cpu.pb.gz >plan.md &&
	grep -F "main.mix" plan.md >/dev/null
'

test_expect_success 'round trip: Go profile -> folded -> pprof -> folded keeps every stack and count' '
	for f in cpu heap mutex; do
		prof-fold --context $f.pb.gz >a &&
		prof-fold --format pprof -o rt.pb.gz a &&
		prof-fold --context rt.pb.gz >b &&
		grep -v "^#" a >expect && grep -v "^#" b >actual &&
		test_cmp expect actual || return 1
	done
'

# go tool pprof -raw: "Samples:", a header line, then "VALUE: LOCATION IDS".
# (pprof says "Main binary filename not available." of a location without
# a mapping whose functions are known: prof writes one.)
test_expect_success 'go tool pprof -raw and -top read prof'"'"'s output without a warning; totals match' '
	for f in cpu heap mutex; do
		prof-fold $f.pb.gz >a &&
		prof-fold --format pprof -o rt.pb.gz a &&
		go tool pprof -raw rt.pb.gz >raw 2>err &&
		test_must_be_empty err &&
		awk "/^Samples:/ { s = 1; getline; next } /^Locations/ { s = 0 } s { sub(/:.*/, \"\"); t += \$1 } END { printf \"%.0f\\n\", t }" raw >actual &&
		folded_sum a >expect &&
		test_cmp expect actual &&
		go tool pprof -top rt.pb.gz >top 2>err &&
		test_must_be_empty err || return 1
	done
'

test_expect_success 'go tool pprof -top on prof'"'"'s output of a Go profile gives Go'"'"'s figures' '
	prof-fold --format pprof -o rt.pb.gz cpu.pb.gz &&
	pprof_top cpu.pb.gz -unit=ns >expect &&
	pprof_top rt.pb.gz -unit=ns >actual &&
	test_cmp expect actual
'

done_testing
