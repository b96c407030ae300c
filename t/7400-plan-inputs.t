#!/bin/sh
test_description='prof-plan: --diff, --bench, --run-profile and --apply, hostile names, perf script input'
. "$(dirname "$0")/lib.sh"
. "$T_DATA/record/record.sh"

command -v python3 >/dev/null 2>&1 || skip_or_fail "no python3"

cat >before.folded <<\EOF
# command: ./app
app;main;parse;strlen 20
app;main;work 80
EOF
cat >after.folded <<\EOF
# command: ./app
app;main;parse;strlen 50
app;main;work 50
EOF

test_expect_success '--diff: the functions that grew are regressions, as tasks and in the report' '
	prof-diff before.folded after.folded >diff.folded &&
	prof-plan --format json --diff diff.folded --report rep.md after.folded >d.json &&
	python3 -c "
import json
d = json.load(open(\"d.json\"))
r = [t for t in d[\"tasks\"] if t[\"title\"].startswith(\"Regression: parse grew from 20.0% to 50.0%\")]
assert r, [t[\"title\"] for t in d[\"tasks\"]]
r = r[0]
assert r[\"gain_pct\"] == 30.0 and r[\"share_pct\"] == 30.0 and r[\"speedup\"] is None, r
assert r[\"priority\"] == \"CRITICAL\", r
assert not [t for t in d[\"tasks\"] if t[\"title\"].startswith(\"Regression: work\")]
" &&
	grep -x "### Regressions" rep.md &&
	grep "^| .parse. | 20.0% | 50.0% | +30.0 |" rep.md
'

test_expect_success '--bench: the gain in the time of the benchmark of the profiled command' '
	cat >bench.json <<-\EOF &&
	{"results": [{"command": "./app", "mean": 0.2, "stddev": 0.01, "median": 0.2,
	  "user": 0.19, "system": 0.01, "min": 0.19, "max": 0.21,
	  "times": [0.19, 0.2, 0.21, 0.2]}]}
	EOF
	prof-plan --bench bench.json --report rep.md after.folded >b.md &&
	grep "prof-bench: ./app runs in 200.0 ms on average (4 runs)" b.md &&
	grep -x "### Benchmarks" rep.md
'

test_expect_success 'perf script text is planned as its folded form is' '
	prof-plan "$T_DATA/demo/app.perf.txt" >perf.md &&
	prof-fold "$T_DATA/demo/app.perf.txt" | prof-plan >folded.md &&
	sed 1,4d perf.md >a && sed 1,4d folded.md >b &&
	test_cmp a b
'

# Names with Markdown markup, backticks, invalid UTF-8 and control bytes.
printf "app;main;<b>[x](y)*z*|w;\140\140tick\140;bad\377\001name 10\napp;main;a_b 5\n" >hostile.folded

test_expect_success 'hostile names: valid JSON, with U+FFFD for what is not UTF-8' '
	prof-plan --format json hostile.folded >h.json &&
	python3 -c "
import json
d = json.load(open(\"h.json\", encoding=\"utf-8\"))
f = [t[\"function\"] for t in d[\"tasks\"]]
assert \"bad\ufffd\ufffdname\" in f, f
"
'

test_expect_success 'hostile names: Markdown code spans that hold them, no markup escapes' '
	prof-plan --report rep.md hostile.folded >h.md &&
	python3 - h.md rep.md <<-\EOF
	import re, sys
	B = chr(96)  # a backtick
	for name in sys.argv[1:]:
	    text = open(name, encoding="utf-8").read()
	    # outside code spans and fences, no raw markup from the names
	    body = re.sub("^ *" + 3 * B + ".*?^ *" + 3 * B, "", text, flags=re.S | re.M)
	    body = re.sub("(" + B + "+)(.+?)\\1(?!" + B + ")", "", body)
	    for bad in ("<b>", "](y)", "\x01"):
	        assert bad not in body, (name, bad, body)
	    # the span of a path with backticks is delimited by a longer run
	    assert 3 * B + "app > main > <b>[x](y)*z*|w > " + 2 * B + "tick" + B + " > bad" in text, text
	EOF
'

test_expect_success 'the report: a table row per function, whatever the name' '
	sed -n "/^| function/,/^\$/p" rep.md >table &&
	python3 - table <<-\EOF
	import re, sys
	rows = [r for r in open(sys.argv[1]).read().splitlines()[2:] if r]
	assert len(rows) >= 3, rows
	for r in rows:
	    cells = re.split(r"(?<!\\)\|", r)
	    assert len(cells) == 7, (r, cells)
	EOF
'

needs_record

cc -O2 -g -fno-optimize-sibling-calls -o planted "$T_DATA/plan/planted.c"

test_expect_success '--run-profile without a scenario in prof.conf: exit 2, says so' '
	mkdir norun && cd norun &&
	test_expect_code 2 env XDG_CONFIG_HOME=/nonexistent prof-plan --run-profile >out 2>err &&
	test_must_be_empty out &&
	grep "no \[scenario default\]" err
'

test_expect_success '--run-profile: records the default scenario, the plan on stdout' '
	mkdir run && cd run &&
	printf "[scenario default]\ncommand = ../planted 0.3\n" >prof.conf &&
	XDG_CONFIG_HOME=/nonexistent prof-plan --run-profile --min-gain 5 >plan.md 2>err &&
	grep "recording: ../planted 0.3" err &&
	grep "^Profile: .../planted 0.3." plan.md &&
	grep "^- \[ \] \*\*1\. " plan.md &&
	! test -e tasks.md
'

test_expect_success '--run-profile --apply --scenario: tasks.md and the report in .prof/reports' '
	mkdir apply && cd apply &&
	printf "[scenario quick]\ncommand = ../planted 0.3\n" >prof.conf &&
	XDG_CONFIG_HOME=/nonexistent prof-plan --run-profile --scenario quick --apply >out 2>err &&
	test_must_be_empty out &&
	grep "^- \[ \] \*\*1\. " tasks.md &&
	ls .prof/reports >reports &&
	test_line_count = 1 reports &&
	grep "^quick-[0-9]*T[0-9]*Z\.md\$" reports &&
	grep -x "## Summary" .prof/reports/quick-*.md &&
	grep "wrote tasks.md and .prof/reports/quick-" err &&
	ls -a | grep "\.tmp\." >tmps;
	test_must_be_empty tmps
'

test_expect_success '--apply follows prof.conf [plan]: tasks and reports-dir' '
	mkdir conf && cd conf &&
	printf "[plan]\ntasks = TODO.md\nreports-dir = out/r\n[scenario default]\ncommand = sh -c \"../planted 0.2\"\n" >prof.conf &&
	XDG_CONFIG_HOME=/nonexistent prof-plan --run-profile --apply 2>err &&
	test -s TODO.md && ls out/r/default-*.md
'

test_expect_success 'a misspelt key of [plan] is an error naming its line' '
	mkdir typo && cd typo &&
	printf "[plan]\ntask = TODO.md\n[scenario default]\ncommand = true\n" >prof.conf &&
	test_expect_code 2 env XDG_CONFIG_HOME=/nonexistent prof-plan --run-profile 2>err &&
	grep "prof.conf:2" err
'

# A location in a profile is data from another machine: --source DIR
# quotes a file only when its real path lies under DIR's.
test_expect_success '--source never reads outside the directory' '
	mkdir -p tree/src outside &&
	printf "int main(void)\n{\n\treturn 0;\n}\n" >tree/src/app.c &&
	printf "SECRET-LINE-1\nSECRET-LINE-2\nSECRET-LINE-3\n" >outside/secret.c &&
	ln -s ../../outside/secret.c tree/src/linked.c &&
	ln -s ../../outside tree/src/linkdir &&
	printf "main\tapp.c:3 10\n" >good.folded &&
	prof-plan --source tree/src good.folded >tasks.md &&
	grep "return 0;" tasks.md &&
	for loc in ../../outside/secret.c "$PWD/outside/secret.c" linked.c linkdir/secret.c secret.c; do
		printf "main\t%s:1 10\n" "$loc" >evil.folded &&
		prof-plan --source tree/src evil.folded >tasks.md &&
		if grep SECRET tasks.md; then
			test_complain "quoted $loc from outside the source directory"
			return 1
		fi
	done &&
	printf "main\t../../../../../../../../etc/passwd:1 10\n" >passwd.folded &&
	prof-plan --source tree/src passwd.folded >tasks.md &&
	! grep "root:" tasks.md
'

test_expect_success '--source: a FIFO with the source name is not read (no hang)' '
	mkdir -p fifo-src &&
	mkfifo fifo-src/app.c &&
	printf "main\tapp.c:3 10\n" >good.folded &&
	timeout 60 prof-plan --source fifo-src good.folded >tasks.md &&
	grep "Hot computation" tasks.md
'

test_expect_success 'a FIFO as the binary, named by --binary or the command, is skipped, not opened' '
	mkfifo fifo-bin &&
	printf "# command: ./fifo-bin\nmain 10\n" >cmd.folded &&
	timeout 60 prof-plan cmd.folded >tasks.md 2>err &&
	grep "not a regular file" tasks.md &&
	test_expect_code 2 timeout 60 prof-plan --binary fifo-bin good.folded >tasks.md 2>err &&
	grep "fifo-bin: not a regular file" err
'

test_expect_success 'the binary found through an empty PATH element is ./prog' '
	cp /bin/true ./myprog &&
	printf "# command: myprog\nmain 10\n" >path.folded &&
	PATH=":$PATH" prof-plan --format json path.folded >plan.json &&
	grep -F "Binary: ./myprog," plan.json
'

# Frame keys were cut at 512 bytes: two C++ names alike for longer were
# one function, one task.
test_expect_success 'two long names alike for 600 bytes are two functions, two tasks' '
	long=$(head -c 600 /dev/zero | tr "\\000" a) &&
	printf "main;ns::%sX() 10\nmain;ns::%sY() 10\n" "$long" "$long" >long.folded &&
	prof-plan long.folded >tasks.md &&
	grep -c "^- \[ \] \*\*[0-9]*\. Hot computation in .*aX()" tasks.md >nx &&
	grep -c "^- \[ \] \*\*[0-9]*\. Hot computation in .*aY()" tasks.md >ny &&
	echo 1 >want &&
	test_cmp want nx &&
	test_cmp want ny
'

done_testing
