#!/bin/sh
test_description='prof-top: flat, flat%, sum%, cum (once per stack), cum% against awk; the formats; units; a real profile'
. "$(dirname "$0")/lib.sh"

# The figures are computed by t/data/top/top-ref.awk from the folded input,
# without prof's C code, and compared with prof-top's CSV taken back to
# tab-separated fields (csv2tsv.awk), so that the comparison is of figures,
# not of CSV quoting.
D=$T_DATA/top
REF=$D/top-ref.awk
C2T=$D/csv2tsv.awk

# top_tsv FILE ARGS...: prof-top --format csv ARGS into FILE.csv, exit
# status checked, then its rows without the header line into FILE.
top_tsv () {
	_out=$1
	shift
	prof-top --format csv "$@" >"$_out.csv" || return 1
	awk -f "$C2T" "$_out.csv" | sed 1d >"$_out"
}

# Python parses the JSON (any JSON reader would do; python3 is the one at
# hand on Debian).
if command -v python3 >/dev/null 2>&1; then
	have_python=1
else
	have_python=
fi
test_python () {
	if test -n "$have_python"; then
		test_expect_success "$@"
	elif test "$CI" = true; then
		test_expect_success "$1" 'echo "python3 is missing in CI"; false'
	else
		test_skip "$1" 'no python3'
	fi
}

test_expect_success 'the CSV header is name,flat,flat_pct,sum_pct,cum,cum_pct' '
	prof-top --format csv "$D/recursion.folded" >out.csv &&
	head -n 1 out.csv | awk -f "$C2T" >actual &&
	printf "name\tflat\tflat_pct\tsum_pct\tcum\tcum_pct\n" >expect &&
	test_cmp expect actual
'

test_expect_success 'recursion.folded: every figure of every row, by name, against awk' '
	awk -f "$REF" -v sort=name "$D/recursion.folded" >expect &&
	top_tsv actual --rows 0 --sort name "$D/recursion.folded" &&
	test_cmp expect actual
'

test_expect_success 'recursion.folded: the default order (flat, then cum, then name) against awk' '
	awk -f "$REF" -v sort=flat "$D/recursion.folded" >expect &&
	top_tsv actual --rows 0 "$D/recursion.folded" &&
	test_cmp expect actual
'

test_expect_success 'recursion.folded: --sort cum against awk' '
	awk -f "$REF" -v sort=cum "$D/recursion.folded" >expect &&
	top_tsv actual --rows 0 --sort cum "$D/recursion.folded" &&
	test_cmp expect actual
'

test_expect_success 'recursion.folded: --sort flat is the default' '
	top_tsv expect --rows 0 --sort flat "$D/recursion.folded" &&
	top_tsv actual --rows 0 "$D/recursion.folded" &&
	test_cmp expect actual
'

# The tie rule, by hand: equal flat goes by cum, then by name.
test_expect_success 'ties: equal flat by cum (largest first), then by name' '
	printf "b 2\na 2\nc 2\nc;z 1\nd 1\nr;d 0.5\n" >in &&
	printf "c\na\nb\nd\nz\nr\n" >expect &&
	top_tsv out --rows 0 in &&
	cut -f 1 out >actual &&
	test_cmp expect actual
'

test_expect_success 'ties: --sort cum, equal cum by flat, then by name' '
	printf "x;b 2\nx;a 2\nc 1\nc;y 1\n" >in &&
	printf "x\na\nb\nc\ny\n" >expect &&
	top_tsv out --rows 0 --sort cum in &&
	cut -f 1 out >actual &&
	test_cmp expect actual
'

test_expect_success '--sort name is bytewise (C locale), not by the user locale' '
	printf "b 1\nB 1\n_x 1\na 1\nZ 1\n\303\251 1\n" >in &&
	printf "B\nZ\n_x\na\nb\n\303\251\n" >expect &&
	LC_ALL=en_US.UTF-8 prof-top --format csv --rows 0 --sort name in >out.csv &&
	awk -f "$C2T" out.csv | sed 1d | cut -f 1 >actual &&
	test_cmp expect actual
'

test_expect_success 'recursion counts once per stack in cum, by hand' '
	printf "main;f;f;f 2\nmain;f;g;f;g 3\n" >in &&
	printf "f\t2\t40.0000\t40.0000\t5\t100.0000\ng\t3\t60.0000\t100.0000\t3\t60.0000\nmain\t0\t0.0000\t100.0000\t5\t100.0000\n" >expect &&
	top_tsv actual --rows 0 --sort name in &&
	test_cmp expect actual
'

