#!/bin/sh
test_description='prof-fold: perf script input, edge cases and real captures'
. "$(dirname "$0")/lib.sh"

# perf_case TITLE ARGS INPUT EXPECT: INPUT and EXPECT are printf formats;
# prof-fold ARGS on INPUT must print EXPECT.  The expectations are those of
# the reference collapser, stackcollapse-perf.pl, except where the title
# says "improvement" (see BUGS in prof-fold(1)).
perf_case () {
	case_args=$2 case_in=$3 case_expect=$4
	test_expect_success "$1" '
		printf "$case_in" >in &&
		printf "$case_expect" >expect &&
		prof-fold $case_args in >actual &&
		test_cmp expect actual
	'
}

H='prog 1234 [000] 100.000001: cpu-clock: \n'

perf_case 'the last stack counts without a trailing blank line' '' \
	"$H\t1 leaf (/bin/prog)\n\t2 main (/bin/prog)\n" \
	'prog;main;leaf 1\n'
perf_case 'the last stack counts without a final newline' '' \
	"$H\t1 leaf (/bin/prog)\n\n$H\t1 leaf (/bin/prog)" \
	'prog;leaf 2\n'
perf_case 'a sample with no frames is the command alone' '' \
	"$H\n$H\t1 f (/bin/prog)\n\n" \
	'prog 1\nprog;f 1\n'
perf_case 'equal stacks are summed, output sorted bytewise' '' \
	"$H\t1 b (/x)\n\n$H\t1 B (/x)\n\n$H\t1 b (/x)\n\n$H\t1 a (/x)\n" \
	'prog;B 1\nprog;a 1\nprog;b 2\n'
perf_case 'the period is not the count (the reference counts samples)' '' \
	'prog 1 100.0:     250000 cpu-clock:ppp: \n\t1 f (/x)\n\nprog 1 100.1:     250000 cpu-clock:ppp: \n\t1 f (/x)\n' \
	'prog;f 2\n'
perf_case '+0x offsets are stripped' '' \
	"$H\tffffffff821ed511 do_syscall_64+0x71 ([kernel.kallsyms])\n\t20d07 __GI_mprotect+0x7 (/usr/lib/libc.so.6)\n\t1070 _start+0x20 (/bin/prog)\n" \
	'prog;_start;__GI_mprotect;do_syscall_64 1\n'
perf_case 'inlined frames a->b (old perf): the callee gets _[i]' '' \
	"$H\t1 outer->inner (/bin/prog)\n\t2 main (/bin/prog)\n" \
	'prog;main;outer;inner_[i] 1\n'
perf_case 'inlined frames with (inlined) as dso are plain frames' '' \
	"$H\t1158 mix+0x1f (inlined)\n\t1158 spin+0x1f (/bin/prog)\n\t11be main+0x19 (/bin/prog)\n" \
	'prog;main;spin;mix 1\n'
perf_case '[unknown] symbol: the module name instead' '' \
	"$H\t7f00 [unknown] (/usr/lib/x86_64-linux-gnu/libc.so.6)\n\t0 [unknown] ([unknown])\n" \
	'prog;[unknown];[libc.so.6] 1\n'
perf_case '[unknown] symbol with --addrs: [module <pc>]' '--addrs' \
	"$H\t7f00 [unknown] (/usr/lib/x86_64-linux-gnu/libc.so.6)\n\t0 [unknown] ([unknown])\n\t55 main (/bin/prog)\n" \
	'prog;main;[unknown <0>];[libc.so.6 <7f00>] 1\n'
perf_case '--kernel: _[k] on [kernel.kallsyms], vmlinux and [module] frames' '--kernel' \
	"$H\tffff1 a+0x1 ([kernel.kallsyms])\n\tffff2 b (/lib/modules/6.1/build/vmlinux)\n\tffff3 c ([nf_conntrack])\n\t4 d (/bin/prog)\n\t0 [unknown] ([unknown])\n" \
	'prog;[unknown];d;c_[k];b_[k];a_[k] 1\n'
perf_case '--jit: _[j] on /tmp/perf-PID.map frames' '--jit' \
	"$H\t7f1 LFoo;::bar (/tmp/perf-1234.map)\n\tffff1 k ([kernel.kallsyms])\n" \
	'prog;k;LFoo:::bar_[j] 1\n'
