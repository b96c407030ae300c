#!/bin/sh
test_description='prof-bench: --help, usage errors, option values, the man SYNOPSIS'
. "$(dirname "$0")/lib.sh"

test_expect_success '--help prints the usage and one line per option to stdout, exit 0' '
	prof-bench --help >out 2>err &&
	test_must_be_empty err &&
	head -n 1 out | grep "^usage: prof-bench " &&
	for o in -w -r -m -M --duration -p -c -s -C -S -N -P -L -n --reference \
	    --order --seed -i --input --output --show-output --concurrency --record \
	    -u --sort --export-json --export-csv --export-markdown --save \
	    --results-dir --list --builtin --iterations --help
	do
		sed -n "/^usage:/,/^\$/!p" out | grep -e "^ *$o[ ,]" -e "^ *$o\$" -e ", $o " >/dev/null ||
		{ echo "--help has no line for $o"; exit 1; }
	done
'

test_synopsis prof-bench

test_expect_success 'no command: a message and the usage, exit 2' '
	test_expect_code 2 prof-bench >out 2>err &&
	test_must_be_empty out &&
	grep "no command to benchmark" err &&
	grep "usage: prof-bench" err
'

test_expect_success 'an unknown option: the usage, exit 2' '
	test_expect_code 2 prof-bench --nope true >out 2>err &&
	test_must_be_empty out &&
	grep "usage: prof-bench" err
'

# arguments | what the message must say
while IFS='|' read -r args msg
do
	test_expect_success "bad value: $args" '
		eval "set -- $args" &&
		test_expect_code 2 prof-bench "$@" >out 2>err &&
		test_must_be_empty out &&
		grep -e "'"$msg"'" err
	'
done <<\EOF
-r 0 true|-r: '0' is too small
-r 1x true|-r
-w -1 true|-w
--duration 0 true|--duration
--concurrency 0 true|--concurrency
--order random true|--order: 'random' is not an order; use interleaved, shuffle or sequential
--sort fast true|--sort: 'fast' is not a method; use auto, command or mean-time
-u hours true|-u: 'hours' is not a unit; use s, ms, us or ns
-P n 1|-P: needs more arguments
-P n 5 1 true|-P: '1' is too small; use 5 to
-P n 1 3 -P m 1 2 true|given twice
-L n a,b -L n c true|given twice
-L 1-x a true|-L: '1-x' is not a parameter name
-L n , true|-L: ',' is not a list of values
--step 2 true|only with -P
--iterations 10 true|only with --builtin
--builtin nope|--builtin: 'nope' is not a built-in; use .*json-marshal.* or list
--builtin list true|no commands with it
--builtin json-marshal --iterations 10 --duration 1|one or the other
--concurrency 2 -p true true|--concurrency and -p: one or the other
--concurrency 2 --input /dev/null true|--concurrency and --input: one or the other
-m 20 -M 5 true|-M: '5' is too small; use 20 to
--save ../x -r 1 true|--save: '\.\./x' is not a name for saved results
--save .hidden -r 1 true|\.hidden
-n a -n b -n c -r 1 true true|3 names for 2 commands
-p true -p true -p true -r 1 true true|given 3 times for 2 commands
-N -r 1 'echo "a'|unterminated quote
--list true|no commands with it
--list --builtin list|--list and --builtin: one or the other
--results-dir '' --list|--results-dir: '' is not a directory
EOF

test_expect_success 'a full standard output is a write error, exit 1' '
	test_expect_code 1 prof-bench -r 2 true >/dev/full 2>err &&
	grep "write error" err
'

done_testing
