#!/bin/sh
test_description='prof-flame --format text: the tree for a terminal (lib/flame/flametext)'
. "$(dirname "$0")/lib.sh"

# The tree is drawn by prof-flame when it is built, else by the driver
# t/helpers/flame-test.c, which reads folded stacks and takes the same
# options; the driver alone can force colours (--color), which prof-flame
# gives only to a terminal.  The driver is linked against lib/libprof.a
# when that holds the modules (with the sanitizers when the build has
# them), or against their sources.
if ar t "$ROOT/lib/libprof.a" 2>/dev/null | grep -c -x -e flame.o -e flametext.o -e speedscope.o -e xmlsafe.o | grep -q -x 4; then
	DRIVER_LIB=$ROOT/lib/libprof.a
else
	DRIVER_LIB=$(for m in flametext speedscope xmlsafe flame folded count util stacktable; do printf "%s " "$ROOT/lib/$m.c"; done)
fi
if test -x "$ROOT/bin/prof-flame"; then
	FLAME="prof-flame --format text"
else
	FLAME="flame-test --format text"
fi

test_expect_success 'build the driver' '
	$DRIVER_CC $DRIVER_FLAGS -o flame-test "$ROOT/t/helpers/flame-test.c" $DRIVER_LIB -lm
'
PATH=$TRASH:$PATH

# A profile whose siblings tie, and a frame with both self and children.
printf "main;parse;lex 2\nmain;parse 1\nmain;eval 5\nmain;beta 3\nmain;alpha 3\nidle 4\nmain;eval 1\n" >tree.folded

test_expect_success 'widest first, ties by name, counts summed' '
	cat >expect <<-\EOF &&
	     %  samples  frame
	100.0%       19  all
	 78.9%       15  ├─ main
	 31.6%        6  │  ├─ eval
	 15.8%        3  │  ├─ alpha
	 15.8%        3  │  ├─ beta
	 15.8%        3  │  └─ parse
	 10.5%        2  │     └─ lex
	 21.1%        4  └─ idle
	EOF
	$FLAME tree.folded >actual 2>err &&
	test_cmp expect actual &&
	test_must_be_empty err
'

test_expect_success 'frames under --minwidth: one line says how many and how much' '
	cat >expect <<-\EOF &&
	     %  samples  frame
	100.0%       19  all
	 78.9%       15  ├─ main
	 31.6%        6  │  ├─ eval
	                 │  └─ … 3 more frames (47.4%)
	 21.1%        4  └─ idle
	EOF
	$FLAME --minwidth 16% tree.folded >actual &&
	test_cmp expect actual
'

test_expect_success 'one hidden frame, under a last child: singular, no bar' '
	cat >expect <<-\EOF &&
	     %  samples  frame
	100.0%       19  all
	 78.9%       15  ├─ main
	 31.6%        6  │  ├─ eval
	 15.8%        3  │  ├─ alpha
	 15.8%        3  │  ├─ beta
	 15.8%        3  │  └─ parse
	                 │     └─ … 1 more frame (10.5%)
	 21.1%        4  └─ idle
	EOF
	$FLAME --minwidth 11% tree.folded >actual &&
	test_cmp expect actual
'

test_expect_success 'everything under the cut: the root and what it hides' '
	cat >expect <<-\EOF &&
	     %  samples  frame
	100.0%       19  all
	                 └─ … 2 more frames (100.0%)
	EOF
	$FLAME --minwidth 90% tree.folded >actual &&
	test_cmp expect actual
'

test_expect_success 'the default cut is 1%' '
	awk "BEGIN { print \"big 1000\"; for (i = 0; i < 1000; i++) print \"small;f\" i \" 1\" }" >fan.folded &&
	cat >expect <<-\EOF &&
	     %  samples  frame
	100.0%     2000  all
	 50.0%     1000  ├─ big
	 50.0%     1000  └─ small
	                    └─ … 1000 more frames (50.0%)
	EOF
	$FLAME fan.folded >actual &&
	test_cmp expect actual
'

test_expect_success 'decimal counts are summed exactly and shown as read' '
	printf "a;b 0.1\na;c 0.2\na;b 0.2\nd 123456789012.5\n" >in &&
	cat >expect <<-\EOF &&
	     %         samples  frame
	100.0%    123456789013  all
	100.0%  123456789012.5  ├─ d
	  0.0%             0.5  └─ a
	  0.0%             0.3     ├─ b
	  0.0%             0.2     └─ c
	EOF
	$FLAME --minwidth 0% in >actual &&
	test_cmp expect actual