perf_case '--all: both annotations' '--all' \
	"$H\tffff1 k ([kernel.kallsyms])\n\t7f1 jitted (/tmp/perf-1234.map)\n\t1 main (/bin/prog)\n" \
	'prog;main;jitted_[j];k_[k] 1\n'
perf_case 'Java signatures tidied for comm java' '' \
	'java 25607 1.0: cycles:\n\t7f1 Lorg/mozilla/javascript/ContextFactory;.call(Lorg/mozilla/javascript/ContextAction;)Ljava/lang/Object; (/tmp/perf-1.map)\n\t7f2 Ljava/lang/Thread;.run()V (/tmp/perf-1.map)\n' \
	'java;java/lang/Thread:.run;org/mozilla/javascript/ContextFactory:.call 1\n'
perf_case 'no Java tidy for another comm' '' \
	'javac 25607 1.0: cycles:\n\t7f2 Ljava/lang/Thread;.run()V (/tmp/perf-1.map)\n' \
	'javac;Ljava/lang/Thread:.run 1\n'
perf_case 'Go method names keep their parentheses' '' \
	"$H\t1 net/http.(*Client).Do (/bin/prog)\n\t2 main.main (/bin/prog)\n\t3 runtime.main (/bin/prog)\n" \
	'prog;runtime.main;main.main;net/http.(*Client).Do 1\n'
perf_case 'C++: arguments dropped, (anonymous namespace) kept' '' \
	"$H\t1 app::(anonymous namespace)::helper(int, char const*) (/bin/prog)\n\t2 std::vector<int, std::allocator<int> >::push_back(int const&) (/bin/prog)\n\t3 operator new(unsigned long) (/usr/lib/libstdc++.so.6)\n" \
	'prog;operator new;std::vector<int, std::allocator<int> >::push_back;app::(anonymous namespace)::helper 1\n'
perf_case 'C++: a name starting with ( is skipped like a process name, as in the reference' '' \
	"$H\t1 (anonymous namespace)::helper(int) (/bin/prog)\n\t2 main (/bin/prog)\n" \
	'prog;main 1\n'
perf_case 'quotes dropped, ; in a name becomes :' '' \
	"$H\t13a80b608e0a RegExp:[&<>\\042\\047] (/tmp/perf-7539.map)\n\t1 a;b (/bin/prog)\n" \
	'prog;a:b;RegExp:[&<>] 1\n'
perf_case 'a frame whose name starts with ( is skipped' '' \
	"$H\t1 f (/bin/prog)\n\t2 (/bin/prog) (/bin/prog)\n" \
	'prog;f 1\n'
perf_case 'a command with a space: spaces become _' '' \
	'V8 WorkerThread 25607 4794564.109216: cycles:\n\t1 f (/bin/node)\n' \
	'V8_WorkerThread;f 1\n'
perf_case '--pid with PID/TID in the header' '--pid' \
	'java 24636/25607 [000] 4794564.109216: cycles:\n\t1 f (/x)\n\njava 25607 4794564.109216: cycles:\n\t1 f (/x)\n' \
	'java-24636;f 1\njava-?;f 1\n'
perf_case '--tid with PID/TID in the header' '--tid' \
	'java 24636/25607 [000] 4794564.109216: cycles:\n\t1 f (/x)\n\njava 25607 4794564.109216: cycles:\n\t1 f (/x)\n' \
	'java-24636/25607;f 1\njava-?/25607;f 1\n'
perf_case 'comment lines (perf script --header) are skipped' '' \
	"# ========\n# cmdline : /usr/bin/perf record -g ./prog\n# event : name = cpu-clock\n# ========\n#\n$H\t1 f (/bin/prog)\n" \
	'prog;f 1\n'
perf_case 'an empty dso () is a frame too' '' \
	"$H\t1 f ()\n" \
	'prog;f 1\n'

# Several events: by default only the first event seen is kept.
EV='prog 1 1.0: 1 instructions: \n\t1 i (/x)\n\nprog 1 1.1: 1 cycles: \n\t1 c (/x)\n\nprog 1 1.2: 1 instructions: \n\t1 i (/x)\n\nprog 1 1.3: 1 cycles: \n\t1 c (/x)\n\n'
perf_case 'several events: the first one seen is kept' '' "$EV" 'prog;i 2\n'
perf_case 'several events: --event-filter picks one' '--event-filter cycles' "$EV" 'prog;c 2\n'
perf_case 'several events: --event-filter with an event not there' '--event-filter nothere' "$EV" ''

