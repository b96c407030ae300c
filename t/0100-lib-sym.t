#!/bin/sh
test_description='lib/sym/sym: addresses to inline chains and source lines'
. "$(dirname "$0")/lib.sh"

# The programs under test are built here from t/data/sym (see its README)
# with gcc, whose DWARF binutils' addr2line reads right (addr2line 2.40
# misplaces clang's DW_AT_ranges); clang's output is checked on its own.
# The driver t/helpers/sym-test.c is linked against lib/libprof.a as built
# (with the sanitizers when the build has them), or the two sources.

for tool in gcc g++ nm strip readelf addr2line pkg-config; do
	command -v $tool >/dev/null 2>&1 || skip_or_fail "no $tool"
done
pkg-config --exists libdw libelf || skip_or_fail "no libdw, libelf (pkg-config)"

SRC=$T_DATA/sym
DRIVER_FLAGS="$DRIVER_FLAGS $(pkg-config --cflags libdw libelf)"
if test -f "$ROOT/lib/libprof.a"; then
	DRIVER_LIB=$ROOT/lib/libprof.a
else
	DRIVER_LIB="$ROOT/lib/sym/sym.c $ROOT/lib/core/util.c"
fi

# line_of MARKER FILE: the line of FILE with the comment /* MARKER */.
line_of () {
	grep -n "/\* $1 \*/" "$2" | cut -d: -f1
}
LEAF=$(line_of LEAF "$SRC/inl.c")
LEAF2=$((LEAF + 1))
MIDDLE1=$(line_of MIDDLE1 "$SRC/inl.c")
MIDDLE2=$(line_of MIDDLE2 "$SRC/inl.c")
OUTER=$(line_of OUTER "$SRC/inl.c")
ADD=$(line_of ADD "$SRC/nested.c")

# fn_addrs BIN FN [nm option]: every byte address of function FN, in hex.
fn_addrs () {
	set -- $(nm -S $3 "$1" | awk -v f="$2" '$4 == f { print $1, $2; exit }')
	test $# = 2 || { echo "fn_addrs: no function $2" >&2; return 1; }
	start=$((0x$1)) size=$((0x$2)) i=0
	while test $i -lt $size; do
		printf '%x\n' $((start + i))
		i=$((i + 1))
	done
}

# fn_addr BIN FN OFFSET: one address in FN.
fn_addr () {
	fn_addrs "$1" "$2" >fn.addrs && sed -n "$(($3 + 1))p" fn.addrs
}

# a2l_check BIN FN...: for every address of the functions, sym-test prints
# what addr2line -i does (without its " (discriminator N)").
a2l_check () {
	bin=$1
	shift
	for fn; do fn_addrs "$bin" "$fn" || return 1; done >addrs &&
	addr2line -a -i -f -s -C -e "$bin" <addrs |
		sed 's/ (discriminator [0-9]*)//' >expect &&
	sym-test -a "$bin" <addrs >actual &&
	test_cmp expect actual
}

# eu_check BIN FN...: the same against eu-addr2line (elfutils), whose
# columns and " inlined at ... in ..." are dropped.
eu_check () {
	bin=$1
	shift
	for fn; do fn_addrs "$bin" "$fn" || return 1; done >addrs &&
	eu-addr2line -a -i -f -s -C -e "$bin" <addrs | sed -e 's/ inlined at .*//' \
		-e 's/^\(.*:[0-9][0-9]*\):[0-9][0-9]*$/\1/' -e 's/:0$/:?/' >expect &&
	sym-test -a "$bin" <addrs >actual &&
	test_cmp expect actual
}

# chains BIN FN: the distinct inline chains over FN's addresses, one a line:
# outer@32;middle@21;leaf@14 (outermost first, NAME@LINE).
chains () {
	fn_addrs "$1" "$2" >chain.addrs &&
	sym-test "$1" $(cat chain.addrs) >chain.out &&
	awk '/^[0-9]+$/ { if (s != "") print s; s = ""; next }
	{ split($0, f, "\t"); sub(/.*:/, "", f[2]); s = s (s == "" ? "" : ";") f[1] "@" f[2] }
	END { if (s != "") print s }' chain.out | sort -u
}

