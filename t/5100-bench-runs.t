#!/bin/sh
test_description='prof-bench: runs of commands with known behaviour, measured; order, hooks, parameters, streams'
. "$(dirname "$0")/lib.sh"

command -v python3 >/dev/null 2>&1 || skip_or_fail "no python3"
q () { "$ROOT/t/data/bench/q.py" "$@"; }

test_expect_success 'build alloc.c, slowfirst.c and spin.c' '
	$DRIVER_CC -O1 -o alloc "$ROOT/t/data/bench/alloc.c" &&
	$DRIVER_CC -O1 -o spin "$ROOT/t/data/bench/spin.c" &&
	$DRIVER_CC -O1 -o slowfirst "$ROOT/t/data/bench/slowfirst.c"
'
PATH=$TRASH:$PATH

# A sleep never ends early, but a loaded machine starts and wakes a process
# late: 20 to 80 ms for "sleep 0.02" was seen beside busy loops and
# fuzzers.  The upper bounds leave that room; they still catch a time in
# the wrong unit or of the wrong thing.
test_expect_success 'sleep 0.02, 8 runs: 8 times, none below 20 ms, median below 300 ms, exit codes 0' '
	prof-bench -r 8 --export-json s.json "sleep 0.02" >out 2>err &&
	q s.json "len(r) == 1 and r[0][\"command\"] == \"sleep 0.02\"" &&
	q s.json "len(r[0][\"times\"]) == 8 and r[0][\"exit_codes\"] == [0] * 8" &&
	q s.json "all(0.02 <= t < 2 for t in r[0][\"times\"]) and r[0][\"median\"] < 0.3" &&
	q s.json "abs(r[0][\"mean\"] - statistics.mean(r[0][\"times\"])) < 1e-12" &&
	q s.json "abs(r[0][\"median\"] - statistics.median(r[0][\"times\"])) < 1e-12" &&
	q s.json "abs(r[0][\"stddev\"] - statistics.stdev(r[0][\"times\"])) < 1e-12" &&
	q s.json "r[0][\"min\"] == min(r[0][\"times\"]) and r[0][\"max\"] == max(r[0][\"times\"])" &&
	grep "^Benchmark 1: sleep 0.02" out &&
	grep "8 runs" out
'

test_expect_success 'the summary shows mean, median, percentiles, range and memory' '
	grep "Time (mean ± σ): *[0-9.]* ms ± " out &&
	median=$(sed -n "s/^ *Median (MAD): *\([0-9.]*\) ms (.*/\1/p" out) &&
	ms=$(q s.json "r[0][\"median\"] * 1000") &&
	test_between $(awk "BEGIN { print $ms - 0.01 }") "$median" $(awk "BEGIN { print $ms + 0.01 }") &&
	grep "Median (MAD): .*p5 .*p95 .*p99 " out &&
	grep "Range (min … max): " out &&
	grep "Memory: *max RSS .*page faults.*context switches" out
'

# spin 200 runs until clock() says 200 ms of CPU time: user and system
# together are that, exactly, however loaded the machine.  Linux splits
# them by sampling at its ticks, and spin calls clock(), a system call,
# all the time, so the user part is checked only for being most of it.
test_expect_success 'the user and system times of sleep are small, of a spinning loop not' '
	q s.json "r[0][\"user\"] < 0.01 and r[0][\"system\"] < 0.01" &&
	prof-bench -r 3 --export-json spin.json "spin 200" >/dev/null &&
	q spin.json "r[0][\"user\"] + r[0][\"system\"] > 0.19" &&
	q spin.json "all(u + s > 0.19 for u, s in zip(r[0][\"user_times\"], r[0][\"system_times\"]))" &&
	q spin.json "all(u > 0.1 for u in r[0][\"user_times\"])"
'

