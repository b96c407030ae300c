#!/bin/sh
test_description='prof-top: --granularity function, file, line, module against awk; frames without the information; _[i] and _[k]'
. "$(dirname "$0")/lib.sh"

D=$T_DATA/top
REF=$D/top-ref.awk
C2T=$D/csv2tsv.awk
L=$D/located.folded

. "$D/helpers.sh"

for g in function file line module; do
	for s in name flat cum; do
		case_g=$g case_s=$s
		test_expect_success "located.folded: --granularity $g --sort $s against awk" '
			awk -f "$REF" -v gran=$case_g -v sort=$case_s "$L" >expect &&
			top_tsv actual --rows 0 --granularity $case_g --sort $case_s "$L" &&
			test_cmp expect actual
		'
	done
	test_expect_success "located.folded: --granularity $g, the count of rows that are names, against awk" '
		awk -f "$REF" -v gran=$case_g -v what=facts "$L" >facts &&
		sed -n "s/^\(rows\|unlocated\)\t//p" facts >expect &&
		prof-top --format json --granularity $case_g "$L" >out.json &&
		{ fact out.json rows_total && fact out.json unlocated; } >actual &&
		test_cmp expect actual
	'
done

test_expect_success 'the rows of files, by hand: a file counts once per stack' '
	top_tsv out --rows 0 --granularity file --sort name "$L" &&
	cut -f 1,2,5 out >actual &&
	cat >expect <<-\EOF &&
	app	0	4
	helper	4	4
	read	0	2
	read_[k]	2	2
	src/inl.h	3.5	3.5
	src/main.c	0	16
	src/parse.c	5	12
	src/util.c	0.5	0.5
	strtol	5	5
	EOF
	test_cmp expect actual
'

test_expect_success 'the rows of lines, by hand: name and location; a file without a line' '
	top_tsv out --rows 0 --granularity line --sort name "$L" &&
	cut -f 1,2,5 out >actual &&
	cat >expect <<-\EOF &&
	app	0	4
	app src/main.c:10	0	12.5
	app src/main.c:12	0	3.5
	helper	4	4
	inl src/inl.h:7	2	2
	inl src/inl.h:9	1.5	1.5
	lex src/parse.c:80	2	2
	parse src/parse.c:42	0	9
	parse src/parse.c:50	3	3
	read	0	2
	read_[k]	2	2
	strtol	5	5
	util src/util.c	0.5	0.5
	EOF
	test_cmp expect actual
'

test_expect_success 'the rows of modules, by hand' '
	top_tsv out --rows 0 --granularity module --sort name "$L" &&
	cut -f 1,2,5 out >actual &&
	cat >expect <<-\EOF &&
	/lib/libc.so.6	5	7
	/usr/bin/app	7	16
	app	0	4
	helper	4	4
	inl	2	2
	vmlinux	2	2
	EOF
	test_cmp expect actual
'

test_expect_success 'function: the location does not split a function' '
	top_tsv out --rows 0 --sort name "$L" &&
	grep "^parse	" out | cut -f 1,2,5 >actual &&
	printf "parse\t3\t12\n" >expect &&
	test_cmp expect actual
'

test_expect_success 'function: an inlined frame (_[i]) counts as its function' '
	printf "a;inl_[i] 2\nb;inl 1\nc;inl_[i];inl 4\n" >in &&
	top_tsv out --rows 0 --sort name in &&
	grep "^inl	" out | cut -f 1,2,5 >actual &&
	printf "inl\t7\t7\n" >expect &&
	test_cmp expect actual &&
	! grep "_\[i\]" out
'

test_expect_success 'function: _[k], _[j] and _[w] frames stay apart from the plain name' '
	printf "a;read 1\na;read_[k] 2\na;read_[j] 4\na;read_[w] 8\n" >in &&
	top_tsv out --rows 0 --sort name in &&
	cut -f 1,2 out >actual &&
	printf "a\t0\nread\t1\nread_[j]\t4\nread_[k]\t2\nread_[w]\t8\n" >expect &&
	test_cmp expect actual
