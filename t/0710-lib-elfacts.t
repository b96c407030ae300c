#!/bin/sh
test_description='lib/plan/elfacts: how a binary was built, from its ELF and DWARF'
. "$(dirname "$0")/lib.sh"

# The binaries are built here with gcc and clang from the two sources
# below; readelf is the referee for the functions.  The driver
# t/helpers/elfacts-test.c prints every fact as "key: value"; expect_facts
# compares the keys a case names.

for tool in gcc strip objcopy readelf pkg-config; do
	command -v $tool >/dev/null 2>&1 || skip_or_fail "no $tool"
done
pkg-config --exists libdw libelf || skip_or_fail "no libdw, libelf (pkg-config)"
test -f "$ROOT/lib/libprof.a" || skip_or_fail "lib/libprof.a is not built; run make"

# Twelve functions the compiler must keep, so that a prologue count
# has something to count: g, f0 .. f9 and main.
cat >prog.c <<\EOF
volatile int sink;
__attribute__((noinline)) int g(int x) { sink = x; return sink; }
#define F(n) __attribute__((noinline)) int f##n(int x) { return x * (n + 3) + g(x); }
F(0) F(1) F(2) F(3) F(4) F(5) F(6) F(7) F(8) F(9)
int u1(int);
int
main(int argc, char **argv)
{
	return (f0(argc) + f1(argc) + f2(argc) + f3(argc) + f4(argc) + f5(argc) +
	    f6(argc) + f7(argc) + f8(argc) + f9(argc) + u1(argc)) & 1;
}
EOF
cat >util.c <<\EOF
int u1(int x) { return x + 1; }
EOF
cat >other.c <<\EOF
int u1(int x) { return x + 2; }
int main(void) { return u1(0); }
EOF

test_expect_success 'build the driver' '
	$DRIVER_CC $DRIVER_FLAGS -o elfacts-test "$ROOT/t/helpers/elfacts-test.c" \
		"$ROOT/lib/libprof.a" $(pkg-config --libs libdw libelf) -lm
'
PATH=$TRASH:$PATH

# cc_prog OUT CC-ARGS...: prog.c and util.c built with the same options.
cc_prog () {
	_out=$1
	shift
	gcc "$@" -o "$_out" prog.c util.c
}

# expect_facts BIN [NAME...] <EXPECT: the lines of elfacts-test's output
# whose keys EXPECT names (in the output's order) are EXPECT.
expect_facts () {
	cat >expect &&
	elfacts-test "$@" >out &&
	awk -F": " "NR == FNR { want[\$1] = 1; next } \$1 in want" expect out >actual &&
	test_cmp expect actual
}

# ref_funcs BIN TABLE: the defined functions of .symtab or .dynsym as
# readelf lists them, without versions, sorted and unique.
ref_funcs () {
	readelf -sW "$1" | awk -v t="'$2'" '
	/^Symbol table / { on = index($0, t) > 0; next }
	on && ($4 == "FUNC" || $4 == "IFUNC") && $7 != "UND" && $3 != "0" {
		sub(/@.*/, "", $8); print $8
	}' | sort -u
}

# funcs_are BIN TABLE: elfacts-test lists what ref_funcs does.
funcs_are () {
	ref_funcs "$1" "$2" >expect.funcs &&
	test -s expect.funcs &&
	elfacts-test "$1" >out &&
	sed -n "s/^func: //p" out >actual.funcs &&
	test_cmp expect.funcs actual.funcs
}

# --- what cannot be read ------------------------------------------------

test_expect_success 'not ELF, missing, a directory, empty: status 2 and why' '
	printf "hello\n" >text &&
	: >empty &&
	printf "\177ELF" >magic-only &&
	mkdir dir &&
	for f in text empty magic-only /dev/null; do
		test_expect_code 2 elfacts-test $f >out 2>>actual &&
		test_must_be_empty out || exit 1
	done &&
	test_expect_code 2 elfacts-test missing 2>>actual &&
	test_expect_code 2 elfacts-test dir 2>>actual &&
	cat >expect <<-\EOF &&
	elfacts-test: text: not an ELF file
	elfacts-test: empty: not an ELF file
	elfacts-test: magic-only: not an ELF file
	elfacts-test: /dev/null: not a regular file: not read
	elfacts-test: missing: cannot open: No such file or directory
	elfacts-test: dir: cannot open: Is a directory
	EOF
	test_cmp expect actual
