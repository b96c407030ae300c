#!/bin/sh
test_description='prof-diff: --help, usage errors, option values, inputs it refuses, write errors'
. "$(dirname "$0")/lib.sh"

printf 'a;b 1\n' >in
printf 'a;b 2\na;c 1\n' >in2

test_expect_success '--help prints the usage and one line per option to stdout, exit 0' '
	prof-diff --help >out 2>err &&
	test_must_be_empty err &&
	head -n 1 out >first &&
	grep "^usage: prof-diff " first &&
	for o in -j --jobs -n -o --output -s --sort --fail-above --format --granularity --summary --rows --help
	do
		sed -n "/^usage:/,/^\$/!p" out | grep -e "^ *$o[ ,]" -e ", $o[ ,]" >/dev/null ||
		{ echo "--help has no line for $o"; exit 1; }
	done
'

test_expect_success '--help to a full disk: exit 1' '
	test_expect_code 1 prof-diff --help >/dev/full 2>err &&
	grep "write error" err
'

test_expect_success 'the usage names every option of the design' '
	prof-diff --help >out &&
	sed -n "/^usage:/,/^\$/p" out >usage &&
	for w in "[-ns]" "[-j n]" "[-o file]" "[--summary]" "[--format fmt]" "[--rows n]" \
	    "[--fail-above pct]" "[--sort flat | cum]" "[--granularity level]" "before after"
	do
		tr -s " \n" "  " <usage | grep -F -e "$w" >/dev/null ||
		{ echo "usage lacks $w"; exit 1; }
	done
'

test_expect_success 'the usage on error equals the usage of --help' '
	prof-diff --help >out &&
	sed -n "/^usage:/,/^\$/p" out | sed "/^\$/d" >expect &&
	test_expect_code 2 prof-diff --nope in in2 2>err &&
	sed -n "/^usage:/,\$p" err >actual &&
	test_cmp expect actual
'

# Arguments that are a usage error: exit 2, the usage or a message on
# stderr, nothing on stdout.  One case a line: a word the message must
# hold, then ARGS.
while read -r word args; do
	test_expect_success "usage error: prof-diff $args" '
		test_expect_code 2 prof-diff '"$args"' >out 2>err &&
		test_must_be_empty out &&
		grep -e "'"$word"'" err
	'
done <<'TABLE'
usage --nope in in2
usage -x in in2
two in
two ''
too in in2 in
standard - -
usage -n -s in
--fail-above --fail-above 101 in in2
--fail-above --fail-above -1 in in2
--fail-above --fail-above x in in2
--fail-above --fail-above '' in in2
--fail-above --fail-above inf in in2
--fail-above --fail-above 0x1 in in2
--rows --rows -1 --summary in in2
--rows --rows x --summary in in2
--rows --rows 1.5 --summary in in2
--format --format xml --summary in in2
--format --format '' --summary in in2
--sort --sort self --summary in in2
--sort --sort '' --fail-above 1 in in2
--sort --sort name --summary in in2
--granularity --granularity symbol --summary in in2
--summary --format csv in in2
--summary --rows 5 in in2
--fail-above --sort cum in in2
--fail-above --granularity file in in2
--jobs -j 0 in in2
--jobs -j 257 in in2
--jobs --jobs x in in2
--jobs -j '' in in2
TABLE

# The messages of words that are none of the choices: one shape.
while IFS='|' read -r opt val what choices; do
	test_expect_success "$opt $val: names the choices" '
		test_expect_code 2 prof-diff '"$opt"' '"$val"' --summary in in2 >out 2>err &&
		echo "prof-diff: '"$opt"': ${SQ}'"$val"'${SQ} is not '"$what"'; use '"$choices"'" >expect &&
		test_cmp expect err
	'
done <<'TABLE'
--format|xml|a format|table, csv, json or markdown
--granularity|symbol|a granularity|function, file, line or module
--sort|self|a share|flat or cum
TABLE

# The spellings prof-diff had before prof(7)'s vocabulary: each dies,
# exit 2, naming the new one, whatever follows it.
while read -r old new; do
	test_expect_success "$old is renamed $new" '
		for args in "'"$old"' 5 in in2" "'"$old"'=5 in in2" "in in2 '"$old"'"
		do
			test_expect_code 2 prof-diff $args >out 2>err &&
			test_must_be_empty out &&
			echo "prof-diff: '"$old"': renamed; use '"$new"' (see prof(7))" >expect &&
			test_cmp expect err || exit 1
		done
	'
done <<'TABLE'
--top --rows
--by --sort
--fail-on-regression --fail-above
TABLE

while read -r opt; do
	test_expect_success "missing value: $opt" '
		test_expect_code 2 prof-diff '"$opt"' >out 2>err </dev/null &&
		test_must_be_empty out &&
		test -s err
	'
done <<'TABLE'
-o
--output
-j
--jobs
--sort
--fail-above
--format
--granularity
--rows
TABLE

# Good values at the edges of the ranges are accepted.
while read -r args; do
	test_expect_success "good value: $args" '
		prof-diff '"$args"' in in2 >out 2>err &&
		test_must_be_empty err &&
		test -s out
	'