test_expect_success 'several events: one warning about the dropped ones' '
	printf "$EV" >in &&
	prof-fold in >out 2>err &&
	test_line_count = 1 err &&
	grep "^prof-fold: " err
'

EVM='prog 1 1.0: 1 cpu-clock:ppp: \n\t1 p (/x)\n\nprog 1 1.1: 1 cycles:u: \n\t1 u (/x)\n\n'
perf_case '--event-filter without modifiers matches the event with them' '--event-filter cycles' "$EVM" 'prog;u 1\n'
perf_case '--event-filter with modifiers matches exactly' '--event-filter cpu-clock:ppp' "$EVM" 'prog;p 1\n'
perf_case '--event-filter with other modifiers matches nothing' '--event-filter cycles:k' "$EVM" ''

test_expect_success '--event-filter that matches nothing: a warning names an event there' '
	printf "$EVM" >in &&
	prof-fold --event-filter nothere in >out 2>err &&
	test_must_be_empty out &&
	grep "^prof-fold: in: --event-filter: no sample of event .nothere.; the input has .cpu-clock:ppp.$" err
'

test_expect_success 'one event chosen with --event-filter: no warning' '
	printf "$EV" >in &&
	prof-fold --event-filter instructions in >out 2>err &&
	test_must_be_empty err
'

# Deliberate improvements over the reference (prof-fold(1), BUGS).
perf_case 'improvement: a one-character command name' '' \
	'a 12 1.0: 1 cpu-clock:\n\t1 f (/bin/a)\n\na 12 1.1: 1 cpu-clock:\n\t1 f (/bin/a)\n' \
	'a;f 2\n'
perf_case 'improvement: a one-character command name with --tid' '--tid' \
	'a 12/13 1.0: 1 cpu-clock:\n\t1 f (/bin/a)\n' \
	'a-12/13;f 1\n'
perf_case 'improvement: a whitespace-only line ends a sample' '' \
	"$H\t1 f (/x)\n \t \n$H\t1 g (/x)\n" \
	'prog;f 1\nprog;g 1\n'
perf_case 'improvement: CRLF line ends' '' \
	'prog 1234 [000] 100.000001: cpu-clock: \r\n\t1 f+0x1 (/x)\r\n\t2 main (/x)\r\n\r\nprog 1234 [000] 100.000002: cpu-clock: \r\n\t1 g (/x)\r\n\r\n' \
	'prog;g 1\nprog;main;f 1\n'
perf_case 'improvement: a header right after a sample ends it' '' \
	"$H\t1 f (/x)\n$H\t1 g (/x)\n\t2 main (/x)\n$H\t1 f (/x)\n" \
	'prog;f 2\nprog;main;g 1\n'
perf_case 'improvement: headers without callchains, no blank lines' '--input-format perf' \
	"${H}${H}prog 9 [000] 100.1: cpu-clock: \n" \
	'prog 3\n'
perf_case 'headers only: detected as perf script' '' \
	"${H}${H}prog 9 [000] 100.1: cpu-clock: \n" \
	'prog 3\n'

test_expect_success 'CRLF input gives the same output as LF input' '
	printf "$H\t1 f (/x)\n\t2 [unknown] (/lib/libc.so.6)\n\n$H\t1 g (/x)\n" >lf &&
	sed "s/\$/$(printf "\r")/" lf >crlf &&
	prof-fold --addrs lf >expect &&
	prof-fold --addrs crlf >actual &&
	test_cmp expect actual
'

test_expect_success '--period counts the periods instead of samples' '
	printf "prog 1 100.0:     250000 cpu-clock:ppp: \n\t1 f (/x)\n\nprog 1 100.1:     250001 cpu-clock:ppp: \n\t1 f (/x)\n" >in &&
	printf "prog;f 500001\n" >expect &&
	prof-fold --period in >actual &&
	test_cmp expect actual
'

