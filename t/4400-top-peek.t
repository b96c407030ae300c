#!/bin/sh
test_description='prof-top: --callers and --callees against awk, with recursion, (root) and (self), differential input, unknown names'
. "$(dirname "$0")/lib.sh"

D=$T_DATA/top
REF=$D/top-ref.awk
C2T=$D/csv2tsv.awk
R=$D/recursion.folded

top_tsv () {
	_out=$1
	shift
	prof-top --format csv "$@" >"$_out.csv" || return 1
	awk -f "$C2T" "$_out.csv" | sed 1d >"$_out"
}

prof-fold "$T_DATA/demo/app.perf.txt" >app.folded || exit 1

# Every function of recursion.folded and of diff.folded, both ways.
for f in recursion diff; do
	for name in main a b f g h x y other lone p q new; do
		for w in callers callees; do
			case_f=$D/$f.folded case_name=$name case_w=$w
			grep -q "\(^\|;\)$name[; ]" "$case_f" || continue
			test_expect_success "$f.folded: --$w $name against awk" '
				awk -f "$REF" -v what=$case_w -v peek=$case_name "$case_f" >expect &&
				top_tsv actual --$case_w $case_name "$case_f" &&
				test_cmp expect actual
			'
		done
	done
done

test_expect_success 'a root has the caller (root), counted once per stack' '
	printf "f;g 1\nf;f;g 2\nm;f 4\n" >in &&
	top_tsv actual --callers f in &&
	printf "m\t4\t57.1429\n(root)\t3\t42.8571\nf\t2\t28.5714\n" >expect &&
	test_cmp expect actual
'

test_expect_success 'a leaf has the callee (self), its flat, once per stack' '
	printf "m;f 1\nm;f;f 2\nm;f;g 4\n" >in &&
	top_tsv actual --callees f in &&
	printf "g\t4\t57.1429\n(self)\t3\t42.8571\nf\t2\t28.5714\n" >expect &&
	test_cmp expect actual
'

test_expect_success 'a function that is only ever a root has only (root) as caller' '
	top_tsv actual --callers main "$R" &&
	printf "(root)\t13.75\t100.0000\n" >expect &&
	test_cmp expect actual
'

test_expect_success 'a function that is only ever a leaf has only (self) as callee' '
	top_tsv actual --callees h "$R" &&
	printf "(self)\t2\t100.0000\n" >expect &&
	test_cmp expect actual
'

test_expect_success 'without recursion, callers and callees each add up to cum (real profile)' '
	top_tsv rows --rows 0 app.folded &&
	while IFS="	" read -r name flat fp sp cum cp; do
		echo "x $cum" >c.folded && folded_sum c.folded >expect &&
		for w in callers callees; do
			top_tsv peek --$w "$name" app.folded &&
			awk -F "\t" "{ print \"x \" \$2 }" peek >p.folded &&
			folded_sum p.folded >actual &&
			test_cmp expect actual || { echo "$w of $name"; exit 1; }
		done
	done <rows
'

test_expect_success 'real profile: callers and callees of every function against awk' '
	top_tsv rows --rows 0 app.folded &&
	cut -f 1 rows | while read -r name; do
		for w in callers callees; do
			awk -f "$REF" -v what=$w -v peek="$name" app.folded >expect &&
			top_tsv actual --$w "$name" app.folded &&
			test_cmp expect actual || { echo "$w of $name"; exit 1; }
		done
	done
'

printf 'a;f;f;g 3\na;f;h 2\nb;g 1\nb 4\nc;f 0.5\n' >small

test_expect_success 'table: the exact text of --callers f --callees f' '
	cat >expect <<-\EOF &&
	f: flat 0.5 (4.76%), cum 5.5 (52.38%)

	Callers
	count   share  name
	    5  90.91%  a
	    3  54.55%  f
	  0.5   9.09%  c

	Callees
	count   share  name
	    3  54.55%  f
	    3  54.55%  g
	    2  36.36%  h
	  0.5   9.09%  (self)
	EOF
	prof-top --callers f --callees f small >actual &&
	test_cmp expect actual
