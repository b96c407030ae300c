#!/bin/sh
test_description='t/lib.sh: the harness itself'
. "$(dirname "$0")/lib.sh"

# Each case is a small test script run in its own directory; its TAP output
# and exit status are compared with what the harness must print.
LIB=$T_DIR/lib.sh
export LIB
mkdir cases
cat >cases/mixed.t <<'CASE'
#!/bin/sh
. "$LIB"
test_expect_success 'passes' 'true'
test_expect_success 'fails' 'echo some output && echo on stderr >&2 && false'
test_skip 'cannot' 'no reason'
done_testing
CASE
cat >cases/pass.t <<'CASE'
#!/bin/sh
. "$LIB"
test_expect_success 'a file in the trash' 'echo x >f && test -f f'
test_expect_success 'the previous body ran here' 'test -f f'
test_expect_success 'code' 'test_expect_code 3 sh -c "exit 3"'
test_expect_success 'LC_ALL' 'test "$LC_ALL" = C'
done_testing
CASE
cat >cases/code.t <<'CASE'
#!/bin/sh
. "$LIB"
test_expect_success 'wrong code' 'test_expect_code 2 sh -c "exit 1"'
test_expect_success 'a signal is no exit code' 'test_expect_code 2 sh -c "kill -TERM \$\$"'
test_expect_success 'files differ' 'echo a >x && echo b >y && test_cmp x y'
test_expect_success 'not empty' 'echo a >x && test_must_be_empty x'
test_expect_success 'line count' 'printf "a\nb\n" >x && test_line_count = 3 x'
test_expect_success 'redirected' 'test_expect_code 2 sh -c "exit 1" "(redirected)" 2>err'
done_testing
CASE
cat >cases/num.t <<'CASE'
#!/bin/sh
. "$LIB"
test_expect_success 'hold' '
	test_cmp_num 1.5 "<" 2 && test_cmp_num 1e3 = 1000 && test_cmp_num -0.5 ">=" -1 &&
	test_cmp_num 2 != 3 && test_between 0 0.5 1 && test_between 1 1 1
'
test_expect_success 'less' 'test_cmp_num 2.5 "<" 2'
test_expect_success 'not a number' 'test_cmp_num "" ">=" 0'
test_expect_success 'between' 'test_between 10 33.5 20 2>/dev/null'
test_expect_success 'between, not a number' 'test_between 0 1x 2'
test_expect_success 'operator' 'test_cmp_num 1 -lt 2'
done_testing
CASE
cat >cases/skip.t <<'CASE'
#!/bin/sh
. "$LIB"
skip_all 'nothing to do here'
CASE
cat >cases/ci.t <<'CASE'
#!/bin/sh
. "$LIB"
skip_or_fail 'tool missing'
CASE

test_expect_success 'ok and not ok lines, failed output as comments, plan, status' '
	cat >expect <<-\OUT &&
	ok 1 - passes
	not ok 2 - fails
	# some output
	# on stderr
	ok 3 - cannot # skip no reason
	1..3
	OUT
	HARNESS_ACTIVE= TEST_TIMES= TEST_VERBOSE= test_expect_code 1 sh cases/mixed.t >actual &&
	test_cmp expect actual
'

test_expect_success 'under prove without -v, a failure is told on stderr too' '
	HARNESS_ACTIVE=1 HARNESS_IS_VERBOSE= TEST_TIMES= TEST_VERBOSE= \
		test_expect_code 1 sh cases/mixed.t >actual 2>err &&
	cat >expect <<-\OUT &&
	# mixed: not ok 2 - fails
	#   some output
	#   on stderr
	OUT
	test_cmp expect err &&
	HARNESS_ACTIVE=1 HARNESS_IS_VERBOSE=1 TEST_TIMES= TEST_VERBOSE= \
		test_expect_code 1 sh cases/mixed.t >actual 2>err &&
	test_must_be_empty err
'

test_expect_success 'a passing script exits 0 and removes its trash' '
	printf "ok 1 - a file in the trash\nok 2 - the previous body ran here\nok 3 - code\nok 4 - LC_ALL\n1..4\n" >expect &&
	LC_ALL=en_US.UTF-8 TEST_TIMES= TEST_VERBOSE= sh cases/pass.t >actual &&
	test_cmp expect actual &&
	! ls -d cases/trash.pass.* 2>/dev/null
