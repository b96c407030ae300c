#!/bin/sh
test_description='prof-record: a 40-deep recursion, unwound whole, stripped or not; --max-stack'
. "$(dirname "$0")/lib.sh"
. "$T_DATA/record/record.sh"

# deep.c (t/data/record): main -> rec(40) -> ... -> rec(0) -> spin, which
# spins until the end: nearly every sample has the same 46 frames,
#   _start;__libc_start_main_impl;__libc_start_call_main;main;rec x 41;spin
# Only DWARF CFI (.eh_frame) unwinds it: no frame pointers, and a
# stripped copy has no symbols either.
needs_record
for tool in nm objdump strip; do
	command -v $tool >/dev/null 2>&1 || skip_or_fail "no $tool"
done

# reps N WORD: WORD;WORD;... N times
reps () {
	awk -v n="$1" -v w="$2" 'BEGIN { for (i = 1; i <= n; i++) printf "%s%s", w, i < n ? ";" : "\n" }'
}
RECS=$(reps 41 rec)

# depths FILE: "FRAMES SAMPLES" for each number of frames (the command
# name not counted), most samples first.
depths () {
	awk '!/^# / { s = $0; sub(/ [0-9]+$/, "", s); d[split(s, f, ";") - 1] += $NF }
	END { for (k in d) print k, d[k] }' "$1" | sort -k2,2nr -k1,1n
}

test_expect_success 'build deep.c: rec calls itself, not turned into a loop' '
	build deep &&
	./deep 0.05 &&
	objdump -d --no-show-raw-insn deep >deep.s &&
	awk "/^[0-9a-f]+ <rec>:/ { on = 1; next } on && /^\$/ { exit } on" deep.s >rec.s &&
	grep "call.*<rec>" rec.s &&
	grep "call.*<spin>" rec.s
'

test_expect_success 'record the recursion: exit 0, and samples' '
	prof-record -F 999 -o deep.folded ./deep 1 &&
	test "$(samples deep.folded)" -gt 500
'

test_expect_success 'every sample in spin has main, 41 frames of rec, spin' '
	count_where deep.folded "s ~ /;spin;\$/" >in_spin &&
	count_where deep.folded "s ~ /^;deep;_start;.*;main;$RECS;spin;\$/" >whole &&
	echo "$(cat whole) of $(cat in_spin) samples in spin are whole" &&
	test "$(cat in_spin)" -gt 500 &&
	test_cmp in_spin whole
'

test_expect_success 'under 1 % of the samples are not in spin (start-up, exit)' '
	all=$(samples deep.folded) &&
	whole=$(count_where deep.folded "s ~ /;main;$RECS;spin;\$/") &&
	echo "$whole of $all samples are whole" &&
	test $(((all - whole) * 100)) -lt "$all"
'

test_expect_success 'a stripped copy: no symbols left' '
	cp deep deep-stripped &&
	strip --strip-all deep-stripped &&
	{ nm deep-stripped >syms 2>&1; ! grep " rec\$" syms; } &&
	grep "no symbols" syms
'

test_expect_success 'the stripped copy unwinds to the same depth (all but start-up and exit: 3 % on a busy machine)' '
	prof-record -F 999 -o stripped.folded ./deep-stripped 1 &&
	depths deep.folded >d1 && depths stripped.folded >d2 &&
	echo "unstripped:" && cat d1 && echo "stripped:" && cat d2 &&
	echo 46 >expect &&
	head -n 1 d1 | cut -d" " -f1 >actual && test_cmp expect actual &&
	head -n 1 d2 | cut -d" " -f1 >actual && test_cmp expect actual &&
	all=$(samples stripped.folded) &&
	at46=$(head -n 1 d2 | cut -d" " -f2) &&
	test "$all" -gt 500 &&
	test $(((all - at46) * 100)) -lt $((3 * all))
'

test_expect_success 'the stripped copy: the same frames, [deep-stripped] where names were' '
	stacks deep.folded | sort -k2,2nr | head -n 1 | sed "s/ [0-9]*\$//" |
		awk -F";" -v OFS=";" "{ \$1 = \"deep-stripped\"
		for (i = 2; i <= NF; i++) if (\$i ~ /^(_start|main|rec|spin)\$/) \$i = \"[deep-stripped]\"
		print }" >expect &&
	stacks stripped.folded | sort -k2,2nr | head -n 1 | sed "s/ [0-9]*\$//" >actual &&
	test_cmp expect actual
'

test_expect_success '--max-stack 10 keeps the 10 frames nearest the leaf' '
	prof-record -F 999 --max-stack 10 -o d10.folded ./deep 1 &&
	echo "deep;$(reps 9 rec);spin" >expect &&
	stacks d10.folded | sort -k2,2nr | head -n 1 | sed "s/ [0-9]*\$//" >actual &&
	test_cmp expect actual &&
	all=$(samples d10.folded) &&
	test "$all" -gt 500 &&
	# kernel frames (a timer interrupt in spin) are not counted
	sed "s/;[^;]*_\\[k\\]//g" d10.folded >d10-user.folded &&
	longer=$(count_where d10-user.folded "split(s, f, \";\") > 13") &&
	echo "$longer samples have more than 10 frames" &&
	test "$longer" = 0
'

test_expect_success '--max-stack 10 on the stripped copy: 10 frames too' '
	prof-record -F 999 --max-stack 10 -o s10.folded ./deep-stripped 0.5 &&
	echo "deep-stripped;$(reps 10 "[deep-stripped]")" >expect &&
	stacks s10.folded | sort -k2,2nr | head -n 1 | sed "s/ [0-9]*\$//" >actual &&
	test_cmp expect actual
'

# 1000 frames of rec take 32 KiB of stack, twice the default copy.
test_expect_success '--stack-size 65528: a 1000-deep recursion unwinds whole' '
	prof-record -F 999 --stack-size 65528 -o d1000.folded ./deep 0.5 1000 &&
	all=$(samples d1000.folded) &&
	whole=$(count_where d1000.folded "s ~ /;main;$(reps 1001 rec);spin;\$/") &&
	echo "$whole of $all samples are whole" &&
	test "$all" -gt 200 &&
	test $(((all - whole) * 100)) -lt "$all"
'

done_testing
