#!/bin/sh
test_description='prof-diff: --fail-above as a CI gate, --sort, --granularity, --summary'
. "$(dirname "$0")/lib.sh"

# before: a is 50% of the total, b 50%; after: a 60%, b 40%.
printf "m;a 50\nm;b 50\n" >before
printf "m;a 90\nm;b 60\n" >after
# Spread over new leaves, a's self share does not grow, its total share does:
# flat x 40% -> 40%, y and z 0% -> 10%, b 60% -> 40%; cum a 40% -> 60%.
printf "m;a;x 40\nm;b 60\n" >cum-before
printf "m;a;x 40\nm;a;y 10\nm;a;z 10\nm;b 40\n" >cum-after

# One case a line: the options, the two inputs, the exit status.
while read -r status before after opts; do
	test_expect_success "exit $status: $opts $before $after" '
		test_expect_code '"$status"' prof-diff '"$opts"' '"$before"' '"$after"' >out 2>err
	'
done <<'TABLE'
1 before after --fail-above 5
1 before after --fail-above 9.99
0 before after --fail-above 10
0 before after --fail-above 10.01
0 before after --fail-above 50
0 before after --fail-above 100
1 before after --fail-above 0
0 after before --fail-above 10
1 after before --fail-above 9.9
0 before before --fail-above 0
0 before after
0 cum-before cum-after --fail-above 15
0 cum-before cum-after --fail-above 15 --sort flat
1 cum-before cum-after --fail-above 15 --sort cum
1 cum-before cum-after --fail-above 9 --sort flat
0 cum-before cum-after --fail-above 20 --sort cum
2 before nosuch --fail-above 5
2 nosuch after --fail-above 5
2 before after --fail-above 101
2 before after --fail-above -5
2 before after --fail-above 5x
TABLE

test_expect_success 'the message names the function, its growth and its shares' '
	test_expect_code 1 prof-diff --fail-above 5 before after >out 2>err &&
	echo "prof-diff: share of the total grew by more than 5 points (by flat): a (+10.0 points, 50.0% -> 60.0%)" >expect &&
	test_cmp expect err
'

test_expect_success 'the output is written all the same' '
	test_expect_code 1 prof-diff --fail-above 5 before after >out 2>err &&
	prof-diff before after >expect &&
	test_cmp expect out
'

test_expect_success 'with -o too' '
	test_expect_code 1 prof-diff --fail-above 5 -o gated.folded before after 2>err &&
	prof-diff before after >expect &&
	test_cmp expect gated.folded
'

test_expect_success 'no message when nothing grew too much' '
	prof-diff --fail-above 10 before after >out 2>err &&
	test_must_be_empty err
'

test_expect_success '--sort cum names the caller whose total share grew' '
	test_expect_code 1 prof-diff --fail-above 15 --sort cum cum-before cum-after >out 2>err &&
	echo "prof-diff: share of the total grew by more than 15 points (by cum): a (+20.0 points, 40.0% -> 60.0%)" >expect &&
	test_cmp expect err
'

test_expect_success 'several functions: largest growth first, then by name' '
	test_expect_code 1 prof-diff --fail-above 5 cum-before cum-after >out 2>err &&
	echo "prof-diff: share of the total grew by more than 5 points (by flat): y (+10.0 points, 0.0% -> 10.0%), z (+10.0 points, 0.0% -> 10.0%)" >expect &&
	test_cmp expect err
'

test_expect_success 'a small threshold shows enough decimals to exceed it' '
	printf "m;a 1000\nm;b 9000\n" >b1 &&
	printf "m;a 1003\nm;b 8997\n" >a1 &&
	test_expect_code 1 prof-diff --fail-above 0.02 b1 a1 >out 2>err &&
	grep "a (+0.03 points, 10.00% -> 10.03%)" err
'

test_expect_success 'shares, not counts: a longer run with the same shares passes' '
	printf "m;a 500\nm;b 500\n" >longer &&
	prof-diff --fail-above 0 before longer >out 2>err &&
	test_must_be_empty err
'

test_expect_success 'more than ten functions: ten named, then how many more' '
	awk "BEGIN { print \"m;base 100\" }" >many-before &&
	awk "BEGIN { print \"m;base 100\"; for (i = 0; i < 12; i++) printf \"m;f%02d %d\\n\", i, 10 + i }" >many-after &&
	test_expect_code 1 prof-diff --fail-above 1 many-before many-after >out 2>err &&
	grep "f11 (+" err &&
	grep ", and 2 more$" err &&
	! grep "f00 (+" err
'

test_expect_success 'an input error with --fail-above: exit 2, not 1' '
	printf "# unit: bytes\nm;a 1\n" >bytes &&
	test_expect_code 2 prof-diff --fail-above 0 bytes after >out 2>err &&
	test_must_be_empty out
'

test_expect_success '--fail-above with -n: the gate sees the shares, not the scaled counts' '
	test_expect_code 1 prof-diff -n --fail-above 5 before after >out 2>err &&
	grep "a (+10.0 points" err
