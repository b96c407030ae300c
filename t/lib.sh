# t/lib.sh: the test harness, sourced by every t/NNNN-name.t (git's t/ in small).
#
# A test script sets test_description, sources this file, calls
# test_expect_success for each case and ends with done_testing; it prints
# TAP, so `prove t/` runs the suite.  The script runs in a private directory,
# t/trash.NAME.PID, removed at exit unless a test failed (then it is kept for
# a look).  A failure's output follows its "not ok" line as comments;
# under prove (HARNESS_ACTIVE), which hides comments unless -v, it is
# also written to stderr, which prove shows.  TEST_VERBOSE=1 shows every
# body's output, not only a failure's;
# TEST_TIMES=1 follows each result with its wall time ("# 1234 ms"), to find
# the slow tests.
#
# Set here: LC_ALL=C; PATH starts with the build's bin/; T_DATA is t/data
# (absolute); SHARED is the shared data beside the repository ($PROF_SHARED
# overrides); ROOT is the repository; SQ is a single quote, for the bodies
# of tests (single-quoted) that look for one.

LC_ALL=C
export LC_ALL
unset CDPATH LANG LANGUAGE

TEST_NAME=$(basename "$0" .t)
T_DIR=$(cd "$(dirname "$0")" && pwd) || exit 1
ROOT=$(cd "$T_DIR/.." && pwd) || exit 1
T_DATA=$T_DIR/data
SQ="'"
SHARED=${PROF_SHARED:-$(dirname "$ROOT")/shared}
PATH=$ROOT/bin:$PATH
export ROOT T_DATA SHARED PATH

# How tests build their drivers against lib/ (t/helpers/*.c): the build's
# warnings, and its sanitizers when it was made with SANITIZE=1.
DRIVER_CC=${CC:-cc}
DRIVER_FLAGS="-std=gnu11 -g -Wall -Wextra -Wshadow -Wno-unused-parameter -I$ROOT/lib"
test -f "$ROOT/.build-sanitize" &&
	DRIVER_FLAGS="$DRIVER_FLAGS -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=undefined"

TRASH=$T_DIR/trash.$TEST_NAME.$$
rm -rf "$TRASH" && mkdir "$TRASH" && cd "$TRASH" || exit 1

test_count=0
test_failed=0
trap 'test "$test_failed" = 0 && cd "$T_DIR" && rm -rf "$TRASH"' EXIT

# test_expect_success TITLE BODY: runs BODY (shell text, an && chain) in a
# subshell, with stdin from /dev/null; ok if it exits 0.
test_expect_success () {
	test_count=$((test_count + 1))
	test -n "$TEST_TIMES" && _t0=$(date +%s%N)
	# fd 4 is the body's output too, for helpers whose caller redirected
	# stderr (test_expect_code 2 cmd 2>err must still say what went wrong)
	( eval "$2" ) >"$TRASH/.out" 2>&1 4>&1 </dev/null
	if test $? = 0; then
		echo "ok $test_count - $1"
		test -n "$TEST_VERBOSE" && sed 's/^/# /' "$TRASH/.out"
	else
		test_failed=$((test_failed + 1))
		echo "not ok $test_count - $1"
		sed 's/^/# /' "$TRASH/.out"
		# prove shows a script's stderr, not its comments, unless -v:
		# say there why it failed (the last 40 lines of the output)
		if test -n "$HARNESS_ACTIVE" && test "$HARNESS_IS_VERBOSE" != 1; then
			{
				echo "# $TEST_NAME: not ok $test_count - $1"
				tail -n 40 "$TRASH/.out" | sed 's/^/#   /'
			} >&2
		fi
	fi
	test -n "$TEST_TIMES" && echo "# $((($(date +%s%N) - _t0) / 1000000)) ms"
	return 0
}

# test_skip TITLE REASON: counts a test that cannot run here.
test_skip () {
	test_count=$((test_count + 1))
	echo "ok $test_count - $1 # skip $2"
}

# test_expect_code CODE CMD...: runs CMD; fails unless it exits with CODE.
test_expect_code () {
	want=$1
	shift
	"$@"
	got=$?
	test "$got" = "$want" && return 0
	test_complain "test_expect_code: expected exit $want, got $got: $*"
	return 1
}

