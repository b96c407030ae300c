#!/bin/sh
test_description='prof-record --type lock, block, threadcreate: the agent through prof-record; what it refuses'
. "$(dirname "$0")/lib.sh"
. "$T_DIR/lib-agent.sh"

test_expect_success 'build the programs' '
	build lock && build threads && build forky
'

test_expect_success '--type lock: the time two threads waited, within 15% of what they measured' '
	prof-record --type lock -o lk ./lock >measured &&
	cat lk &&
	grep -x "# type: lock" lk &&
	grep -x "# unit: nanoseconds" lk &&
	! grep "# view" lk &&
	grep ";worker;take;pthread_mutex_lock [0-9]*\$" lk &&
	awk -v m="$(cat measured)" -v a="$(psite lk pthread_mutex_lock)" "BEGIN {
		printf \"measured %d ns, recorded %d ns: %.1f%% off\\n\", m, a, 100 * (a / m - 1)
		exit !(a >= 0.85 * m && a <= 1.15 * m) }" &&
	! grep pthread_join lk
'

test_expect_success '--type block: the joins of the main thread, no lock waits' '
	prof-record --type block -o bl ./lock >/dev/null &&
	grep -x "# type: block" bl &&
	grep ";main;pthread_join [0-9]*\$" bl &&
	test "$(psite bl pthread_mutex_lock)" = 0
'

# Each wait is about 30 ms (HOLD_NS) when the waiter runs at once; on a
# busy machine it may start late and wait less: seen, and never more
# than the program could run.
test_expect_success 'timed variants and those on a chosen clock: each wait seen, of a sane length' '
	build waits &&
	prof-record --type lock -o wl ./waits &&
	prof-record --type block -o wb ./waits &&
	cat wl wb &&
	for s in mutex_timedlock:pthread_mutex_lock mutex_clocklock:pthread_mutex_lock \
	    rwlock_clockrdlock:pthread_rwlock_rdlock rwlock_clockwrlock:pthread_rwlock_wrlock \
	    cond_timedwait:pthread_cond_wait cond_clockwait:pthread_cond_wait \
	    sem_timedwait:sem_wait sem_clockwait:sem_wait \
	    timedjoin:pthread_join clockjoin:pthread_join; do
		f=wb && case $s in *lock:*) f=wl ;; esac &&
		n=$(psite $f "at_${s%%:*};${s#*:}") &&
		test_cmp_num "$n" ">" 0 &&
		test_cmp_num "$n" "<" 10000000000 || return 1
	done
'

test_expect_success '--type threadcreate: exactly 7 from one site and 3 from the other' '
	prof-record --type threadcreate -o tc ./threads &&
	grep -x "# unit: threads" tc &&
	test "$(psite tc spawn_seven)" = 7 &&
	test "$(psite tc spawn_three)" = 3 &&
	grep -v "^#" tc >stacks &&
	test_line_count = 2 stacks
'

test_expect_success '8 threads allocating at once, --alloc-rate 1: every allocation recorded' '
	prof-record --type memory --alloc-rate 1 --view alloc-objects -o eight ./threads alloc 20000 \
		>/dev/null 2>err &&
	cat err &&
	! grep -e "damaged" -e "without the agent" err &&
	test "$(psite eight thread_site)" = 160000 &&
	grep -x "# lost: 0 samples" eight
'

test_expect_success '8 threads at the default rate, lock and threads too: no crash, nothing lost' '
	for t in memory lock threadcreate; do
		prof-record --type $t -o eight-$t ./threads alloc 200000 >/dev/null 2>err &&
		! grep -e "damaged" -e "without the agent" err &&
		grep -x "# lost: 0 samples" eight-$t || return 1
	done &&
	grep ";thread_site " eight-memory &&
	grep ";main 8\$" eight-threadcreate
'

test_expect_success 'processes: the children and the image an exec starts are profiled apart' '
	prof-record --type memory --alloc-rate 1 --pid -o fk ./forky ./threads >/dev/null 2>err &&
	cat err &&
	grep -v "^#" fk | cut -d";" -f1 | sort -u >roots &&
	cat roots &&
	test "$(wc -l <roots)" -ge 3
'

test_expect_success 'a static program: exit 2, says why, and runs nothing' '
	printf "int main(void) { return 0; }\n" >st.c &&
	gcc -static -o static st.c 2>/dev/null || return 0
	test_expect_code 2 prof-record --type memory -o never ./static 2>err &&
	cat err &&
	grep "statically linked" err &&
	test ! -e never
'

test_expect_success 'a setuid program: exit 2, says why' '
	cp threads suid &&
	chmod u+s suid &&
	test_expect_code 2 prof-record --type lock ./suid >out 2>err &&
	cat err &&
	grep "setuid" err &&
	test_must_be_empty out
'

TAB=$(printf '\t')
while IFS=$TAB read -r args msg; do
	case_args=$args case_msg=$msg
	test_expect_success "usage: prof-record $args: exit 2" '
		test_expect_code 2 prof-record $case_args >out 2>err &&
		cat err &&
		grep -F -- "$case_msg" err &&
		test_must_be_empty out
	'
done <<'TABLE'
--type=memory -p 1	needs the process started by prof-record
--type=lock -p 1	needs the process started by prof-record
--type=memory -F 99 ./threads	-F applies to the sampled types
--type=lock --sampler=ptrace ./threads	--sampler applies to the sampled types
--type=lock --view=peak ./threads	--view applies to --type memory only
--type=cpu --alloc-rate=1 ./threads	--alloc-rate applies to --type memory only
--type=memory --alloc-rate=0 ./threads	--alloc-rate
--type=memory --view=nope ./threads	is not a view
--type=memory ./no-such-command	No such file or directory
--type=memory no-such-command	command not found
TABLE

test_expect_success 'the agent not found beside prof-record: exit 2, says where it looked' '
	mkdir -p alone &&
	cp "$ROOT/bin/prof-record" alone/ &&
	test_expect_code 2 alone/prof-record --type memory ./threads 2>err &&
	cat err &&
	grep "libprof-agent.so not found beside prof-record or in ../lib/prof" err
'

done_testing
