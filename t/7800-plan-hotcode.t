#!/bin/sh
test_description='prof-plan: findings from the hot code (hotcode.h), on a program with planted problems'
. "$(dirname "$0")/lib.sh"
. "$T_DATA/record/record.sh"

# hotcode.c (t/data/plan) has one planted problem per hot function: an
# integer division by a run-time value (divide), a call to a tiny function
# that is not inlined (calls), a loop -O2 leaves scalar and -O3 vectorises
# (scale), pointer chasing (walk), a unit built at -O0 (slow, in
# hotcode-o0.c), and a loop with none of these (clean).  It is built with
# its main unit at -O2 and at -O3, recorded with --lines, and planned with
# the binary: each task must name its finding and the strategy that
# follows, and no other; the -O3 build's scale loop is vectorised, so
# its finding must be gone.  Assertions are on the findings, never on
# shares: every phase has several percent of the samples.
needs_record
command -v python3 >/dev/null 2>&1 || skip_or_fail "no python3"

test_expect_success 'build hotcode.c at -O2 and -O3 (hotcode-o0.c at -O0), record with --lines' '
	cc -O0 -g -c -o o0.o "$T_DATA/plan/hotcode-o0.c" &&
	cc -O2 -g -c -o m2.o "$T_DATA/plan/hotcode.c" &&
	cc -O3 -g -c -o m3.o "$T_DATA/plan/hotcode.c" &&
	cc -o hot2 m2.o o0.o &&
	cc -o hot3 m3.o o0.o &&
	prof-record -F 999 --lines ./hot2 8000 7 2>rec.err | prof-fold >p2.folded &&
	prof-record -F 999 --lines ./hot3 8000 7 2>>rec.err | prof-fold >p3.folded &&
	{ test_cmp_num "$(samples p2.folded)" ">=" 300 && test_cmp_num "$(samples p3.folded)" ">=" 300 ||
		{ cat rec.err; false; }; }
'

test_expect_success 'plan both with the binary' '
	prof-plan --min-gain 0 --format json --binary ./hot2 p2.folded >p2.json 2>err &&
	test_must_be_empty err &&
	prof-plan --min-gain 0 --format json --binary ./hot3 p3.folded >p3.json 2>err &&
	test_must_be_empty err &&
	prof-plan --min-gain 0 --binary ./hot2 p2.folded >p2.md
'

# check.py PLAN.JSON FUNC=KINDS...: each function's task names exactly
# the findings of KINDS (comma-separated; "none" for no finding), with
# the strategy that follows from each.
cat >check.py <<\EOF
import json, sys
finding = {
    "chase": ("Pointer chasing in the hot loop", "Linked structures"),
    "division": ("Division in the hot loop", "the division"),
    "call": ("Call in the hot loop", "Let the compiler inline tiny"),
    "tiny": ("tiny is ", "Let the compiler inline tiny"),
    "scalar": ("Scalar loop", "-fopt-info-vec-missed"),
    "unopt": ("was built at -O0", "with -O2"),
    "indirect": ("Indirect load in the hot loop", "Linked structures"),
    "fpsum": ("Floating-point sum in the hot loop", "several accumulators"),
}
generic = "Find a better algorithm"
tasks = {t["function"]: t for t in json.load(open(sys.argv[1]))["tasks"]}
bad = []
for arg in sys.argv[2:]:
    func, kinds = arg.split("=")
    want = set() if kinds == "none" else set(kinds.split(","))
    t = tasks.get(func)
    if t is None:
        bad.append("%s: no task" % func)
        continue
    ev, st = t["evidence"], t["strategy"]
    have = {k for k, (e, s) in finding.items() if any(e in x for x in ev)}
    if have != want:
        bad.append("%s: findings %s, not %s: %s" % (func, sorted(have), sorted(want), ev))
    for k in want:
        if not any(finding[k][1] in s for s in st):
            bad.append("%s: no strategy for %s: %s" % (func, k, st))
    if want and any(generic in s for s in st):
        bad.append("%s: the generic list beside a finding: %s" % (func, st))
    if not want and not (st[0].startswith("No specific finding in the hot code (disassembled ")
                         and any(generic in s for s in st[1:])):
        bad.append("%s: no finding, not said so first: %s" % (func, st))
    if "division" in want and not any("idiv " in x or " div " in x for x in ev):
        bad.append("%s: the division is not quoted: %s" % (func, ev))
    if want - {"unopt", "tiny"} and not any("hotcode.c:" in x for x in ev):
        bad.append("%s: no source line: %s" % (func, ev))
if bad:
    sys.exit("\n".join(bad))
EOF

test_expect_success 'at -O2 each hot function names its planted problem, and nothing else' '
	python3 check.py p2.json walk=chase divide=division calls=call scale=scalar \
		slow=unopt clean=none
'

test_expect_success 'at -O3 the vectorised loop has no finding; the others keep theirs' '
	python3 check.py p3.json scale=none walk=chase divide=division calls=call \
		slow=unopt clean=none
'

test_expect_success 'tasks.md shows a finding and its strategy in place of the four bullets' '
	grep "Pointer chasing in the hot loop: .*mov .* at .hotcode.c:[0-9]*" p2.md &&
	grep "Hoist the division out of the loop: the divisor does not change" p2.md &&
	grep "No specific finding in the hot code (disassembled [0-9]* instructions of .hotcode.c:[0-9]*" p2.md
'

test_expect_success 'without source lines: the loops of the function' '
	sed "s/	[^; ]*//g" p2.folded >nolines.folded &&
	prof-plan --min-gain 0 --format json --binary ./hot2 nolines.folded >nolines.json &&
	python3 -c "
import json
t = {t[\"function\"]: t for t in json.load(open(\"nolines.json\"))[\"tasks\"]}
assert any(\"Pointer chasing\" in e for e in t[\"walk\"][\"evidence\"]), t[\"walk\"]
assert any(\"Division in a loop of the function\" in e for e in t[\"divide\"][\"evidence\"]), t[\"divide\"]
s = t[\"clean\"][\"strategy\"][0]
assert s.startswith(\"No specific finding in the hot code (disassembled \") and \"the function${SQ}s loops\" in s, s
"
'

test_expect_success 'a stripped binary, or one that cannot be read: no finding, and why' '
	cp hot2 stripped && strip stripped &&
	prof-plan --min-gain 0 --format json --binary ./stripped p2.folded >stripped.json &&
	sed "s|^# command: .*|# command: \"./missing 1\"|" p2.folded >missing.folded &&
	prof-plan --min-gain 0 --format json missing.folded >missing.json &&
	python3 -c "
import json
for f, why in ((\"stripped.json\", \"stripped\"), (\"missing.json\", \"the binary cannot be read\")):
    n = 0
    for t in json.load(open(f))[\"tasks\"]:
        if not t[\"title\"].startswith(\"Hot computation\"):
            continue
        n += 1
        s = t[\"strategy\"][0]
        assert s.startswith(\"No specific finding: the hot code was not examined (\") and why in s, (f, s)
        assert not any(\" loop\" in e for e in t[\"evidence\"]), (f, t)
    assert n >= 5, (f, n)
"
'
done_testing
