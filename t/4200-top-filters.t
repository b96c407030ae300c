#!/bin/sh
test_description='prof-top: --focus, --ignore, --hide against awk; percentages of the whole; what is dropped and hidden; conservation'
. "$(dirname "$0")/lib.sh"

D=$T_DATA/top
REF=$D/top-ref.awk
C2T=$D/csv2tsv.awk
APP=$T_DATA/demo/app.perf.txt

top_tsv () {
	_out=$1
	shift
	prof-top --format csv "$@" >"$_out.csv" || return 1
	awk -f "$C2T" "$_out.csv" | sed 1d >"$_out"
}

# rows_with_cost FILE: the rows of FILE with a flat or a cum.  A function
# that the filters removed entirely must have no row at all; the tests
# "no row for ..." below check that, and the comparisons of figures leave
# such rows out so that each test fails for one reason only.
rows_with_cost () {
	awk -F '\t' '!($2 == "0" && $5 == "0")' "$1"
}

# fact FILE KEY: a number of the JSON header
fact () {
	sed -n "s/.*\"$2\": \([0-9.]*\)[,}].*/\1/p" "$1"
}

prof-fold "$APP" >app.folded || exit 1

# One case a line: FIXTURE, then the prof-top options (the awk variables
# are the same names).  Words are split by the shell: no spaces in a regex.
while read -r fixture args; do
	case_fixture=$fixture case_args=$args
	test_expect_success "$fixture: $args against awk" '
		set -f &&
		set -- $case_args &&
		vars= &&
		while test $# -gt 0; do
			# awk -v reads escapes: a regex backslash is written twice
			vars="$vars -v ${1#--}=$(printf "%s" "$2" | sed "s/\\\\/&&/g")" &&
			shift 2
		done &&
		f=$D/$case_fixture && test -f "$f" || f=$case_fixture &&
		awk -f "$REF" -v sort=flat $vars "$f" >expect &&
		top_tsv out --rows 0 $case_args "$f" &&
		rows_with_cost out >actual &&
		test_cmp expect actual &&
		awk -f "$REF" -v what=facts $vars "$f" | sed -n "s/^\(dropped\|hidden\)\t//p" >expect &&
		prof-top --format json $case_args "$f" >out.json &&
		{ fact out.json dropped && fact out.json hidden; } >actual &&
		test_cmp expect actual
	'
done <<'CASES'
recursion.folded --focus ^f$
recursion.folded --focus ^(x|y)$
recursion.folded --focus ^other$
recursion.folded --focus nothing-matches
recursion.folded --ignore ^h$
recursion.folded --ignore ^f$
recursion.folded --ignore ^(main|other)$
recursion.folded --hide ^g$
recursion.folded --hide ^f$
recursion.folded --hide ^(main|a|b)$
recursion.folded --hide ^(lone|p|q)$
recursion.folded --hide .
recursion.folded --focus ^f$ --ignore ^h$
recursion.folded --focus ^f$ --hide ^f$
recursion.folded --focus ^(f|g)$ --ignore ^h$ --hide ^(f|main)$
located.folded --focus libc
located.folded --hide libc
located.folded --ignore \.h:
located.folded --hide ^src/parse\.c
located.folded --hide _\[k\]$
located.folded --focus vmlinux --hide ^app$
located.folded --hide _\[i\]$
app.folded --focus ^parse$
app.folded --ignore ^hash$ --hide ^(main|app|__libc_start_call_main)$
app.folded --hide ^(mix|fnv1a)$
CASES

test_expect_success 'the order on the command line does not matter' '
	f=$D/recursion.folded &&
	top_tsv expect --rows 0 --focus "^(f|g)\$" --ignore "^h\$" --hide "^f\$" "$f" &&
	top_tsv actual --rows 0 --hide "^f\$" --ignore "^h\$" --focus "^(f|g)\$" "$f" &&
	test_cmp expect actual
'

test_expect_success '--focus: percentages are of the whole profile, by hand' '
	printf "a;f 1\nb 3\n" >in &&
	top_tsv out --focus "^f\$" in &&
	rows_with_cost out >actual &&
	printf "f\t1\t25.0000\t25.0000\t1\t25.0000\na\t0\t0.0000\t25.0000\t1\t25.0000\n" >expect &&
	test_cmp expect actual
'

test_expect_success '--hide: a hidden leaf gives its self cost to its caller, by hand' '
	printf "a;b;g 3\na;g 1\na;b 2\n" >in &&
	top_tsv out --hide "^g\$" in &&
	rows_with_cost out >actual &&
	printf "b\t5\t83.3333\t83.3333\t5\t83.3333\na\t1\t16.6667\t100.0000\t6\t100.0000\n" >expect &&
	test_cmp expect actual
'

test_expect_success '--hide: a hidden frame in the middle joins its caller and callee' '
	printf "a;m;b 2\na;b 1\n" >in &&
	prof-top --callers b --format csv --hide "^m\$" in >out.csv &&
	awk -f "$C2T" out.csv | sed 1d >actual &&
	printf "a\t3\t100.0000\n" >expect &&
	test_cmp expect actual
'

