#!/bin/sh
test_description='prof-top: colour and cutting on a terminal only; NO_COLOR, TERM=dumb, --color; COLUMNS'
. "$(dirname "$0")/lib.sh"

# A terminal is a pty from script(1) of util-linux: "script -qec CMD
# /dev/null" runs CMD with its standard output on a pty, and copies what
# it writes, newlines as CR LF.  A pty made with no terminal around has no
# size (0 columns) unless stty gives it one.
command -v script >/dev/null 2>&1 || skip_or_fail 'no script(1) (util-linux)'
script -qec true /dev/null >/dev/null 2>&1 </dev/null || skip_or_fail 'script(1) cannot open a pty here'

# on_tty OUT CMD: CMD (shell text) on a pty; what it wrote, without the
# CRs, in OUT; fails when CMD fails.
on_tty () {
	_out=$1
	shift
	script -qec "$*" /dev/null </dev/null >"$_out.raw" || return 1
	tr -d '\r' <"$_out.raw" >"$_out"
}

ESC=$(printf '\033')
export ESC
unset NO_COLOR COLUMNS
TERM=xterm
export TERM

printf 'main;hot 90\nmain;warm 5\nmain;cool 0.5\nmain;cold 4.5\n' >colours
printf 'main;a_function_with_a_rather_long_name_indeed 3\nmain;short 1\n' >long

test_expect_success 'on a terminal: bold header, red from 10%, yellow from 1%, plain below' '
	on_tty actual "stty cols 200; prof-top colours" &&
	{
		printf "Total: 100 samples\n" &&
		printf "Showing 5 of 5 functions, 100.00%% of the total\n\n" &&
		printf "\033[1mflat   flat%%     sum%%  cum     cum%%  name\033[0m\n" &&
		printf "\033[31m  90  90.00%%   90.00%%   90   90.00%%  hot\033[0m\n" &&
		printf "\033[33m   5   5.00%%   95.00%%    5    5.00%%  warm\033[0m\n" &&
		printf "\033[33m 4.5   4.50%%   99.50%%  4.5    4.50%%  cold\033[0m\n" &&
		printf " 0.5   0.50%%  100.00%%  0.5    0.50%%  cool\n" &&
		printf "   0   0.00%%  100.00%%  100  100.00%%  main\n"
	} >expect &&
	test_cmp expect actual
'

test_expect_success 'on a terminal: names cut to its width, ending in ..' '
	on_tty actual "stty cols 45; prof-top --color never long" &&
	cat >expect <<-\EOF &&
	Total: 4 samples
	Showing 3 of 3 functions, 100.00% of the total

	flat   flat%     sum%  cum     cum%  name
	   3  75.00%   75.00%    3   75.00%  a_func..
	   1  25.00%  100.00%    1   25.00%  short
	   0   0.00%  100.00%    4  100.00%  main
	EOF
	test_cmp expect actual
'

test_expect_success 'on a terminal: no row of the table is wider than the terminal' '
	on_tty out "stty cols 42; prof-top --color never long" &&
	sed "1,3d" out >table &&
	awk "length(\$0) > 42 { print \"too wide: \" \$0; bad = 1 } END { exit bad }" table
'

test_expect_success 'cutting counts characters, not bytes (UTF-8 names)' '
	printf "main;\303\251\303\251\303\251\303\251\303\251\303\251\303\251\303\251\303\251\303\251 1\n" >utf &&
	on_tty out "stty cols 45; prof-top --color never utf" &&
	printf "\303\251\303\251\303\251\303\251\303\251..\n" >expect &&
	sed -n "s/.*  \([^ ]*\)\$/\1/p" out >names &&
	grep -F -x -f expect names
'

test_expect_success 'COLUMNS gives the width when the terminal has no size' '
	on_tty out "stty cols 0; COLUMNS=45 prof-top --color never long" &&
	grep "  a_func\.\.\$" out
'

