#!/bin/sh
test_description='prof-record: -d and signals stop the whole command; no process is left stopped or traced'
. "$(dirname "$0")/lib.sh"
. "$T_DATA/record/record.sh"

# The command is a shell that runs a grandchild, ./spin, and waits for it:
# what the command started must end with it.  The grandchild writes its
# PID (sh -c 'echo $$ >FILE; exec ./spin ...'), spins until a file that
# never appears, and gives up after 60 s of CPU time, so a failing test
# leaves nothing running for long; each test also kills what it started,
# by PID.  Every wait is a bounded poll (20 s); nothing here is timed.
# A program started in the background stands alone, not at the end of an
# && list: $! would be the subshell that runs the list.
needs_record
ulimit -c 0 2>/dev/null

# wait_file FILE: FILE exists and is not empty, polled for up to 20 s.
wait_file () {
	i=0
	while ! test -s "$1" && test $i -lt 200; do sleep 0.1; i=$((i + 1)); done
	test -s "$1" || { echo "no $1 after 20 s"; return 1; }
}

# state PID: the one-letter State of PID (R, S, T, t, Z, ...); fails when
# there is no such process.
state () {
	sed -n 's/^State:[[:space:]]*\([A-Za-z]\).*/\1/p' "/proc/$1/status" 2>/dev/null | grep .
}

# wait_gone PID: PID has ended (no such process, or a zombie not reaped
# yet), polled for up to 20 s.
wait_gone () {
	i=0
	while st=$(state "$1"); do
		case $st in Z|X) return 0 ;; esac
		test $i -ge 200 && { echo "process $1 is still there after 20 s, state $st"; return 1; }
		sleep 0.1
		i=$((i + 1))
	done
	return 0
}

# free PID: every thread of PID runs on, neither stopped (T), nor
# stopped by a tracer (t), nor traced (TracerPid 0).
free () {
	ok=0
	for s in /proc/$1/task/*/status; do
		sed -n 's/^\(State\|TracerPid\):[[:space:]]*//p' "$s" | tr '\n' ' ' >st
		echo "$s: $(cat st)"
		case $(cat st) in
		[TtXZ]*) ok=1 ;;
		*" 0 ") ;;
		*) ok=1 ;;
		esac
	done
	return $ok
}

# whole FILE: a profile with its closing metadata.
whole () {
	grep "^# type: cpu\$" "$1" && grep "^# samples: [0-9]* samples\$" "$1" &&
	grep "^# duration: " "$1"
}

GRANDCHILD='sh -c "echo \$\$ >gc.pid; exec ./spin 60 never-there"; echo done'

# waiter: a parent with no say of its own about signals (a shell has one:
# dash may go on after SIGINT or SIGTERM), so that the status is known.
cat >waiter.c <<'EOF'
/* waiter PROG [ARG...]: runs PROG as a child, waits for it, exits 7. */
#include <sys/wait.h>
#include <unistd.h>

int
main(int argc, char *argv[])
{
	pid_t pid;

	(void)argc;
	if ((pid = fork()) == 0) {
		execvp(argv[1], argv + 1);
		_exit(127);
	}
	while (pid > 0 && waitpid(pid, NULL, 0) < 0)
		;
	return 7;
}
EOF
WAITED='echo $$ >gc.pid; exec ./spin 60 never-there'

test_expect_success 'build spin.c, threads4.c, waiter.c' '
	build spin && build threads4 && cc -o waiter waiter.c && ./spin 0.01
'