# test_complain MESSAGE: to the body's output even when stderr is redirected
test_complain () {
	{ echo "$*" >&4; } 2>/dev/null || echo "$*" >&2
}

# test_cmp EXPECT ACTUAL: the files are equal, byte for byte.
test_cmp () {
	diff -u "$@"
}

# test_cmp_num X OP Y: the numbers X and Y (decimals, exponents) compare so;
# OP is one of < <= = == != >= >.  A failure prints both values.
test_cmp_num () {
	case $2 in
	'<'|'<='|'=='|'!='|'>='|'>') _op=$2 ;;
	=) _op='==' ;;
	*) test_complain "test_cmp_num: bad operator '$2'"; return 1 ;;
	esac
	if awk -v x="$1" -v y="$3" "
	    function num(s) { return s ~ /^[ \t]*[-+]?([0-9]+\.?[0-9]*|\.[0-9]+)([eE][-+]?[0-9]+)?[ \t]*\$/ }
	    BEGIN { exit !(num(x) && num(y) && x + 0 $_op y + 0) }"; then
		return 0
	fi
	test_complain "test_cmp_num: expected '$1' $2 '$3' (as numbers); it is not"
	return 1
}

# test_between LO X HI: LO <= X <= HI, as numbers.  A failure prints all
# three: "expected LO <= X <= HI, got X".
test_between () {
	if awk -v lo="$1" -v x="$2" -v hi="$3" '
	    function num(s) { return s ~ /^[ \t]*[-+]?([0-9]+\.?[0-9]*|\.[0-9]+)([eE][-+]?[0-9]+)?[ \t]*$/ }
	    BEGIN { exit !(num(lo) && num(x) && num(hi) && lo + 0 <= x + 0 && x + 0 <= hi + 0) }'; then
		return 0
	fi
	test_complain "test_between: expected $1 <= X <= $3, got X = '$2'"
	return 1
}

# test_must_be_empty FILE
test_must_be_empty () {
	test -f "$1" || { echo "test_must_be_empty: no file $1" >&2; return 1; }
	test -s "$1" || return 0
	echo "test_must_be_empty: $1 is not empty:" >&2
	head -c 2000 "$1" >&2
	return 1
}

# test_line_count OP N FILE: e.g. test_line_count = 3 actual
test_line_count () {
	n=$(wc -l <"$3")
	test "$n" "$1" "$2" && return 0
	echo "test_line_count: $3 has $n lines, want $1 $2" >&2
	return 1
}

# skip_all REASON: the whole script cannot run here.
skip_all () {
	echo "1..0 # SKIP $1"
	exit 0
}

# skip_or_fail REASON: skip_all, except in CI (CI=true), which installs
# what the tests need: there a missing prerequisite is a failure.
skip_or_fail () {
	if test "$CI" = true; then
		echo "1..1"
		echo "not ok 1 - prerequisite missing in CI: $1"
		test_failed=1
		exit 1
	fi
	skip_all "$1"
}

# needs_root_perf: perf must be able to record (perf_event_open allowed).
needs_root_perf () {
	command -v perf >/dev/null 2>&1 || skip_or_fail "no perf"
	if perf record -q -N -o "$TRASH/.perf-probe.data" true \
	    >"$TRASH/.perf-probe.out" 2>&1 </dev/null &&
	    test -s "$TRASH/.perf-probe.data"; then
		rm -f "$TRASH/.perf-probe.data" "$TRASH/.perf-probe.out"
		return 0
	fi
	skip_or_fail "perf cannot record here: $(head -n 1 "$TRASH/.perf-probe.out")"
}

# tracefs_mounted: tracefs, the kernel's tracepoints, is mounted at
# /sys/kernel/tracing or /sys/kernel/debug/tracing; as root, it is mounted
# at the first when it is not (prof-record never mounts it itself).
tracefs_mounted () {
	for _d in /sys/kernel/tracing /sys/kernel/debug/tracing; do
		test -d "$_d/events" && return 0
	done
	test "$(id -u)" = 0 &&
	mount -t tracefs nodev /sys/kernel/tracing 2>/dev/null &&
	test -d /sys/kernel/tracing/events
}

# needs_tracefs: tracefs_mounted, or the script skips (fails in CI).
needs_tracefs () {
	tracefs_mounted ||
	skip_or_fail "tracefs is not mounted (as root: mount -t tracefs nodev /sys/kernel/tracing)"
}

