#!/bin/sh
test_description='prof-flame: --help, usage errors, option values, the man SYNOPSIS'
. "$(dirname "$0")/lib.sh"

test_expect_success '--help shows the usage and every option, exit 0' '
	prof-flame --help >out 2>err &&
	test_must_be_empty err &&
	grep "^usage: prof-flame" out &&
	for o in format title subtitle width height minwidth fonttype fontsize fontwidth \
		countname nametype notes colors bgcolors hash random cp reverse inverted \
		flamechart negate factor search-color truncate-text-right jobs output \
		focus ignore hide nodes node-fraction edge-fraction; do
		grep -e "--$o" out >/dev/null || { echo "no --$o in --help"; exit 1; }
	done
'

# option, value: each must be refused with exit 2 and a message naming it
while read -r opt val; do
	test_expect_success "bad value: $opt $val" '
		printf "a 1\n" >in &&
		test_expect_code 2 prof-flame '"$opt"' "'"$val"'" in >out 2>err &&
		grep -e "^prof-flame: '"$opt"': " err
	'
done <<'CASES'
--width 10
--width wide
--height 0
--minwidth -1
--minwidth 101%
--minwidth x%
--fontsize 0
--fontwidth 9
--factor 0
--format png
--jobs 0
--jobs 257
--jobs x
CASES

test_expect_success '--format: the message names the formats' '
	printf "a 1\n" >in &&
	test_expect_code 2 prof-flame --format png in >out 2>err &&
	echo "prof-flame: --format: ${SQ}png${SQ} is not a format; use svg, html, text, speedscope, dot or graph" >expect &&
	test_cmp expect err &&
	test_must_be_empty out
'

test_expect_success '-j: a short -j is --jobs in the message' '
	printf "a 1\n" >in &&
	test_expect_code 2 prof-flame -j 0 in >out 2>err &&
	grep "^prof-flame: --jobs: ${SQ}0${SQ} is too small; use 1 to 256$" err
'

# A folded input big enough that two threads each parse a part of it
# (the input is read in chunks), with stacks that repeat across chunks.
test_expect_success 'generate a big folded input' '
	awk "BEGIN {
		for (i = 0; i < 100000; i++) {
			k = (i * 7919) % 3000
			s = \"root\"
			for (d = 0; d <= k % 11; d++) s = s \";f\" (k * 31 + d) % 89
			printf \"%s;leaf%d %d\\n\", s, k, 1 + i % 7
		}
	}" >big.folded &&
	test_line_count = 100000 big.folded
'

test_expect_success '-j 1 and -j 2 give the same SVG, and the default too' '
	prof-flame -j 1 big.folded >j1.svg &&
	prof-flame -j 2 big.folded >j2.svg &&
	prof-flame big.folded >jd.svg &&
	grep -c "<g" j1.svg >frames &&
	test "$(cat frames)" -gt 100 &&
	test_cmp j1.svg j2.svg &&
	test_cmp j1.svg jd.svg
'

test_expect_success '--jobs: the same, reversed, as text' '
	prof-flame --jobs 1 --reverse --format text --minwidth 0 big.folded >j1.txt &&
	prof-flame --jobs 2 --reverse --format text --minwidth 0 big.folded >j2.txt &&
	test_cmp j1.txt j2.txt
'

test_expect_success '--output is -o' '
	printf "a;b 1\n" >in &&
	prof-flame --output long.svg in >stdout &&
	test_must_be_empty stdout &&
	prof-flame -o short.svg in &&
	test_cmp short.svg long.svg
'

test_expect_success 'an unknown option: usage on stderr, exit 2' '
	test_expect_code 2 prof-flame --nope </dev/null >out 2>err &&
	grep "^usage: prof-flame" err
'

test_expect_success 'a missing file: exit 2, and -o leaves no file' '
	test_expect_code 2 prof-flame -o out.svg no-such-file 2>err &&
	grep "^prof-flame: no-such-file: " err &&
	! test -e out.svg
'

test_expect_success 'a write error is reported, exit 1' '
	printf "a 1\n" >in &&
	test_expect_code 1 prof-flame in >/dev/full 2>err &&
	grep "write error" err
'

test_expect_success 'text: percentages and counts of a known tree' '
	printf "a;b 3\na;c 1\n" >in &&
	prof-flame --format text in >out &&
	grep "100.0%" out && grep "75.0%" out && grep "25.0%" out
'

test_expect_success 'unreadable lines are reported with the first line number' '
	printf "a 1\nbad\nb 2\n" >in &&
	prof-flame in >out.svg 2>err &&
	grep "^prof-flame: in: 1 unreadable line, first at line 2: " err
'

test_expect_success 'inputs in different units cannot be drawn together' '
	printf "# unit: bytes\na 1\n" >b && printf "# unit: samples\na 1\n" >s &&
	test_expect_code 2 prof-flame b s >out 2>err &&
	grep "differ in type or unit" err
'

test_expect_success 'html: the graph, a search box and the table of functions' '
	printf "a;b;c 6\na;b;d 3\na;e 1\na;b;b;c 2\n" >in &&
	prof-flame --format html in >out.html &&
	head -n 1 out.html | grep -i "^<!DOCTYPE html>" &&
	grep "<input id=\"q\"" out.html &&
	grep "<svg " out.html &&
	! grep "<?xml" out.html &&
	grep "<td class=\"n\" data-v=\"8\">8 (66.67%)</td><td class=\"n\" data-v=\"8\">8 (66.67%)</td><td data-v=\"c\">c</td>" out.html &&
	grep "<td class=\"n\" data-v=\"0\">0 (0.00%)</td><td class=\"n\" data-v=\"11\">11 (91.67%)</td><td data-v=\"b\">b</td>" out.html
'

test_expect_success 'html: a hostile name stays text' '
	printf "a;</td><script>alert(1)</script> 5\na;\"><svg onload=x> 1\n" >in &&
	prof-flame --format html in >out.html &&
	test "$(grep -c "<script" out.html)" = 2 &&
	! grep "<svg onload" out.html &&
	grep "&lt;/td&gt;&lt;script&gt;alert(1)&lt;/script&gt;" out.html
'

test_expect_success 'defaults from the metadata: count name, title, palette' '
	printf "# type: memory\n# unit: bytes\n# command: ./app\na;b 4096\n" >in &&
	prof-flame in >out.svg &&
	grep ">Memory Flame Graph (bytes)<" out.svg &&
	grep ">./app<" out.svg &&
	grep "4KiB (100.00%)" out.svg &&
	prof-flame --colors mem in >mem.svg &&
	grep -o "fill=\"#[0-9a-f]*\"" out.svg | sort >a &&
	grep -o "fill=\"#[0-9a-f]*\"" mem.svg | sort >b &&
	test_cmp b a
'

test_expect_success 'flags win over the metadata' '
	printf "# type: memory\n# unit: bytes\na;b 10\n" >in &&
	prof-flame --countname objects --title Mine in >out.svg &&
	grep ">Mine<" out.svg &&
	grep "10 objects" out.svg &&
	! grep "10 bytes" out.svg
'

test_synopsis prof-flame

done_testing