'

test_expect_success '--factor multiplies the counts shown, exactly; --countname heads them' '
	printf "a;b 1500\na;c 250\n" >in &&
	cat >expect <<-\EOF &&
	     %    ms  frame
	100.0%  1.75  all
	100.0%  1.75  └─ a
	 85.7%   1.5     ├─ b
	 14.3%  0.25     └─ c
	EOF
	$FLAME --factor 0.001 --countname ms in >actual &&
	test_cmp expect actual
'

# BEFORE AFTER: the width (count, percentage) from AFTER, or BEFORE with
# --negate; the change is of the frame's total, in percent of BEFORE.
printf "main;f 4 8\nmain;g 6 3\nmain;h 0 1\nmain;k 2 2\nold 2 0\n" >diff.folded

test_expect_success 'a differential tree: before -> after and the change' '
	cat >expect <<-\EOF &&
	     %  samples  frame
	100.0%       14  all  (14 -> 14, 0.0%)
	100.0%       14  ├─ main  (12 -> 14, +16.7%)
	 57.1%        8  │  ├─ f  (4 -> 8, +100.0%)
	 21.4%        3  │  ├─ g  (6 -> 3, -50.0%)
	 14.3%        2  │  ├─ k  (2 -> 2, 0.0%)
	  7.1%        1  │  └─ h  (0 -> 1, new)
	  0.0%        0  └─ old  (2 -> 0, -100.0%)
	EOF
	$FLAME --minwidth 0% diff.folded >actual &&
	test_cmp expect actual
'

test_expect_success 'a differential tree with --negate: widths from BEFORE' '
	cat >expect <<-\EOF &&
	     %  samples  frame
	100.0%       14  all  (14 -> 14, 0.0%)
	 85.7%       12  ├─ main  (12 -> 14, +16.7%)
	 42.9%        6  │  ├─ g  (6 -> 3, -50.0%)
	 28.6%        4  │  ├─ f  (4 -> 8, +100.0%)
	 14.3%        2  │  ├─ k  (2 -> 2, 0.0%)
	  0.0%        0  │  └─ h  (0 -> 1, new)
	 14.3%        2  └─ old  (2 -> 0, -100.0%)
	EOF
	$FLAME --minwidth 0% --negate diff.folded >actual &&
	test_cmp expect actual
'

test_expect_success '--reverse: callers under the leaf' '
	printf "a;b 3\nc;b 1\nb 2\n" >in &&
	cat >expect <<-\EOF &&
	     %  samples  frame
	100.0%        6  all
	100.0%        6  └─ b
	 50.0%        3     ├─ a
	 16.7%        1     └─ c
	EOF
	$FLAME --reverse in >actual &&
	test_cmp expect actual
'

test_expect_success '--flamechart keeps the time order' '
	printf "a;b 3\nc 1\na;b 2\n" >in &&
	cat >expect <<-\EOF &&
	     %  samples  frame
	100.0%        6  all
	 50.0%        3  ├─ a
	 50.0%        3  │  └─ b
	 16.7%        1  ├─ c
	 33.3%        2  └─ a
	 33.3%        2     └─ b
	EOF
	$FLAME --flamechart in >actual &&
	test_cmp expect actual
'

test_expect_success 'no stacks: "no data", status 0' '
	echo "no data" >expect &&
	$FLAME </dev/null >actual 2>err &&
	test_cmp expect actual &&
	test_must_be_empty err &&
	printf "# type: cpu\n# unit: samples\n" >meta-only &&
	$FLAME meta-only >actual &&
	test_cmp expect actual
'

# Control bytes (NUL, ESC, a C1 CSI), bytes that start no well-formed
# UTF-8 sequence (stray bytes, a cut sequence, an overlong, a surrogate),
# a right-to-left override and isolate: each becomes U+FFFD, as in the
# SVG (xmlsafe.h); valid UTF-8 stays.
test_expect_success 'hostile names: controls, invalid UTF-8 and bidi overrides replaced' '
	printf "a\000b\033[2J;\377\376\303;\302\233x\342\200\256y\342\201\246;\300\257\355\240\200\342\200z;caf\303\251 1\n" >in &&
	r="\357\277\275" &&
	{
		printf "     %%  samples  frame\n" &&
		printf "100.0%%        1  all\n" &&
		printf "100.0%%        1  └─ a${r}b${r}[2J\n" &&
		printf "100.0%%        1     └─ ${r}${r}${r}\n" &&
		printf "100.0%%        1        └─ ${r}x${r}y${r}\n" &&
		printf "100.0%%        1           └─ ${r}${r}${r}${r}${r}${r}${r}z\n" &&
		printf "100.0%%        1              └─ caf\303\251\n"
	} >expect &&
	$FLAME in >actual &&
	test_cmp expect actual
