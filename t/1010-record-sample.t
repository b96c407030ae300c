#!/bin/sh
test_description='lib/record/sample: perf_event_open sessions, records in time order'
. "$(dirname "$0")/lib.sh"

# The driver t/helpers/sample-test.c runs a program (or attaches to one),
# records it through lib/record/sample and prints counts; it checks each record
# itself (see its header) and exits 3 when one is wrong.  The program,
# spin.c below, burns CPU time in spin() with a canary in its caller's
# frame, so a sample's stack copy can be checked.  Sample counts are
# compared with the CPU time the program used (the cpu-clock counts it),
# not with the wall clock: under `prove -j2` the machine is shared.

for tool in gcc nm readelf pkg-config; do
	command -v $tool >/dev/null 2>&1 || skip_or_fail "no $tool"
done
pkg-config --exists libdw libelf libunwind || skip_or_fail "no libdw, libelf, libunwind (pkg-config)"

DRIVER_FLAGS="$DRIVER_FLAGS $(pkg-config --cflags libdw libelf libunwind)"
if test -f "$ROOT/lib/libprof.a"; then
	DRIVER_LIB=$ROOT/lib/libprof.a
else
	DRIVER_LIB="$ROOT/lib/record/sample.c $ROOT/lib/record/samplequeue.c $ROOT/lib/core/util.c"
fi

cat >spin.c <<'EOF'
/*
 * spin: CPU-bound work in a known function, for t/1010-record-sample.t.
 *   spin SECS        spins in spin() for SECS seconds of its CPU time
 *   spin -t N SECS   N threads, each SECS seconds of its CPU time
 *   spin -f SECS     forks a child that execs "spin SECS", spins too
 *   spin -w N        N threads spin until SIGUSR1, then exit 0; prints
 *                    "ready" once they run
 *   spin -l N SECS   waits for SIGUSR1, then runs as spin -t N SECS
 *   spin -s SECS     SECS seconds of CPU time in getppid() calls
 *   spin -n COUNT    a fixed amount of work: COUNT calls of spin(); prints
 *                    the CPU time it took (for measuring overhead)
 */
#include <pthread.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/resource.h>
#include <sys/wait.h>

#define MAGIC 0x70726f662d6d6167ULL

static volatile sig_atomic_t stop;
static double secs;
static long count;

/* The canary is in the caller's frame, above spin's stack pointer, where
 * the stack copy of a sample in spin() must hold it. */
__attribute__((noinline)) uint64_t
spin(uint64_t n, volatile uint64_t *canary)
{
	uint64_t x = 1;

	for (uint64_t i = 0; i < n; i++)
		x = x * 6364136223846793005ULL + canary[i & 1];
	return x;
}

static double
cpu_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

static void *
worker(void *until_signal)
{
	volatile uint64_t canary[2] = { MAGIC, MAGIC };
	double end = cpu_now() + secs;
	uint64_t x = 0;

	if (count > 0)
		for (long i = 0; i < count; i++)
			x += spin(1000000, canary);
	else
		while (until_signal ? !stop : cpu_now() < end)
			x += spin(1000000, canary);
	return (void *)(uintptr_t)(x & 1);
}

static void
on_usr1(int sig)
{
	stop = 1;
}

static int
threads(int n, int until_signal)
{
	pthread_t t[16];

	if (n < 1 || n > 16)
		return 2;
	for (int i = 0; i < n; i++)
		pthread_create(&t[i], NULL, worker, until_signal ? &t : NULL);
	if (until_signal) {
		printf("ready\n");
		fflush(stdout);
	}
	for (int i = 0; i < n; i++)
		pthread_join(t[i], NULL);
	return 0;
}

