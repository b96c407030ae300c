#!/bin/sh
test_description='prof-fold: folded input (merging, metadata, differential, decimals)'
. "$(dirname "$0")/lib.sh"

F=$T_DATA/folded

# folded_case TITLE ARGS EXPECT INPUT...: each INPUT (a printf format)
# becomes a file in1, in2, ...; prof-fold ARGS in1 in2 ... must print
# EXPECT (a printf format) and nothing on stderr.
folded_case () {
	case_title=$1 case_args=$2 case_expect=$3
	shift 3
	case_files= i=0
	for input; do
		i=$((i + 1))
		printf "$input" >in$i
		case_files="$case_files in$i"
	done
	test_expect_success "$case_title" '
		printf "$case_expect" >expect &&
		prof-fold $case_args $case_files >actual 2>err &&
		test_cmp expect actual &&
		test_must_be_empty err
	'
}

folded_case 'one file: sorted bytewise, equal stacks summed' '' \
	'B 1\na 3\na;b 2\nb 1\n\303\251 1\n' \
	'b 1\na;b 2\n\303\251 1\na 1\nB 1\na 2\n'
folded_case 'several files are merged, counts summed' '' \
	'a;b 5\na;c 1\nd 7\n' \
	'a;b 2\nd 7\n' 'a;b 3\na;c 1\n'
folded_case 'the count follows the last space; frames may hold spaces' '' \
	'a b;c  d 3\n' \
	'a b;c  d 1\n' 'a b;c  d 2\n'
folded_case 'a TAB before the count is read, a space written' '' \
	'a;b 3\n' \
	'a;b\t1\na;b 2\n'
folded_case 'CRLF line ends' '' \
	'a;b 3\nc 1\n' \
	'a;b 1\r\na;b 2\r\nc 1\r\n'
folded_case 'blank and whitespace-only lines are skipped' '' \
	'a 2\nb 1\n' \
	'\na 1\n   \n\t\nb 1\n\n\na 1\n \r\n'
folded_case 'zero counts are kept and summed' '' \
	'a 0\nb 2\n' \
	'a 0\nb 0\nb 2\na 0\n'
folded_case 'decimals are exact: 0.1 + 0.2 = 0.3' '' \
	'a 0.3\n' \
	'a 0.1\na 0.2\n'
folded_case 'decimals: shortest exact form' '' \
	'a 5\nb 2.5\nc 1\nd 0.000000001\ne 100.001\n' \
	'a 5.\nb 2.50\nc 0.5\nc 0.5\nd 0.000000001\ne 100.000\ne 0.001\n'
folded_case 'decimals: 1e-9 units add up exactly' '' \
	'a 1\n' \
	'a 0.999999999\na 0.000000001\n'
folded_case 'integers beyond 64 bits stay exact' '' \
	'a 36893488147419103232\nb 200000000000000000000000000000\n' \
	'a 18446744073709551616\na 18446744073709551616\nb 100000000000000000000000000000\n' 'b 100000000000000000000000000000\n'
folded_case 'empty frames are frames' '' \
	';a 1\na; 3\na;;b 2\n' \
	'a;;b 2\n;a 1\na; 3\n'
folded_case 'NUL bytes and invalid UTF-8 in frames pass through' '' \
	'a\000b;\377\376 2\n' \
	'a\000b;\377\376 1\na\000b;\377\376 1\n'
folded_case 'one file with metadata: passed through' '' \
	'# type: cpu\n# unit: samples\n# frequency: 99 Hz\n# foo: bar\na 1\n' \
	'# type: cpu\n# unit: samples\n# frequency: 99 Hz\n# foo: bar\na 1\n'
folded_case 'a quoted value keeps its quotes on output' '' \
	'# command: "./app -n 5"\na 1\n' \
	'# command: "./app -n 5"\na 1\n'
folded_case 'a value that ends in a digit is written in quotes' '' \
	'# host: "build-7"\na 1\n' \
	'# host: build-7\na 1\n'
folded_case 'comments among the metadata are not stacks' '' \
	'# unit: samples\na 1\n' \
	'# unit: samples\n# just a comment\n#\n# a note, 5 Hz\na 1\n'
folded_case 'a # line that ends in a count is a stack, even first' '' \
	'# unit: samples\n# bar 5\na 1\n' \
	'# unit: samples\n# bar 5\na 1\n'