'

test_expect_success '--fail-above with -s: stacks matched after stripping' '
	printf "m;0x1234 50\nm;b 50\n" >hb &&
	printf "m;0xabcd 50\nm;b 50\n" >ha &&
	test_expect_code 1 prof-diff --fail-above 10 hb ha >out 2>err &&
	grep "0xabcd (+50.0 points" err &&
	prof-diff -s --fail-above 0 hb ha >out 2>err &&
	test_must_be_empty err
'

# Modules: frames are "name<TAB>location<TAB>module" (prof-folded(5)).
test_expect_success '--granularity module: the gate names the module' '
	printf "app;f\t\t/lib/libx.so 50\napp;g\t\t/bin/app 50\n" >mb &&
	printf "app;f\t\t/lib/libx.so 70\napp;g\t\t/bin/app 30\n" >ma &&
	test_expect_code 1 prof-diff --granularity module --fail-above 10 mb ma >out 2>err &&
	grep "/lib/libx.so (+20.0 points, 50.0% -> 70.0%)" err &&
	test_expect_code 1 prof-diff --fail-above 10 mb ma >out 2>err &&
	grep ": f (+20.0 points" err
'

test_expect_success '--granularity file: functions of one file together' '
	printf "app;f\tx.c:1 30\napp;g\tx.c:9 20\napp;h\ty.c:3 50\n" >fb &&
	printf "app;f\tx.c:1 35\napp;g\tx.c:9 25\napp;h\ty.c:3 40\n" >fa &&
	prof-diff --fail-above 5 fb fa >out 2>err &&
	test_expect_code 1 prof-diff --granularity file --fail-above 5 fb fa >out 2>err &&
	grep "x.c (+10.0 points, 50.0% -> 60.0%)" err
'

# --summary: the functions whose share changed most, in every format.
test_expect_success '--summary --format csv: a header, then the largest change of share first' '
	prof-diff --summary --format csv cum-before cum-after >out &&
	head -n 1 out >header &&
	grep "^\"\{0,1\}name\"\{0,1\}," header &&
	grep flat_delta_pct header &&
	grep cum_delta_pct header &&
	sed -n 2p out >first &&
	grep "^\"\{0,1\}b\"\{0,1\}," first
'

test_expect_success '--summary --sort cum: sorted by the change of the total share' '
	prof-diff --summary --sort cum --format csv cum-before cum-after >out &&
	sed -n 2p out >first &&
	grep "^\"\{0,1\}a\"\{0,1\}," first
'

test_expect_success '--summary --rows: that many rows; 0 all' '
	prof-diff --summary --format csv --rows 2 cum-before cum-after >out &&
	test_line_count = 3 out &&
	prof-diff --summary --format csv --rows 0 cum-before cum-after >out &&
	test_line_count = 7 out
'

if perl -MJSON::PP -e 1 2>/dev/null; then
	test_expect_success '--summary --format json: valid JSON, exact counts, shares in points' '
		prof-diff --summary --format json before after >out &&
		perl -MJSON::PP -e "
			local \$/; my \$j = JSON::PP->new->decode(<STDIN>);
			my \$r = \$j->{rows}[0];
			die qq(first row \$r->{name}\n) unless \$r->{name} eq q(a) || \$r->{name} eq q(b);
			my %by = map { \$_->{name} => \$_ } @{\$j->{rows}};
			die qq(flat_before\n) unless \$by{a}{flat_before} == 50;
			die qq(flat_after\n) unless \$by{a}{flat_after} == 90;
			die qq(flat_delta\n) unless \$by{b}{flat_delta} == 10;
			die qq(flat_delta_pct\n) unless abs(\$by{a}{flat_delta_pct} - 10) < 1e-9;
			die qq(cum_delta_pct\n) unless abs(\$by{b}{cum_delta_pct} + 10) < 1e-9;
		" <out
	'
else
	test_skip '--summary --format json' 'no JSON::PP in perl'
fi

test_expect_success '--summary --format markdown: a pipe table' '
	prof-diff --summary --format markdown before after >out &&
	grep "^|" out >rows &&
	grep "| a *|$" rows &&
	grep "| b *|$" rows
'

test_expect_success '--summary (table): the text table names the functions' '
	prof-diff --summary before after >out &&
	grep " a$" out &&
	grep " b$" out
'

test_expect_success '--summary with --fail-above: the table, the message and exit 1' '
	test_expect_code 1 prof-diff --summary --format csv --fail-above 5 before after >out 2>err &&
	grep "a (+10.0 points" err &&
	prof-diff --summary --format csv before after >expect &&
	test_cmp expect out
'

test_expect_success '--summary of real profiles: every function of both' '
	P=$T_DATA/perf/expect &&
	prof-diff --summary --format csv --rows 0 "$P/ab-fp.folded" "$P/ab-dwarf.folded" >out &&
	for f in mix spin main a b _start; do
		grep "^\"\{0,1\}$f\"\{0,1\}," out || { echo "no row for $f"; exit 1; }
	done
'

done_testing
