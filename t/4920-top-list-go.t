#!/bin/sh
test_description='prof-top --list on profiles that Go writes: the per-line figures of go tool pprof -list'
. "$(dirname "$0")/lib.sh"

# As t/2810: Go (Debian golang-go) writes real CPU, heap and mutex
# profiles with t/data/pprof/profgen.go; go tool pprof, which it ships,
# is the reference.  Everything Go caches is kept in this test's
# directory, and no module is fetched.
needs_go
command -v python3 >/dev/null 2>&1 || skip_or_fail 'no python3'

# pprof -list's lines as "FUNCTION LINE FLAT CUM", the lines with counts
# only, values as printed with -unit (a base unit: exact integers).
cat >pprof_list.py <<'EOF'
import re, sys
fn = None
out = []
for line in sys.stdin:
    m = re.match(r'^ROUTINE =+ (.*) in (.*)$', line)
    if m:
        fn = m.group(1)
        continue
    m = re.match(r'^\s*(\.|\d+)[a-zA-Z]*\s+(\.|\d+)[a-zA-Z]*\s+(\d+):', line)
    if m and fn is not None:
        flat, cum = [0 if v == '.' else int(v) for v in m.group(1, 2)]
        if flat or cum:
            out.append('%s %s %d %d' % (fn, m.group(3), flat, cum))
for r in sorted(out):
    print(r)
EOF
# The same from prof-top's CSV.
cat >prof_list.py <<'EOF'
import csv, sys
out = ['%s %s %s %s' % (r['function'], r['line'], r['flat'], r['cum'])
       for r in csv.DictReader(open(sys.argv[1]))]
for r in sorted(out):
    print(r)
EOF

test_expect_success 'Go writes a CPU, a heap and a mutex profile' '
	go build -o profgen "$T_DATA/pprof/profgen.go" &&
	./profgen cpu cpu.pb.gz &&
	./profgen heap heap.pb.gz &&
	./profgen mutex mutex.pb.gz &&
	test -s cpu.pb.gz && test -s heap.pb.gz && test -s mutex.pb.gz
'

# FILE UNIT: the profile, and the -unit that gives pprof's exact figures
while read -r file unit; do
	case_file=$file case_unit=$unit
	test_expect_success "$file: per-line flat and cum of main.* equal go tool pprof -list" '
		go tool pprof -list "main\\." -unit=$case_unit $case_file 2>pprof.err |
			python3 pprof_list.py >expect &&
		test -s expect &&
		prof-top --list "main\\." --format csv $case_file >list.csv &&
		python3 prof_list.py list.csv >actual &&
		test_cmp expect actual
	'
done <<'CASES'
cpu.pb.gz ns
heap.pb.gz B
mutex.pb.gz ns
CASES

test_expect_success 'cpu.pb.gz: the listing of main.hashLoop is pprof'"$SQ"'s, blanks aside' '
	go tool pprof -list "main\\.hashLoop" cpu.pb.gz 2>/dev/null | tr -s " \t" "  " >expect &&
	grep "ROUTINE" expect &&
	prof-top --list "^main\\.hashLoop\$" --source "$T_DATA/pprof" cpu.pb.gz |
		tr -s " \t" "  " >actual &&
	test_cmp expect actual
'

test_expect_success 'without --source the source is looked for under the current directory only' '
	prof-top --list "^main\\.hashLoop\$" cpu.pb.gz >actual &&
	grep -F "source not found under ." actual &&
	! grep -F "hashLoop(d time.Duration)" actual
'

done_testing