test_expect_success 'a terminal without a size and no COLUMNS: 80 columns' '
	printf "main;%s 1\n" "$(printf "%0100d" 0 | tr 0 x)" >wide &&
	on_tty out "stty cols 0; unset COLUMNS; prof-top --color never wide" &&
	sed -n "s/.*  \(x*\.\.\)\$/\1/p" out >name &&
	test "$(wc -L <name)" -gt 0 &&
	awk "length(\$0) != 80 && /\.\.\$/ { print \"not 80: \" \$0; bad = 1 } END { exit bad }" out
'

test_expect_success 'NO_COLOR turns colour off, and names are still cut' '
	on_tty out "stty cols 45; NO_COLOR=1 prof-top long" &&
	! grep "$ESC" out &&
	grep "  a_func\.\.\$" out
'

test_expect_success 'an empty NO_COLOR does not turn colour off' '
	on_tty out "stty cols 200; NO_COLOR= prof-top colours" &&
	grep "$ESC\[31m" out
'

test_expect_success 'TERM=dumb turns colour off' '
	on_tty out "stty cols 200; TERM=dumb prof-top colours" &&
	! grep "$ESC" out
'

test_expect_success '--color never on a terminal: no colour' '
	on_tty out "stty cols 200; prof-top --color never colours" &&
	! grep "$ESC" out
'

test_expect_success '--color always wins over NO_COLOR' '
	on_tty out "stty cols 200; NO_COLOR=1 prof-top --color always colours" &&
	grep "$ESC\[31m" out
'

test_expect_success 'in a pipe: no colour and no cut' '
	prof-top long >out &&
	! grep "$ESC" out &&
	grep "  a_function_with_a_rather_long_name_indeed\$" out
'

test_expect_success 'in a pipe, COLUMNS changes nothing' '
	prof-top long >expect &&
	COLUMNS=20 prof-top long >actual &&
	test_cmp expect actual
'

test_expect_success '--color always in a pipe: colour, but no cut' '
	prof-top --color always long >out &&
	grep "$ESC\[1mflat" out &&
	grep "a_function_with_a_rather_long_name_indeed$ESC\[0m\$" out
'

test_expect_success '-o FILE from a terminal: no colour and no cut in the file' '
	prof-top long >expect &&
	on_tty out "stty cols 45; prof-top -o file.txt long" &&
	test_must_be_empty out &&
	test_cmp expect file.txt
'

for fmt in csv json markdown; do
	case_fmt=$fmt
	test_expect_success "--format $fmt on a terminal: as in a pipe, no colour, no cut" '
		prof-top --format $case_fmt long >expect &&
		on_tty actual "stty cols 30; prof-top --color always --format $case_fmt long" &&
		test_cmp expect actual
	'
done

test_expect_success 'a differential profile: red when the share grew half a point, green when it shrank' '
	printf "m;up 10 12\nm;down 10 8\nm;flat 80 80\nm;tiny 100 100.4\n" >diff &&
	on_tty out "stty cols 250; prof-top diff" &&
	grep "^$ESC\[31m.*  up$ESC\[0m\$" out &&
	grep "^$ESC\[32m.*  down$ESC\[0m\$" out &&
	grep "^ .*  tiny\$" out &&
	grep "^ .*  flat\$" out
'

test_expect_success 'callers on a terminal: the section titles and header are bold, names cut' '
	printf "main;a_function_with_a_rather_long_name_indeed;f 3\nmain;f 1\n" >peek &&
	on_tty out "stty cols 30; prof-top --callers f peek" &&
	grep "^$ESC\[1mCallers$ESC\[0m\$" out &&
	grep "^$ESC\[1mcount   share  name$ESC\[0m\$" out &&
	grep "^    3  75.00%  a_function_wi\.\.\$" out
'

# A terminal narrower than the figures: a name cut to nothing is no name.
test_expect_success 'a terminal narrower than the figures still shows the names' '
	on_tty out "stty cols 120; prof-top --color never $T_DATA/top/diff.folded" &&
	sed "1,5d" out >rows &&
	test -s rows &&
	awk "/ \$/ { print \"no name: \" \$0; bad = 1 } END { exit bad }" rows
'

done_testing
