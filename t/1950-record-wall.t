#!/bin/sh
test_description='prof-record --type wall: where the wall-clock time of a program goes'
. "$(dirname "$0")/lib.sh"
. "$T_DATA/record/record.sh"

# waits.c (t/data/record): the thread worker computes 50 %, sleeps 30 %
# and waits 20 % on a pipe, of wall-clock time (compute spins for 50 ms of
# it, so a busy machine that preempts it leaves the shares as they are).
# 2 s at 999 Hz is some 2000 samples of worker: 3 points is a failure.
needs_record

# shares FILE: "COMPUTE NAP PIPE", the percent of worker's samples under
# compute, nap and wait_pipe; fails with fewer than MIN (1000) samples.
shares () {
	all=$(count_where "$1" 's ~ /^;worker;/') &&
	c=$(count_where "$1" 's ~ /^;worker;/ && s ~ /;compute;/') &&
	n=$(count_where "$1" 's ~ /^;worker;/ && s ~ /;nap;/') &&
	p=$(count_where "$1" 's ~ /^;worker;/ && s ~ /;wait_pipe;/') &&
	echo "worker: $all samples, compute $c, nap $n, wait_pipe $p" >&2 &&
	test "$all" -ge "${MIN:-1000}" &&
	awk -v a="$all" -v c="$c" -v n="$n" -v p="$p" 'BEGIN {
		printf "%.2f %.2f %.2f\n", 100 * c / a, 100 * n / a, 100 * p / a }'
}

# measured OUT: "COMPUTE SLEEP PIPE", the percent of the three that waits
# measured itself (it prints "compute C sleep S pipe P ..."): on a machine
# busy enough, a nap or a pipe wait ends late, and the shares move.
measured () {
	awk '{ t = $2 + $4 + $6; printf "%.2f %.2f %.2f\n", 100 * $2 / t, 100 * $4 / t, 100 * $6 / t }' "$1"
}

# check_shares PROFILE OUT: each share within 3 points of what waits measured.
check_shares () {
	shares "$1" >pct &&
	read -r pc pn pp <pct &&
	measured "$2" >mpct &&
	read -r mc mn mp <mpct &&
	echo "profile: compute $pc %, nap $pn %, wait_pipe $pp %" &&
	echo "measured: compute $mc %, sleep $mn %, pipe $mp %" &&
	near "$mc" "$pc" 3 && near "$mn" "$pn" 3 && near "$mp" "$pp" 3
}

test_expect_success 'build waits.c' '
	build waits
'

test_expect_success 'wall: exit 0, metadata of a profile in samples at -F' '
	prof-record --type wall -F 999 -o wall.folded ./waits 2 >waits.out 2>err &&
	cat err waits.out &&
	test "$(meta wall.folded type)" = wall &&
	test "$(meta wall.folded unit)" = samples &&
	test "$(meta wall.folded frequency)" = "999 Hz" &&
	meta wall.folded event | grep -E "^cpu-clock, (sched_switch|context-switches)\$" &&
	test "$(meta wall.folded samples)" = "$(samples wall.folded) samples"
'

test_expect_success 'wall: compute, nap and wait_pipe take 50, 30 and 20 % (as measured) within 3 points' '
	check_shares wall.folded waits.out
'

test_expect_success 'wall: worker has its life x 999 samples, within 2 %' '
	life=$(awk "{ print \$8 }" waits.out) &&
	all=$(count_where wall.folded "s ~ /^;worker;/") &&
	r=$(awk -v a="$all" -v l="$life" "BEGIN { printf \"%.4f\", a / (l / 1e9 * 999) }") &&
	echo "$all samples for $life ns: $r" &&
	between 0.98 1.02 "$r"
'

test_expect_success 'wall: off CPU the leaf of the state, on CPU none' '
	grep -E "^worker;.*;nap;.*;\\[sleep\\] [0-9]+\$" wall.folded &&
	grep -E "^worker;.*;wait_pipe;.*;\\[sleep\\] [0-9]+\$" wall.folded &&
	grep -E "^worker;.*;compute [0-9]+\$" wall.folded
'

test_expect_success 'wall without tracefs: the same shares' '
	mkdir empty &&
	PROF_TRACEFS=$PWD/empty prof-record --type wall -F 999 -o kst.folded ./waits 2 >kst.out 2>err &&
	test "$(meta kst.folded state)" = "from kernel stacks" &&
	check_shares kst.folded kst.out
'

# The ptrace sampler: at most 99 Hz, some 180 samples of worker in 2 s; a
# share's sampling error is then some 4 points: 10 is a failure.
test_expect_success 'wall with --sampler ptrace: every thread, states from /proc' '
	prof-record --type wall --sampler ptrace -F 999 -o pt.folded ./waits 2 >/dev/null 2>err &&
	cat err &&
	test "$(meta pt.folded event)" = ptrace &&
	test "$(meta pt.folded frequency)" = "99 Hz" &&
	test "$(meta pt.folded state)" = "from /proc (ptrace sampler)" &&
	grep -E "^worker;.*;nap;.*;\\[sleep\\] [0-9]+\$" pt.folded &&
	MIN=100 shares pt.folded >pct &&
	read -r pc pn pp <pct &&
	echo "compute $pc %, nap $pn %, wait_pipe $pp %" &&
	near 50 "$pc" 10 && near 30 "$pn" 10 && near 20 "$pp" 10
'

test_expect_success '-p: a thread blocked all along has duration x -F samples' '
	start_blocked 8 &&
	r=$(blocked_ratio 499 --type wall -F 499) &&
	between 0.99 1.01 "$r"
'

done_testing
