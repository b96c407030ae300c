#!/bin/sh
test_description='prof-top: off-CPU, wall and I/O profiles: the total named, times and bytes, the state leaves'
. "$(dirname "$0")/lib.sh"

D=$T_DATA/offcpu

test_expect_success 'offcpu: the total is off-CPU time, the rows are times' '
	prof-top --rows 4 "$D/offcpu.folded" >out &&
	cat >expect <<-\EOF &&
	Total off-CPU time: 2.9s (2900000000 nanoseconds)
	Showing 4 of 27 functions, 100.00% of the total

	 flat   flat%     sum%    cum     cum%  name
	   2s  68.97%   68.97%     2s   68.97%  [sleep]
	800ms  27.59%   96.55%  800ms   27.59%  [disk]
	100ms   3.45%  100.00%  100ms    3.45%  [runnable]
	    0   0.00%  100.00%   2.9s  100.00%  app
	EOF
	test_cmp expect out
'

test_expect_success 'offcpu: "# unit: ns" is nanoseconds too' '
	sed "s/^# unit: nanoseconds/# unit: ns/" "$D/offcpu.folded" >ns.folded &&
	grep "^# unit: ns$" ns.folded &&
	prof-top --rows 4 ns.folded >out &&
	grep "^Total off-CPU time: 2.9s (2900000000 nanoseconds)$" out &&
	grep "^   2s  68.97%   68.97%     2s   68.97%  \[sleep\]$" out
'

test_expect_success 'wall at 100 Hz: wall-clock time, each sample 10ms' '
	prof-top --rows 3 "$D/wall.folded" >out &&
	cat >expect <<-\EOF &&
	Total wall-clock time: 10s (1000 samples of 10ms)
	Showing 3 of 30 functions, 87.00% of the total

	flat   flat%    sum%   cum    cum%  name
	4.5s  45.00%  45.00%  4.5s  45.00%  [disk]
	2.7s  27.00%  72.00%  2.7s  27.00%  [sleep]
	1.5s  15.00%  87.00%  2.3s  23.00%  compute_hash
	EOF
	test_cmp expect out
'

test_expect_success 'wall: a state leaf is a row, the function it was called in keeps its own time' '
	prof-top --rows 0 --format csv "$D/wall.folded" >out.csv &&
	grep "^\"\[disk\]\",450,45.0000,45.0000,450,45.0000$" out.csv &&
	grep "^\"\[sleep\]\",270,27.0000," out.csv &&
	grep "^\"\[runnable\]\",80,8.0000," out.csv &&
	grep "^\"compute_hash\",150,15.0000,[0-9.]*,230,23.0000$" out.csv &&
	prof-top --callees compute_hash "$D/wall.folded" >peek &&
	grep "800ms *34.78%  \[runnable\]" peek &&
	grep "1.5s *65.22%  (self)" peek
'

test_expect_success 'wall without a frequency: wall-clock samples, counted' '
	grep -v "^# frequency" "$D/wall.folded" >nofreq.folded &&
	prof-top --rows 1 nofreq.folded >out &&
	grep "^Total wall-clock samples: 1000 samples$" out &&
	grep "^ 450  45.00%  45.00%  450  45.00%  \[disk\]$" out
'

test_expect_success 'io by bytes: I/O bytes, KiB and MiB' '
	prof-top --rows 4 "$D/io-bytes.folded" >out &&
	cat >expect <<-\EOF &&
	Total I/O bytes: 1.69MiB (1771520 bytes)
	Showing 4 of 11 functions, 100.00% of the total

	  flat   flat%     sum%     cum    cum%  name
	  1MiB  59.19%   59.19%    1MiB  59.19%  write(/var/db/data.db)
	512KiB  29.60%   88.79%  512KiB  29.60%  recv(socket)
	192KiB  11.10%   99.88%  192KiB  11.10%  write(/var/log/app.log)
	  2KiB   0.12%  100.00%    2KiB   0.12%  read(/etc/app.conf)
	EOF
	test_cmp expect out
'

test_expect_success 'io by calls: I/O calls, as counts' '
	prof-top --rows 2 "$D/io-calls.folded" >out &&
	cat >expect <<-\EOF &&
	Total I/O calls: 8769 calls
	Showing 2 of 13 functions, 93.42% of the total

	flat   flat%    sum%   cum    cum%  name
	6144  70.07%  70.07%  6144  70.07%  write(/var/log/app.log)
	2048  23.36%  93.42%  2048  23.36%  read(/etc/app.conf)
	EOF
	test_cmp expect out
'

test_expect_success 'io by time: I/O time' '
	prof-top --rows 1 "$D/io-ns.folded" >out &&
	grep "^Total I/O time: 1.5s (1500000000 nanoseconds)$" out &&
	grep "^1.2s  80.00%  80.00%  1.2s  80.00%  fsync(/var/db/data.db)$" out
'

test_expect_success 'machine formats keep the raw counts, and say the type' '
	prof-top --rows 1 --format json "$D/offcpu.folded" >out.json &&
	grep "\"kernel\": \"included\", \"total\": 2900000000, \"type\": \"offcpu\", \"unit\": \"nanoseconds\"," out.json &&
	grep "\"name\": \"\[sleep\]\", \"flat\": 2000000000," out.json &&
	prof-top --rows 1 --format json "$D/io-bytes.folded" >out.json &&
	grep "\"total\": 1771520, \"type\": \"io\", \"unit\": \"bytes\"," out.json &&
	prof-top --rows 1 --format csv "$D/io-bytes.folded" >out.csv &&
	grep "^\"write(/var/db/data.db)\",1048576,59.1908," out.csv
'

test_expect_success 'a cpu profile and one without a type keep the plain total' '
	prof-top --rows 1 "$D/cpu.folded" >out &&
	grep "^Total: 2.02s (200 samples of 10.1ms)$" out &&
	prof-top --rows 1 --format json "$D/cpu.folded" >out.json &&
	! grep "\"type\"" out.json
'

test_expect_success 'a differential of two off-CPU profiles names the measure before and after' '
	printf "# type: offcpu\n# unit: nanoseconds\na;b;[sleep] 100 300\n" >d.folded &&
	prof-top d.folded >out &&
	grep "^Total off-CPU time before: 100ns (100 nanoseconds)$" out &&
	grep "^Total off-CPU time after: 300ns (300 nanoseconds)$" out
'

test_expect_success 'summing inputs: "ns" and "nanoseconds" are one unit, two weights are not' '
	sed "s/^# unit: nanoseconds/# unit: ns/" "$D/offcpu.folded" >ns.folded &&
	prof-top --rows 1 "$D/offcpu.folded" ns.folded >out 2>err &&
	test_must_be_empty err &&
	grep "^Total off-CPU time: 5.8s (5800000000 nanoseconds)$" out &&
	sed "s/^# weight: ns/# weight: latency/" "$D/io-ns.folded" >latency.folded &&
	test_expect_code 2 prof-top "$D/io-ns.folded" latency.folded >out 2>err &&
	test_must_be_empty out &&
	grep "cannot be summed" err &&
	test_expect_code 2 prof-top "$D/cpu.folded" "$D/wall.folded" >out 2>err &&
	grep "cannot be summed" err
'

done_testing
