#!/bin/sh
test_description='prof-top: differential input, before, after and the change, percentage points, against awk'
. "$(dirname "$0")/lib.sh"

D=$T_DATA/top
REF=$D/top-ref.awk
C2T=$D/csv2tsv.awk
F=$D/diff.folded

. "$D/helpers.sh"

test_expect_success 'the CSV columns of a differential profile' '
	prof-top --format csv "$F" >out.csv &&
	head -n 1 out.csv | awk -f "$C2T" | tr "\t" "\n" >actual &&
	cat >expect <<-\EOF &&
	name
	flat_before
	flat_after
	flat_delta
	flat_pct_before
	flat_pct_after
	flat_delta_pct
	cum_before
	cum_after
	cum_delta
	cum_pct_before
	cum_pct_after
	cum_delta_pct
	EOF
	test_cmp expect actual
'

for s in name delta flat cum; do
	case_s=$s
	test_expect_success "diff.folded: every figure, --sort $s, against awk" '
		awk -f "$REF" -v sort=$case_s "$F" >expect &&
		top_tsv actual --rows 0 --sort $case_s "$F" &&
		test_cmp expect actual
	'
done

test_expect_success 'the default order of a differential profile is --sort delta' '
	top_tsv expect --rows 0 --sort delta "$F" &&
	top_tsv actual --rows 0 "$F" &&
	test_cmp expect actual
'

test_expect_success 'delta: the largest change first, whatever its sign; ties by flat after, then name' '
	printf "r;up 1 3\nr;down 3 1\nr;same 5 5\nr;new 0 2\nr;gone 2 0\n" >in &&
	top_tsv out --rows 0 in &&
	cut -f 1,4 out >actual &&
	printf "up\t2\nnew\t2\ndown\t-2\ngone\t-2\nsame\t0\nr\t0\n" >expect &&
	test_cmp expect actual
'

test_expect_success 'the sum of each flat column is its total, exactly' '
	top_tsv out --rows 0 "$F" &&
	folded_sum -2 "$F" >expect &&
	awk -F "\t" "{ print \"x \" \$2 }" out >b.folded &&
	folded_sum b.folded >actual &&
	test_cmp expect actual &&
	folded_sum "$F" >expect &&
	awk -F "\t" "{ print \"x \" \$3 }" out >a.folded &&
	folded_sum a.folded >actual &&
	test_cmp expect actual
'

test_expect_success 'the percentage points are the change of the shares, by hand' '
	printf "a;f 2 3\na;g 4 1\nb 0 2\n" >in &&
	top_tsv out --rows 0 --sort name in &&
	cut -f 1,5,6,7,11,12,13 out >actual &&
	cat >expect <<-\EOF &&
	a	0.0000	0.0000	0.0000	100.0000	66.6667	-33.3333
	b	0.0000	33.3333	33.3333	0.0000	33.3333	33.3333
	f	33.3333	50.0000	16.6667	33.3333	50.0000	16.6667
	g	66.6667	16.6667	-50.0000	66.6667	16.6667	-50.0000
	EOF
	test_cmp expect actual
'

test_expect_success 'table: the exact text of a small differential profile' '
	printf "a;f 2 3\na;g 4 1\nb 0 2\n" >in &&
	cat >expect <<-\EOF &&
	Total before: 6 samples
	Total after: 6 samples
	Showing 4 of 4 functions

	flat.old  flat.new  flat.delta  flat%.old  flat%.new  flat.pts  cum.old  cum.new  cum.delta  cum%.old  cum%.new  cum.pts  name
	       4         1          -3     66.67%     16.67%    -50.00        4        1         -3    66.67%    16.67%   -50.00  g
	       0         2          +2      0.00%     33.33%    +33.33        0        2         +2     0.00%    33.33%   +33.33  b
	       2         3          +1     33.33%     50.00%    +16.67        2        3         +1    33.33%    50.00%   +16.67  f
	       0         0           0      0.00%      0.00%     +0.00        6        4         -2   100.00%    66.67%   -33.33  a
	EOF
	prof-top in >actual &&
	test_cmp expect actual
'