test_expect_success 'decimal counts are summed exactly: 0.1 + 0.2 is 0.3' '
	printf "a;x 0.1\nb;x 0.2\nc 0.000000001\nd 1000000.5\n" >in &&
	top_tsv out --rows 0 --sort name in &&
	cut -f 1,2,5 out >actual &&
	printf "a\t0\t0.1\nb\t0\t0.2\nc\t0.000000001\t0.000000001\nd\t1000000.5\t1000000.5\nx\t0.3\t0.3\n" >expect &&
	test_cmp expect actual
'

test_expect_success 'a stack repeated on several lines sums as one' '
	printf "a;b 1\na;b 2\na 1\n" >in &&
	printf "a;b 3\na 1\n" >merged &&
	top_tsv actual --rows 0 in &&
	top_tsv expect --rows 0 merged &&
	test_cmp expect actual
'

test_expect_success 'sum of flat is the total (no filter): conservation, exactly' '
	folded_sum "$D/recursion.folded" >expect &&
	top_tsv out --rows 0 "$D/recursion.folded" &&
	awk -F "\t" "{ print \"x \" \$2 }" out >flat.folded &&
	folded_sum flat.folded >actual &&
	test_cmp expect actual
'

test_expect_success 'no cum is larger than the total, and the last sum% is 100' '
	top_tsv out --rows 0 "$D/recursion.folded" &&
	awk -F "\t" "\$6 > 100 { print \"cum% over 100: \" \$0; bad = 1 } END { exit bad }" out &&
	tail -n 1 out | cut -f 4 >actual &&
	echo 100.0000 >expect &&
	test_cmp expect actual
'

test_expect_success '--rows 3: the first 3 rows of --rows 0, sum% included' '
	top_tsv all --rows 0 "$D/recursion.folded" &&
	head -n 3 all >expect &&
	top_tsv actual --rows 3 "$D/recursion.folded" &&
	test_cmp expect actual
'

test_expect_success '--rows 3: the note says 3 of the 12 functions and their share' '
	prof-top --rows 3 --format json "$D/recursion.folded" >out.json &&
	grep -F "\"Showing 3 of 12 functions, 63.92% of the total\"" out.json
'

test_expect_success 'the default is 20 rows' '
	awk "BEGIN { for (i = 1; i <= 25; i++) printf \"main;f%02d %d\n\", i, i }" >in &&
	top_tsv out in &&
	test_line_count = 20 out &&
	prof-top in >table &&
	grep "^Showing 20 of 26 functions, " table
'

test_expect_success 'a larger --rows than rows shows them all' '
	top_tsv expect --rows 0 "$D/recursion.folded" &&
	top_tsv actual --rows 1000 "$D/recursion.folded" &&
	test_cmp expect actual
'

# JSON
test_python 'JSON: header total and unit, rows with the CSV keys, figures against awk' '
	prof-top --rows 0 --sort name --format json "$D/recursion.folded" >out.json &&
	python3 -c "