test_expect_success '--focus, --ignore: a stack is matched frame by frame, never across ;' '
	printf "a;b 1\n" >in &&
	prof-top --format json --focus "a;b" in >out.json &&
	test "$(fact out.json dropped)" = 1 &&
	prof-top --format json --ignore "a;b" in >out.json &&
	test "$(fact out.json dropped)" = 0
'

test_expect_success 'a regex matches the name with its suffix, the location and the module' '
	printf "a;k_[k] 1\na;s\tsrc/s.c:3 2\na;m\t\t/lib/libm.so 4\na;plain 8\n" >in &&
	for re in "^k_\\[k\\]\$:1" "^src/s\\.c:3\$:2" "libm:4" "^plain\$:8"; do
		prof-top --format json --focus "${re%:*}" in >out.json &&
		echo "$((15 - ${re##*:}))" >expect &&
		fact out.json dropped >actual &&
		test_cmp expect actual || exit 1
	done
'

test_expect_success 'notes: what --focus and --ignore dropped' '
	prof-top --focus "^h\$" "$D/recursion.folded" >out &&
	grep "^Dropped by --focus and --ignore: 26.55 (92.99%)\$" out
'

test_expect_success 'notes: stacks whose every frame is hidden' '
	prof-top --hide "^(lone|p|q)\$" "$D/recursion.folded" >out &&
	grep "^In stacks whose every frame is hidden: 14 (49.04%)\$" out &&
	! grep "^Dropped" out
'

test_expect_success 'notes: none about filters without filters' '
	prof-top "$D/recursion.folded" >out &&
	! grep -e "^Dropped" -e "hidden" out
'

test_expect_success 'JSON: dropped and hidden are 0 without filters' '
	prof-top --format json "$D/recursion.folded" >out.json &&
	test "$(fact out.json dropped)" = 0 &&
	test "$(fact out.json hidden)" = 0
'

# Conservation: sum of flat + dropped + hidden = total, exactly, whatever
# the filters, on every fixture.
for f in "$D/recursion.folded" "$D/located.folded" app.folded; do
	case_f=$f
	test_expect_success "conservation: flat + dropped + hidden = total, $(basename "$f")" '
		folded_sum "$case_f" >expect &&
		for args in "" "--focus ^f\$" "--ignore ^main\$" "--hide ^main\$" \
		    "--hide ." "--focus . --hide ^(g|main|parse)\$" \
		    "--focus ^(a|b|parse|hash)\$ --ignore ^h\$ --hide ^(a|app)\$" \
		    "--hide libc --granularity module" "--ignore ^main --granularity file" \
		    "--focus nothing"
		do
			top_tsv out --rows 0 $args "$case_f" &&
			prof-top --format json $args "$case_f" >out.json &&
			{ awk -F "\t" "{ print \"x \" \$2 }" out &&
			  echo "x $(fact out.json dropped)" &&
			  echo "x $(fact out.json hidden)"; } >parts &&
			folded_sum parts >actual &&
			test_cmp expect actual || { echo "with $args"; exit 1; }
		done
	'
done

test_expect_success 'the JSON total stays the whole profile under filters' '
	folded_sum "$D/recursion.folded" >expect &&
	prof-top --format json --focus "^h\$" --hide "^a\$" "$D/recursion.folded" >out.json &&
	fact out.json total >actual &&
	test_cmp expect actual
'

test_expect_success 'a focus that matches nothing: every stack dropped, no row, exit 0' '
	prof-top --format json --focus nothing "$D/recursion.folded" >out.json &&
	folded_sum "$D/recursion.folded" >expect &&
	fact out.json dropped >actual &&
	test_cmp expect actual &&
	top_tsv out --focus nothing "$D/recursion.folded" &&
	test_must_be_empty out
'

# A function the filters removed is not in the filtered profile: it has
# no row (pprof shows none either), and the counts of rows say so.
test_expect_success 'no row for a hidden function' '
	top_tsv out --rows 0 --hide "^g\$" "$D/recursion.folded" &&
	cut -f 1 out >names &&
	! grep -x g names
'

test_expect_success 'no row for a function that occurs only in dropped stacks' '
	top_tsv out --rows 0 --ignore "^(main|other)\$" "$D/recursion.folded" &&
	cut -f 1 out | sort >actual &&
	printf "lone\np\nq\n" >expect &&
	test_cmp expect actual
'

test_expect_success 'with --focus, the rows are the functions of the stacks kept' '
	top_tsv out --rows 0 --focus "^x\$" "$D/recursion.folded" &&
	cut -f 1 out | sort >actual &&
	printf "other\nx\ny\n" >expect &&
	test_cmp expect actual
'

test_expect_success 'the Showing note and rows_total count only the rows left' '
	prof-top --format json --hide "^(g|h)\$" "$D/recursion.folded" >out.json &&
	test "$(fact out.json rows_total)" = 10 &&
	grep -F "\"Showing 10 of 10 functions, 100.00% of the total\"" out.json
'

test_expect_success '--callers of a hidden function: not in the profile, exit 1' '
	test_expect_code 1 prof-top --callers g --hide "^g\$" "$D/recursion.folded" >out 2>err &&
	test_must_be_empty out &&
	grep "^prof-top: g: no such function in the profile" err
'

done_testing
