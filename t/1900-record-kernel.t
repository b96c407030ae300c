#!/bin/sh
test_description='prof-record: the kernel sampled by default, --user-only, the fallback, lost samples'
. "$(dirname "$0")/lib.sh"
. "$T_DATA/record/record.sh"

# syscalls.c (t/data/record) spends some 40 % of its samples in
# write_loop, one-byte writes to /dev/null, a quarter of them in the
# kernel, and the rest in cpu_loop.  30 rounds at 999 Hz are some 1000
# samples: a 10 % share is then 100 samples, give or take 10.
needs_record

# kshare FILE: the percent of the samples under write_loop that have
# kernel frames.
kshare () {
	k=$(count_where "$1" 'index(s, ";write_loop;") && s ~ /_\[k\];$/') &&
	all=$(samples "$1") &&
	echo "$1: $k of $all samples in the kernel under write_loop" >&2 &&
	awk -v k="$k" -v a="$all" 'BEGIN { printf "%.1f\n", a ? 100 * k / a : 0 }'
}

test_expect_success 'build syscalls.c and spin.c' '
	build syscalls &&
	./syscalls 1 &&
	build spin
'

test_expect_success 'by default: the kernel frames under write_loop, marked _[k]' '
	prof-record -F 999 -o k.folded ./syscalls 30 2>k.err &&
	cat k.err &&
	test "$(meta k.folded kernel)" = included &&
	! grep "refuses sampling the kernel" k.err &&
	test "$(samples k.folded)" -gt 500 &&
	s=$(kshare k.folded) &&
	echo "$s % of the samples in the kernel under write_loop" &&
	between 10 100 "$s" &&
	# the user stack of a sample in the kernel is whole: it reaches
	# main through the libc write
	n=$(count_where k.folded "s ~ /_\\[k\\];\$/ && s !~ /^;syscalls;.*;main;write_loop;[^;]*write[^;]*;/") &&
	echo "$n kernel samples without their user stack" &&
	test $((n * 20)) -lt "$(samples k.folded)"
'

test_expect_success '--kernel is the default: the same metadata, kernel frames' '
	prof-record --kernel -F 999 -o kk.folded ./syscalls 5 &&
	test "$(meta kk.folded kernel)" = included &&
	grep -q "_\[k\]" kk.folded
'

test_expect_success '--user-only: no kernel frame, the metadata says why' '
	prof-record --user-only -F 999 -o u.folded ./syscalls 30 2>u.err &&
	cat u.err &&
	! grep "refuses sampling the kernel" u.err &&
	test "$(meta u.folded kernel)" = "excluded (--user-only)" &&
	test "$(samples u.folded)" -gt 300 &&
	! grep "_\[k\]" u.folded &&
	s=$(kshare u.folded) &&
	between 0 5 "$s"
'

test_expect_success 'the last of --kernel and --user-only wins' '
	prof-record --kernel --user-only -o ku.folded ./syscalls 1 &&
	test "$(meta ku.folded kernel)" = "excluded (--user-only)" &&
	prof-record --user-only --kernel -o uk.folded ./syscalls 1 &&
	test "$(meta uk.folded kernel)" = included
'

# perf record -g on the same program: the share of the kernel under
# write_loop must agree within 15 points (perf unwinds the user stack
# with frame pointers, which syscalls.c lacks, so only the kernel's part
# is compared: its samples are the ones with kernel frames).
if command -v perf >/dev/null 2>&1 &&
    perf record -q -N -o perf-probe.data true >/dev/null 2>&1 </dev/null; then
	test_expect_success 'perf record -g agrees on the kernel share within 15 points' '
		perf record -q -g -F 999 -o k.data ./syscalls 30 2>perf.err &&
		perf script -i k.data >k.txt 2>/dev/null &&
		prof-fold --kernel k.txt >perf.folded &&
		pk=$(count_where perf.folded "s ~ /_\\[k\\];\$/") &&
		all=$(samples perf.folded) &&
		p=$(awk -v k="$pk" -v a="$all" "BEGIN { printf \"%.1f\", 100 * k / a }") &&
		r=$(kshare k.folded) &&
		echo "kernel: perf $p % of $all samples, prof-record $r %" &&
		near "$p" "$r" 15
	'
else
	test_skip 'perf record -g agrees on the kernel share within 15 points' 'perf cannot record here'
fi

# The fallback: as nobody, the kernel's own rules apply.  At
# perf_event_paranoid 2 a user may sample their processes in user mode
# only; at 3 not at all (then ptrace samples, and cannot see the kernel
# either).
paranoid=$(cat /proc/sys/kernel/perf_event_paranoid)
case $paranoid in
2) why="perf_event_paranoid=2" ;;
3|4) why="ptrace sampler" ;;
*) why= ;;
esac
as_nobody () {
	setpriv --reuid=nobody --regid=nogroup --clear-groups --inh-caps=-all "$@"
}
if test "$(id -u)" = 0 && test -n "$why" && command -v setpriv >/dev/null 2>&1 &&
    as_nobody test -x "$TRASH/syscalls"; then
	test_expect_success "refused to a user: user mode only, said once, metadata: excluded ($why)" '
		as_nobody prof-record -F 999 ./syscalls 10 >n.folded 2>n.err &&
		cat n.err &&
		test "$(meta n.folded kernel)" = "excluded ('"$why"')" &&
		! grep "_\[k\]" n.folded &&
		test "$(samples n.folded)" -gt 50 &&
		if test '"$paranoid"' = 2; then
			grep -c "kernel.perf_event_paranoid=2 refuses sampling the kernel: user mode only" n.err >count &&
			echo 1 >expect && test_cmp expect count
		fi
	'
	test_expect_success 'refused to a user, --user-only: nothing to say' '
		as_nobody prof-record --user-only ./syscalls 2 >nu.folded 2>nu.err &&
		! grep "refuses sampling the kernel" nu.err &&
		grep "^# kernel: excluded (" nu.folded
	'
else
	test_skip 'refused to a user: user mode only, said once' \
		'needs root, setpriv, perf_event_paranoid 2 to 4 and a test directory that nobody can read'
	test_skip 'refused to a user, --user-only: nothing to say' 'as above'
fi

# Lost samples: prof-record stopped for 3 s while its command spins; the
# rings fill (with 64 KiB stack copies they held some 700 samples here)
# and the kernel drops the rest, 2000 of the 3000 samples of those 3 s.
# A loaded machine that gives the command a third of a CPU still makes it
# drop a few hundred.
test_expect_success 'lost samples: a warning with the share, as the metadata says' '
	prof-record -F 999 --stack-size 65528 -o lost.folded ./spin 4 2>lost.err &
	rec=$!
	
	child=$(child_of $rec) &&
	i=0 &&
	while test "$(cat /proc/$child/comm 2>/dev/null)" != spin && test $i -lt 100; do
		sleep 0.1; i=$((i + 1))
	done &&
	sleep 0.2 &&
	kill -STOP $rec &&
	sleep 3 &&
	kill -CONT $rec &&
	wait $rec &&
	cat lost.err &&
	lost=$(meta lost.folded lost) && lost=${lost% samples} &&
	kept=$(samples lost.folded) &&
	test "$lost" -gt 100 &&
	pct=$(awk -v l="$lost" -v k="$kept" "BEGIN { printf \"%.0f\", 100 * l / (l + k) }") &&
	grep -F "prof-record: the kernel lost $lost of $((lost + kept)) samples ($pct%): " lost.err &&
	prof-top lost.folded >top.out &&
	grep -F "Lost: the kernel dropped $lost of $((lost + kept)) samples ($pct%)" top.out
'

done_testing