# The event kept is the first one read, and the whole-file reader (which
# picks it before splitting the input among threads) must see the same
# headers as the line parser: a one-line sample and an indented header
# name their event too (found by fuzz-perf, t/fuzz/perf/event-*).
for j in 1 2; do
	test_expect_success "the first event is that of a one-line sample (-j$j)" '
		printf "a 1 1.0: 1 cpu-clock: 10 f+0x1 (/bin/a)\n\nb 2 2.0: 1 task-clock: \n\t10 g (/bin/b)\n\na 1 3.0: 1 cpu-clock: 10 f+0x1 (/bin/a)\n" >in &&
		printf "a;f 2\n" >expect &&
		prof-fold -j'$j' in >actual 2>err &&
		test_cmp expect actual &&
		grep "1 sample of other events skipped: only .cpu-clock. is kept" err
	'
	test_expect_success "the first event is that of an indented header (-j$j)" '
		printf "   a 1 1.0: 1 cpu-clock: \n\t10 f (/bin/a)\n\nb 2 2.0: 1 task-clock: \n\t10 g (/bin/b)\n" >in &&
		printf "a;f 1\n" >expect &&
		prof-fold -j'$j' in >actual 2>err &&
		test_cmp expect actual
	'
	test_expect_success "--tid: the total is the samples of the first event (-j$j)" '
		printf "dd 14273 578.05: =00000 cpu-clock:ppp: \n\t1 f (/x)\n\na 9 1.0: 1 cpu-clo: 10 f+0x1 (/bin/a)\n\ndd 14273 578.06: 500000 cpu-clock:ppp: \n\t1 g (/x)\n\n" >in &&
		printf "a-?/9;f 1\ndd-?/14273;f 1\n" >expect &&
		prof-fold -j'$j' --tid in >actual 2>err &&
		test_cmp expect actual
	'
done

# Real captures of t/data/perf (its README says how they were made),
# against the reference collapser's results.
P=$T_DATA/perf
for expect in "$P"/expect/*.folded; do
	name=$(basename "$expect" .folded)
	case $name in
	*-task-clock) input=${name%-task-clock} args='--event-filter task-clock' ;;
	*-pid|*-tid|*-kernel|*-jit|*-all|*-addrs)
		input=${name%-*} args=--${name##*-} ;;
	*) input=$name args= ;;
	esac
	for j in 1 2; do
		test_expect_success "capture $input.txt $args -j$j" '
			prof-fold -j'$j' '"$args"' "'"$P/$input.txt"'" >actual &&
			test_cmp "'"$expect"'" actual
		'
	done
done

test_expect_success 'capture: the frame-pointer stacks of ab.c' '
	grep -q "^ab-fp;__libc_start_call_main;main;a;spin [0-9]" "$P/expect/ab-fp.folded" &&
	prof-fold "$P/ab-fp.txt" >actual &&
	grep "^ab-fp;__libc_start_call_main;main;a;spin [0-9]" actual &&
	grep "^ab-fp;__libc_start_call_main;main;b;spin [0-9]" actual
'

test_expect_success 'capture: every sample is counted once' '
	for f in ab-fp ab-dwarf dd-syscalls; do
		grep -c "^[^ 	#]" "$P/$f.txt" >expect &&
		prof-fold "$P/$f.txt" >out &&
		folded_sum out >actual &&
		test_cmp expect actual || exit 1
	done
'

test_expect_success 'capture: without callchains every sample counts, under its command' '
	grep -c "cpu-clock" "$P/ab-nocallchain.txt" >expect &&
	test "$(cat expect)" -gt 10 &&
	prof-fold "$P/ab-nocallchain.txt" >out 2>err &&
	folded_sum out >actual &&
	test_cmp expect actual &&
	! grep -v "^ab-fp[; ]" out
'

test_expect_success 'capture: without callchains, each sample keeps its one frame' '
	grep -c "spin+0x" "$P/ab-nocallchain.txt" >expect &&
	prof-fold "$P/ab-nocallchain.txt" >out &&
	grep "^ab-fp;spin " out | sed "s/.* //" >actual &&
	test_cmp expect actual
'

test_expect_success 'capture: two events, the first (cpu-clock) kept, one warning' '
	prof-fold "$P/ab-two-events.txt" >actual 2>err &&
	test_cmp "$P/expect/ab-two-events.folded" actual &&
	test_line_count = 1 err
'

test_expect_success 'capture: format detected with --input-format perf forced too' '
	prof-fold --input-format perf "$P/ab-dwarf.txt" >actual &&
	test_cmp "$P/expect/ab-dwarf.folded" actual
'

done_testing
