#!/bin/sh
test_description='prof-fold: real perf captures of programs built here'
. "$(dirname "$0")/lib.sh"

# ab.c (t/data/perf): main calls a() for about 1/3 and b() for about 2/3
# of the time; mix() is inlined into spin().  The captures are made with
# frame pointers (-g) and with DWARF unwinding of a program built without
# them (--call-graph dwarf); prof-fold must find the stacks and the shares.
needs_root_perf
command -v cc >/dev/null 2>&1 || skip_or_fail 'no C compiler'

cp "$T_DATA/perf/ab.c" . || exit 1

# share A B FILE: prints the ratio of the samples under frame B to those
# under frame A (both directly under main), computed with awk.
share () {
	awk -v a=";main;$1;" -v b=";main;$2;" '
	{ s = $0; sub(/ [0-9.]+$/, "", s); s = s ";" }
	index(s, a) { na += $NF }
	index(s, b) { nb += $NF }
	END { if (na == 0) { print "no samples under " a > "/dev/stderr"; exit 1 }
	      printf "%.2f\n", nb / na }' "$3"
}

# between LO HI X: LO <= X <= HI
between () {
	awk -v lo="$1" -v hi="$2" -v x="$3" 'BEGIN { exit !(x >= lo && x <= hi) }' ||
	{ echo "$3 is not between $1 and $2" >&2; return 1; }
}

test_expect_success 'build ab.c with frame pointers and without' '
	cc -O0 -g -fno-omit-frame-pointer -o ab-fp ab.c &&
	cc -O1 -g -fomit-frame-pointer -o ab-dwarf ab.c &&
	./ab-fp 1 && ./ab-dwarf 1
'

test_expect_success 'record with frame pointers (perf record -g)' '
	perf record -q -N -F 4000 -g -o fp.data ./ab-fp 10 2>err &&
	perf script -i fp.data >fp.txt 2>err &&
	grep -c "^ab-fp " fp.txt >n &&
	test "$(cat n)" -gt 300
'

test_expect_success 'frame pointers: main;a;spin and main;b;spin are there' '
	prof-fold fp.txt >fp.folded 2>err &&
	test_must_be_empty err &&
	grep "^ab-fp;.*;main;a;spin [0-9][0-9]*$" fp.folded &&
	grep "^ab-fp;.*;main;b;spin [0-9][0-9]*$" fp.folded
'

test_expect_success 'frame pointers: b has about twice the samples of a' '
	share a b fp.folded >ratio &&
	between 1.5 2.7 "$(cat ratio)"
'

test_expect_success 'frame pointers: every sample counted once' '
	grep -c "^ab-fp " fp.txt >expect &&
	folded_sum fp.folded >actual &&
	test_cmp expect actual
'

# 15 rounds of ab-dwarf are about 0.6 s of CPU time, some 2400 samples at
# 4000 Hz: enough for the share of b (the test needs 300); 60 rounds took
# 24 s of a loaded machine, most of this script's time.
test_expect_success 'record with DWARF unwinding (--call-graph dwarf)' '
	perf record -q -N -F 4000 --call-graph dwarf -o dw.data ./ab-dwarf 15 2>err &&
	perf script -i dw.data >dw.txt 2>err &&
	grep -c "^ab-dwarf " dw.txt >n &&
	test "$(cat n)" -gt 300
'

test_expect_success 'DWARF: main;a;spin and main;b;spin, with the (inlined) mix' '
	prof-fold dw.txt >dw.folded 2>err &&
	test_must_be_empty err &&
	grep "^ab-dwarf;.*;main;a;spin;mix [0-9][0-9]*$" dw.folded &&
	grep "^ab-dwarf;.*;main;b;spin;mix [0-9][0-9]*$" dw.folded
'

test_expect_success 'DWARF: b has about twice the samples of a' '
	share a b dw.folded >ratio &&
	between 1.5 2.7 "$(cat ratio)"
'

test_expect_success 'the same result with -j1, -j2 and from stdin' '
	prof-fold -j1 dw.txt >j1 &&
	prof-fold -j2 dw.txt >j2 &&
	prof-fold <dw.txt >stdin &&
	test_cmp dw.folded j1 &&
	test_cmp dw.folded j2 &&
	test_cmp dw.folded stdin
'

test_expect_success '--inline: addresses resolved to inline chains with elfutils' '
	perf script --no-inline -i dw.data >noinl.txt 2>err &&
	! grep "(inlined)" noinl.txt &&
	prof-fold noinl.txt >plain.folded &&
	! grep "mix" plain.folded &&
	prof-fold --inline noinl.txt >inl.folded 2>err &&
	grep "^ab-dwarf;.*;main;a;spin;mix_\[i\] [0-9][0-9]*$" inl.folded &&
	grep "^ab-dwarf;.*;main;b;spin;mix_\[i\] [0-9][0-9]*$" inl.folded
'

test_expect_success '--inline keeps the counts' '
	folded_sum plain.folded >expect &&
	folded_sum inl.folded >actual &&
	test_cmp expect actual
'

test_expect_success '--inline --context: frames carry a TAB and file:line' '
	prof-fold --inline --context noinl.txt >ctx.folded 2>err &&
	tab=$(printf "\t") &&
	grep ";mix${tab}[^;]*ab\.c:[0-9][0-9]*_\[i\][; ]" ctx.folded &&
	grep ";spin${tab}[^;]*ab\.c:[0-9][0-9]*[; ]" ctx.folded
'

test_expect_success '--pid and --tid on perf script -F with pid and tid' '
	perf script -F comm,pid,tid,time,event,ip,sym,dso -i fp.data >pt.txt 2>err &&
	prof-fold --tid pt.txt >tid.folded &&
	grep "^ab-fp-[0-9][0-9]*/[0-9][0-9]*;" tid.folded &&
	prof-fold --pid pt.txt >pid.folded &&
	grep "^ab-fp-[0-9][0-9]*;" pid.folded &&
	! grep "^ab-fp-?" pid.folded
'

test_expect_success 'record without call graphs: every sample counted under ab-fp' '
	perf record -q -N -F 1000 -o nog.data ./ab-fp 5 2>err &&
	perf script -i nog.data >nog.txt 2>err &&
	grep -c "cpu-clock" nog.txt >expect &&
	prof-fold nog.txt >nog.folded &&
	folded_sum nog.folded >actual &&
	test_cmp expect actual &&
	! grep -v "^ab-fp[; ]" nog.folded
'

test_expect_success 'kernel frames: perf record -g of dd' '
	perf record -q -N -F 2000 -g -o dd.data dd if=/dev/zero of=/dev/null bs=1 count=100000 2>err &&
	perf script -i dd.data >dd.txt 2>err &&
	grep "^dd " dd.txt >/dev/null
'
if grep -q "(\[kernel.kallsyms\])" dd.txt 2>/dev/null; then
	test_expect_success 'kernel frames: --kernel marks them _[k], the default does not' '
		prof-fold --kernel dd.txt >k.folded &&
		grep "_\[k\]" k.folded &&
		prof-fold dd.txt >nok.folded &&
		! grep "_\[k\]" nok.folded &&
		sed "s/_\[k\]//g" k.folded >stripped &&
		sort stripped >actual &&
		sort nok.folded >expect &&
		test_cmp expect actual
	'
else
	test_skip 'kernel frames: --kernel marks them _[k]' 'no kernel frames in this capture'
fi

done_testing
