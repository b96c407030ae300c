#!/bin/sh
test_description='prof-record --format pprof: a profile pprof reads, whose unnamed frames pprof can name'
. "$(dirname "$0")/lib.sh"
. "$T_DATA/record/record.sh"

# shares.c (t/data/record) spends 60, 30 and 10 % in a, b and c.  Recorded
# from a copy stripped of its symbols, those frames have no name: as
# pprof they are addresses in a mapping of the file with its build-id,
# which name a, b and c in the unstripped file (addr2line says which).
# go tool pprof (Debian golang-go) is the reader held to.
needs_record
needs_go
command -v addr2line >/dev/null 2>&1 || skip_or_fail 'no addr2line (binutils)'

test_expect_success 'build shares.c and a stripped copy' '
	build shares &&
	cp shares shares-stripped && strip shares-stripped &&
	readelf -n shares-stripped | sed -n "s/.*Build ID: \\([0-9a-f]*\\).*/\\1/p" >id &&
	test -s id
'

test_expect_success '--format pprof: a gzipped profile that go tool pprof reads without a warning' '
	prof-record -F 499 --format pprof -o s.pb.gz ./shares-stripped 1 2>err &&
	cat err &&
	gzip -t s.pb.gz &&
	go tool pprof -raw s.pb.gz >raw 2>perr &&
	test_must_be_empty perr &&
	grep "^PeriodType: cpu nanoseconds\$" raw &&
	grep "^Comment: # type: cpu\$" raw
'

test_expect_success 'the stripped file is a mapping with its build-id' '
	grep -E " /[^ ]*/shares-stripped $(cat id)" raw
'

# raw_addrs: the addresses of the locations in mapping M without functions.
test_expect_success 'its frames are addresses without functions, and name a, b, c in the unstripped file' '
	m=$(sed -n "s|^\\([0-9]*\\): .*/shares-stripped $(cat id).*|\\1|p" raw) &&
	test -n "$m" &&
	awk -v m="M=$m" "\$3 == m && NF == 3 { print \$2 }" raw >addrs &&
	test -s addrs &&
	addr2line -f -e shares $(cat addrs) | awk "NR % 2 == 1" | sort -u >names &&
	cat names &&
	grep -x a names && grep -x b names && grep -x c names
'

test_expect_success 'read back, the samples the profile says it counts' '
	prof-fold s.pb.gz >back.folded &&
	total=$(folded_sum back.folded) &&
	samples=$(sed -n "s/^Comment: # samples: \([0-9]*\) samples\$/\1/p" raw) &&
	echo "$total of $samples" &&
	test "$total" -gt 300 && test "$total" = "$samples" &&
	grep -E "shares-stripped\+0x[0-9a-f]+;" back.folded
'

test_expect_success '--format pprof refuses a terminal and --view all to stdout' '
	test_expect_code 2 prof-record --format pprof --type memory --view all ./shares 0.1 >out 2>err &&
	grep "five profiles cannot be one" err &&
	test_expect_code 2 prof-record --format svg ./shares 0.1 2>err &&
	grep -F -e "--format: ${SQ}svg${SQ} is not a format; use folded or pprof" err
'

done_testing
