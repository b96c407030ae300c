#!/bin/sh
test_description='lib/sym/perfmap: a JIT'\''s /tmp/perf-PID.map, read as it grows'
. "$(dirname "$0")/lib.sh"

# The driver t/helpers/perfmap-test.c opens a map file as prof-record
# opens /tmp/perf-PID.map and runs the steps it is given (read, look up,
# append to the file, rewrite it); its head comment lists them.  It is
# linked against lib/libprof.a as built (with the sanitizers when the build
# has them), or the two sources.

command -v cc >/dev/null 2>&1 || skip_or_fail "no C compiler"
if test -f "$ROOT/lib/libprof.a"; then
	DRIVER_LIB=$ROOT/lib/libprof.a
else
	DRIVER_LIB="$ROOT/lib/sym/perfmap.c $ROOT/lib/core/util.c"
fi

test_expect_success 'build the driver' '
	$DRIVER_CC $DRIVER_FLAGS -o perfmap-test "$ROOT/t/helpers/perfmap-test.c" $DRIVER_LIB
'
PATH=$TRASH:$PATH

test_expect_success 'START SIZE NAME: hex with or without 0x, a name with blanks' '
	printf "1000 100 JS:*fibLoop /app/x.js:3:17\n0x2000 0x10 b\n3000\t8  spaced  name \n" >map &&
	perfmap-test map u 1000 10ff 1100 2000 200f 2010 3000 3007 3008 0 ffffffffffffffff >actual &&
	cat >expect <<-\EOF &&
	update 3
	1000 JS:*fibLoop /app/x.js:3:17
	10ff JS:*fibLoop /app/x.js:3:17
	1100 -
	2000 b
	200f b
	2010 -
	3000 spaced  name 
	3007 spaced  name 
	3008 -
	0 -
	ffffffffffffffff -
	EOF
	test_cmp expect actual
'

test_expect_success 'malformed lines are counted and skipped, not fatal' '
	{
		printf "1000 10 good\n" &&
		printf "zz 10 not hex\n" &&
		printf "2000 0 size zero\n" &&
		printf "3000 10\n" &&
		printf "3000 10 \n" &&
		printf "4000\n" &&
		printf "\n" &&
		printf "ffffffffffffffff 2 past the end\n" &&
		printf "12345678901234567 10 seventeen digits\n" &&
		printf -- "-1000 10 negative\n" &&
		printf "5000 10 last\r\n"
	} >map &&
	perfmap-test map u s 1000 2000 3000 4000 5000 >actual &&
	cat >expect <<-\EOF &&
	update 11
	lines 11 kept 2 malformed 9 capped 0 dropped 0
	1000 good
	2000 -
	3000 -
	4000 -
	5000 last
	EOF
	test_cmp expect actual
'

test_expect_success 'overlapping lines: the later wins, in one read' '
	printf "1000 100 old\n1080 100 mid\n1040 10 new\n1000 10 first\n" >map &&
	perfmap-test map u 1000 100f 1010 103f 1040 104f 1050 107f 1080 10ff 1100 117f 1180 >actual &&
	cat >expect <<-\EOF &&
	update 4
	1000 first
	100f first
	1010 old
	103f old
	1040 new
	104f new
	1050 old
	107f old
	1080 mid
	10ff mid
	1100 mid
	117f mid
	1180 -
	EOF
	test_cmp expect actual
'

test_expect_success 'overlapping lines: the later wins across reads, the map growing' '
	printf "1000 100 old\n" >map &&
	printf "1040 10 new\n" >more1 &&
	printf "0f00 180 wide\n" >more2 &&
	perfmap-test map u 1040 +more1 1040 u 1000 1040 1050 +more2 u 0f00 1040 107f s >actual &&
	cat >expect <<-\EOF &&
	update 1
	1040 old
	1040 old
	update 1
	1000 old
	1040 new
	1050 old
	update 1
	0f00 wide
	1040 wide
	107f wide
	lines 3 kept 3 malformed 0 capped 0 dropped 0
	EOF
	test_cmp expect actual
'

# 3,000 random lines in 0 to 0x2000, in three appends, against a model:
# an address is named by the last line (in the file) holding it.
test_expect_success 'the later wins: 3,000 random lines against a model' '
	awk "BEGIN { srand(15); for (i = 0; i < 3000; i++) {
		s = int(rand() * 8192); n = 1 + int(rand() * (rand() < 0.9 ? 64 : 2048))
		printf \"%x %x f%d\\n\", s, n, i } }" >all &&
	sed -n 1,1000p all >part1 &&
	sed -n 1001,2500p all >part2 &&
	sed -n 2501,3000p all >part3 &&
	awk "BEGIN { for (a = 0; a < 8400; a += 7) printf \"%x\\n\", a }" >addrs &&
	awk "function hex(h,   i, v) { v = 0; h = tolower(h); for (i = 1; i <= length(h); i++) v = v * 16 + index(\"0123456789abcdef\", substr(h, i, 1)) - 1; return v }
	NR == FNR { s[NR] = hex(\$1); e[NR] = s[NR] + hex(\$2); f[NR] = \$3; n = NR; next }
	{ a = hex(\$1); w = \"-\"
	  for (i = 1; i <= n; i++) if (a >= s[i] && a < e[i]) w = f[i]
	  print \$1, w }" all addrs >expect &&
	: >map &&
	perfmap-test map +part1 u +part2 u +part3 u $(cat addrs) >out &&
	grep -v "^update" out >actual &&
	test_cmp expect actual
'

