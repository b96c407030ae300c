#!/bin/sh
test_description='prof-record --type io: system calls on files, by bytes, time and calls'
. "$(dirname "$0")/lib.sh"
. "$T_DATA/record/record.sh"

# iocalls.c (t/data/record) makes its calls from functions of their own,
# with bytes it knows: 30 writes of 100 to "a;b.log" (log_line), 5 of 4096
# to blob and an fsync (save_blob), 3 opens of conf (open_conf), 10 writes
# of 100 to a pipe (feed_pipe) and 10 reads of them (drain_pipe), 7 sends
# of 50 on a socket (send_msg) and 7 receives (recv_msg).
needs_record

test_expect_success 'without tracefs: exit 2, saying how to mount it' '
	mkdir empty &&
	test_expect_code 2 env PROF_TRACEFS=$PWD/empty prof-record --type io -o none.folded true 2>err &&
	cat err &&
	grep "^prof-record: --type io: .*mount -t tracefs nodev /sys/kernel/tracing" err &&
	! test -e none.folded
'

needs_tracefs

# at FILE FUNCTION LEAF: the count of the stacks through FUNCTION whose
# leaf is LEAF (a literal string).
at () {
	awk -v fn=";$2;" -v leaf="$3" '!/^# / {
		n = $NF; s = $0; sub(/ [0-9]+$/, "", s)
		if (index(";" s, fn) && substr(s, length(s) - length(leaf) + 1) == leaf &&
		    substr(s, length(s) - length(leaf), 1) == ";") t += n
	} END { print t + 0 }' "$1"
}

test_expect_success 'build iocalls.c' '
	build iocalls &&
	mkdir d && echo conf >d/conf &&
	./iocalls d &&
	test "$(wc -c <"d/a;b.log")" = 3000
'

test_expect_success 'io: exit 0, metadata of a profile in bytes (no kernel key: it weighs calls, not time)' '
	prof-record --type io -o io.folded ./iocalls "$PWD/d" 2>err &&
	cat err &&
	test "$(meta io.folded type)" = io &&
	test "$(meta io.folded unit)" = bytes &&
	test "$(meta io.folded weight)" = bytes &&
	! grep "^# kernel:" io.folded
'

# The file names: a path as /proc names it, ";" as ":" (prof-folded(5)).
test_expect_success 'io: the bytes of every call site, exactly' '
	d=$PWD/d &&
	cat >expect <<-EOF &&
	log_line write($d/a:b.log) 3000
	save_blob write($d/blob) 20480
	save_blob fsync($d/blob) 0
	open_conf openat($d/conf) 0
	feed_pipe write(pipe) 1000
	drain_pipe read(pipe) 1000
	send_msg sendto(socket) 350
	recv_msg recvfrom(socket) 350
	EOF
	while read -r fn leaf n; do
		echo "$fn $leaf $(at io.folded "$fn" "$leaf")"
	done <expect >actual &&
	test_cmp expect actual &&
	grep -F "save_blob;" io.folded | grep -F "fsync($d/blob) 0"
'

test_expect_success 'io --weight calls: one a call' '
	prof-record --type io --weight calls -o calls.folded ./iocalls "$PWD/d" 2>err &&
	test "$(meta calls.folded unit)" = calls &&
	test "$(meta calls.folded weight)" = calls &&
	test "$(at calls.folded log_line "write($PWD/d/a:b.log)")" = 30 &&
	test "$(at calls.folded save_blob "fsync($PWD/d/blob)")" = 1 &&
	test "$(at calls.folded open_conf "openat($PWD/d/conf)")" = 3 &&
	test "$(at calls.folded recv_msg "recvfrom(socket)")" = 7
'

test_expect_success 'io --weight ns: the time of each call, in nanoseconds' '
	prof-record --type io --weight ns -o ns.folded ./iocalls "$PWD/d" 2>err &&
	test "$(meta ns.folded unit)" = nanoseconds &&
	test "$(meta ns.folded weight)" = ns &&
	fsync=$(at ns.folded save_blob "fsync($PWD/d/blob)") &&
	echo "fsync: $fsync ns" &&
	test "$fsync" -gt 0 &&
	test "$fsync" -lt 10000000000
'

test_expect_success 'a bad --weight is a usage error' '
	test_expect_code 2 prof-record --type io --weight pages true 2>err &&
	grep "^prof-record: --weight: ${SQ}pages${SQ} is not a weight; use bytes, ns or calls" err
'

done_testing
