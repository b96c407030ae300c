#!/bin/sh
test_description='prof-record --type offcpu: a program that switches faster than stacks can be unwound keeps its time'
. "$(dirname "$0")/lib.sh"
. "$T_DATA/record/record.sh"

# switches.c (t/data/record): ping and pong pass a byte back and forth
# over pipes, two switches a round each, and print their life and CPU
# time.  The kernel drops stacks it cannot hand over; the switches, on
# an event of their own, are all there, so each thread's time off CPU
# and on it still add up to its life.
needs_record

# thread_sum PROFILE OUTPUT NAME SWITCHES: (off CPU + cpu - SWITCHES us)
# / life of thread NAME.  An interval runs from the kernel's record of
# the switch out to its record of the switch in, each written a fraction
# of a microsecond inside the time the thread's CPU clock counts: a
# microsecond a switch is taken off.
thread_sum () {
	off=$(count_where "$1" "s ~ /^;$3;/") &&
	life=$(awk -v n="$3" '$1 == n { print $3 }' "$2") &&
	cpu=$(awk -v n="$3" '$1 == n { print $5 }' "$2") &&
	echo "$3: off CPU $off ns, cpu $cpu ns, life $life ns" >&2 &&
	awk -v o="$off" -v l="$life" -v c="$cpu" -v k="$4" \
	    "BEGIN { printf \"%.4f %.4f\", (o + c - 1000 * k) / l, (o + c) / l }"
}

# sum_fits "LO HI": LO <= 1.01 and HI >= 0.99: the sum lies within 1 %
# once the switches' slack is allowed for.
sum_fits () {
	awk -v s="$1" 'BEGIN { split(s, v, " "); exit !(v[1] <= 1.01 && v[2] >= 0.99) }' ||
	{ echo "($1) does not reach 1 within 1 %" >&2; return 1; }
}

test_expect_success 'build switches.c' '
	build switches &&
	./switches 1000 >out &&
	grep -c "^p[io]ng life [0-9]* cpu [0-9]*\$" out >n &&
	echo 2 >expect &&
	test_cmp expect n
'

test_expect_success 'offcpu of 100,000 rounds: every interval counted, with its stack or without' '
	prof-record --type offcpu -o off.folded ./switches 100000 >sw.out 2>err &&
	cat err &&
	grep "^# stacks-lost: [0-9]* intervals\$" off.folded &&
	grep "^# lost: 0 samples\$" off.folded &&
	intervals=$(sed -n "s/^# samples: \\([0-9]*\\) samples\$/\\1/p" off.folded) &&
	echo "$intervals intervals" &&
	test "$intervals" -ge 195000
'

test_expect_success 'each thread: off CPU + CPU time = its life, within 1 % and a microsecond a switch' '
	sum=$(thread_sum off.folded sw.out ping 100000) && echo "ping: $sum" &&
	sum_fits "$sum" &&
	sum=$(thread_sum off.folded sw.out pong 100000) && echo "pong: $sum" &&
	sum_fits "$sum"
'

test_expect_success 'a stack whose sample was dropped ends in [stack lost] or [runnable], under [unknown]; the rest in a state' '
	stacks off.folded | grep -v -E ";\\[(sleep|disk|runnable|stack lost)\\] [0-9]+\$" >bad;
	test_must_be_empty bad &&
	lost=$(sed -n "s/^# stacks-lost: \\([0-9]*\\) intervals\$/\\1/p" off.folded) &&
	if test "$lost" -gt 0
	then
		grep -E "^p[io]ng;\\[unknown\\];\\[(stack lost|runnable)\\] [0-9]+\$" off.folded &&
		grep "has no stack" err
	fi
'

done_testing
