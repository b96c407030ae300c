#!/bin/sh
test_description='lib/core/table, lib/folded/unit, lib/folded/frame: tables in four formats, units, frames'
. "$(dirname "$0")/lib.sh"

# The driver t/helpers/table-test.c builds a table from a script (its
# comment gives the language: one line per note, fact, section, column,
# row and cell, with \xHH escapes for any bytes) and writes it; it also
# shows counts in a unit and takes frames apart.  python3's json and csv
# modules read back what the machine formats write.

command -v python3 >/dev/null 2>&1 || skip_or_fail "no python3"
test -f "$ROOT/lib/libprof.a" || skip_or_fail "lib/libprof.a is not built; run make lib/libprof.a"

test_expect_success 'build the driver' '
	$DRIVER_CC $DRIVER_FLAGS -o table-test "$ROOT/t/helpers/table-test.c" \
		"$ROOT/lib/libprof.a" -lcsv -lm
'
PATH=$TRASH:$PATH

# A table with a numeric column and names of 2-, 3- and 4-byte characters.
cat >utf8.script <<\EOF
S	-	-
C	count	count	n
C	name	name
R
c	1
c	αβγδεζηθ
R
c	22
c	日本語のテキスト
R
c	333
c	a😀b
EOF

test_expect_success 'text: numbers right-aligned, two spaces, widths in characters' '
	table-test table <utf8.script >actual &&
	cat >expect <<-\EOF &&
	count  name
	    1  αβγδεζηθ
	   22  日本語のテキスト
	  333  a😀b
	EOF
	test_cmp expect actual
'

test_expect_success 'text: the name is cut to the width in whole characters' '
	table-test -w 12 table <utf8.script >actual &&
	cat >expect <<-\EOF &&
	count  name
	    1  αβγ..
	   22  日本語..
	  333  a😀b
	EOF
	test_cmp expect actual &&
	# under 5 characters left, names keep 5 and the line runs over
	table-test -w 10 table <utf8.script >actual &&
	table-test -w 12 table <utf8.script >expect &&
	test_cmp expect actual &&
	table-test -w 0 table <utf8.script >actual &&
	table-test table <utf8.script >expect &&
	test_cmp expect actual
'

# fits W FILE: every line of FILE is well-formed UTF-8 of at most W characters
fits () {
	python3 -c '
import sys
w = int(sys.argv[1])
for n, line in enumerate(open(sys.argv[2], "rb").read().split(b"\n")[:-1], 1):
	s = line.decode("utf-8")
	if len(s) > w:
		sys.exit("line %d has %d characters, more than %d: %r" % (n, len(s), w, s))
' "$@"
}

test_expect_success 'text: lines fit every width that leaves 5 characters or more for names' '
	for w in 12 13 14 15 16 17 18 19 20 30; do
		table-test -w $w table <utf8.script >out.$w &&
		fits $w out.$w &&
		test_line_count = 4 out.$w || { echo "width $w"; exit 1; }
	done &&
	table-test -w 1000 table <utf8.script >wide &&
	table-test table <utf8.script >expect &&
	test_cmp expect wide
'

