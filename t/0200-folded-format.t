#!/bin/sh
test_description='prof-folded(5): the format as documented, through the reader and writer of lib/folded/folded'
. "$(dirname "$0")/lib.sh"

MAN5=$ROOT/man/prof-folded.5

# fmt_case TITLE INPUT EXPECT: prof-fold reads INPUT (a printf format) and
# writes EXPECT, with nothing on stderr.
fmt_case () {
	case_in=$2 case_expect=$3
	test_expect_success "$1" '
		printf "$case_in" >in &&
		printf "$case_expect" >expect &&
		prof-fold in >actual 2>err &&
		test_cmp expect actual &&
		test_must_be_empty err
	'
}

fmt_case 'blank lines of any white space are skipped, anywhere' \
	'\f\n# unit: samples\n \v\t\r\na 1\n\v\n\f \nb 2\n' \
	'# unit: samples\na 1\nb 2\n'
fmt_case 'a line of spaces before the first stack: still folded' \
	'   \na;b 1\n' \
	'a;b 1\n'
fmt_case 'a line of spaces after the metadata: still folded' \
	'# unit: samples\n \t \na;b 1\n' \
	'# unit: samples\na;b 1\n'
fmt_case 'no newline after the last line' \
	'b 1\na 2' \
	'a 2\nb 1\n'
fmt_case 'metadata: any spaces and tabs around the colon, written with one space' \
	'#\tunit:\t  samples\n#   frequency:99 Hz\na 1\n' \
	'# unit: samples\n# frequency: 99 Hz\na 1\n'
fmt_case 'metadata: keys of lowercase letters, digits, _ and -' \
	'# my_key-2: x y\na 1\n' \
	'# my_key-2: x y\na 1\n'
fmt_case 'metadata: a value in quotes loses one pair, gets it back when needed' \
	'# a: "x"\n# b: "x 5"\n# c: "v1."\na 1\n' \
	'# a: x\n# b: "x 5"\n# c: "v1."\na 1\n'
fmt_case 'a # line that ends in a count is a stack, even before the first stack' \
	'# unit: samples\n# x;y 5\na 1\n' \
	'# unit: samples\n# x;y 5\na 1\n'
fmt_case 'counts: leading zeros, trailing point and zeros dropped on output' \
	'a 012\nb 7.\nc 0.500\nd 000.000\n' \
	'a 12\nb 7\nc 0.5\nd 0\n'
fmt_case 'counts: the largest count, 2^128 - 1 units of 1e-9' \
	'a 340282366920938463463374607431.768211455\n' \
	'a 340282366920938463463374607431.768211455\n'
fmt_case 'the stack is everything before the last space or tab' \
	'a b \t;c\t 2\n' \
	'a b \t;c\t 2\n'
fmt_case 'a differential profile is decided by its first stack line' \
	'# type: diff\nx 1 2\ny 3 4\n' \
	'# type: diff\nx 1 2\ny 3 4\n'
fmt_case 'frames with TAB fields and annotations are plain bytes to the reader' \
	'parse\tsrc/parse.c:42\t/usr/bin/app;memcpy\t\t/lib/libc.so.6 2\nvfs_read\t\tvmlinux_[k] 1\n' \
	'parse\tsrc/parse.c:42\t/usr/bin/app;memcpy\t\t/lib/libc.so.6 2\nvfs_read\t\tvmlinux_[k] 1\n'

test_expect_success 'counts: one unit beyond the largest is a malformed line' '
	printf "a 340282366920938463463374607431.768211456\nb 1\n" >in &&
	printf "b 1\n" >expect &&
	prof-fold in >actual 2>err &&
	test_cmp expect actual &&
	grep "^prof-fold: in: 1 unreadable lines\{0,1\}, first at line 1: " err
'

test_expect_success 'metadata: a key with capitals is a comment, not the unit' '
	printf "# Unit: bytes\na 1\n" >one &&
	printf "# unit: samples\na 1\n" >two &&
	prof-fold one two >out 2>err &&
	test_must_be_empty err &&
	grep "^a 2\$" out
'

if ! test -f "$MAN5"; then
	test_skip 'man/prof-folded.5 passes mandoc -T lint' 'no man page yet'
	test_skip 'man/prof-folded.5 documents every key and suffix' 'no man page yet'
	test_skip 'the stack lines shown in man/prof-folded.5 are read' 'no man page yet'
	done_testing
fi
command -v mandoc >/dev/null 2>&1 || skip_or_fail 'no mandoc'

test_expect_success 'man/prof-folded.5 passes mandoc -T lint' '
	mandoc -T lint -W warning "$MAN5" >lint 2>&1;
	test_must_be_empty lint
'

test_expect_success 'man/prof-folded.5 documents every key and suffix' '
	mandoc -T ascii "$MAN5" | sed "s/.$(printf "\b")//g" >man.txt &&
	for w in type unit frequency period event command start duration \
	    samples lost "_\[k\]" "_\[j\]" "_\[i\]" "_\[w\]" \
	    "EXAMPLES" "SEE ALSO"; do
		grep -q -e "^ *$w  *[A-Za-z]" -e "^ *$w\$" -e "^$w" man.txt ||
		{ echo "not documented: $w"; exit 1; }
	done
'

test_expect_success 'the stack lines shown in man/prof-folded.5 are read' '
	grep "^      *[a-z][^ ]*;[^ ]* [0-9][0-9.]*\$" man.txt | sed "s/^ *//" >examples &&
	test_line_count -ge 2 examples &&
	prof-fold --strict examples >out 2>err &&
	test_must_be_empty err &&
	folded_sum examples >expect &&
	folded_sum out >actual &&
	test_cmp expect actual
'

done_testing