# needs_go: Go (Debian golang-go) and its go tool pprof, the reference
# the pprof tests are held to, or the script skips (fails in CI).  Go
# caches under $HOME: everything it keeps goes to the test's directory,
# and no module is fetched (GOPROXY=off).
needs_go () {
	command -v go >/dev/null 2>&1 || skip_or_fail 'no Go (golang-go)'
	HOME=$PWD GOCACHE=$PWD/gocache GOPATH=$PWD/gopath GOFLAGS=-mod=mod GOPROXY=off GOTOOLCHAIN=local
	export HOME GOCACHE GOPATH GOFLAGS GOPROXY GOTOOLCHAIN
}

# folded_sum [-2] [-e] FILE...: the exact sum of the last count (with -2: of
# the count before it, a differential profile's BEFORE) of every stack
# line, computed independently of prof-fold: integer and 1e-9 parts are
# summed apart, so decimals add exactly.  Metadata before the first stack
# and blank lines are skipped.  Prints the sum in shortest form ("3",
# "0.3"); with -e, one line "SUM FILE" for each FILE, in one awk (none
# for an empty FILE).
folded_sum () {
	field=0 each=0
	while :; do
		case $1 in
		-2) field=1; shift ;;
		-e) each=1; shift ;;
		*) break ;;
		esac
	done
	awk -v back="$field" -v each="$each" '
	function flush(   k, s, d) {
		for (k = 0; k < top || L[k] >= 1e9; k++) {
			L[k + 1] += int(L[k] / 1e9); L[k] = L[k] % 1e9
		}
		s = sprintf("%d", L[k])
		for (k--; k >= 1; k--) s = s sprintf("%09d", L[k])
		if (L[0] > 0) { d = sprintf("%09d", L[0]); sub(/0+$/, "", d); s = s "." d }
		print (each ? s " " name : s)
		split("", L); top = 0
	}
	FNR == 1 { body = 0; if (each && NR > 1) flush(); name = FILENAME }
	{ sub(/\r$/, "") }
	/^[ \t]*$/ { next }
	/^#/ && !/[ \t][0-9]+(\.[0-9]*)?$/ { next }
	{
		body = 1
		c = $(NF - back)
		i = c; f = ""
		if (index(c, ".")) { i = substr(c, 1, index(c, ".") - 1); f = substr(c, index(c, ".") + 1) }
		L[0] += substr(f "000000000", 1, 9)
		# the integer part in limbs of 9 digits, so any size stays exact
		for (k = 1; length(i) > 0; k++) {
			n = length(i) > 9 ? 9 : length(i)
			L[k] += substr(i, length(i) - n + 1)
			i = substr(i, 1, length(i) - n)
			if (k > top) top = k
		}
	}
	END { flush() }' "$@"
}

# done_testing: prints the plan; fails if any test failed.
done_testing () {
	echo "1..$test_count"
	test "$test_failed" = 0 && exit 0
	exit 1
}

# test_synopsis PROG: the usage PROG --help prints equals the SYNOPSIS of
# man/PROG.1 word for word, and the page passes mandoc -T lint.
test_synopsis () {
	_man=$ROOT/man/$1.1
	if ! command -v mandoc >/dev/null 2>&1; then
		test_skip "the usage equals the SYNOPSIS of man/$1.1" 'no mandoc'
		return 0
	fi
	test_expect_success "the usage equals the SYNOPSIS of man/$1.1" '
		mandoc -T ascii "'"$_man"'" | sed "s/.$(printf "\b")//g" >man.txt &&
		sed -n "/^SYNOPSIS/,/^[A-Z]/p" man.txt | sed "1d;\$d" |
			tr -s " \t\n" "\n\n\n" | sed "/^\$/d" >expect &&
		test -s expect &&
		'"$1"' --help >help &&
		sed -n "/^usage:/,/^\$/p" help | sed "s/^usage://" |
			tr -s " \t\n" "\n\n\n" | sed "/^\$/d" >actual &&
		test_cmp expect actual
	'
	test_expect_success "man/$1.1 passes mandoc -T lint" '
		mandoc -T lint -W warning "'"$_man"'" >lint 2>&1;
		test_must_be_empty lint
	'
}
