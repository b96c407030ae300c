#!/bin/sh
test_description='prof-record: JIT code named from /tmp/perf-PID.map, unwound by frame pointers'
. "$(dirname "$0")/lib.sh"
. "$T_DATA/record/record.sh"

# jit.c (t/data/record) generates two functions at run time, outer calling
# inner, with frame pointers and no CFI, and describes them in
# /tmp/perf-PID.map (inner only after a quarter of its time); run_jit(),
# compiled without frame pointers, calls outer.  jit.js is run by node
# --perf-basic-prof.  Shares have wide margins: the machine may be busy.
needs_record
test "$(uname -m)" = x86_64 || skip_all "x86-64 only"

# $TRASH/tmp-maps lists the maps this test planted in /tmp, or node left
# there: they go at exit.
trap 'test -f "$TRASH/tmp-maps" && xargs rm -f <"$TRASH/tmp-maps"
	test "$test_failed" = 0 && cd "$T_DIR" && rm -rf "$TRASH"' EXIT

# share FILE AWK-CONDITION: percent of the samples whose stack matches.
share () {
	all=$(samples "$1") &&
	n=$(count_where "$1" "$2") &&
	echo "$n of $all samples: $2" >&2 &&
	awk -v n="$n" -v a="$all" "BEGIN { printf \"%.1f\n\", a ? 100 * n / a : 0 }"
}

test_expect_success 'build jit.c' '
	build jit &&
	./jit 0.05 &&
	./jit 0.05 -
'

test_expect_success 'JIT functions are named from the perf map, marked _[j]' '
	prof-record -F 999 -o jit.folded ./jit 2 &&
	pct=$(share jit.folded "s ~ /;run_jit;jit_outer_\\[j\\];jit_inner_\\[j\\];\$/") &&
	test_cmp_num "$pct" ">=" 50
'

test_expect_success 'the map grows: inner is named once its line is there, not before' '
	n=$(count_where jit.folded "s ~ /;jit_outer_\\[j\\];\\[unknown\\];\$/") &&
	echo "$n samples in inner before its line" &&
	test "$n" -gt 0
'

# The frames of outer and inner have no CFI: only their frame pointers
# lead back to run_jit, whose CFI leads on to main.
test_expect_success 'frame pointers unwind the JIT frames: stacks go on to main (dwfl)' '
	all=$(count_where jit.folded "s ~ /jit_outer_\\[j\\]/") &&
	pct=$(share jit.folded "s ~ /;main;run_jit;jit_outer_\\[j\\];/") &&
	test "$all" -gt 500 &&
	test_cmp_num "$pct" ">=" "$(awk -v a="$all" -v t="$(samples jit.folded)" "BEGIN { print 95 * a / t }")"
'

test_expect_success 'frame pointers unwind the JIT frames: stacks go on to main (libunwind)' '
	prof-record -F 999 --unwinder libunwind -o unw.folded ./jit 1 &&
	pct=$(share unw.folded "s ~ /;main;run_jit;jit_outer_\\[j\\];jit_inner_\\[j\\];\$/") &&
	test_cmp_num "$pct" ">=" 50
'

test_expect_success 'the two unwinders agree through JIT frames' '
	prof-record -F 999 --unwinder compare -o cmp.folded ./jit 1 2>err &&
	cat err &&
	sed -n "s/.*compared on \\([0-9]*\\) samples: \\([0-9]*\\) differ.*/\\1 \\2/p" err >counts &&
	read -r compared differ <counts &&
	test "$compared" -gt 500 &&
	test $((differ * 20)) -le "$compared"
'

test_expect_success 'names are cleaned as frame names; a long one is cut at 4096 bytes' '
	long=$(awk "BEGIN { for (i = 0; i < 10000; i++) printf \"x\" }") &&
	prof-record -F 999 -o names.folded ./jit 1 "evil;semi	tab" "$long" &&
	n=$(count_where names.folded "s ~ /;run_jit;evil:semi tab_\\[j\\];x+_\\[j\\];\$/") &&
	test "$n" -gt 0 &&
	stacks names.folded | awk "{ n = split(\$0, f, \";\"); sub(/ [0-9]+\$/, \"\", f[n]) }
		f[n] ~ /^x+_\\[j\\]\$/ { print length(f[n]) }" | sort -u >lengths &&
	echo 4100 >expect &&
	test_cmp expect lengths
'

# run_planted HOW OUT: runs ./jit writing no map, in a shell that first
# plants /tmp/perf-$$.map (its own pid, which exec keeps) pointing to or
# copied from evil.map, a map naming all memory EVIL.
run_planted () {
	printf "0 ffffffffffffffff EVIL\n" >evil.map &&
	prof-record -F 999 -o "$2" sh -c "
		m=/tmp/perf-\$\$.map; echo \$m >>\"$TRASH/tmp-maps\"
		$1
		exec ./jit 0.5 -"
}

test_expect_success 'a map planted as a regular file of the process'\''s owner is read (control)' '
	run_planted "cp evil.map \$m" control.folded &&
	test "$(count_where control.folded "s ~ /;run_jit;EVIL_\\[j\\];EVIL_\\[j\\];\$/")" -gt 100