done <<'TABLE'
-n
-s
-ns
-n -s
--fail-above 100
--fail-above 100.0
--fail-above 99.5
--summary --rows 0
--summary --rows 1000000000
--summary --format csv
--summary --format json
--summary --format markdown
--summary --format table
--summary --sort cum
--summary --sort flat
--summary --granularity function
--summary --granularity file
--summary --granularity line
--summary --granularity module
--fail-above 50 --sort cum --granularity module
-j 1
-j 256
--jobs 2 --summary
TABLE

test_expect_success 'an input that cannot be opened: exit 2, named, nothing written' '
	test_expect_code 2 prof-diff in nosuch >out 2>err &&
	test_must_be_empty out &&
	grep "nosuch: cannot open" err &&
	test_expect_code 2 prof-diff nosuch in >out 2>err &&
	test_must_be_empty out &&
	grep "nosuch: cannot open" err
'

test_expect_success 'a directory as an input: exit 2' '
	mkdir dir &&
	test_expect_code 2 prof-diff dir in >out 2>err &&
	test_must_be_empty out &&
	grep "dir" err
'

test_expect_success 'a differential profile as an input: exit 2, with the reason' '
	printf "a;b 1 2\n" >d.folded &&
	test_expect_code 2 prof-diff d.folded in >out 2>err &&
	test_must_be_empty out &&
	grep "d.folded: a differential profile" err &&
	test_expect_code 2 prof-diff in "$T_DATA/folded/diff.folded" >out 2>err &&
	test_must_be_empty out &&
	grep "diff.folded: a differential profile" err
'

test_expect_success 'inputs in different units: exit 2, both units named' '
	printf "# unit: bytes\na;b 1\n" >bytes &&
	printf "# unit: nanoseconds\na;b 1\n" >ns &&
	test_expect_code 2 prof-diff bytes ns >out 2>err &&
	test_must_be_empty out &&
	grep "unit (bytes, nanoseconds)" err &&
	test_expect_code 2 prof-diff in bytes >out 2>err &&
	grep "unit (samples, bytes)" err
'

test_expect_success 'no unit is samples: the same as # unit: samples' '
	printf "# unit: samples\na;b 1\n" >samples &&
	prof-diff in samples >out 2>err &&
	test_must_be_empty err &&
	grep "^# unit: samples$" out
'

# Benchmark results and a profile cannot be compared: a clear error
# (t/6300 compares results with results).
while read -r name content; do
	test_expect_success "benchmark results ($name) beside a profile are refused with exit 2" '
		printf "'"$content"'" >results &&
		test_expect_code 2 prof-diff results in >out 2>err &&
		test_must_be_empty out &&
		grep "results: benchmark results" err &&
		test_expect_code 2 prof-diff in results >out 2>err &&
		grep "results: benchmark results" err
	'
done <<'TABLE'
json-object {\n  "results": [{"command": "./app", "mean": 0.5}]\n}\n
json-array [\n  {"name": "parse", "ns": 12}\n]\n
csv command,mean,stddev,median\n./app,0.5,0.01,0.5\n
go goos: linux\ngoarch: amd64\nBenchmarkParse-8   1000   1234 ns/op\nPASS\n
go-bare BenchmarkParse-8   1000   1234 ns/op\n
TABLE

test_expect_success 'folded stacks that look a little like results are profiles' '
	printf "[unknown];f 3\nBenchmarkParse;parse 2\ncommand;x 1\n" >odd &&
	prof-diff odd odd >out 2>err &&
	test_must_be_empty err &&
	grep "^\[unknown\];f 3 3$" out &&
	grep "^BenchmarkParse;parse 2 2$" out
'

test_expect_success 'write error to /dev/full: exit 1 with a message' '
	test_expect_code 1 prof-diff in in2 >/dev/full 2>err &&
	grep "write error" err
'

test_expect_success 'write error with --summary: exit 1' '
	test_expect_code 1 prof-diff --summary --format csv in in2 >/dev/full 2>err &&
	grep "write error" err
'

test_expect_success 'a closed pipe ends it quietly, as SIGPIPE does (141)' '
	awk "BEGIN { for (i = 0; i < 200000; i++) printf \"a;f%d 1\\n\", i }" >big &&
	{ prof-diff big in 2>err; echo $? >status; } | head -n 1 >/dev/null &&
	echo 141 >want &&
	test_cmp want status &&
	test_must_be_empty err
'

test_expect_success '-o writes the file whole; nothing on stdout' '
	prof-diff -o out.folded in in2 >stdout &&
	test_must_be_empty stdout &&
	prof-diff in in2 >expect &&
	test_cmp expect out.folded
'

test_expect_success '-o on an input error leaves the old file as it was' '
	echo old >keep &&
	cp keep expect &&
	test_expect_code 2 prof-diff -o keep in nosuch 2>err &&
	test_cmp expect keep &&
	ls -a >files &&
	! grep "keep\..*" files
'

test_expect_success '-o in a directory that does not exist: exit 2' '
	test_expect_code 2 prof-diff -o nodir/out in in2 2>err &&
	test -s err
'

test_expect_success 'options after the files are read too (GNU getopt_long)' '
	prof-diff in in2 -o late.folded &&
	test -s late.folded
'

test_expect_success '-- ends the options: a file named -n' '
	cp in ./-n &&
	prof-diff -- -n in2 >out &&
	grep "^a;b 1 2$" out
'

# The usage must equal the man page's SYNOPSIS word for word.
test_synopsis prof-diff

done_testing