# inl_chains_ok BIN: outer's chains are those inl.c's markers say.
inl_chains_ok () {
	chains "$1" outer >chains &&
	grep -E -x "outer@$OUTER;middle@$MIDDLE1;leaf@($LEAF|$LEAF2)" chains &&
	grep -E -x "outer@$OUTER;middle@$MIDDLE2;leaf@($LEAF|$LEAF2)" chains &&
	{ grep -v '^outer@' chains >bad; test_must_be_empty bad; }
}

test_expect_success 'build the driver and the programs' '
	$DRIVER_CC $DRIVER_FLAGS -o sym-test "$ROOT/t/helpers/sym-test.c" \
		$DRIVER_LIB $(pkg-config --libs libdw libelf) -lstdc++ &&
	gcc -O2 -g -fPIE -pie -o pie "$SRC/inl.c" &&
	gcc -O2 -g -fno-pie -no-pie -o nopie "$SRC/inl.c" &&
	readelf -h pie | grep "Type: *DYN" &&
	readelf -h nopie | grep "Type: *EXEC"
'
PATH=$TRASH:$PATH

test_expect_success 'PIE: every address of outer and main as addr2line -i' '
	a2l_check pie outer main
'
test_expect_success 'non-PIE: every address of outer and main as addr2line -i' '
	a2l_check nopie outer main
'
if command -v eu-addr2line >/dev/null 2>&1; then
	test_expect_success 'PIE and non-PIE as eu-addr2line -i' '
		eu_check pie outer main &&
		eu_check nopie outer main
	'
else
	test_skip 'PIE and non-PIE as eu-addr2line -i' 'no eu-addr2line (elfutils)'
fi

test_expect_success 'chains: outer;middle;leaf at the call sites marked in inl.c' '
	inl_chains_ok pie &&
	inl_chains_ok nopie
'

test_expect_success 'shared libraries, at 0 and at p_vaddr 0x10000000' '
	gcc -O2 -g -fPIC -shared -o lib.so "$SRC/inl.c" &&
	gcc -O2 -g -fPIC -shared -Wl,-Ttext-segment=0x10000000 -o libhi.so "$SRC/inl.c" &&
	fn_addr libhi.so outer 0 >a && grep "^10" a &&
	a2l_check lib.so outer &&
	a2l_check libhi.so outer &&
	inl_chains_ok libhi.so
'

if command -v clang >/dev/null 2>&1; then
	test_expect_success 'clang, whose output has no .debug_aranges' '
		clang -O2 -g -o clang-pie "$SRC/inl.c" &&
		! readelf -S clang-pie | grep debug_aranges &&
		inl_chains_ok clang-pie
	'
else
	test_skip 'clang, whose output has no .debug_aranges' 'no clang'
fi

