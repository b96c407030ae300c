#!/bin/sh
test_description='prof-plan: --help, usage errors, input and output errors, the man SYNOPSIS'
. "$(dirname "$0")/lib.sh"

printf '# unit: samples\nprog;main;work 30\nprog;main;malloc;_int_malloc 60\nprog;main;parse;strlen 10\n' >in

test_expect_success '--help prints the usage and one line per option to stdout, exit 0' '
	prof-plan --help >out 2>err &&
	test_must_be_empty err &&
	head -n 1 out | grep "^usage: prof-plan " &&
	for o in -j -o --format --min-gain --binary --source --diff --bench --rules \
	    --report --run-profile --scenario --apply --help
	do
		sed -n "/^usage:/,/^\$/!p" out | grep -e "^ *$o[ ,]" -e "^ *$o\$" >/dev/null ||
		{ echo "--help has no line for $o"; exit 1; }
	done &&
	grep -w markdown out && grep -w json out
'

test_expect_success 'an unknown option: usage on stderr, nothing on stdout, exit 2' '
	test_expect_code 2 prof-plan --nope in >out 2>err &&
	test_must_be_empty out &&
	grep "usage: prof-plan" err
'

test_expect_success 'the usage on error equals the usage of --help' '
	prof-plan --help >out &&
	sed -n "/^usage:/,/^\$/p" out | sed "/^\$/d" >expect &&
	test_expect_code 2 prof-plan --nope 2>err &&
	sed -n "/^usage:/,\$p" err >actual &&
	test_cmp expect actual
'

for bad in "--format html" "--min-gain -1" "--min-gain 101" "--min-gain x" "--apply" \
    "--scenario x" "--run-profile in" "-j 0" "--jobs 257" "--jobs x" "-j ''"
do
	test_expect_success "bad use: $bad: exit 2, a message, nothing on stdout" '
		test_expect_code 2 prof-plan '"$bad"' in >out 2>err &&
		test_must_be_empty out &&
		grep "^prof-plan: " err
	'
done

test_expect_success 'a missing file: exit 2, a message naming it, nothing on stdout' '
	test_expect_code 2 prof-plan nosuch >out 2>err &&
	test_must_be_empty out &&
	grep "nosuch" err
'

test_expect_success 'a differential profile as the input: exit 2, says to use --diff' '
	printf "a;b 1 2\n" >d.folded &&
	test_expect_code 2 prof-plan d.folded >out 2>err &&
	test_must_be_empty out &&
	grep -e "--diff" err
'

test_expect_success '--diff with a profile that is not differential: exit 2' '
	test_expect_code 2 prof-plan --diff in in >out 2>err &&
	grep "not a differential profile" err
'

test_expect_success '--binary that is not ELF: exit 2, says so' '
	test_expect_code 2 prof-plan --binary in in >out 2>err &&
	test_must_be_empty out &&
	grep "not an ELF file" err
'

test_expect_success '--bench that is not results: exit 2' '
	test_expect_code 2 prof-plan --bench in in >out 2>err &&
	test_must_be_empty out &&
	grep "^prof-plan: " err
'

test_expect_success 'a malformed line is reported with its number, the rest planned' '
	printf "prog;main;work 3\nno-count-here\n" >bad.folded &&
	prof-plan bad.folded >out 2>err &&
	grep "line 2" err &&
	grep "Hot computation in" out
'

test_expect_success '-o writes what stdout gets, atomically' '
	prof-plan in >expect &&
	prof-plan -o tasks.md in >stdout &&
	test_must_be_empty stdout &&
	test_cmp expect tasks.md &&
	ls | grep "tasks.md.tmp" >tmps;
	test_must_be_empty tmps
'

test_expect_success 'prof(7)'"'"'s vocabulary: -o and -j have long forms, --output and --jobs' '
	prof-plan -j 1 -o short in &&
	prof-plan --jobs=1 --output=long in &&
	test_cmp short long &&
	prof-plan in >expect &&
	test_cmp expect long
'

test_expect_success 'the messages of a bad --format and --jobs name the value and what would do' '
	test_expect_code 2 prof-plan --format html in 2>err &&
	echo "prof-plan: --format: ${SQ}html${SQ} is not a format; use markdown or json" >expect &&
	test_cmp expect err &&
	test_expect_code 2 prof-plan --jobs 0 in 2>err &&
	grep "^prof-plan: --jobs: ${SQ}0${SQ} is too small; use 1 to 256" err
'

test_expect_success 'an input error with -o leaves no file' '
	test_expect_code 2 prof-plan -o none.md nosuch 2>err &&
	! test -e none.md
'

for fmt in markdown json; do
	test_expect_success "a write error is reported, exit 1 (--format $fmt)" '
		test_expect_code 1 prof-plan --format '"$fmt"' in >/dev/full 2>err &&
		grep "^prof-plan: .*write error" err
	'
done

test_expect_success 'a write error in the report is reported, exit 1' '
	prof-plan -o plan.md --report - in >/dev/full 2>err;
	test $? = 1 &&
	grep "write error" err
'

test_expect_success 'empty input: exit 0, a plan with no task, valid JSON' '
	prof-plan </dev/null >out 2>err &&
	test_must_be_empty err &&
	grep "No task reaches the minimum gain" out &&
	prof-plan --format json </dev/null >out.json &&
	python3 -c "import json,sys; d = json.load(open(\"out.json\")); assert d[\"tasks\"] == [], d"
'

test_synopsis prof-plan

done_testing
