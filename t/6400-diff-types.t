#!/bin/sh
test_description='prof-diff: profiles of one type and unit compare; cpu and offcpu, bytes and calls do not'
. "$(dirname "$0")/lib.sh"

D=$T_DATA/offcpu

# refused BEFORE AFTER PATTERN: exit 2, nothing written, PATTERN said.
refused () {
	test_expect_code 2 prof-diff "$1" "$2" >out 2>err &&
	test_must_be_empty out &&
	grep "$3" err
}

test_expect_success 'cpu and offcpu: refused, both types and units named' '
	refused "$D/cpu.folded" "$D/offcpu.folded" \
		"^prof-diff: the inputs are profiles of different types (cpu, in samples; offcpu, in nanoseconds): cpu and offcpu counts measure different things and cannot be compared$" &&
	refused "$D/offcpu.folded" "$D/cpu.folded" "(offcpu, in nanoseconds; cpu, in samples)"
'

test_expect_success 'the same units, other types: refused (wall and cpu samples, offcpu and io nanoseconds)' '
	refused "$D/wall.folded" "$D/cpu.folded" "(wall, in samples; cpu, in samples)" &&
	refused "$D/offcpu.folded" "$D/io-ns.folded" "(offcpu, in nanoseconds; io, in nanoseconds)"
'

test_expect_success 'io by bytes and io by calls: refused by their unit' '
	refused "$D/io-bytes.folded" "$D/io-calls.folded" "differ in unit (bytes, calls)"
'

test_expect_success 'one unit, another weight: refused' '
	sed "s/^# weight: ns/# weight: latency/" "$D/io-ns.folded" >latency.folded &&
	refused "$D/io-ns.folded" latency.folded "differ in weight (ns, latency)"
'

test_expect_success 'refused with -n and --summary too' '
	test_expect_code 2 prof-diff -n "$D/cpu.folded" "$D/offcpu.folded" >out 2>err &&
	test_must_be_empty out &&
	test_expect_code 2 prof-diff --summary "$D/cpu.folded" "$D/offcpu.folded" >out 2>err &&
	test_must_be_empty out &&
	grep "different types" err
'

test_expect_success 'two offcpu profiles compare; "ns" and "nanoseconds" are one unit' '
	sed "s/^# unit: nanoseconds/# unit: ns/; s/ 1200000000$/ 600000000/" \
		"$D/offcpu.folded" >after.folded &&
	prof-diff "$D/offcpu.folded" after.folded >out 2>err &&
	test_must_be_empty err &&
	grep "^# unit: nanoseconds$" out &&
	grep "^app;main;poll_loop;poll;do_sys_poll_\[k\];schedule_hrtimeout_range_\[k\];schedule_\[k\];\[sleep\] 1200000000 600000000$" out
'

test_expect_success 'the summary of two offcpu profiles shows times' '
	prof-diff --summary --rows 1 "$D/offcpu.folded" after.folded >out &&
	grep "^Total before: 2.9s (2900000000 nanoseconds)$" out &&
	grep "^Total after: 2.3s (2300000000 nanoseconds)$" out
'

test_expect_success 'a profile without a type compares with a typed one of its unit' '
	grep -v "^# type" "$D/offcpu.folded" >untyped.folded &&
	prof-diff untyped.folded "$D/offcpu.folded" >out 2>err &&
	test_must_be_empty err &&
	grep "^# type: diff$" out &&
	printf "a;b 1\n" >plain.folded &&
	prof-diff plain.folded "$D/cpu.folded" >out 2>err &&
	test_must_be_empty err &&
	prof-diff plain.folded "$D/wall.folded" >out 2>err &&
	test_must_be_empty err
'

test_expect_success 'two io profiles of one weight compare' '
	prof-diff "$D/io-bytes.folded" "$D/io-bytes.folded" >out 2>err &&
	test_must_be_empty err &&
	grep "^# unit: bytes$" out
'

done_testing
