#!/bin/sh
test_description='prof-fold: --help, usage errors, option values, the man SYNOPSIS'
. "$(dirname "$0")/lib.sh"

printf 'a;b 1\n' >in

test_expect_success '--help prints the usage and one line per option to stdout, exit 0' '
	prof-fold --help >out 2>err &&
	test_must_be_empty err &&
	head -n 1 out >first &&
	grep "^usage: prof-fold " first &&
	for o in -o -j --jobs --input-format --pid --tid --kernel --jit --all --addrs \
	    --event-filter --inline --context --depth --focus --ignore --hide \
	    --collapse-recursion --strip-addrs --scale --strict --help
	do
		sed -n "/^usage:/,/^\$/!p" out | grep -e "^ *$o[ ,]" -e ", $o[ ,]" >/dev/null ||
		{ echo "--help has no line for $o"; exit 1; }
	done
'

test_expect_success 'an unknown option: usage on stderr, nothing on stdout, exit 2' '
	test_expect_code 2 prof-fold --nope <in >out 2>err &&
	test_must_be_empty out &&
	grep "usage: prof-fold" err
'

test_expect_success 'an unknown short option is a usage error' '
	test_expect_code 2 prof-fold -x <in >out 2>err &&
	test_must_be_empty out &&
	grep "usage: prof-fold" err
'

# The usage names every option of the design (the man page may add more).
test_expect_success 'the usage names every option of the design' '
	prof-fold --help >out &&
	sed -n "/^usage:/,/^\$/p" out >usage &&
	for w in "[-o file]" "[-j jobs]" "[--input-format format]" "[--pid | --tid]" \
	    "[--kernel]" "[--jit]" "[--all]" "[--addrs]" "[--event-filter event]" \
	    "[--inline]" "[--context]" "[--depth n]" "[--focus regex]" \
	    "[--ignore regex]" "[--hide regex]" "[--collapse-recursion]" "[--strip-addrs]" \
	    "[--scale factor]" "[--strict]" "[file ...]"
	do
		tr -s " \n" "  " <usage | grep -F -e "$w" >/dev/null ||
		{ echo "usage lacks $w"; exit 1; }
	done
'

test_expect_success 'the usage on error equals the usage of --help' '
	prof-fold --help >out &&
	sed -n "/^usage:/,/^\$/p" out | sed "/^\$/d" >expect &&
	test_expect_code 2 prof-fold --nope 2>err &&
	sed -n "/^usage:/,\$p" err >actual &&
	test_cmp expect actual
'

# Bad option values: one line each, "ARGS", all must exit 2 with a message
# naming the option on stderr and nothing on stdout.
while read -r opt args; do
	test_expect_success "bad value: $opt $args" '
		test_expect_code 2 prof-fold '"$opt $args"' in >out 2>err &&
		test_must_be_empty out &&
		grep -e "'"$opt"'" -e usage err
	'
done <<'TABLE'
-j 0
-j 257
-j x
-j -1
-j 2x
-j ''
--jobs 0
--jobs 99999999999999999999
--depth 0
--depth -1
--depth x
--depth 1.5
--depth ''
--scale -1
--scale x
--scale ''
--scale nan
--scale inf
--scale 0x10
--scale 1,5
--input-format xml
--input-format ''
--focus '('
--ignore '['
--focus 'a{1'
--ignore '*('
--hide '['
TABLE

while read -r opt; do
	test_expect_success "missing value: $opt" '
		test_expect_code 2 prof-fold '"$opt"' >out 2>err </dev/null &&
		test_must_be_empty out &&
		test -s err
	'
done <<'TABLE'
-o
-j
--jobs
--input-format
--event-filter
--depth
--focus
--ignore
--scale
TABLE

# Good values at the edges of the ranges are accepted.
while read -r args; do
	test_expect_success "good value: $args" '
		prof-fold '"$args"' in >out 2>err &&
		test_must_be_empty err &&
		test -s out
	'
done <<'TABLE'
-j 1
-j 256
--jobs 2
-j1
--depth 1
--depth 1000000
--scale 0
--scale 1
--scale 0.5
--scale 1000000
--scale 2.000000001
--input-format folded
--focus a
--ignore x
--focus a --ignore x
--hide b
TABLE

test_expect_success '--output is the long form of -o' '
	prof-fold -o short in &&
	prof-fold --output long in &&
	prof-fold --output=eq in &&
	test_cmp short long &&
	test_cmp short eq &&
	test -s short
'

test_expect_success "prof(7)'s vocabulary: --grep, --grep-v and --input are renamed" '
	for old in --grep:--focus --grep-v:--ignore --input:--input-format; do
		test_expect_code 2 prof-fold "${old%%:*}" x in >out 2>err &&
		test_must_be_empty out &&
		grep -Fx "prof-fold: ${old%%:*}: renamed; use ${old#*:} (see prof(7))" err ||
		return 1
	done
'

test_expect_success '--input-format perf reads folded text as bad perf lines: not a profile, exit 2' '
	test_expect_code 2 prof-fold --input-format perf in >out 2>err &&
	grep "not a profile" err &&
	! grep "^a;b 1$" out
'

test_expect_success '--pid and --tid together: a usage error, or --tid wins as in the reference' '
	printf "app 12/34 1.0: cpu-clock:\n\t1 f (/x)\n" >p.txt &&
	prof-fold --pid --tid p.txt >out 2>err
	status=$?
	if test $status = 2; then
		test_must_be_empty out
	else
		printf "app-12/34;f 1\n" >expect &&
		test $status = 0 && test_cmp expect out
	fi
'

test_expect_success 'options after the file are read too (GNU getopt_long)' '
	printf "a;b;c 1\n" >deep &&
	printf "a 1\n" >expect &&
	prof-fold deep --depth 1 >actual &&
	test_cmp expect actual
'

test_expect_success '-- ends the options: a file named --depth' '
	printf "x;y 2\n" >./--depth &&
	printf "x;y 2\n" >expect &&
	prof-fold -- --depth >actual &&
	test_cmp expect actual
'

# The usage must equal the man page's SYNOPSIS word for word.
test_synopsis prof-fold

done_testing
