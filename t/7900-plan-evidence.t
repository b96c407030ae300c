#!/bin/sh
test_description='prof-plan: tasks from evidence: a module without symbols, a lock taken or fought over'
. "$(dirname "$0")/lib.sh"
. "$T_DATA/record/record.sh"

# zipper.c's library is libstrip.so (t/data/record) stripped: with
# --addrs its static functions are libstrip.so+0xOFFSET, one task to get
# their names.  locks.c takes one mutex in a tight loop, in one thread (a
# lock nobody waits for) or four (they meet in the kernel's futex).
needs_record
command -v python3 >/dev/null 2>&1 || skip_or_fail "no python3"

test_expect_success 'build: a stripped libstrip.so and its caller; locks' '
	cc -O2 -g -fPIC -shared -fno-toplevel-reorder -Wl,-soname,libstrip.so \
		-o full.so "$T_DATA/record/libstrip.c" &&
	mkdir lib && strip --strip-all -o lib/libstrip.so full.so &&
	cc -O2 -g -o usestrip "$T_DATA/record/usestrip.c" -Llib -lstrip &&
	cc -O2 -g -pthread -o locks "$T_DATA/plan/locks.c"
'

test_expect_success 'a stripped library: one task to get its symbols, ranked by what it hides' '
	LD_LIBRARY_PATH=lib prof-record --addrs -F 999 -o strip.folded ./usestrip 1 &&
	grep -q "libstrip[.]so+0x" strip.folded &&
	prof-plan -o strip.md strip.folded &&
	prof-plan --format json -o strip.json strip.folded &&
	cat strip.md &&
	grep -c "^- \[ \] \*\*[0-9]*\. Missing symbols for \`libstrip.so\`" strip.md >n &&
	echo 1 >expect && test_cmp expect n &&
	! grep "Hot computation in \`libstrip" strip.md &&
	grep "hides \*\*[0-9.]*%\*\* of the samples" strip.md &&
	grep -F "prof-record --addrs" strip.md &&
	grep -F "grep -c -F -e '"'"'[libstrip.so]'"'"' after.folded" strip.md &&
	python3 -c "
import json
d = json.load(open(\"strip.json\"))
t = [t for t in d[\"tasks\"] if t[\"hides\"]]
assert len(t) == 1 and t[0][\"function\"] == \"[libstrip.so]\", t
# the share it hides is every sample under the library but its exported
# x_leaf (a third), x_work and x_helper: at least a third of them
assert t[0][\"share_pct\"] >= 30, t[0]
assert d[\"tasks\"][0][\"hides\"], d[\"tasks\"][0][\"title\"]
"
'

test_expect_success 'guessed names (no --addrs): one task, which says to record with --addrs' '
	LD_LIBRARY_PATH=lib prof-record -F 999 -o guess.folded ./usestrip 1 &&
	grep -q "x_leaf+0x[0-9a-f]*?" guess.folded &&
	prof-plan -o guess.md guess.folded &&
	cat guess.md &&
	grep -c "Missing symbols: [0-9.]*% of the samples are in functions named by a guess" guess.md >n &&
	echo 1 >expect && test_cmp expect n &&
	! grep "Hot computation in \`x_leaf+0x" guess.md &&
	grep -F "Record again with \`prof-record --addrs\`" guess.md &&
	grep -F "grep -c -E -e '"'"'[+]0x[0-9a-f]+[?]'"'"' after.folded" guess.md
'

test_expect_success 'a module from a Debian package: its -dbgsym package and build-id' '
	lib=$(ls /lib/x86_64-linux-gnu/libz.so.1.* /usr/lib/x86_64-linux-gnu/libz.so.1.* 2>/dev/null |
		grep -v "[.]so[.]1\$" | head -n 1) &&
	test -n "$lib" || { echo "no libz.so.1.x here" >&2; return 0; }
	base=${lib##*/} &&
	pkg=$(dpkg -S "$lib" 2>/dev/null | sed -n "1s/[:,].*//p") &&
	test -n "$pkg" &&
	id=$(readelf -n "$lib" | sed -n "s/.*Build ID: *//p") &&
	printf "# command: ./app\napp;main;work;[%s] 80\napp;main;other 20\n" "$base" >deb.folded &&
	prof-plan -o deb.md deb.folded &&
	cat deb.md &&
	grep "Missing symbols for \`$base\`: 80.0% of the samples" deb.md &&
	grep -F "apt install $pkg-dbgsym" deb.md &&
	grep -F "build-id \`$id\`" deb.md &&
	grep -F "/usr/lib/debug/.build-id/$(echo $id | cut -c1-2)/$(echo $id | cut -c3-).debug" deb.md
'

test_expect_success 'the program'"'"'s own unnamed frames are its PLT stubs when it has symbols: no task' '
	printf "# command: \"./app 3\"\napp;main;work 90\napp;main;[app] 10\n" >plt.folded &&
	prof-plan --min-gain 0 -o plt.md plt.folded &&
	! grep "Missing symbols" plt.md
'

test_expect_success 'one thread taking a lock: locking overhead, not contention' '
	prof-record -F 999 -o one.folded ./locks 1 1 &&
	prof-plan --min-gain 0 -o one.md one.folded &&
	cat one.md &&
	grep "^- \[ \] \*\*[0-9]*\. Locking overhead in" one.md &&
	! grep "Lock contention" one.md &&
	grep "Not contention: no sample is in a futex under the lock and the stacks show one thread" one.md &&
	! grep -i "split" one.md
'

# Four threads, not two: on a busy machine two may share one CPU, never
# run at once and never meet in the futex (a lock then barely contended,
# as the plan rightly says); of four, some run side by side.
test_expect_success 'threads fighting over it: contention, with the evidence' '
	prof-record -F 999 -o two.folded ./locks 4 1 &&
	prof-plan --min-gain 0 -o two.md two.folded &&
	cat two.md &&
	grep "^- \[ \] \*\*1\. Lock contention in" two.md &&
	grep "Contended: .* are in the futex under the lock" two.md &&
	! grep "Locking overhead" two.md &&
	! grep "Creating processes and threads" two.md
'

test_expect_success 'a thread'"'"'s clone3 and start_thread are its root, not thread creation' '
	printf "p;clone3;start_thread;worker;compute 90\np;main;pthread_create;clone3 10\n" >th.folded &&
	prof-plan --min-gain 0 -o th.md th.folded &&
	grep "Hot computation in \`compute\`" th.md &&
	grep "Creating processes and threads in \`main\`" th.md &&
	! grep "Creating processes and threads in \`p\`" th.md
'

done_testing
