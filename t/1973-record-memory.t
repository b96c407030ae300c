#!/bin/sh
test_description='prof-record --type memory: the agent through prof-record, shares, leaks, views'
. "$(dirname "$0")/lib.sh"
. "$T_DIR/lib-agent.sh"

test_expect_success 'build the programs' '
	build shares && build leak && build peak
'

for seed in 1 2; do
	test_expect_success "60/30/10% of 4 GB: shares within 3 points at the default rate (seed $seed)" '
		PROF_AGENT_SEED='$seed' prof-record --type memory -o p'$seed' ./shares >truth 2>err &&
		cat err &&
		for s in sixty thirty ten; do psite p'$seed' site_$s || return 1; done >est &&
		shares_off est truth
	'
done

test_expect_success 'the metadata: type, unit, view, alloc-rate; nothing lost' '
	grep -x "# type: memory" p1 &&
	grep -x "# unit: bytes" p1 &&
	grep -x "# view: alloc-space" p1 &&
	grep -x "# alloc-rate: 524288 bytes" p1 &&
	grep -x "# lost: 0 samples" p1 &&
	grep -x "# command: ./shares" p1 &&
	! grep unfinished p1
'

test_expect_success '--alloc-rate 1: every allocation, the bytes of each site exact' '
	prof-record --type memory --alloc-rate 1 -o exact ./shares 100000000 >truth &&
	grep -x "# alloc-rate: 1 bytes" exact &&
	for s in sixty thirty ten; do psite exact site_$s || return 1; done | tr "\n" " " |
		sed "s/ \$//" >actual &&
	echo >>actual &&
	test_cmp truth actual
'

test_expect_success 'a leak of 3,000,000 bytes in 1,000 blocks: exact at rate 1, the summary on stderr' '
	prof-record --type memory --alloc-rate 1 --view inuse-space -o inuse ./leak 1000 3000 2>err &&
	cat err &&
	head -n 1 err >actual &&
	echo "prof-record: 3,000,000 bytes in 1,000 blocks not freed, from 1 stack" >expect &&
	test_cmp expect actual &&
	sed -n 2p err | grep "^prof-record:   3,000,000 bytes in 1,000 blocks: leak_here < main < " &&
	grep -x "# view: inuse-space" inuse &&
	test "$(psite inuse leak_here)" = 3000000 &&
	test "$(psite inuse churn_here)" = 0 &&
	prof-record --type memory --alloc-rate 1 --view inuse-objects -o objs ./leak 1000 3000 2>/dev/null &&
	grep -x "# unit: objects" objs &&
	test "$(psite objs leak_here)" = 1000 &&
	prof-record --type memory --alloc-rate 1 --view alloc-objects -o allocs ./leak 1000 3000 2>/dev/null &&
	test "$(psite allocs churn_here)" = 1000
'

test_expect_success 'a leak of 30 MB at the default rate: found, within 4 of the standard errors stated' '
	PROF_AGENT_SEED=7 prof-record --type memory --view inuse-space -o est ./leak 10000 3000 2>err &&
	cat err &&
	sed -n "1s/^prof-record: about \([0-9,]*\) bytes in .*: \([0-9.]*\)% standard error)\$/\1 \2/p" err |
		tr -d , >e &&
	read e s <e &&
	awk -v e="$e" -v s="$s" "BEGIN { d = 100 * (e / 30000000 - 1); printf \"%.1f%% off, %s%% stated\\n\", d, s
		exit !(d <= 4 * s && d >= -4 * s) }" &&
	test "$(psite est leak_here)" -gt 0
'

test_expect_success 'the peak view: the live set when the heap was largest (exact at rate 1)' '
	prof-record --type memory --alloc-rate 1 --view peak -o pk ./peak 2>/dev/null &&
	test "$(psite pk keep_site)" = 4000000 &&
	test "$(psite pk burst_site)" = 10000000 &&
	test "$(psite pk late_site)" = 0
'

test_expect_success '--view all -o PREFIX: five files, each its view' '
	prof-record --type memory --alloc-rate 1 --view all -o mem ./leak 100 1000 2>/dev/null &&
	for v in alloc-space alloc-objects inuse-space inuse-objects peak; do
		grep -x "# view: $v" mem-$v.folded || return 1
	done &&
	test "$(psite mem-inuse-space.folded leak_here)" = 100000 &&
	test "$(psite mem-alloc-objects.folded leak_here)" = 100 &&
	test ! -e mem
'

test_expect_success '--view all to stdout: five sections; the readers refuse to sum them' '
	prof-record --type memory --alloc-rate 1 --view all ./leak 100 1000 >all 2>/dev/null &&
	grep "^# view: " all >views &&
	test_line_count = 5 views &&
	test_expect_code 2 prof-fold all >out 2>err &&
	test_expect_code 2 prof-top all >out 2>err &&
	test_expect_code 2 prof-flame all >out 2>err &&
	test_expect_code 2 prof-flame --flamechart all >out 2>err &&
	cat err &&
	grep "several views" err &&
	test_expect_code 2 prof-diff all mem-alloc-space.folded >out 2>err &&
	grep "several views" err
'

test_expect_success 'the toolkit on a memory profile: prof-top and prof-flame show bytes' '
	prof-top inuse >top &&
	cat top &&
	grep "leak_here" top &&
	grep -i "MiB\|MB\|KiB" top &&
	prof-flame inuse >flame.svg &&
	grep "Memory" flame.svg
'

test_expect_success 'prof-diff: two memory profiles of one view compare; two views do not' '
	prof-record --type memory --alloc-rate 1 --view inuse-space -o inuse2 ./leak 2000 3000 2>/dev/null &&
	prof-diff inuse inuse2 >d &&
	grep leak_here d &&
	test_expect_code 2 prof-diff inuse objs 2>err &&
	cat err
'

test_expect_success 'the command runs as without prof-record: its status, its output' '
	test_expect_code 3 prof-record --type memory -o st sh -c "echo hi; exit 3" >out 2>/dev/null &&
	echo hi >expect &&
	test_cmp expect out
'

done_testing
