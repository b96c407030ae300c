#!/bin/sh
test_description='prof-diff: the differential profile, against difffolded.pl'
. "$(dirname "$0")/lib.sh"

# FlameGraph's difffolded.pl is not packaged in Debian, so the reference is
# a script written here from its documented behaviour (not from its code):
# each line of each file is matched with ^(.*)\s+?(\d+(?:\.\d*)?)$ (a line
# that does not match is the empty stack with count 0), -s makes every
# 0x[0-9a-fA-F]+ in a stack "0x...", counts are summed per stack and per
# file, and each stack is printed "stack C1 C2", 0 for a missing side, with
# -n and unequal totals C1 = int(C1 * total2 / total1).  When a real
# difffolded.pl is on PATH or in $DIFFFOLDED, it is compared too.
cat >difffolded-ref <<\EOF
#!/usr/bin/perl
use strict;
use warnings;
my ($norm, $strip) = (0, 0);
while (@ARGV && $ARGV[0] =~ /^-([ns]+)$/) {
	$norm = 1 if $1 =~ /n/;
	$strip = 1 if $1 =~ /s/;
	shift;
}
die "usage: difffolded-ref [-n] [-s] file1 file2\n" unless @ARGV == 2;
my (%count, @total);
for my $side (0, 1) {
	open(my $fh, '<', $ARGV[$side]) or die "$ARGV[$side]: $!\n";
	$total[$side] = 0;
	while (my $line = <$fh>) {
		my ($stack, $n) = ('', 0);
		($stack, $n) = ($1, $2) if $line =~ /^(.*)\s+?(\d+(?:\.\d*)?)$/;
		$stack =~ s/0x[0-9a-fA-F]+/0x.../g if $strip;
		$count{$stack}[$side] += $n;
		$total[$side] += $n;
	}
}
for my $stack (keys %count) {
	my $c1 = $count{$stack}[0] // 0;
	my $c2 = $count{$stack}[1] // 0;
	$c1 = int($c1 * $total[1] / $total[0]) if $norm && $total[0] != $total[1];
	print "$stack $c1 $c2\n";
}
EOF
chmod +x difffolded-ref

# The reference's lines, sorted, without its junk line " 0 0".
ref () {
	./difffolded-ref "$@" >ref.raw &&
	grep -v -x " 0 0" <ref.raw | LC_ALL=C sort >expect
}
# prof-diff's lines without the metadata before the first stack.
ours () {
	prof-diff "$@" >ours.raw &&
	awk '!body && /^# [a-z0-9_-]+: / { next } { body = 1; print }' ours.raw >actual
}

P=$T_DATA/perf/expect
D=$T_DATA/diff
C=$SHARED/conformance/flamegraph-perf/results

# Pairs of real profiles: folded by the reference collapser from perf
# script captures (t/data/perf), with addresses (t/data/diff), and from the
# conformance corpus when ../shared is there.
cat >pairs <<EOF
$P/ab-two-events.folded $P/ab-fp.folded
$P/ab-fp.folded $P/ab-two-events.folded
$P/ab-fp-tid.folded $P/ab-two-events-tid.folded
$P/ab-fp.folded $P/ab-dwarf.folded
$P/dd-syscalls.folded $P/dd-syscalls-kernel.folded
$P/dd-syscalls-addrs.folded $P/dd-syscalls.folded
$D/ab-fp-hex.folded $D/ab-two-events-hex.folded
$D/dd-hex-before.folded $D/dd-hex-after.folded
$D/hex-before.folded $D/hex-after.folded
EOF
if test -d "$C"; then
	cat >>pairs <<-EOF
	$C/perf-java-stacks-01-collapsed-pid.txt $C/perf-java-stacks-02-collapsed-pid.txt
	$C/perf-java-stacks-01-collapsed-kernel.txt $C/perf-java-faults-01-collapsed-kernel.txt
	$C/perf-dd-stacks-01-collapsed-addrs.txt $C/perf-dd-stacks-01-collapsed-all.txt
	$C/perf-vertx-stacks-01-collapsed-jit.txt $C/perf-vertx-stacks-01-collapsed-all.txt
	$C/perf-iperf-stacks-pidtid-01-collapsed-tid.txt $C/perf-iperf-stacks-pidtid-01-collapsed-pid.txt
	EOF