import json, sys
d = json.load(open(\"out.json\"), parse_float=str, parse_int=str)
h = d[\"header\"]
print(\"total\", h[\"total\"], \"unit\", h[\"unit\"])
keys = [\"name\", \"flat\", \"flat_pct\", \"sum_pct\", \"cum\", \"cum_pct\"]
for r in d[\"rows\"]:
    assert list(r.keys()) == keys, list(r.keys())
    print(\"\t\".join(str(r[k]) for k in keys))
" >actual &&
	{ echo "total $(folded_sum "$D/recursion.folded") unit samples" &&
	  awk -f "$REF" -v sort=name "$D/recursion.folded"; } >expect &&
	test_cmp expect actual
'

test_python 'JSON: the figures are numbers, names strings, and the top level is header then rows' '
	prof-top --format json "$D/recursion.folded" >out.json &&
	python3 -c "
import json
d = json.load(open(\"out.json\"))
assert list(d.keys()) == [\"header\", \"rows\"], list(d.keys())
assert isinstance(d[\"header\"][\"total\"], (int, float))
assert isinstance(d[\"header\"][\"notes\"], list)
for r in d[\"rows\"]:
    assert isinstance(r[\"name\"], str)
    for k in (\"flat\", \"flat_pct\", \"sum_pct\", \"cum\", \"cum_pct\"):
        assert isinstance(r[k], (int, float)) and not isinstance(r[k], bool), (k, r[k])
"
'

test_python 'JSON: a name with quotes and backslashes reads back as itself' '
	printf "main;a \"q\" \\\\ b/c 1\n" >in &&
	printf "a \"q\" \\\\ b/c\nmain\n" >expect &&
	prof-top --format json in >out.json &&
	python3 -c "
import json
for r in json.load(open(\"out.json\"))[\"rows\"]:
    print(r[\"name\"])
" >actual &&
	test_cmp expect actual
'

# The text forms, exactly, on a small profile.
printf 'a;f;f;g 3\na;f;h 2\nb;g 1\nb 4\nc;f 0.5\n' >small

test_expect_success 'table: the exact text of a small profile' '
	cat >expect <<-\EOF &&
	Total: 10.5 samples
	Showing 6 of 6 functions, 100.00% of the total

	flat   flat%     sum%  cum    cum%  name
	   4  38.10%   38.10%    5  47.62%  b
	   4  38.10%   76.19%    4  38.10%  g
	   2  19.05%   95.24%    2  19.05%  h
	 0.5   4.76%  100.00%  5.5  52.38%  f
	   0   0.00%  100.00%    5  47.62%  a
	   0   0.00%  100.00%  0.5   4.76%  c
	EOF
	prof-top small >actual &&
	test_cmp expect actual
'

test_expect_success 'markdown: the exact text of a small profile' '
	cat >expect <<-\EOF &&
	Total: 10.5 samples
	Showing 2 of 6 functions, 76.19% of the total

	| flat | flat% | sum% | cum | cum% | name |
	|---:|---:|---:|---:|---:|---|
	| 4 | 38.10% | 38.10% | 5 | 47.62% | b |
	| 4 | 38.10% | 76.19% | 4 | 38.10% | g |
	EOF
	prof-top --format markdown --rows 2 small >actual &&
	test_cmp expect actual
'

test_expect_success 'markdown: a | in a name is escaped' '
	printf "main;a|b 1\n" >in &&
	prof-top --format markdown in >out.md &&
	grep -F "| a\\|b |" out.md
'

test_expect_success 'CSV: a name with a comma or a quote is one field' '
	printf "main;f(a, b) 2\nmain;say \"hi\" 1\n" >in &&
	top_tsv out --rows 0 --sort name in &&
	cut -f 1 out >actual &&
	printf "f(a, b)\nmain\nsay \"hi\"\n" >expect &&
	test_cmp expect actual
'

# Units.
printf '# period: 10000000 ns\nmain;parse;lex 3\nmain;parse 120\nmain;io 0.25\nmain 250\n' >period

test_expect_success 'time: samples of a 10 ms period show as time' '
	cat >expect <<-\EOF &&
	Total: 3.73s (373.25 samples of 10ms)
	Showing 4 of 4 functions, 100.00% of the total

	 flat   flat%     sum%    cum     cum%  name
	 2.5s  66.98%   66.98%  3.73s  100.00%  main
	 1.2s  32.15%   99.13%  1.23s   32.95%  parse
	 30ms   0.80%   99.93%   30ms    0.80%  lex
	2.5ms   0.07%  100.00%  2.5ms    0.07%  io
	EOF
	prof-top period >actual &&
	test_cmp expect actual
'

test_expect_success 'time: a frequency of 100 Hz is a period of 10 ms' '
	sed "s/^# period: .*/# frequency: 100 Hz/" period >freq &&
	prof-top period >expect &&
	prof-top freq >actual &&
	test_cmp expect actual
'

test_expect_success 'time: CSV keeps the exact counts in samples, against awk' '
	awk -f "$REF" -v sort=flat period >expect &&
	top_tsv actual --rows 0 period &&
	test_cmp expect actual
'

test_expect_success 'time: JSON says the unit is samples and the period in ns' '
	prof-top --format json period >out.json &&
	grep "\"total\": 373.25," out.json &&
	grep "\"unit\": \"samples\"," out.json &&
	grep "\"period_ns\": 10000000[,}]" out.json
'

test_expect_success 'time: a profile in nanoseconds' '
	printf "# unit: nanoseconds\nmain;a 1500\nmain;b 2500000000\nmain;c 999\nmain;d 12300000\n" >in &&
	cat >expect <<-\EOF &&
	Total: 2.51s (2512302499 nanoseconds)
	Showing 5 of 5 functions, 100.00% of the total

	  flat   flat%     sum%     cum     cum%  name
	  2.5s  99.51%   99.51%    2.5s   99.51%  b
	12.3ms   0.49%  100.00%  12.3ms    0.49%  d
	 1.5us   0.00%  100.00%   1.5us    0.00%  a
	 999ns   0.00%  100.00%   999ns    0.00%  c
	     0   0.00%  100.00%   2.51s  100.00%  main
	EOF
	prof-top in >actual &&
	test_cmp expect actual
'

printf '# type: memory\n# unit: bytes\nmain;alloc 1048576\nmain;parse;alloc 1536\nmain;small 100\nmain 3221225472\n' >bytes

test_expect_success 'bytes: binary prefixes in the table' '
	prof-top --rows 0 bytes >out &&
	grep "^Total bytes allocated: 3GiB (3222275684 bytes)\$" out &&
	grep "^3GiB .*  main\$" out &&
	grep "^1MiB .*  alloc\$" out &&
	grep "^100B .*  small\$" out &&
	grep " 1.5KiB .*  parse\$" out
'

test_expect_success 'bytes: CSV exact in bytes, against awk; JSON unit bytes' '
	awk -f "$REF" -v sort=flat bytes >expect &&
	top_tsv actual --rows 0 bytes &&
	test_cmp expect actual &&
	prof-top --format json bytes >out.json &&
	grep "\"total\": 3222275684," out.json &&
	grep "\"unit\": \"bytes\"," out.json
'

# Threads: each job reads part of the input into its own table; the result
# must not depend on how many.  The input is larger than a chunk (1 MiB).
awk 'BEGIN {
	srand(7)
	for (i = 0; i < 90000; i++) {
		n = 1 + int(rand() * 6); s = "root" int(rand() * 3)
		for (j = 0; j < n; j++) s = s ";fn" int(rand() * 12)
		printf "%s %d.%d\n", s, 1 + int(rand() * 9), int(rand() * 10)
	}
}' >big.folded

test_expect_success 'a 2 MB input: -j 1 and -j 4 give the same figures, equal to awk' '
	test "$(wc -c <big.folded)" -gt 2000000 &&
	awk -f "$REF" -v sort=flat big.folded >expect &&
	top_tsv j1 -j 1 --rows 0 big.folded &&
	top_tsv j4 -j 4 --rows 0 big.folded &&
	test_cmp expect j1 &&
	test_cmp expect j4
'

test_expect_success 'a 2 MB input: callers and callees the same with -j 1 and -j 4, equal to awk' '
	for w in callers callees; do
		awk -f "$REF" -v what=$w -v peek=fn3 big.folded >expect &&
		top_tsv j1 -j 1 --$w fn3 big.folded &&
		top_tsv j4 -j 4 --$w fn3 big.folded &&
		test_cmp expect j1 &&
		test_cmp expect j4 || exit 1
	done
'

test_expect_success 'a 2 MB input: filters the same with -j 1 and -j 4, equal to awk' '
	awk -f "$REF" -v sort=flat -v "focus=^fn(1|2)\$" -v "ignore=^fn7\$" -v "hide=^fn(2|5)\$" \
	    big.folded | awk -F "\t" "!(\$2 == \"0\" && \$5 == \"0\")" >expect &&
	for j in 1 4; do
		top_tsv j$j -j $j --rows 0 --focus "^fn(1|2)\$" --ignore "^fn7\$" --hide "^fn(2|5)\$" big.folded &&
		awk -F "\t" "!(\$2 == \"0\" && \$5 == \"0\")" j$j >nz$j &&
		test_cmp expect nz$j || exit 1
	done
'

# A real profile: t/data/demo/app.perf.txt (see its README), folded.
APP=$T_DATA/demo/app.perf.txt

test_expect_success 'real profile: total and top row against awk' '
	prof-fold "$APP" >app.folded &&
	folded_sum app.folded >total &&
	awk "{ c = \$NF; sub(/ [0-9.]+\$/, \"\"); n = split(\$0, f, \";\"); flat[f[n]] += c }
	     END { for (k in flat) print flat[k] \"\t\" k }" app.folded |
		sort -t "	" -k1,1nr -k2,2 | head -n 1 >top1 &&
	echo "$(cut -f 2 top1) $(cut -f 1 top1) total $(cat total)" >expect &&
	prof-top --format json app.folded >out.json &&
	top_tsv out app.folded &&
	echo "$(head -n 1 out | cut -f 1,2 | tr "\t" " ") total $(sed -n "s/.*\"total\": \([0-9.]*\),.*/\1/p" out.json)" >actual &&
	test_cmp expect actual
'

test_expect_success 'real profile: every figure against awk' '
	prof-fold "$APP" >app.folded &&
	awk -f "$REF" -v sort=flat app.folded >expect &&
	top_tsv actual --rows 0 app.folded &&
	test_cmp expect actual
'

test_expect_success 'real profile: perf script text read directly equals its folded form' '
	prof-fold "$APP" >app.folded &&
	top_tsv expect --rows 0 app.folded &&
	top_tsv actual --rows 0 "$APP" &&
	test_cmp expect actual
'

test_expect_success 'real profile: the table says the total and shows 20 rows at most' '
	prof-fold "$APP" >app.folded &&
	prof-top app.folded >out &&
	grep "^Total: $(folded_sum app.folded) samples\$" out &&
	n=$(awk -f "$REF" -v what=facts app.folded | sed -n "s/^rows\t//p") &&
	grep "^Showing $(( n < 20 ? n : 20 )) of $n functions, " out
'

done_testing