'

test_expect_success 'truncated and damaged copies: facts or a reason, never a crash' '
	cc_prog whole -O2 -g &&
	size=$(wc -c <whole) &&
	for n in 16 63 64 65 200 1000 4000 $((size / 2)) $((size - 500)) $((size - 1)); do
		head -c $n whole >cut &&
		{ elfacts-test cut >/dev/null 2>err; test $? -le 2; } &&
		{ test ! -s err || grep -q "^elfacts-test: cut: " err; } ||
			{ echo "at $n bytes"; cat err; exit 1; }
	done &&
	for off in 40 60 200 1000 3000 $((size - 2000)) $((size - 300)); do
		cp whole bad &&
		printf "\377\377\377\377\377\377\377\377" |
			dd of=bad bs=1 seek=$off conv=notrunc 2>/dev/null &&
		{ elfacts-test bad >/dev/null 2>err; test $? -le 2; } ||
			{ echo "damaged at $off"; cat err; exit 1; }
	done
'

# --- optimisation level, units, frame pointers --------------------------

test_expect_success 'gcc -O0 -g: -O0, every unit named, frame pointers' '
	cc_prog o0 -O0 -g &&
	expect_facts o0 <<-\EOF
	debug: 1
	debug_file: -
	stripped: 0
	pie: 1
	framepointers: 1
	opt: -O0
	units: 2
	units_noopt: 2
	noopt_name: prog.c
	noopt_name: util.c
	EOF
'

test_expect_success 'gcc -O2 -g: -O2, no frame pointers (prologues)' '
	cc_prog o2 -O2 -g &&
	expect_facts o2 <<-\EOF &&
	debug: 1
	framepointers: 0
	opt: -O2
	units: 2
	units_noopt: 0
	EOF
	grep "^producer: GNU C.* -O2" out
'

test_expect_success 'gcc -O2 -fno-omit-frame-pointer: frame pointers (producer)' '
	cc_prog o2fp -O2 -g -fno-omit-frame-pointer &&
	expect_facts o2fp <<-\EOF &&
	framepointers: 1
	opt: -O2
	EOF
	cc_prog o2fp-omit -O2 -g -fno-omit-frame-pointer -fomit-frame-pointer &&
	expect_facts o2fp-omit <<-\EOF &&
	framepointers: 0
	EOF
	cc_prog o0-omit -O0 -g -fomit-frame-pointer &&
	expect_facts o0-omit <<-\EOF
	framepointers: 0
	opt: -O0
	EOF
'

# The -O options of one unit: the last one counts, as in gcc.
cat >opts.cases <<\EOF
-O0|-O0
-O|-O1
-O1|-O1
-O2|-O2
-O3|-O3
-O9|-O3
-O00|-O0
-O01|-O1
-O10|-O3
-Os|-Os
-Oz|-Os
-Og|-Og
-Ofast|-Ofast
-O3 -O1|-O1
-O2 -O0|-O0
-Os -O2|-O2
|-O0
EOF

test_expect_success 'gcc -O options: the last one, -O alone is -O1, none is -O0' '
	while IFS="|" read -r opts want; do
		gcc $opts -g -c -o u.o util.c &&
		elfacts-test u.o >out &&
		echo "opts [$opts] opt: $want" >expect &&
		echo "opts [$opts] $(grep "^opt: " out)" >actual &&
		test_cmp expect actual || exit 1
	done <opts.cases
'

