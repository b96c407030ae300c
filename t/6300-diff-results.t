#!/bin/sh
test_description='prof-diff: two sets of benchmark results (medians, intervals, Mann-Whitney U, geomean, gate, formats)'
. "$(dirname "$0")/lib.sh"

# The fixtures' runs and why they give the figures checked here are in
# t/data/diff-results/gen.py; their p-values are checked against an
# independent computation below (mwu.py), not against lib/stats.
D=$T_DATA/diff-results
command -v python3 >/dev/null 2>&1 || skip_or_fail "no python3"

printf 'a;b 1\n' >profile

# mwu.py OLD NEW NAME...: the two-sided Mann-Whitney U p-value of each
# benchmark NAME (hyperfine JSON), exact by counting when there are no
# ties, else the normal approximation with tie and continuity corrections;
# one NAME prints the p-value, several print NAME.p_value=P lines (for
# check.py; one python for all, as interpreter start-ups are slow on a
# loaded machine).
cat >mwu.py <<'EOF'
import json, math, sys
from functools import lru_cache

def runs(path, name):
    for r in json.load(open(path))["results"]:
        if r["command"] == name:
            return r["times"]

def pvalue(name):
    x, y = runs(sys.argv[1], name), runs(sys.argv[2], name)
    return mwu(x, y)

def mwu(x, y):
    nx, ny = len(x), len(y)
    u = sum((a > b) + 0.5 * (a == b) for a in x for b in y)
    allv = x + y
    if len(set(allv)) == len(allv):
        total = math.comb(nx + ny, nx)
        le = sum(ways(nx, ny, k) for k in range(0, int(u) + 1)) / total
        ge = sum(ways(nx, ny, k) for k in range(int(u), nx * ny + 1)) / total
        return min(1.0, 2 * min(le, ge))
    n = nx + ny
    t = sum(allv.count(v) ** 3 - allv.count(v) for v in set(allv))
    var = nx * ny / 12 * ((n + 1) - t / (n * (n - 1)))
    return min(1.0, math.erfc((abs(u - nx * ny / 2) - 0.5) / math.sqrt(var) / math.sqrt(2)))

@lru_cache(None)
def ways(n, m, k):  # arrangements of n x's and m y's with U = k
    if k < 0:
        return 0
    if n == 0 or m == 0:
        return 1 if k == 0 else 0
    return ways(n - 1, m, k - m) + ways(n, m - 1, k)

names = sys.argv[3:]
if len(names) == 1:
    print(repr(pvalue(names[0])))
else:
    for name in names:
        print("%s.p_value=%r" % (name, pvalue(name)))
EOF

# check.py FILE FORMAT CHECKS...: reads prof-diff's json (an array of
# objects) or csv (header, rows) and checks, for each NAME.KEY=VALUE, that
# the row named NAME has KEY equal to VALUE (numbers within 1e-9
# relative; "null" is null or an empty field); "rows=N" checks the count.
cat >check.py <<'EOF'
import csv, json, math, sys

path, fmt = sys.argv[1], sys.argv[2]
keys = ["name", "kind", "unit", "old", "new", "delta_pct", "p_value", "significant",
        "old_n", "new_n", "old_ci_low", "old_ci_high", "new_ci_low", "new_ci_high", "u", "exact"]
if fmt == "json":
    rows = json.load(open(path))
    assert isinstance(rows, list), "not an array"
    for r in rows:
        assert isinstance(r, dict) and list(r) == keys, r
else:
    with open(path, newline="") as f:
        rd = list(csv.reader(f))
    assert rd[0] == keys, rd[0]
    rows = []
    for rec in rd[1:]:
        r = {}
        for k, v in zip(keys, rec):
            if v == "":
                v = None
            elif v in ("true", "false"):
                v = v == "true"
            elif k not in ("name", "kind", "unit"):
                v = float(v)
            r[k] = v
        rows.append(r)
byname = {r["name"]: r for r in rows}
for c in sys.argv[3:]:
    k, want = c.rsplit("=", 1)
    if k == "rows":
        assert len(rows) == int(want), (len(rows), want)
        continue
    name, key = k.rsplit(".", 1)
    got = byname[name][key]
    if want == "null":
        ok = got is None
    elif want in ("true", "false"):
        ok = got is (want == "true")
    else:
        try:
            w = float(want)
            ok = isinstance(got, (int, float)) and not isinstance(got, bool) and \
                math.isclose(got, w, rel_tol=1e-9, abs_tol=1e-12)
        except ValueError:
            ok = got == want
    assert ok, "%s: got %r, want %s" % (k, got, want)
