#!/bin/sh
test_description='prof-plan: what the recording missed (kernel excluded, samples lost), in what the plan lacks'
. "$(dirname "$0")/lib.sh"

command -v python3 >/dev/null 2>&1 || skip_or_fail "no python3"

# The metadata prof-record writes (prof-folded(5)) where the kernel
# refused to be sampled and samples were lost.
cat >excluded.folded <<\END
# type: cpu
# unit: samples
# kernel: excluded (perf_event_paranoid=2)
# samples: 2872 samples
# lost: 1987 samples
app;main;write_loop;__GI___libc_write 30
app;main;cpu_loop 70
END

test_expect_success 'tasks.md: what the plan lacks starts with the kernel and the samples lost' '
	prof-plan excluded.folded >tasks.md &&
	sed -n "/^## What this plan lacks/,\$p" tasks.md >lacks &&
	cat lacks &&
	sed -n 3p lacks >first &&
	grep "^- The kernel was not sampled (\`excluded (perf_event_paranoid=2)\`): " first &&
	grep "system calls and page faults may be missing" first &&
	sed -n 4p lacks >second &&
	grep -F -- "- The kernel dropped 1987 of 4859 samples (40.9%) while recording: " second
'

test_expect_success 'the report says it among what the analysis lacks' '
	prof-plan --report report.md excluded.folded >/dev/null &&
	sed -n "/^### What the analysis lacks/,/^#/p" report.md >lacks &&
	cat lacks &&
	grep "^- The kernel was not sampled (" lacks &&
	grep "^- The kernel dropped 1987 of 4859 samples (40.9%)" lacks
'

test_expect_success 'JSON: in "lacks"' '
	prof-plan --format json excluded.folded >plan.json &&
	python3 -c "
import json
l = json.load(open(\"plan.json\"))[\"lacks\"]
assert l[0].startswith(\"The kernel was not sampled (excluded (perf_event_paranoid=2))\"), l
assert l[1].startswith(\"The kernel dropped 1987 of 4859 samples (40.9%)\"), l
"
'

test_expect_success 'the kernel included, nothing lost: not a word of either' '
	sed -e "s/excluded (perf_event_paranoid=2)/included/" -e "s/1987 samples/0 samples/" \
		excluded.folded >whole.folded &&
	prof-plan whole.folded >tasks.md &&
	! grep -e "kernel was not sampled" -e "kernel dropped" tasks.md
'

test_expect_success 'a hostile kernel value stays a code span' '
	printf "# kernel: excluded [x](http://e/) \\033 \`b\`\\napp;main 1\\n" >h.folded &&
	prof-plan h.folded >tasks.md &&
	grep "kernel was not sampled" tasks.md >line &&
	cat line &&
	! grep "$(printf "\\033")" line &&
	! grep "was not sampled (excluded \\[x\\](http" line
'

done_testing