folded_case 'metadata after the stacks is read (a recorder'"'"'s summary)' '' \
	'# unit: samples\n# samples: 3 samples\na 1\nb 2\n' \
	'# unit: samples\na 1\n# samples: 3 samples\nb 2\n'
folded_case 'a key given twice: the later line wins' '' \
	'# duration: 2 s\na 1\n' \
	'# duration: 1 s\na 1\n# duration: 2 s\n'
folded_case 'a # line after the first stack is a stack' '' \
	'# x;y 5\na 1\n' \
	'a 1\n# x;y 5\n'
folded_case 'metadata: the same value in all inputs is kept' '' \
	'# unit: samples\n# frequency: 99 Hz\na 2\n' \
	'# unit: samples\n# frequency: 99 Hz\na 1\n' '# unit: samples\n# frequency: 99 Hz\na 1\n'
folded_case 'metadata: a key with different values is dropped' '' \
	'# unit: samples\na 2\n' \
	'# unit: samples\n# frequency: 99 Hz\na 1\n' '# unit: samples\n# frequency: 999 Hz\na 1\n'
folded_case 'metadata: a key missing in one input is dropped' '' \
	'# unit: samples\na 2\n' \
	'# unit: samples\n# foo: bar\na 1\n' '# unit: samples\na 1\n'
folded_case 'metadata: prof-record'"'"'s samples and lost add up, even when equal' '' \
	'# samples: 200 samples\n# lost: 40 samples\na 2\n' \
	'# samples: 100 samples\n# lost: 10 samples\na 1\n' '# samples: 100 samples\n# lost: 30 samples\na 1\n'
folded_case 'metadata: samples not of the form N samples is dropped, as any other' '' \
	'a 2\n' \
	'# lost: 10 samples\na 1\n' '# lost: many\na 1\n'
folded_case 'a differential profile: both counts summed' '' \
	'a 1 2\na;b 3.5 0\nc 0 4\n' \
	'a;b 1 0\na 1 2\n' 'a;b 2.5 0\nc 0 4\n'
folded_case 'in a one-count profile, a;b 1 2 is stack "a;b 1" with count 2' '' \
	'a 1\na;b 1 2\n' \
	'a 1\na;b 1 2\n'

test_expect_success 'metadata: different units are an error (exit 2)' '
	printf "# unit: samples\na 1\n" >s &&
	printf "# unit: bytes\na 1\n" >b &&
	test_expect_code 2 prof-fold s b >out 2>err &&
	grep "^prof-fold: " err
'

test_expect_success 'metadata: different types are an error (exit 2)' '
	printf "# type: cpu\na 1\n" >c &&
	printf "# type: offcpu\na 1\n" >o &&
	test_expect_code 2 prof-fold c o >out 2>err &&
	grep "^prof-fold: " err
'

test_expect_success 'metadata: every key of prof-folded(5) and an unknown one pass through' '
	prof-fold "$F/meta.folded" >actual &&
	grep "^#" "$F/meta.folded" >expect.meta &&
	grep -v "^#" "$F/meta.folded" | sort >expect.stacks &&
	cat expect.meta expect.stacks >expect &&
	test_cmp expect actual
'

test_expect_success 'metadata: no line of the output ends in a digit' '
	printf "# host: build-7\n# command: \"./app -n 5.\"\n# frequency: 99 Hz\na 1\n" >in &&
	prof-fold in >out &&
	grep "^#" out >meta &&
	test_line_count = 3 meta &&
	! grep "[0-9.]\$" meta
'

test_expect_success 'a differential profile: a one-count line is malformed' '
	printf "a 1 2\nb 3\nc 1 1\n" >in &&
	printf "a 1 2\nc 1 1\n" >expect &&
	prof-fold in >actual 2>err &&
	test_cmp expect actual &&
	grep "in: 1 unreadable lines\{0,1\}, first at line 2" err
'

test_expect_success 'more than 9 decimals: rounded to nearest, with a warning' '
	printf "a 0.12345678951\nb 0.1000000004\n" >in &&
	printf "a 0.12345679\nb 0.1\n" >expect &&
	prof-fold in >actual 2>err &&
	test_cmp expect actual &&
	grep "^prof-fold: " err
'