test_expect_success 'markdown: the header of a differential table' '
	prof-top --format markdown "$F" >out.md &&
	grep -F -x "| flat.old | flat.new | flat.delta | flat%.old | flat%.new | flat.pts | cum.old | cum.new | cum.delta | cum%.old | cum%.new | cum.pts | name |" out.md &&
	grep -F -x "|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|" out.md
'

test_expect_success 'notes and JSON header: both totals' '
	prof-top "$F" >out &&
	grep "^Total before: 20 samples\$" out &&
	grep "^Total after: 20.25 samples\$" out &&
	grep "^Showing 9 of 9 functions\$" out &&
	prof-top --format json "$F" >out.json &&
	test "$(fact out.json total_before)" = "$(folded_sum -2 "$F")" &&
	test "$(fact out.json total_after)" = "$(folded_sum "$F")"
'

test_expect_success 'time units apply to both columns and the change' '
	{ printf "# period: 4000000 ns\n" && cat "$F"; } >in &&
	prof-top --rows 0 --sort name in >out &&
	grep "^Total before: 80ms (20 samples of 4ms)\$" out &&
	grep "^Total after: 81ms (20.25 samples of 4ms)\$" out &&
	grep "^ *16ms  *8ms  *-8ms .*  b\$" out
'

test_expect_success '--rows 2: the first two rows of --rows 0' '
	top_tsv all --rows 0 "$F" &&
	head -n 2 all >expect &&
	top_tsv actual --rows 2 "$F" &&
	test_cmp expect actual
'

for args in "--focus ^f$" "--ignore ^(h|lone)$" "--hide ^(f|g)$" "--hide ." \
    "--focus ^main$ --ignore ^new$ --hide ^(main|a)$"; do
	case_args=$args
	test_expect_success "filters on a differential profile, $args, against awk" '
		set -f &&
		set -- $case_args &&
		vars= &&
		while test $# -gt 0; do vars="$vars -v ${1#--}=$2" && shift 2; done &&
		awk -f "$REF" -v sort=name $vars "$F" >expect &&
		top_tsv out --rows 0 --sort name $case_args "$F" &&
		awk -F "\t" "!(\$2 == \"0\" && \$3 == \"0\" && \$8 == \"0\" && \$9 == \"0\")" out >actual &&
		test_cmp expect actual
	'
	test_expect_success "conservation of both columns, $args" '
		set -f &&
		top_tsv out --rows 0 $case_args "$F" &&
		prof-top $case_args "$F" >notes &&
		for side in before after; do
			if test $side = before; then col=2 back=-2; else col=3 back=; fi &&
			folded_sum $back "$F" >expect &&
			{ awk -F "\t" "{ print \"x \" \$$col }" out &&
			  sed -n "s/^Dropped by --focus and --ignore ($side): \([0-9.]*\) .*/x \1/p" notes &&
			  sed -n "s/^In stacks whose every frame is hidden ($side): \([0-9.]*\) .*/x \1/p" notes; } >parts &&
			folded_sum parts >actual &&
			test_cmp expect actual || { echo "the $side column"; exit 1; }
		done
	'
done

test_expect_success 'granularity on a differential profile, against awk' '
	printf "a\tx.c:1;f\tx.c:9 1 2\na\tx.c:2;g\ty.c:3 4 1\nb;h 1 1\n" >in &&
	for g in file line module; do
		awk -f "$REF" -v sort=name -v gran=$g in >expect &&
		top_tsv actual --rows 0 --sort name --granularity $g in &&
		test_cmp expect actual || exit 1
	done
'

test_expect_success 'the first stack line decides: later single-count lines are unreadable' '
	printf "a;b 1 2\na;c 3\n" >in &&
	prof-top --format csv in >out 2>err &&
	grep "^prof-top: in: 1 unreadable line, first at line 2: one count in a differential profile" err
'

test_expect_success 'a differential profile with only zeros on one side' '
	printf "a;f 0 3\na;g 0 1\n" >in &&
	top_tsv out --rows 0 --sort name in &&
	cut -f 1,5,6,7 out >actual &&
	printf "a\t0.0000\t0.0000\t0.0000\nf\t0.0000\t75.0000\t75.0000\ng\t0.0000\t25.0000\t25.0000\n" >expect &&
	test_cmp expect actual
'

done_testing