'

test_expect_success 'a failing script keeps its trash' '
	test_expect_code 1 sh cases/code.t >actual &&
	ls -d cases/trash.code.* >dirs &&
	test_line_count = 1 dirs
'

test_expect_success 'test_expect_code, test_cmp, test_must_be_empty and test_line_count fail when they should' '
	grep "^not ok" actual >failed &&
	test_line_count = 6 failed &&
	grep "^# test_expect_code: expected exit 2, got 1: sh -c exit 1\$" actual &&
	grep "^# test_expect_code: expected exit 2, got 143: " actual
'

test_expect_success 'test_expect_code complains in the output even when stderr is redirected' '
	grep "^# test_expect_code: expected exit 2, got 1: sh -c exit 1 (redirected)\$" actual
'

test_expect_success 'test_cmp_num and test_between say what was expected and what came' '
	cat >expect <<-\OUT &&
	ok 1 - hold
	not ok 2 - less
	# test_cmp_num: expected '"'2.5'"' < '"'2'"' (as numbers); it is not
	not ok 3 - not a number
	# test_cmp_num: expected '"''"' >= '"'0'"' (as numbers); it is not
	not ok 4 - between
	# test_between: expected 10 <= X <= 20, got X = '"'33.5'"'
	not ok 5 - between, not a number
	# test_between: expected 0 <= X <= 2, got X = '"'1x'"'
	not ok 6 - operator
	# test_cmp_num: bad operator '"'-lt'"'
	1..6
	OUT
	HARNESS_ACTIVE= TEST_TIMES= TEST_VERBOSE= test_expect_code 1 sh cases/num.t >actual &&
	test_cmp expect actual
'

test_expect_success 'TEST_TIMES=1 follows each result with its time' '
	TEST_TIMES=1 sh cases/pass.t >actual &&
	grep -c "^# [0-9][0-9]* ms\$" actual >n &&
	echo 4 >expect &&
	test_cmp expect n
'

test_expect_success 'skip_all' '
	echo "1..0 # SKIP nothing to do here" >expect &&
	sh cases/skip.t >actual &&
	test_cmp expect actual
'

test_expect_success 'skip_or_fail skips outside CI' '
	echo "1..0 # SKIP tool missing" >expect &&
	CI= sh cases/ci.t >actual &&
	test_cmp expect actual
'

test_expect_success 'skip_or_fail fails in CI' '
	CI=true test_expect_code 1 sh cases/ci.t >actual &&
	grep "^not ok 1 - prerequisite missing in CI: tool missing" actual &&
	grep "^1\.\.1$" actual
'

test_expect_success 'folded_sum adds decimals exactly and skips metadata, not # stacks' '
	printf "# unit: samples\n# x 5\na;b 0.1\r\n\n a 0.2\nb 1 2\nc 0.999999999\nd 0.000000001\ne 5.\n# samples: 9 samples\n" >in &&
	echo 13.3 >expect &&
	folded_sum in >actual &&
	test_cmp expect actual &&
	printf "a 1 2\nb 0.5 3\n" >diff &&
	echo 1.5 >expect &&
	folded_sum -2 diff >actual &&
	test_cmp expect actual
'

test_expect_success 'folded_sum -e: one sum a file, in order' '
	printf "a 4503599627370496\nb 4503599627370497\n" >big &&
	printf "# unit: samples\na 0.5\n" >half &&
	printf "a 1 2\nb 0.5 3\n" >diff &&
	cat >expect <<-\EOF &&
	9007199254740993 big
	0.5 half
	5 diff
	EOF
	folded_sum -e big half diff >actual &&
	test_cmp expect actual &&
	echo "1.5 diff" >expect &&
	folded_sum -2 -e diff >actual &&
	test_cmp expect actual
'

test_expect_success 'folded_sum: large integers stay exact' '
	printf "a 4503599627370496\nb 4503599627370497\n" >in &&
	echo 9007199254740993 >expect &&
	folded_sum in >actual &&
	test_cmp expect actual
'

done_testing
