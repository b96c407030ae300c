#!/bin/sh
test_description='prof-fold: the 78 conformance cases of stackcollapse-perf.pl'
. "$(dirname "$0")/lib.sh"

# ../shared/conformance/flamegraph-perf: 13 real perf script captures and,
# for each and each option, the reference collapser's result (see its
# README).  prof-fold must give the same bytes, with one job and with two.
C=$SHARED/conformance/flamegraph-perf
test -d "$C/results" || skip_all "no conformance corpus at $C"

test_expect_success 'the corpus holds 13 inputs and 78 results' '
	ls "$C"/perf-*.txt >inputs &&
	test_line_count = 13 inputs &&
	ls "$C"/results/*-collapsed-*.txt >results &&
	test_line_count = 78 results
'

for input in "$C"/perf-*.txt; do
	name=$(basename "$input" .txt)
	for opt in pid tid kernel jit all addrs; do
		for j in 1 2; do
			test_expect_success "$name --$opt -j$j" '
				prof-fold -j'$j' --'$opt' "'"$input"'" >actual &&
				test_cmp "'"$C/results/$name-collapsed-$opt.txt"'" actual
			'
		done
	done
done

test_expect_success 'stdin gives the same result as a file' '
	prof-fold --pid <"$C/perf-vertx-stacks-01.txt" >actual &&
	test_cmp "$C/results/perf-vertx-stacks-01-collapsed-pid.txt" actual
'

test_expect_success 'the same input twice: every count doubles' '
	input=$C/perf-java-stacks-01.txt &&
	prof-fold --kernel "$input" "$input" >actual &&
	awk "{ n = \$NF; sub(/ [0-9]+\$/, \"\"); print \$0, 2 * n }" \
		"$C/results/perf-java-stacks-01-collapsed-kernel.txt" >expect &&
	test_cmp expect actual
'

done_testing
