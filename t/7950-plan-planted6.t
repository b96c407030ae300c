#!/bin/sh
test_description='prof-plan: six planted problems, each named with its finding, from the profiles of the types they need'
. "$(dirname "$0")/lib.sh"
. "$T_DATA/record/record.sh"

# planted6.c (t/data/plan) plants a division by a run-time value in a hot
# loop (divide), a call to a tiny function kept out of line (call_tiny),
# pointer chasing (chase), an fsync per record (fsync_each), a leak
# (leak_here) and two threads fighting over one mutex (fight), beside
# plain arithmetic (clean).  It is recorded four ways (cpu with lines,
# offcpu, memory's inuse-space at every allocation, lock) and planned
# from the four profiles at once: each problem must be a task that says
# what was found and the strategy that follows, and no task whose advice
# is only the general list may rank above any of them.
needs_record
command -v python3 >/dev/null 2>&1 || skip_or_fail "no python3"
test -f "$ROOT/bin/libprof-agent.so" || skip_or_fail "no bin/libprof-agent.so (make)"

test_expect_success 'build planted6.c at -O2 -g and record it four ways' '
	cc -O2 -g -pthread -o planted6 "$T_DATA/plan/planted6.c" &&
	prof-record -F 999 --lines -o cpu.folded ./planted6 1 . &&
	prof-record --type offcpu -o off.folded ./planted6 0.05 . &&
	prof-record --type memory --view inuse-space --alloc-rate 1 -o mem.folded \
		./planted6 0.05 . 2>mem.err &&
	prof-record --type lock -o lock.folded ./planted6 0.2 . &&
	prof-plan --binary ./planted6 --min-gain 0 -o plan.md \
		cpu.folded off.folded mem.folded lock.folded &&
	prof-plan --binary ./planted6 --min-gain 0 --format json -o plan.json \
		cpu.folded off.folded mem.folded lock.folded &&
	grep "^- \[ \]" plan.md
'

# task RE: the Markdown of the first task whose title matches RE.
task () {
	awk -v re="$1" '/^- \[ \] / { on = ($0 ~ re); if (on) n++ } on && n == 1' plan.md
}

while read -r name title finding; do
	case_name=$name case_title=$title case_finding=$finding
	test_expect_success "$name: its task says what was found" '
		task "$case_title" >t.md &&
		cat t.md &&
		test -s t.md &&
		grep -E "$case_finding" t.md &&
		! grep "No specific finding" t.md
	'
done <<'TABLE'
divide Hot.computation.in.`divide` Division.in.the.hot.loop:.*div
call_tiny Hot.computation.in.`call_tiny` Call.in.the.hot.loop:.*`tiny`.*not.inlined
chase Hot.computation.in.`chase` Pointer.chasing
fsync_each [Ff]sync.*in.`fsync_each` fsync
leak_here Leak.in.`leak_here` 3,000,000.bytes|2.9MiB|3.0MB|not.freed
fight Lock.*in.`fight` Contended|[Ll]ock.wait
TABLE

test_expect_success 'no task with only the general advice ranks above a planted one' '
	python3 -c "
import json, re
d = json.load(open(\"plan.json\"))
titles = [t[\"title\"] for t in d[\"tasks\"]]
planted = [\"divide\", \"call_tiny\", \"chase\", \"fsync_each\", \"leak_here\", \"fight\"]
# the first task of each planted function (titles are plain text in JSON)
last = max(next(i for i, t in enumerate(titles) if re.search(r\" in %s\\b\" % p, t))
    for p in planted)
for t in d[\"tasks\"][:last + 1]:
    generic = any(\"No specific finding\" in s for s in t[\"strategy\"])
    assert not generic, (t[\"title\"], last)
print(\"the six planted problems are in the first\", last + 1, \"tasks\")
"
'

test_expect_success 'each task names the profile it comes from, in its unit' '
	grep -c "^  - Profile: \`cpu.folded\` (cpu" plan.md &&
	grep -c "^  - Profile: \`off.folded\` (offcpu" plan.md &&
	grep -c "^  - Profile: \`mem.folded\` (memory" plan.md &&
	grep -c "^  - Profile: \`lock.folded\` (lock" plan.md
'

done_testing
