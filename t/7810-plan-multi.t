#!/bin/sh
test_description='prof-plan: several profiles of different types, one plan'
. "$(dirname "$0")/lib.sh"
. "$T_DATA/record/record.sh"

command -v python3 >/dev/null 2>&1 || skip_or_fail "no python3"

D=$T_DATA/offcpu

test_expect_success 'a cpu, an offcpu and a memory profile: one plan, ranked by share of their own profile' '
	cp "$D/cpu.folded" "$D/offcpu.folded" "$D/memory-alloc.folded" . &&
	prof-plan cpu.folded offcpu.folded memory-alloc.folded >plan.md &&
	grep -e "^- \[ \]" -e "^  - Profile:" plan.md >actual &&
	cat >expect <<-\EOF &&
	- [ ] **1. Sleeping in `poll_loop` (`poll`): 41.4% of the off-CPU time**
	  - Profile: `offcpu.folded` (offcpu)
	- [ ] **2. Hot computation in `compute_hash`**
	  - Profile: `cpu.folded` (cpu)
	- [ ] **3. Fsync per record in `save_entry` (`fsync`): 27.6% of the off-CPU time**
	  - Profile: `offcpu.folded` (offcpu)
	- [ ] **4. Allocation churn in `build_list`: 41.0% of the bytes allocated**
	  - Profile: `memory-alloc.folded` (memory)
	EOF
	head -n 8 actual >top &&
	test_cmp expect top
'

test_expect_success 'each gain is in the unit of its own profile' '
	grep -F "estimated gain: **25.0%** of the CPU time, 505ms (p = 75.0%" plan.md &&
	grep -F "estimated gain: **27.6%** of the off-CPU time, 800ms (p = 41.4%" plan.md &&
	grep -F "estimated gain: **20.5%** of the bytes allocated, 19.6MiB (p = 41.0%" plan.md &&
	grep -F "Gains of different profiles measure different things" plan.md
'

test_expect_success 'the header names every profile with its type and total' '
	grep -x "Profiles:" plan.md &&
	grep "^- .cpu.folded.: .\./app., 200 samples (cpu" plan.md &&
	grep "^- .offcpu.folded.: .\./app., 2\.9s of off-CPU time" plan.md &&
	grep "^- .memory-alloc.folded.: .\./app., 95\.4MiB of bytes allocated" plan.md
'

test_expect_success 'each task verifies with a recording of its own type' '
	awk "/^- \[ \] \*\*1\./,/^- \[ \] \*\*2\./" plan.md >t1 &&
	grep -F "prof-record --type offcpu -- ./app | prof-fold > before.folded" t1 &&
	awk "/^- \[ \] \*\*2\./,/^- \[ \] \*\*3\./" plan.md >t2 &&
	grep -F "prof-record -- ./app | prof-fold > before.folded" t2
'

test_expect_success 'JSON: the profiles, and each task its profile, type and measure' '
	prof-plan --format json cpu.folded offcpu.folded memory-alloc.folded >plan.json &&
	python3 -c "
