#!/bin/sh
test_description='lib/record/unwind: a sample unwound with libdwfl and libunwind, and named'
. "$(dirname "$0")/lib.sh"

# The driver t/helpers/unwind-test.c takes a sample of itself at the bottom
# of a 40-deep recursion (t/data/stack/deep.c, built -O2
# -fomit-frame-pointer: only DWARF CFI unwinds it), unwinds it with both
# unwinders and names every frame; see the comments of both files.  It is
# linked against lib/libprof.a as built (with the sanitizers when the build
# has them), or the sources.

for tool in gcc strip addr2line objdump readelf pkg-config; do
	command -v $tool >/dev/null 2>&1 || skip_or_fail "no $tool"
done
test "$(uname -m)" = x86_64 || skip_all "x86-64 only"
pkg-config --exists libdw libelf libunwind-generic ||
	skip_or_fail "no libdw, libelf, libunwind-generic (pkg-config)"

SRC=$T_DATA/stack
DRIVER_FLAGS="$DRIVER_FLAGS $(pkg-config --cflags libdw libelf libunwind-generic)"
DRIVER_LIBS="$(pkg-config --libs libdw libelf libunwind-generic) -lstdc++"
if test -f "$ROOT/lib/libprof.a"; then
	DRIVER_LIB=$ROOT/lib/libprof.a
else
	DRIVER_LIB="$ROOT/lib/record/unwind.c $ROOT/lib/sym/sym.c $ROOT/lib/core/util.c"
fi

# line_of MARKER FILE: the line of FILE with the comment /* MARKER */.
line_of () {
	grep -n "/\* $1 \*/" "$2" | cut -d: -f1
}
CALL_MID=$(line_of CALL_MID "$SRC/deep.c")
CALL_CAPTURE=$(line_of CALL_CAPTURE "$SRC/deep.c")

# split OUT: the driver's output, one file per unwinder (dwfl, libunwind),
# the unwinder's name taken out of the stack line.
split () {
	rm -f dwfl libunwind &&
	awk '/^unwinder / { u = $2; next }
	/^stack / { $2 = "-" }
	u != "" && /^(frame|stack) / { print > u }' "$1" &&
	test -s dwfl && test -s libunwind
}

# a2l_chains BIN: "VADDR CHAIN" as addr2line -i says, for the addresses
# in the file addrs (hex): the chain outermost first, NAME@FILE:LINE
# joined by ";" as unwind-test prints it.
a2l_chains () {
	addr2line -a -i -f -C -s -e "$1" <addrs |
	sed -e 's/ (discriminator [0-9]*)//' -e 's/:?$/:0/' |
	awk '/^0x/ { if (a != "") print a, c; a = $0; sub(/^0x0*/, "", a); c = ""; n = 0; next }
	n % 2 == 0 { name = $0; n++; next }
	{ c = name "@" $0 (c == "" ? "" : ";" c); n++ }
	END { if (a != "") print a, c }'
}

test_expect_success 'build the driver, with deep.c at -O2 without frame pointers' '
	gcc -O2 -g -fomit-frame-pointer -c -o deep.o "$SRC/deep.c" &&
	$DRIVER_CC $DRIVER_FLAGS -o unwind-test "$ROOT/t/helpers/unwind-test.c" \
		deep.o $DRIVER_LIB $DRIVER_LIBS &&
	objdump -d deep.o >deep.dis &&
	grep "<deep_rec>:" deep.dis &&
	! grep -E "push +%rbp|mov +%rsp,%rbp" deep.dis
'
PATH=$TRASH:$PATH

test_expect_success 'libdwfl: all 40 frames of deep_rec, to main' '
	unwind-test >out &&
	split out &&
	sed -n "s/^stack - //p" dwfl >stack &&
	grep "^_start;.*;main;" stack &&
	sed "s/.*;main;/main;/" stack >actual &&
	{
		printf main
		for i in $(seq 40); do printf ";deep_rec"; done
		printf ";deep_leaf;deep_mid;deep_capture\n"
	} >expect &&
	test_cmp expect actual
'

test_expect_success 'libunwind: the same frames at the same addresses' '
	test_cmp dwfl libunwind
'

