#!/bin/sh
test_description='prof-record --type io: a program that calls faster than stacks can be unwound keeps its bytes'
. "$(dirname "$0")/lib.sh"
. "$T_DATA/record/record.sh"

# smallio (t/data/record) reads and writes N bytes one at a time, some
# 100,000 system calls a second: more than prof-record can unwind the
# stacks of.  The exits of the calls, with their results, come apart from
# the entries and their stacks: every byte is counted, with its stack and
# file or without them.
needs_record
needs_tracefs

# bytes_of PROFILE CALL: the bytes of the leaves CALL(...), with and
# without their file.
bytes_of () {
	count_where "$1" "s ~ /;$2\\([^;]*\\);\$/"
}

test_expect_success 'build smallio.c' '
	build smallio
'

test_expect_success 'io of 100,000 one-byte reads and writes: exit 0, nothing lost' '
	prof-record --type io -o io.folded ./smallio out 100000 >so.out 2>err &&
	cat err so.out &&
	test "$(wc -c <out)" -eq 100000 &&
	grep "^# lost: 0 samples\$" io.folded &&
	grep "^# stacks-lost: [0-9]* calls\$" io.folded
'

test_expect_success 'every byte written is counted: 100,000 and the line on stdout' '
	w=$(bytes_of io.folded write) && echo "write: $w bytes" &&
	test "$w" -ge 100000 && test "$w" -le 100100
'

test_expect_success 'every byte read from /dev/zero is counted' '
	r=$(count_where io.folded "s ~ /;read\\((\\/dev\\/zero|\\?)\\);\$/") &&
	echo "read: $r bytes" &&
	test "$r" -ge 100000 && test "$r" -le 108192
'

test_expect_success 'calls without their stack are under [unknown] and CALL(?), and said' '
	lost=$(sed -n "s/^# stacks-lost: \\([0-9]*\\) calls\$/\\1/p" io.folded) &&
	echo "$lost calls without their stack" &&
	if test "$lost" -gt 0
	then
		grep -E "^smallio;\\[unknown\\];(read|write)\\(\\?\\) [0-9]+\$" io.folded &&
		grep "calls have no stack" err
	fi &&
	grep -E "^smallio;.*;write\\(.*/out\\) [0-9]+\$" io.folded
'

done_testing