test_expect_success 'bad counts are unreadable lines, the rest is read' '
	printf "a 1\nb -1\nc 1e3\nd .5\ne 0x10\nf\ng 1.2.3\nh +1\ni 2\n" >in &&
	printf "a 1\ni 2\n" >expect &&
	prof-fold in >actual 2>err &&
	test_cmp expect actual &&
	test_line_count = 1 err &&
	grep "^prof-fold: in: 7 unreadable lines, first at line 2: " err
'

test_expect_success 'stdin: no file and - are the same' '
	printf "b 1\na 2\n" >in &&
	printf "a 2\nb 1\n" >expect &&
	prof-fold <in >actual1 &&
	prof-fold - <in >actual2 &&
	test_cmp expect actual1 &&
	test_cmp expect actual2
'

test_expect_success 'stdin and files mixed' '
	printf "a 1\n" >f1 &&
	printf "a 2\nb 1\n" >f2 &&
	printf "a 4\nb 1\n" >expect &&
	prof-fold f1 - f1 <f2 >actual &&
	test_cmp expect actual
'

test_expect_success 'folded and perf script inputs mixed are summed' '
	printf "prog 1 1.0: cpu-clock:\n\t1 f (/x)\n\t2 main (/x)\n" >p.txt &&
	printf "prog;main;f 2\nprog;g 1\n" >f.folded &&
	printf "prog;g 1\nprog;main;f 3\n" >expect &&
	prof-fold p.txt f.folded >actual &&
	test_cmp expect actual
'

test_expect_success '--input-format folded forces the format' '
	printf "prog 1 1.0: cpu-clock: 5\n" >in &&
	printf "prog 1 1.0: cpu-clock: 5\n" >expect &&
	prof-fold --input-format folded in >actual &&
	test_cmp expect actual
'

test_expect_success 'folding a folded file again changes nothing' '
	for f in "$F"/*.folded; do
		prof-fold "$f" >once &&
		prof-fold once >twice &&
		test_cmp once twice || exit 1
	done
'

# A stack whose first frame starts with "#" sorts before the others, and
# then reads as metadata on the next fold: the format must carry it.
test_expect_success 'a stack starting with # survives a second fold' '
	printf "a 1\n# x;y 5\n" >in &&
	prof-fold in >once &&
	prof-fold once >twice &&
	test_cmp once twice
'

test_expect_success 'the output is what LC_ALL=C sort gives' '
	prof-fold "$F/basic.folded" "$F/decimals.folded" "$F/addrs.folded" >actual &&
	LC_ALL=C sort actual >sorted &&
	test_cmp sorted actual
'

test_expect_success 'basic.folded: TABs, UTF-8, annotations kept byte for byte' '
	prof-fold "$F/basic.folded" >actual &&
	grep "^main;a;b 12\$" actual &&
	grep -F "main;parse	src/parse.c:42	/usr/bin/app;strtol		/usr/lib/x86_64-linux-gnu/libc.so.6 5" actual &&
	grep -F "main;inl_fn	src/a.h:10_[i] 2" actual &&
	grep "^main;caf$(printf "\303\251");na$(printf "\303\257")ve 4\$" actual &&
	test_line_count = 10 actual
'

test_expect_success 'sums are kept: every fixture, and all together' '
	for f in "$F"/meta.folded "$F"/basic.folded "$F"/decimals.folded \
	    "$F"/addrs.folded "$F"/recursive.folded; do
		folded_sum "$f" >expect &&
		prof-fold "$f" >out &&
		folded_sum out >actual &&
		test_cmp expect actual || exit 1
	done &&
	folded_sum "$F"/*.folded >/dev/null &&
	prof-fold "$F/meta.folded" "$F/basic.folded" "$F/decimals.folded" >out &&
	folded_sum "$F/meta.folded" "$F/basic.folded" "$F/decimals.folded" >expect &&
	folded_sum out >actual &&
	test_cmp expect actual
'

test_expect_success 'decimals.folded sums exactly' '
	printf "1000000000009.550000001\n" >expect &&
	prof-fold "$F/decimals.folded" >out &&
	folded_sum out >actual &&
	test_cmp expect actual
'

test_expect_success 'diff.folded: both columns kept' '
	folded_sum -2 "$F/diff.folded" >expect.before &&
	folded_sum "$F/diff.folded" >expect.after &&
	prof-fold "$F/diff.folded" >out &&
	folded_sum -2 out >before &&
	folded_sum out >after &&
	test_cmp expect.before before &&
	test_cmp expect.after after &&
	grep "^main;a;b 11 13\$" out
'

done_testing