'

test_expect_success 'a hostile --countname is cleaned too, and measured in characters' '
	printf "a;b 1\n" >in &&
	{
		printf "     %%  \303\251\357\277\275[H  frame\n" &&
		printf "100.0%%     1  all\n"
	} >expect &&
	$FLAME --countname "$(printf "\303\251\033[H")" in >actual &&
	head -n 2 actual >actual2 &&
	test_cmp expect actual2
'

test_expect_success 'any bytes give valid UTF-8 without a control character' '
	awk "BEGIN { srand(7); for (i = 0; i < 3000; i++) { s = \"\";
		n = 1 + int(rand() * 12); for (j = 0; j < n; j++) s = s sprintf(\"%c\", 1 + int(rand() * 255));
		gsub(/[;\n]/, \"x\", s); print s \";leaf \" (1 + int(rand() * 9)) } }" >in &&
	$FLAME --minwidth 0% in >actual &&
	test_line_count -gt 3000 actual &&
	perl -MEncode -e "local \$/; my \$s = <STDIN>; \$s = Encode::decode(q(UTF-8), \$s, Encode::FB_CROAK);
		exit(\$s =~ /[\\x00-\\x09\\x0b-\\x1f\\x7f-\\x9f\\x{202a}-\\x{202e}\\x{2066}-\\x{2069}]/ ? 1 : 0)" <actual
'

test_expect_success 'a 20,000-byte name is written whole' '
	awk "BEGIN { s = \"\"; for (i = 0; i < 2000; i++) s = s \"0123456789\"; print \"f;\" s \" 1\" }" >in &&
	$FLAME in >actual &&
	grep -c "└─ 0123456789.*789$" actual >n &&
	echo 1 >one && test_cmp one n &&
	test $(tail -n 1 actual | wc -c) -gt 20000
'

test_expect_success 'a stack 1000 frames deep' '
	awk "BEGIN { s = \"f1\"; for (i = 2; i <= 1000; i++) s = s \";f\" i; print s \" 1\" }" >in &&
	$FLAME in >actual &&
	test_line_count = 1002 actual &&
	tail -n 1 actual | grep -q "^100.0%        1  $(printf "%2997s")└─ f1000\$"
'

# sgr CODE TEXT: TEXT in the colour CODE, as a grep pattern
sgr () {
	printf "\033\\[%sm%s\033\\[0m" "$1" "$2"
}

test_expect_success 'colours: by share, growth red and shrinkage blue; none unasked' '
	flame-test --color tree.folded >colour &&
	grep -q "^$(sgr "1;31" " 78.9%") " colour &&
	grep -q "^$(sgr 31 " 31.6%") " colour &&
	grep -q "^$(sgr 33 " 15.8%") " colour &&
	flame-test --color --minwidth 0% diff.folded >colour2 &&
	grep -q "^$(sgr 32 "  0.0%") .* old " colour2 &&
	grep -q "(4 -> 8, $(sgr 31 "+100.0%"))" colour2 &&
	grep -q "(6 -> 3, $(sgr 34 "-50.0%"))" colour2 &&
	grep -q "(2 -> 2, 0.0%)" colour2 &&
	sed "s/$(printf "\033")\[[0-9;]*m//g" colour >plain &&
	flame-test tree.folded >expect &&
	test_cmp expect plain &&
	! grep -q "$(printf "\033")" expect
'

test_expect_success 'source locations and modules are written as words, after the function' '
	printf "main\tapp.c:10;tokenize\tapp.c:60 6\nmain\tapp.c:10;memcpy\t\t/usr/lib/libc.so.6 3\nmain\tapp.c:10;inl\ta.h:3\t/bin/x_[i] 1\n" >lines.folded &&
	$FLAME lines.folded >actual &&
	cat >expect <<-\EOF &&
	     %  samples  frame
	100.0%       10  all
	100.0%       10  └─ main app.c:10
	 60.0%        6     ├─ tokenize app.c:60
	 30.0%        3     ├─ memcpy in /usr/lib/libc.so.6
	 10.0%        1     └─ inl_[i] a.h:3 in /bin/x
	EOF
	test_cmp expect actual
'

test_expect_success 'a write error is status 1' '
	test_expect_code 1 $FLAME tree.folded >/dev/full 2>err &&
	test -s err
'

done_testing