# Two units: the lowest level counts (0 < g < 1 < s < 2 < 3 < fast).
cat >lowest.cases <<\EOF
-O2|-O0|-O0|1|util.c
-Og|-O1|-Og|0|
-O1|-Og|-Og|0|
-Os|-O2|-Os|0|
-O2|-O1|-O1|0|
-O3|-Ofast|-O3|0|
-O2|-O3|-O2|0|
EOF

test_expect_success 'units at different levels: the lowest, and the ones at -O0 named' '
	while IFS="|" read -r a b want noopt name; do
		gcc $a -g -c -o p.o prog.c &&
		gcc $b -g -c -o u.o util.c &&
		gcc -o mixed p.o u.o &&
		{
			echo "opt: $want" &&
			echo "units: 2" &&
			echo "units_noopt: $noopt" &&
			if test -n "$name"; then echo "noopt_name: $name"; fi
		} >expect.case &&
		expect_facts mixed <expect.case || { echo "case: $a $b"; exit 1; }
	done <lowest.cases
'

test_expect_success 'at most 8 names of units at -O0, all of them counted' '
	for i in 1 2 3 4 5 6 7 8 9 10; do
		echo "int x$i(int x) { return x + $i; }" >x$i.c || exit 1
	done &&
	gcc -O0 -g -o many prog.c util.c x1.c x2.c x3.c x4.c x5.c x6.c x7.c x8.c x9.c x10.c &&
	expect_facts many <<-\EOF
	units: 12
	units_noopt: 12
	noopt_name: prog.c
	noopt_name: util.c
	noopt_name: x1.c
	noopt_name: x2.c
	noopt_name: x3.c
	noopt_name: x4.c
	noopt_name: x5.c
	noopt_name: x6.c
	EOF
'

test_expect_success 'units not the user'"'"'s: assembler, under /usr/, ../sysdeps' '
	mkdir -p sysdeps work &&
	echo "int x1(int x) { return x + 1; }" >sysdeps/x1.c &&
	printf ".text\n.globl x2\n.type x2, @function\nx2:\n\tret\n.size x2, 1\n.section .note.GNU-stack,\"\",@progbits\n" >x2.s &&
	gcc -O2 -g -c -o p.o prog.c &&
	gcc -O0 -g -c -fdebug-prefix-map="$PWD=/usr/src" -o u.o "$PWD/util.c" &&
	(cd work && gcc -O0 -g -c -o ../x1.o ../sysdeps/x1.c) &&
	gcc -g -c -o x2.o x2.s &&
	gcc -o notmine p.o u.o x1.o x2.o &&
	readelf --debug-dump=info notmine >info &&
	grep "GNU AS" info && grep "/usr/src/util.c" info && grep "\.\./sysdeps/x1.c" info &&
	expect_facts notmine <<-\EOF
	debug: 1
	opt: -O2
	units: 1
	units_noopt: 0
	EOF
'

test_expect_success 'without -g: no DWARF, level unknown, frame pointers from prologues' '
	cc_prog nog -O2 &&
	expect_facts nog <<-\EOF &&
	debug: 0
	debug_file: -
	stripped: 0
	framepointers: 0
	opt: unknown
	producer: -
	units: 0
	units_noopt: 0
	EOF
	cc_prog nogfp -O2 -fno-omit-frame-pointer &&
	expect_facts nogfp <<-\EOF
	debug: 0
	framepointers: 1
	opt: unknown
	EOF
'

test_expect_success 'an object file (ET_REL): prologues by section, not a PIE' '
	gcc -O2 -c -o p.o prog.c &&
	expect_facts p.o <<-\EOF &&
	pie: -1
	framepointers: 0
	EOF
	gcc -O2 -fno-omit-frame-pointer -c -o pfp.o prog.c &&
	expect_facts pfp.o <<-\EOF &&
	pie: -1
	framepointers: 1
	EOF
	funcs_are pfp.o .symtab
'

# --- PIE, shared libraries --------------------------------------------

