#!/bin/sh
test_description='prof-plan: --rules adds and overrides rules of the catalog; a malformed file is an error with its line'
. "$(dirname "$0")/lib.sh"

command -v python3 >/dev/null 2>&1 || skip_or_fail "no python3"

# A profile in the shape prof-record writes: malloc under build_index,
# computation in json_parse (the user's own function) and in main.
cat >in.folded <<\EOF
# unit: samples
app;main;build_index;malloc;_int_malloc 40
app;main;json_parse 35
app;main 25
EOF

# task FILE FUNCTION: "category speedup share gain" of the task of FUNCTION.
task () {
	python3 -c "
import json, sys
for t in json.load(open(sys.argv[1]))[\"tasks\"]:
    if t[\"function\"] == sys.argv[2]:
        print(t[\"category\"], t[\"speedup\"], t[\"share_pct\"], t[\"gain_pct\"])
        break
" "$1" "$2"
}

test_expect_success 'the catalog alone: malloc is allocation churn (s 10), json_parse computation (s 1.5)' '
	prof-plan --format json in.folded >plain.json &&
	test "$(task plain.json build_index)" = "memory 10 40.0 36.0" &&
	test "$(task plain.json json_parse)" = "CPU 1.5 35.0 11.7"
'

test_expect_success 'a rule of the same id overrides the catalog rule (its speed-up)' '
	id=$(awk -F, "NR > 1 && /malloc/ { print \$1; exit }" "$ROOT/share/prof/rules.csv") &&
	test -n "$id" &&
	printf "id,category,match,pattern,speedup,problem,advice\n%s,memory,function,^malloc\$,2,allocation churn,Pool them\n" "$id" >over.csv &&
	prof-plan --format json --rules over.csv in.folded >over.json &&
	test "$(task over.json build_index)" = "memory 2 40.0 20.0" &&
	grep "Pool them" over.json
'

test_expect_success 'a new rule is tried before the catalog: json_parse becomes a task of its own' '
	cat >new.csv <<-\EOF &&
	id,category,match,pattern,speedup,problem,advice,finding
	json,CPU,function,^json_(parse|emit)$,4,JSON handling,"Use the streaming parser|Parse once, keep the tree",
	EOF
	prof-plan --format json --rules new.csv in.folded >new.json &&
	test "$(task new.json main)" = "CPU 4 35.0 26.2" &&
	python3 -c "
import json
t = [t for t in json.load(open(\"new.json\"))[\"tasks\"] if t[\"title\"].startswith(\"JSON handling\")]
assert t and t[0][\"strategy\"] == [\"Use the streaming parser\", \"Parse once, keep the tree\"], t
"
'

test_expect_success 'match off removes a rule: malloc is then computation' '
	id=$(awk -F, "NR > 1 && /malloc/ { print \$1; exit }" "$ROOT/share/prof/rules.csv") &&
	printf "id,category,match,pattern,speedup,problem,advice\n%s,,off,,,,\n" "$id" >off.csv &&
	prof-plan --format json --rules off.csv in.folded >off.json &&
	! grep "Allocation churn" off.json
'

test_expect_success 'two --rules files: the later wins' '
	id=$(awk -F, "NR > 1 && /malloc/ { print \$1; exit }" "$ROOT/share/prof/rules.csv") &&
	printf "id,category,match,pattern,speedup,problem,advice\n%s,memory,function,^malloc\$,5,allocation churn,Pool\n" "$id" >five.csv &&
	prof-plan --format json --rules over.csv --rules five.csv in.folded >two.json &&
	test "$(task two.json build_index)" = "memory 5 40.0 32.0"
'

# bad NAME LINE CONTENT: a rules file that must be refused at LINE.
bad () {
	printf "%b" "$3" >"$1.csv"
	test_expect_success "malformed rules ($1): exit 2, the file and line $2 named, nothing written" '
		test_expect_code 2 prof-plan --rules '"$1"'.csv in.folded >out 2>err &&
		test_must_be_empty out &&
		cat err &&
		grep "^prof-plan: '"$1"'.csv:'"$2"':" err
	'
}
H='id,category,match,pattern,speedup,problem,advice\n'
bad speedup 3 "${H}a,CPU,function,^a\$,2,p,x\nb,CPU,function,^b\$,0.5,p,x\n"
bad category 2 "${H}a,GPU,function,^a\$,2,p,x\n"
bad match 2 "${H}a,CPU,everything,^a\$,2,p,x\n"
bad regex 4 "${H}a,CPU,function,^a\$,2,p,x\n\nb,CPU,function,(unclosed,2,p,x\n"
bad fields 2 "${H}a,CPU,function\n"
bad column 1 "id,category,match,pattern,speedup,problem,advice,colour\n"
bad required 1 "id,category,match,pattern,speedup,problem\n"
bad duplicate 3 "${H}a,CPU,function,^a\$,2,p,x\na,CPU,function,^b\$,2,p,x\n"
bad quoted 4 "${H}a,CPU,function,^a\$,2,p,\"two\nlines\"\nb,CPU,function,^b\$,nan,p,x\n"

test_expect_success 'a rules file that does not exist: exit 2, named' '
	test_expect_code 2 prof-plan --rules nosuch.csv in.folded >out 2>err &&
	test_must_be_empty out &&
	grep "nosuch.csv" err
'

# Limits (lib/plan/rules.h): 10000 rules in a file, patterns of 4096 bytes.  Past
# them the file is refused naming its line; within them, memory stays small.
test_expect_success 'a file of 10001 rules is refused at the rule past the limit' '
	awk "BEGIN { print \"id,category,match,pattern,speedup,problem,advice\";
		for (i = 0; i < 10001; i++) printf \"r%d,CPU,function,^fn_%d_[a-z]+\$,2,p %d,a\n\", i, i, i }" >over.csv &&
	test_expect_code 2 prof-plan --rules over.csv in.folded >out 2>err &&
	test_must_be_empty out &&
	grep -F "prof-plan: over.csv:10002: record: more than 10000 rules in one file" err
'

test_expect_success 'a pattern of 200000 alternatives is refused, naming its line' '
	awk "BEGIN { print \"id,category,match,pattern,speedup,problem,advice\";
		print \"ok,CPU,function,^fine$,2,p,a\";
		printf \"alt,CPU,function,^(f0\"; for (i = 1; i < 200000; i++) printf \"|f%d\", i;
		print \")$,2,p,a\" }" >alt.csv &&
	test_expect_code 2 prof-plan --rules alt.csv in.folded >out 2>err &&
	test_must_be_empty out &&
	grep -F "prof-plan: alt.csv:3: pattern: longer than 4096 bytes: " err
'

test_expect_success 'a source pattern longer than 4096 bytes is refused' '
	awk "BEGIN { print \"id,category,match,pattern,speedup,problem,advice,source\";
		printf \"s,CPU,function,^x$,2,p,a,\"; for (i = 0; i < 4097; i++) printf \"y\"; print \"\" }" >src.csv &&
	test_expect_code 2 prof-plan --rules src.csv in.folded >out 2>err &&
	grep -F "prof-plan: src.csv:2: source: longer than 4096 bytes: 4097" err
'

test_expect_success 'patterns of more than 256 KiB in all are refused' '
	awk "BEGIN { print \"id,category,match,pattern,speedup,problem,advice\";
		for (i = 0; i < 100; i++) { printf \"r%d,CPU,function,^(x\", i;
			for (k = 0; k < 800; k++) printf \"|a%d\", k; print \")$,2,p,a\" } }" >total.csv &&
	test_expect_code 2 prof-plan --rules total.csv in.folded >out 2>err &&
	grep -E "prof-plan: total.csv:[0-9]+: pattern: the file.s patterns pass 262144 bytes in all" err
'

test_expect_success '10000 rules within the limits are read in bounded memory' '
	awk "BEGIN { print \"id,category,match,pattern,speedup,problem,advice\";
		for (i = 0; i < 10000; i++) printf \"r%d,CPU,function,^(f%d|g%d)$,2,problem %d,advice %d\n\", i, i, i, i, i }" >big.csv &&
	test $(wc -c <big.csv) -gt 400000 &&
	if test -f "$ROOT/.build-sanitize"; then
		prof-plan --rules big.csv in.folded >out 2>err	# ASan needs its address space
	else
		(ulimit -v 300000 && prof-plan --rules big.csv in.folded >out 2>err)
	fi &&
	grep -F "Optimisation plan" out
'

done_testing
