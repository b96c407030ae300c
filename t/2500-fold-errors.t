#!/bin/sh
test_description='prof-fold: bad input, errors, exit status, -o'
. "$(dirname "$0")/lib.sh"

F=$T_DATA/folded
P=$T_DATA/perf

# run_bounded SECONDS CMD...: CMD must finish in time (no hang) and not die
# of a signal (no crash); its exit status is returned.
run_bounded () {
	secs=$1
	shift
	timeout "$secs" "$@"
	rc=$?
	if test $rc = 124; then echo "hung: $*" >&2; return 124; fi
	if test $rc -gt 128; then echo "killed by signal $((rc - 128)): $*" >&2; return $rc; fi
	return $rc
}

test_expect_success 'empty input: empty output, exit 0, "no samples" on stderr' '
	: >empty &&
	echo "prof-fold: no samples in the input" >expect.err &&
	prof-fold empty >out 2>err &&
	test_must_be_empty out &&
	test_cmp expect.err err &&
	prof-fold </dev/null >out 2>err &&
	test_must_be_empty out &&
	test_cmp expect.err err &&
	prof-fold --strict empty /dev/null >out 2>err &&
	test_must_be_empty out
'

test_expect_success 'only blank lines, or only metadata: no stacks, exit 0' '
	printf "\n\n  \n" >blank &&
	echo "prof-fold: no samples in the input" >expect.err &&
	prof-fold blank >out 2>err &&
	test_must_be_empty out &&
	test_cmp expect.err err &&
	printf "# unit: samples\n" >meta &&
	prof-fold meta >out 2>err &&
	test_cmp expect.err err &&
	! grep -v "^#" out
'

test_expect_success 'garbage: not a profile, counted, reported once with the first line number, exit 2' '
	printf "hello world\nfoo bar baz\nqux\n" >garbage &&
	test_expect_code 2 prof-fold garbage >out 2>err &&
	test_must_be_empty out &&
	test_line_count = 1 err &&
	grep "^prof-fold: garbage: not a profile: 3 of 3 lines unreadable, the first at line 1: ." err
'

# An SVG has "#" lines in its style sheet: they are no metadata.  A few
# lines of a binary may end in a number: they are no stacks.
test_expect_success 'a file that is not a profile (an SVG, a binary): said, exit 2, no output' '
	printf "a;b 1\n" | prof-flame >g.svg &&
	test_expect_code 2 prof-fold g.svg >out 2>err &&
	test_must_be_empty out &&
	grep "^prof-fold: g.svg: not a profile: [0-9]* of [0-9]* lines unreadable, the first at line 1: " err &&
	test_expect_code 2 prof-fold "$ROOT/bin/prof-fold" >out 2>err &&
	test_must_be_empty out &&
	grep "prof-fold: not a profile: " err &&
	printf "a;b 5\nbad\n" >mostly-good &&
	prof-fold mostly-good >out 2>err &&
	echo "a;b 5" >expect &&
	test_cmp expect out
'

test_expect_success 'bad lines among good ones: the count and the first bad line' '
	printf "a 1\nb 2\nbad\nc 3\nworse line\n\nd 4\nx y\n" >in &&
	printf "a 1\nb 2\nc 3\nd 4\n" >expect &&
	prof-fold in >actual 2>err &&
	test_cmp expect actual &&
	test_line_count = 1 err &&
	grep "^prof-fold: in: 3 unreadable lines, first at line 3: ." err
'

test_expect_success 'one report per input, stdin named stdin' '
	printf "a 1\nbad\n" >one &&
	printf "bad\nbad\na 1\n" >two &&
	prof-fold one - two <one >out 2>err &&
	test_line_count = 3 err &&
	grep "^prof-fold: one: 1 unreadable lines\{0,1\}, first at line 2: " err &&
	grep "^prof-fold: stdin: 1 unreadable lines\{0,1\}, first at line 2: " err &&
	grep "^prof-fold: two: 2 unreadable lines, first at line 1: " err
'

test_expect_success '--strict: unreadable lines are an error, exit 2' '
	printf "a 1\nbad\n" >in &&
	test_expect_code 2 prof-fold --strict in >out 2>err &&
	grep "^prof-fold: " err
'

test_expect_success '--strict with clean input: exit 0' '
	prof-fold --strict "$F/meta.folded" "$P/ab-fp.txt" >out 2>err &&
	test_must_be_empty err &&
	test -s out
'

test_expect_success 'perf script: an unrecognized line is reported, the samples kept' '
	printf "prog 1 1.0: cpu-clock:\n\t1 f (/x)\n!!! what\n\t2 main (/x)\n\n" >in &&
	printf "prog;main;f 1\n" >expect &&
	prof-fold --input-format perf in >actual 2>err &&
	test_cmp expect actual &&
	grep "^prof-fold: in: 1 unreadable lines\{0,1\}, first at line 3: " err
