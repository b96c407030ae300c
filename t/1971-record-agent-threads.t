#!/bin/sh
test_description='libprof-agent.so: lock and block waits, thread creation, many threads at once'
. "$(dirname "$0")/lib.sh"
. "$T_DIR/lib-agent.sh"

test_expect_success 'build the driver and the programs' '
	build_driver &&
	build lock && build threads
'

test_expect_success 'two threads contending for a mutex: the lock time within 15% of what they measured' '
	under lk PROF_AGENT_EVENTS=lock ./lock >measured &&
	stream_ok lk &&
	agentread-test lock lk >view &&
	cat view &&
	test "$(site lock lk pthread_mutex_lock)" -gt 0 &&
	grep ";worker;take;pthread_mutex_lock [0-9]*\$" view &&
	awk -v m="$(cat measured)" -v a="$(site lock lk pthread_mutex_lock)" "BEGIN {
		printf \"measured %d ns, recorded %d ns: %.1f%% off\\n\", m, a, 100 * (a / m - 1)
		exit !(a >= 0.85 * m && a <= 1.15 * m) }" &&
	! grep -e pthread_join -e pthread_create view
'

test_expect_success 'block: the joins of the main thread, and no lock waits when only block is asked for' '
	under bl PROF_AGENT_EVENTS=block ./lock >measured &&
	stream_ok bl &&
	agentread-test block bl >view &&
	cat view &&
	grep ";main;pthread_join [0-9]*\$" view &&
	test "$(site block bl pthread_mutex_lock)" = 0 &&
	agentread-test lock bl >locks &&
	test_must_be_empty locks
'

test_expect_success 'threads created: exactly 7 from one site and 3 from the other' '
	under tc PROF_AGENT_EVENTS=threadcreate ./threads &&
	stream_ok tc &&
	agentread-test threadcreate tc >view &&
	cat view &&
	test "$(site threadcreate tc spawn_seven)" = 7 &&
	test "$(site threadcreate tc spawn_three)" = 3 &&
	test_line_count = 2 view
'

# Through a pipe, as prof-record reads it: the chunks of 8 threads must
# all arrive, none interleaved with another.
test_expect_success '8 threads allocating at once, rate 1, through a pipe: every allocation recorded' '
	PROF_AGENT_FD=9 PROF_AGENT_RATE=1 LD_PRELOAD="$AGENT" ./threads alloc 20000 9>&1 >/dev/null | cat >eight &&
	stream_ok eight &&
	cat stats &&
	test "$(site alloc-objects eight thread_site)" = 160000 &&
	test "$(site inuse-objects eight thread_site)" = 1600
'

test_expect_success '8 threads at the default rate, with every kind recorded: no crash, nothing lost' '
	for i in 1 2 3; do
		PROF_AGENT_FD=9 LD_PRELOAD="$AGENT" ./threads alloc 200000 9>&1 >/dev/null |
			cat >eight$i &&
		stream_ok eight$i || return 1
	done &&
	agentread-test alloc-space eight1 >view &&
	grep ";thread_site " view &&
	agentread-test threadcreate eight1 >view &&
	grep ";main 8\$" view
'

done_testing
