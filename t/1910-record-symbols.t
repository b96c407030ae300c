#!/bin/sh
test_description='prof-record: frames of stripped libraries (.dynsym guesses, --addrs, MiniDebugInfo, --debuginfod, Debian liblzma)'
. "$(dirname "$0")/lib.sh"
. "$T_DATA/record/record.sh"

# libstrip.c (t/data/record) is a shared library whose x_work spends a
# third of its CPU time in each of x_leaf (exported), inner_a and inner_b
# (static), called by usestrip.c.  It is recorded as built (.symtab),
# stripped (strip --strip-all: .dynsym only), built with
# -fvisibility=hidden and stripped (only x_leaf and x_work exported), and
# stripped with its static functions in MiniDebugInfo (.gnu_debugdata).
# Every copy is installed as libstrip.so in a directory of its own, which
# LD_LIBRARY_PATH picks.  The counts are of CPU time (x_work burns
# SECONDS of it), so they do not depend on how busy the machine is.
needs_record
for tool in strip objcopy nm readelf addr2line xz; do
	command -v $tool >/dev/null 2>&1 || skip_or_fail "no $tool"
done

LIBFLAGS="$RECORD_CFLAGS -fno-toplevel-reorder -fPIC -shared -Wl,-soname,libstrip.so"

# leaves FILE: "LEAF SAMPLES" per leaf frame, sorted by name.
leaves () {
	awk '!/^# / { n = $NF; s = $0; sub(/ [0-9]+$/, "", s)
		k = split(s, f, ";"); c[f[k]] += n }
	END { for (l in c) print l, c[l] }' "$1" | sort
}

# share FILE AWK-REGEX: the percentage of the samples whose leaf matches.
share () {
	leaves "$1" | awk -v re="$2" '{ t += $2 } $1 ~ re { n += $2 }
		END { printf "%d\n", t ? 100 * n / t : 0 }'
}

# addr_of LIB FN: FN's address in LIB (hex, no 0x), from its .symtab.
addr_of () {
	nm "$1" | awk -v f="$2" '$3 == f { print $1; exit }'
}

# to_addr LIB OFFSET: the address of file offset OFFSET (hex) in LIB, by
# its PT_LOAD segments.
to_addr () {
	readelf -lW "$1" | awk '$1 == "LOAD" { print $2, $3, $5 }' |
	while read -r off va fs; do
		if test $((0x$2)) -ge $((off)) && test $((0x$2)) -lt $((off + fs)); then
			printf "%x\n" $((0x$2 - off + va))
			break
		fi
	done
}

test_expect_success 'build libstrip.so (4 ways) and usestrip' '
	cc $LIBFLAGS -o libstrip.so "$T_DATA/record/libstrip.c" &&
	cc $RECORD_CFLAGS -o usestrip "$T_DATA/record/usestrip.c" -L. -lstrip &&
	mkdir full dynsym hidden mini &&
	cp libstrip.so full/ &&
	strip --strip-all -o dynsym/libstrip.so libstrip.so &&
	cc $LIBFLAGS -fvisibility=hidden -o hidden.so "$T_DATA/record/libstrip.c" &&
	strip --strip-all -o hidden/libstrip.so hidden.so &&
	nm -D --defined-only dynsym/libstrip.so >dyn &&
	grep " x_leaf\$" dyn && grep " x_helper\$" dyn && ! grep inner_ dyn &&
	nm -D --defined-only hidden/libstrip.so >dyn &&
	grep " x_leaf\$" dyn && ! grep -e x_helper -e inner_ dyn &&
	LD_LIBRARY_PATH=full ./usestrip 0.01
'

test_expect_success 'MiniDebugInfo: the static functions in .gnu_debugdata (xz)' '
	nm -D --format=posix --defined-only libstrip.so | cut -d" " -f1 | sort >dynsyms &&
	nm --format=posix --defined-only libstrip.so |
		awk "\$2 ~ /^[Tt]\$/ { print \$1 }" | sort >funcsyms &&
	comm -13 dynsyms funcsyms >keep &&
	grep -x inner_a keep &&
	objcopy --only-keep-debug libstrip.so debug &&
	objcopy -S --remove-section .comment --keep-symbols=keep debug minidebug &&
	xz minidebug &&
	strip --strip-all -R .comment -o mini/libstrip.so libstrip.so &&
	objcopy --add-section .gnu_debugdata=minidebug.xz mini/libstrip.so &&
	readelf -SW mini/libstrip.so | grep -F .gnu_debugdata &&
	! readelf -SW mini/libstrip.so | grep -F .symtab
