#!/bin/sh
test_description='prof-plan: static facts of the binary: -O0 gives the build task, a stripped one says what is lacking'
. "$(dirname "$0")/lib.sh"
. "$T_DATA/record/record.sh"

# planted.c (t/data/plan) built three ways and recorded here: at -O0
# with -g (its own code runs unoptimised: a build task), at -O2 without
# -g (no source lines: said), and at -O2 stripped (its functions have no
# names: said, with the share of the cost that is unnamed).
needs_record
command -v python3 >/dev/null 2>&1 || skip_or_fail "no python3"

test_expect_success 'build planted.c at -O0 -g, record and plan it' '
	cc -O0 -g -o planted0 "$T_DATA/plan/planted.c" &&
	prof-record -F 999 --lines ./planted0 1 2>/dev/null | prof-fold >p0.folded &&
	prof-plan --format json --binary ./planted0 p0.folded >p0.json &&
	prof-plan --binary ./planted0 p0.folded >p0.md
'

test_expect_success 'the -O0 binary gives a build task, with p the own code and s 3' '
	python3 -c "
import json
d = json.load(open(\"p0.json\"))
b = [t for t in d[\"tasks\"] if t[\"category\"] == \"build\"]
assert len(b) == 1, d[\"tasks\"]
b = b[0]
assert \"-O0\" in b[\"title\"] and \"planted0\" in b[\"title\"], b
assert b[\"speedup\"] == 3 and b[\"share_pct\"] > 10, b
assert any(\"-O0\" in e for e in b[\"evidence\"]), b
assert any(\"-O2\" in s for s in b[\"strategy\"]), b
" &&
	grep "^- Optimisation: -O0" p0.md &&
	grep "^  - Priority: .*category: build" p0.md
'

test_expect_success 'the build task is not there at -O2' '
	cc -O2 -g -o planted2 "$T_DATA/plan/planted.c" &&
	prof-plan --format json --binary ./planted2 p0.folded >p2.json &&
	python3 -c "
import json
d = json.load(open(\"p2.json\"))
assert not [t for t in d[\"tasks\"] if t[\"category\"] == \"build\"], d
"
'

test_expect_success 'without -g: the plan says it has no source lines, and why' '
	cc -O2 -o plantedng "$T_DATA/plan/planted.c" &&
	prof-record -F 999 --lines ./plantedng 1 2>/dev/null | prof-fold >ng.folded &&
	prof-plan --binary ./plantedng ng.folded >ng.md &&
	sed -n "/^## What this plan lacks/,\$p" ng.md >lacks &&
	grep "plantedng. has no debug information" lacks &&
	grep "no source lines" lacks &&
	grep "^- Debug information: none" ng.md
'

test_expect_success 'stripped: the plan says its functions have no names, and how much' '
	cc -O2 -o planteds "$T_DATA/plan/planted.c" &&
	strip planteds &&
	prof-record -F 999 ./planteds 1 2>/dev/null | prof-fold >s.folded &&
	grep "\[planteds\]" s.folded &&
	prof-plan --binary ./planteds --format json s.folded >s.json &&
	prof-plan --binary ./planteds s.folded >s.md &&
	python3 -c "
import json, re
d = json.load(open(\"s.json\"))
l = [x for x in d[\"lacks\"] if \"is stripped\" in x]
assert l, d[\"lacks\"]
m = re.search(r\"([0-9.]+)% of the samples are in unnamed code\", l[0])
assert m and float(m.group(1)) > 10, l
" &&
	grep "^- Symbols: stripped" s.md
'

test_expect_success 'a binary found from the metadata that is not ELF: said, not an error' '
	printf "#!/bin/sh\n" >script.sh && chmod +x script.sh &&
	printf "# command: ./script.sh\nscript.sh;main;work 5\n" >sh.folded &&
	prof-plan sh.folded >sh.md 2>err &&
	test_must_be_empty err &&
	grep "cannot be read: not an ELF file" sh.md
'

test_expect_success 'no binary at all: the plan says it has no static facts' '
	printf "a;main;work 5\n" >nob.folded &&
	prof-plan nob.folded >nob.md &&
	grep "No binary was given" nob.md
'

done_testing