# The floor of a run's maximum RSS (alloc 0) is what Linux counts of
# prof-bench at the start of the child (more under AddressSanitizer): a
# run reports the larger of that and its own.
test_expect_success 'maximum RSS per run: 64 MiB touched shows 64 MiB, not more than 64 MiB and the floor' '
	prof-bench -r 3 --export-json m.json "alloc 64" "alloc 0" >/dev/null &&
	q m.json "all(b >= 64 << 20 for b in r[0][\"memory_usage_byte\"])" &&
	q m.json "all(b <= (64 << 20) + max(r[1][\"memory_usage_byte\"]) for b in r[0][\"memory_usage_byte\"])" &&
	q m.json "all(b < 32 << 20 for b in r[1][\"memory_usage_byte\"])" &&
	q m.json "min(r[0][\"minor_faults\"]) > 16000 > max(r[1][\"minor_faults\"])"
'

test_expect_success 'maximum RSS is of each run alone: a small run after a big one stays small' '
	prof-bench --order sequential -r 2 --export-json m2.json "alloc 64" "alloc 1" >/dev/null &&
	q m2.json "max(r[1][\"memory_usage_byte\"]) < 32 << 20"
'

test_expect_success 'a failing command stops the benchmark: message, exit 1' '
	test_expect_code 1 prof-bench -r 3 false >out 2>err &&
	grep "false: exit status 1 in run 1; --ignore-failure" err
'

test_expect_success 'a command not found: message, exit 1' '
	test_expect_code 1 prof-bench -r 3 no-such-command-here >out 2>err &&
	grep "command not found: no-such-command-here" err
'

test_expect_success '-i keeps the failing runs with their exit codes, and warns' '
	prof-bench -i -r 4 --export-json f.json false "sh -c \"exit 3\"" >out 2>err &&
	q f.json "r[0][\"exit_codes\"] == [1] * 4 and r[1][\"exit_codes\"] == [3] * 4" &&
	grep "false: 4 of 4 runs failed" err
'

test_expect_success 'a command killed by a signal is reported as such' '
	test_expect_code 1 prof-bench -r 2 -N "sh -c \"kill -9 \\\$\\\$\"" >out 2>err &&
	grep "killed by signal 9" err
'

# ": ; :" needs a shell, which does nothing else.  The shell, slowsh,
# sleeps 100 ms before it starts sh: unsubtracted, every run would take
# 100 ms or more; with the start-up (a mean of 30 runs of slowsh -c "")
# subtracted, about nothing is left, give or take the machine's noise
# (the 50 ms margin).  A start-up of a few ms, as sh's own, drowned in the
# noise of a loaded machine.  Without -S, "sh -c :" has no shell syntax:
# it is run directly, with nothing subtracted.
cat >slowsh <<\EOF
#!/bin/sh
sleep 0.1
exec sh "$@"
EOF
chmod +x slowsh

test_expect_success 'a command with shell syntax runs under the shell, its start-up subtracted' '
	prof-bench -S ./slowsh -r 5 --export-json slow.json ": ; :" >/dev/null &&
	q slow.json "r[0][\"shell_spawn_time\"] >= 0.1 and r[0][\"median\"] < 0.05" &&
	prof-bench -r 3 --export-json sh.json ": ; :" "sh -c :" >/dev/null &&
	q sh.json "r[0][\"shell_spawn_time\"] > 0 and r[1].get(\"shell_spawn_time\", 0) == 0"
'

test_expect_success '-N splits the words itself: quotes removed, nothing else' '
	prof-bench -N -r 1 --output argv.txt "printf %s| \"a b\" '"'"'c|d'"'"'" >/dev/null &&
	printf "a b|c|d|" >expect &&
	test_cmp expect argv.txt
'

test_expect_success '-S runs every command under the shell given' '
	prof-bench -S bash -r 1 --output sh.txt "echo \$BASH_VERSION" >/dev/null &&
	test -s sh.txt
'

# The count is the duration over the first run's time, within -m and -M:
# checked against that first time, which a loaded machine stretches (true
# took over 15 ms there).  sleep 0.1 cannot take less than 0.1 s, so its
# count is the minimum.
test_expect_success '--duration with no -r: at least -m runs, more for a short command' '
	prof-bench --duration 0.3 --export-json d.json "sleep 0.1" true >/dev/null &&
	q d.json "len(r[0][\"times\"]) == 10" &&
	q d.json "len(r[1][\"times\"]) == max(10, math.ceil(0.3 / r[1][\"times\"][0]))"
