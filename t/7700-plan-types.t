#!/bin/sh
test_description='prof-plan: off-CPU, wall and I/O profiles: waits planned by their state, shares of what the profile measures'
. "$(dirname "$0")/lib.sh"

D=$T_DATA/offcpu

# titles FILE: the titles of the tasks of a plan, one a line.
titles () {
	sed -n "s/^- \[ \] \*\*[0-9]*\. \(.*\)\*\*$/\1/p" "$1"
}

test_expect_success 'offcpu: a task per wait, titled by what waits and where, ranked' '
	prof-plan "$D/offcpu.folded" >plan.md &&
	titles plan.md >actual &&
	cat >expect <<-\EOF &&
	Sleeping in `poll_loop` (`poll`): 41.4% of the off-CPU time
	Fsync per record in `save_entry` (`fsync`): 27.6% of the off-CPU time
	Lock waits on a futex in `cache_get` (`pthread_mutex_lock`): 17.2% of the off-CPU time
	Waits on a condition variable in `next_job` (`pthread_cond_wait`): 6.9% of the off-CPU time
	Waiting for input in `reader` (`read`): 3.4% of the off-CPU time
	CPU contention in `compute` (`[runnable]`): 3.4% of the off-CPU time
	EOF
	test_cmp expect actual
'

test_expect_success 'offcpu: figures in time, the whole named' '
	grep "^Profile: \`./app\`, 2.9s of off-CPU time, 2900000000 nanoseconds (offcpu, 3 s)" plan.md &&
	grep -F -- "- 1.2s of the 2.9s of off-CPU time (41.4%) are in \`poll\` called from \`poll_loop\`" plan.md &&
	grep -F -- "- Heaviest path (27.6% of the off-CPU time): \`app > main > run > save_entry > fsync\`" plan.md &&
	! grep "nanoseconds (41" plan.md
'

test_expect_success 'offcpu: the advice is of waits, not of computation' '
	grep -F "1. Sync once per batch or transaction, not per record" plan.md &&
	grep -F "1. Hold the lock for less time" plan.md &&
	grep -F "1. The thread was ready to run but no CPU was free" plan.md &&
	! grep -F "Find a better algorithm" plan.md
'

test_expect_success 'offcpu: a state is not code without a name' '
	! grep "code without names" plan.md
'

test_expect_success 'offcpu: the verify commands record the same type' '
	grep -F "prof-record --type offcpu -- ./app | prof-fold > before.folded" plan.md
'

test_expect_success 'wall: fsync is 41% of the wall time; waits, contention and computation side by side' '
	prof-plan --min-gain 0 "$D/wall.folded" >wall.md &&
	titles wall.md >actual &&
	cat >expect <<-\EOF &&
	Fsync per record in `save_entry` (`fsync`): 41.0% of the wall-clock time
	Sleeping in `poll_loop` (`epoll_wait`): 15.0% of the wall-clock time
	Lock waits on a futex in `cache_get` (`pthread_mutex_lock`): 12.0% of the wall-clock time
	Hot computation in `compute_hash`: 15.0% of the wall-clock time
	CPU contention in `compute_hash` (`[runnable]`): 8.0% of the wall-clock time
	Reading from the disk in `load_config` (`read`): 4.0% of the wall-clock time
	Hot computation in `parse_json`: 5.0% of the wall-clock time
	EOF
	test_cmp expect actual &&
	grep -F -- "- 4.1s of the 10s of wall-clock time (41.0%) are in \`fsync\` called from \`save_entry\`" wall.md &&
	grep -F "prof-record --type wall -- ./app" wall.md
'

test_expect_success 'wall: every sample is in one task (shares add to 100%)' '
	prof-plan --min-gain 0 --format json "$D/wall.folded" >wall.json &&
	grep -o "\"count\": [0-9]*" wall.json | awk "{ s += \$2 } END { print s }" >sum &&
	echo 1000 >expect &&
	test_cmp expect sum &&
	grep "\"type\": \"wall\", \"measure\": \"wall-clock time\", \"total\": 1000}" wall.json
'

test_expect_success 'states under frames no rule names: waiting in the innermost user frame' '
	cat >odd.folded <<-\EOF &&
	# type: offcpu
	# unit: nanoseconds
	app;main;flush_cache;[unknown];io_schedule_[k];[disk] 3000000
	app;main;wait_peer;syscall;futex_wait_queue_[k];schedule_[k];[sleep] 2000000
	app;main;odd_wait;do_something_[k];schedule_[k];[sleep] 1000000
	EOF
	prof-plan --min-gain 0 odd.folded >odd.md &&
	titles odd.md >actual &&
	cat >expect <<-\EOF &&
	Waiting for the disk in `flush_cache` (`[disk]`): 50.0% of the off-CPU time
	Lock waits on a futex in `syscall` (`futex_wait_queue_[k]`): 33.3% of the off-CPU time
	Sleeping in `odd_wait` (`[sleep]`): 16.7% of the off-CPU time
	EOF
	test_cmp expect actual
'

test_expect_success 'outside offcpu and wall, [sleep] is a module without symbols' '
	printf "# type: cpu\napp;main;[sleep] 10\n" >cpu.folded &&
	prof-plan cpu.folded >cpu.md &&
	grep "code without names" cpu.md &&
	! grep "Sleeping" cpu.md
'

