#!/bin/sh
test_description='prof-record: inlined functions as frames, --lines against addr2line -i, --no-inline'
. "$(dirname "$0")/lib.sh"
. "$T_DATA/record/record.sh"

# inline.c (t/data/record): main -> hot, and in hot the loop of outer(),
# with inner() in it, both always_inline: the samples are in
#   main;hot;outer_[i];inner_[i]   or   main;hot;outer_[i]
# It is built with -g, where the inline frames and lines come from.
needs_record
for tool in nm objdump addr2line; do
	command -v $tool >/dev/null 2>&1 || skip_or_fail "no $tool"
done

SRC=$RECORD_SRC/inline.c
TAB=$(printf "\t")

# line_of MARKER: the line of inline.c with the comment /* MARKER */.
line_of () {
	grep -n "/\* $1 \*/" "$SRC" | cut -d: -f1
}

# located FILE: "NAME FILE:LINE" for every frame of main, hot, outer and
# inner in the stacks of FILE, each once.
located () {
	awk '!/^# / {
		s = $0; sub(/ [0-9]+$/, "", s)
		n = split(s, f, ";")
		for (i = 2; i <= n; i++) {
			if (index(f[i], "\t") == 0) continue
			name = substr(f[i], 1, index(f[i], "\t") - 1)
			loc = substr(f[i], index(f[i], "\t") + 1); sub(/_\[i\]$/, "", loc)
			if (name ~ /^(main|hot|outer|inner)$/) print name, loc
		}
	}' "$1" | sort -u
}

test_expect_success 'build inline.c with -g: inner and outer are inlined, hot is not' '
	build inline -g &&
	./inline 0.05 &&
	nm inline >syms &&
	grep " T hot\$" syms &&
	! grep -e " inner\$" -e " outer\$" syms
'

test_expect_success 'inlined functions are frames of their own, marked _[i]' '
	prof-record -F 999 -o inl.folded ./inline 1 &&
	grep "^inline;.*;main;hot;outer_\[i\];inner_\[i\] [0-9]*\$" inl.folded &&
	all=$(samples inl.folded) &&
	under=$(count_where inl.folded "s ~ /;main;hot;outer_\\[i\\];/") &&
	echo "$under of $all samples under main;hot;outer_[i]" &&
	test $((under * 10)) -ge $((all * 9))
'

test_expect_success 'no frame but an inlined one is marked _[i]' '
	marked=$(count_where inl.folded "s ~ /;outer_\\[i\\];/") &&
	test "$marked" -gt 0 &&
	count_where inl.folded "s ~ /;(_start|main|hot)_\\[i\\];/" >actual &&
	echo 0 >expect &&
	test_cmp expect actual
'

test_expect_success '--lines: every frame of inline.c carries TAB inline.c:LINE' '
	prof-record -F 999 --lines -o lines.folded ./inline 1 &&
	grep "^inline;.*;main${TAB}inline\.c:[0-9]*;hot${TAB}inline\.c:[0-9]*;outer${TAB}inline\.c:[0-9]*_\[i\];inner${TAB}inline\.c:[0-9]*_\[i\] [0-9]*\$" lines.folded &&
	with=$(count_where lines.folded "s ~ /;hot\tinline\\.c:[0-9]+;/") &&
	test "$with" -gt 0 &&
	count_where lines.folded "s ~ /;(main|hot|outer|inner)(_\\[i\\])?;/" >actual &&
	echo 0 >expect &&
	test_cmp expect actual
'

test_expect_success '--lines: each file:line is one addr2line -i gives for an address of hot or main' '
	objdump -d --no-show-raw-insn inline |
	awk "/^[0-9a-f]+ <(hot|main)>:/ { on = 1; next } on && /^\$/ { on = 0 }
	on && /^ *[0-9a-f]+:/ { sub(/:.*/, \"\"); sub(/^ */, \"\"); print \"0x\" \$0 }" >addrs &&
	test -s addrs &&
	addr2line -a -i -f -s -e inline <addrs |
	sed "s/ (discriminator [0-9]*)//" |
	awk "/^0x/ { n = 0; next } n++ % 2 == 0 { name = \$0; next } { print name, \$0 }" |
	sort -u >a2l &&
	cat a2l &&
	located lines.folded >seen &&
	echo "in the profile:" && cat seen &&
	test "$(wc -l <seen)" -ge 4 &&
	comm -23 seen a2l >unknown &&
	test_must_be_empty unknown
'

# same FILE ALL ONE: the samples matching ALL are many, and all match ONE
# (the stacks s, as for count_where).
same () {
	all=$(count_where "$1" "$2") &&
	one=$(count_where "$1" "$3") &&
	echo "$one of $all samples match $3" &&
	test "$all" -gt 100 &&
	test "$one" = "$all"
}

test_expect_success '--lines: inner at its body, each caller at the line of its call' '
	located lines.folded >seen &&
	grep "^inner " seen | sort -u >actual &&
	echo "inner inline.c:$(line_of INNER_BODY)" >expect &&
	test_cmp expect actual &&
	same lines.folded "s ~ /;outer\t[^;]*;inner\t/" \
	    "s ~ /;outer\tinline\\.c:$(line_of CALL_INNER)_\\[i\\];inner\t/" &&
	same lines.folded "s ~ /;hot\t[^;]*;outer\t/" \
	    "s ~ /;hot\tinline\\.c:$(line_of CALL_OUTER);outer\t/" &&
	same lines.folded "s ~ /;main\t[^;]*;hot\t/" \
	    "s ~ /;main\tinline\\.c:$(line_of CALL_HOT);hot\t/"
'

test_expect_success '--no-inline: no _[i] frames; the loop is in hot' '
	prof-record -F 999 --no-inline -o noinl.folded ./inline 1 &&
	! grep "_\[i\]" noinl.folded &&
	! grep -e ";outer[; ]" -e ";inner[; ]" noinl.folded &&
	all=$(samples noinl.folded) &&
	leaf=$(count_where noinl.folded "s ~ /;main;hot;\$/") &&
	echo "$leaf of $all samples in main;hot" &&
	test $((leaf * 10)) -ge $((all * 9))
'

test_expect_success '--no-inline --lines: frames still carry their lines, and no _[i]' '
	prof-record -F 999 --no-inline --lines -o noinl-lines.folded ./inline 0.5 &&
	! grep "_\[i\]" noinl-lines.folded &&
	grep "^inline;.*;main${TAB}inline\.c:$(line_of CALL_HOT);hot${TAB}inline\.c:[0-9]* [0-9]*\$" noinl-lines.folded
'

done_testing