test_expect_success 'every frame of the executable named as addr2line -i names it' '
	awk "\$1 == \"frame\" && \$3 == \"unwind-test\" { print \$4 }" dwfl |
		sort -u >addrs &&
	test_line_count = 6 addrs &&
	a2l_chains unwind-test | sort >expect &&
	awk "\$1 == \"frame\" && \$3 == \"unwind-test\" { print \$4, \$5 }" dwfl |
		sort -u >actual &&
	test_cmp expect actual
'

test_expect_success 'the always_inline function: a chain at its call sites' '
	grep "^frame 1 unwind-test [0-9a-f]* deep_leaf@deep.c:$CALL_MID;deep_mid@deep.c:$CALL_CAPTURE\$" dwfl
'

test_expect_success 'main called from libc, at an address the dynamic linker knows' '
	awk "\$1 == \"frame\" && prev == \"main\" { print \$3, (\$4 != \"-\") }
	{ prev = \$5; sub(/@.*/, \"\", prev) }" dwfl >actual &&
	echo "libc.so.6 1" >expect &&
	test_cmp expect actual
'

test_expect_success 'a signal handler: unwound through the signal frame' '
	mkdir sig && cd sig &&
	unwind-test -S >out &&
	split out &&
	test_cmp dwfl libunwind &&
	sed -n "s/^stack - //p" dwfl | sed "s/.*;main;/main;/" >actual &&
	grep -E -x "main;(deep_rec;){10}deep_leaf;deep_mid;deep_capture;raise_signal;.+;on_signal;(deep_rec;){5}deep_leaf;deep_mid;deep_capture" actual
'

test_expect_success 'from unwind_mmap(), with or without build-ids, and unwind_proc_fork(): the same' '
	unwind-test -s mmap >mmap &&
	test_cmp out mmap &&
	unwind-test -s mmap -b >mmap-b &&
	test_cmp out mmap-b &&
	unwind-test -s fork >fork &&
	test_cmp out fork
'

test_expect_success 'a stripped copy unwinds to the same depth, at the same addresses' '
	strip --strip-all -o stripped unwind-test &&
	! readelf -S stripped | grep -w "\.symtab" &&
	readelf -S stripped | grep -w "\.eh_frame" &&
	stripped >stripped.out &&
	awk "/^frame / { print \$1, \$2, \$4 }" out >expect &&
	awk "/^frame / { print \$1, \$2, \$4 }" stripped.out >actual &&
	test_cmp expect actual &&
	grep "^frame 45 " actual &&
	split stripped.out &&
	test_cmp dwfl libunwind
'

test_expect_success 'a binary replaced on disk as it runs: read from its mapping' '
	printf "int main(void) { return 0; }\n" >other.c &&
	gcc -o other other.c &&
	for args in "" "-s mmap -b" "-s mmap"; do
		cp unwind-test victim && cp other replacement &&
		victim $args -R replacement >victim.out &&
		sed "s/victim/unwind-test/g" victim.out >actual &&
		test_cmp out actual || { echo "failed with: $args"; exit 1; }
	done
'

test_expect_success 'a build-id neither the file nor the mapping has: the module only' '
	unwind-test -s mmap -B >bad &&
	grep "^frame 0 unwind-test [0-9a-f]* \[unwind-test\]\$" bad &&
	! grep deep_ bad
'

test_expect_success 'the vdso, of this process and of one that has exited' '
	unwind-test -v >vdso.out &&
	grep "^vdso " vdso.out >actual &&
	grep -E "^vdso \[vdso\] (__vdso_)?clock_gettime\$" actual >ok &&
	test_line_count = 2 ok
'

test_expect_success 'after unwind_exec(), nothing is named' '
	unwind-test -e >exec.out &&
	grep "^exec [0-9]* [0-9]* 0 -\$" exec.out
'

test_expect_success 'time to unwind and name a sample, 10000 times' '
	unwind-test -t 10000 >times.40 &&
	unwind-test -n 10 -t 10000 >times.10 &&
	grep "^time dwfl .* 46 frames\$" times.40 &&
	grep "^time dwfl .* 16 frames\$" times.10
'
for f in times.40 times.10; do
	test -f "$TRASH/$f" && grep "^time" "$TRASH/$f" | sed 's/^/# /'
done

done_testing
