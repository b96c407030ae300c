#!/bin/sh
test_description='prof-record on gcc: a driver and its children (cc1, as), large binaries named, no sample lost'
. "$(dirname "$0")/lib.sh"
. "$T_DATA/record/record.sh"

# Issue 15's case: gcc -O2 -c of a generated file of many functions.  cc1
# is a large binary (some 29,000 symbols): the recorder must keep up at
# 999 Hz and name its frames; the driver runs cc1 and as as children.
needs_record
command -v gcc >/dev/null 2>&1 || skip_or_fail "no gcc"

test_expect_success 'a C file of 600 functions' '
	awk "BEGIN { for (i = 0; i < 600; i++) {
		printf \"int f%d(int *a, int n) { int s = %d; for (int i = 0; i < n; i++) \", i, i;
		printf \"{ s += a[i] * %d; if (s > %d) s ^= a[(i * 7) %% n]; } return s; }\n\", i + 1, 1000 + i } }" >big.c &&
	gcc -O2 -c big.c -o bare.o
'

# A process is the root frame of its stacks: cc1 (the compiler proper),
# and as and the gcc driver where they were sampled.
test_expect_success 'gcc -O2 -c recorded at 999 Hz: the compiler cc1, a child of the driver, named' '
	prof-record -F 999 -o gcc.folded gcc -O2 -c big.c -o big.o 2>err &&
	cat err &&
	cmp bare.o big.o &&
	grep -E "^cc1;.*;toplev::main\(int, char\*\*\);" gcc.folded >/dev/null &&
	n=$(samples gcc.folded) &&
	echo "$n samples" &&
	test "$n" -gt 50
'

test_expect_success 'no sample lost, or prof-record said how many' '
	lost=$(meta gcc.folded lost | sed "s/ samples//") &&
	echo "lost: $lost" &&
	if test "$lost" != 0; then
		grep -F "the kernel lost $lost of" err
	fi &&
	n=$(samples gcc.folded) &&
	test $((lost * 20)) -le "$n"
'

test_expect_success 'most of cc1'"'"'s samples are named (not [cc1] nor [unknown])' '
	count_where gcc.folded "s ~ /(^|;)cc1;/" >all &&
	count_where gcc.folded "s ~ /(^|;)cc1;/ && s ~ /;\\[(cc1|unknown)\\];\$/" >anon &&
	echo "cc1: $(cat all) samples, $(cat anon) unnamed at the leaf" &&
	test "$(cat all)" -gt 0 &&
	test $(($(cat anon) * 10)) -le "$(cat all)"
'

done_testing
