#!/bin/sh
test_description='prof-top: --help, usage errors, option values, input and output errors, the man SYNOPSIS'
. "$(dirname "$0")/lib.sh"

printf 'a;f;g 3\na;h 1\n' >in

test_expect_success '--help prints the usage and one line per option to stdout, exit 0' '
	prof-top --help >out 2>err &&
	test_must_be_empty err &&
	head -n 1 out >first &&
	grep "^usage: prof-top " first &&
	for o in -j -o --rows --sort --granularity --focus --ignore --hide --callers \
	    --callees --format --color --help
	do
		sed -n "/^usage:/,/^\$/!p" out | grep -e "^ *$o[ ,]" -e "^ *$o\$" >/dev/null ||
		{ echo "--help has no line for $o"; exit 1; }
	done
'

test_expect_success '--help names the choices of every option with choices' '
	prof-top --help >out &&
	for w in flat cum name function file line module table csv json markdown \
	    auto always never
	do
		grep -w -e "$w" out >/dev/null || { echo "--help does not name $w"; exit 1; }
	done
'

test_expect_success 'an unknown option: usage on stderr, nothing on stdout, exit 2' '
	test_expect_code 2 prof-top --nope in >out 2>err &&
	test_must_be_empty out &&
	grep "usage: prof-top" err
'

test_expect_success 'an unknown short option is a usage error' '
	test_expect_code 2 prof-top -x in >out 2>err &&
	test_must_be_empty out &&
	grep "usage: prof-top" err
'

test_expect_success 'an option without its argument is a usage error' '
	test_expect_code 2 prof-top --sort </dev/null >out 2>err &&
	test_must_be_empty out &&
	grep "usage: prof-top" err
'

test_expect_success 'the usage on error equals the usage of --help' '
	prof-top --help >out &&
	sed -n "/^usage:/,/^\$/p" out | sed "/^\$/d" >expect &&
	test_expect_code 2 prof-top --nope 2>err &&
	sed -n "/^usage:/,\$p" err >actual &&
	test_cmp expect actual
'

test_expect_success 'the usage names every option of the design' '
	prof-top --help >out &&
	sed -n "/^usage:/,/^\$/p" out | tr -s " \n" "  " >usage &&
	for w in "[-j jobs]" "[-o file]" "[--rows n]" "[--sort key]" "[--granularity g]" \
	    "[--focus regex]" "[--ignore regex]" "[--hide regex]" \
	    "[--callers name]" "[--callees name]" "[--format format]" \
	    "[--color when]" "[file ...]"
	do
		grep -F -e "$w" usage >/dev/null || { echo "usage lacks $w"; exit 1; }
	done
'

# Bad option values: "OPTION VALUE", one a line; each must exit 2 with a
# message that names the option on stderr, and write nothing on stdout.
while read -r opt val; do
	test "$val" = "''" && val=
	case_opt=$opt case_val=$val
	test_expect_success "bad value: $opt '$val'" '
		test_expect_code 2 prof-top "$case_opt" "$case_val" in >out 2>err &&
		test_must_be_empty out &&
		grep -F -e "prof-top: $case_opt: " err >msg &&
		test "$(cut -c 1-10 msg)" = "prof-top: "
	'
