# t/data/record/record.sh: helpers for t/11xx-record-*.t to t/18xx-record-*.t,
# sourced after t/lib.sh.  The programs they record are built in the test,
# from the sources beside this file, as distributions build programs:
# optimised and without frame pointers, so that only DWARF CFI unwinds them.

RECORD_SRC=$T_DATA/record

# No frame pointers; no sibling calls either, which would take a frame out
# of the stack that the tests expect in it.
RECORD_CFLAGS="-O2 -fomit-frame-pointer -fno-optimize-sibling-calls -pthread"

# needs_record: a C compiler, bin/prof-record, and a kernel that lets it
# sample (perf_event_open).  prof-record says so and exits 2 when the
# kernel refuses; any other failure is left to the tests, which then fail.
needs_record () {
	command -v cc >/dev/null 2>&1 || skip_or_fail "no C compiler"
	if ! test -x "$ROOT/bin/prof-record"; then
		echo "1..1"
		echo "not ok 1 - bin/prof-record is built"
		exit 1
	fi
	prof-record -o "$TRASH/.probe.folded" true >"$TRASH/.probe.out" 2>&1
	if test $? = 2 && grep -e perf_event -e CAP_PERFMON "$TRASH/.probe.out" >/dev/null; then
		skip_or_fail "prof-record cannot sample here: $(head -n 1 "$TRASH/.probe.out")"
	fi
	rm -f "$TRASH/.probe.folded" "$TRASH/.probe.out"
}

# build NAME [CFLAGS...]: builds ./NAME from $RECORD_SRC/NAME.c.
build () {
	name=$1
	shift
	cc $RECORD_CFLAGS "$@" -o "$name" "$RECORD_SRC/$name.c"
}

# stacks FILE: the stack lines of a profile, without its metadata.
stacks () {
	grep -v "^# " "$1"
}

# meta FILE KEY: the value of the metadata line "# KEY: VALUE".
meta () {
	sed -n "s/^# $2: //p" "$1"
}

# samples FILE: the sum of the counts of the stack lines.
samples () {
	awk '!/^# / { n += $NF } END { print n + 0 }' "$1"
}

# leaf_shares FILE: "LEAF PERCENT" for each leaf frame (annotations and
# file:line taken off), sorted by percent, highest first.
leaf_shares () {
	awk '!/^# / {
		n = $NF
		s = $0; sub(/ [0-9]+$/, "", s)
		k = split(s, f, ";"); leaf = f[k]
		sub(/\t.*/, "", leaf); sub(/_\[[a-z]\]$/, "", leaf)
		c[leaf] += n; t += n
	}
	END { for (l in c) printf "%s %.2f\n", l, 100 * c[l] / t }' "$1" |
	sort -k2,2nr -k1,1
}

# count_where FILE AWK-CONDITION: the samples of the stack lines for which
# the condition, on the stack s (frames joined by ";", a ";" at each end,
# without the count) holds.
count_where () {
	awk '!/^# / {
		s = $0; sub(/ [0-9]+$/, "", s); s = ";" s ";"
		if ('"$2"') n += $NF
	} END { print n + 0 }' "$1"
}

# between LO HI X: LO <= X <= HI, or a message.
between () {
	awk -v lo="$1" -v hi="$2" -v x="$3" 'BEGIN { exit !(x != "" && x >= lo && x <= hi) }' ||
	{ echo "$3 is not between $1 and $2" >&2; return 1; }
}

# near WANT GOT TOLERANCE: |GOT - WANT| <= TOLERANCE, or a message.
near () {
	awk -v w="$1" -v g="$2" -v t="$3" 'BEGIN { d = g - w; if (d < 0) d = -d; exit !(g != "" && d <= t) }' ||
	{ echo "$2 is not within $3 of $1" >&2; return 1; }
}

# now: seconds since the epoch, with nanoseconds.
now () {
	date +%s.%N
}

# child_of PID: the PID of PID's child, once it has one (a recorder's
# target: waited for up to 10 s, since 1 s was not always enough on a
# loaded machine); fails, saying so, when none comes.
child_of () {
	for _i in $(seq 100); do
		pgrep -P "$1" && return 0
		sleep 0.1
	done
	echo "child_of: $1 has no child after 10 s" >&2
	return 1
}

# start_blocked SECONDS: starts "./waits block ready SECONDS" (waits.c) in
# the background, sets pid to it, and returns once its thread "blocked"
# is blocked in its read (the file ready appeared, waited for up to 10 s).
start_blocked () {
	rm -f ready
	./waits block ready "$1" &
	pid=$!
	for _i in $(seq 100); do
		test -e ready && return 0
		sleep 0.1
	done
	echo "start_blocked: waits is not blocked after 10 s" >&2
	return 1
}

# blocked_ratio PER_SECOND ARGS...: records the process of start_blocked
# for 2 s, prof-record ARGS --tid -p $pid -d 2 -o att.folded, then ends it;
# prints the count of the stacks under blocked_read over the duration
# recorded times PER_SECOND (1 when the thread is counted all along).
blocked_ratio () {
	_per=$1
	shift
	prof-record "$@" --tid -p "$pid" -d 2 -o att.folded 2>err
	_status=$?
	kill "$pid"
	wait "$pid"
	cat err >&2
	test "$_status" = 0 || return 1
	_dur=$(meta att.folded duration | sed "s/ s\$//")
	_n=$(count_where att.folded "s ~ /^;blocked-[0-9]*\\/[0-9]*;/ && s ~ /;blocked_read;/")
	echo "blocked_read: $_n in $_dur s" >&2
	awk -v n="$_n" -v d="$_dur" -v p="$_per" 'BEGIN { printf "%.4f\n", n / (d * p) }'
}
