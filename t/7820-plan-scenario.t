#!/bin/sh
test_description='prof-plan --run-profile: scenario types, --profiler, verify commands that reproduce the recording'
. "$(dirname "$0")/lib.sh"
. "$T_DATA/record/record.sh"

needs_record
PLAN=$(command -v prof-plan)

test_expect_success 'build multi.c' '
	cc -O2 -g -fno-optimize-sibling-calls -o multi "$T_DATA/plan/multi.c" &&
	./multi
'

test_expect_success 'types = cpu, offcpu: both recorded, one plan from both' '
	mkdir types && cd types &&
	printf "[scenario default]\ncommand = ../multi\ntypes = cpu, offcpu\n" >prof.conf &&
	XDG_CONFIG_HOME=/nonexistent prof-plan --run-profile --min-gain 5 >plan.md 2>err &&
	grep -F "recording: ../multi (--type cpu)" err &&
	grep -F "recording: ../multi (--type offcpu)" err &&
	grep -x "Profiles:" plan.md &&
	grep "^- .cpu\.folded.: " plan.md &&
	grep "^- .offcpu\.folded.: " plan.md &&
	grep -A2 "^- \[ \] \*\*[0-9]*\. Hot computation in .spin." plan.md >spin &&
	grep -F "  - Profile: \`cpu.folded\` (cpu)" spin &&
	grep -A2 "^- \[ \] \*\*[0-9]*\. Sleeping in .nap.*of the off-CPU time" plan.md >nap &&
	grep -F "  - Profile: \`offcpu.folded\` (offcpu)" nap
'

test_expect_success 'types: an unknown type is an error naming the line; perf with offcpu: exit 2' '
	mkdir badtype && cd badtype &&
	printf "[scenario default]\ncommand = ../multi\ntypes = cpu, ofcpu\n" >prof.conf &&
	test_expect_code 2 env XDG_CONFIG_HOME=/nonexistent prof-plan --run-profile >out 2>err &&
	test_must_be_empty out &&
	grep "prof.conf:3" err && grep "ofcpu" err &&
	printf "[scenario default]\ncommand = ../multi\ntypes = offcpu\n" >prof.conf &&
	test_expect_code 2 env XDG_CONFIG_HOME=/nonexistent prof-plan --run-profile --profiler perf >out 2>err &&
	test_must_be_empty out &&
	grep -e "--profiler perf records cpu profiles only, not offcpu" err
'

test_expect_success '--profiler: an unknown name, or without --run-profile: exit 2' '
	test_expect_code 2 prof-plan --run-profile --profiler gprof >out 2>err &&
	grep "gprof" err &&
	test_expect_code 2 prof-plan --profiler perf x.folded >out 2>err &&
	grep -e "--profiler: only with --run-profile" err
'

test_expect_success '--profiler perf: a missing perf is an error naming it' '
	mkdir noperf && cd noperf &&
	printf "[scenario default]\ncommand = ../multi\n" >prof.conf &&
	test_expect_code 2 env PATH=/nonexistent XDG_CONFIG_HOME=/nonexistent \
	    "$PLAN" --run-profile --profiler perf >out 2>err &&
	test_must_be_empty out &&
	grep "perf is not installed" err
'

if command -v perf >/dev/null 2>&1 &&
    perf record -q -N -o perf-probe.data true >perf-probe.out 2>&1 </dev/null &&
    test -s perf-probe.data; then
	test_expect_success '--profiler perf: recorded with perf record --call-graph dwarf, planned' '
		mkdir perf && cd perf &&
		printf "[scenario default]\ncommand = ../multi\nprofiler = perf\n" >prof.conf &&
		XDG_CONFIG_HOME=/nonexistent prof-plan --run-profile --min-gain 5 >plan.md 2>err &&
		grep -F "recording with perf: ../multi" err &&
		grep "^- \[ \] \*\*[0-9]*\. Hot computation in .spin." plan.md
	'
else
	test_skip '--profiler perf: recorded with perf record --call-graph dwarf, planned' \
	    "perf cannot record here: $(head -n 1 perf-probe.out 2>/dev/null)"
fi

test_expect_success '--profiler pprof: the profile the command writes' '
	mkdir pprof && cd pprof &&
	cat >prof.conf <<-\EOF &&
	[scenario default]
	command = prof-record --format pprof -o out.pb.gz -- ../multi
	profiler = pprof
	pprof = out.pb.gz
	EOF
	XDG_CONFIG_HOME=/nonexistent prof-plan --run-profile --min-gain 5 >plan.md 2>err &&
	grep -F "pprof from out.pb.gz" err &&
	grep "^- \[ \] \*\*[0-9]*\. Hot computation in .spin." plan.md
'