import json
d = json.load(open(\"plan.json\"))
p = d[\"profiles\"]
assert [(x[\"name\"], x[\"type\"], x[\"unit\"], x[\"measure\"], x[\"total\"]) for x in p] == [
    (\"cpu.folded\", \"cpu\", \"samples\", \"CPU time\", 200),
    (\"offcpu.folded\", \"offcpu\", \"nanoseconds\", \"off-CPU time\", 2900000000),
    (\"memory-alloc.folded\", \"memory\", \"bytes\", \"bytes allocated\", 100000000)], p
assert all(x[\"command\"] == \"./app\" for x in p), p
t = d[\"tasks\"]
assert set(x[\"profile\"] for x in t) == {\"cpu.folded\", \"offcpu.folded\", \"memory-alloc.folded\"}, t
for x in t:
    want = {\"cpu.folded\": (\"cpu\", \"CPU time\"), \"offcpu.folded\": (\"offcpu\", \"off-CPU time\"),
            \"memory-alloc.folded\": (\"memory\", \"bytes allocated\")}[x[\"profile\"]]
    assert (x[\"profile_type\"], x[\"measure\"]) == want, x
g = [x[\"gain_pct\"] for x in t]
assert g == sorted(g, reverse=True), g
# counts conserved: each profile s tasks claim its whole total (min-gain 0)
"
'

test_expect_success 'every stack is claimed: the tasks of each profile add up to its total' '
	prof-plan --format json --min-gain 0 cpu.folded offcpu.folded memory-alloc.folded >all.json &&
	python3 -c "
import json
d = json.load(open(\"all.json\"))
tot = {p[\"name\"]: p[\"total\"] for p in d[\"profiles\"]}
got = {}
for x in d[\"tasks\"]:
    got[x[\"profile\"]] = got.get(x[\"profile\"], 0) + x[\"count\"]
assert got == tot, (got, tot)
"
'

test_expect_success 'the report has every profile: summary and findings' '
	prof-plan --report rep.md -o tasks.md cpu.folded offcpu.folded memory-alloc.folded &&
	grep "^  - .cpu.folded. (cpu): 2\.02s of CPU time, command .\./app.; by category: CPU 100\.0%" rep.md &&
	grep "^  - .offcpu.folded. (offcpu): 2\.9s of off-CPU time" rep.md &&
	grep "^  - .memory-alloc.folded. (memory): 95\.4MiB of bytes allocated" rep.md &&
	grep -c "^## Findings of .*(cpu)$" rep.md >n && test "$(cat n)" = 1 &&
	grep "^## Findings of .offcpu.folded. (offcpu)$" rep.md &&
	grep "^## Findings of .memory-alloc.folded. (memory)$" rep.md
'

test_expect_success 'inputs of one type are still summed: one profile, twice the counts' '
	cp cpu.folded again.folded &&
	prof-plan cpu.folded again.folded >two.md &&
	grep "^Profile: .\./app., 400 samples (cpu" two.md &&
	! grep -e "^Profiles:" -e "^  - Profile:" two.md &&
	prof-plan cpu.folded offcpu.folded again.folded >three.md &&
	grep "^- .cpu.folded, again.folded.: .\./app., 400 samples (cpu" three.md &&
	grep -F "estimated gain: **25.0%** of the CPU time, 1.01s (p = 75.0%" three.md
'

test_expect_success 'two views of one type, or a differential profile among them: exit 2' '
	cp "$D/memory-inuse.folded" . &&
	test_expect_code 2 prof-plan cpu.folded memory-alloc.folded memory-inuse.folded >out 2>err &&
	test_must_be_empty out &&
	grep "views" err &&
	printf "a;b 1 2\n" >d.folded &&
	test_expect_code 2 prof-plan cpu.folded d.folded >out 2>err &&
	test_must_be_empty out
'

test_expect_success 'a profile that cannot be read among them: exit 2 naming it' '
	test_expect_code 2 prof-plan cpu.folded nonexistent.folded >out 2>err &&
	test_must_be_empty out &&
	grep "nonexistent.folded" err
'

# The profiles of one program, recorded here: a CPU, an off-CPU and a
# memory profile; each has its task, naming its profile.
if command -v cc >/dev/null 2>&1 &&
    prof-record -o probe.folded true >probe.out 2>&1; then
	test_expect_success 'a program recorded three ways: a task from each profile' '
		cc -O2 -g -fno-optimize-sibling-calls -o multi "$T_DATA/plan/multi.c" &&
		prof-record --lines -o cpu.folded -- ./multi &&
		prof-record --type offcpu -o off.folded -- ./multi &&
		prof-record --type memory -o mem.folded -- ./multi 2>/dev/null &&
		prof-plan --min-gain 5 cpu.folded off.folded mem.folded >m.md &&
		grep -A2 "^- \[ \] \*\*[0-9]*\. Hot computation in .spin." m.md >spin &&
		grep -F "  - Profile: \`cpu.folded\` (cpu)" spin &&
		grep -F "of the CPU time" spin &&
		grep -A2 "^- \[ \] \*\*[0-9]*\. Sleeping in .nap.*of the off-CPU time" m.md >nap &&
		grep -F "  - Profile: \`off.folded\` (offcpu)" nap &&
		grep -A2 "^- \[ \] \*\*[0-9]*\. Allocation churn in .churn.*of the bytes allocated" m.md >churn &&
		grep -F "  - Profile: \`mem.folded\` (memory)" churn
	'
else
	test_skip 'a program recorded three ways: a task from each profile' \
	    "no C compiler, or prof-record cannot sample here: $(head -n 1 probe.out 2>/dev/null)"
fi

test_expect_success 'perf script inputs of two events are not summed: exit 2, both named' '
	sed "s/ cpu-clock:ppp: / task-clock:ppp: /" "$T_DATA/demo/app.perf.txt" >other.perf.txt &&
	test_expect_code 2 prof-plan "$T_DATA/demo/app.perf.txt" other.perf.txt >out 2>err &&
	cat err &&
	grep "other.perf.txt: samples of task-clock:ppp, where .* has cpu-clock:ppp" err &&
	prof-plan "$T_DATA/demo/app.perf.txt" "$T_DATA/demo/app.perf.txt" >out
'

done_testing
