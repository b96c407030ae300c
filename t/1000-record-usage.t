#!/bin/sh
test_description='prof-record: --help, usage errors, option values, prof.conf, PROF_FREQ, the man pages'
. "$(dirname "$0")/lib.sh"

# Every case here fails before prof-record opens an event, so none needs
# perf_event_open: this script runs on any machine.  A case that passed
# its check by mistake would start recording `true', and fail on its exit
# status.

if ! test -x "$ROOT/bin/prof-record"; then
	echo "1..1"
	echo "not ok 1 - bin/prof-record is built (is it in the Makefile's PROGS?)"
	exit 1
fi

# The user's own prof.conf and PROF_FREQ must not change the results.
XDG_CONFIG_HOME=$TRASH/xdg
HOME=$TRASH/home
export XDG_CONFIG_HOME HOME
unset PROF_FREQ
mkdir -p "$XDG_CONFIG_HOME" "$HOME"

test_expect_success '--help prints the usage and one line per option to stdout, exit 0' '
	prof-record --help >out 2>err &&
	test_must_be_empty err &&
	head -n 1 out >first &&
	grep "^usage: prof-record " first &&
	for o in -F -d --duration -o --output -p --max-stack --lines --no-inline \
	    --pid --tid --kernel --sampler --stack-size --type --unwinder --addrs \
	    --debuginfod --help
	do
		sed -n "/^usage:/,/^\$/!p" out | grep -e "^ *$o[ ,]" -e ", $o[ ,]" >/dev/null ||
		{ echo "--help has no line for $o"; exit 1; }
	done
'

# No command and no -p, both, or an unknown option: the usage on stderr,
# nothing on stdout, exit 2.
while read -r args; do
	test_expect_success "usage error: prof-record $args" '
		test_expect_code 2 prof-record '"$args"' >out 2>err &&
		test_must_be_empty out &&
		grep "^usage: prof-record " err
	'
done <<'TABLE'

--
-F 99
-d 1 -o out.folded --lines
-p 1 true
-p 1 -- true
--nope true
-x true
TABLE

test_expect_success 'the usage on error equals the usage of --help' '
	prof-record --help >out &&
	sed -n "/^usage:/,/^\$/p" out | sed "/^\$/d" >expect &&
	test_expect_code 2 prof-record 2>err &&
	sed -n "/^usage:/,\$p" err >actual &&
	test_cmp expect actual
'

# Bad option values: "OPTION ARGS", one line each.  Each must exit 2 with
# a message naming OPTION on stderr, and write nothing on stdout.
while read -r opt args; do
	test_expect_success "bad value: $args" '
		test_expect_code 2 prof-record '"$args"' >out 2>err &&
		test_must_be_empty out &&
		grep -F -e "'"$opt"': " err
	'
done <<'TABLE'
-F -F 0 true
-F -F 100001 true
-F -F -1 true
-F -F x true
-F -F 99x true
-F -F 1.5 true
-F -F '' true
-F -F 99999999999999999999 true
-d -d 0 true
-d -d 0.0001 true
-d -d -1 true
-d -d x true
-d -d 1e3 true
-d -d 31536001 true
-d -d '' true
-p -p 0
-p -p -5
-p -p x
-p -p 4194305
-p -p ''
-p -p 1,
-p -p ,1
-p -p 1,,2
-p -p 1,x
--duration --duration 0 true
--duration --duration x true
--max-stack --max-stack 0 true
--max-stack --max-stack 1025 true
--max-stack --max-stack x true
--max-stack --max-stack 1.5 true
--max-stack --max-stack '' true
--stack-size --stack-size 1023 true
--stack-size --stack-size 65529 true
--stack-size --stack-size 16k true
--stack-size --stack-size '' true
--type --type bogus true
--type --type CPU true
--type --type '' true
--unwinder --unwinder bogus true
--unwinder --unwinder '' true
TABLE

while read -r opt; do
	test_expect_success "missing value: $opt" '
		test_expect_code 2 prof-record '"$opt"' >out 2>err &&
		test_must_be_empty out &&
		test -s err
	'
done <<'TABLE'
-F
-d
-o
-p
--duration
--output
--max-stack
--stack-size
--type
--unwinder
TABLE

# The message of a renamed option, and of a word that is none of the
# choices (prof(7)): "OPTION ARGS", then the whole message.
while read -r args; read -r msg; do
	test_expect_success "message: prof-record $args" '
		printf "%s\n" "$msg" >expect &&
		test_expect_code 2 prof-record '"$args"' >out 2>err &&
		test_must_be_empty out &&
		test_cmp expect err
	'
done <<'TABLE'
--depth 10 true
prof-record: --depth: renamed; use --max-stack (see prof(7))
--max-stack 10 --depth 10 true
prof-record: --depth: renamed; use --max-stack (see prof(7))
--sampler bogus true
prof-record: --sampler: 'bogus' is not a sampler; use perf or ptrace
--type bogus true
prof-record: --type: 'bogus' is not a type; use cpu, threads, offcpu, wall, io, memory, lock, block, threadcreate or stats
--unwinder bogus true
prof-record: --unwinder: 'bogus' is not an unwinder; use dwfl, libunwind or compare
TABLE

test_expect_success 'type = bogus in prof.conf: the message of --type, naming prof.conf:2' '
	mkdir tb && cd tb &&
	printf "[record]\ntype = bogus\n" >prof.conf &&
	echo "prof-record: prof.conf:2: ${SQ}bogus${SQ} is not a type; use cpu, threads, offcpu, wall, io, memory, lock, block, threadcreate or stats" >expect &&
	test_expect_code 2 prof-record true >out 2>err &&
	test_must_be_empty out &&
	test_cmp expect err
