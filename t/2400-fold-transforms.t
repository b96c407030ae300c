#!/bin/sh
test_description='prof-fold: transforms (--depth, --focus, --ignore, --hide, --collapse-recursion, --strip-addrs, --scale)'
. "$(dirname "$0")/lib.sh"

F=$T_DATA/folded

# transform_case TITLE ARGS INPUT EXPECT (printf formats)
transform_case () {
	case_args=$2 case_in=$3 case_expect=$4
	test_expect_success "$1" '
		printf "$case_in" >in &&
		printf "$case_expect" >expect &&
		prof-fold $case_args in >actual 2>err &&
		test_cmp expect actual &&
		test_must_be_empty err
	'
}

S='a;b;c 1\na;b;d 2\na;e 4\nx 8\nx;y;z 16\n'

# --depth
transform_case '--depth 1: roots only' '--depth 1' "$S" 'a 7\nx 24\n'
transform_case '--depth 2' '--depth 2' "$S" 'a;b 3\na;e 4\nx 8\nx;y 16\n'
transform_case '--depth deeper than every stack changes nothing' '--depth 9' "$S" 'a;b;c 1\na;b;d 2\na;e 4\nx 8\nx;y;z 16\n'
transform_case '--depth counts empty frames' '--depth 2' ';;a 1\n;b 2\n' '; 1\n;b 2\n'

# --focus / --ignore: a stack is kept (dropped) when one of its frames matches
transform_case '--focus: stacks with a matching frame' '--focus ^b$' "$S" 'a;b;c 1\na;b;d 2\n'
transform_case '--focus: ERE alternation' '--focus ^(e|z)$' "$S" 'a;e 4\nx;y;z 16\n'
transform_case '--focus: matched per frame, so ; never matches' '--focus a;b' "$S" ''
# A frame with a location and a module is matched as prof-top matches it:
# its name (with its suffix), its location or its module, each alone.
L='a;b\tb.c:3\tlibb.so;c_[k] 1\na;d\td.c:9 2\n'
transform_case '--focus: the name of a located frame, anchored' '--focus ^b$' "$L" 'a;b\tb.c:3\tlibb.so;c_[k] 1\n'
transform_case '--focus: a location' '--focus ^d\.c:9$' "$L" 'a;d\td.c:9 2\n'
transform_case '--ignore: a module' '--ignore ^libb\.so$' "$L" 'a;d\td.c:9 2\n'
transform_case '--hide: a name with its suffix' '--hide ^c_\[k\]$' "$L" 'a;b\tb.c:3\tlibb.so 1\na;d\td.c:9 2\n'
transform_case '--focus ^$: an empty name is a name' '--focus ^$' ';;a 1\nb 2\n' ';;a 1\n'
transform_case '--focus: ^ and $ anchor at the frame' '--focus ^y' "$S" 'x;y;z 16\n'
transform_case '--focus: unanchored matches inside a frame' '--focus ell' 'hello;w 1\nh;world 2\n' 'hello;w 1\n'
transform_case '--ignore: drop stacks with a matching frame' '--ignore ^b$' "$S" 'a;e 4\nx 8\nx;y;z 16\n'
transform_case '--ignore: a frame anywhere in the stack' '--ignore ^x$' "$S" 'a;b;c 1\na;b;d 2\na;e 4\n'
transform_case '--focus and --ignore together' '--focus ^a$ --ignore ^d$' "$S" 'a;b;c 1\na;e 4\n'
transform_case '--focus with no match: empty output' '--focus nothing' "$S" ''
transform_case '--focus is case-sensitive' '--focus ^A$' "$S" ''
transform_case '--focus sees the annotation suffix' '--focus _\[k\]$' 'a;sys_[k] 1\na;b 2\n' 'a;sys_[k] 1\n'

# --hide: pprof's, as prof-top has it: the matching frames go, the stacks stay
transform_case '--hide: a frame removed, stacks that become equal merge' '--hide ^b$' "$S" 'a;c 1\na;d 2\na;e 4\nx 8\nx;y;z 16\n'
transform_case '--hide: every matching frame, root and leaf' '--hide ^(a|z)$' "$S" 'b;c 1\nb;d 2\ne 4\nx 8\nx;y 16\n'
transform_case '--hide: a stack whose every frame matches is dropped' '--hide ^x$' "$S" 'a;b;c 1\na;b;d 2\na;e 4\ny;z 16\n'
transform_case '--focus sees a hidden frame' '--focus ^b$ --hide ^b$' "$S" 'a;c 1\na;d 2\n'
transform_case '--ignore sees a hidden frame' '--ignore ^y$ --hide ^y$' "$S" 'a;b;c 1\na;b;d 2\na;e 4\nx 8\n'
transform_case '--depth counts the frames left after --hide' '--hide ^a$ --depth 1' "$S" 'b 3\ne 4\nx 24\n'
transform_case '--collapse-recursion over the frames left after --hide' '--hide ^h$ --collapse-recursion' 'f;h;f;g 1\n' 'f;g 1\n'

