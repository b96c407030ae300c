#!/bin/sh
test_description='prof-plan on the demo program: every task says what its hot code shows, none only the general list'
. "$(dirname "$0")/lib.sh"
. "$T_DATA/record/record.sh"

# The demo's program (t/data/demo/app.c) built as `make demo` builds it
# and recorded as scripts/demo records it.  Each of its hot functions has
# something to find: parse_number and tokenize walk bytes one at a time,
# mix and fnv1a are multiply chains, sort calls less (not inlined), and
# less is a frame of 9 bytes.  The plan must say so, task by task.
needs_record
command -v python3 >/dev/null 2>&1 || skip_or_fail "no python3"

test_expect_success 'build and record the demo program, plan it' '
	cc -O2 -g -fno-inline -o demo-app "$T_DATA/demo/app.c" &&
	prof-record -F 999 --lines -o app.folded ./demo-app 600 &&
	prof-plan --binary ./demo-app -o tasks.md app.folded &&
	prof-plan --binary ./demo-app --format json -o tasks.json app.folded &&
	grep "^- \[ \]" tasks.md
'

# task FUNC: the Markdown of the task whose title ends in FUNC's name.
task () {
	awk -v t="in \`$1\`**" '/^- \[ \] / { on = substr($0, length($0) - length(t) + 1) == t } on' tasks.md
}

while read -r func finding; do
	case_func=$func case_finding=$finding
	test_expect_success "$func: its finding" '
		task "$case_func" >t.md &&
		cat t.md && test -s t.md &&
		grep -E "$case_finding" t.md
	'
done <<'TABLE'
parse_number A.byte.at.a.time.*byte.ptr
tokenize A.byte.at.a.time.*byte.ptr
mix Dependency.chain.*imul
fnv1a Dependency.chain.*imul
sort Call.in.the.hot.loop:.*`less`
TABLE

test_expect_success 'no task of the plan has only the general strategies' '
	python3 -c "
import json
d = json.load(open(\"tasks.json\"))
assert d[\"tasks\"], d
for t in d[\"tasks\"]:
    assert not any(\"No specific finding\" in s for s in t[\"strategy\"]), t[\"title\"]
print(len(d[\"tasks\"]), \"tasks, each with a finding\")
"
'

done_testing