'

test_expect_success 'a symbolic link at /tmp/perf-PID.map is not followed' '
	run_planted "ln -s \"\$PWD/evil.map\" \$m" link.folded &&
	test "$(count_where link.folded "s ~ /EVIL/")" = 0 &&
	test "$(count_where link.folded "s ~ /;main;run_jit;\\[unknown\\];\\[unknown\\];\$/")" -gt 100
'

test_expect_success 'a map older than the process (an earlier one'\''s) is not read' '
	run_planted "cp evil.map \$m && touch -d \"1 hour ago\" \$m" stale.folded &&
	test "$(count_where stale.folded "s ~ /EVIL/")" = 0
'

if test "$(id -u)" = 0; then
	test_expect_success 'a map of another owner is not read' '
		run_planted "cp evil.map \$m && chown 12345 \$m" owner.folded &&
		test "$(count_where owner.folded "s ~ /EVIL/")" = 0
	'
else
	test_skip 'a map of another owner is not read' 'not root: cannot chown'
fi

# Node.js: V8's compiled JavaScript, named by node --perf-basic-prof
if command -v node >/dev/null 2>&1; then
	NODE=node
elif test "$CI" = true; then
	NODE=false      # scripts/deps installs it: its absence fails
else
	NODE=
fi

# record_node FILE [OPTION...]: node --perf-basic-prof jit.js for 2 s of
# CPU; the map node leaves behind is removed.
record_node () {
	out=$1
	shift
	prof-record -F 999 --pid "$@" -o "$out" $NODE --perf-basic-prof "$T_DATA/record/jit.js" 2 &&
	pid=$(stacks "$out" | sed -n "s/^node-\\([0-9]*\\);.*/\\1/p" | sort | uniq -c | sort -rn |
		awk "NR == 1 { print \$2 }") &&
	echo "node pid $pid" &&
	echo "/tmp/perf-$pid.map" >>"$TRASH/tmp-maps"
}

if test -n "$NODE"; then
	test_expect_success 'node: JavaScript functions named, marked _[j], with most samples' '
		record_node node.folded --unwinder compare 2>err &&
		cat err &&
		test "$(count_where node.folded "s ~ /;[^;]*fibLoop[^;]*_\\[j\\];/")" -gt 0 &&
		test "$(count_where node.folded "s ~ /;[^;]*hashStrings[^;]*_\\[j\\];/")" -gt 0 &&
		pct=$(share node.folded "s ~ /;[^;]*(fibLoop|hashStrings)[^;]*_\\[j\\];/") &&
		test_cmp_num "$pct" ">=" 40
	'

	# node::Start is node'\''s C++ (in node, or libnode): below the JIT
	# frames only if the unwind went through them and on by CFI.
	test_expect_success 'node: stacks through JIT frames go on to node'\''s C++ (dwfl)' '
		jit=$(count_where node.folded "s ~ /_\\[j\\];/") &&
		deep=$(count_where node.folded "s ~ /;node::Start[^;]*;.*_\\[j\\];/") &&
		echo "$deep of $jit samples with JIT frames reach node::Start" &&
		test "$jit" -gt 200 &&
		test $((deep * 2)) -ge "$jit"
	'

	test_expect_success 'node: the two unwinders agree' '
		sed -n "s/.*compared on \\([0-9]*\\) samples: \\([0-9]*\\) differ.*/\\1 \\2/p" err >counts &&
		read -r compared differ <counts &&
		test "$compared" -gt 200 &&
		test $((differ * 10)) -le "$compared"
	'

	# V8 copies its builtins out of the node executable (ET_EXEC) to a
	# second place: named from node's symbols at that copy's bias, not
	# one [node] frame (a fifth of the samples before).
	test_expect_success 'node: builtins copied out of the executable are named' '
		test "$(count_where node.folded "s ~ /;Builtins_[A-Za-z]/")" -gt 0 &&
		anon=$(count_where node.folded "s ~ /;\\[node\\];/") &&
		all=$(samples node.folded) &&
		echo "$anon of $all samples with a [node] frame" &&
		test $((anon * 20)) -le "$all"
	'

	test_expect_success 'node: JavaScript frames and node'\''s C++ below them (libunwind)' '
		record_node node-unw.folded --unwinder libunwind &&
		jit=$(count_where node-unw.folded "s ~ /;[^;]*(fibLoop|hashStrings)[^;]*_\\[j\\];/") &&
		deep=$(count_where node-unw.folded "s ~ /;node::Start[^;]*;.*(fibLoop|hashStrings)[^;]*_\\[j\\];/") &&
		echo "$deep of $jit samples in fibLoop or hashStrings reach node::Start" &&
		test "$jit" -gt 200 &&
		test $((deep * 2)) -ge "$jit"
	'
else
	for t in 'node: JavaScript functions named' 'node: stacks reach node'\''s C++ (dwfl)' \
	    'node: the two unwinders agree' 'node: builtins copied out of the executable are named' \
	    'node: stacks reach node'\''s C++ (libunwind)'; do
		test_skip "$t" "no node"
	done
fi

done_testing
