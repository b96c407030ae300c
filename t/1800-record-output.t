#!/bin/sh
test_description='prof-record: stdout and -o, metadata, flamegraph.pl, PROF_FREQ and prof.conf'
. "$(dirname "$0")/lib.sh"
. "$T_DATA/record/record.sh"

# spin.c (t/data/record) spins for a given CPU time, or until a file
# appears.
needs_record
command -v perl >/dev/null 2>&1 || skip_or_fail "no perl"

# The user's own prof.conf and PROF_FREQ must not change the results.
XDG_CONFIG_HOME=$TRASH/xdg
HOME=$TRASH/home
export XDG_CONFIG_HOME HOME
unset PROF_FREQ
mkdir -p "$XDG_CONFIG_HOME" "$HOME"

FLAMEGRAPH=$(command -v flamegraph.pl 2>/dev/null ||
	ls /usr/share/perl5/Devel/NYTProf/flamegraph.pl 2>/dev/null)

test_expect_success 'build spin.c' '
	build spin &&
	./spin 0.01
'

# Each line of the pipe, prefixed with the seconds since the reader
# started.  The profile is flushed every 2 s: the first stack must come
# long before the end of a run of over 3 s.  The run spins a little (0.2 s
# of CPU time), sleeps 3 s, and spins again, so that spin_loop is sampled
# in two periods: spinning for 5 s took 44 s of a loaded machine.
test_expect_success 'to stdout, through a pipe: stacks come before the end' '
	{ prof-record -F 99 sh -c "./spin 0.2 && sleep 3 && ./spin 0.2"; echo $? >status; } |
	perl -MTime::HiRes=time -ne "BEGIN { \$t0 = time } printf \"%.3f %s\", time - \$t0, \$_" >stamped &&
	cat stamped &&
	echo 0 >expect && test_cmp expect status &&
	first=$(awk "\$2 != \"#\" { print \$1; exit }" stamped) &&
	end=$(tail -n 1 stamped | cut -d" " -f1) &&
	echo "first stack at $first s, end at $end s" &&
	between 0 4 "$first" &&
	awk -v f="$first" -v e="$end" "BEGIN { exit !(e - f >= 1) }" &&
	cut -d" " -f2- stamped >out.folded
'

test_expect_success 'to stdout: a stack seen in several periods is on several lines' '
	stacks out.folded | sed "s/ [0-9]*\$//" | sort | uniq -d >repeated &&
	cat repeated &&
	grep ";main;spin_loop\$" repeated
'

test_expect_success 'to stdout: the counts add up to "# samples:", and prof-fold merges them' '
	echo "$(samples out.folded) samples" >expect &&
	meta out.folded samples >actual &&
	test_cmp expect actual &&
	prof-fold out.folded >merged.folded &&
	stacks merged.folded | sed "s/ [0-9]*\$//" | sort | uniq -d >repeated &&
	test_must_be_empty repeated &&
	echo "$(samples merged.folded) samples" >actual &&
	test_cmp expect actual
'

# keys FILE PART: the metadata keys before the first stack (PART head)
# or after the last (PART tail), sorted.
keys () {
	awk -v part="$2" '!/^# / { body = 1; n = 0; next }
	/^# / { k = substr($0, 3); sub(/: .*/, "", k); if (!body) head[k] = 1; else tail[++n] = k }
	END { if (part == "head") for (k in head) print k; else for (i = 1; i <= n; i++) print tail[i] }' "$1" |
	sort
}

test_expect_success 'to stdout: the metadata known at the start first, the rest at the end' '
	keys out.folded head >head &&
	keys out.folded tail >tail &&
	cat head tail &&
	for k in type unit event frequency period command start; do
		grep "^$k\$" head || exit 1
	done &&
	for k in duration samples lost; do
		grep "^$k\$" tail || exit 1
	done
'

test_expect_success '-o: every metadata line, with its unit' '
	prof-record -F 999 -o meta.folded ./spin 0.3 &&
	cat meta.folded &&
	grep "^# type: cpu\$" meta.folded &&
	grep "^# unit: samples\$" meta.folded &&
	grep -E "^# event: (cpu-clock|cycles)\$" meta.folded &&
	grep "^# frequency: 999 Hz\$" meta.folded &&
	grep "^# period: 1001001 ns\$" meta.folded &&
	grep -E "^# command: \"?\./spin 0\.3\"?\$" meta.folded &&
	grep -E "^# start: [0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}Z\$" meta.folded &&
	grep -E "^# duration: [0-9]+\.[0-9]+ s\$" meta.folded &&
	grep -E "^# samples: [0-9]+ samples\$" meta.folded &&
	grep -E "^# lost: [0-9]+ samples\$" meta.folded &&
	echo "$(samples meta.folded) samples" >expect &&
	meta meta.folded samples >actual &&
	test_cmp expect actual &&
	test "$(samples meta.folded)" -ge 150
'

