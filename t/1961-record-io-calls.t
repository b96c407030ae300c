#!/bin/sh
test_description='prof-record --type io: a program that calls faster than stacks can be unwound keeps its bytes'
. "$(dirname "$0")/lib.sh"
. "$T_DATA/record/record.sh"

# dd with one-byte blocks reads and writes N bytes in 2N system calls,
# more a second than prof-record can unwind.  The exits of the calls, with
# their results, come apart from the entries and their stacks: every byte
# is counted, with its stack and file or without them.
needs_record
needs_tracefs
command -v dd >/dev/null || skip_all "no dd"

# bytes_of PROFILE CALL: the bytes of the leaves CALL(...), with and
# without their file.
bytes_of () {
	count_where "$1" "s ~ /;$2\\([^;]*\\);\$/"
}

test_expect_success 'io of 200,000 one-byte reads and writes: exit 0, nothing lost' '
	prof-record --type io -o io.folded dd if=/dev/zero of=out bs=1 count=200000 2>err &&
	cat err &&
	test "$(wc -c <out)" -eq 200000 &&
	grep "^# lost: 0 samples\$" io.folded &&
	grep "^# stacks-lost: [0-9]* calls\$" io.folded
'

test_expect_success 'every byte written is counted: 200,000 and dd'"'"'s summary on stderr' '
	w=$(bytes_of io.folded write) && echo "write: $w bytes" &&
	test "$w" -ge 200000 && test "$w" -le 201024
'

test_expect_success 'every byte read from /dev/zero is counted' '
	r=$(count_where io.folded "s ~ /;read\\((\\/dev\\/zero|\\?)\\);\$/") &&
	echo "read: $r bytes" &&
	test "$r" -ge 200000 && test "$r" -le 208192
'

test_expect_success 'calls without their stack are under [unknown] and CALL(?), and said' '
	lost=$(sed -n "s/^# stacks-lost: \\([0-9]*\\) calls\$/\\1/p" io.folded) &&
	echo "$lost calls without their stack" &&
	if test "$lost" -gt 0
	then
		grep -E "^dd;\\[unknown\\];(read|write)\\(\\?\\) [0-9]+\$" io.folded &&
		grep "calls have no stack" err
	fi &&
	grep -E "^dd;.*;write\\($SQ?$PWD/out$SQ?\\) [0-9]+\$" io.folded ||
	grep -E "^dd;.*;write\\(.*/out\\) [0-9]+\$" io.folded
'

done_testing