'

test_expect_success 'line: an inlined frame keeps its own line' '
	printf "a;inl\tx.h:7_[i] 2\na;inl\tx.h:9 1\n" >in &&
	top_tsv out --rows 0 --sort name --granularity line in &&
	cut -f 1,2 out >actual &&
	printf "a\t0\ninl x.h:7\t2\ninl x.h:9\t1\n" >expect &&
	test_cmp expect actual
'

test_expect_success 'file: a path with a colon and no line is a file; :LINE is cut' '
	printf "a\tC:\\\\src\\\\a.c;b\tC:\\\\src\\\\a.c:12 1\n" >in &&
	top_tsv out --rows 0 --sort name --granularity file in &&
	cut -f 1,2,5 out >actual &&
	printf "C:\\\\src\\\\a.c\t1\t1\n" >expect &&
	test_cmp expect actual
'

test_expect_success 'the note says how many rows are names, for each granularity' '
	prof-top --granularity file "$L" >out &&
	grep "^5 of the 9 rows are function names: their frames have no file\$" out &&
	prof-top --granularity line "$L" >out &&
	grep "^5 of the 13 rows are function names: their frames have no source line\$" out &&
	prof-top --granularity module "$L" >out &&
	grep "^3 of the 6 rows are function names: their frames have no module\$" out
'

test_expect_success 'no such note for functions, nor when every frame is located' '
	prof-top "$L" >out &&
	! grep "function names" out &&
	printf "a\tx.c:1;b\ty.c:2 1\n" >in &&
	prof-top --granularity file in >out &&
	! grep "function names" out
'

test_expect_success 'JSON: the header names the granularity with the option word' '
	for g in function file line module; do
		prof-top --format json --granularity $g "$L" >out.json &&
		grep "\"granularity\": \"$g\"" out.json || exit 1
	done
'

test_expect_success 'the Showing note names the rows: files, lines, modules' '
	prof-top --rows 2 --granularity file "$L" >out &&
	grep "^Showing 2 of 9 files, " out &&
	prof-top --rows 2 --granularity line "$L" >out &&
	grep "^Showing 2 of 13 lines, " out &&
	prof-top --rows 2 --granularity module "$L" >out &&
	grep "^Showing 2 of 6 modules, " out
'

test_expect_success 'a name without information in several stacks is one row, counted once' '
	printf "a\tx.c:1;f 1\nb\tx.c:2;f 2\n" >in &&
	prof-top --format json --granularity file in >out.json &&
	test "$(fact out.json unlocated)" = 1 &&
	test "$(fact out.json rows_total)" = 2
'

test_expect_success 'callers and callees at file granularity against awk' '
	for w in callers callees; do
		awk -f "$REF" -v gran=file -v what=$w -v peek=src/parse.c "$L" >expect &&
		top_tsv actual --granularity file --$w src/parse.c "$L" &&
		test_cmp expect actual || exit 1
	done
'

test_expect_success 'filters see the frame, whatever the granularity' '
	awk -f "$REF" -v gran=module -v sort=name -v hide=^parse\$ "$L" >expect &&
	top_tsv out --rows 0 --granularity module --sort name --hide "^parse\$" "$L" &&
	awk -F "\t" "!(\$2 == \"0\" && \$5 == \"0\")" out >actual &&
	test_cmp expect actual
'

# prof-folded(5) and the issue: a frame without the information asked is
# grouped under its name, kernel frames included.
test_expect_success 'module: a kernel frame without a module is grouped under its name' '
	printf "a;read_[k] 1\na;b\t\t/lib/x.so 2\n" >in &&
	top_tsv out --rows 0 --sort name --granularity module in &&
	cut -f 1,2 out >actual &&
	printf "/lib/x.so\t2\na\t0\nread_[k]\t1\n" >expect &&
	test_cmp expect actual
'

done_testing