test_expect_success '-o: one line per stack, sorted bytewise, after all the metadata' '
	stacks meta.folded >body &&
	sed "s/ [0-9]*\$//" body | uniq -d >repeated &&
	test_must_be_empty repeated &&
	sort body >sorted && test_cmp sorted body &&
	sed -n "/^[^#]/,\$p" meta.folded | grep "^# " >late;
	test_must_be_empty late
'

test_expect_success '-o: the file is replaced at the end, and no temporary file is left' '
	mkdir o &&
	echo old >o/p.folded &&
	{ prof-record -F 999 -o o/p.folded ./spin 20 o/stop & } &&
	rec=$! &&
	sleep 0.5 &&
	echo old >expect &&
	cp o/p.folded during &&
	touch o/stop &&
	wait $rec &&
	test_cmp expect during &&
	grep "^# samples: " o/p.folded &&
	ls o >actual &&
	printf "p.folded\nstop\n" >expect &&
	test_cmp expect actual
'

test_expect_success '-o and SIGTERM: exit 143, the profile is written, no temporary file' '
	mkdir t &&
	{ prof-record -F 999 -o t/term.folded ./spin 30 & } &&
	rec=$! &&
	target=$(child_of $rec) &&
	sleep 0.5 &&
	kill -TERM $rec &&
	{ wait $rec; status=$?; } &&
	echo "exit $status" &&
	if kill -0 $target 2>/dev/null; then
		echo "the target $target still runs"; kill $target; exit 1
	fi &&
	test "$status" = 143 &&
	grep "^# samples: " t/term.folded &&
	test "$(samples t/term.folded)" -ge 20 &&
	ls t >actual &&
	echo term.folded >expect &&
	test_cmp expect actual
'

# The command prints "hello-from-command", which its arguments do not
# hold (they are in the metadata).
test_expect_success 'profile to stdout: the command writes to stderr' '
	prof-record sh -c "echo hello-from-\$0" command >out 2>err &&
	grep "^# type: cpu\$" out &&
	! grep hello-from-command out &&
	grep "^hello-from-command\$" err
'

test_expect_success 'profile to a file: the command writes to stdout' '
	prof-record -o cmd.folded sh -c "echo hello-from-\$0" command >out 2>err &&
	echo hello-from-command >expect &&
	test_cmp expect out &&
	test_must_be_empty err &&
	! grep hello-from-command cmd.folded
'

if test -n "$FLAMEGRAPH"; then
	test_expect_success 'flamegraph.pl takes the profile as it is' '
		perl "$FLAMEGRAPH" meta.folded >meta.svg 2>fg.err &&
		cat fg.err &&
		grep "<svg" meta.svg &&
		n=$(samples meta.folded) &&
		grep "<title>all ($n samples, 100%)</title>" meta.svg &&
		m=$(awk "/;spin_loop[ ;]/ && !/^#/ { s += \$NF } END { print s + 0 }" meta.folded) &&
		test_cmp_num "$m" ">" "$((n / 2))" &&
		grep "<title>spin_loop ($m samples" meta.svg
	'
	test_expect_success 'flamegraph.pl takes the stdout profile too' '
		perl "$FLAMEGRAPH" out.folded >out.svg 2>fg.err &&
		n=$(samples out.folded) &&
		grep "<title>all ($n samples, 100%)</title>" out.svg
	'
else
	test_skip 'flamegraph.pl takes the profile as it is' 'no flamegraph.pl'
	test_skip 'flamegraph.pl takes the stdout profile too' 'no flamegraph.pl'
fi

# The frequency: "PROF_FREQ ./prof.conf USER-prof.conf FLAGS EXPECTED",
# - for none.  Flags win over PROF_FREQ, which wins over ./prof.conf,
# which wins over the user's.
while read -r env conf user flags want; do
	test_expect_success "frequency: PROF_FREQ=$env prof.conf=$conf user=$user flags=$flags: $want Hz" '
		mkdir c$test_count && cd c$test_count &&
		mkdir -p xdg/prof &&
		if test "'"$conf"'" != -; then printf "[record]\nfrequency = %s\n" '"$conf"' >prof.conf; fi &&
		if test "'"$user"'" != -; then printf "[record]\nfrequency = %s\n" '"$user"' >xdg/prof/prof.conf; fi &&
		if test "'"$env"'" != -; then PROF_FREQ='"$env"'; export PROF_FREQ; fi &&
		flags=$(echo "'"$flags"'" | tr _ " ") && test "$flags" != - || flags= &&
		XDG_CONFIG_HOME=$PWD/xdg prof-record $flags -o f.folded ./../spin 0.05 &&
		echo "# frequency: '"$want"' Hz" >expect &&
		grep "^# frequency: " f.folded >actual &&
		test_cmp expect actual &&
		echo "# period: $(awk "BEGIN { printf \"%.0f\", 1e9 / '"$want"' }") ns" >expect &&
		grep "^# period: " f.folded >actual &&
		test_cmp expect actual
	'
done <<'TABLE'
- - - - 99
333 - - - 333
- 222 - - 222
- - 444 - 444
- 222 444 - 222
333 222 444 - 333
333 222 444 -F_555 555
- 222 - -F_555 555
TABLE

done_testing
