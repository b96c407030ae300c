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

done_testing