'

test_expect_success '-m and -M bound the count' '
	prof-bench --duration 0.3 -m 3 -M 5 --export-json mm.json "sleep 0.1" true >/dev/null &&
	q mm.json "len(r[0][\"times\"]) == 3" &&
	q mm.json "len(r[1][\"times\"]) == min(5, max(3, math.ceil(0.3 / r[1][\"times\"][0])))" &&
	prof-bench --duration 1000 -M 5 --export-json mx.json true >/dev/null &&
	q mx.json "len(r[0][\"times\"]) == 5"
'

test_expect_success 'interleaved order (default): A B A B A B, warm-up runs first' '
	rm -f log &&
	prof-bench -w 1 -r 3 "echo A >>log" "echo B >>log" >/dev/null &&
	printf "A\nB\nA\nB\nA\nB\nA\nB\n" >expect &&
	test_cmp expect log
'

test_expect_success 'sequential order: all of A, then all of B' '
	rm -f log &&
	prof-bench --order sequential -r 3 "echo A >>log" "echo B >>log" >/dev/null &&
	printf "A\nA\nA\nB\nB\nB\n" >expect &&
	test_cmp expect log
'

test_expect_success 'shuffled order: each count kept, the same order for the same seed' '
	rm -f log &&
	prof-bench --order shuffle --seed 7 -r 20 "echo A >>log" "echo B >>log" >/dev/null &&
	mv log log1 &&
	prof-bench --order shuffle --seed 7 -r 20 "echo A >>log" "echo B >>log" >/dev/null &&
	test_cmp log1 log &&
	test $(grep -c A log) = 20 && test $(grep -c B log) = 20 &&
	! printf "A\nB\n%.0s" $(seq 20) | cmp -s - log &&
	prof-bench --order shuffle --seed 8 -r 20 "echo A >>log2" "echo B >>log2" >/dev/null &&
	! cmp -s log log2
'

test_expect_success 'setup, prepare, conclude, cleanup: when each runs' '
	rm -f log &&
	prof-bench -w 1 -r 2 -s "echo setup >>log" -p "echo prepare >>log" \
		-c "echo conclude >>log" -C "echo cleanup >>log" "echo run >>log" >/dev/null &&
	cat >expect <<-\EOF &&
	setup
	prepare
	run
	conclude
	prepare
	run
	conclude
	prepare
	run
	conclude
	cleanup
	EOF
	test_cmp expect log
'

test_expect_success 'one prepare per command, in order' '
	rm -f log &&
	prof-bench --order sequential -r 1 -p "echo pa >>log" -p "echo pb >>log" \
		"echo a >>log" "echo b >>log" >/dev/null &&
	printf "pa\na\npb\nb\n" >expect &&
	test_cmp expect log
'

test_expect_success 'a failing prepare stops the session: exit 2, named' '
	test_expect_code 2 prof-bench -r 2 -p "exit 4" true >out 2>err &&
	grep "true: the prepare command failed (exit status 4): exit 4" err
'

test_expect_success '-P scans a parameter; {n} in the command and the name' '
	prof-bench -r 1 -P n 1 3 -n "t{n}" --export-json p.json "sleep 0.00{n}" >/dev/null &&
	q p.json "[x[\"name\"] for x in r] == [\"t1\", \"t2\", \"t3\"]" &&
	q p.json "[x[\"command\"] for x in r] == [\"sleep 0.001\", \"sleep 0.002\", \"sleep 0.003\"]" &&
	q p.json "[x[\"parameters\"] for x in r] == [{\"n\": str(i)} for i in (1, 2, 3)]"
'

test_expect_success '-P with a decimal --step' '
	prof-bench -r 1 -P t 0.001 0.002 --step 0.0005 --export-json ps.json "sleep {t}" >/dev/null &&
	q ps.json "[x[\"parameters\"][\"t\"] for x in r] == [\"0.001\", \"0.0015\", \"0.002\"]"
'