'

test_expect_success '--type threads without -p is a usage error naming --type' '
	test_expect_code 2 prof-record --type threads true >out 2>err &&
	test_must_be_empty out &&
	grep -F -e "--type" err
'

test_expect_success '-p of a process that cannot exist: exit 2, naming it' '
	# pid_max is at most 4194304, so the largest pid is one less.
	test_expect_code 2 prof-record -p 4194304 >out 2>err &&
	test_must_be_empty out &&
	grep -F -e "-p: " err &&
	grep -F 4194304 err
'

test_expect_success 'an error with -o leaves the file as it was, and no temporary file' '
	mkdir o &&
	echo old >o/prof.folded &&
	(cd o && test_expect_code 2 prof-record -o prof.folded -p 4194304) 2>err &&
	(cd o && test_expect_code 2 prof-record -o new.folded -F 0 true) 2>err &&
	echo old >expect &&
	test_cmp expect o/prof.folded &&
	ls o >actual &&
	echo prof.folded >expect &&
	test_cmp expect actual
'

# PROF_FREQ, when -F is not given: exit 2 with a message naming it.
while read -r v; do
	test_expect_success "bad PROF_FREQ=$v" '
		test_expect_code 2 env PROF_FREQ='"$v"' prof-record true >out 2>err &&
		test_must_be_empty out &&
		grep -F "PROF_FREQ: " err
	'
done <<'TABLE'
0
100001
x
99x
-5
TABLE

# A prof.conf in the current directory with a line that cannot be read:
# "LINE CONTENTS", CONTENTS a printf format.  Exit 2 naming prof.conf:LINE.
while read -r line contents; do
	# the title without backslashes: dash's echo would expand "\n"
	shown=$(printf '%s' "$contents" | sed 's/\\n/ | /g; s/ | $//')
	test_expect_success "bad prof.conf, line $line: $shown" '
		mkdir c$test_count && cd c$test_count &&
		printf "'"$contents"'" >prof.conf &&
		test_expect_code 2 prof-record true >out 2>err &&
		test_must_be_empty out &&
		grep -F "prof-record: prof.conf:'"$line"': " err
	'
done <<'TABLE'
2 [record]\nfrequency 99\n
1 [record\n
3 # a comment\n\n[record] # not a comment here\n
2 [record]\n= 99\n
4 [record]\ntype = cpu\n\nfrequency\n
2 [record]\nfrequency = 0\n
2 [record]\nfrequency = 99 Hz\n
3 [record]\n  # an indented comment\nfrequency = x\n
TABLE

test_expect_success 'a bad line in the user prof.conf names its path and line' '
	mkdir -p x1/prof &&
	printf "[record]\nfrequency\n" >x1/prof/prof.conf &&
	test_expect_code 2 env XDG_CONFIG_HOME="$PWD/x1" prof-record true >out 2>err &&
	test_must_be_empty out &&
	grep -F "prof-record: $PWD/x1/prof/prof.conf:2: " err
'

test_expect_success 'without XDG_CONFIG_HOME the user prof.conf is ~/.config/prof/prof.conf' '
	mkdir -p h1/.config/prof &&
	printf "[record]\nfrequency\n" >h1/.config/prof/prof.conf &&
	test_expect_code 2 env XDG_CONFIG_HOME= HOME="$PWD/h1" prof-record true >out 2>err &&
	test_must_be_empty out &&
	grep -F "prof-record: $PWD/h1/.config/prof/prof.conf:2: " err
'

test_expect_success './prof.conf overrides the user prof.conf' '
	mkdir over && cd over &&
	mkdir -p xdg/prof &&
	printf "[record]\nfrequency = 99\n" >xdg/prof/prof.conf &&
	printf "[record]\n\nfrequency = 0\n" >prof.conf &&
	test_expect_code 2 env XDG_CONFIG_HOME="$PWD/xdg" prof-record true >out 2>err &&
	test_must_be_empty out &&
	grep -F "prof-record: prof.conf:3: ${SQ}0${SQ} is too small" err
'

test_expect_success 'type = threads in prof.conf, and a command: exit 2 naming --type' '
	mkdir th && cd th &&
	printf "[record]\ntype = threads\n" >prof.conf &&
	test_expect_code 2 prof-record true >out 2>err &&
	test_must_be_empty out &&
	grep -F -e "--type" err
'

# The usage must equal the man page's SYNOPSIS word for word, and the man
# page must describe every option.
man=$ROOT/man/prof-record.1
conf=$ROOT/man/prof.conf.5
test_synopsis prof-record
if command -v mandoc >/dev/null 2>&1; then
	test_expect_success 'man/prof.conf.5 passes mandoc -T lint' '
		mandoc -T lint -W warning "$conf" >lint 2>&1;
		test_must_be_empty lint
	'
else
	test_skip 'man/prof.conf.5 passes mandoc -T lint' 'no mandoc'
fi

test_expect_success 'man/prof-record.1 has an entry for every option of --help' '
	for o in F d -duration o -output p -max-stack -lines -no-inline -pid -tid \
	    -kernel -sampler -stack-size -type -unwinder -help
	do
		grep -e "^\.It Fl $o\( \|\$\)" -e "^\.It .* , Fl $o\( \|\$\)" "$man" >/dev/null ||
		{ echo "no .It Fl $o in $man"; exit 1; }
	done
'

done_testing
