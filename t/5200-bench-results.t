#!/bin/sh
test_description='prof-bench: exports (hyperfine JSON, CSV, Markdown), saved results, --record, the progress bar'
. "$(dirname "$0")/lib.sh"

command -v python3 >/dev/null 2>&1 || skip_or_fail "no python3"
q () { "$ROOT/t/data/bench/q.py" "$@"; }

test_expect_success 'build spin.c' '
	$DRIVER_CC -O1 -g -fno-omit-frame-pointer -o spin "$ROOT/t/data/bench/spin.c"
'
PATH=$TRASH:$PATH

test_expect_success 'the JSON export has hyperfine schema, with the types hyperfine writes' '
	prof-bench -r 5 -L n 1,2 --export-json h.json "sleep 0.00{n}" >/dev/null &&
	q h.json "isinstance(j[\"results\"], list) and len(r) == 2" &&
	for k in mean stddev median user system min max
	do
		q h.json "all(isinstance(x[\"$k\"], float) or isinstance(x[\"$k\"], int) for x in r)" ||
		{ echo "$k is not a number"; exit 1; }
	done &&
	q h.json "all(isinstance(x[\"command\"], str) for x in r)" &&
	q h.json "all(len(x[\"times\"]) == 5 and all(isinstance(t, float) for t in x[\"times\"]) for x in r)" &&
	q h.json "all(x[\"exit_codes\"] == [0] * 5 for x in r)" &&
	q h.json "all(len(x[\"memory_usage_byte\"]) == 5 and all(isinstance(b, int) for b in x[\"memory_usage_byte\"]) for x in r)" &&
	q h.json "r[0][\"parameters\"] == {\"n\": \"1\"}"
'

test_expect_success 'the JSON export extends the schema with prof figures under new keys' '
	for k in user_times system_times minor_faults major_faults \
	    voluntary_context_switches involuntary_context_switches \
	    mad p5 p25 p75 p95 p99 outliers relative relative_stddev
	do
		q h.json "all(\"$k\" in x for x in r)" || { echo "no $k"; exit 1; }
	done &&
	q h.json "\"date\" in j[\"prof\"]"
'

test_expect_success 'the median and percentiles agree with numpy-style linear interpolation' '
	q h.json "all(abs(x[\"p25\"] - statistics.quantiles(x[\"times\"], n=4, method=\"inclusive\")[0]) < 1e-12 for x in r)"
'

test_expect_success 'a hyperfine reader: prof-diff reads the JSON export back' '
	prof-bench -r 6 --export-json a.json "sleep 0.01" >/dev/null &&
	prof-diff a.json a.json >out &&
	grep "sleep 0.01" out
'

test_expect_success 'the CSV export: hyperfine columns first, each run last' '
	prof-bench -r 4 --export-csv c.csv "sleep 0.001" true >/dev/null &&
	python3 -c "
import csv, sys
rows = list(csv.DictReader(open(\"c.csv\")))
assert list(rows[0].keys())[:8] == \"command mean stddev median user system min max\".split(), rows[0].keys()
assert [r[\"command\"] for r in rows] == [\"sleep 0.001\", \"true\"]
for r in rows:
    t = [float(x) for x in r[\"times\"].split()]
    assert len(t) == 4 and abs(sum(t) / 4 - float(r[\"mean\"])) < 1e-12, r
"
'

test_expect_success 'the Markdown export: hyperfine table, a row per command' '
	prof-bench -r 3 --export-markdown m.md "sleep 0.002" true >/dev/null &&
	head -n 2 m.md >head &&
	grep "^| Command | Mean \[ms\] | Min \[ms\] | Max \[ms\] | Relative |" head &&
	test $(grep -c "^| \`" m.md) = 2
'

test_expect_success '--sort mean-time orders the Markdown table by speed' '
	prof-bench -r 3 --sort mean-time --export-markdown m2.md "sleep 0.3" true >/dev/null &&
	sed -n 3p m2.md | grep "true"
'

test_expect_success 'an export to an unwritable place: message, exit 1, the summary still shown' '
	test_expect_code 1 prof-bench -r 2 --export-json /nonexistent/x.json true >out 2>err &&
	grep "x.json" err &&
	grep "^Benchmark 1: true" out
'

test_expect_success '--save keeps results by name; --list shows them' '
	prof-bench -r 6 --results-dir res --save v1.0 "sleep 0.01" >/dev/null &&
	prof-bench -r 6 --results-dir res --save v1.1 "sleep 0.01" >/dev/null &&
	test -f res/v1.0.json && test -f res/v1.1.json &&
	prof-bench --list --results-dir res >list &&
	grep "^v1.0" list && grep "^v1.1" list && grep "sleep 0.01" list
'

test_expect_success 'saved results compare by name with prof-diff' '
	prof-diff --results-dir res --baseline v1.0 --current v1.1 >out &&
	grep "sleep 0.01" out
'

test_expect_success 'PROF_BENCH_DIR and .prof/bench are the default places' '
	PROF_BENCH_DIR=res2 prof-bench -r 2 --save x true >/dev/null &&
	test -f res2/x.json &&
	mkdir w && (cd w && prof-bench -r 2 --save y true >/dev/null) &&
	test -f w/.prof/bench/y.json
'

test_expect_success 'prof.conf [bench] results-dir sets the place' '
	mkdir w2 && printf "[bench]\nresults-dir = kept\n" >w2/prof.conf &&
	(cd w2 && prof-bench -r 2 --save z true >/dev/null) &&
	test -f w2/kept/z.json
'

test_expect_success 'a misspelt key of [bench] in prof.conf is an error with its line' '
	mkdir w3 && printf "[bench]\nresult-dir = kept\n" >w3/prof.conf &&
	(cd w3 && test_expect_code 2 prof-bench -r 2 --save z true >out 2>err) &&
	grep "prof.conf:2" w3/err
'

test_expect_success '--record writes the CPU profile of the runs as folded stacks' '
	prof-bench -r 3 --record prof.folded "spin 150" >out 2>err &&
	grep "^Benchmark 1: spin 150" out &&
	grep "^spin;.*spin_here [0-9][0-9]*$" prof.folded &&
	grep "spin_here" prof.folded | awk "{ n += \$NF } END { exit !(n > 20) }"
'

test_expect_success 'the progress bar is drawn on a terminal, not in a pipe or under CI' '
	command -v script >/dev/null || { echo "no script(1)"; exit 1; }
	env -u CI script -qec "prof-bench -r 3 \"sleep 0.01\" >/dev/null" /dev/null >tty.out &&
	grep "] 3/3" tty.out &&
	CI=true script -qec "prof-bench -r 3 \"sleep 0.01\" >/dev/null" /dev/null >tty2.out &&
	! grep "] 3/3" tty2.out &&
	prof-bench -r 3 "sleep 0.01" >/dev/null 2>err &&
	! grep "3/3" err
'

done_testing