int
main(int argc, char **argv)
{
	char self[4096];
	ssize_t len;
	pid_t pid;
	int status;

	signal(SIGUSR1, on_usr1);
	alarm(60);      /* a test that failed half-way leaves no spinner behind */
	if (argc == 2 && argv[1][0] != '-') {
		secs = atof(argv[1]);
		worker(NULL);
		return 0;
	}
	if (argc == 4 && strcmp(argv[1], "-t") == 0) {
		secs = atof(argv[3]);
		return threads(atoi(argv[2]), 0);
	}
	if (argc == 3 && strcmp(argv[1], "-f") == 0) {
		secs = atof(argv[2]);
		if ((len = readlink("/proc/self/exe", self, sizeof(self) - 1)) < 0)
			return 1;
		self[len] = '\0';
		if ((pid = fork()) == 0) {
			execl(self, "spin", argv[2], (char *)NULL);
			_exit(127);
		}
		worker(NULL);
		if (pid < 0 || waitpid(pid, &status, 0) != pid)
			return 1;
		return WIFEXITED(status) ? WEXITSTATUS(status) : 1;
	}
	if (argc == 3 && strcmp(argv[1], "-w") == 0)
		return threads(atoi(argv[2]), 1);
	if (argc == 4 && strcmp(argv[1], "-l") == 0) {
		while (!stop)
			usleep(1000);
		secs = atof(argv[3]);
		return threads(atoi(argv[2]), 0);
	}
	if (argc == 3 && strcmp(argv[1], "-s") == 0) {
		double end = cpu_now() + atof(argv[2]);
		while (cpu_now() < end)
			for (int i = 0; i < 1000; i++)
				getppid();
		return 0;
	}
	if (argc == 3 && strcmp(argv[1], "-n") == 0) {
		struct rusage ru;
		count = atol(argv[2]);
		worker(NULL);
		getrusage(RUSAGE_SELF, &ru);
		printf("spin_cpu_us %.0f\n", ru.ru_utime.tv_sec * 1e6 + ru.ru_utime.tv_usec +
		    ru.ru_stime.tv_sec * 1e6 + ru.ru_stime.tv_usec);
		return 0;
	}
	fprintf(stderr, "usage: spin SECS | -t N SECS | -f SECS | -w N | -l N SECS | -s SECS | -n COUNT\n");
	return 2;
}
EOF

# Built before the first test: whether perf_event_open is allowed decides
# if the script runs at all.
{
	$DRIVER_CC $DRIVER_FLAGS -o sample-test "$ROOT/t/helpers/sample-test.c" $DRIVER_LIB \
		$(pkg-config --libs libdw libelf libunwind) -lcsv -lstdc++ -pthread &&
	gcc -O2 -g -pthread -o spin spin.c
} >build.out 2>&1 && build_ok=1 || build_ok=0
if test $build_ok = 1 && ! ./sample-test -F 99 -- true >probe.out 2>&1 &&
    grep -q "perf_event_open" probe.out; then
	skip_or_fail "$(grep perf_event_open probe.out | sed 's/^sample-test: //')"
fi

# val KEY FILE: the number sample-test printed as "KEY N".
val () {
	awk -v k="$1" '$1 == k { print $2; n++ } END { exit n != 1 }' "$2"
}

# near X EXPECT PCT: X is within PCT percent of EXPECT.
near () {
	awk -v x="$1" -v e="$2" -v p="$3" 'BEGIN { exit !(x >= e * (1 - p / 100) && x <= e * (1 + p / 100)) }' ||
	{ echo "$1 is not within $3% of $2" >&2; return 1; }
}

# at_least X Y
at_least () {
	test "$1" -ge "$2" || { echo "$1 < $2" >&2; return 1; }
}

# expected FILE [HZ]: the samples the CPU time in FILE is worth at HZ (999).
expected () {
	awk -v hz="${2:-999}" '$1 ~ /^(child|target)_cpu_us$/ { printf "%d\n", $2 * hz / 1e6 }' "$1"
}

# fn_range BIN FN: FN's bytes as file offsets START:END in hex (sample-test -f).
fn_range () {
	readelf -lW "$1" | awk '$1 == "LOAD" && / E / { print $2, $3; exit }' >load &&
	nm -S "$1" | awk -v f="$2" '$4 == f { print $1, $2; exit }' >sym &&
	read off vaddr <load && read addr size <sym &&
	printf "%x:%x\n" $((0x$addr - vaddr + off)) $((0x$addr + 0x$size - vaddr + off))
}

# wait_ready FILE: until spin -w has printed "ready" into FILE.
wait_ready () {
	for i in $(seq 100); do
		test -s "$1" && return 0
		sleep 0.1
	done
	echo "no ready in $1" >&2
	return 1
}

MAGIC=70726f662d6d6167

test_expect_success 'build the driver and the program' '
	cat build.out &&
	test $build_ok = 1
'
FN=$(fn_range spin spin)
CHECK="-P spin -f $FN -m $MAGIC"

test_expect_success 'cycles where the CPU counts them, else cpu-clock' '
	./sample-test -F 99 -- ./spin 0.1 >out &&
	grep "^event " out >actual &&
	if ls -d /sys/bus/event_source/devices/cpu /sys/bus/event_source/devices/cpu_core 2>/dev/null
	then echo "event cycles"; else echo "event cpu-clock"; fi >expect &&
	test_cmp expect actual
'

