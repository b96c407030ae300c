#!/bin/sh
test_description='prof-record --sampler ptrace: the fallback when perf_event_open is refused'
. "$(dirname "$0")/lib.sh"

make -C "$ROOT" -s bin/demo-app >/dev/null 2>&1 || skip_all 'bin/demo-app does not build'
APP=$ROOT/bin/demo-app

# 2000 units: some 2 s of CPU, 150 samples at 99 Hz; with 600 (45
# samples) a loaded machine once gave mix none.
test_expect_success 'ptrace sampling records the demo app with full stacks' '
	prof-record --sampler ptrace -F 99 -o out "$APP" 2000 >/dev/null 2>err &&
	grep "^# event: ptrace$" out &&
	grep "^# frequency: 99 Hz$" out &&
	{ grep "^demo-app;.*;main;hash;mix [0-9]*$" out &&
	  grep "^demo-app;.*;main;parse;tokenize;parse_number [0-9]*$" out ||
	  { cat out err; false; }; }
'

test_expect_success 'ptrace sampling caps the frequency at 99 Hz' '
	prof-record --sampler ptrace -F 999 -o out "$APP" 100 2>err &&
	grep "^# frequency: 99 Hz$" out
'

test_expect_success 'ptrace sampling: every sample counted, as the metadata says' '
	prof-record --sampler ptrace -o out "$APP" 300 >/dev/null 2>err &&
	sed -n "s/^# samples: \([0-9]*\) samples$/\1/p" out >expect &&
	grep -v "^#" out | folded_sum /dev/stdin >actual &&
	{ test_cmp expect actual || { cat out err; false; }; }
'

test_expect_success 'ptrace sampling leaves the command unharmed: its status' '
	test_expect_code 3 prof-record --sampler ptrace -o out sh -c "i=0; while [ \$i -lt 20000 ]; do i=\$((i+1)); done; exit 3"
'

# A command started through shell scripts that end in exec: outer.sh
# runs a loop, then execs inner.sh, which runs one and execs the demo app.
# Each sample is read in the program the process ran when it was taken:
# the app's under its own name, not under the first script's, whose
# mappings are gone (the sampler used to keep them, and give [unknown]).
cat >inner.sh <<EOF
#!/bin/sh
i=0
while [ \$i -lt 200000 ]; do i=\$((i + 1)); done
exec "$APP" 2000
EOF
sed "s|exec .*|exec ./inner.sh|" inner.sh >outer.sh
chmod +x inner.sh outer.sh

for sampler in ptrace perf; do
	test_expect_success "--sampler $sampler follows exec: the frames of the program executed" '
		prof-record --sampler '$sampler' -F 99 -o exec.folded ./outer.sh >/dev/null 2>err &&
		cat err &&
		all=$(folded_sum exec.folded) &&
		app=$(grep "^demo-app;.*;main;" exec.folded | folded_sum /dev/stdin) &&
		unknown=$(grep "\\[unknown\\]" exec.folded | folded_sum /dev/stdin) &&
		echo "$app of $all samples in the app, $unknown with [unknown]" &&
		test "$app" -ge 100 &&
		test $((unknown * 20)) -le "$all" &&
		! grep -E "^(outer|inner).sh;.*;(main;hash|main;parse)" exec.folded
	'
done

test_expect_success 'a bad --sampler is a usage error' '
	test_expect_code 2 prof-record --sampler nope true 2>err &&
	grep "^prof-record: --sampler: " err
'

done_testing
