#!/bin/sh
test_description='prof-plan: -j N gives the same plan for every N'
. "$(dirname "$0")/lib.sh"

# A profile of several chunks of the parallel reader (1 MiB each): 60,000
# lines over 3,000 stacks that rules claim (allocation, strings, writes)
# or that are computation, with decimal counts, in an order that makes
# every chunk see every stack; and a differential profile of the same.
test_expect_success 'generate a big profile and a differential one' '
	awk "BEGIN {
		print \"# command: ./app\"; print \"# unit: samples\"
		split(\"malloc free strlen memcpy write\", lib, \" \")
		for (i = 0; i < 60000; i++) {
			k = (i * 7919) % 3000
			s = \"app;main\"
			for (d = 0; d <= k % 11; d++) s = s \";fn\" (k * 31 + d) % 89
			if (k % 3) s = s \";\" lib[k % 5 + 1]
			printf \"%s;leaf%d %d.%03d\\n\", s, k % 7, i % 17 + 1, i % 1000
		}
	}" >big.folded &&
	awk "!/^#/ { n = \$NF; \$NF = \"\"; printf \"%s%s %s\\n\", \$0, n, n * (1 + i++ % 3) }" \
		big.folded >big.diff &&
	test $(wc -c <big.folded) -gt 3000000
'

test_expect_success '-j 1 gives the tasks of the default -j (the CPUs), and of -j 3 and -j 8' '
	prof-plan -j 1 --min-gain 0 big.folded >j1.md &&
	grep -c "^- \[ \] " j1.md >count && test $(cat count) -gt 10 &&
	prof-plan --min-gain 0 big.folded >jdefault.md &&
	test_cmp j1.md jdefault.md &&
	for j in 3 8; do
		prof-plan --jobs $j --min-gain 0 big.folded >j$j.md &&
		test_cmp j1.md j$j.md || exit 1
	done
'

test_expect_success '-j 1 and -j 4: the same JSON and report, with --diff' '
	prof-plan -j 1 --format json --diff big.diff --report r1.md big.folded >j1.json &&
	prof-plan -j 4 --format json --diff big.diff --report r4.md big.folded >j4.json &&
	test_cmp j1.json j4.json &&
	grep -x "### Regressions" r1.md &&
	# the report ends with the command line, which differs
	sed "/^prof-plan -j /d" r1.md >r1 &&
	sed "/^prof-plan -j /d" r4.md >r4 &&
	test_cmp r1 r4
'

done_testing