test_expect_success 'one thread, 1 s of CPU at 999 Hz: about 1000 samples, all in spin()' '
	./sample-test -v $CHECK -- ./spin 1 >out &&
	cat out &&
	n=$(val sample out) &&
	near $n 999 30 &&
	near $n $(expected out) 10 &&
	test $(val user out) = $n &&
	test $(val unmapped out) = 0 &&
	at_least $(val in_prog out) $((n * 95 / 100)) &&
	at_least $(val in_fn out) $((n * 90 / 100)) &&
	at_least $(val magic out) $((n * 90 / 100)) &&
	test $(val lost_total out) = 0 &&
	test $(val status out) = 0 &&
	test $(val tids out) = 1
'

test_expect_success 'the program mapped before its samples, with its build-id' '
	grep "^MMAP .*/spin " out >map &&
	test_line_count = 1 map &&
	id=$(readelf -n spin | awk "/Build ID/ { print \$3 }") &&
	awk -v id="$id" "\$8 != id && \$8 != \"-\" { exit 1 }" map &&
	grep "^COMM [0-9]* [0-9]* 1 spin$" out
'

test_expect_success 'three threads: samples from each' '
	./sample-test -v $CHECK -- ./spin -t 3 0.5 >out &&
	cat out &&
	near $(val sample out) $(expected out) 10 &&
	near $(val sample out) 1500 30 &&
	awk "/^SAMPLES/ && \$4 >= 350" out >threads &&
	test_line_count = 3 threads &&
	test $(val fork out) = 3
'

test_expect_success 'fork and exec: FORK, COMM and EXIT of the child, in order' '
	./sample-test -v $CHECK -- ./spin -f 0.3 >out &&
	cat out &&
	parent=$(awk "/^COMM/ { print \$2; exit }" out) &&
	child=$(awk -v p=$parent "/^FORK/ && \$3 == p && \$2 != p { print \$2 }" out) &&
	test -n "$child" &&
	grep -n -e "^FORK $child " -e "^COMM $child $child 1 spin$" -e "^EXIT $child $child$" \
		-e "^EXIT $parent $parent$" out | cut -d" " -f1 >order &&
	printf "%s\n" FORK COMM EXIT EXIT >expect &&
	sed "s/^[0-9]*://" order >actual &&
	test_cmp expect actual &&
	awk -v c=$child "/^SAMPLES/ && \$2 == c { n += \$4 } END { print n + 0 }" out >n.child &&
	awk -v p=$parent "/^SAMPLES/ && \$2 == p { n += \$4 } END { print n + 0 }" out >n.parent &&
	near $(cat n.child) 300 30 &&
	near $(cat n.parent) 300 30 &&
	test $(val unmapped out) = 0 &&
	test $(val status out) = 0
'

test_expect_success '-p: a running 3-thread program, sampled and left running' '
	./spin -w 3 >ready &
	pid=$! &&
	wait_ready ready &&
	./sample-test -v -t 0.5 $CHECK -p $pid >out &&
	cat out &&
	kill -0 $pid &&
	n=$(val sample out) &&
	near $n $(expected out) 30 &&
	awk -v n=$n "/^SAMPLES/ && \$4 >= n / 10" out >threads &&
	test_line_count = 3 threads &&
	test $(val unmapped out) = 0 &&
	at_least $(val in_fn out) $((n * 90 / 100)) &&
	sleep 0.2 &&
	kill -0 $pid &&
	kill -USR1 $pid &&
	wait $pid
'

test_expect_success '-p: threads created after the attach are sampled; its exit ends it' '
	./spin -l 2 0.3 &
	pid=$! &&
	./sample-test -v -u -t 20 $CHECK -p $pid >out &&
	wait $pid &&
	cat out &&
	test $(grep -c "^FORK $pid $pid " out) = 2 &&
	awk "/^SAMPLES/ && \$4 >= 150" out >threads &&
	test_line_count = 2 threads &&
	near $(val sample out) 600 30 &&
	test_cmp_num $(val elapsed_ms out) "<" 15000
'

# A reader that waited would wait out its poll timeout of 30 s; the
# program's 0.2 s (0.4 s with -f) of CPU time took over 2.5 s of a loaded
# machine, so the bound is half the timeout, not a guess at the speed.
test_expect_success 'once the program has exited, reading waits no more' '
	./sample-test -i 30000 -- ./spin 0.2 >out &&
	test_cmp_num $(val elapsed_ms out) "<" 15000 &&
	./sample-test -i 30000 -- ./spin -f 0.2 >out &&
	test_cmp_num $(val elapsed_ms out) "<" 15000
'