test_expect_success 'io by calls: many small writes and reads, by call site' '
	prof-plan "$D/io-calls.folded" >io.md &&
	titles io.md >actual &&
	cat >expect <<-\EOF &&
	Writes in `log_line` (`write(/var/log/app.log)`): 70.1% of the I/O calls
	Reads in `load_config` (`read(/etc/app.conf)`): 23.4% of the I/O calls
	Fsync per record in `save_entry` (`fsync(/var/db/data.db)`): 2.9% of the I/O calls
	Writes in `save_entry` (`write(/var/db/data.db)`): 2.9% of the I/O calls
	EOF
	test_cmp expect actual &&
	grep -F -- "- 6144 of 8769 I/O calls (70.1%) are in \`write(/var/log/app.log)\` called from \`log_line\`" io.md &&
	grep -F "1. Buffer the output and write in blocks of 64 KiB or more" io.md &&
	grep -F "prof-record --type io --weight calls -- ./app" io.md
'

test_expect_success 'io by bytes and by time: figures in MiB and seconds' '
	prof-plan "$D/io-bytes.folded" >bytes.md &&
	grep -F -- "- 1MiB of the 1.69MiB of I/O bytes (59.2%) are in \`write(/var/db/data.db)\` called from \`save_entry\`" bytes.md &&
	prof-plan "$D/io-ns.folded" >ns.md &&
	titles ns.md | head -n 1 >actual &&
	echo "Fsync per record in \`save_entry\` (\`fsync(/var/db/data.db)\`): 80.0% of the I/O time" >expect &&
	test_cmp expect actual
'

test_expect_success 'a cpu profile keeps its titles and figures' '
	prof-plan "$D/cpu.folded" >c.md &&
	titles c.md >actual &&
	printf "%s\n" "Hot computation in \`compute_hash\`" "Hot computation in \`parse_json\`" >expect &&
	test_cmp expect actual &&
	grep -F -- "- 150 of 200 samples (75.0%) are in \`compute_hash\` itself" c.md &&
	grep -F "prof-record -- ./app" c.md
'

test_expect_success '--rules: a rule for the stacks of a state (the stacks column)' '
	printf "%s\n" "id,category,match,pattern,speedup,problem,advice,stacks" \
		"mine,I/O,function,^poll_loop\$,4,idle event loop,Leave it,sleep" >mine.csv &&
	prof-plan --rules mine.csv "$D/offcpu.folded" >mine.md &&
	titles mine.md | head -n 1 >actual &&
	echo "Idle event loop in \`main\` (\`poll_loop\`): 41.4% of the off-CPU time" >expect &&
	test_cmp expect actual &&
	printf "# type: wall\n# unit: samples\napp;main;poll_loop;spin 10\n" >busy.folded &&
	prof-plan --rules mine.csv busy.folded >mine.md &&
	! grep "Idle event loop" mine.md &&
	grep "Hot computation in \`spin\`" mine.md
'

test_expect_success '--rules: a rule without stacks is for code that ran, not for waits' '
	printf "%s\n" "id,category,match,pattern,speedup,problem,advice" \
		"mine,CPU,function,^poll_loop\$,4,busy loop,Leave it" >cpu.csv &&
	prof-plan --rules cpu.csv "$D/offcpu.folded" >cpu.md &&
	! grep "Busy loop" cpu.md
'

test_expect_success '--rules: an unknown word in stacks is refused with its line' '
	printf "%s\n" "id,category,match,pattern,speedup,problem,advice,stacks" \
		"mine,I/O,function,^a\$,4,p,a,sleep idle" >bad.csv &&
	test_expect_code 2 prof-plan --rules bad.csv "$D/offcpu.folded" >out 2>err &&
	test_must_be_empty out &&
	grep -F "bad.csv:2: stacks: not cpu, sleep, disk, runnable, offcpu or io: sleep idle" err
'

# Stacks for the rules of the catalog of waits that the fixtures leave
# out: each claims one.
cat >more.folded <<\EOF
# type: offcpu
# unit: nanoseconds
app;main;send_all;write;pipe_write_[k];schedule_[k];[sleep] 1000
app;main;push;syscall;pipe_write_[k];schedule_[k];[sleep] 1000
app;main;tick;nanosleep;hrtimer_nanosleep_[k];schedule_[k];[sleep] 1000
app;main;tock;syscall;hrtimer_nanosleep_[k];schedule_[k];[sleep] 1000
app;main;sync_all;syscall;do_fsync_[k];schedule_[k];[disk] 1000
app;main;slurp;syscall;filemap_read_[k];io_schedule_[k];[disk] 1000
app;main;pull;syscall;pipe_read_[k];schedule_[k];[sleep] 1000
app;main;loop2;syscall;do_sys_poll_[k];schedule_[k];[sleep] 1000
EOF
cat >more-io.folded <<\EOF
# type: io
# unit: calls
# weight: calls
app;main;setup;ioctl(/dev/tty) 3
app;main;setup;openat(/etc/app.conf) 1
EOF

if command -v python3 >/dev/null 2>&1; then
test_expect_success 'the catalog of waits: every rule claims a stack of the fixtures' '
	for f in "$D"/*.folded odd.folded more.folded more-io.folded; do
		prof-plan --min-gain 0 --format json "$f" || exit 1
	done >all.json &&
	cat >unused.py <<-\EOF &&
	import csv, json, sys
	# a rule is known by the first step of its advice, in a strategy
	steps = set()
	for doc in sys.stdin.read().split("\n}\n"):
	    if doc.strip():
	        for t in json.loads(doc + "}")["tasks"]:
	            steps.add(json.dumps(t["strategy"][0]))
	rows = list(csv.DictReader(open(sys.argv[1], newline="")))
	assert len(rows) > 15, len(rows)
	for r in rows:
	    if not any(r["advice"].split("|")[0] in s for s in steps):
	        print(r["id"])
	EOF
	python3 unused.py "$ROOT/share/prof/waits.csv" <all.json >unused &&
	test_must_be_empty unused
'
else
	test_skip 'the catalog of waits: every rule claims a stack of the fixtures' 'no python3'
fi

done_testing
