#!/bin/sh
test_description='prof-record --type offcpu: the time off CPU of a program that knows it'
. "$(dirname "$0")/lib.sh"
. "$T_DATA/record/record.sh"

# waits.c (t/data/record): the thread worker computes 50 %, sleeps 30 %
# (nanosleep, in nap) and waits 20 % on a pipe (in wait_pipe) of rounds of
# 100 ms, and prints the nanoseconds it measured: compute, sleep, pipe, its
# life and its CPU time.  1.5 s is 15 rounds.
needs_record

# measured FILE KEY: the nanoseconds waits printed for KEY.
measured () {
	awk -v k="$2" '{ for (i = 1; i < NF; i++) if ($i == k) print $(i + 1) }' "$1"
}

# check_waits PROFILE OUTPUT: the worker's nap and wait_pipe split as
# measured within 3 points, its time off CPU within 5 % of its life less
# its CPU time, and both add up to its life within 1 %.
check_waits () {
	nap=$(count_where "$1" 's ~ /^;worker;/ && s ~ /;nap;/') &&
	pipe=$(count_where "$1" 's ~ /^;worker;/ && s ~ /;wait_pipe;/') &&
	off=$(count_where "$1" 's ~ /^;worker;/') &&
	sleep=$(measured "$2" sleep) && piped=$(measured "$2" pipe) &&
	life=$(measured "$2" life) && cpu=$(measured "$2" cpu) &&
	echo "profile: nap $nap, wait_pipe $pipe, off CPU $off ns" &&
	echo "measured: sleep $sleep, pipe $piped, life $life, cpu $cpu ns" &&
	pn=$(awk -v a="$nap" -v b="$pipe" "BEGIN { printf \"%.2f\", 100 * a / (a + b) }") &&
	mn=$(awk -v a="$sleep" -v b="$piped" "BEGIN { printf \"%.2f\", 100 * a / (a + b) }") &&
	echo "nap share of the two: $pn % in the profile, $mn % measured" &&
	near "$mn" "$pn" 3 &&
	ratio=$(awk -v o="$off" -v l="$life" -v c="$cpu" "BEGIN { printf \"%.4f\", o / (l - c) }") &&
	echo "off CPU / (life - cpu) = $ratio" &&
	between 0.95 1.05 "$ratio" &&
	sum=$(awk -v o="$off" -v l="$life" -v c="$cpu" "BEGIN { printf \"%.4f\", (o + c) / l }") &&
	echo "(off CPU + cpu) / life = $sum" &&
	between 0.99 1.01 "$sum"
}

test_expect_success 'build waits.c' '
	build waits &&
	./waits 0.2 >out &&
	grep "^compute [0-9]* sleep [0-9]* pipe [0-9]* life [0-9]* cpu [0-9]*\$" out
'

test_expect_success 'offcpu: exit 0, metadata of a profile in nanoseconds' '
	prof-record --type offcpu -o off.folded ./waits 1.5 >waits.out 2>err &&
	cat err waits.out &&
	test "$(meta off.folded type)" = offcpu &&
	test "$(meta off.folded unit)" = nanoseconds &&
	meta off.folded state | grep -E "^from (sched_switch|kernel stacks)\$" &&
	meta off.folded samples | grep "^[1-9][0-9]* samples\$"
'

test_expect_success 'offcpu: nap and wait_pipe split as measured, the total within 5 %, CPU and off CPU add up to the life' '
	check_waits off.folded waits.out
'

test_expect_success 'offcpu: every stack ends in the leaf of a state; nap and wait_pipe sleep' '
	stacks off.folded | grep -v -E ";\\[(sleep|disk|runnable)\\] [0-9]+\$" >bad;
	test_must_be_empty bad &&
	grep -E "^worker;.*;nap;.*;\\[sleep\\] [0-9]+\$" off.folded &&
	grep -E "^worker;.*;wait_pipe;.*;\\[sleep\\] [0-9]+\$" off.folded &&
	test "$(count_where off.folded "s ~ /^;worker;/ && s ~ /;nap;/ && s !~ /;\\[sleep\\];\$/")" -lt 5000000
'

test_expect_success 'offcpu without tracefs: states from kernel stacks, the same split' '
	mkdir empty &&
	PROF_TRACEFS=$PWD/empty prof-record --type offcpu -o kst.folded ./waits 1.5 >kst.out 2>err &&
	cat err &&
	test "$(meta kst.folded state)" = "from kernel stacks" &&
	test "$(meta kst.folded event)" = context-switches &&
	grep -E "^worker;.*;nap;.*;schedule_\\[k\\];(.*;)?\\[sleep\\] [0-9]+\$" kst.folded &&
	check_waits kst.folded kst.out
'

if tracefs_mounted; then
	test_expect_success 'offcpu with tracefs: states from sched_switch' '
		prof-record --type offcpu -o tp.folded ./waits 0.5 >tp.out 2>err &&
		test "$(meta tp.folded state)" = "from sched_switch" &&
		test "$(meta tp.folded event)" = sched_switch &&
		check_waits tp.folded tp.out
	'
else
	test_skip 'offcpu with tracefs: states from sched_switch' 'tracefs is not mounted'
fi

# A thread blocked in a read for 2 s already when -p attaches: counted
# from the start of the recording to its end, under blocked_read.
test_expect_success '-p: a thread blocked since before the start counts the whole recording' '
	start_blocked 8 &&
	sleep 2 &&
	r=$(blocked_ratio 1e9 --type offcpu) &&
	between 0.99 1.01 "$r" &&
	grep -E "^blocked-[0-9]*/[0-9]*;.*;blocked_read;.*\\[sleep\\] [0-9]+\$" att.folded
'

test_expect_success 'PROF_TYPE=offcpu asks for it; --type wins over it' '
	PROF_TYPE=offcpu prof-record -o env.folded ./waits 0.2 >/dev/null &&
	test "$(meta env.folded type)" = offcpu &&
	PROF_TYPE=offcpu prof-record --type cpu -o env.folded ./waits 0.2 >/dev/null &&
	test "$(meta env.folded type)" = cpu &&
	test_expect_code 2 env PROF_TYPE=nope prof-record -o env.folded true 2>err &&
	grep "^prof-record: PROF_TYPE: ${SQ}nope${SQ} is not a type" err
'

test_expect_success 'type = offcpu in prof.conf' '
	printf "[record]\ntype = offcpu\n" >prof.conf &&
	prof-record -o conf.folded ./waits 0.2 >/dev/null &&
	rm prof.conf &&
	test "$(meta conf.folded type)" = offcpu
'

test_expect_success 'usage errors: --weight without io, --sampler ptrace' '
	test_expect_code 2 prof-record --type offcpu --weight ns true 2>err &&
	grep "^prof-record: --weight applies to --type io only" err &&
	test_expect_code 2 prof-record --type offcpu --sampler ptrace true 2>err &&
	grep "^prof-record: --type offcpu needs perf_event_open" err
'

done_testing