# Hostile cells: the driver decodes the escapes, so this file is ASCII.
cat >hostile.script <<\EOF
N	note\x01"\\<b>
F	total	12	n
F	k"\n	v\xff
F	bad	1,2	n
S	-	-
C	v	v	n
C	name	name
R
c	1.5
c	a,b
R
c	-3
c	"quoted"
R
c	+4
c	line\nbreak
R
c	-	
c	cr\r\nlf
R
c	x	1,2"x\n
c	tab\x09in
R
c	0
c	bad\xff\xfeutf
R
c	0
c	esc\x1b[31mred
R
c	0
c	pipe|and\\back
R
c	0
c	caf\xc3\xa9
R
c	0
c	nul\x00byte
R
c	0
c	trunc\xe2\x82
R
c	0
c	sur\xed\xa0\x80
R
c	0
c	over\xc0\xaf
R
c	0
c	del\x7fc1\xc2\x85
R
c	0
c	<tag>&amp;
R
c	0
c	
EOF
# What the names become (xmlsafe_clean), and the numeric column's raw
# values as JSON (a number, null when empty, else a string) and CSV.
cat >hostile.expect <<\EOF
{"names": ["a,b", "\"quoted\"", "line\ufffdbreak", "cr\ufffd\ufffdlf",
  "tab\ufffdin", "bad\ufffd\ufffdutf", "esc\ufffd[31mred", "pipe|and\\back",
  "caf\u00e9", "nul\ufffdbyte", "trunc\ufffd\ufffd", "sur\ufffd\ufffd\ufffd",
  "over\ufffd\ufffd", "del\ufffdc1\ufffd", "<tag>&amp;", ""],
 "json_v": [1.5, -3, 4, null, "1,2\"x\ufffd", 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0],
 "csv_v": ["1.5", "-3", "+4", "", "1,2\"x\ufffd", "0", "0", "0", "0", "0", "0",
  "0", "0", "0", "0", "0"],
 "header": {"total": 12, "k\"\ufffd": "v\ufffd", "bad": "1,2",
  "notes": ["note\ufffd\"\\<b>"]}}
EOF

test_expect_success 'json: hostile bytes give valid JSON holding the clean text' '
	table-test json <hostile.script >out.json &&
	python3 -c "import json, sys; json.load(sys.stdin)" <out.json &&
	python3 -c "
import json, sys
e = json.load(open(\"hostile.expect\"))
d = json.load(open(\"out.json\"))
assert list(d) == [\"header\", \"rows\"], list(d)
assert d[\"header\"] == e[\"header\"], d[\"header\"]
names = [r[\"name\"] for r in d[\"rows\"]]
assert names == e[\"names\"], names
v = [r[\"v\"] for r in d[\"rows\"]]
assert v == e[\"json_v\"] and [type(x) for x in v] == [type(x) for x in e[\"json_v\"]], v
"
'

test_expect_success 'csv: python reads back the clean values' '
	table-test csv <hostile.script >out.csv &&
	python3 -c "
import csv, json
e = json.load(open(\"hostile.expect\"))
rows = list(csv.reader(open(\"out.csv\", newline=\"\", encoding=\"utf-8\")))
assert rows[0] == [\"v\", \"name\"], rows[0]
assert [r[1] for r in rows[1:]] == e[\"names\"], rows
assert [r[0] for r in rows[1:]] == e[\"csv_v\"], rows
" &&
	! grep -i "note\|total" out.csv
'

test_expect_success 'markdown: pipes and backslashes escaped, one line a row' '
	table-test markdown <hostile.script >out.md &&
	python3 -c "
import re
lines = open(\"out.md\", \"rb\").read().decode(\"utf-8\").split(\"\n\")
assert lines[0].startswith(\"note\") and lines[1] == \"\", lines[:2]
table = [l for l in lines if l.startswith(\"|\")]
assert len(table) == 18, len(table)
for l in table:
	assert re.sub(r\"\\\\.\", \"\", l).count(\"|\") == 3, l
" &&
	grep -F "| 0 | pipe\\|and\\\\back |" out.md &&
	grep -F "|---:|---|" out.md
'

test_expect_success 'text: hostile bytes stay on their line, no control bytes' '
	table-test table <hostile.script >out.txt &&
	test_line_count = 19 out.txt &&
	! LC_ALL=C grep -q "[[:cntrl:]]" out.txt &&
	fits 1000 out.txt &&
	grep -F -e "-3  \"quoted\"" out.txt
'

test_expect_success 'markdown: exact form, title, numeric columns right-aligned' '
	printf "N\ttwo notes\nN\there\nS\t-\tHot | spots\nC\tn\tcount\tn\nC\tname\tname|x\\\\x01\nR\nc\t3\nc\ta|b\\\\\\\\c\nS\tmore\t-\nC\tk\tk\nR\nc\tz\n" >md.script &&
	table-test markdown <md.script >actual &&
	cat >expect <<-\EOF &&
	two notes
	here

	### Hot | spots

	| count | name\|x� |
	|---:|---|
	| 3 | a\|b\\c |

	| k |
	|---|
	| z |
	EOF
	test_cmp expect actual
'

test_expect_success 'json: exact layout, sections by name, null for an empty number' '
	printf "N\tone\nF\ttotal\t10\tn\nF\tunit\tsamples\nS\t-\t-\nC\tflat\tflat\tn\nC\tname\tname\nR\tred\nc\t10\nc\tmain\nR\nc\t-\t\nc\tf\nS\tcallers\tCallers\nC\tn\tn\tn\nS\tempty\t-\nC\tn\tn\tn\n" >j.script &&
	table-test json <j.script >actual &&
	cat >expect <<-\EOF &&
	{
	  "header": {"total": 10, "unit": "samples", "notes": ["one"]},
	  "rows": [
	    {"flat": 10, "name": "main"},
	    {"flat": null, "name": "f"}
	  ],
	  "callers": [],
	  "empty": []
	}
	EOF
	test_cmp expect actual
'

test_expect_success 'colours only when asked, and only in text' '
	printf "N\tn\nS\t-\tT\nC\tn\tn\tn\nC\tname\tname\nR\tred\nc\t1\nc\ta\nR\tgreen\nc\t2\nc\tb\nR\tyellow\nc\t3\nc\tc\nR\tdim\nc\t4\nc\td\nR\tbold\nc\t5\nc\te\nR\nc\t6\nc\tf\n" >c.script &&
	table-test -c table <c.script >actual &&
	esc=$(printf "\033") &&
	cat >expect <<-EOF &&
	n

	${esc}[1mT${esc}[0m
	${esc}[1mn  name${esc}[0m
	${esc}[31m1  a${esc}[0m
	${esc}[32m2  b${esc}[0m
	${esc}[33m3  c${esc}[0m
	${esc}[2m4  d${esc}[0m
	${esc}[1m5  e${esc}[0m
	6  f
	EOF
	test_cmp expect actual &&
	table-test table <c.script >plain &&
	! grep -q "$esc" plain &&
	sed "s/$esc\[[0-9]*m//g" actual >stripped &&
	test_cmp plain stripped &&
	for f in csv json markdown; do
		table-test -c $f <c.script >out.$f &&
		! grep -q "$esc" out.$f || { echo "colour in $f"; exit 1; }
	done
'

test_expect_success 'a row with too few or too many cells: refused, nothing written' '
	printf "S\t-\t-\nC\ta\ta\nC\tb\tb\nR\nc\t1\n" >short.script &&
	printf "S\t-\t-\nC\ta\ta\nR\nc\t1\nc\t2\n" >long.script &&
	for f in table csv json markdown; do
		test_expect_code 3 table-test $f <short.script >out &&
		test_must_be_empty out &&
		test_expect_code 3 table-test $f <long.script >out &&
		test_must_be_empty out || exit 1
	done
'

test_expect_success 'an unknown format name is refused' '
	test_expect_code 2 table-test text </dev/null 2>err &&
	grep usage err &&
	test_expect_code 0 table-test table </dev/null
'

# unit: OP|METADATA (";" between lines)|ARGUMENTS|EXPECTED
cat >unit.cases <<\EOF
show||0|0
show||1|1
show||1234|1234
show||0.5|0.5
show||2.333333|2.33
show||1000000000000|1000000000000
show|unit: samples|7|7
show|unit: objects|2.25|2.25
show|unit: threads|3|3
show|unit: widgets|2.5|2.5
show|unit: nanoseconds|0|0
show|unit: nanoseconds|1|1ns
show|unit: nanoseconds|950|950ns
show|unit: nanoseconds|999.6|1us
show|unit: nanoseconds|12345|12.3us
show|unit: nanoseconds|950000|950us
show|unit: nanoseconds|12300000|12.3ms
show|unit: nanoseconds|12345678|12.3ms
show|unit: nanoseconds|1250000000|1.25s
show|unit: nanoseconds|3600000000000|3600s
show|unit: nanoseconds|0.5|0.5ns
show|period: 10101010 ns|0|0
show|period: 10101010 ns|1|10.1ms
show|period: 10101010 ns|99|1s
show|period: 10101010 ns|100|1.01s
show|period: 10101010 ns|360000|3636s
show|frequency: 99 Hz|1|10.1ms
show|frequency: 99 Hz|99|1s
show|frequency: 99 Hz|50|505ms
show|frequency: 999 Hz|1|1ms
show|period: 1 ms|3|3ms
show|period: 250 us|4|1ms
show|period: 2.5 s|2|5s
show|period: 10 ns|5|50ns
show|period: 10101010 ns;frequency: 1 Hz|1|10.1ms
show|period: 4000 events|3|3
show|frequency: fast|3|3
show|unit: nanoseconds;period: 1 ms|3|3ns
show|unit: bytes|0|0
show|unit: bytes|1|1B
show|unit: bytes|512|512B
show|unit: bytes|1000|0.977KiB
show|unit: bytes|1024|1KiB
show|unit: bytes|1536|1.5KiB
show|unit: bytes|1048576|1MiB
show|unit: bytes|5000000000|4.66GiB
show|unit: bytes|1099511627776|1TiB
delta||5 3|+2
delta||3 5|-2
delta||3 3|0
delta||0.25 0|+0.25
delta|unit: nanoseconds|1000 4100000|-4.1ms
delta|frequency: 99 Hz|198 99|+1s
delta|unit: bytes|3072 1024|+2KiB
describe|||samples
describe|period: 10101010 ns||samples of 10.1ms
describe|frequency: 99 Hz||samples of 10.1ms
describe|period: 1 ms||samples of 1ms
describe|unit: nanoseconds||nanoseconds
describe|unit: bytes||bytes
describe|unit: widgets||widgets
EOF

test_expect_success 'unit: counts as a person reads them' '
	: >expect && : >actual &&
	while IFS="|" read -r op meta args want; do
		echo "$op|$meta|$args|$want" >>expect &&
		echo "$op|$meta|$args|$(table-test $op "$meta" $args </dev/null)" >>actual ||
		exit 1
	done <unit.cases &&
	test_cmp expect actual
'

# frame: the frame (driver escapes) and its parts
cat >frame.in <<\EOF
main
parse\tsrc/parse.c:42
parse\tsrc/parse.c:42\t/usr/bin/app
memcpy\t\t/usr/lib/libc.so.6
inl_fn\tsrc/a.h:10_[i]
vfs_read\t\tvmlinux_[k]
jit_[j]
waker_[w]
x_[z]
x_[k
_[k]
a_[k]_[k]
f\tsrc/noline.c
f\tC:\\src\\a.c
f\ta.c:
f\ta.c:12x
f\ta:b:7
a\tb\tc\td\te

x\t
x\t\t
EOF
cat >frame.expect <<\EOF
name[main] loc[] file[] module[] suffix[] -
name[parse] loc[src/parse.c:42] file[src/parse.c] module[] suffix[] -
name[parse] loc[src/parse.c:42] file[src/parse.c] module[/usr/bin/app] suffix[] -
name[memcpy] loc[] file[] module[/usr/lib/libc.so.6] suffix[] -
name[inl_fn] loc[src/a.h:10] file[src/a.h] module[] suffix[_[i]] i
name[vfs_read] loc[] file[] module[vmlinux] suffix[_[k]] k
name[jit] loc[] file[] module[] suffix[_[j]] j
name[waker] loc[] file[] module[] suffix[_[w]] w
name[x_[z]] loc[] file[] module[] suffix[] -
name[x_[k] loc[] file[] module[] suffix[] -
name[] loc[] file[] module[] suffix[_[k]] k
name[a_[k]] loc[] file[] module[] suffix[_[k]] k
name[f] loc[src/noline.c] file[src/noline.c] module[] suffix[] -
name[f] loc[C:\src\a.c] file[C:\src\a.c] module[] suffix[] -
name[f] loc[a.c:] file[a.c:] module[] suffix[] -
name[f] loc[a.c:12x] file[a.c:12x] module[] suffix[] -
name[f] loc[a:b:7] file[a:b] module[] suffix[] -
name[a] loc[b] file[b] module[c\x09d\x09e] suffix[] -
name[] loc[] file[] module[] suffix[] -
name[x] loc[] file[] module[] suffix[] -
name[x] loc[] file[] module[] suffix[] -
EOF

test_expect_success 'frame: name, location, file, module and suffix' '
	table-test frame <frame.in >actual &&
	test_cmp frame.expect actual
'

done_testing