'

test_expect_success 'table: --callers alone prints no callees' '
	prof-top --callers f small >out &&
	grep "^Callers\$" out &&
	! grep "^Callees\$" out &&
	! grep "(self)" out
'

test_expect_success 'markdown: the exact text of --callees g' '
	cat >expect <<-\EOF &&
	g: flat 4 (38.10%), cum 4 (38.10%)

	### Callees

	| count | share | name |
	|---:|---:|---|
	| 4 | 100.00% | (self) |
	EOF
	prof-top --format markdown --callees g small >actual &&
	test_cmp expect actual
'

test_expect_success 'CSV: callers, a blank line, callees' '
	prof-top --format csv --callers f --callees f small >out.csv &&
	awk -f "$C2T" out.csv >actual &&
	cat >expect <<-\EOF &&
	name	count	pct
	a	5	90.9091
	f	3	54.5455
	c	0.5	9.0909

	name	count	pct
	f	3	54.5455
	g	3	54.5455
	h	2	36.3636
	(self)	0.5	9.0909
	EOF
	test_cmp expect actual
'

test_expect_success 'JSON: header with the function, flat and cum; callers and callees arrays' '
	prof-top --format json --callers f --callees f small >out.json &&
	grep "\"function\": \"f\"" out.json &&
	grep "\"flat\": 0.5," out.json &&
	grep "\"cum\": 5.5[,}]" out.json &&
	grep "\"callers\": \[" out.json &&
	grep "\"callees\": \[" out.json &&
	grep -F "{\"name\": \"(self)\", \"count\": 0.5, \"pct\": 9.0909}" out.json
'

test_expect_success 'peek with filters: hidden frames are skipped, against awk' '
	for w in callers callees; do
		awk -f "$REF" -v what=$w -v peek=f -v "hide=^(g|a)\$" "$R" >expect &&
		top_tsv actual --$w f --hide "^(g|a)\$" "$R" &&
		test_cmp expect actual &&
		awk -f "$REF" -v what=$w -v peek=f -v "focus=^main\$" -v "ignore=^h\$" "$R" >expect &&
		top_tsv actual --$w f --focus "^main\$" --ignore "^h\$" "$R" &&
		test_cmp expect actual || exit 1
	done
'

test_expect_success 'differential: the exact text of --callers f' '
	cat >expect <<-\EOF &&
	f before: flat 3 (15.00%), cum 8 (40.00%)
	f after: flat 2.75 (13.58%), cum 6.75 (33.33%)

	Callers
	before  after  delta  name
	   5.5    6.5     +1  f
	     5      4     -1  a
	   2.5    2.5      0  main
	   0.5   0.25  -0.25  other
	EOF
	prof-top --callers f "$D/diff.folded" >actual &&
	test_cmp expect actual
'

test_expect_success 'an unknown name: a message, nothing on stdout, exit 1' '
	test_expect_code 1 prof-top --callers nosuch "$R" >out 2>err &&
	test_must_be_empty out &&
	grep "^prof-top: nosuch: no such function in the profile" err &&
	test_expect_code 1 prof-top --callees nosuch --format json "$R" >out 2>err &&
	test_must_be_empty out
'

test_expect_success 'the name must be a whole row name, not a part of one' '
	test_expect_code 1 prof-top --callers ma "$R" >out 2>err &&
	test_expect_code 1 prof-top --callers "main;a" "$R" >out 2>err &&
	test_expect_code 1 prof-top --callers "^main\$" "$R" >out 2>err
'

test_expect_success 'an unknown name at file granularity says file' '
	test_expect_code 1 prof-top --granularity file --callers f "$D/located.folded" >out 2>err &&
	grep "^prof-top: f: no such file in the profile" err
'

test_expect_success 'an empty profile has no such function: exit 1' '
	test_expect_code 1 prof-top --callers f </dev/null >out 2>err &&
	test_must_be_empty out
'

done_testing
