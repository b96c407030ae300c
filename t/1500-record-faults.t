#!/bin/sh
test_description='prof-record: signal handlers, crashes, a missing command, SIGINT, -p, --type threads'
. "$(dirname "$0")/lib.sh"
. "$T_DATA/record/record.sh"

# The programs (t/data/record): sigspin.c spins in a SIGALRM handler;
# crash.c spins, then segfaults or aborts; spin.c spins for a time, or
# until a file appears; threads4.c has 4 threads, each in a function of
# its own.  Background programs are bounded (spin gives up after its
# SECONDS of CPU time, threads4 after 20 s), so a failed test leaves
# nothing running for long.
needs_record
ulimit -c 0 2>/dev/null

# whole FILE: the profile has its metadata, and as many samples as the
# "# samples:" line says, at least one.
whole () {
	for k in type unit event frequency period command start duration samples lost; do
		grep "^# $k: " "$1" >/dev/null || { echo "no # $k: in $1"; return 1; }
	done
	n=$(samples "$1") &&
	echo "$n samples" >expect &&
	meta "$1" samples >actual &&
	test_cmp expect actual &&
	test "$n" -gt 0
}

# cpu_samples PID: the samples 999 Hz would give for the CPU time PID has
# used so far (/proc/PID/stat, user + system).  The tests that sample for
# a wall-clock time ask for half of that: how much CPU a target gets in
# 1 s depends on how busy the machine is.
cpu_samples () {
	awk -v hz="$(getconf CLK_TCK)" '{ sub(/.*\) /, ""); print int(($12 + $13) / hz * 999) }' "/proc/$1/stat"
}

test_expect_success 'build sigspin.c, crash.c, spin.c, threads4.c' '
	build sigspin && build crash && build spin && build threads4 &&
	./spin 0.01 && ./sigspin 0.01
'

test_expect_success 'a signal handler: its frames are there' '
	prof-record -F 999 -o sig.folded ./sigspin 0.3 &&
	n=$(count_where sig.folded "s ~ /;on_alarm;handler_spin;\$/") &&
	echo "$n samples in the handler" &&
	test "$n" -ge 150
'

test_expect_success 'a signal handler: unwound through the signal frame to main' '
	in=$(count_where sig.folded "s ~ /;on_alarm;handler_spin;\$/") &&
	through=$(count_where sig.folded "s ~ /^;sigspin;_start;.*;main;main_spin;([^;]+;)?on_alarm;handler_spin;\$/") &&
	echo "$through of $in samples in the handler reach main" &&
	test "$in" -gt 0 &&
	test $((through * 100)) -ge $((in * 99))
'

test_expect_success 'a target that segfaults: exit 139, the profile written' '
	test_expect_code 139 prof-record -F 999 -o segv.folded ./crash segv 0.3 &&
	whole segv.folded &&
	grep "^crash;_start;.*;main;work [0-9]*\$" segv.folded
'

test_expect_success 'a target that aborts: exit 134, the profile written' '
	test_expect_code 134 prof-record -F 999 -o abort.folded ./crash abort 0.3 &&
	whole abort.folded &&
	grep "^crash;_start;.*;main;work [0-9]*\$" abort.folded
'

test_expect_success 'a command not found: exit 127, a message, the profile written' '
	test_expect_code 127 prof-record -o nf.folded ./no-such-command 2>err &&
	cat err &&
	grep "^prof-record: .*no-such-command.*not found" err &&
	grep "^# type: cpu\$" nf.folded &&
	grep "^# samples: 0 samples\$" nf.folded &&
	test_expect_code 127 prof-record -o nf2.folded no-such-command-in-path 2>err &&
	grep "no-such-command-in-path" err &&
	grep "^# samples: " nf2.folded
'

test_expect_success 'a command that cannot be executed: exit 126, a message, the profile written' '
	echo "not a program" >not-exec &&
	chmod -x not-exec &&
	test_expect_code 126 prof-record -o ne.folded ./not-exec 2>err &&
	cat err &&
	grep "^prof-record: .*not-exec" err &&
	grep "^# samples: " ne.folded
'