else
	test_skip 'pairs from the conformance corpus' "no corpus at $C"
fi

test_expect_success 'the reference works: it sees the junk of a bad line' '
	printf "a;b 3\nno count here\n" >bad &&
	printf "a;b 1\n" >good &&
	./difffolded-ref bad good | LC_ALL=C sort >out &&
	printf " 0 0\na;b 3 1\n" >expect &&
	test_cmp expect out
'

while read -r before after; do
	b=${before#"$T_DATA/"} a=${after#"$T_DATA/"}
	b=${b#"$C/"} a=${a#"$C/"}
	for opts in "" -n -s "-n -s"; do
		test_expect_success "as difffolded.pl $opts: $b $a" '
			ref '"$opts"' "'"$before"'" "'"$after"'" &&
			ours '"$opts"' "'"$before"'" "'"$after"'" &&
			test -s actual &&
			test_cmp expect actual
		'
	done
	test_expect_success "both totals kept: $b $a" '
		prof-diff "'"$before"'" "'"$after"'" >out &&
		test "$(folded_sum -2 out)" = "$(folded_sum "'"$before"'")" &&
		test "$(folded_sum out)" = "$(folded_sum "'"$after"'")" &&
		prof-diff -s "'"$before"'" "'"$after"'" >out &&
		test "$(folded_sum -2 out)" = "$(folded_sum "'"$before"'")" &&
		test "$(folded_sum out)" = "$(folded_sum "'"$after"'")"
	'
done <pairs

test_expect_success 'the comparison can fail: -n matters when the totals differ' '
	ref -n "$P/ab-two-events.folded" "$P/ab-fp.folded" &&
	ours "$P/ab-two-events.folded" "$P/ab-fp.folded" &&
	! test_cmp expect actual >/dev/null
'

test_expect_success 'the comparison can fail: -s matters when addresses differ' '
	ref -s "$D/dd-hex-before.folded" "$D/dd-hex-after.folded" &&
	ours "$D/dd-hex-before.folded" "$D/dd-hex-after.folded" &&
	! test_cmp expect actual >/dev/null
'

test_expect_success '-s makes the stacks of the two runs match' '
	prof-diff -s "$D/ab-fp-hex.folded" "$D/ab-two-events-hex.folded" >out &&
	grep -v "^#" out >actual &&
	printf "%s\n" "ab-fp;__libc_start_call_main;main;a;0x... 68 21" \
	    "ab-fp;__libc_start_call_main;main;b;0x... 133 42" >expect &&
	test_cmp expect actual
'

if command -v difffolded.pl >/dev/null 2>&1 && test -z "$DIFFFOLDED"; then
	DIFFFOLDED=$(command -v difffolded.pl)
fi
if test -n "$DIFFFOLDED" && test -x "$DIFFFOLDED"; then
	while read -r before after; do
		for opts in "" -n -s; do
			test_expect_success "as the real difffolded.pl $opts: $(basename "$before") $(basename "$after")" '
				"$DIFFFOLDED" '"$opts"' "'"$before"'" "'"$after"'" >real.raw &&
				grep -v -x " 0 0" <real.raw | LC_ALL=C sort >expect &&
				ours '"$opts"' "'"$before"'" "'"$after"'" &&
				test_cmp expect actual
			'
		done
	done <pairs
else
	test_skip 'as the real difffolded.pl' 'no difffolded.pl on PATH and no $DIFFFOLDED (FlameGraph is not packaged in Debian)'
fi

test_expect_success 'perf script text as input: as its folded stacks' '
	prof-diff "$T_DATA/perf/ab-two-events.txt" "$T_DATA/perf/ab-fp.txt" >out 2>err &&
	grep "ab-two-events.txt: .* samples of other events skipped" err &&
	ref "$P/ab-two-events.folded" "$P/ab-fp.folded" &&
	grep -v "^#" out >actual &&
	test_cmp expect actual
'

test_expect_success 'perf script text on the standard input, folded stacks in a file' '
	prof-diff - "$P/ab-dwarf.folded" <"$T_DATA/perf/ab-fp.txt" >out &&
	grep "^# before: stdin$" out &&
	ref "$P/ab-fp.folded" "$P/ab-dwarf.folded" &&
	grep -v "^#" out >actual &&
	test_cmp expect actual
'

test_expect_success 'both totals kept for perf script input' '
	prof-fold "$T_DATA/perf/ab-dwarf.txt" >b.folded &&
	prof-fold "$T_DATA/perf/dd-syscalls.txt" >a.folded &&
	prof-diff "$T_DATA/perf/ab-dwarf.txt" "$T_DATA/perf/dd-syscalls.txt" >out &&
	test "$(folded_sum -2 out)" = "$(folded_sum b.folded)" &&
	test "$(folded_sum out)" = "$(folded_sum a.folded)"
'

test_expect_success 'stacks missing on one side count 0 there; output sorted; metadata first' '
	printf "m;b 3\nm;a 2\nm;c 1\n" >before &&
	printf "m;d 4\nm;b 1\n" >after &&
	prof-diff before after >actual &&
	cat >expect <<-\EOF &&
	# type: diff
	# before: before
	# after: after
	m;a 2 0
	m;b 3 1
	m;c 1 0
	m;d 0 4
	EOF
	test_cmp expect actual
'

test_expect_success 'repeated stacks are summed on each side' '
	printf "m;a 2\nm;a 3\n" >before &&
	printf "m;a 1\nm;a 1\nm;a 1\n" >after &&
	prof-diff before after | grep -v "^#" >actual &&
	printf "m;a 5 3\n" >expect &&
	test_cmp expect actual
'

test_expect_success 'an empty profile on one side: every count 0 there' '
	: >empty &&
	printf "m;a 2\n" >after &&
	prof-diff empty after | grep -v "^#" >actual &&
	printf "m;a 0 2\n" >expect &&
	test_cmp expect actual &&
	prof-diff after empty | grep -v "^#" >actual &&
	printf "m;a 2 0\n" >expect &&
	test_cmp expect actual
'

test_expect_success 'bad lines: reported with the line number, not counted, no junk line' '
	printf "m;a 2\nno-count\nm;b x\nm;c 3\n" >before &&
	printf "m;a 1\n\nm;b 1\n" >after &&
	prof-diff before after >out 2>err &&
	grep "before: 2 unreadable lines, first at line 2: no count" err &&
	! grep after: err &&
	grep -v "^#" out >actual &&
	printf "m;a 2 1\nm;b 0 1\nm;c 3 0\n" >expect &&
	test_cmp expect actual &&
	test "$(folded_sum -2 out)" = 5
'

test_expect_success 'a bad line in AFTER is reported under its name' '
	printf "m;a 2\n" >before &&
	printf "m;a 1\nm;b 1\ngarbage\n" >after &&
	prof-diff before after >out 2>err &&
	grep "after: 1 unreadable line, first at line 3: no count" err
'

test_expect_success 'CRLF lines are read (difffolded.pl cannot)' '
	printf "m;a 2\r\nm;b 1\r\n" >before &&
	printf "m;a 3\n" >after &&
	prof-diff before after >out 2>err &&
	test_must_be_empty err &&
	grep -v "^#" out >actual &&
	printf "m;a 2 3\nm;b 1 0\n" >expect &&
	test_cmp expect actual
'

test_expect_success 'decimal counts are summed exactly' '
	printf "m;a 0.1\nm;a 0.2\n" >before &&
	printf "m;a 0.3\n" >after &&
	prof-diff before after | grep -v "^#" >actual &&
	printf "m;a 0.3 0.3\n" >expect &&
	test_cmp expect actual
'

test_expect_success '-n: floor(count x total after / total before)' '
	printf "m;a 1\nm;b 2\nm;c 4\n" >before &&
	printf "m;a 10\n" >after &&
	prof-diff -n before after | grep -v "^#" >actual &&
	printf "m;a 1 10\nm;b 2 0\nm;c 5 0\n" >expect &&
	test_cmp expect actual
'

test_expect_success '-n with equal totals, or a total of 0 before, changes nothing' '
	printf "m;a 1\nm;b 2\n" >before &&
	printf "m;a 3\n" >after &&
	prof-diff -n before after >actual &&
	prof-diff before after >expect &&
	test_cmp expect actual &&
	printf "m;a 0\n" >zero &&
	prof-diff -n zero after >actual &&
	prof-diff zero after >expect &&
	test_cmp expect actual
'

test_expect_success '-n with decimal counts: an integer, rounded down' '
	printf "m;a 1.5\nm;b 0.5\n" >before &&
	printf "m;a 3\n" >after &&
	prof-diff -n before after | grep -v "^#" >actual &&
	printf "m;a 2 3\nm;b 0 0\n" >expect &&
	test_cmp expect actual
'

# 2^64 + 1 and 3: a product beyond 2^128 units of 1e-9 is still exact.
test_expect_success '-n is exact where floating point is not' '
	printf "m;a 18446744073709551617\nm;b 18446744073709551617\n" >before &&
	printf "m;a 36893488147419103231\n" >after &&
	prof-diff -n before after | grep -v "^#" >actual &&
	printf "m;a 18446744073709551615 36893488147419103231\nm;b 18446744073709551615 0\n" >expect &&
	test_cmp expect actual
'

test_expect_success '-n: the totals are of the counts read, the shares unchanged' '
	prof-diff -n --fail-above 0 "$P/ab-two-events.folded" "$P/ab-fp.folded" >/dev/null 2>err1;
	prof-diff --fail-above 0 "$P/ab-two-events.folded" "$P/ab-fp.folded" >/dev/null 2>err2;
	test_cmp err2 err1
'

test_expect_success '-s: addresses in either case, several in a frame; 0x alone stays' '
	prof-diff -s "$D/hex-before.folded" "$D/hex-after.folded" | grep -v "^#" >actual &&
	cat >expect <<-\EOF &&
	app;main;0x 2 1
	app;main;0x...;compute 50 30
	app;main;0xzz;leaf 1 4
	app;main;[unknown 0x...] 5 8
	app;main;io 9 0
	app;main;net 0 6
	app;main;parse;0x...+0x... 7 3
	EOF
	test_cmp expect actual
'

test_expect_success 'metadata: unit, and frequency, period, event when both agree' '
	printf "# type: cpu\n# unit: samples\n# frequency: 99 Hz\n# event: cpu-clock\n# period: 1 ms\nm;a 1\n" >run1 &&
	printf "# type: cpu\n# unit: samples\n# frequency: 99 Hz\n# event: cycles\nm;a 2\n" >run2 &&
	prof-diff run1 run2 >out 2>err &&
	test_must_be_empty err &&
	cat >expect <<-\EOF &&
	# type: diff
	# unit: samples
	# frequency: 99 Hz
	# before: "run1"
	# after: "run2"
	m;a 1 2
	EOF
	test_cmp expect out
'

test_expect_success 'different frequencies: a warning suggesting -n, exit 0; none with -n' '
	printf "# frequency: 99 Hz\nm;a 1\n" >f99 &&
	printf "# frequency: 999 Hz\nm;a 10\n" >f999 &&
	prof-diff f99 f999 >out 2>err &&
	grep "different frequencies (99 Hz, 999 Hz)" err &&
	grep -e "-n" err &&
	grep "^m;a 1 10$" out &&
	prof-diff -n f99 f999 >out 2>err &&
	test_must_be_empty err &&
	grep "^m;a 10 10$" out
'

test_expect_success 'different periods: a warning' '
	printf "# period: 10 ms\nm;a 1\n" >p10 &&
	printf "# period: 1 ms\nm;a 10\n" >p1 &&
	prof-diff p10 p1 >out 2>err &&
	grep "different periods (10 ms, 1 ms)" err
'

test_expect_success 'the output is a differential profile that prof-fold reads back whole' '
	prof-diff "$P/dd-syscalls.folded" "$P/dd-syscalls-kernel.folded" >out &&
	prof-fold --strict out >again 2>err &&
	test_must_be_empty err &&
	test_cmp out again
'

# -j: the threads that read change nothing in what is written, on either
# path: two sorted files merged (read at once, then line by line), a pipe
# spilled to a file, and stack tables (unsorted input, -s).
test_expect_success 'big inputs: sorted, and unsorted' '
	awk "BEGIN { for (i = 0; i < 150000; i++)
		printf \"m;f%d;g%d 0x%x %d\\n\", i % 5000, i % 7, i % 13, 1 + i % 3 }" >b.unsorted &&
	awk "BEGIN { for (i = 0; i < 150000; i++)
		printf \"m;f%d;g%d 0x%x %d\\n\", i % 4000, i % 9, i % 11, 1 + i % 5 }" >a.unsorted &&
	LC_ALL=C sort b.unsorted >b.sorted &&
	LC_ALL=C sort a.unsorted >a.sorted &&
	test_line_count = 150000 a.sorted
'

while read -r args; do
	test_expect_success "-j 1, -j 2 and the default write the same: $args" '
		set -- '"$args"' &&
		for j in "-j 1" "-j 2" ""; do
			prof-diff $j "$@" >"out$j" 2>"err$j"; echo $? >"status$j" || exit 1
		done &&
		test -s out &&
		test_cmp out "out-j 1" && test_cmp out "out-j 2" &&
		test_cmp err "err-j 1" && test_cmp err "err-j 2" &&
		test_cmp status "status-j 1" && test_cmp status "status-j 2"
	'
done <<'TABLE'
b.sorted a.sorted
-n b.sorted a.sorted
--summary --format csv --rows 0 b.sorted a.sorted
--fail-above 0.01 --sort cum b.sorted a.sorted
--summary --fail-above 0.01 --granularity module b.sorted a.sorted
b.unsorted a.unsorted
--summary --format csv --rows 0 b.unsorted a.sorted
--fail-above 0.01 b.unsorted a.unsorted
-s b.sorted a.sorted
TABLE

test_expect_success '-j 1 merges a pipe as the default does' '
	prof-diff -j 1 - a.sorted <b.sorted >out1 &&
	prof-diff - a.sorted <b.sorted >out &&
	test_cmp out out1 &&
	prof-diff b.sorted a.sorted >files &&
	sed "s/^# before: stdin$/# before: b.sorted/" out1 >out1.named &&
	test_cmp files out1.named
'

test_expect_success 'the merge and the tables agree on the big inputs' '
	prof-diff -j 1 b.sorted a.sorted >merged &&
	prof-diff -j 1 b.unsorted a.unsorted >tables &&
	sed "/^# before:/d; /^# after:/d" merged >m &&
	sed "/^# before:/d; /^# after:/d" tables >t &&
	test_cmp m t &&
	for j in 2 3 4; do
		prof-diff -j $j b.unsorted a.unsorted >tables-$j &&
		test_cmp tables tables-$j || return 1
	done
'

done_testing
