#!/bin/sh
test_description='lib/bench/bench, lib/core/json: benchmark results read, summarised and written'
. "$(dirname "$0")/lib.sh"

# The driver t/helpers/bench-test.c reads results with bench_read and
# prints every figure (dump), writes them back (json, csv, markdown),
# and runs lib/core/json alone (jparse, jtrunc, jfuzz).  The inputs are real:
# hyperfine's exports and go test -bench output captured in
# t/data/bench-results/ (the README has the recipes), and hyperfine run here when
# it is installed.  python3's json and csv modules are the referees.

command -v python3 >/dev/null 2>&1 || skip_or_fail "no python3"
test -f "$ROOT/lib/libprof.a" || skip_or_fail "lib/libprof.a is not built; run make lib/libprof.a"

D=$T_DATA/bench-results

test_expect_success 'build the driver' '
	$DRIVER_CC $DRIVER_FLAGS -o bench-test "$ROOT/t/helpers/bench-test.c" \
		"$ROOT/lib/libprof.a" -lcsv -lm
'
PATH=$TRASH:$PATH

# --- lib/core/json ---------------------------------------------------------

# jsame FILE...: bench-test jparse reads each FILE as Python's json module
# does (one python for all: its start-up was most of the test's time).
cat >jsame.py <<\EOF
import json, subprocess, sys
# every number as the exact double, with its sign ("-0"); bools as bools
def canon(v):
    if isinstance(v, bool) or v is None or isinstance(v, str):
        return v
    if isinstance(v, (int, float)):
        return float(v).hex()
    if isinstance(v, list):
        return [canon(x) for x in v]
    return {k: canon(x) for k, x in v.items()}
for path in sys.argv[1:]:
    src = open(path, "rb").read()
    out = subprocess.run(["bench-test", "jparse", path], capture_output=True)
    if out.returncode != 0:
        sys.exit("refused %r: %s" % (src, out.stderr.decode()))
    want, got = canon(json.loads(src)), canon(json.loads(out.stdout))
    if want != got:
        sys.exit("%r: python %r, ours %r" % (src, want, got))
print(len(sys.argv) - 1, "texts")
EOF

# One JSON text a line; each must read as Python reads it (numbers to the
# same double, strings to the same characters, the last of duplicate keys).
cat >valid.cases <<\EOF
{}
[]
0
-0.0
"x"
null
true
false
  [ 1 , 2 ]	
{"a": {"b": [1, {"c": [true, false, null]}]}, "d": "e"}
[1e10, 1E+2, -1.5e-3, 0.5, 1.7976931348623157e308, 5e-324, 2.2250738585072014e-308, 1e-400, 9007199254740992, 0.1, 0.30000000000000004]
[1.0, 2.50, 1e0, 123.456e-7, -0E-0]
["\u00e9\u4e2d\ud83d\ude00", "\"\\\/\b\f\n\r\t", "\u0000nul", "é中😀", "\uD834\uDD1E", "\u007f"]
{"dup": 1, "dup": 2, "b": {"x": 1, "x": [3]}}
[[[[[[[[[[]]]]]]]]]]
{"a":[],"b":{},"":""}
{"times":[0.015934988,0.011807163],"exit_codes":[0,null]}
EOF

test_expect_success 'json: valid texts read as python3 reads them' '
	n=0 &&
	while IFS= read -r line; do
		n=$((n + 1)) &&
		printf "%s" "$line" >case.$n.json || exit 1
	done <valid.cases &&
	test_cmp_num $n = 17 &&
	python3 jsame.py $(seq -f case.%g.json 17) "$D/hyperfine.json" \
		"$D/hyperfine-param.json" >out &&
	echo "19 texts" >expect &&
	test_cmp expect out
'

test_expect_success 'json: a byte order mark, a text over lines, the sign of zero' '
	printf "\357\273\277 {\"a\":\n [1,\n  2]}\n" >bom.json &&
	bench-test jparse bom.json >actual &&
	echo "{\"a\":[1.0,2.0]}" >expect &&
	test_cmp expect actual &&
	# Python reads "-0" as the integer 0; it is the double -0.0
	printf "[-0, -0.0, 0]" >zero.json &&
	bench-test jparse zero.json >actual &&
	echo "[-0.0,-0.0,0.0]" >expect &&
	test_cmp expect actual
'

