#!/bin/sh
test_description='libprof-agent.so: memory profiles, sampled and exact, leaks and the peak'
. "$(dirname "$0")/lib.sh"
. "$T_DIR/lib-agent.sh"

test_expect_success 'build the driver and the programs' '
	build_driver &&
	build shares && build leak && build peak &&
	gcc -O1 -g -fPIC -shared -o libearly.so "$SRC/early.c" &&
	build pre -L. -learly -Wl,-rpath,"$TRASH" &&
	g++ -O1 -g -fno-optimize-sibling-calls -o cxx "$SRC/cxx.cc"
'

# shares_within STREAM TRUTH: the shares of site_sixty, site_thirty and
# site_ten in STREAM's alloc-space are within 3 points of those the program
# counted (TRUTH: its "B60 B30 B10" line).
shares_within () {
	for s in sixty thirty ten; do
		site alloc-space "$1" site_$s || return 1
	done >est &&
	shares_off est "$2"
}

for seed in 1 2 3; do
	test_expect_success "60/30/10% of 4 GB from three sites: shares within 3 points at the default rate (seed $seed)" '
		under s'$seed' PROF_AGENT_SEED='$seed' ./shares >truth &&
		stream_ok s'$seed' &&
		shares_within s'$seed' truth
	'
done

test_expect_success 'rate 1: every allocation, the bytes of each site exact' '
	under exact PROF_AGENT_RATE=1 ./shares 100000000 >truth &&
	stream_ok exact &&
	for s in sixty thirty ten; do
		site alloc-space exact site_$s || return 1
	done | tr "\n" " " | sed "s/ \$//" >actual &&
	echo >>actual &&
	test_cmp truth actual
'

test_expect_success 'a leak of 3,000,000 bytes in 1,000 blocks: exact at rate 1' '
	under s1k PROF_AGENT_RATE=1 ./leak 1000 3000 &&
	stream_ok s1k &&
	agentread-test leaks s1k >leaks &&
	cat leaks &&
	head -n 1 leaks >actual &&
	echo "3,000,000 bytes in 1,000 blocks not freed, from 1 stack" >expect &&
	test_cmp expect actual &&
	sed -n 2p leaks | grep "^  3,000,000 bytes in 1,000 blocks: leak_here < main < " &&
	test "$(site inuse-space s1k leak_here)" = 3000000 &&
	test "$(site inuse-objects s1k leak_here)" = 1000 &&
	test "$(site inuse-space s1k churn_here)" = 0 &&
	test "$(site alloc-objects s1k churn_here)" = 1000 &&
	test "$(site alloc-space s1k churn_here)" = 6000000
'

# est_within LEAKS TRUE: the leak summary LEAKS estimates TRUE bytes within
# 4 of the standard errors it states.
est_within () {
	sed -n "1s/^about \([0-9,]*\) bytes in .*: \([0-9.]*\)% standard error)\$/\1 \2/p" "$1" |
		tr -d , >est &&
	test -s est &&
	read est err <est &&
	awk -v e="$est" -v t="$2" -v s="$err" "BEGIN {
		d = 100 * (e / t - 1); printf \"%.1f%% off, %s%% stated\\n\", d, s
		exit !(d <= 4 * s && d >= -4 * s) }"
}

test_expect_success 'a leak of 30 MB at the default rate: its stack found, the estimate within the error stated' '
	under s10k PROF_AGENT_SEED=7 ./leak 10000 3000 &&
	stream_ok s10k &&
	agentread-test leaks s10k >leaks &&
	cat leaks &&
	sed -n 2p leaks | grep "bytes in .* blocks: leak_here < main < " &&
	est_within leaks 30000000
'

# 3 MB is about 6 samples at 512 KiB: the summary says so (about 40%), and
# with no samples at all (one run in 400) the leak would not be seen.
test_expect_success 'a leak of 3 MB at the default rate: few samples, and the summary says how few' '
	under s3m PROF_AGENT_SEED=7 ./leak 1000 3000 &&
	agentread-test leaks s3m >leaks &&
	cat leaks &&
	grep "^about .* (estimated from [0-9] samples\?, one per 524,288 bytes on average: [0-9]*% standard error)\$" leaks &&
	est_within leaks 3000000
'

test_expect_success 'the peak: the live set when the heap was largest, exact at rate 1' '
	under pk PROF_AGENT_RATE=1 ./peak &&
	stream_ok pk &&
	test "$(site peak pk keep_site)" = 4000000 &&
	test "$(site peak pk burst_site)" = 10000000 &&
	test "$(site peak pk late_site)" = 0 &&
	test "$(site inuse-space pk keep_site)" = 4000000 &&
	test "$(site inuse-space pk burst_site)" = 0 &&
	test "$(site inuse-space pk late_site)" = 6000000
'

test_expect_success 'the peak at the default rate: the burst in it, the late blocks not' '
	under pk2 PROF_AGENT_SEED=3 ./peak &&
	stream_ok pk2 &&
	test "$(site peak pk2 burst_site)" -gt 5000000 &&
	test "$(site peak pk2 late_site)" = 0
'

test_expect_success 'blocks allocated before the agent started, freed and grown after: no crash, nothing miscounted' '
	under pre.s PROF_AGENT_RATE=1 ./pre &&
	stream_ok pre.s &&
	agentread-test inuse-space pre.s >inuse &&
	cat inuse &&
	test "$(site inuse-space pre.s planted)" = 777 &&
	test "$(site inuse-space pre.s grow)" = 0 &&
	test "$(site alloc-objects pre.s grow)" = 2 &&
	test "$(site alloc-space pre.s grow)" = 100010 &&
	! grep early_ctor inuse
'

test_expect_success 'C++: new and delete, exceptions; static containers freed by their destructors are no leak' '
	under cx PROF_AGENT_RATE=1 ./cxx >out &&
	echo 1000 >expect &&
	test_cmp expect out &&
	stream_ok cx &&
	agentread-test alloc-objects cx >allocs &&
	grep "__cxa_allocate_exception" allocs &&
	grep "operator new" allocs &&
	agentread-test inuse-space cx >inuse &&
	cat inuse &&
	! grep -e "operator new" -e __cxa_allocate_exception inuse
'

test_expect_success 'without PROF_AGENT_FD the agent records nothing and changes nothing' '
	LD_PRELOAD="$AGENT" ./shares 1000000 >with &&
	./shares 1000000 >without &&
	test_cmp without with &&
	test_expect_code 3 env LD_PRELOAD="$AGENT" PROF_AGENT_FD=9 sh -c "exit 3" 9>>st3
'

done_testing