'

test_expect_success 'binary data (1 MB of /dev/urandom): no crash, no hang, one report' '
	head -c 1048576 /dev/urandom >random &&
	test_expect_code 2 run_bounded 60 prof-fold random >out 2>err &&
	test_line_count = 1 err &&
	grep "^prof-fold: random: not a profile: [0-9]* of [0-9]* lines unreadable, the first at line [0-9]*: " err &&
	test_expect_code 2 run_bounded 60 prof-fold --input-format perf random >out 2>err &&
	grep "^prof-fold: random: not a profile: [0-9]* of [0-9]* lines unreadable, the first at line [0-9]*: " err &&
	test_expect_code 2 run_bounded 60 prof-fold --strict random >out 2>err
'

test_expect_success 'binary data with -j2: the same as -j1' '
	head -c 1048576 /dev/urandom >random &&
	test_expect_code 2 run_bounded 60 prof-fold -j1 random >expect 2>err1 &&
	test_expect_code 2 run_bounded 60 prof-fold -j2 random >actual 2>err2 &&
	test_cmp expect actual &&
	test_cmp err1 err2
'

# The 10 MB files are compared with cmp: a diff would print them.
test_expect_success 'a 10 MB line: read whole' '
	head -c 10485760 /dev/zero | tr "\\000" a >long &&
	{ printf "x;" && cat long && printf " 3\n"; } >in &&
	cp in expect &&
	run_bounded 60 prof-fold in >actual &&
	cmp expect actual
'

test_expect_success 'a 10 MB line among others, with -j1 and -j2' '
	{ printf "b 2\n" && cat in && printf "a 1\n"; } >in2 &&
	{ printf "a 1\nb 2\n" && cat in; } >expect &&
	run_bounded 60 prof-fold -j1 in2 >actual1 &&
	cmp expect actual1 &&
	run_bounded 60 prof-fold -j2 in2 >actual2 &&
	cmp expect actual2
'

test_expect_success 'a 10 MB line without a count: one unreadable line' '
	{ printf "a 1\n" && cat long && printf "\nb 2\n"; } >in &&
	printf "a 1\nb 2\n" >expect &&
	run_bounded 60 prof-fold in >actual 2>err &&
	test_cmp expect actual &&
	grep "^prof-fold: in: 1 unreadable lines\{0,1\}, first at line 2: " err
'

test_expect_success 'a 10 MB frame in perf script input' '
	{ printf "prog 1 1.0: cpu-clock:\n\t1 " && cat long && printf " (/x)\n\t2 main (/x)\n"; } >in &&
	{ printf "prog;main;" && cat long && printf " 1\n"; } >expect &&
	run_bounded 60 prof-fold in >actual &&
	cmp expect actual
'

test_expect_success 'NUL bytes in frames: kept byte for byte' '
	printf "a\\000b;c\\000 1\nz 2\na\\000b;c\\000 1\n" >in &&
	printf "a\\000b;c\\000 2\nz 2\n" >expect &&
	prof-fold in >actual &&
	cmp expect actual
'

test_expect_success 'NUL bytes in perf script input: no crash' '
	printf "prog 1 1.0: cpu-clock:\n\t1 f\\000g (/x)\n\n\\000\\000\\000\n" >in &&
	run_bounded 30 prof-fold --input-format perf in >out 2>err
'

test_expect_success 'a truncated perf capture: the complete samples are read' '
	size=$(wc -c <"$P/ab-dwarf.txt") &&
	head -c $((size / 2 + 7)) "$P/ab-dwarf.txt" >cut &&
	run_bounded 30 prof-fold cut >out 2>err &&
	grep -c "^ab-dwarf " cut >headers &&
	folded_sum out >sum &&
	test "$(cat sum)" -le "$(cat headers)" &&
	test "$(cat sum)" -ge "$(( $(cat headers) - 1 ))" &&
	! grep -v "^ab-dwarf[; ].*[0-9]\$" out
'

test_expect_success 'a truncated folded file: the last line without a newline' '
	printf "a 1\nb 2" >in &&
	printf "a 1\nb 2\n" >expect &&
	prof-fold in >actual 2>err &&
	test_cmp expect actual &&
	test_must_be_empty err &&
	printf "a 1\nb;c" >in &&
	printf "a 1\n" >expect &&
	prof-fold in >actual 2>err &&
	test_cmp expect actual &&
	grep "^prof-fold: in: 1 unreadable lines\{0,1\}, first at line 2: " err
'

test_expect_success 'a count too large: no crash, no wrong sum' '
	printf "a 340282366920938463463374607431768211456\nb 1\n" >in &&
	run_bounded 10 prof-fold in >out 2>err
	rc=$? &&
	test $rc = 0 -o $rc = 2 &&
	test -s err &&
	! grep "^a " out
'