EOF

test_expect_success 'two result sets: a row per benchmark, ~ when not significant, a geomean' '
	prof-diff "$D/old.json" "$D/new.json" >out 2>err &&
	test_must_be_empty err &&
	sed "1s|.*|old: old.json; new: new.json|" out >actual &&
	cat >expect <<-\EOF &&
	old: old.json; new: new.json
	median ± 95% confidence interval; change of the medians when p <= 0.05 (two-sided Mann-Whitney U test), else ~

	            old              new    change         p   runs  benchmark
	 1.000 s ± 4.0%   1.200 s ± 3.3%    +20.0%  1.08e-05  10/10  slower
	 2.090 s ± 3.3%   2.100 s ± 3.3%         ~     0.739  10/10  same
	 2.000 s ± 2.0%   1.500 s ± 2.7%    -25.0%  1.08e-05  10/10  faster
	10.45 ms ± 3.3%  11.65 ms ± 3.0%    +11.5%  1.59e-05   8/12  unequal
	  2.500 s ± 20%    1.500 s ± 33%    -40.0%   0.00733    8/8  ties
	 3.045 s ± 1.1%                -  only old             10/0  gone
	              -   4.045 s ± 0.9%  only new             0/10  added
	       642.2 ms         580.7 ms     -9.6%                   geomean
	EOF
	test_cmp expect actual
'

test_expect_success 'the notes name the inputs' '
	prof-diff "$D/old.json" "$D/new.json" >out &&
	head -n 1 out >actual &&
	echo "old: $D/old.json; new: $D/new.json" >expect &&
	test_cmp expect actual
'

test_expect_success 'JSON: an array of objects; medians, change, exact p, significance' '
	prof-diff --format json "$D/old.json" "$D/new.json" >out.json &&
	python3 check.py out.json json rows=8 \
		slower.kind=both slower.unit=s slower.old=1 slower.new=1.2 slower.delta_pct=20 \
		slower.p_value=1.0825088224469e-05 slower.significant=true slower.exact=true \
		slower.u=0 slower.old_n=10 slower.new_n=10 \
		slower.old_ci_low=0.96 slower.old_ci_high=1.04 \
		slower.new_ci_low=1.16 slower.new_ci_high=1.24 \
		same.significant=false same.u=45 faster.delta_pct=-25 faster.significant=true \
		faster.u=100 unequal.old_n=8 unequal.new_n=12 unequal.significant=true \
		unequal.p_value=1.587679606255458e-05 \
		ties.exact=false ties.significant=true ties.delta_pct=-40 \
		gone.kind=old-only gone.new=null gone.new_n=null gone.old_n=10 gone.delta_pct=null \
		gone.p_value=null gone.significant=false \
		added.kind=new-only added.old=null added.new=4.045 added.p_value=null \
		geomean.kind=geomean geomean.p_value=null geomean.significant=null
'

# p from the exact distribution with 10 against 10 runs all apart: 2/C(20,10).
test_expect_success 'the p-values agree with an independent computation' '
	prof-diff --format json "$D/old.json" "$D/new.json" >out.json &&
	python3 mwu.py "$D/old.json" "$D/new.json" slower same faster unequal ties >checks &&
	test_line_count = 5 checks &&
	python3 check.py out.json json $(cat checks) &&
	python3 -c "import math; print(repr(2 / math.comb(20, 10)))" >expect &&
	python3 mwu.py "$D/old.json" "$D/new.json" slower >actual &&
	test_cmp expect actual
'

test_expect_success 'the geomean row: the geometric mean of new/old over the benchmarks on both sides' '
	prof-diff --format json "$D/old.json" "$D/new.json" >out.json &&
	python3 -c "