test_expect_success '--profiler pprof: a /debug/pprof URL the command serves (prof-record --serve)' '
	mkdir pprof-url && cd pprof-url &&
	port=$(python3 -c "import socket; s = socket.socket(); s.bind((\"127.0.0.1\", 0)); print(s.getsockname()[1])") &&
	cat >prof.conf <<-EOF &&
	[scenario default]
	command = prof-record --serve 127.0.0.1:$port -- sh -c "while :; do ../multi; done"
	profiler = pprof
	pprof = http://127.0.0.1:$port/debug/pprof/profile?seconds=2
	EOF
	XDG_CONFIG_HOME=/nonexistent timeout 120 prof-plan --run-profile --min-gain 5 >plan.md 2>err;
	cat err &&
	grep -F "pprof from http://127.0.0.1:$port/debug/pprof/profile?seconds=2" err &&
	grep "^- \[ \] \*\*[0-9]*\. Hot computation in .spin." plan.md
'

test_expect_success '--profiler pprof: no pprof key, a URL off the loopback, no profile: exit 2' '
	mkdir pprof2 && cd pprof2 &&
	printf "[scenario default]\ncommand = ../multi\n" >prof.conf &&
	test_expect_code 2 env XDG_CONFIG_HOME=/nonexistent prof-plan --run-profile --profiler pprof >out 2>err &&
	grep "names no pprof" err &&
	printf "[scenario default]\ncommand = ../multi\npprof = http://192.0.2.1:6060/debug/pprof/profile\n" >prof.conf &&
	test_expect_code 2 env XDG_CONFIG_HOME=/nonexistent prof-plan --run-profile --profiler pprof >out 2>err &&
	grep "only a URL on this machine" err &&
	printf "[scenario default]\ncommand = ../multi\npprof = none.pb.gz\n" >prof.conf &&
	test_expect_code 2 env XDG_CONFIG_HOME=/nonexistent prof-plan --run-profile --profiler pprof >out 2>err &&
	test_must_be_empty out &&
	grep "wrote no profile at none.pb.gz" err
'

test_expect_success 'prof-record writes its options and its stdin file in the metadata' '
	printf "line one\nline two\n" >input.txt &&
	prof-record -F 999 --lines -o in.folded -- ./multi copied.txt <input.txt &&
	test_cmp input.txt copied.txt &&
	grep -x "# record-args: -F 999 --lines" in.folded &&
	grep -x "# stdin: $(pwd -P)/input.txt" in.folded &&
	grep -x "# command: ./multi copied.txt" in.folded &&
	prof-record -o nostdin.folded -- ./multi </dev/null &&
	! grep -e "^# stdin:" -e "^# record-args:" nostdin.folded
'

test_expect_success 'prof-fold and flamegraph readers keep reading the profile' '
	prof-fold in.folded >folded.out &&
	grep -x "# record-args: -F 999 --lines" folded.out &&
	prof-flame in.folded >in.svg &&
	grep -c "^# " in.folded >n && test "$(cat n)" -gt 3
'

FG=/usr/share/perl5/Devel/NYTProf/flamegraph.pl
if test -f "$FG" && command -v perl >/dev/null 2>&1; then
	test_expect_success 'flamegraph.pl draws the same frames with the new metadata lines' '
		prof-record -F 999 -o fg.folded -- ./multi <input.txt &&
		grep -x "# record-args: \"-F 999\"" fg.folded &&
		grep "^# stdin: " fg.folded &&
		grep -v "^# " fg.folded >plain.folded &&
		perl "$FG" fg.folded >with.svg 2>/dev/null &&
		perl "$FG" plain.folded >without.svg 2>/dev/null &&
		grep -o "<title>[^<]*</title>" with.svg | sort >with &&
		grep -o "<title>[^<]*</title>" without.svg | sort >without &&
		test -s with &&
		test_cmp without with
	'
else
	test_skip 'flamegraph.pl draws the same frames with the new metadata lines' 'no flamegraph.pl'
fi

test_expect_success 'the verify block repeats -F 999 --lines and < FILE, quoted' '
	prof-plan --min-gain 5 in.folded >plan.md &&
	grep -F "prof-record -F 999 --lines -- ./multi copied.txt < $(pwd -P)/input.txt | prof-fold > before.folded" plan.md &&
	grep -F "prof-bench --input $(pwd -P)/input.txt --save before ${SQ}./multi copied.txt${SQ}" plan.md
'

test_expect_success 'the verify command line, run, reads the file again' '
	grep -m1 -F "| prof-fold > before.folded" plan.md | sed "s/^ *//" >verify.sh &&
	rm copied.txt &&
	sh verify.sh &&
	test_cmp input.txt copied.txt &&
	grep -x "# record-args: -F 999 --lines" before.folded &&
	grep "^multi;" before.folded
'

test_expect_success 'an option and a path that need quotes are quoted for the shell' '
	mkdir "a dir" && printf "x\n" >"a dir/it'\''s.txt" &&
	prof-record -F 999 -o q.folded -- ./multi copied.txt <"a dir/it'\''s.txt" &&
	prof-plan --min-gain 5 q.folded >q.md &&
	grep -m1 -F "| prof-fold > before.folded" q.md | sed "s/^ *//" >verify.sh &&
	rm copied.txt &&
	sh verify.sh &&
	test_cmp "a dir/it'\''s.txt" copied.txt
'

done_testing
