#!/bin/sh
test_description='prof-top --list: the cost of each source line, as pprof -list; sources read from under --source only'
. "$(dirname "$0")/lib.sh"

# (go tool pprof -list itself is the reference in t/4920, on profiles
# that Go writes.)
command -v python3 >/dev/null 2>&1 || skip_or_fail "no python3"
TAB=$(printf "\t")

# m.c has 40 lines "line N"; f recurses at line 20 in the third stack,
# and h is inlined into f at line 23 (its own file, which is not there).
mkdir src &&
for i in $(seq 1 40); do echo "line $i"; done >src/m.c
printf "main${TAB}m.c:10;f${TAB}m.c:20;g${TAB}m.c:30 5
main${TAB}m.c:10;f${TAB}m.c:21 3
main${TAB}m.c:11;f${TAB}m.c:20;f${TAB}m.c:20;f${TAB}m.c:22 2
main${TAB}m.c:12 1
main${TAB}m.c:10;f${TAB}m.c:23;h${TAB}h.h:5_[i] 4
" >p.folded

test_expect_success 'CSV: flat and cum per line, exact; recursion counted once per stack' '
	prof-top --list . --format csv p.folded >actual &&
	cat >expect <<-\EOF &&
	function,file,line,flat,cum
	"f","m.c",20,0,7
	"f","m.c",21,3,3
	"f","m.c",22,2,2
	"f","m.c",23,0,4
	"g","m.c",30,5,5
	"h","h.h",5,4,4
	"main","m.c",10,0,12
	"main","m.c",11,0,2
	"main","m.c",12,1,1
	EOF
	test_cmp expect actual
'

test_expect_success 'the listing: pprof'"$SQ"'s layout, 5 lines around the counted ones, a missing source said' '
	prof-top --list "^(f|h)\$" --source src p.folded >actual &&
	cat >expect <<-\EOF &&
	Total: 15
	ROUTINE ======================== f in m.c
	         5         14 (flat, cum) 93.33% of Total
	         .          .     15:line 15
	         .          .     16:line 16
	         .          .     17:line 17
	         .          .     18:line 18
	         .          .     19:line 19
	         .          7     20:line 20
	         3          3     21:line 21
	         2          2     22:line 22
	         .          4     23:line 23
	         .          .     24:line 24
	         .          .     25:line 25
	         .          .     26:line 26
	         .          .     27:line 27
	         .          .     28:line 28
	ROUTINE ======================== h in h.h
	         4          4 (flat, cum) 26.67% of Total
	 (source not found under src: lines without their text)
	         4          4      5:
	EOF
	test_cmp expect actual
'

test_expect_success 'the source is found by its base name in the tree; the current directory by default' '
	mkdir -p tree/a/b && cp src/m.c tree/a/b/m.c &&
	printf "main${TAB}/build/x/m.c:3 2\n" >abs.folded &&
	prof-top --list main --source tree abs.folded >actual &&
	grep -Fx "         2          2      3:line 3" actual &&
	(cd tree && prof-top --list main ../abs.folded) >actual2 &&
	test_cmp actual actual2
'

test_expect_success 'the window ends at the end of the source; lines past it are shown with their counts' '
	printf "main${TAB}m.c:38 1\nmain${TAB}m.c:60 2\n" >end.folded &&
	prof-top --list main --source src end.folded >actual &&
	sed -n "4,\$p" actual >rows &&
	{
		for i in 33 34 35 36 37; do echo "         .          .     $i:line $i"; done &&
		echo "         1          1     38:line 38" &&
		echo "         .          .     39:line 39" &&
		echo "         .          .     40:line 40" &&
		echo "         2          2     60:"
	} >expect &&
	test_cmp expect rows
'

test_expect_success 'units as prof-top shows them: a sampling period makes time' '
	{ echo "# period: 1000000 ns" && cat p.folded; } >t.folded &&
	prof-top --list "^g\$" --source src t.folded >actual &&
	grep -Fx "       5ms        5ms (flat, cum) 33.33% of Total" actual &&
	grep -Fx "       5ms        5ms     30:line 30" actual &&
	prof-top --list "^g\$" --format csv t.folded >csv &&
	grep -Fx "\"g\",\"m.c\",30,5,5" csv
'

test_expect_success 'the filters apply first; JSON has the total and null for no line' '
	printf "main${TAB}m.c:10;f${TAB}m.c 1\n" >noline.folded &&
	cat p.folded noline.folded >mixed.folded &&
	prof-top --list "^f\$" --ignore "^g\$" --format json mixed.folded >out.json &&
	python3 -c "