test_expect_success 'a small ring (8 pages, 8 KiB stacks): records that wrap its end' '
	./sample-test -b 8 -s 8192 $CHECK -- ./spin 0.5 >out &&
	cat out &&
	n=$(val sample out) &&
	near $((n + $(val lost_total out))) $(expected out) 10 &&
	at_least $(val magic out) $((n * 90 / 100))
'

test_expect_success 'a slow reader: the samples the kernel drops are counted' '
	./sample-test -b 8 -s 8192 -d 300 $CHECK -- ./spin 0.5 >out &&
	cat out &&
	lost=$(val lost_total out) &&
	at_least $lost 100 &&
	at_least $(val lost out) 1 &&
	near $(($(val sample out) + lost)) $(expected out) 10
'

test_expect_success 'the largest stack copy the kernel allows' '
	./sample-test -s 65536 $CHECK -- ./spin 0.2 >out &&
	cat out &&
	at_least $(val sample out) 100 &&
	test $(val max_stack out) -le 65528
'

# -k where the kernel permits it; otherwise the session samples user mode
# only and says why (the case below, as nobody).
if ./sample-test -F 99 -k -- true >kout 2>/dev/null && test "$(val kernel_refused kout)" = -; then
	test_expect_success '-k: kernel frames of a program in system calls' '
		./sample-test -k -P spin -- ./spin -s 0.5 >out &&
		cat out &&
		test "$(val kernel_refused out)" = - &&
		n=$(val sample out) &&
		near $n $(expected out) 30 &&
		at_least $(val kchain out) $((n / 2)) &&
		test $(val user out) = $n &&
		./sample-test -P spin -- ./spin -s 0.2 >out &&
		test $(val kchain out) = 0
	'
else
	test_skip '-k: kernel frames of a program in system calls' 'kernel profiling not allowed'
fi

# As nobody: at perf_event_paranoid 2 a user may sample their own
# processes in user mode only, so -k falls back to that, and sampling
# root's process is refused; at 3 everything is.
paranoid=$(cat /proc/sys/kernel/perf_event_paranoid)
if test "$(id -u)" = 0 && command -v setpriv >/dev/null 2>&1 && test "$paranoid" -ge 2; then
	test_expect_success 'refused: the message names the sysctl and CAP_PERFMON' '
		./spin -w 1 >ready &
		pid=$!
		wait_ready ready &&
		if test '"$paranoid"' = 2; then
			set -- -p $pid -t 0.2
		else
			set -- -k -- ./spin 0.1
		fi &&
		test_expect_code 2 setpriv --reuid=65534 --regid=65534 --clear-groups \
			./sample-test "$@" >out 2>err
		rc=$?
		kill -USR1 $pid
		wait $pid
		cat err &&
		test $rc = 0 &&
		grep "perf_event_open refused (kernel.perf_event_paranoid=[0-9]*; run as root, or grant CAP_PERFMON, or set sysctl kernel.perf_event_paranoid=1)" err
	'
else
	test_skip 'refused: the message names the sysctl and CAP_PERFMON' 'needs root and perf_event_paranoid >= 2'
fi
if test "$(id -u)" = 0 && command -v setpriv >/dev/null 2>&1 && test "$paranoid" = 2; then
	test_expect_success '-k refused at perf_event_paranoid 2: user mode only, and the reason' '
		setpriv --reuid=65534 --regid=65534 --clear-groups \
			./sample-test -k -P spin -- ./spin -s 0.3 >out 2>err &&
		cat out err &&
		test "$(val kernel_refused out)" = perf_event_paranoid=2 &&
		test $(val kchain out) = 0 &&
		at_least $(val sample out) 10
	'
else
	test_skip '-k refused at perf_event_paranoid 2: user mode only, and the reason' \
		'needs root and perf_event_paranoid 2'
fi

test_expect_success 'errors: no such process, a frequency over the limit' '
	nopid=$(($(cat /proc/sys/kernel/pid_max) + 1)) &&
	test_expect_code 2 ./sample-test -p $nopid 2>err &&
	grep "no process $nopid" err &&
	max=$(cat /proc/sys/kernel/perf_event_max_sample_rate) &&
	test_expect_code 2 ./sample-test -F $((max + 1)) -- ./spin 0.1 2>err &&
	grep "over kernel.perf_event_max_sample_rate=$max" err
'

test_expect_success 'too many open files: a message, and the target runs on' '
	./spin -w 16 >ready &
	pid=$!
	wait_ready ready
	(ulimit -n 12 && exec ./sample-test -t 0.1 -p $pid) >/dev/null 2>err
	status=$?
	kill -USR1 $pid && wait $pid &&
	cat err &&
	test $status = 2 &&
	grep "too many open files" err
'

done_testing
