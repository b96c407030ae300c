#!/bin/sh
test_description='prof-record: the same profile as perf record --call-graph dwarf'
. "$(dirname "$0")/lib.sh"
. "$T_DATA/record/record.sh"

# five.c (t/data/record) has five leaf functions of different kinds with
# fixed shares of its CPU time (it prints them, measured, on stderr).
# prof-record and perf record --call-graph dwarf, both at 999 Hz for 2 s
# (some 2000 samples), must find the same top 5 functions (by self
# samples: the leaf) with the same shares within 5 points, and the same
# stacks for them.  The two profiles are of two runs: with some 2000
# samples the binomial noise of a 20% share is 0.9 points in each, and a
# loaded machine moves the shares of the kinds of work too; 3 points
# failed now and then there.
needs_record
needs_root_perf

test_expect_success 'build five.c' '
	build five &&
	./five 0.05
'

test_expect_success 'prof-record -F 999' '
	prof-record -F 999 -o prof.folded ./five 2 2>truth-prof &&
	cat truth-prof &&
	test "$(samples prof.folded)" -gt 1000
'

test_expect_success 'perf record --call-graph dwarf -F 999, perf script | prof-fold' '
	perf record -q --call-graph dwarf -F 999 -o five.data ./five 2 2>truth-perf &&
	cat truth-perf &&
	perf script -i five.data >five.txt 2>perf-script.err &&
	prof-fold five.txt >perf.folded &&
	test "$(samples perf.folded)" -gt 1000
'

test_expect_success 'the same top 5 functions' '
	leaf_shares prof.folded | head -n 5 >prof.top &&
	leaf_shares perf.folded | head -n 5 >perf.top &&
	echo "prof-record:" && cat prof.top &&
	echo "perf:" && cat perf.top &&
	cut -d" " -f1 prof.top | sort >expect &&
	cut -d" " -f1 perf.top | sort >actual &&
	test_cmp expect actual
'

test_expect_success 'their shares agree within 5 points' '
	sort prof.top >a && sort perf.top >b &&
	join a b >both &&
	test_line_count = 5 both &&
	while read -r f p1 p2; do
		echo "$f: prof-record $p1 %, perf $p2 %" &&
		near "$p1" "$p2" 5 || exit 1
	done <both
'

test_expect_success 'the same stacks lead to them' '
	for f in $(cut -d" " -f1 prof.top); do
		stacks prof.folded | sort -k2,2nr | grep -m 1 ";$f [0-9]*\$" | sed "s/ [0-9]*\$//" >expect &&
		stacks perf.folded | sort -k2,2nr | grep -m 1 ";$f [0-9]*\$" | sed "s/ [0-9]*\$//" >actual &&
		test_cmp expect actual || exit 1
	done
'

done_testing
