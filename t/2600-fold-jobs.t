#!/bin/sh
test_description='prof-fold: -j N gives the same output for every N'
. "$(dirname "$0")/lib.sh"

EX=$SHARED/conformance/flamegraph-perf/example-perf-stacks.txt.gz

# A generated folded file: 200,000 lines over 5,000 distinct stacks, with
# decimal counts, metadata and a differential twin, in an order that makes
# every chunk of a parallel parse see every stack.
test_expect_success 'generate big folded inputs' '
	awk "BEGIN {
		print \"# type: cpu\"; print \"# unit: samples\"
		for (i = 0; i < 200000; i++) {
			k = (i * 7919) % 5000
			s = \"root\"
			for (d = 0; d <= k % 13; d++) s = s \";f\" (k * 31 + d) % 97
			printf \"%s;leaf%d %d.%03d\\n\", s, k, i % 17, i % 1000
		}
	}" >big.folded &&
	awk "!/^#/ { n = \$NF; \$NF = \"\"; printf \"%s%s %s\\n\", \$0, n, i++ % 5 }" big.folded >big.diff &&
	test_line_count = 200002 big.folded
'

test_expect_success 'folded: -j1 = -j2 = -j3 = -j8 = -j256' '
	prof-fold -j1 big.folded >j1 &&
	for j in 2 3 8 256; do
		prof-fold -j$j big.folded >j$j &&
		test_cmp j1 j$j || exit 1
	done
'

test_expect_success 'folded: the sums are kept' '
	folded_sum big.folded >expect &&
	folded_sum j1 >actual &&
	test_cmp expect actual
'

test_expect_success 'folded: the default -j (the CPUs) too' '
	prof-fold big.folded >jdefault &&
	test_cmp j1 jdefault
'

test_expect_success 'folded: shuffled input, same output' '
	grep "^#" big.folded >shuffled &&
	grep -v "^#" big.folded | awk "{ print (NR * 104729) % 200003, \$0 }" |
		sort -n | sed "s/^[0-9]* //" >>shuffled &&
	prof-fold -j3 shuffled >actual &&
	test_cmp j1 actual
'

test_expect_success 'differential: -j1 = -j2 = -j3 = -j8' '
	prof-fold -j1 big.diff >d1 &&
	for j in 2 3 8; do
		prof-fold -j$j big.diff >d$j &&
		test_cmp d1 d$j || exit 1
	done
'

test_expect_success 'folded, several files and transforms: -j1 = -j2 = -j8' '
	args="--strip-addrs --collapse-recursion --ignore ^f1\$ --depth 6 --scale 0.5" &&
	prof-fold -j1 $args big.folded big.folded >t1 &&
	prof-fold -j2 $args big.folded big.folded >t2 &&
	prof-fold -j8 $args big.folded big.folded >t8 &&
	test_cmp t1 t2 &&
	test_cmp t1 t8
'

test_expect_success 'bad lines: the same report for every -j' '
	awk "{ print } NR % 1000 == 500 { print \"bad line\" }" big.folded >bad.folded &&
	prof-fold -j1 bad.folded >b1 2>e1 &&
	prof-fold -j3 bad.folded >b3 2>e3 &&
	prof-fold -j8 bad.folded >b8 2>e8 &&
	test_cmp j1 b1 &&
	test_cmp b1 b3 &&
	test_cmp b1 b8 &&
	test_cmp e1 e3 &&
	test_cmp e1 e8 &&
	grep "bad.folded: 200 unreadable lines, first at line 501: " e1
'

if ! test -f "$EX"; then
	test_skip 'perf script: -j1 = -j2 = -j3 = -j8' "no $EX"
	test_skip 'perf script: four copies count four times one' "no $EX"
	done_testing
fi

test_expect_success 'perf script: a big input, four copies of example-perf-stacks' '
	gzip -dc "$EX" >one.txt &&
	cat one.txt one.txt one.txt one.txt >four.txt &&
	test $(wc -c <four.txt) -gt 10000000
'

test_expect_success 'perf script: -j1 = -j2 = -j3 = -j8' '
	prof-fold -j1 four.txt >p1 &&
	for j in 2 3 8; do
		prof-fold -j$j four.txt >p$j &&
		test_cmp p1 p$j || exit 1
	done
'

test_expect_success 'perf script with options: -j1 = -j8' '
	prof-fold -j1 --tid --all --addrs four.txt >o1 &&
	prof-fold -j8 --tid --all --addrs four.txt >o8 &&
	test_cmp o1 o8
'

test_expect_success 'perf script: four copies count four times one' '
	prof-fold -j1 one.txt >once &&
	prof-fold --scale 4 once >expect &&
	test_cmp expect p1
'

test_expect_success 'perf script and folded mixed: -j1 = -j3' '
	prof-fold -j1 one.txt big.folded one.txt >m1 &&
	prof-fold -j3 one.txt big.folded one.txt >m3 &&
	test_cmp m1 m3
'

done_testing