for sampler in perf ptrace; do
	# The example of the issue: the status is the shell's, 143 unless it
	# goes on after SIGTERM (then 0).
	test_expect_success "-d 1 ($sampler): sh -c, its grandchild ends, the profile written" '
		rm -f gc.pid
		prof-record --sampler '$sampler' -d 1 -o d.folded sh -c "$GRANDCHILD" >out 2>err &
		rec=$!
		wait_file gc.pid && gc=$(cat gc.pid) &&
		wait_gone $gc
		gone=$?
		kill -9 $gc 2>/dev/null
		wait $rec
		rc=$?
		echo "exit $rc"
		cat err out
		test $gone = 0 && whole d.folded &&
		if grep done out; then test $rc = 0; else test $rc = 143; fi
	'
	test_expect_success "-d 1 ($sampler): a child and its grandchild end, exit 143" '
		rm -f gc.pid
		prof-record --sampler '$sampler' -d 1 -o d.folded ./waiter sh -c "$WAITED" >out 2>err &
		rec=$!
		wait_file gc.pid && gc=$(cat gc.pid) &&
		wait_gone $gc
		gone=$?
		kill -9 $gc 2>/dev/null
		wait $rec
		rc=$?
		echo "exit $rc"
		cat err out
		test $gone = 0 && test $rc = 143 && whole d.folded
	'
done

# A background job of a script has SIGINT ignored, and a command would
# inherit that: env --default-signal gives both the usual dispositions.
for sig in INT TERM HUP; do
	case $sig in INT) code=130 ;; TERM) code=143 ;; HUP) code=129 ;; esac
	test_expect_success "SIG$sig to prof-record: passed on to the whole command, exit $code, the profile written" '
		rm -f gc.pid
		env --default-signal prof-record -o s.folded ./waiter sh -c "$WAITED" >out 2>err &
		rec=$!
		wait_file gc.pid && gc=$(cat gc.pid) &&
		kill -'$sig' $rec &&
		wait_gone $gc
		gone=$?
		test $gone = 0 || ps -o pid,ppid,pgid,stat,ignored,caught,args -g $rec,$gc
		kill -9 $gc 2>/dev/null
		wait $rec
		status=$?
		cat err out
		echo "exit $status"
		test $gone = 0 && whole s.folded && test $status = '$code'
	'
done

# The grandchild stops itself: a signal to a stopped process waits until
# it is continued, so SIGTERM alone would leave it there for ever.
test_expect_success '-d 1: a stopped grandchild is continued and ends too' '
	rm -f gc.pid &&
	test_expect_code 143 prof-record -d 1 -o st.folded \
		sh -c "sh -c \"echo \\\$\\\$ >gc.pid; kill -STOP \\\$\\\$; exec ./spin 60 never-there\"" 2>err
	rc=$?
	cat err
	wait_file gc.pid && gc=$(cat gc.pid) &&
	wait_gone $gc
	gone=$?
	test -s gc.pid && kill -9 $(cat gc.pid) 2>/dev/null
	test $rc = 0 && test $gone = 0
'

# The long forms of the vocabulary (prof(7)): --duration is -d, --output -o.
test_expect_success '--duration 1 --output FILE: the command gets SIGTERM, exit 143, the profile in FILE' '
	test_expect_code 143 prof-record --duration 1 --output dur.folded ./spin 60 never-there >out 2>err &&
	cat err out &&
	test_must_be_empty out &&
	whole dur.folded &&
	d=$(meta dur.folded duration) &&
	between 0.9 10 "${d% s}" &&
	test $(samples dur.folded) -gt 0
'

# -p: the targets run on when prof-record is done, every thread of them
# free: threads4 has a spinning, a sleeping and a blocked thread.
start_threads4 () {
	rm -f ready stop-threads
	./threads4 ready stop-threads & tp=$!
	i=0
	while ! test -e ready && test $i -lt 200; do sleep 0.1; i=$((i + 1)); done
	test -e ready || { echo "threads4 not ready after 20 s"; return 1; }
}
stop_threads4 () {
	touch stop-threads
	kill -CONT $tp 2>/dev/null
	wait $tp
	echo "threads4 exited $?"
}

for sampler in perf ptrace; do
	test_expect_success "-p -d 1 ($sampler): every thread of the target free afterwards" '
		start_threads4 &&
		{
			prof-record --sampler '$sampler' -p $tp -d 1 -o p.folded 2>err &&
			cat err && whole p.folded &&
			free $tp
		}
		rc=$?
		stop_threads4
		test $rc = 0
	'
done