test_expect_success 'two -L lists give every combination' '
	prof-bench -r 1 -L a x,y -L b 1,2 --export-json l.json "echo {a}{b}" >/dev/null &&
	q l.json "[x[\"command\"] for x in r] == [\"echo x1\", \"echo x2\", \"echo y1\", \"echo y2\"]"
'

test_expect_success '--input feeds every run from its start; --output collects their output' '
	printf "hello\n" >in.txt &&
	prof-bench -w 1 -r 2 --input in.txt --output out.txt cat >/dev/null &&
	printf "hello\nhello\nhello\n" >expect &&
	test_cmp expect out.txt
'

test_expect_success 'the standard input is /dev/null by default; output goes nowhere' '
	prof-bench -r 1 cat >out 2>err &&
	! grep hello out
'

test_expect_success '--show-output lets the output through' '
	prof-bench -r 2 --show-output "echo visible" >out 2>err &&
	test $(grep -c "^visible" out) = 2
'

# Means are what hyperfine relates, and one stall of this VM moves a mean
# far: the figures are checked against their definition, the size only
# for its direction.  The sleeps differ by 90 ms, so that a loaded
# machine's delays (tens of ms a run) do not turn the direction around.
test_expect_success 'relative speed: mean over the fastest mean, with the uncertainty as hyperfine gives it' '
	prof-bench -r 10 --export-json rel.json "sleep 0.01" "sleep 0.1" >out &&
	q rel.json "r[1][\"relative\"] > 1.2 and r[0][\"relative\"] == 1" &&
	q rel.json "abs(r[1][\"relative\"] - r[1][\"mean\"] / r[0][\"mean\"]) < 1e-12" &&
	q rel.json "abs(r[1][\"relative_stddev\"] - r[1][\"relative\"] * ((r[1][\"stddev\"] / r[1][\"mean\"]) ** 2 + (r[0][\"stddev\"] / r[0][\"mean\"]) ** 2) ** 0.5) < 1e-9" &&
	grep "^Summary (mean time relative to the fastest)" out
'

test_expect_success '--reference: speeds relative to it, benchmarked first' '
	prof-bench -r 5 --reference "sleep 0.1" --export-json ref.json "sleep 0.01" >out &&
	q ref.json "r[0][\"command\"] == \"sleep 0.1\" and r[0][\"relative\"] == 1" &&
	q ref.json "r[1][\"relative\"] < 0.85" &&
	q ref.json "abs(r[1][\"relative\"] - r[1][\"mean\"] / r[0][\"mean\"]) < 1e-12" &&
	grep "relative to the reference, sleep 0.1" out
'

# The slow runs are far slower than a loaded machine's delays (up to 80 ms
# seen), which make some of the fast runs slow too.
test_expect_success 'a first run much slower than the rest is warned about' '
	rm -f state &&
	prof-bench -r 12 "slowfirst state 500 10" >out 2>err &&
	grep "the first run was much slower than the others" err &&
	grep -e "--warmup" err
'

test_expect_success 'outliers are counted and warned about, with advice' '
	rm -f state &&
	prof-bench -r 20 --export-json o.json "slowfirst state 400 10 5" >out 2>err &&
	q o.json "r[0][\"outliers\"] >= 4" &&
	grep "[0-9]* of 20 runs are outliers" err &&
	grep -e "--warmup or --prepare" err
'

test_expect_success 'more commands than the results first have room for (8)' '
	prof-bench -r 1 -L n 1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17 --export-json many.json \
		"true {n}" >out &&
	test $(grep -c "^Benchmark [0-9]*: true [0-9]*$" out) = 17 &&
	q many.json "[b[\"command\"] for b in r] == [\"true %d\" % i for i in range(1, 18)]" &&
	q many.json "all(len(b[\"times\"]) == 1 for b in r)"
'

test_expect_success 'hardware counters: counted where the machine has them, else said so' '
	prof-bench -r 2 --export-json hw.json true >out &&
	if q hw.json "\"cycles\" in r[0]"
	then
		q hw.json "all(c > 0 for c in r[0][\"cycles\"])"
	else
		grep "^Note: no hardware cycles counter" out &&
		q hw.json "\"no hardware\" in j[\"prof\"][\"hardware_counters\"]"
	fi
'

done_testing
