#!/bin/sh
test_description='prof-record: measured CPU shares, in one thread and in three'
. "$(dirname "$0")/lib.sh"
. "$T_DATA/record/record.sh"

# shares.c (t/data/record): a(), b() and c() have the same loop body and
# run 6, 3 and 1 units of it, so they take 60, 30 and 10 % of the CPU
# time; each holds its loop, so it is the leaf of its samples.  2 s at
# 999 Hz is some 2000 samples: a share's sampling error is about 1 point,
# so 3 points is a real failure, not bad luck.
needs_record

# abc FILE: "A B C", the percent of the samples whose leaf is a, b or c
# among the samples of the three; fails with fewer than 1000 of them.
abc () {
	a=$(count_where "$1" 's ~ /;a;$/') &&
	b=$(count_where "$1" 's ~ /;b;$/') &&
	c=$(count_where "$1" 's ~ /;c;$/') &&
	echo "samples: a $a, b $b, c $c" >&2 &&
	test $((a + b + c)) -ge 1000 &&
	awk -v a="$a" -v b="$b" -v c="$c" 'BEGIN {
		t = a + b + c; printf "%.2f %.2f %.2f\n", 100 * a / t, 100 * b / t, 100 * c / t }'
}

# check_shares FILE: a, b, c have 60, 30 and 10 % within 3 points.
check_shares () {
	abc "$1" >pct &&
	read -r pa pb pc <pct &&
	echo "shares: a $pa %, b $pb %, c $pc %" &&
	near 60 "$pa" 3 && near 30 "$pb" 3 && near 10 "$pc" 3
}

test_expect_success 'build shares.c at -O2 without frame pointers' '
	build shares &&
	./shares 0.05 &&
	# the three functions are three (identical code folding would
	# make one of them)
	nm shares | awk "\$3 ~ /^[abc]\$/ { print \$1 }" | sort -u >addrs &&
	test_line_count = 3 addrs
'

test_expect_success 'one thread: exit 0, and samples' '
	prof-record -F 999 -o one.folded ./shares 2 2>one.err &&
	cat one.err &&
	test "$(samples one.folded)" -gt 1000
'

test_expect_success 'one thread: a, b, c take 60, 30, 10 % within 3 points' '
	cat one.err &&
	check_shares one.folded
'

test_expect_success 'one thread: under 1 % of the samples fail to start with shares and reach main' '
	all=$(samples one.folded) &&
	bad=$(count_where one.folded "s !~ /^;shares;/ || s !~ /;main;/") &&
	echo "$bad of $all samples do not" &&
	test $((bad * 100)) -lt "$all"
'

test_expect_success 'three threads: exit 0, and samples' '
	prof-record -F 999 -o three.folded ./shares 2 threads 2>three.err &&
	cat three.err &&
	test "$(samples three.folded)" -gt 1000
'

test_expect_success 'three threads: a, b, c take 60, 30, 10 % within 3 points' '
	cat three.err &&
	check_shares three.folded
'

test_expect_success 'three threads: the three are unwound to their start routine' '
	grep "^shares;.*;start_thread;worker;a [0-9]*\$" three.folded &&
	grep "^shares;.*;start_thread;worker;b [0-9]*\$" three.folded &&
	grep "^shares;.*;start_thread;worker;c [0-9]*\$" three.folded
'

test_expect_success 'three threads: under 1 % fail to start with shares and reach main or worker' '
	all=$(samples three.folded) &&
	bad=$(count_where three.folded "s !~ /^;shares;/ || (s !~ /;main;/ && s !~ /;worker;/)") &&
	echo "$bad of $all samples do not" &&
	test $((bad * 100)) -lt "$all"
'

done_testing