test_expect_success 'a sum that overflows: an error, not a wrong sum' '
	printf "a 300000000000000000000000000000\na 300000000000000000000000000000\n" >in &&
	run_bounded 10 prof-fold in >out 2>err
	rc=$? &&
	test $rc = 0 -o $rc = 2 &&
	test -s err &&
	! grep "^a [0-9]" out
'

test_expect_success 'a missing file: message, exit 2' '
	test_expect_code 2 prof-fold no-such-file >out 2>err &&
	grep "^prof-fold: no-such-file: " err
'

test_expect_success 'a missing file among good ones: exit 2' '
	printf "a 1\n" >in &&
	test_expect_code 2 prof-fold in no-such-file >out 2>err &&
	grep "no-such-file" err
'

test_expect_success 'a directory as input: message, exit 2' '
	mkdir dir &&
	test_expect_code 2 prof-fold dir >out 2>err &&
	grep "^prof-fold: dir" err
'

test_expect_success 'a write error (>/dev/full): message, exit 1' '
	printf "a 1\n" >in &&
	test_expect_code 1 prof-fold in >/dev/full 2>err &&
	grep "^prof-fold: " err
'

test_expect_success 'a write error with much output (>/dev/full): exit 1' '
	awk "BEGIN { for (i = 0; i < 100000; i++) print \"stack;number\" i, i }" >big &&
	test_expect_code 1 prof-fold big >/dev/full 2>err &&
	grep "^prof-fold: " err
'

test_expect_success '--help to /dev/full: exit 1' '
	test_expect_code 1 prof-fold --help >/dev/full 2>err &&
	grep "^prof-fold: " err
'

test_expect_success '-o FILE: the output, nothing on stdout, no temp file left' '
	mkdir o1 &&
	printf "b 1\na 2\n" >in &&
	printf "a 2\nb 1\n" >expect &&
	prof-fold -o o1/out in >stdout &&
	test_must_be_empty stdout &&
	test_cmp expect o1/out &&
	ls -A o1 >files &&
	echo out >expect.files &&
	test_cmp expect.files files
'

test_expect_success '-o FILE replaces an existing file on success' '
	mkdir o2 &&
	echo old >o2/out &&
	printf "a 1\n" >in &&
	prof-fold -o o2/out in &&
	test_cmp in o2/out
'

test_expect_success '-o FILE on failure: the old file stays, no temp file left' '
	mkdir o3 &&
	echo old >o3/out &&
	cp o3/out expect &&
	test_expect_code 2 prof-fold -o o3/out no-such-file 2>err &&
	test_cmp expect o3/out &&
	ls -A o3 >files &&
	echo out >expect.files &&
	test_cmp expect.files files
'

test_expect_success '-o FILE on failure: no new file' '
	mkdir o4 &&
	printf "# unit: samples\na 1\n" >s &&
	printf "# unit: bytes\na 1\n" >b &&
	test_expect_code 2 prof-fold -o o4/out s b 2>err &&
	ls -A o4 >files &&
	test_must_be_empty files
'

test_expect_success '-o FILE with --strict and bad lines: no file' '
	mkdir o5 &&
	printf "a 1\nbad\n" >in &&
	test_expect_code 2 prof-fold --strict -o o5/out in 2>err &&
	ls -A o5 >files &&
	test_must_be_empty files
'

test_expect_success '-o in a missing directory: an error, no file' '
	printf "a 1\n" >in &&
	prof-fold -o no-dir/out in 2>err
	test $? -ne 0 &&
	grep "^prof-fold: " err &&
	! test -e no-dir
'

test_expect_success '-o FILE killed by a signal: no file, no temp file left' '
	mkdir o6 &&
	mkfifo o6/fifo &&
	{ prof-fold -o o6/out o6/fifo 2>err & } &&
	pid=$! &&
	exec 3>o6/fifo &&
	printf "a 1\n" >&3 &&
	sleep 1 &&
	kill -TERM $pid &&
	{ wait $pid; true; } &&
	exec 3>&- &&
	ls -A o6 >files &&
	echo fifo >expect.files &&
	test_cmp expect.files files
'

test_expect_success '-o FILE killed by SIGINT: the old file stays' '
	mkdir o7 &&
	echo old >o7/out &&
	cp o7/out expect &&
	mkfifo o7/fifo &&
	# sh ignores SIGINT in a background job; Ctrl-C at a terminal does not
	{ env --default-signal=INT prof-fold -o o7/out o7/fifo 2>err & } &&
	pid=$! &&
	exec 3>o7/fifo &&
	printf "a 1\n" >&3 &&
	sleep 1 &&
	kill -INT $pid &&
	{ wait $pid; true; } &&
	exec 3>&- &&
	test_cmp expect o7/out &&
	ls -A o7 >files &&
	printf "fifo\nout\n" >expect.files &&
	test_cmp expect.files files
'

done_testing
