#!/bin/sh
test_description='prof-top --traces: the heaviest whole stacks, innermost frame first'
. "$(dirname "$0")/lib.sh"

# (go tool pprof -traces itself is the reference in t/2810, on profiles
# that Go writes.)
command -v python3 >/dev/null 2>&1 || skip_or_fail "no python3"

printf "main;parse;lex 30\nmain;parse;lex 10\nmain;hash 25\nmain;parse 5\nstart;lex 1\n" >p.folded

test_expect_success 'the heaviest stacks first, summed, innermost frame first, with their share' '
	prof-top --traces p.folded >out &&
	cat out &&
	sed -n "/^count/,\$p" out >rows &&
	cat >expect <<-\EOF &&
	count       %  stack
	   40  56.34%  lex < parse < main
	   25  35.21%  hash < main
	    5   7.04%  parse < main
	    1   1.41%  lex < start
	EOF
	test_cmp expect rows &&
	grep "Showing the 4 heaviest of 4 stacks" out
'

test_expect_success '--rows, and CSV with the folded stack, root first, exact counts' '
	prof-top --traces --rows 2 --format csv p.folded >out.csv &&
	cat >expect <<-\EOF &&
	count,pct,stack
	40,56.3380,"main;parse;lex"
	25,35.2113,"main;hash"
	EOF
	test_cmp expect out.csv
'

test_expect_success '--focus keeps whole stacks, --hide removes frames and sums what becomes equal' '
	prof-top --traces --focus "^lex\$" --hide "^parse\$" --format json p.folded >out.json &&
	python3 -c "
import json
d = json.load(open(\"out.json\"))
got = [(t[\"stack\"], t[\"count\"]) for t in d[\"traces\"]]
assert got == [(\"main;lex\", 40), (\"start;lex\", 1)], got
"
'

test_expect_success 'ties go bytewise by the stack, whatever the input order' '
	printf "b;x 5\na;x 5\nc 5\n" | prof-top --traces --format csv >one &&
	printf "c 5\na;x 5\nb;x 5\n" | prof-top --traces --format csv >two &&
	test_cmp one two &&
	sed -n 2p one | grep -F "\"a;x\""
'

printf 'main;b"a\\d\001\377 3\n' >h.folded

test_expect_success 'names with any bytes stay valid JSON' '
	prof-top --traces --format json h.folded >h.json &&
	python3 -c "import json; json.load(open(\"h.json\"))"
'

while read -r args; do
	case_args=$args
	test_expect_success "usage error: --traces $args" '
		test_expect_code 2 prof-top --traces $case_args p.folded 2>err &&
		cat err && test -s err
	'
done <<'TABLE'
--callers main
--sort cum
--granularity file
TABLE

test_expect_success 'a located frame reads as prof-flame'"'"'s text shows it: name, location, module' '
	printf "main\tapp.c:9;parse\tapp.c:71\tlibapp.so;lex_[k] 3\n" >loc.folded &&
	prof-top --traces --color never loc.folded >out &&
	grep -F "lex_[k] < parse app.c:71 in libapp.so < main app.c:9" out &&
	! grep "$(printf "\357\277\275")" out
'

test_expect_success 'every frame is shown, empty ones and NUL bytes too: two stacks never read the same' '
	printf ";a 1\na; 2\na 4\n" >empty.folded &&
	prof-top --traces --color never empty.folded >out &&
	grep "^ *4  .*%  a\$" out &&
	grep "^ *2  .*%   < a\$" out &&
	grep "^ *1  .*%  a < \$" out &&
	printf "a\000b;c 1\n" >nul.folded &&
	prof-top --traces --color never nul.folded >out &&
	grep "c < a$(printf "\357\277\275")b" out &&
	prof-top --traces --format csv nul.folded >out.csv &&
	grep "\"a$(printf "\357\277\275")b;c\"" out.csv
'

done_testing