test_expect_success 'split DWARF (-gsplit-dwarf): as without' '
	mkdir split &&
	(cd split && gcc -O2 -g -gsplit-dwarf -o inl "$SRC/inl.c") &&
	ls split/*.dwo &&
	fn_addrs split/inl outer >addrs &&
	sym-test -a split/inl <addrs >actual &&
	gcc -O2 -g -o whole "$SRC/inl.c" &&
	sym-test -a whole <addrs >expect &&
	test_cmp expect actual &&
	inl_chains_ok split/inl
'

test_expect_success 'strip -g: the ELF symbol, no line' '
	strip -g -o stripped-g pie &&
	sym-test stripped-g $(fn_addr pie outer 5) $(fn_addr pie main 1) >actual &&
	printf "1\nouter\t??:0\n1\nmain\t??:0\n" >expect &&
	test_cmp expect actual
'

test_expect_success 'strip: nothing without a symbol, an exported one named' '
	strip -o stripped pie &&
	gcc -O2 -g -rdynamic -o dyn "$SRC/inl.c" &&
	strip -o stripped-dyn dyn &&
	nm -D stripped-dyn | grep " T outer$" &&
	sym-test stripped $(fn_addr pie outer 5) \
		-f stripped-dyn $(fn_addr dyn outer 5) >actual &&
	printf "0\n1\nouter\t??:0\n" >expect &&
	test_cmp expect actual
'

# Symbols are indexed once per file and searched by bisection: on 2,000
# functions of every size, static and global, with aliases, the names of
# every 7th function (first, middle and last byte) are addr2line's.  (Of
# a static function with a global alias, libdwfl and sym name the alias,
# addr2line the static function: the aliases here are of global ones.)
test_expect_success 'many functions, .symtab only: names as addr2line -f' '
	awk "BEGIN {
		for (i = 0; i < 2000; i++) {
			printf \"%s int f%d(int *a, int n) { int s = %d;\", i % 3 ? \"\" : \"static\", i, i
			for (j = 0; j < i % 9; j++)
				printf \" for (int i = 0; i < n; i++) s += a[i] * %d + (s >> %d);\", j + i, j + 1
			printf \" return s; }\\n\"
			if (i % 50 == 0 && i % 3)
				printf \"int alias%d(int *, int) __attribute__((alias(\\\"f%d\\\")));\\n\", i, i
		}
		printf \"int (*tab[])(int *, int) = {\"
		for (i = 0; i < 2000; i++)
			printf \"f%d,\", i
		printf \"};\\nint main(int c, char **v) { int a[4] = {c}; return tab[c](a, 4); }\\n\"
	}" >many.c &&
	gcc -O1 -fno-inline -o many many.c &&
	nm -S many | awk "\$4 ~ /^f[0-9]*[07]\$/ && \$3 ~ /[Tt]/ { print \$1, \$2 }" >fns &&
	test "$(wc -l <fns)" -gt 300 &&
	while read -r start size; do
		printf "%x\n%x\n%x\n" $((0x$start)) $((0x$start + 0x$size / 2)) \
			$((0x$start + 0x$size - 1))
	done <fns >addrs &&
	addr2line -a -f -e many <addrs | awk "NR % 3 == 2" >expect &&
	sym-test -a many <addrs | awk "NR % 3 == 2" >actual &&
	test_cmp expect actual
'

test_expect_success 'MiniDebugInfo (.gnu_debugdata): static functions named, as unstripped' '
	command -v xz >/dev/null 2>&1 || { echo "no xz: skipped"; return 0; } &&
	nm -D --format=posix --defined-only many | cut -d" " -f1 | sort >dynsyms &&
	nm --format=posix --defined-only many | awk "\$2 ~ /^[Tt]\$/ { print \$1 }" |
		sort >funcsyms &&
	comm -13 dynsyms funcsyms >keep &&
	objcopy --only-keep-debug many many.debug &&
	objcopy -S --remove-section .comment --keep-symbols=keep many.debug minidebug &&
	xz minidebug &&
	strip --strip-all -R .comment -o many-mini many &&
	objcopy --add-section .gnu_debugdata=minidebug.xz many-mini &&
	! readelf -SW many-mini | grep -F .symtab &&
	sym-test -a many <addrs >expect &&
	sym-test -a many-mini <addrs >actual &&
	test_cmp expect actual
'

test_expect_success 'not ELF, missing, empty, a directory, a device: 0 frames' '
	printf "hello\n" >text &&
	: >empty &&
	printf "\177ELF" >magic-only &&
	sym-test text 1135 -f missing 1135 -f empty 0 -f magic-only 0 \
		-f . 1135 -f /dev/null 0 -f "" 0 -f pie $(fn_addr pie main 0) >actual &&
	printf "0\n0\n0\n0\n0\n0\n0\n1\nmain\tinl.c:%s\n" \
		$(addr2line -e pie $(fn_addr pie main 0) | sed "s/.*://") >expect &&
	test_cmp expect actual
'

test_expect_success 'an address outside the file: 0 frames' '
	sym-test pie 0 ffffffffffffffff 10 >actual &&
	printf "0\n0\n0\n" >expect &&
	test_cmp expect actual
'

test_expect_success 'truncated copies: no crash' '
	size=$(wc -c <pie) a=$(fn_addr pie outer 13) b=$(fn_addr pie main 0) &&
	for n in 1 4 16 52 63 64 65 100 1000 $((size / 2)) $((size - 1000)) \
	    $((size - 100)) $((size - 1)); do
		head -c $n pie >cut.$n &&
		sym-test cut.$n $a $b >/dev/null || { echo "failed at $n bytes"; exit 1; }
	done
'

test_expect_success 'corrupted debug information: no crash' '
	perl -e '\''
		open my $f, "<:raw", "pie" or die; local $/; my $d = <$f>;
		srand(7);
		for my $i (1 .. 40) {
			my $c = $d;
			# bytes of the second half, where the debug sections are
			for (1 .. 4) {
				substr($c, length($d) / 2 + int(rand(length($d) / 2)), 1) =
				    chr(int(rand(256)));
			}
			open my $o, ">:raw", "bad.$i" or die; print $o $c; close $o;
		}'\'' &&
	a=$(fn_addr pie outer 13) b=$(fn_addr pie main 0) &&
	for i in $(seq 1 40); do
		sym-test bad.$i $a $b >/dev/null || { echo "failed on bad.$i"; exit 1; }
	done
'

test_expect_success 'C++: names demangled, an inlined member' '
	g++ -O2 -g -o cxx "$SRC/cxx.cc" &&
	nm -S cxx | awk "/work|twice/ { print \$4 }" >syms &&
	work=$(grep work syms) && twice=$(grep twice syms) &&
	sym-test cxx $(fn_addr cxx $work 0) $(fn_addr cxx $twice 0) >actual &&
	printf "1\nprof::demo::work(int)\tcxx.cc:%s\n1\nprof::demo::Box<int>::twice(int) const\tcxx.cc:%s\n" \
		$(addr2line -e cxx $(fn_addr cxx $work 0) $(fn_addr cxx $twice 0) | sed "s/.*://") >expect &&
	test_cmp expect actual &&
	chains cxx $work >chains &&
	grep "^prof::demo::work(int)@[0-9]*;prof::demo::Box<int>::plus(int) const@[0-9]*$" chains &&
	a2l_check cxx $work $twice
'

test_expect_success 'Rust legacy names as addr2line -C prints them, without the hash' '
	gcc -O2 -o rust "$SRC/rust.c" &&
	nm rust | awk "/ _ZN/ { print \$3 }" | sort >syms &&
	test_line_count = 2 syms &&
	sym-test rust $(fn_addr rust $(sed -n 1p syms) 0) $(fn_addr rust $(sed -n 2p syms) 0) >actual &&
	printf "1\nstd::rt::lang_start<()>::{{closure}}\t??:0\n1\ncore::ptr::drop_in_place<alloc::vec::Vec<&str>>\t??:0\n" >expect &&
	test_cmp expect actual
'

test_expect_success 'a GNU C nested function: its own name and line' '
	gcc -O2 -g -o nested "$SRC/nested.c" 2>/dev/null &&
	add=$(nm nested | awk "\$3 ~ /^add/ { print \$3 }") &&
	sym-test nested $(fn_addr nested $add 0) >actual &&
	printf "1\nadd\tnested.c:%s\n" $ADD >expect &&
	test_cmp expect actual
'

test_expect_success 'one cache, several files: answers kept apart' '
	a=$(fn_addr pie outer 13) b=$(fn_addr nopie outer 13) &&
	sym-test pie $a >expect &&
	sym-test nopie $b >>expect &&
	sym-test pie $a >>expect &&
	sym-test pie $a -f nopie $b -f pie $a >actual &&
	test_cmp expect actual
'

done_testing