test_expect_success 'PIE, not PIE, static PIE, shared library' '
	cc_prog pie -O2 -fPIE -pie &&
	cc_prog nopie -O2 -fno-pie -no-pie &&
	gcc -O2 -static-pie -o static-pie other.c &&
	gcc -O2 -g -fPIC -shared -o lib.so prog.c util.c &&
	for f in pie nopie static-pie lib.so; do
		elfacts-test $f >out && echo "$f $(grep "^pie: " out)" || exit 1
	done >actual &&
	cat >expect <<-\EOF &&
	pie pie: 1
	nopie pie: 0
	static-pie pie: 1
	lib.so pie: -1
	EOF
	test_cmp expect actual &&
	readelf -lW static-pie >ph && ! grep INTERP ph
'

# --- functions ----------------------------------------------------------

test_expect_success 'funcs: the defined functions of .symtab, sorted and unique' '
	cc_prog o2 -O2 -g &&
	funcs_are o2 .symtab &&
	for fn in g f0 f9 main u1 _start; do
		grep -x "func: $fn" out || exit 1
	done &&
	! grep -x "func: sink" out &&
	! grep -x "func: __libc_start_main" out &&
	sed -n "s/^func: //p" out >names &&
	sort -u names >sorted && test_cmp sorted names
'

test_expect_success 'elfacts_defines: whole names only' '
	cc_prog o2 -O2 -g &&
	expect_facts o2 main f0 f f00 g mai "" u1 zzz <<-\EOF
	defines main: 1
	defines f0: 1
	defines f: 0
	defines f00: 0
	defines g: 1
	defines mai: 0
	defines : 0
	defines u1: 1
	defines zzz: 0
	EOF
'

test_expect_success 'versioned names (lf@V1, lf@@V2) are one function, lf' '
	cat >sv.c <<-\EOF &&
	__asm__(".symver old_lf, lf@V1");
	__asm__(".symver new_lf, lf@@V2");
	int old_lf(int x) { return x * 3; }
	int new_lf(int x) { return x * 5; }
	EOF
	printf "V1 { global: lf; local: *; };\nV2 { global: lf; } V1;\n" >v.map &&
	gcc -O2 -fPIC -shared -Wl,--version-script=v.map -o sv.so sv.c &&
	readelf -sW sv.so | grep -F " lf@@V2" &&
	expect_facts sv.so <<-\EOF
	funcs: 3
	func: lf
	func: new_lf
	func: old_lf
	EOF
'

# --- stripped binaries, separate debug files ---------------------------

test_expect_success 'strip: no .symtab, the functions of .dynsym, no DWARF' '
	cc_prog o2 -O2 -g &&
	strip -o o2-stripped o2 &&
	expect_facts o2-stripped <<-\EOF
	debug: 0
	debug_file: -
	stripped: 1
	framepointers: -1
	opt: unknown
	units: 0
	funcs: 0
	EOF
'

test_expect_success 'strip -rdynamic: the exported functions, frame pointers from prologues' '
	cc_prog dyn -O2 -rdynamic &&
	strip -o dyn-stripped dyn &&
	funcs_are dyn-stripped .dynsym &&
	expect_facts dyn-stripped f0 f9 main u1 <<-\EOF &&
	debug: 0
	stripped: 1
	framepointers: 0
	defines f0: 1
	defines f9: 1
	defines main: 1
	defines u1: 1
	EOF
	cc_prog dynfp -O2 -rdynamic -fno-omit-frame-pointer &&
	strip -o dynfp-stripped dynfp &&
	expect_facts dynfp-stripped <<-\EOF
	stripped: 1
	framepointers: 1
	EOF
'

test_expect_success '.gnu_debuglink: the debug file beside the binary, then in .debug/' '
	mkdir -p sep/.debug &&
	cc_prog sep/prog -O2 -g -fno-omit-frame-pointer &&
	objcopy --only-keep-debug sep/prog sep/prog.debug &&
	strip sep/prog &&
	objcopy --add-gnu-debuglink=sep/prog.debug sep/prog &&
	expect_facts sep/prog <<-\EOF &&
	debug: 1
	debug_file: sep/prog.debug
	stripped: 1
	framepointers: 1
	opt: -O2
	units: 2
	EOF
	mv sep/prog.debug sep/.debug/ &&
	expect_facts sep/prog <<-\EOF &&
	debug: 1
	debug_file: sep/.debug/prog.debug
	stripped: 1
	EOF
	(cd sep && expect_facts prog <<-\EOF
	debug: 1
	debug_file: .debug/prog.debug
	EOF
	)