# A background job of a script has SIGINT ignored, and a command would
# inherit that: env --default-signal gives both the usual SIGINT.  The
# target would spin for 30 s of CPU time: stopping within 10 s is
# stopping (3 s was too short for a loaded machine to write the profile),
# and the target is waited for, not assumed to run after 1 s.
test_expect_success 'SIGINT to prof-record: it stops within seconds, exit 130, the profile written' '
	cp spin spin-int &&
	# braces: $! is prof-record, not a shell running "cp && prof-record"
	# (whose child pgrep found was cp, gone a moment later)
	{ env --default-signal=INT prof-record -F 999 -o int.folded ./spin-int 30 2>int.err & } &&
	rec=$! &&
	target=$(child_of $rec) &&
	sleep 1 &&
	want=$(cpu_samples $target) &&
	t0=$(now) &&
	kill -INT $rec &&
	{ wait $rec; status=$?; } &&
	t1=$(now) &&
	cat int.err &&
	echo "exit $status after $(awk "BEGIN { print $t1 - $t0 }") s" &&
	if kill -0 $target 2>/dev/null; then
		echo "the target $target still runs"; kill $target; exit 1
	fi &&
	test "$status" = 130 &&
	between 0 10 "$(awk "BEGIN { print $t1 - $t0 }")" &&
	whole int.folded &&
	n=$(count_where int.folded "s ~ /;main;spin_loop;\$/") &&
	echo "$n samples in spin_loop, $want expected from its CPU time" &&
	test "$n" -ge 20 && test $((n * 2)) -ge "$want"
'

# -d 1 ends the recording; without it, it would last as long as the
# spinner (20 s of CPU time): 10 s is the bound, not 4, for a loaded machine.
test_expect_success '-p: attach to a spinner for 1 s; it runs on and exits 0 when told' '
	./spin 20 stop-spin & sp=$! &&
	sleep 0.3 &&
	{
		before=$(cpu_samples $sp) &&
		t0=$(now) &&
		prof-record -F 999 -p $sp -d 1 -o attach.folded &&
		t1=$(now) &&
		want=$(($(cpu_samples $sp) - before)) &&
		echo "recorded for $(awk "BEGIN { print $t1 - $t0 }") s" &&
		between 0.9 10 "$(awk "BEGIN { print $t1 - $t0 }")" &&
		sleep 0.2 &&
		kill -0 $sp &&
		n=$(count_where attach.folded "s ~ /^;spin;_start;.*;main;spin_loop;\$/") &&
		echo "$n samples in spin_loop, $want expected from its CPU time" &&
		test "$n" -ge 20 && test $((n * 2)) -ge "$want"
	}
	rc=$?
	touch stop-spin
	wait $sp
	st=$?
	echo "the spinner exited $st"
	test $rc = 0 && test $st = 0
'

test_expect_success '-p: a target that exits during the recording ends it, exit 0' '
	./spin 0.5 & sp=$! &&
	t0=$(now) &&
	prof-record -F 999 -p $sp -d 30 -o gone.folded &&
	t1=$(now) &&
	echo "recorded for $(awk "BEGIN { print $t1 - $t0 }") s" &&
	between 0 15 "$(awk "BEGIN { print $t1 - $t0 }")" &&
	whole gone.folded &&
	wait $sp
'

test_expect_success '--type threads -p: one line per thread of 4, each in its function' '
	./threads4 ready stop-threads & tp=$! &&
	{
		i=0 &&
		while ! test -e ready && test $i -lt 100; do sleep 0.05; i=$((i + 1)); done &&
		test -e ready &&
		prof-record --type threads -p $tp -o thr.folded &&
		cat thr.folded &&
		grep "^# type: threads\$" thr.folded &&
		stacks thr.folded >lines &&
		test_line_count = 4 lines &&
		! grep -v " 1\$" lines &&
		grep "^threads4;_start;.*;main;main_wait;" lines &&
		grep "^threads4;.*;start_thread;spin_one[; ]" lines &&
		grep "^threads4;.*;start_thread;sleep_two[; ]" lines &&
		grep "^threads4;.*;start_thread;read_three[; ]" lines &&
		kill -0 $tp
	}
	rc=$?
	touch stop-threads
	wait $tp
	st=$?
	echo "threads4 exited $st"
	test $rc = 0 && test $st = 0
'

done_testing