'

for lib in full dynsym hidden mini; do
	case_lib=$lib
	test_expect_success "record usestrip with $lib/libstrip.so" '
		LD_LIBRARY_PATH=$case_lib prof-record -F 999 -o $case_lib.folded ./usestrip 1 &&
		test "$(samples $case_lib.folded)" -gt 300 &&
		leaves $case_lib.folded
	'
done

test_expect_success 'unstripped and MiniDebugInfo: every function named, none guessed' '
	for lib in full mini; do
		for f in x_leaf inner_a inner_b; do
			between 15 55 "$(share $lib.folded "^$f\$")" || return 1
		done &&
		! grep -F "?" $lib.folded &&
		! grep -F "[libstrip.so]" $lib.folded || return 1
	done
'

# Every frame of libstrip.so is unwound through to x_work; outside x_work
# are only start-up and exit (user and, by default, kernel: an exit_group
# sampled at its end), at most 2% of the samples.
test_expect_success 'stripped: exports named from .dynsym, plain; statics guessed after x_leaf' '
	for lib in dynsym hidden; do
		between 15 55 "$(share $lib.folded "^x_leaf\$")" &&
		between 30 90 "$(share $lib.folded "^x_leaf\\\\+0x[0-9a-f]+\\\\?\$")" &&
		! grep -e inner_ -e "\\[libstrip.so\\]" $lib.folded &&
		count_where $lib.folded "s ~ /;x_(leaf|helper)[;+]/ && s !~ /;x_work;/" >n &&
		test "$(cat n)" -eq 0 &&
		count_where $lib.folded "s !~ /;x_work;/" >n &&
		test_cmp_num "$(($(cat n) * 50))" "<=" "$(samples $lib.folded)" || return 1
	done &&
	grep ";x_work;x_helper;x_leaf+0x[0-9a-f]*?" dynsym.folded &&
	grep ";x_work;x_leaf+0x[0-9a-f]*?;x_leaf+0x[0-9a-f]*?" hidden.folded
'

test_expect_success 'a guess is x_leaf plus the distance to the function start' '
	x=$(addr_of libstrip.so x_leaf) &&
	printf "%x\n%x\n" $((0x$(addr_of libstrip.so inner_a))) \
		$((0x$(addr_of libstrip.so inner_b))) | sort >expect &&
	leaves dynsym.folded | sed -n "s/^x_leaf+0x\\([0-9a-f]*\\)? .*/\\1/p" >offs &&
	while read -r off; do printf "%x\n" $((0x$x + 0x$off)); done <offs | sort >actual &&
	test_cmp expect actual
'

test_expect_success '--addrs: the statics are libstrip.so+0xOFFSET, no guess' '
	LD_LIBRARY_PATH=dynsym prof-record --addrs -F 999 -o addrs.folded ./usestrip 1 &&
	leaves addrs.folded &&
	! grep -F "?" addrs.folded &&
	between 15 55 "$(share addrs.folded "^x_leaf\$")" &&
	between 30 90 "$(share addrs.folded "^libstrip[.]so\\\\+0x[0-9a-f]+\$")"
'

test_expect_success '--addrs: the offsets are inner_a and inner_b by addr2line on the unstripped copy' '
	printf "inner_a\ninner_b\n" >expect &&
	leaves addrs.folded | sed -n "s/^libstrip[.]so+0x\\([0-9a-f]*\\) .*/\\1/p" >offs &&
	test_line_count = 2 offs &&
	while read -r off; do
		a=$(to_addr libstrip.so $off) && test -n "$a" &&
		addr2line -f -e libstrip.so 0x$a | head -n 1 || return 1
	done <offs | sort >actual &&
	test_cmp expect actual