'

test_expect_success '.gnu_debuglink: a debug file of another build is not used' '
	mkdir -p other &&
	gcc -O0 -g -o other/prog other.c &&
	objcopy --only-keep-debug other/prog other/prog.debug &&
	strip other/prog &&
	objcopy --add-gnu-debuglink=other/prog.debug other/prog &&
	mv other/prog.debug other/saved &&
	cc_prog other/real -O2 -g &&
	objcopy --only-keep-debug other/real other/prog.debug &&
	expect_facts other/prog <<-\EOF &&
	debug: 0
	debug_file: -
	opt: unknown
	EOF
	mv other/saved other/prog.debug &&
	expect_facts other/prog <<-\EOF
	debug: 1
	debug_file: other/prog.debug
	opt: -O0
	EOF
'

# find_lib NAME: a system library NAME with a separate debug file under
# /usr/lib/debug/.build-id (Debian's libc6-dbg), as "path debug-path".
find_lib () {
	for _l in /lib/*/$1 /usr/lib/*/$1 /lib64/$1 /usr/lib64/$1; do
		test -f "$_l" || continue
		_id=$(readelf -n "$_l" 2>/dev/null | sed -n "s/.*Build ID: *//p")
		test -n "$_id" || continue
		_d=/usr/lib/debug/.build-id/$(echo "$_id" | cut -c1-2)/$(echo "$_id" | cut -c3-).debug
		test -f "$_d" && { echo "$_l $_d"; return 0; }
	done
	return 1
}

if set -- $(find_lib libm.so.6); test $# = 2; then
	LIBM=$1 LIBM_DEBUG=$2
	test_expect_success 'the build-id path: a system library and its debug package' '
		expect_facts "$LIBM" <<-EOF
		debug: 1
		debug_file: $LIBM_DEBUG
		stripped: 1
		pie: -1
		opt: -O2
		EOF
	'
else
	test_skip 'the build-id path: a system library and its debug package' \
		'no libm.so.6 with a debug file under /usr/lib/debug/.build-id (libc6-dbg)'
fi

# --- clang ---------------------------------------------------------------

if command -v clang >/dev/null 2>&1; then
	test_expect_success 'clang -O2 -g: no options in the producer, the level unknown' '
		clang -O2 -g -o c-o2 prog.c util.c &&
		expect_facts c-o2 <<-\EOF &&
		debug: 1
		framepointers: 0
		opt: unknown
		units: 2
		units_noopt: 0
		EOF
		grep "^producer: .*clang version [0-9.]*$" out
	'
	test_expect_success 'clang -grecord-command-line: the level, -O0 when none' '
		clang -O2 -g -grecord-command-line -o c-rec prog.c util.c &&
		expect_facts c-rec <<-\EOF &&
		opt: -O2
		units: 2
		units_noopt: 0
		EOF
		clang -g -grecord-command-line -o c-rec0 prog.c util.c &&
		expect_facts c-rec0 <<-\EOF
		framepointers: 1
		opt: -O0
		units: 2
		units_noopt: 2
		noopt_name: prog.c
		noopt_name: util.c
		EOF
	'
	test_expect_success 'clang -O2 -fno-omit-frame-pointer, options not recorded: prologues' '
		clang -O2 -g -fno-omit-frame-pointer -o c-fp prog.c util.c &&
		expect_facts c-fp <<-\EOF
		framepointers: 1
		opt: unknown
		EOF
	'
elif test "$CI" = true; then
	test_expect_success 'clang (scripts/deps installs clang)' 'false'
else
	test_skip 'clang: the producer without options' 'no clang'
fi

done_testing