test_expect_success 'a name over 4096 bytes is cut there, and the next line is read' '
	awk "BEGIN { printf \"1000 10 \"; for (i = 0; i < 100000; i++) printf \"x\"; print \"\"
		printf \"2000 10 \"; for (i = 0; i < 5000; i++) printf \"y\"; print \"\"
		print \"3000 10 next\" }" >map &&
	perfmap-test map U s 1000 2000 3000 >actual &&
	cat >expect <<-\EOF &&
	updates 1 lines 3
	lines 3 kept 3 malformed 0 capped 2 dropped 0
	1000 <4096 bytes>
	2000 <4096 bytes>
	3000 next
	EOF
	test_cmp expect actual
'

test_expect_success 'a name is cut before a UTF-8 character, not inside it' '
	awk "BEGIN { printf \"1000 10 \"; for (i = 0; i < 4095; i++) printf \"a\"
		printf \"\\303\\251tail\\n\" }" >map &&
	perfmap-test map u 1000 >actual &&
	printf "update 1\n1000 <4095 bytes>\n" >expect &&
	test_cmp expect actual
'

test_expect_success 'a NUL byte in a name is a space; a CR ending the line goes' '
	printf "1000 10 a\000b\r\n" >map &&
	perfmap-test map u 1000 >actual &&
	printf "update 1\n1000 a b\n" >expect &&
	test_cmp expect actual
'

test_expect_success 'a line still being written is read once whole' '
	printf "1000 10 done\n2000 10 half" >map &&
	printf "way\n" >rest &&
	perfmap-test map u 2000 +rest u 2000 s >actual &&
	cat >expect <<-\EOF &&
	update 1
	2000 -
	update 1
	2000 halfway
	lines 2 kept 2 malformed 0 capped 0 dropped 0
	EOF
	test_cmp expect actual
'

test_expect_success 'at most 1 MiB is read a call: a 3 MiB map takes several' '
	awk "BEGIN { for (i = 0; i < 100000; i++) printf \"%x 10 function_number_%d_padding\\n\", 16 * i, i }" >map &&
	test $(wc -c <map) -gt 3000000 &&
	perfmap-test map u U 0 186a00 1869f0 >out &&
	read -r word first <out &&
	echo "the first read kept $first lines" &&
	test "$word" = update && test "$first" -gt 20000 && test "$first" -lt 40000 &&
	sed 1d out >actual &&
	cat >expect <<-\EOF &&
	updates 3 lines 100000
	0 function_number_0_padding
	186a00 -
	1869f0 function_number_99999_padding
	EOF
	test_cmp expect actual
'

test_expect_success 'a map rewritten, shorter or not, is read anew' '
	printf "1000 10 first\n2000 10 second\n" >map &&
	printf "3000 10 short\n" >short &&
	printf "4000 10 another one, longer than the first two lines\n" >long &&
	perfmap-test map u 1000 =short u 1000 3000 =long u 3000 4000 s >actual &&
	cat >expect <<-\EOF &&
	update 2
	1000 first
	update 1
	1000 -
	3000 short
	update 1
	3000 -
	4000 another one, longer than the first two lines
	lines 1 kept 1 malformed 0 capped 0 dropped 0
	EOF
	test_cmp expect actual
'

test_expect_success 'a symbolic link is not followed, even to a good map' '
	printf "1000 10 good\n" >map &&
	ln -s map link &&
	test_expect_code 1 perfmap-test link u 1000 >actual &&
	echo "refused: a symbolic link" >expect &&
	test_cmp expect actual
'

test_expect_success 'a FIFO, a directory are refused (and nothing waits)' '
	mkfifo fifo &&
	mkdir dir &&
	test_expect_code 1 perfmap-test fifo u >actual &&
	test_expect_code 1 perfmap-test dir u >>actual &&
	printf "refused: not a regular file\nrefused: not a regular file\n" >expect &&
	test_cmp expect actual
'

test_expect_success 'a map of another owner is refused; the owner'\''s and root'\''s are read' '
	printf "1000 10 good\n" >map &&
	if test "$(id -u)" = 0; then
		chown 12345 map &&
		test_expect_code 1 perfmap-test -u 54321 map >actual &&
		perfmap-test -u 12345 map u 1000 >>actual &&
		chown 0 map &&
		perfmap-test -u 54321 map u 1000 >>actual
	else
		test_expect_code 1 perfmap-test -u $(($(id -u) + 1)) map >actual &&
		perfmap-test -u $(id -u) map u 1000 >>actual &&
		perfmap-test -u $(id -u) map u 1000 >>actual
	fi &&
	cat >expect <<-\EOF &&
	refused: another owner
	update 1
	1000 good
	update 1
	1000 good
	EOF
	test_cmp expect actual
'

test_expect_success 'a map older than its process (an earlier one'\''s) is refused' '
	printf "1000 10 old\n" >map &&
	touch -d @1000000000 map &&
	test_expect_code 1 perfmap-test -t 1000000001 map >actual &&
	perfmap-test -t 1000000000 map u >>actual &&
	printf "refused: stale\nupdate 1\n" >expect &&
	test_cmp expect actual
'

test_expect_success 'lines past 1,048,576 are dropped and counted' '
	awk "BEGIN { for (i = 0; i < 1048586; i++) printf \"%x 1 f\\n\", i }" >map &&
	perfmap-test map U s 0 fffff 100000 100009 >actual &&
	cat >expect <<-\EOF &&
	updates 10 lines 1048586
	lines 1048586 kept 1048576 malformed 0 capped 0 dropped 10
	0 f
	fffff f
	100000 -
	100009 -
	EOF
	test_cmp expect actual
'

done_testing