'

test_expect_success 'prof-fold --strip-addrs: NAME+0xOFF? is NAME?, MODULE+0xOFFSET is MODULE' '
	printf "a;x_leaf+0x40? 1\na;x_leaf+0x80? 2\nb;libstrip.so+0x1170 3\n" >in &&
	printf "a;x_leaf? 3\nb;libstrip.so 3\n" >expect &&
	prof-fold --strip-addrs in >actual &&
	test_cmp expect actual
'

# A debuginfod server: Python's static file server on a directory laid
# out as debuginfod's URLs are, /buildid/ID/debuginfo.
if command -v python3 >/dev/null 2>&1 &&
    ldconfig -p 2>/dev/null | grep -F libdebuginfod.so.1 >/dev/null; then
	test_expect_success '--debuginfod: names from the server DEBUGINFOD_URLS names, only then' '
		cc $LIBFLAGS -g -o g.so "$T_DATA/record/libstrip.c" &&
		mkdir -p gdir &&
		strip --strip-all -o gdir/libstrip.so g.so &&
		id=$(readelf -nW g.so | sed -n "s/.*Build ID: *//p") &&
		test -n "$id" &&
		mkdir -p srv/buildid/$id &&
		objcopy --only-keep-debug g.so srv/buildid/$id/debuginfo &&
		python3 -c "
import http.server, os, sys
os.chdir(sys.argv[1])
class H(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *a): pass
s = http.server.ThreadingHTTPServer((\"127.0.0.1\", 0), H)
open(sys.argv[2] + \".tmp\", \"w\").write(str(s.server_address[1]))
os.rename(sys.argv[2] + \".tmp\", sys.argv[2])
s.serve_forever()" srv "$TRASH/port" >server.log 2>&1 &
		echo $! >server.pid &&
		i=0 && while ! test -s port && test $i -lt 100; do sleep 0.1; i=$((i + 1)); done &&
		test -s port &&
		DEBUGINFOD_URLS=http://127.0.0.1:$(cat port) &&
		DEBUGINFOD_CACHE_PATH=$TRASH/dcache &&
		export DEBUGINFOD_URLS DEBUGINFOD_CACHE_PATH &&
		LD_LIBRARY_PATH=gdir prof-record -F 999 -o nodeb.folded ./usestrip 0.5 &&
		LD_LIBRARY_PATH=gdir prof-record --debuginfod -F 999 -o deb.folded ./usestrip 0.5 &&
		kill $(cat server.pid) &&
		leaves nodeb.folded && leaves deb.folded &&
		! grep inner_ nodeb.folded &&
		grep ";inner_a " deb.folded && grep ";inner_b " deb.folded &&
		! grep -F "?" deb.folded
	'
	test -s server.pid && kill $(cat server.pid) 2>/dev/null
else
	test_skip '--debuginfod: names from the server DEBUGINFOD_URLS names, only then' \
		'no python3 or no libdebuginfod'
fi

# Debian's liblzma is stripped (its symbols are in liblzma5-dbgsym, if
# installed): xz -9 spends nearly all its time there.  Once its whole
# time was one frame, [liblzma.so.5.4.1]; now the exports name it, or
# the guesses after them.
if command -v xz >/dev/null 2>&1 && ldd "$(command -v xz)" | grep -q liblzma; then
	test_expect_success 'xz -9: liblzma is more than one anonymous frame' '
		seq 1 80000 | awk "{ print \$1, \$1 * 7 % 1000, \"line\" }" >data &&
		prof-record -F 999 -o xz.folded xz -9 -c data >data.xz &&
		test "$(samples xz.folded)" -gt 100 &&
		leaves xz.folded | sort -k2,2nr | head -n 5 &&
		grep -F ";lzma_code" xz.folded >/dev/null &&
		test "$(share xz.folded "^\\\\[liblzma")" -lt 50 &&
		leaves xz.folded | awk "\$1 !~ /^\\[/" >named &&
		test "$(wc -l <named)" -ge 3
	'
else
	test_skip 'xz -9: liblzma is more than one anonymous frame' 'no xz linked with liblzma'
fi

done_testing