test_expect_success '--focus, --ignore, --hide: prof-fold keeps what prof-top counts' '
	printf "$S" >in &&
	printf "m;a;b;c 5\nm;h;b 3\nm;x;h 2\nh 7\n" >>in &&
	set -- --focus "^(b|x)$" --ignore "^c$" --hide "^(h|m)$" &&
	prof-fold "$@" in | prof-top --rows 0 --format csv --sort name >from-fold &&
	prof-top "$@" --rows 0 --format csv --sort name in >from-top &&
	cut -d, -f1,2,5 from-fold >expect &&
	cut -d, -f1,2,5 from-top >actual &&
	test_cmp expect actual &&
	test_line_count -gt 2 expect
'

# --collapse-recursion
transform_case '--collapse-recursion: a;b;b;c -> a;b;c' '--collapse-recursion' 'a;b;b;c 1\n' 'a;b;c 1\n'
transform_case '--collapse-recursion: long runs, at root and leaf' '--collapse-recursion' 'f;f;f;g;g 1\nf;f 2\n' 'f 2\nf;g 1\n'
transform_case '--collapse-recursion: indirect recursion stays' '--collapse-recursion' 'a;b;a;b 1\nf;g;f 2\n' 'a;b;a;b 1\nf;g;f 2\n'
transform_case '--collapse-recursion: stacks that become equal merge' '--collapse-recursion' 'm;f;g 1\nm;f;f;g 2\nm;f;f;f;g 4\n' 'm;f;g 7\n'
transform_case '--collapse-recursion: equal names only, not prefixes' '--collapse-recursion' 'a;ab;abc 1\n' 'a;ab;abc 1\n'

# --strip-addrs
transform_case '--strip-addrs: +0x offsets removed, stacks merge' '--strip-addrs' 'a;f+0x1a;g+0x3f 4\na;f+0x2b;g+0x40 3\n' 'a;f;g 7\n'
transform_case '--strip-addrs: [module <addr>] becomes [module]' '--strip-addrs' 'a;[libc.so.6 <7f12ab34>] 2\na;[libc.so.6 <7f1200ff>] 5\n' 'a;[libc.so.6] 7\n'
transform_case '--strip-addrs: an address in a name becomes 0x...' '--strip-addrs' 'a;call 0xdeadbeef 3\na;call 0x401000 1\n' 'a;call 0x... 4\n'
transform_case '--strip-addrs: a frame that is an address becomes 0x...' '--strip-addrs' 'a;0x7ffd1234 1\na;0x401000 2\n' 'a;0x... 3\n'
transform_case '--strip-addrs: names without addresses untouched' '--strip-addrs' 'a;x+y;0xz;f+0 1\n' 'a;x+y;0xz;f+0 1\n'
transform_case '--strip-addrs: annotations kept' '--strip-addrs' 'a;f+0x10_[k] 1\n' 'a;f_[k] 1\n'

# --scale
transform_case '--scale 2' '--scale 2' 'a 1\nb 1.5\n' 'a 2\nb 3\n'
transform_case '--scale 0.5: decimals, shortest form' '--scale 0.5' 'a 3\nb 4\n' 'a 1.5\nb 2\n'
transform_case '--scale 0.1 exact: 3 x 0.1 = 0.3' '--scale 0.1' 'a 3\n' 'a 0.3\n'
transform_case '--scale 1 changes nothing' '--scale 1' 'a 3\nb 0.000000001\n' 'a 3\nb 0.000000001\n'
transform_case '--scale 0 keeps the stacks with 0' '--scale 0' 'a 3\n' 'a 0\n'
transform_case '--scale rounds to 1e-9, to nearest' '--scale 0.3' 'a 0.000000001\nb 0.000000002\n' 'a 0\nb 0.000000001\n'
transform_case '--scale is applied after summing' '--scale 0.3' 'a 0.000000001\na 0.000000001\na 0.000000001\n' 'a 0.000000001\n'
transform_case '--scale on a differential profile scales both counts' '--scale 2' 'a 1 2\nb 0.5 0\n' 'a 2 4\nb 1 0\n'
transform_case '--scale with many decimals' '--scale 1.000000001' 'a 1000000000\n' 'a 1000000001\n'

