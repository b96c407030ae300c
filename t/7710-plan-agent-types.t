#!/bin/sh
test_description='prof-plan, prof-top, prof-flame, prof-diff: the profiles of the in-process agent (memory, threadcreate)'
. "$(dirname "$0")/lib.sh"

D=$T_DATA/offcpu

test_expect_success 'prof-plan: a memory profile of what was not freed: leaks, by the allocating function' '
	prof-plan "$D/memory-inuse.folded" >plan.md &&
	grep "^- \[ \]" plan.md >titles &&
	cat >expect <<-\EOF &&
	- [ ] **1. Leak in `parse_config`: 75.0% of the bytes not freed**
	- [ ] **2. Leak in `cache_put`: 25.0% of the bytes not freed**
	EOF
	test_cmp expect titles &&
	grep -F "prof-record --type memory --view inuse-space -- ./app" plan.md
'

test_expect_success 'prof-plan: a memory profile of allocations: churn, by the allocating function' '
	prof-plan "$D/memory-alloc.folded" >plan.md &&
	grep "^- \[ \]" plan.md >titles &&
	cat >expect <<-\EOF &&
	- [ ] **1. Allocation churn in `build_list`: 41.0% of the bytes allocated**
	- [ ] **2. Allocation churn in `format_reply`: 35.0% of the bytes allocated**
	- [ ] **3. Allocation churn in `parse_config`: 24.0% of the bytes allocated**
	EOF
	test_cmp expect titles
'

test_expect_success 'prof-plan: thread creation, by the creating function' '
	prof-plan "$D/threadcreate.folded" >plan.md &&
	grep -F "1. Thread creation in \`spawn_worker\`: 90.0% of the threads created" plan.md
'

test_expect_success 'prof-top: the total says what the bytes are' '
	prof-top "$D/memory-inuse.folded" >top &&
	head -n 1 top >actual &&
	echo "Total bytes not freed: 3.81MiB (4000000 bytes)" >expect &&
	test_cmp expect actual &&
	prof-top "$D/memory-alloc.folded" >top &&
	grep "^Total bytes allocated: " top &&
	prof-top "$D/threadcreate.folded" >top &&
	grep "^Total threads created: 10 threads" top
'

test_expect_success 'prof-flame: the titles name the type and the view' '
	prof-flame "$D/memory-inuse.folded" >m.svg &&
	grep -F ">Memory Flame Graph (inuse-space)<" m.svg &&
	prof-flame "$D/threadcreate.folded" >t.svg &&
	grep -F ">Thread Creation Flame Graph<" t.svg
'

test_expect_success 'prof-diff: two views of memory are not compared; sections of views not summed' '
	test_expect_code 2 prof-diff "$D/memory-inuse.folded" "$D/memory-alloc.folded" >out 2>err &&
	grep -F "different views (inuse-space, alloc-space)" err &&
	cat "$D/memory-inuse.folded" "$D/memory-alloc.folded" >two &&
	test_expect_code 2 prof-top two >out 2>err &&
	test_expect_code 2 prof-fold two >out 2>err &&
	test_must_be_empty out
'

done_testing