import json, math
rows = json.load(open(\"out.json\"))
both = [r for r in rows if r[\"kind\"] == \"both\"]
g = [r for r in rows if r[\"kind\"] == \"geomean\"][0]
ratio = math.exp(sum(math.log(r[\"new\"] / r[\"old\"]) for r in both) / len(both))
assert len(both) == 5
assert math.isclose(g[\"delta_pct\"], (ratio - 1) * 100, rel_tol=1e-9), g
assert math.isclose(g[\"new\"] / g[\"old\"], ratio, rel_tol=1e-9), g
assert rows[-1] is g
"
'

test_expect_success 'CSV: the same keys and values, read by python3 csv' '
	prof-diff --format csv "$D/old.json" "$D/new.json" >out.csv &&
	python3 check.py out.csv csv rows=8 \
		slower.old=1 slower.new=1.2 slower.delta_pct=20 slower.significant=true \
		slower.p_value=1.0825088224469e-05 same.significant=false \
		gone.kind=old-only gone.new=null added.kind=new-only added.old=null \
		geomean.kind=geomean geomean.p_value=null
'

test_expect_success 'Markdown: notes, then a pipe table' '
	prof-diff --format markdown "$D/old.json" "$D/new.json" >out.md &&
	grep -x "| old | new | change | p | runs | benchmark |" out.md &&
	grep -x "|---:|---:|---:|---:|---:|---|" out.md &&
	grep -x "| 1.000 s ± 4.0% | 1.200 s ± 3.3% | +20.0% | 1.08e-05 | 10/10 | slower |" out.md &&
	grep -x "| 2.090 s ± 3.3% | 2.100 s ± 3.3% | ~ | 0.739 | 10/10 | same |" out.md &&
	grep -x "| 3.045 s ± 1.1% | - | only old |  | 10/0 | gone |" out.md
'

test_expect_success '--format table is the default' '
	prof-diff "$D/old.json" "$D/new.json" >expect &&
	prof-diff --format table "$D/old.json" "$D/new.json" >actual &&
	test_cmp expect actual
'

test_expect_success 'no colour into a file or a pipe' '
	prof-diff "$D/old.json" "$D/new.json" >out &&
	! grep "$(printf "\033")" out
'

test_expect_success 'the same set twice: nothing significant, every change 0' '
	prof-diff --format json "$D/old.json" "$D/old.json" >out.json 2>err &&
	test_must_be_empty err &&
	python3 -c "
import json
rows = json.load(open(\"out.json\"))
assert all(r[\"significant\"] is not True for r in rows), rows
assert all(r[\"delta_pct\"] == 0 for r in rows), rows
assert all(r[\"p_value\"] == 1 for r in rows if r[\"kind\"] == \"both\"), rows
"
'

test_expect_success 'fewer than 4 runs: no test; fewer than 6: no interval; a warning per benchmark and side' '
	prof-diff "$D/few-old.json" "$D/few-new.json" >out 2>err &&
	cat >expect <<-EOF &&
	prof-diff: three: 3 runs in $D/few-old.json (old): no test and no confidence interval (4 runs are needed for a test, 6 for an interval)
	prof-diff: three: 3 runs in $D/few-new.json (new): no test and no confidence interval (4 runs are needed for a test, 6 for an interval)
	prof-diff: five: 5 runs in $D/few-old.json (old): no confidence interval of the median (6 runs are needed)
	prof-diff: five: 5 runs in $D/few-new.json (new): no confidence interval of the median (6 runs are needed)
	EOF
	test_cmp expect err &&
	grep -x " *1.100 s ± ∞ *2.100 s ± ∞ *~ *0.1 *3/3  three" out &&
	grep -x " *1.200 s ± ∞ *2.200 s ± ∞ *+83.3% *0.00794 *5/5  five" out &&
	grep -x " *1.250 s ± 20% *2.250 s ± 11% *+80.0% *0.00216 *6/6  six" out
'

test_expect_success '3 runs against 3: not significant, even at --alpha 0.5' '
	prof-diff --alpha 0.5 --format json "$D/few-old.json" "$D/few-new.json" >out.json 2>err &&
	python3 check.py out.json json three.p_value=0.1 three.significant=false \
		three.old_ci_low=null five.significant=true five.old_ci_low=null \
		six.old_ci_low=1 six.old_ci_high=1.5
'

# --alpha: shift4 has p = 0.00684, shift25 p = 0.105.
while read -r alpha shift4 shift25; do
	test_expect_success "--alpha $alpha: shift4 significant $shift4, shift25 $shift25" '
		prof-diff '"$alpha"' --format json "$D/alpha-old.json" "$D/alpha-new.json" >out.json &&
		python3 check.py out.json json shift4.significant='"$shift4"' \
			shift25.significant='"$shift25"'
	'
done <<'TABLE'
--alpha=0.05 true false
--alpha=0.0069 true false
--alpha=0.0068 false false
--alpha=0.005 false false
--alpha=0.2 true true
--alpha=0.999 true true
TABLE

test_expect_success 'the default --alpha is 0.05' '
	prof-diff --format json "$D/alpha-old.json" "$D/alpha-new.json" >expect &&
	prof-diff --alpha 0.05 --format json "$D/alpha-old.json" "$D/alpha-new.json" >actual &&
	test_cmp expect actual &&
	prof-diff "$D/alpha-old.json" "$D/alpha-new.json" >out &&
	grep "p <= 0.05 " out &&
	prof-diff --alpha 0.01 "$D/alpha-old.json" "$D/alpha-new.json" >out &&
	grep "p <= 0.01 " out
'

test_expect_success 'p is shown also when not significant' '
	prof-diff --alpha 0.005 "$D/alpha-old.json" "$D/alpha-new.json" >out &&
	grep -x " *5.500 ms ± .* *~ *0.00684 *10/10  shift4" out
'

# The gate: one case a line, the exit status, then the options.  slower
# is +20.0%, unequal +11.5% (both significant), same +0.5% (not), faster
# and ties significantly faster.
while read -r status opts; do
	test_expect_success "exit $status: $opts" '
		test_expect_code '"$status"' prof-diff '"$opts"' "$D/old.json" "$D/new.json" >out 2>err &&
		test -s out
	'
done <<'TABLE'
1 --fail-above 10
1 --fail-above 11.4
0 --fail-above 30
0 --fail-above 20.5
1 --fail-above 19.9
1 --fail-above 0
0 --fail-above 100000
1 --fail-above 10 --format json
0 --fail-above 10 --alpha 0.000001
TABLE

test_expect_success 'the gate names each regressed benchmark, largest change first, with its p' '
	test_expect_code 1 prof-diff --fail-above 10 "$D/old.json" "$D/new.json" >out 2>err &&
	echo "prof-diff: significantly slower by more than 10%: slower (+20.0%, p = 1.08e-05), unequal (+11.5%, p = 1.59e-05)" >expect &&
	test_cmp expect err &&
	test_expect_code 1 prof-diff --fail-above 15 "$D/old.json" "$D/new.json" >out 2>err &&
	echo "prof-diff: significantly slower by more than 15%: slower (+20.0%, p = 1.08e-05)" >expect &&
	test_cmp expect err
'

test_expect_success 'a passed gate says nothing; the output is written all the same' '
	prof-diff --fail-above 30 "$D/old.json" "$D/new.json" >actual 2>err &&
	test_must_be_empty err &&
	prof-diff "$D/old.json" "$D/new.json" >expect &&
	test_cmp expect actual &&
	test_expect_code 1 prof-diff --fail-above 10 "$D/old.json" "$D/new.json" >actual 2>err &&
	test_cmp expect actual
'

test_expect_success 'significant improvements never fail the gate' '
	prof-diff --fail-above 0 "$D/go-new.txt" "$D/go-old.txt" >out 2>err &&
	test_must_be_empty err &&
	grep -- "-32.8% .* Parse$" out &&
	test_expect_code 1 prof-diff --fail-above 0 "$D/old.json" "$D/new.json" >out 2>err &&
	! grep -e faster -e ties -e same err
'

test_expect_success 'a change that is not significant never fails the gate' '
	prof-diff --alpha 0.005 --fail-above 1 "$D/alpha-old.json" "$D/alpha-new.json" >out 2>err &&
	test_expect_code 1 prof-diff --fail-above 1 "$D/alpha-old.json" "$D/alpha-new.json" >out 2>err &&
	grep "shift4" err &&
	! grep shift25 err
'

test_expect_success 'nor does a large change with too few runs' '
	prof-diff --alpha 0.5 --fail-above 10 "$D/few-old.json" "$D/few-new.json" >out 2>err ||
	true &&
	grep "five (+83.3%" err &&
	! grep "three (" err
'

test_expect_success 'saved results: --baseline and --current in --results-dir' '
	mkdir res &&
	cp "$D/old.json" res/main.json &&
	cp "$D/new.json" res/pr-1.json &&
	prof-diff --format json "$D/old.json" "$D/new.json" >expect &&
	prof-diff --results-dir res --baseline main --current pr-1 --format json >actual &&
	test_cmp expect actual &&
	prof-diff --results-dir res --baseline main --format json "$D/new.json" >actual &&
	test_cmp expect actual &&
	prof-diff --results-dir res --current pr-1 --format json "$D/old.json" >actual &&
	test_cmp expect actual &&
	prof-diff --results-dir res --baseline main --current pr-1 >out &&
	head -n 1 out >actual &&
	echo "old: res/main.json; new: res/pr-1.json" >expect &&
	test_cmp expect actual
'

test_expect_success 'saved results: PROF_BENCH_DIR, then .prof/bench' '
	mkdir -p env .prof/bench &&
	cp "$D/old.json" env/a.json && cp "$D/new.json" env/b.json &&
	cp "$D/old.json" .prof/bench/a.json && cp "$D/new.json" .prof/bench/b.json &&
	PROF_BENCH_DIR=env prof-diff --baseline a --current b >out &&
	grep "^old: env/a.json; new: env/b.json$" out &&
	(unset PROF_BENCH_DIR; XDG_CONFIG_HOME=$PWD/noconf prof-diff --baseline a --current b >out) &&
	grep "^old: .prof/bench/a.json; new: .prof/bench/b.json$" out
'

test_expect_success 'saved results that do not exist: exit 2, named, nothing written' '
	mkdir -p res &&
	cp "$D/old.json" res/main.json &&
	test_expect_code 2 prof-diff --results-dir res --baseline main --current nosuch >out 2>err &&
	test_must_be_empty out &&
	grep "current nosuch: no saved results: cannot open res/nosuch.json" err
'

test_expect_success 'a bad saved name: exit 2' '
	test_expect_code 2 prof-diff --baseline ../x --current y >out 2>err &&
	test_must_be_empty out &&
	grep "not a name for saved results" err
'

test_expect_success 'the standard input holds results too' '
	prof-diff --format json "$D/old.json" "$D/new.json" >expect &&
	prof-diff --format json "$D/old.json" - <"$D/new.json" >actual &&
	test_cmp expect actual &&
	cat "$D/old.json" | prof-diff --format json - "$D/new.json" >actual &&
	test_cmp expect actual
'

test_expect_success 'Go benchmark text: runs of the same benchmark, ns/op as seconds per operation' '
	prof-diff --format json "$D/go-old.txt" "$D/go-new.txt" >out.json 2>err &&
	test_must_be_empty err &&
	p=$(python3 -c "import math; print(repr(2 / math.comb(12, 6)))") &&
	python3 check.py out.json json rows=3 Parse.unit=s/op Parse.old=1.025e-07 \
		Parse.new=1.525e-07 Parse.old_n=6 Parse.new_n=6 Parse.significant=true \
		Parse.p_value=$p Parse.old_ci_low=1e-07 Parse.old_ci_high=1.05e-07 \
		Hash.significant=false Hash.old=5.5e-08 Hash.new=5.6e-08 geomean.kind=geomean &&
	prof-diff "$D/go-old.txt" "$D/go-new.txt" >out &&
	grep -x "102.5 ns ± 2.4%  152.5 ns ± 1.6%  +48.8%  0.00216   6/6  Parse" out &&
	grep -x "55.00 ns ± 9.1%  56.00 ns ± 8.9%       ~    0.699   6/6  Hash" out
'

test_expect_success 'Go benchmark text captured from go test -bench: against itself, no change' '
	prof-diff --format json "$T_DATA/bench-results/go-bench.txt" "$T_DATA/bench-results/go-bench.txt" >out.json 2>err &&
	test_must_be_empty err &&
	python3 check.py out.json json rows=5 Itoa.delta_pct=0 Itoa.p_value=1 Itoa.significant=false \
		Sum.old_n=6 "Sort/n=1000.significant=false" "Sort/n=10.new_n=6"
'

test_expect_success 'Go benchmark text captured: Sum made twice as slow is a regression' '
	awk "/^BenchmarkSum-/ { \$3 = \$3 * 2 } { print }" "$T_DATA/bench-results/go-bench.txt" >slow.txt &&
	test_expect_code 1 prof-diff --fail-above 50 "$T_DATA/bench-results/go-bench.txt" slow.txt >out 2>err &&
	grep "^prof-diff: significantly slower by more than 50%: Sum (+100.0%, p = 0.00216)$" err &&
	grep " +100.0%  0.00216   6/6  Sum$" out &&
	grep "  ~ .*Itoa$" out
'

test_expect_success 'hyperfine exports captured: JSON against CSV (no runs: medians only, no test)' '
	prof-diff --format json "$T_DATA/bench-results/hyperfine.csv" "$T_DATA/bench-results/hyperfine.json" >out.json 2>err &&
	python3 check.py out.json json "sleep 0.01.old=0.011930527000000002" \
		"sleep 0.01.delta_pct=0" "sleep 0.01.old_n=0" "sleep 0.01.new_n=5" \
		"sleep 0.01.p_value=null" "sleep 0.01.significant=false" &&
	grep "sleep 0.01: no runs in .*hyperfine.csv (old), only a median: no test" err &&
	grep "sleep 0.01: 5 runs in .*hyperfine.json (new): no confidence interval" err
'

test_expect_success 'prof-bench CSV with its times column' '
	printf "command,mean,stddev,median,user,system,min,max,times\n" >a.csv &&
	printf "slower,1,0,1,0,0,0.95,1.05,0.95 0.96 0.97 0.98 0.99 1.01 1.02 1.03 1.04 1.05\n" >>a.csv &&
	prof-diff --format json a.csv "$D/new.json" >out.json &&
	python3 check.py out.json json slower.old=1 slower.old_n=10 slower.delta_pct=20 \
		slower.p_value=1.0825088224469e-05 same.kind=new-only
'

# A name with quotes, a comma, a backslash and a control character.
cat >odd.json <<'EOF'
{"results": [{"command": "a \"b\", \\ c\u0001", "times": [1, 2, 3, 4]}]}
EOF
cat >odd.py <<'EOF'
import csv, json, sys
want = 'a "b", \\ c\ufffd'
if sys.argv[1] == "json":
    got = json.load(open("out.json"))[0]["name"]
else:
    got = list(csv.reader(open("out.csv", newline="")))[1][0]
assert got == want, (got, want)
EOF

test_expect_success 'a name with quotes, a backslash and a control character stays JSON and CSV' '
	prof-diff --format json odd.json odd.json >out.json 2>err &&
	python3 odd.py json &&
	prof-diff --format csv odd.json odd.json >out.csv 2>err &&
	python3 odd.py csv
'

test_expect_success 'a name matched twice in a set: the k-th with the k-th' '
	printf "{\"results\": [{\"command\": \"x\", \"times\": [1, 1.1, 1.2, 1.3]}, {\"command\": \"x\", \"times\": [5, 5.1, 5.2, 5.3]}]}\n" >dup.json &&
	prof-diff --format json dup.json dup.json >out.json 2>err &&
	python3 -c "
import json
rows = json.load(open(\"out.json\"))
assert [r[\"old\"] for r in rows[:2]] == [1.15, 5.15], rows
assert all(r[\"delta_pct\"] == 0 for r in rows), rows
"
'

test_expect_success '-o writes the file whole; nothing on stdout' '
	prof-diff -o out.txt "$D/old.json" "$D/new.json" >stdout &&
	test_must_be_empty stdout &&
	prof-diff "$D/old.json" "$D/new.json" >expect &&
	test_cmp expect out.txt
'

test_expect_success 'write error to /dev/full: exit 1 with a message' '
	test_expect_code 1 prof-diff "$D/old.json" "$D/new.json" >/dev/full 2>err &&
	grep "write error" err &&
	test_expect_code 1 prof-diff --format json "$D/old.json" "$D/new.json" >/dev/full 2>err &&
	grep "write error" err
'

test_expect_success 'results that cannot be read: exit 2, named with the line, nothing written' '
	printf "{\"results\": [\n  {\"command\": \"x\", \"times\": [1, 2,]}\n]}\n" >bad.json &&
	test_expect_code 2 prof-diff bad.json "$D/new.json" >out 2>err &&
	test_must_be_empty out &&
	grep "^prof-diff: bad.json:2: " err &&
	echo old >keep &&
	cp keep expect &&
	test_expect_code 2 prof-diff -o keep "$D/old.json" bad.json 2>err &&
	test_cmp expect keep
'

test_expect_success 'a profile and results: exit 2, both named, nothing written' '
	test_expect_code 2 prof-diff "$D/old.json" profile >out 2>err &&
	test_must_be_empty out &&
	grep "old.json: benchmark results, but profile: a profile" err &&
	test_expect_code 2 prof-diff profile "$D/new.json" >out 2>err &&
	test_must_be_empty out &&
	grep "new.json: benchmark results, but profile: a profile" err &&
	test_expect_code 2 prof-diff "$D/old.json" - <profile >out 2>err &&
	grep "but stdin: a profile" err &&
	mkdir -p res && cp "$D/old.json" res/main.json &&
	test_expect_code 2 prof-diff --results-dir res --baseline main profile >out 2>err &&
	grep "main.json: benchmark results, but profile: a profile" err
'

# Options of the other comparison, and counts of operands: exit 2, a
# message holding the word, nothing on stdout.  One case a line: the
# word, then the arguments (OLD and NEW are results, P a profile).
while read -r word args; do
	test_expect_success "usage error: prof-diff $args" '
		set -- $(printf "%s\n" '"$args"' | sed "s|P\$|profile|; s|P |profile |g; s|OLD|$D/old.json|; s|NEW|$D/new.json|") &&
		test_expect_code 2 prof-diff "$@" >out 2>err &&
		test_must_be_empty out &&
		grep -e "'"$word"'" err
	'
done <<'TABLE'
-n:.only.when.comparing.profiles -n OLD NEW
-s:.only.when.comparing.profiles -s OLD NEW
--summary:.only.when.comparing.profiles --summary OLD NEW
--sort:.only.when.comparing.profiles --sort cum OLD NEW
--granularity:.only.when.comparing.profiles --granularity file OLD NEW
--rows:.only.when.comparing.profiles --rows 5 OLD NEW
--jobs:.only.when.comparing.profiles -j 2 OLD NEW
--jobs:.only.when.comparing.profiles --jobs 1 OLD NEW
--alpha:.only.when.comparing.benchmark.results --alpha 0.1 P P
--fail-on-regression:.renamed;.use.--fail-above --fail-on-regression 5 OLD NEW
--fail-on-regression:.renamed;.use.--fail-above --fail-on-regression 5 P P
--results-dir:.only.with.--baseline.or.--current --results-dir x OLD NEW
--results-dir:.only.with.--baseline.or.--current --results-dir x P P
--format:.only.with.--summary --format json P P
--alpha --alpha 0 OLD NEW
--alpha --alpha 1 OLD NEW
--alpha --alpha 1.5 OLD NEW
--alpha --alpha -0.1 OLD NEW
--alpha --alpha x OLD NEW
--alpha --alpha '' OLD NEW
--fail-above:.${SQ}-1${SQ}.is.too.small;.use.0.to.100000 --fail-above -1 OLD NEW
--fail-above:.${SQ}x${SQ}.is.not.a.number;.use.0.to.100000 --fail-above x OLD NEW
--fail-above --fail-above 1e3 OLD NEW
--fail-above:.${SQ}100001${SQ}.is.too.large;.use.0.to.100000 --fail-above 100001 OLD NEW
--fail-above:.${SQ}101${SQ}.is.too.large;.use.0.to.100$ --fail-above 101 P P
--format --format xml OLD NEW
too.many --baseline a OLD NEW
too.many --baseline a --current b OLD
too.many --current b OLD NEW
needed --baseline a
needed --current b
needed OLD
usage --baseline
usage --alpha
TABLE

test_expect_success '--help names the options of both comparisons' '
	prof-diff --help >out &&
	for o in --alpha --baseline --current --fail-above --format --results-dir -o
	do
		sed -n "/^usage:/,/^\$/!p" out | grep -e "^ *$o[ ,]" -e "^ *$o\$" >/dev/null ||
		{ echo "--help has no line for $o"; exit 1; }
	done &&
	for w in "[--alpha p]" "[--fail-above pct]" "[--results-dir dir]" \
	    "{old | --baseline name}" "{new | --current name}"
	do
		sed -n "/^usage:/,/^\$/p" out | tr -s " \n" "  " | grep -F -e "$w" >/dev/null ||
		{ echo "usage lacks $w"; exit 1; }
	done
'

done_testing