import json
d = json.load(open(\"out.json\"))
got = [(r[\"line\"], r[\"flat\"], r[\"cum\"]) for r in d[\"lines\"]]
assert d[\"header\"][\"total\"] == 16, d
assert got == [(None, 1, 1), (20, 0, 2), (21, 3, 3), (22, 2, 2), (23, 0, 4)], got
" &&
	prof-top --list "^f\$" --source src mixed.folded >actual &&
	tail -n 1 actual >last &&
	echo "         1          1      ?: (no line number)" >expect &&
	test_cmp expect last
'

test_expect_success '--hide gives a hidden leaf'"$SQ"'s flat to its caller; --focus matches a location' '
	prof-top --list "^f\$" --hide "^g\$" --format csv p.folded >actual &&
	cat >expect <<-\EOF &&
	function,file,line,flat,cum
	"f","m.c",20,5,7
	"f","m.c",21,3,3
	"f","m.c",22,2,2
	"f","m.c",23,0,4
	EOF
	test_cmp expect actual &&
	prof-top --list "^f\$" --focus "^h\.h:" --format csv p.folded >actual &&
	printf "function,file,line,flat,cum\n\"f\",\"m.c\",23,0,4\n" >expect &&
	test_cmp expect actual
'

test_expect_success 'a differential profile is listed by its second count' '
	printf "main${TAB}m.c:3 5 7\nmain${TAB}m.c:4 1 0\n" >d.folded &&
	prof-top --list main --format csv d.folded >actual &&
	printf "function,file,line,flat,cum\n\"main\",\"m.c\",3,7,7\n" >expect &&
	test_cmp expect actual
'

# Confinement: secret.c is outside the source directory, and every way a
# profile may name it must show nothing of it.
mkdir outside &&
echo "SECRET TEXT" >outside/secret.c &&
ln -s ../outside/secret.c src/link.c &&
ln -s ../outside src/dirlink &&
mkfifo src/fifo.c 2>/dev/null

while read -r loc; do
	case_loc=$loc
	test_expect_success "confined: $loc shows no text from outside" '
		printf "main${TAB}$case_loc 3\n" >c.folded &&
		prof-top --list main --source src c.folded >actual &&
		! grep SECRET actual &&
		grep "source not found under src" actual &&
		grep -E "^         3          3      1:\$" actual
	'
done <<'CASES'
../outside/secret.c:1
../../outside/secret.c:1
link.c:1
dirlink/secret.c:1
fifo.c:1
CASES

test_expect_success 'confined: an absolute path outside the directory is looked for under it' '
	printf "main${TAB}$PWD/outside/secret.c:1 3\n" >c.folded &&
	prof-top --list main --source src c.folded >actual &&
	! grep SECRET actual &&
	prof-top --list main --source . c.folded >actual &&
	grep -F "SECRET TEXT" actual
'

test_expect_success 'confined: a FIFO is never opened (no hang)' '
	test -p src/fifo.c || { echo "no mkfifo here"; return 0; }
	printf "main${TAB}fifo.c:1 3\n" >c.folded &&
	timeout 10 prof-top --list main --source src c.folded >actual
'

# Not even opened without blocking: an open of a device may do something
# (as root), and a FIFO's writer would be let through.  A writer waits on
# the FIFO; had prof-top opened it, the writer would have gone on.
test_expect_success 'confined: a FIFO, even through a link, is looked at, never opened' '
	test -p src/fifo.c || { echo "no mkfifo here"; return 0; }
	ln -s fifo.c src/linked.c &&
	{ sh -c ": >src/fifo.c; echo opened >writer.flag" & } &&
	writer=$! &&
	printf "main${TAB}fifo.c:1 3\nf${TAB}linked.c:1 1\n" >w.folded &&
	timeout 10 prof-top --list . --source src w.folded >actual;
	st=$? &&
	sleep 1 &&
	opened=$(cat writer.flag 2>/dev/null || :) &&
	{ test -n "$opened" || timeout 10 cat src/fifo.c >/dev/null; } &&
	wait $writer &&
	test $st = 0 && test -z "$opened"
'

test_expect_success 'a name with a NUL byte is matched whole, as the filters match it' '
	printf "a\000b${TAB}app.c:2 1\n" >nul.folded &&
	prof-top --list "b\$" --source src nul.folded >actual &&
	grep "^ROUTINE =* a$(printf "\357\277\275")b in app.c" actual
'

test_expect_success 'names and source text with any bytes are written clean' '
	printf "x\001\033[31my${TAB}bad.c:1 2\n" >h.folded &&
	printf "a\033[2Jb\377\n" >src/bad.c &&
	prof-top --list "^x" --source src h.folded >actual &&
	! grep -q "$(printf "\033")" actual &&
	! grep -q "$(printf "\001")" actual &&
	prof-top --list "^x" --format json h.folded >h.json &&
	python3 -c "import json; json.load(open(\"h.json\"))" &&
	printf "x\001\033[31my 2\n" >hn.folded &&
	test_expect_code 2 prof-top --list "^x" hn.folded 2>err &&
	grep "no line numbers for x" err &&
	! grep -q "$(printf "\033")" err
'

test_expect_success 'no line numbers: says what to record, exit 2, nothing written' '
	printf "main;parse 3\n" >nl.folded &&
	test_expect_code 2 prof-top --list parse nl.folded >out 2>err &&
	test_must_be_empty out &&
	grep -Fx "prof-top: no line numbers for parse: record with prof-record --lines" err
'

test_expect_success 'some matches without line numbers: the others listed, a warning' '
	printf "main${TAB}m.c:3;parse 3\n" >some.folded &&
	prof-top --list . --format csv some.folded >out 2>err &&
	printf "function,file,line,flat,cum\n\"main\",\"m.c\",3,0,3\n" >expect &&
	test_cmp expect out &&
	grep -F "no line numbers for parse" err
'

test_expect_success 'no function matches: said, exit 1' '
	test_expect_code 1 prof-top --list "^nothing\$" p.folded >out 2>err &&
	test_must_be_empty out &&
	grep -Fx "prof-top: ^nothing\$: no function matches" err
'

while read -r args; do
	case_args=$args
	test_expect_success "usage: prof-top $args is refused (exit 2)" '
		test_expect_code 2 prof-top $case_args p.folded >out 2>err &&
		test_must_be_empty out &&
		test -s err
	'
done <<'CASES'
--list f --rows 3
--list f --sort cum
--list f --granularity line
--list f --traces
--list f --callers f
--list f --color always
--list ( 
--source src
--list f --source p.folded
CASES

# A C program built here, recorded with --lines: the hot line of its
# hottest function (marked HOT) has the largest flat of its lines.
cat >hot.c <<'EOF'
#include <stdlib.h>
#include <time.h>

/* volatile: the calls are made again each round, not hoisted */
volatile unsigned long sink, n_hot = 200000, n_cold = 20000;

__attribute__((noinline)) static unsigned long
hot_function(unsigned long n)
{
	unsigned long x = 1;

	for (unsigned long i = 1; i < n; i++)
		x = x / (i | 1) + x * 7 + i;	/* HOT */
	return x;
}

__attribute__((noinline)) static unsigned long
cold_function(unsigned long n)
{
	unsigned long x = 0;

	for (unsigned long i = 0; i < n; i++)
		x += i;
	return x;
}

int
main(int argc, char *argv[])
{
	double secs = argc > 1 ? atof(argv[1]) : 0.5;
	struct timespec t0, t;

	/* CPU time, not wall-clock: as many samples on a busy machine */
	clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &t0);
	do {
		sink += hot_function(n_hot);
		sink += cold_function(n_cold);
		clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &t);
	} while ((t.tv_sec - t0.tv_sec) + (t.tv_nsec - t0.tv_nsec) / 1e9 < secs);
	return 0;
}
EOF

can_record=
if command -v cc >/dev/null 2>&1 && prof-record -o probe.folded true >probe.out 2>&1; then
	can_record=1
fi
if test -z "$can_record" && test "$CI" != true; then
	test_skip 'a C program recorded with --lines: its hot line has the largest flat' \
	    "cannot record here: $(head -n 1 probe.out 2>/dev/null || echo no C compiler)"
else
	test_expect_success 'a C program recorded with --lines: its hot line has the largest flat' '
		mkdir csrc && cp hot.c csrc/hot.c &&
		cc -O1 -g -fno-omit-frame-pointer -o hot csrc/hot.c &&
		hot=$(grep -n "/\* HOT \*/" csrc/hot.c | cut -d: -f1) &&
		prof-record -F 999 --lines -o hot.folded ./hot 0.5 &&
		prof-top --list "^hot_function\$" --source csrc hot.folded >listing &&
		cat listing &&
		grep -F "/* HOT */" listing &&
		prof-top --list "^hot_function\$" --format csv hot.folded >hot.csv &&
		sort -t, -k4,4nr hot.csv | sed -n 1p >top &&
		cut -d, -f3 top >actual &&
		echo "$hot" >expect &&
		test_cmp expect actual &&
		flat=$(cut -d, -f4 top) &&
		test "$flat" -ge 50
	'
fi

done_testing