test_expect_success '-p (ptrace): SIGINT at several moments, every thread free afterwards' '
	start_threads4 &&
	{
		for delay in 0.1 0.3 0.5 0.7 0.9; do
			prof-record --sampler ptrace -F 99 -p $tp -o i.folded 2>err &
			rec=$! &&
			sleep $delay &&
			kill -INT $rec &&
			{ wait $rec; status=$?; } &&
			echo "after $delay s: exit $status" &&
			test $status = 0 &&
			free $tp || break
		done
	}
	rc=$?
	stop_threads4
	test $rc = 0
'

test_expect_success '--type threads -p: every thread free afterwards, the blocked and sleeping ones too' '
	start_threads4 &&
	{
		prof-record --type threads -p $tp -o thr.folded &&
		stacks thr.folded >lines && test_line_count = 4 lines &&
		free $tp
	}
	rc=$?
	stop_threads4
	test $rc = 0
'

# A crash of prof-record itself while it samples with ptrace: SIGSEGV and
# SIGABRT sent from outside take the same way as a fault in the unwinder.
for sig in SEGV ABRT; do
	test_expect_success "-p (ptrace): prof-record dies of SIG$sig; every thread of the target free" '
		start_threads4 &&
		{
			for delay in 0.2 0.5 0.8; do
				prof-record --sampler ptrace -F 99 -p $tp -o c.folded 2>err &
				rec=$! &&
				sleep $delay &&
				kill -'$sig' $rec &&
				{ wait $rec; status=$?; } &&
				echo "after $delay s: exit $status" &&
				test $status -gt 128 &&
				free $tp || break
			done
		}
		rc=$?
		stop_threads4
		test $rc = 0
	'
done

# The process group and the terminal: in the foreground of a terminal the
# command is given the terminal, so it can read it (in a background group
# it would be stopped, SIGTTIN), and -d still ends all of it.
if command -v script >/dev/null 2>&1 && script -qec true /dev/null >/dev/null 2>&1 </dev/null; then
	test_expect_success 'on a terminal: the command reads it' '
		printf "hello\n" | script -qec "prof-record -d 20 -o tty.folded sh -c \"read l; echo got \\\$l\"" /dev/null >out 2>&1
		rc=$?
		cat out
		test $rc = 0 && grep "^got hello" out && whole tty.folded
	'
	test_expect_success 'on a terminal: -d 1 ends the grandchild too, exit 143' '
		rm -f gc.pid &&
		script -qec "prof-record -d 1 -o tty2.folded sh -c '\''$GRANDCHILD'\''" /dev/null </dev/null >out 2>&1
		rc=$?
		cat out
		wait_file gc.pid && gc=$(cat gc.pid) &&
		wait_gone $gc
		gone=$?
		test -s gc.pid && kill -9 $(cat gc.pid) 2>/dev/null
		test $rc = 143 && test $gone = 0
	'
	# ^C comes from the terminal to its foreground group: the command's,
	# or prof-record's before it hands the terminal over (which passes
	# it on); either way the whole command ends.  (A background job has
	# SIGINT ignored: env gives the command the usual SIGINT.)
	test_expect_success 'on a terminal: ^C ends the command and its grandchild, exit 130' '
		rm -f gc.pid
		{ while ! test -s gc.pid; do sleep 0.1; done; sleep 0.5; printf "\003"; sleep 1; } |
		script -qec "env --default-signal=INT prof-record -o tty3.folded ./waiter sh -c '\''$WAITED'\''" /dev/null >out 2>&1 &
		job=$!
		wait_file gc.pid && gc=$(cat gc.pid) &&
		wait_gone $gc
		gone=$?
		kill -9 $gc 2>/dev/null
		wait $job
		rc=$?
		cat out
		test $gone = 0 && test $rc = 130 && whole tty3.folded
	'
else
	test_skip 'on a terminal: the command reads it' 'no script(1)'
	test_skip 'on a terminal: ^C ends the command and its grandchild, exit 130' 'no script(1)'
	test_skip 'on a terminal: -d 1 ends the grandchild too, exit 143' 'no script(1)'
fi

done_testing