# The order: strip-addrs, collapse-recursion, grep/grep-v, depth, scale.
transform_case 'order: --strip-addrs before --collapse-recursion' '--strip-addrs --collapse-recursion' 'a;f+0x1;f+0x2;g 1\n' 'a;f;g 1\n'
transform_case 'order: --focus before --depth' '--focus ^c$ --depth 1' "$S" 'a 1\n'
transform_case 'order: --ignore before --depth' '--ignore ^c$ --depth 1' "$S" 'a 6\nx 24\n'
transform_case 'order: --collapse-recursion before --depth' '--collapse-recursion --depth 2' 'a;a;a;b 1\n' 'a;b 1\n'
transform_case 'order: --strip-addrs before --focus' '--strip-addrs --focus ^f$' 'a;f+0x10 1\na;g 2\n' 'a;f 1\n'
transform_case 'options in any order on the command line' '--depth 1 --focus ^c$' "$S" 'a 1\n'
transform_case 'all at once' '--strip-addrs --collapse-recursion --ignore ^z$ --depth 2 --scale 0.5' 'a;b+0x1;b+0x2;c 2\na;e 4\nx;y;z 16\nx;y 2\n' 'a;b 1\na;e 2\nx;y 1\n'

# Fixtures with expected results.
test_expect_success 'addrs.folded --strip-addrs' '
	printf "app;0x... 2\napp;0x...;0x... 1\napp;[libc.so.6] 5\napp;[libc.so.6];[libc.so.6] 2\napp;call 0x... 3\napp;main 1\napp;main;parse 1\napp;main;parse;strtol 7\n" >expect &&
	prof-fold --strip-addrs "$F/addrs.folded" >actual &&
	test_cmp expect actual
'

test_expect_success 'recursive.folded --collapse-recursion' '
	printf "f 6\nmain;a;b;a;b 2\nmain;f;g 8\nmain;f;g;f 2\n" >expect &&
	prof-fold --collapse-recursion "$F/recursive.folded" >actual &&
	test_cmp expect actual
'

test_expect_success 'metadata passes through a transform' '
	prof-fold --depth 2 "$F/meta.folded" >actual &&
	grep "^#" "$F/meta.folded" >expect &&
	grep "^#" actual >actual.meta &&
	test_cmp expect actual.meta
'

# Conservation: every transform that is not a filter keeps the total, on
# every folded fixture here and every result of the conformance corpus.
# The sums are computed with awk (folded_sum in t/lib.sh), not prof-fold.
ls "$F"/*.folded "$T_DATA"/perf/expect/*.folded >fixtures
if test -d "$SHARED/conformance/flamegraph-perf/results"; then
	ls "$SHARED"/conformance/flamegraph-perf/results/*.txt >>fixtures
fi
# The sums of the fixtures are computed once, each option set's outputs
# summed in one awk: two processes a fixture and option set were most of
# this script's time.
test_expect_success 'the sums of the fixtures' '
	folded_sum -e $(cat fixtures) >sums.named &&
	cut -d" " -f1 sums.named | paste -d" " - fixtures >sums &&
	test_line_count = $(wc -l <fixtures) sums
'
for args in '' '--depth 1' '--depth 2' '--depth 3' '--collapse-recursion' \
    '--strip-addrs' '--scale 1' '--strip-addrs --collapse-recursion --depth 4' \
    '-j 2 --depth 5'; do
	test_expect_success "conservation: sum out = sum in with '$args', on $(wc -l <fixtures) fixtures" '
		n=0 &&
		while read -r f; do
			n=$((n + 1)) &&
			prof-fold '"$args"' "$f" >out.$n || { echo "in $f"; exit 1; }
		done <fixtures &&
		folded_sum -e $(seq -f out.%g $n) | cut -d" " -f1 |
			paste -d" " - fixtures >actual &&
		test_cmp sums actual
	'
done

test_expect_success 'conservation of both columns of a differential profile' '
	for args in "--depth 1" --collapse-recursion --strip-addrs; do
		folded_sum -2 "$F/diff.folded" >expect.before &&
		folded_sum "$F/diff.folded" >expect.after &&
		prof-fold $args "$F/diff.folded" >out &&
		folded_sum -2 out >before &&
		folded_sum out >after &&
		test_cmp expect.before before &&
		test_cmp expect.after after || exit 1
	done
'

test_expect_success 'conservation under --focus: kept + dropped = all' '
	for f in "$F/meta.folded" "$F/basic.folded" "$T_DATA/perf/expect/dd-syscalls-kernel.folded"; do
		prof-fold --focus "_\[k\]|^main$" "$f" >kept &&
		prof-fold --ignore "_\[k\]|^main$" "$f" >dropped &&
		folded_sum "$f" >expect &&
		cat kept dropped >both &&
		prof-fold both >merged &&
		folded_sum merged >actual &&
		test_cmp expect actual || exit 1
	done
'

test_expect_success '--scale F multiplies the total by F (integer counts)' '
	f=$T_DATA/perf/expect/dd-syscalls.folded &&
	folded_sum "$f" >sum &&
	prof-fold --scale 3 "$f" >out &&
	echo $(( $(cat sum) * 3 )) >expect &&
	folded_sum out >actual &&
	test_cmp expect actual
'

done_testing