done <<'TABLE'
--jobs 0
--jobs 257
--jobs x
--jobs ''
--rows x
--rows -1
--rows 1.5
--rows 2x
--rows ''
--rows 1000000001
--rows 99999999999999999999
--format xml
--format CSV
--format ''
--sort size
--sort ''
--sort FLAT
--granularity symbol
--granularity ''
--granularity functions
--color sometimes
--color ''
--color yes
--focus (
--focus a{1
--ignore [
--ignore (a|
--hide [[:nope:]]
--hide ab\
TABLE

test_expect_success 'the message of a bad regex says what is wrong with it' '
	test_expect_code 2 prof-top --focus "(" in >out 2>err &&
	grep "^prof-top: --focus: .(.: ." err
'

test_expect_success '--rows 0 (all rows) and --rows 1000000000 are accepted' '
	prof-top --rows 0 --format csv in >out &&
	prof-top --rows 1000000000 --format csv in >out2 &&
	test_cmp out out2
'

test_expect_success 'the last of a repeated option wins' '
	prof-top --format json --format csv --rows 9 --rows 1 in >actual &&
	prof-top --format csv --rows 1 in >expect &&
	test_cmp expect actual
'

test_expect_success 'prof(7)'"'"'s vocabulary: -n is --rows now, -j and -o have long forms' '
	test_expect_code 2 prof-top -n 3 in >out 2>err &&
	test_must_be_empty out &&
	grep -Fx "prof-top: -n: renamed; use --rows (see prof(7))" err &&
	prof-top -j 1 -o short --rows 2 in &&
	prof-top --jobs=1 --output=long --rows=2 in &&
	test_cmp short long &&
	test_line_count = 6 short
'

test_expect_success '--callers and --callees of two functions: exit 2' '
	test_expect_code 2 prof-top --callers f --callees g in >out 2>err &&
	test_must_be_empty out &&
	grep "^prof-top: --callers and --callees: " err
'

test_expect_success 'a missing file: exit 2, a message naming it, nothing on stdout' '
	test_expect_code 2 prof-top --format csv no-such-file >out 2>err &&
	test_must_be_empty out &&
	grep "^prof-top: no-such-file: " err
'

test_expect_success 'a missing file among good ones: exit 2, nothing on stdout' '
	test_expect_code 2 prof-top --format csv in no-such-file in >out 2>err &&
	test_must_be_empty out &&
	grep "^prof-top: no-such-file: " err
'

test_expect_success 'a file that cannot be read (a directory): exit 2' '
	mkdir dir &&
	test_expect_code 2 prof-top --format csv dir >out 2>err &&
	test_must_be_empty out &&
	grep "^prof-top: dir: " err
'

cp in noperm && chmod 000 noperm
if cat noperm >/dev/null 2>&1; then
	test_skip 'a file without read permission: exit 2' 'permissions do not stop this user (root)'
else
	test_expect_success 'a file without read permission: exit 2' '
		test_expect_code 2 prof-top --format csv noperm >out 2>err &&
		test_must_be_empty out &&
		grep "^prof-top: noperm: " err
	'
fi

test_expect_success 'an input error with -o leaves no file' '
	test_expect_code 2 prof-top -o out.txt no-such-file 2>err &&
	! test -e out.txt
'

test_expect_success '-o writes what stdout gets' '
	prof-top --format csv in >expect &&
	prof-top --format csv -o out.csv in >stdout &&
	test_must_be_empty stdout &&
	test_cmp expect out.csv
'

for fmt in table csv json markdown; do
	test_expect_success "a write error is reported, exit 1 (--format $fmt)" '
		test_expect_code 1 prof-top --format '"$fmt"' in >/dev/full 2>err &&
		grep "^prof-top: .*write error" err
	'
done

test_expect_success 'a write error in a peek is reported, exit 1' '
	test_expect_code 1 prof-top --callers g in >/dev/full 2>err &&
	grep "^prof-top: .*write error" err
'

test_expect_success 'empty input: exit 0, a CSV header and no row' '
	prof-top --format csv </dev/null >out 2>err &&
	test_must_be_empty err &&
	awk -f "$T_DATA/top/csv2tsv.awk" out >actual &&
	printf "name\tflat\tflat_pct\tsum_pct\tcum\tcum_pct\n" >expect &&
	test_cmp expect actual
'

test_expect_success 'empty input: JSON with a total of 0 and no row' '
	prof-top --format json </dev/null >out 2>err &&
	test_must_be_empty err &&
	grep "\"total\": 0[,}]" out &&
	grep "\"rows\": \[\]" out
'

test_expect_success 'empty input: the table is a header line and no row, exit 0' '
	prof-top </dev/null >out 2>err &&
	test_must_be_empty err &&
	grep "^Total: 0 samples\$" out &&
	tail -n 1 out >last &&
	grep "^ *flat .*cum%  name\$" last
'

test_expect_success 'metadata only, and blank lines only, are empty input' '
	printf "# type: cpu\n# unit: samples\n" >meta &&
	printf "\n  \n\t\n" >blank &&
	prof-top --format csv meta >a 2>err &&
	test_must_be_empty err &&
	prof-top --format csv blank >b &&
	prof-top --format csv </dev/null >expect &&
	test_cmp expect a &&
	test_cmp expect b
'

test_expect_success 'files and - (stdin) are read in turn and summed' '
	printf "a;f;g 1\n" >more &&
	prof-top --format csv --rows 0 --sort name in - <more >actual &&
	printf "a;f;g 4\na;h 1\n" >merged &&
	prof-top --format csv --rows 0 --sort name merged >expect &&
	test_cmp expect actual
'

test_expect_success 'unreadable lines are reported with their first line, exit 0' '
	printf "a 1\nbad\nb 2\n" >bad &&
	prof-top --format csv bad >out 2>err &&
	grep "^prof-top: bad: 1 unreadable line, first at line 2: " err &&
	grep "^\"*b\"*,2," out
'

test_expect_success 'differential and single-count inputs together: exit 2' '
	printf "a;b 1 2\n" >diff &&
	test_expect_code 2 prof-top --format csv in diff >out 2>err &&
	test_must_be_empty out &&
	test -s err
'

test_expect_success 'inputs in different units cannot be summed: exit 2' '
	printf "# unit: bytes\na 1\n" >b && printf "# unit: samples\na 1\n" >s &&
	test_expect_code 2 prof-top --format csv b s >out 2>err &&
	test_must_be_empty out &&
	grep "differ in type or unit" err
'

test_synopsis prof-top

done_testing
