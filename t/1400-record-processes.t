#!/bin/sh
test_description='prof-record: threads, fork, exec, pipelines and many short-lived children'
. "$(dirname "$0")/lib.sh"
. "$T_DATA/record/record.sh"

# The programs (t/data/record): threads.c starts two threads mid-run and
# outlives them; forker.c forks a child that spins, or execs a program;
# spin.c spins; many.c runs N children one after the other, each burning
# a few milliseconds of CPU.  Each part spins for a known time; 0.3 s is
# about 300 samples at 999 Hz, and at least half of them are asked for.
needs_record

test_expect_success 'build threads.c, forker.c, spin.c, many.c' '
	build threads && build forker && build spin && build many &&
	./spin 0.01 && ./threads 0.01
'

test_expect_success 'threads starting and ending mid-run: exit 0' '
	prof-record -F 999 --tid -o th.folded ./threads 0.3
'

test_expect_success 'threads: main before and after the threads, reaching main' '
	before=$(count_where th.folded "s ~ /^;threads-[0-9]+\/[0-9]+;_start;.*;main;before;\$/") &&
	after=$(count_where th.folded "s ~ /^;threads-[0-9]+\/[0-9]+;_start;.*;main;after;\$/") &&
	echo "before $before, after $after samples" &&
	test "$before" -ge 150 && test "$after" -ge 150
'

test_expect_success 'threads: each thread under its new name, unwound to thread_work' '
	for w in worker-1 worker-2; do
		n=$(count_where th.folded "s ~ /^;$w-[0-9]+\/[0-9]+;.*;start_thread;thread_work;\$/") &&
		echo "$w: $n samples" &&
		test "$n" -ge 150 || exit 1
	done
'

test_expect_success 'threads: one pid, three threads' '
	stacks th.folded | sed -n "s/^[^;]*-\([0-9]*\)\/[0-9]*;.*/\1/p" | sort -u >pids &&
	test_line_count = 1 pids &&
	stacks th.folded | grep -e ";thread_work " -e ";before " -e ";after " |
		sed -n "s/^[^;]*-[0-9]*\/\([0-9]*\);.*/\1/p" | sort -u >tids &&
	test_line_count = 3 tids
'

test_expect_success 'fork without exec: exit 0' '
	prof-record -F 999 --pid -o fork.folded ./forker fork 0.3 >fork.out &&
	cat fork.out &&
	grep "^parent [0-9]*\$" fork.out && grep "^child [0-9]*\$" fork.out
'

test_expect_success 'fork without exec: the child under its own pid, unwound to main' '
	parent=$(sed -n "s/^parent //p" fork.out) &&
	child=$(sed -n "s/^child //p" fork.out) &&
	c=$(count_where fork.folded "s ~ /^;forker-$child;_start;.*;main;child_work;\$/") &&
	p=$(count_where fork.folded "s ~ /^;forker-$parent;_start;.*;main;parent_work;\$/") &&
	echo "child $c, parent $p samples" &&
	test "$c" -ge 150 && test "$p" -ge 150 &&
	wrong=$(count_where fork.folded "(s ~ /;child_work;/ && s !~ /^;forker-$child;/) ||
	    (s ~ /;parent_work;/ && s !~ /^;forker-$parent;/)") &&
	test "$wrong" = 0
'

test_expect_success 'fork and exec: the program executed, under its name and the child pid' '
	prof-record -F 999 --pid -o exec.folded ./forker exec 0.3 ./spin 0.3 >exec.out &&
	child=$(sed -n "s/^child //p" exec.out) &&
	s=$(count_where exec.folded "s ~ /^;spin-$child;_start;.*;main;spin_loop;\$/") &&
	p=$(count_where exec.folded "s ~ /^;forker-[0-9]+;_start;.*;main;parent_work;\$/") &&
	echo "spin $s, parent $p samples" &&
	test "$s" -ge 150 && test "$p" -ge 150
'

test_expect_success "sh -c 'a | b': both a and b, unwound to main" '
	cp spin spin-a && cp spin spin-b &&
	prof-record -F 999 -o pipe.folded sh -c "./spin-a 0.3 | ./spin-b 0.3" &&
	a=$(count_where pipe.folded "s ~ /^;spin-a;_start;.*;main;spin_loop;\$/") &&
	b=$(count_where pipe.folded "s ~ /^;spin-b;_start;.*;main;spin_loop;\$/") &&
	echo "spin-a $a, spin-b $b samples" &&
	test "$a" -ge 150 && test "$b" -ge 150
'

# 500 children of 2 ms of CPU each: about 1000 samples in burn.
test_expect_success '500 short-lived children: the command status (7) and a whole profile' '
	test_expect_code 7 prof-record -F 999 -o many.folded ./many 500 2 7 >many.out 2>many.err &&
	cat many.out many.err &&
	grep "^children 500 " many.out &&
	grep "^# samples: " many.folded &&
	echo "$(samples many.folded) samples" >expect &&
	meta many.folded samples >actual &&
	test_cmp expect actual
'

test_expect_success '500 short-lived children: the samples in burn are plausible' '
	cpu=$(sed -n "s/^children 500 //p" many.out) &&
	all=$(samples many.folded) &&
	burn=$(count_where many.folded "s ~ /;burn;/") &&
	echo "$burn samples in burn (1000 expected), $all in all; the children took $cpu s of CPU" &&
	between 700 1300 "$burn" &&
	between "$burn" "$(awk -v c="$cpu" "BEGIN { print int(c * 999 * 1.2) + 50 }")" "$all"
'

test_expect_success '500 short-lived children: their stacks reach main' '
	burn=$(count_where many.folded "s ~ /;burn;/") &&
	whole=$(count_where many.folded "s ~ /^;many;_start;.*;main;burn;/") &&
	echo "$whole of $burn samples in burn reach main" &&
	test $((whole * 100)) -ge $((burn * 95))
'

done_testing