# INPUT (printf format: \n, \NNN octal)|LINE|REASON
cat >bad.cases <<\EOF
|1|unexpected end of input; expected a value
\n\n\n|4|unexpected end of input; expected a value
{|1|unexpected end of input; expected a string key
[1,]|1|unexpected ']'; expected a value
{"a": 1,}|1|unexpected '}'; expected a string key
[1 2]|1|unexpected '2'; expected ',' or ']'
{"a":1 "b":2}|1|unexpected '"'; expected ',' or '}'
{"a" 1}|1|unexpected '1'; expected ':'
{a: 1}|1|unexpected 'a'; expected a string key
{1: 1}|1|unexpected '1'; expected a string key
'x'|1|unexpected '''; expected a value
tru|1|a bad literal; expected true
[true, nul]|1|a bad literal; expected null
fals|1|a bad literal; expected false
True|1|unexpected 'T'; expected a value
NaN|1|unexpected 'N'; expected a value
[Infinity]|1|unexpected 'I'; expected a value
-Infinity|1|a malformed number
01|1|a malformed number
-01|1|a malformed number
1.|1|a malformed number
.5|1|unexpected '.'; expected a value
-|1|a malformed number
1e|1|a malformed number
1e+|1|a malformed number
+1|1|unexpected '+'; expected a value
0x10|1|unexpected 'x'; expected the end after the value
1e999|1|number 1e999 out of range
[-1e999]|1|number -1e999 out of range
"abc|1|a string without its closing quote
["abc\\"]|1|a string without its closing quote
"a\001b"|1|a control character 0x01 in a string
"a\tb"|1|a control character 0x09 in a string
"line\nbreak"|1|a control character 0x0a in a string
"a\\qb"|1|a bad escape
"\\x41"|1|a bad escape
"\\u12"|1|a \\u escape needs four hex digits
"\\u12G4"|1|a \\u escape needs four hex digits
"\\ud800"|1|a lone high surrogate \\ud800
"\\ud800\\u0041"|1|a lone high surrogate \\ud800
"\\udbff\\ud800"|1|a lone high surrogate \\udbff
"\\udc00x"|1|a lone low surrogate \\udc00
"\377"|1|invalid UTF-8 in a string
"\300\257"|1|invalid UTF-8 in a string
"\355\240\200"|1|invalid UTF-8 in a string
"\342\202"|1|invalid UTF-8 in a string
"\364\220\200\200"|1|invalid UTF-8 in a string
"\200"|1|invalid UTF-8 in a string
[1] 2|1|unexpected '2'; expected the end after the value
{} {}|1|unexpected '{'; expected the end after the value
/* c */ 1|1|unexpected '/'; expected a value
// c\n1|1|unexpected '/'; expected a value
[1,\n2,\n\n3 x]|4|unexpected 'x'; expected ',' or ']'
{"a":\n[1,\n2|3|unexpected end of input; expected ',' or ']'
{"results": [\n  {"times": [1, 2,\n|3|unexpected end of input; expected a value
[\000]|1|unexpected byte 0x00; expected a value
[1]\000|1|unexpected byte 0x00; expected the end after the value
\r\n\r\n  @|3|unexpected '@'; expected a value
EOF

test_expect_success 'json: bad texts are refused with the line and the reason' '
	: >expect && : >actual &&
	while IFS="|" read -r in line why; do
		printf -- "$in" >in.json &&
		echo "line $line: $why" >>expect &&
		{ test_expect_code 2 bench-test jparse in.json 2>>actual >out &&
		  test_must_be_empty out || { echo "case: $in"; exit 1; }; }
	done <bad.cases &&
	test_cmp expect actual
'

test_expect_success 'json: nesting is limited to 200, without a crash past it' '
	python3 -c "print(\"[\" * 200 + \"]\" * 200)" >deep200.json &&
	bench-test jparse deep200.json >out &&
	test_cmp deep200.json out &&
	python3 -c "print(\"[\" * 201 + \"]\" * 201)" >deep201.json &&
	test_expect_code 2 bench-test jparse deep201.json 2>err &&
	echo "line 1: nested deeper than 200" >expect &&
	test_cmp expect err &&
	python3 -c "print(\"[\" * 1000000)" >deep.json &&
	test_expect_code 2 bench-test jparse deep.json 2>err &&
	test_cmp expect err &&
	python3 -c "print(\"{\\\"a\\\":\" * 100000)" >deepo.json &&
	test_expect_code 2 bench-test jparse deepo.json 2>err &&
	test_cmp expect err &&
	python3 -c "print(\"[\" * 199 + \"{\\\"a\\\": 1}\" + \"]\" * 199)" >deep199.json &&
	bench-test jparse deep199.json >out
'

test_expect_success 'json: every prefix of real exports is refused with a line inside it' '
	bench-test synth >synth.json &&
	for f in "$D/hyperfine.json" "$D/hyperfine-param.json" synth.json; do
		bench-test jtrunc "$f" >out &&
		grep "prefixes refused" out || exit 1
	done
'

test_expect_success 'json: randomly damaged exports never crash the reader' '
	bench-test jfuzz "$D/hyperfine.json" 20000 >out &&
	bench-test jfuzz synth.json 20000 >>out &&
	printf "fuzzed 20000\nfuzzed 20000\n" >expect &&
	test_cmp expect out
'

test_expect_success 'json_decimal: JSON numbers, with + and leading zeros; nothing else' '
	bench-test decimal -- 0 -0 1.5 +2 007 1e3 1E-3 +1.25e+2 0.30000000000000004 \
		1e999 inf nan 0x10 "" " 1" "1 " 1. .5 e5 1e 1,5 - >actual &&
	cat >expect <<-\EOF &&
	0
	-0
	1.5
	2
	7
	1000
	0.001
	125
	0.30000000000000004
	bad
	bad
	bad
	bad
	bad
	bad
	bad
	bad
	bad
	bad
	bad
	bad
	bad
	EOF
	test_cmp expect actual
'

# --- reading ----------------------------------------------------------

# hfcheck EXPORT OURS: our JSON (OURS) of hyperfine's EXPORT keeps its
# runs exactly, its user and system means, and agrees on the summary.
cat >hfcheck.py <<\EOF
import json, math, sys
hf = json.load(open(sys.argv[1]))["results"]
us = json.load(open(sys.argv[2]))["results"]
assert len(hf) == len(us), (len(hf), len(us))
for h, u in zip(hf, us):
    assert u["command"] == h["command"] and u["name"] == h["command"], u
    assert u["times"] == h["times"], (u["times"], h["times"])
    assert u["exit_codes"] == h["exit_codes"]
    assert u.get("parameters") == h.get("parameters"), u
    for k in ("user", "system", "min", "max", "median"):
        assert u[k] == h[k], (k, u[k], h[k])
    for k in ("mean", "stddev"):
        assert math.isclose(u[k], h[k], rel_tol=1e-12), (k, u[k], h[k])
    assert u["n"] == len(h["times"]) and u["unit"] == "s"
EOF

test_expect_success 'hyperfine JSON: runs, exit codes, user and system as hyperfine wrote them' '
	for f in hyperfine hyperfine-param; do
		bench-test json "$D/$f.json" >$f.out.json &&
		python3 hfcheck.py "$D/$f.json" $f.out.json || exit 1
	done
'

test_expect_success 'hyperfine CSV: the summary as written, no runs' '
	bench-test json "$D/hyperfine.csv" >csv.json &&
	bench-test json "$D/hyperfine-param.csv" >pcsv.json &&
	python3 -c "
import csv, json
for src, ours in ((\"$D/hyperfine.csv\", \"csv.json\"), (\"$D/hyperfine-param.csv\", \"pcsv.json\")):
    rows = list(csv.DictReader(open(src)))
    us = json.load(open(ours))[\"results\"]
    assert len(rows) == len(us) == 2
    for row, u in zip(rows, us):
        assert u[\"command\"] == row[\"command\"] and u[\"times\"] == [], u
        for k in (\"mean\", \"stddev\", \"median\", \"user\", \"system\", \"min\", \"max\"):
            assert u[k] == float(row[k]), (k, u[k], row[k])
        params = {k[10:]: v for k, v in row.items() if k.startswith(\"parameter_\")}
        assert u.get(\"parameters\", {}) == params, (u, params)
"
'

# gocheck FIXTURE OURS: our JSON of go test -bench output, against the
# fixture read here line by line.
cat >gocheck.py <<\EOF
import json, sys
runs, iters, meta = {}, {}, {}
for line in open(sys.argv[1]):
    f = line.split()
    if line.startswith("Benchmark"):
        name, procs = f[0][len("Benchmark"):].rsplit("-", 1)
        runs.setdefault(name, []).append(float(f[2]) / 1e9)
        iters.setdefault(name, []).append(int(f[1]))
        assert f[3] == "ns/op" and f[5] == "B/op" and f[7] == "allocs/op"
        bytes_, allocs = float(f[4]), float(f[6])
    elif ": " in line:
        k, v = line.rstrip("\n").split(": ", 1)
        meta[k] = v
d = json.load(open(sys.argv[2]))
us = d["results"]
assert [u["name"] for u in us] == list(runs), [u["name"] for u in us]
for u in us:
    n = u["name"]
    assert u["command"] == "Benchmark" + n and u["unit"] == "s/op", u
    assert u["times"] == runs[n], (u["times"], runs[n])
    assert u["parameters"] == {"gomaxprocs": procs}, u["parameters"]
    assert u["operations"] == sum(iters[n]) / len(iters[n]), u["operations"]
    assert u["min"] == min(runs[n]) and u["max"] == max(runs[n])
    assert u["user"] is None and "user_times" not in u and "memory_usage_byte" not in u
    assert u["exit_codes"] == [None] * len(runs[n])
assert d["prof"] == meta, (d["prof"], meta)
print(len(us), "benchmarks", sum(len(r) for r in runs.values()), "runs")
EOF

test_expect_success 'go test -bench: one run a line, names, ns/op, B/op, configuration' '
	bench-test json "$D/go-bench.txt" >go.json &&
	python3 gocheck.py "$D/go-bench.txt" go.json >out &&
	echo "4 benchmarks 24 runs" >expect &&
	test_cmp expect out &&
	bench-test dump "$D/go-bench.txt" >dump &&
	grep -c "^  ops .* allocs 1 bytes 23 " dump >n && echo 1 >expect && test_cmp expect n &&
	grep -c "^  ops .* allocs 1 bytes 24 " dump >n && echo 2 >expect && test_cmp expect n
'

test_expect_success 'go: packages, GOMAXPROCS, logs and custom units' '
	cat >multi.txt <<-\EOF &&
	goos: linux
	pkg: example.com/a
	BenchmarkX-4   	 100	  10.5 ns/op	  3.00 MB/s
	--- BENCH: BenchmarkX-4
	    x_test.go:12: a log line
	    x_test.go:13: another

	BenchmarkX-8   	 100	  20 ns/op
	BenchmarkY   	 100	  30 ns/op	 1 widgets/op
	BenchmarkX-4   	 300	  11.5 ns/op	  3.00 MB/s
	PASS
	ok  	example.com/a	1.0s
	pkg: example.com/b
	BenchmarkX-4   	 100	  40 ns/op
	BenchmarkY/sub-case=1   	 100	  50 ns/op
	Benchmark   	 100	  60 ns/op
	PASS
	ok  	example.com/b	1.0s
	?   	example.com/c	[no test files]
	EOF
	bench-test dump -v multi.txt >out &&
	grep "^bench\|^  unit\|^  param" out >actual &&
	cat >expect <<-\EOF &&
	bench X-4
	  unit s/op runs 2
	  param gomaxprocs=4
	bench X-8
	  unit s/op runs 1
	  param gomaxprocs=8
	bench Y
	  unit s/op runs 1
	bench example.com/b.X
	  unit s/op runs 1
	  param gomaxprocs=4
	bench example.com/b.Y/sub-case=1
	  unit s/op runs 1
	bench example.com/b.Benchmark
	  unit s/op runs 1
	EOF
	test_cmp expect actual &&
	bench-test dump multi.txt >out &&
	sed -n "/^bench X-4/,/^bench/p" out | grep "^  ops" >actual &&
	echo "  ops 200 per_s 90909090.909090921 allocs -1 bytes -1 conc 0 thr 0 spawn 0" >expect &&
	test_cmp expect actual &&
	grep "^context" out >actual &&
	printf "context goos=linux\ncontext pkg=example.com/b\n" >expect &&
	test_cmp expect actual
'

# NAME|INPUT (printf format)|MESSAGE after "bench-test: NAME:"
cat >readbad.cases <<\EOF
empty.txt||no benchmark results
blank.txt|\n\n  \n|no benchmark results
prose.txt|hello, world\n|1: not JSON, CSV or Go benchmark output
go1.txt|goos: linux\nBenchmarkA 10 5 ns/op\nthis is not it\n|3: not a line of Go benchmark output
go2.txt|BenchmarkA 10 5 ns/op\n--- FAIL: BenchmarkA\n|2: go test reported a failure
go3.txt|BenchmarkA 10 5 ns/op\nFAIL\texample.com/a\t0.1s\n|2: go test reported a failure
go4.txt|BenchmarkA 10 5 B/op\n|1: a benchmark line without ns/op
go5.txt|BenchmarkA 10 5\n|1: a benchmark line needs a name, a count and pairs of value and unit
go6.txt|BenchmarkA x 5 ns/op\n|1: the iteration count is not a whole number
go7.txt|BenchmarkA 10 5.x ns/op\n|1: a value that is not a number
go8.txt|BenchmarkA 10 5 ns/op\n    indented\n|2: an indented line outside a benchmark's log
go9.txt|Benchmarks are great\n|1: not JSON, CSV or Go benchmark output
go10.txt|BenchmarkA 10 nan ns/op\n|1: a value that is not a number
go11.txt|BenchmarkA 10 5 ns/op 1 x 1 x 1 x 1 x 1 x 1 x 1 x 1 x 1 x 1 x 1 x 1 x 1 x 1 x 1 x 1 x 1 x 1 x 1 x 1 x 1 x 1 x 1 x 1 x 1 x 1 x 1 x 1 x 1 x 1 x 1 x\n|1: too many values on a benchmark line
csv1.csv|command,times\nx,1\ny,2,3\n|3: 3 fields; the header has 2
csv2.csv|command,mean\n"x,1\n|2: a quoted field without its closing quote
csv3.csv|command,mean\nx,1.5s\n|2: mean: '1.5s' is not a number
csv4.csv|command,mean,stddev,median,min,max\nx,1,0,1,1,1,\n|2: 7 fields; the header has 6
csv5.csv|command,stddev\nx,1\n|2: no times, and no mean
csv6.csv|command,times\nx,1 2 z\n|2: times: 'z' is not a number
csv7.csv|command,times,unit\nx,1,ms\n|2: the unit 'ms' is neither s nor s/op
csv8.csv|command,mean,stddev,median,min,max,n\nx,1,0,1,1,1,2.5\n|2: n is not a count
csv9.csv|command,mean\n"x"y,1\n|2: error parsing data while strict checking enabled
json1.json|[]|1: not benchmark results: no "results" array
json2.json|{"results": {}}|1: not benchmark results: no "results" array
json3.json|{"results": [1]}|1: results[0]: a number, not an object
json4.json|{"results": [{"times": []}]}|1: results[0]: no "command" string
json5.json|{"results": [{"command": "a"}]}|1: results[0]: no "times" array
json6.json|{"results": [{"command": "a",\n "times": [1,\n "2"]}]}|3: results[0]: times[1] is a string, not a number
json7.json|{"results": [{"command": "a", "times": [1, 2],\n\n "exit_codes": [0]}]}|3: results[0]: exit_codes is not an array of 2 figures, one a run
json8.json|{"results": [{"command": "a", "times": [1], "exit_codes": [0.5]}]}|1: results[0]: exit_codes[0] is not an exit status
json9.json|{"results": [{"command": "a", "times": [1], "unit": "ms"}]}|1: results[0]: the unit is neither "s" nor "s/op"
json10.json|{"results": [{"command": "a", "times": [1], "cycles": [true]}]}|1: results[0]: cycles[0] is true, not a number
json11.json|{"results": [{"command": "a", "times": [], "mean": 1}]}|1: results[0]: no times, and no stddev
json12.json|{"results": [{"command": "a", "times": [1], "mean": "x"}]}|1: results[0]: mean is a string, not a number
json13.json|{"results": [{"command": "a", "times": [1], "parameters": {"n": 1}}]}|1: results[0]: parameter n is a number, not a string
json14.json|{"results": [], "prof": {"date": 1}}|1: prof.date is a number, not a string
json15.json|{"results": []}|no benchmark results
json16.json|{"results": [{"command": "a", "times": [1], "name": 3}]}|1: results[0]: the name is a number, not a string
json17.json|{"results": [{"command": "a", "times": [1], "concurrency": 1.5}]}|1: results[0]: concurrency is not a whole number
json18.json|{"results": [{"command": "a", "times": [1e999]}]}|1: number 1e999 out of range
EOF

test_expect_success 'bad results are refused with the file, the line and the reason' '
	: >expect && : >actual &&
	while IFS="|" read -r name in why; do
		printf -- "$in" >$name &&
		case $why in
		[0-9]*) echo "bench-test: $name:$why" >>expect ;;
		*) echo "bench-test: $name: $why" >>expect ;;
		esac &&
		{ test_expect_code 2 bench-test dump $name 2>>actual >out &&
		  test_must_be_empty out || { echo "case: $name"; exit 1; }; }
	done <readbad.cases &&
	test_cmp expect actual
'

test_expect_success 'truncated and damaged exports are refused with a line, never a crash' '
	size=$(wc -c <"$D/hyperfine.json") &&
	for n in 1 2 17 100 333 600 $((size - 2)); do
		head -c $n "$D/hyperfine.json" >cut.json &&
		test_expect_code 2 bench-test dump cut.json 2>err >/dev/null &&
		grep -q "^bench-test: cut.json:[0-9][0-9]*: " err || { cat err; exit 1; }
	done &&
	for n in 1 50 100 200 300; do
		head -c $n "$D/go-bench.txt" >cut.txt &&
		{ bench-test dump cut.txt >/dev/null 2>err; test $? -le 2; } || exit 1
	done &&
	head -c 300 "$D/hyperfine.csv" >cut.csv &&
	bench-test dump cut.csv >/dev/null
'

# --- summaries --------------------------------------------------------

cat >sumcheck.py <<\EOF
import math, statistics, subprocess, sys
x = [float(v) for v in sys.argv[1:]]
out = subprocess.run(["bench-test", "summary"] + sys.argv[1:], capture_output=True,
                     text=True, check=True).stdout
got = {}
for line in out.splitlines():
    f = line.split()
    if f[0] == "sum":
        for k, v in zip(f[1::2], f[2::2]):
            got[k] = float(v)
s = sorted(x)
def q(p):
    h = (len(s) - 1) * p
    lo = math.floor(h)
    return s[lo] + (h - lo) * (s[min(lo + 1, len(s) - 1)] - s[lo])
med = q(0.5)
mad = statistics.median([abs(v - med) for v in x])
want = {"n": len(x), "mean": statistics.fmean(x),
        "sd": statistics.stdev(x) if len(x) > 1 else 0, "median": med,
        "min": s[0], "max": s[-1], "mad": mad, "p5": q(0.05), "p25": q(0.25),
        "p75": q(0.75), "p95": q(0.95), "p99": q(0.99), "user": -1, "sys": -1,
        "maxrss": -1, "runs_per_s": 1 / statistics.fmean(x),
        "outliers": sum(1 for v in x if mad > 0 and abs(0.6745 * (v - med) / mad) > 3.5)}
for k in want:
    assert math.isclose(got[k], want[k], rel_tol=1e-12, abs_tol=1e-300), (k, got[k], want[k])
EOF

test_expect_success 'summary: mean, sd, quantiles (type 7), MAD and outliers, as python computes them' '
	python3 sumcheck.py 1 2 3 4 5 6 7 8 9 10 100 &&
	python3 sumcheck.py 0.5 &&
	python3 sumcheck.py 2 1 &&
	python3 sumcheck.py 0.012 0.013 0.0125 0.5 0.0121 0.0119 &&
	python3 sumcheck.py 3 3 3 3 &&
	bench-test summary >out &&
	grep "sum n 0 mean 0 " out
'

# relative.py EXPORT: the Markdown table of EXPORT relative to its second
# command, in seconds, as hyperfine would write it.
cat >relative.py <<\EOF
import json, math, sys
r = json.load(open(sys.argv[1]))["results"]
ms = [(x["mean"], x["stddev"]) for x in r]
rel = ms[0][0] / ms[1][0]
sd = rel * math.sqrt((ms[0][1] / ms[0][0]) ** 2 + (ms[1][1] / ms[1][0]) ** 2)
print("| Command | Mean [s] | Min [s] | Max [s] | Relative |")
print("|:---|---:|---:|---:|---:|")
for i, x in enumerate(r):
    rs = "%.2f ± %.2f" % (rel, sd) if i == 0 else "1.00"
    print("| `%s` | %.3f ± %.3f | %.3f | %.3f | %s |" % (x["command"], x["mean"],
          x["stddev"], x["min"], x["max"], rs))
EOF

test_expect_success 'relative speed: to the fastest as hyperfine computes it, or to a reference' '
	bench-test markdown "$D/hyperfine.json" >actual &&
	test_cmp "$D/hyperfine.md" actual &&
	bench-test markdown -r -1 "$D/hyperfine.json" >actual &&
	test_cmp "$D/hyperfine.md" actual &&
	bench-test markdown -r 1 -u s "$D/hyperfine.json" >actual &&
	python3 relative.py "$D/hyperfine.json" >expect &&
	test_cmp expect actual &&
	bench-test markdown -u us "$D/hyperfine.json" >us.md &&
	grep -F "| Command | Mean [µs] | Min [µs] | Max [µs] | Relative |" us.md &&
	bench-test markdown "$D/go-bench.txt" >go.md &&
	grep -F "| Command | Mean [ns] |" go.md &&
	grep -F "| \`Itoa\` | 69.5 ± 2.7 | 65.4 | 73.1 | 1.00 |" go.md
'

# --- writing ----------------------------------------------------------

test_expect_success 'json round trip: written, read back, the same doubles' '
	for f in "$D/hyperfine.json" "$D/hyperfine-param.json" "$D/hyperfine.csv" \
	    "$D/hyperfine-param.csv" "$D/go-bench.txt" synth.json; do
		bench-test dump "$f" >a &&
		bench-test json "$f" >x.json &&
		bench-test dump x.json >b &&
		test_cmp a b &&
		bench-test json x.json >y.json &&
		test_cmp x.json y.json || { echo "round trip of $f"; exit 1; }
	done &&
	test $(grep -c "^  run " a) = 7
'

test_expect_success 'csv round trip: the runs and the summary' '
	for f in "$D/hyperfine.json" "$D/hyperfine-param.json" "$D/hyperfine.csv" \
	    "$D/go-bench.txt" synth.json; do
		bench-test dump -v "$f" >a &&
		bench-test csv "$f" >x.csv &&
		bench-test dump -v x.csv >b &&
		test_cmp a b &&
		bench-test csv x.csv >y.csv &&
		test_cmp x.csv y.csv || { echo "round trip of $f"; exit 1; }
	done &&
	bench-test csv "$D/hyperfine.json" >x.csv &&
	bench-test json x.csv >x.json &&
	bench-test json "$D/hyperfine.json" >h.json &&
	python3 -c "
import json
a, b = json.load(open(\"x.json\")), json.load(open(\"h.json\"))
for x, y in zip(a[\"results\"], b[\"results\"]):
    assert x[\"times\"] == y[\"times\"] and x[\"mean\"] == y[\"mean\"] and x[\"user\"] == y[\"user\"]
"
'

# schema OURS: hyperfine's keys with hyperfine's types, prof's with theirs.
cat >schema.py <<\EOF
import json, sys
def num(v): return type(v) in (int, float)
def bad(c): raise ValueError("not JSON: " + c)
d = json.load(open(sys.argv[1], encoding="utf-8"), parse_constant=bad)
assert set(d) == {"results", "prof"}, set(d)
assert all(type(v) is str for v in d["prof"].values())
for r in d["results"]:
    n = len(r["times"])
    assert type(r["command"]) is str and type(r["name"]) is str
    assert r["unit"] in ("s", "s/op")
    for k in ("mean", "stddev", "median", "min", "max"):
        assert num(r[k]), (k, r[k])
    for k in ("user", "system"):
        assert r[k] is None or num(r[k]), (k, r[k])
    assert all(num(t) for t in r["times"])
    assert len(r["exit_codes"]) == n
    assert all(c is None or type(c) is int for c in r["exit_codes"])
    if "parameters" in r:
        assert all(type(k) is str and type(v) is str for k, v in r["parameters"].items())
    if "memory_usage_byte" in r:
        assert len(r["memory_usage_byte"]) == n
        assert all(m is None or type(m) is int for m in r["memory_usage_byte"]), r["memory_usage_byte"]
    for k in ("user_times", "system_times", "minor_faults", "major_faults",
              "voluntary_context_switches", "involuntary_context_switches",
              "cycles", "instructions"):
        if k in r:
            assert len(r[k]) == n and all(v is None or num(v) for v in r[k]), k
    for k in ("n", "outliers"):
        assert type(r[k]) is int, k
    for k in ("mad", "p5", "p25", "p75", "p95", "p99", "runs_per_second"):
        assert num(r[k]), k
    for k in ("maxrss", "relative", "relative_stddev"):
        assert r[k] is None or num(r[k]), k
print(" ".join(sorted(set(k for r in d["results"] for k in r))))
EOF

test_expect_success 'python reads our JSON: hyperfine keys with hyperfine types' '
	for f in "$D/hyperfine.json" "$D/hyperfine-param.json" "$D/go-bench.txt" "$D/hyperfine.csv"; do
		bench-test json "$f" >out.json &&
		python3 schema.py out.json >/dev/null || { echo "schema of $f"; exit 1; }
	done &&
	python3 schema.py synth.json >keys &&
	echo "allocs_per_op bytes_per_op command concurrency cycles exit_codes instructions involuntary_context_switches mad major_faults max maxrss mean median memory_usage_byte min minor_faults n name operations ops_per_second outliers p25 p5 p75 p95 p99 parameters relative relative_stddev runs_per_second shell_spawn_time stddev system system_times throughput times unit user user_times voluntary_context_switches" >expect &&
	test_cmp expect keys
'

# hostile.py: what synth.json (bench-test synth) holds, cleaned.
cat >hostile.py <<\EOF
import csv, json, re, subprocess
d = json.load(open("synth.json", encoding="utf-8"))
r = d["results"]
assert r[1]["name"] == "caf\u00e9 \ufffd\ufffd\"q\\|`x`", r[1]["name"]
assert r[1]["command"] == "printf '%s\\n' \"a,b\"\ufffdtab", r[1]["command"]
assert r[1]["parameters"] == {"n": "2", "k,\"q\"": "v\ufffdw"}, r[1]["parameters"]
assert d["prof"] == {"tool": "prof-bench", "date": "2026-01-02T03:04:06Z",
                     "host": "h\ufffd\ufffd\"\\"}, d["prof"]
assert r[0]["exit_codes"] == [0, 1, None] and r[0]["cycles"] == [1234567, 1234568, None]
assert r[1]["allocs_per_op"] is None and r[1]["concurrency"] == 4
assert r[0]["relative"] == 1 and r[0]["relative_stddev"] == 0
assert r[1]["times"] == [1e-9, 0.30000000000000004, 1 / 3, 2.5e-7]
out = subprocess.run(["bench-test", "csv", "synth.json"], capture_output=True, check=True)
rows = list(csv.DictReader(out.stdout.decode("utf-8").splitlines(True)))
assert [x["name"] for x in rows] == [x["name"] for x in r], rows
assert [x["command"] for x in rows] == [x["command"] for x in r], rows
assert rows[1]["parameter_k,\"q\""] == "v\ufffdw" and rows[0]["parameter_w"] == "x y"
assert rows[1]["parameter_w"] == "" and rows[1]["allocs_per_op"] == ""
assert rows[0]["maxrss"] == "2007040" and rows[1]["maxrss"] == ""
assert [float(t) for t in rows[1]["times"].split()] == r[1]["times"]
# GFM splits a row at every '|' not escaped by '\'
out = subprocess.run(["bench-test", "markdown", "synth.json"], capture_output=True, check=True)
lines = out.stdout.decode("utf-8").splitlines()
assert len(lines) == 4, lines
for l in lines:
    cells = re.findall(r"(?:\\.|[^|\\])+", l.strip("|"))
    assert len(cells) == 5, (l, cells)
assert lines[3].startswith("| `` caf\u00e9 \ufffd\ufffd\"q\\\\\\|`x` `` | 158.3 "), lines[3]
EOF

test_expect_success 'hostile names: valid UTF-8 JSON and CSV, a Markdown table that holds' '
	python3 hostile.py
'

# --- hyperfine itself -------------------------------------------------

if command -v hyperfine >/dev/null 2>&1; then
	test_expect_success 'a hyperfine run read back: its runs, its own Markdown table' '
		hyperfine -N --runs 5 --export-json h.json --export-csv h.csv \
			--export-markdown h.md "sleep 0.01" >/dev/null 2>&1 &&
		bench-test json h.json >ours.json &&
		python3 hfcheck.py h.json ours.json &&
		python3 schema.py ours.json >/dev/null &&
		bench-test markdown h.json >ours.md &&
		test_cmp h.md ours.md &&
		bench-test dump -v h.csv >csv.dump &&
		grep "^  unit s runs 0$" csv.dump
	'
elif test "$CI" = true; then
	test_expect_success 'a hyperfine run read back (scripts/deps installs hyperfine)' 'false'
else
	test_skip 'a hyperfine run read back: its runs, its own Markdown table' 'no hyperfine'
fi

# --- saved results ----------------------------------------------------

# prof.conf is read from $XDG_CONFIG_HOME/prof and the current directory.
XDG_CONFIG_HOME=$TRASH/xdg
export XDG_CONFIG_HOME
unset PROF_BENCH_DIR

test_expect_success 'the results directory: option, environment, prof.conf, default' '
	mkdir -p cwd && cd cwd &&
	bench-test dir >actual &&
	bench-test dir opt >>actual &&
	PROF_BENCH_DIR= bench-test dir >>actual &&
	PROF_BENCH_DIR=env bench-test dir >>actual &&
	PROF_BENCH_DIR=env bench-test dir opt >>actual &&
	printf "[bench]\nresults-dir = conf/dir\n" >prof.conf &&
	bench-test dir >>actual &&
	PROF_BENCH_DIR=env bench-test dir >>actual &&
	cat >expect <<-\EOF &&
	.prof/bench
	opt
	.prof/bench
	env
	opt
	conf/dir
	env
	EOF
	test_cmp expect actual &&
	test_expect_code 2 bench-test dir "" 2>err &&
	grep -e "--results-dir: ${SQ}${SQ} is not a directory" err
'

test_expect_success 'saved names: 1 to 100 letters, digits, ., _ and -, not starting with .' '
	bench-test path d base >actual &&
	bench-test path d/ v1.2_x-y >>actual &&
	bench-test path / a >>actual &&
	PROF_BENCH_DIR=e bench-test path - A9 >>actual &&
	long=$(printf "%0100d" 0) &&
	bench-test path d $long >>actual &&
	printf "d/base.json\nd/v1.2_x-y.json\n/a.json\ne/A9.json\nd/$long.json\n" >expect &&
	test_cmp expect actual &&
	for bad in "" .hidden "a/b" "a b" ".." "x$long" "caf$(printf "\303\251")" "a*"; do
		test_expect_code 2 bench-test path d "$bad" 2>err >out &&
		grep "is not a name for saved results" err &&
		test_must_be_empty out || { echo "name: $bad"; exit 1; }
	done
'

test_expect_success 'save: made directories, the usual mode, no temporary file left' '
	umask 022 &&
	bench-test save "$D/hyperfine.json" sv/a/b base &&
	bench-test save "$D/go-bench.txt" sv/a/b go &&
	bench-test save synth.json sv/a/b synth &&
	bench-test save "$D/hyperfine.json" sv/a/b base &&
	ls -a sv/a/b >actual &&
	printf ".\n..\nbase.json\ngo.json\nsynth.json\n" >expect &&
	test_cmp expect actual &&
	test "$(stat -c %a sv/a/b/base.json)" = 644 &&
	bench-test dump "$D/hyperfine.json" >a &&
	bench-test dump sv/a/b/base.json >b &&
	test_cmp a b &&
	: >file &&
	test_expect_code 2 bench-test save synth.json file x 2>err &&
	grep "file: cannot make the directory" err &&
	mkdir -p ro && chmod 555 ro &&
	if test "$(id -u)" != 0; then
		test_expect_code 2 bench-test save synth.json ro x 2>err &&
		grep "ro/x.json: cannot create a file beside it: Permission denied" err
	fi &&
	test_expect_code 2 bench-test save synth.json /proc/x x 2>err &&
	grep "/proc/x/x.json: cannot create a file beside it:\|/proc/x: cannot make the directory" err
'

test_expect_success 'list: sorted, with the date and the benchmarks; a bad file is reported' '
	bench-test list sv/a/b >actual &&
	cat >expect <<-EOF &&
	base	-	sleep 0.01, sleep 0.02
	go	-	Itoa, Sum, Sort/n=10, Sort/n=1000
	synth	2026-01-02T03:04:06Z	fast, café $(printf "\357\277\275\357\277\275")"q\\|\`x\`
	= 3
	EOF
	test_cmp expect actual &&
	bench-test list nowhere >actual &&
	echo "= 0" >expect &&
	test_cmp expect actual &&
	echo "{" >sv/a/b/broken.json &&
	: >sv/a/b/.hidden.json && : >sv/a/b/notes.txt && : >sv/a/b/x.json.tmp.abc123 &&
	test_expect_code 2 bench-test list sv/a/b >actual 2>err &&
	grep "sv/a/b/broken.json:2: unexpected end of input" err &&
	grep -c "	" actual >n && echo 3 >expect && test_cmp expect n &&
	tail -n 1 actual >last && echo "= -1" >expect && test_cmp expect last
'

done_testing
