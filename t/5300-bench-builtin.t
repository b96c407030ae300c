#!/bin/sh
test_description='prof-bench: built-in micro-benchmarks and --concurrency'
. "$(dirname "$0")/lib.sh"

command -v python3 >/dev/null 2>&1 || skip_or_fail "no python3"
q () { "$ROOT/t/data/bench/q.py" "$@"; }

test_expect_success '--builtin list names the five, one a line' '
	prof-bench --builtin list >out &&
	cut -d " " -f 1 out >names &&
	printf "%s\n" memory-allocation thread-creation pipe-operations json-marshal string-operations >expect &&
	test_cmp expect names
'

for b in memory-allocation thread-creation pipe-operations json-marshal string-operations
do
	test_expect_success "--builtin $b --iterations 2000: ns/op, ops/s, exact count" '
		prof-bench --builtin '$b' --iterations 2000 --export-json '$b'.json >out &&
		q '$b'.json "r[0][\"command\"] == \"builtin:'$b'\" and r[0][\"operations\"] == 2000" &&
		q '$b'.json "r[0][\"mean\"] > 0 and r[0][\"ops_per_second\"] > 0" &&
		q '$b'.json "all(t > 0 for t in r[0][\"times\"])" &&
		grep "^Benchmark 1: builtin:'$b'" out &&
		grep "Operations: *2000 in all" out
	'
done

if grep -q "fsanitize=address" "$ROOT/.build-sanitize" 2>/dev/null || test -f "$ROOT/.build-sanitize"
then
	test_expect_success 'allocations are not counted under AddressSanitizer, and it says so' '
		prof-bench --builtin memory-allocation --iterations 1000 --export-json a.json >out &&
		grep "not counted" out &&
		q a.json "r[0][\"allocs_per_op\"] is None or r[0][\"allocs_per_op\"] < 0"
	'
else
	test_expect_success 'allocations per operation: memory-allocation makes one, json-marshal several' '
		q memory-allocation.json "0.99 <= r[0][\"allocs_per_op\"] <= 1.01" &&
		q memory-allocation.json "16 <= r[0][\"bytes_per_op\"] <= 16384" &&
		q json-marshal.json "r[0][\"allocs_per_op\"] >= 1" &&
		q pipe-operations.json "r[0][\"allocs_per_op\"] < 0.01"
	'
fi

test_expect_success 'thread creation costs microseconds, memory allocation less' '
	q thread-creation.json "r[0][\"median\"] > 1e-6" &&
	q memory-allocation.json "r[0][\"median\"] < 1e-5"
'

# Batches take about 1 ms of a thread's time (BENCHBUILTIN_BATCH_NS): 0.3 s
# is about 300 of them alone, and still 10 when the thread gets a thirtieth
# of a CPU.  One batch would mean the duration was not cut into batches.
test_expect_success '--duration runs a built-in for about that long, in batches' '
	prof-bench --builtin string-operations --duration 0.3 --export-json d.json >out &&
	q d.json "len(r[0][\"times\"]) >= 10" &&
	grep "batches" out
'

test_expect_success '--concurrency 2 runs two threads of a built-in' '
	prof-bench --builtin memory-allocation --iterations 20000 --concurrency 2 --export-json c.json >out &&
	q c.json "r[0][\"operations\"] == 20000 and r[0][\"concurrency\"] == 2" &&
	grep "(2 threads)" out
'

# Throughput is runs over the wall time of the session, so it depends on
# how fast the machine starts processes; checked against the latencies
# measured in the same session instead: three at once cannot beat three
# times one run's rate, and it must beat one and a half (one at a time
# gives one, however loaded the machine).
test_expect_success '--concurrency 3 on a command: latencies and throughput' '
	prof-bench --concurrency 3 -r 9 --export-json cc.json "sleep 0.1" >out &&
	q cc.json "len(r[0][\"times\"]) == 9 and all(0.1 <= t < 2 for t in r[0][\"times\"])" &&
	q cc.json "r[0][\"throughput\"] <= 3 / statistics.fmean(r[0][\"times\"]) * (1 + 1e-9)" &&
	q cc.json "r[0][\"throughput\"] > 1.5 / statistics.fmean(r[0][\"times\"])" &&
	grep "Throughput: .* runs/s with 3 at once" out
'

test_expect_success '--concurrency with a failing command: exit 1, no process left' '
	test_expect_code 1 prof-bench --concurrency 2 -r 4 false 2>err &&
	grep "exit status 1" err
'

done_testing
