#!/bin/sh
test_description='prof(7): one option vocabulary across the seven programs'
. "$(dirname "$0")/lib.sh"

# The table of prof(7): OPTION PROGRAMS...; each program's --help must
# have a line for OPTION exactly when it is listed (the options part of
# --help, not the usage), and prof(7) must describe it.
ALL="record fold flame top bench diff plan"
while read -r opt progs; do
	case_opt=$opt case_progs=$progs
	test_expect_success "$opt: in --help of ${progs:-none} and no other" '
		for p in $ALL; do
			prof-$p --help >help &&
			sed -n "/^usage:/,/^\$/!p" help >options &&
			if grep -E -e "(^|[ ,])$case_opt([ ,=]|\$)" options >/dev/null; then has=1; else has=0; fi &&
			case " $case_progs " in
			*" $p "*) test $has = 1 || { echo "prof-$p --help lacks $case_opt"; return 1; } ;;
			*) test $has = 0 || { echo "prof-$p --help has $case_opt"; return 1; } ;;
			esac || return 1
		done
	'
done <<'TABLE'
-o record fold flame top diff plan
--output record fold flame top diff plan bench
-j fold flame top diff plan
--jobs fold flame top diff plan
--rows top diff
--depth fold
--max-stack record
--focus fold flame top
--ignore fold flame top
--hide fold flame top
--input-format fold
--granularity top diff
--pid record fold
--tid record fold
--kernel record fold
--user-only record
--addrs record fold
--debuginfod record fold
--duration record bench
--fail-above diff
--fail-on-regression
--results-dir bench diff
--output-dir record
--strict fold
--source top plan
--list record top bench
--help record fold flame top bench diff plan
--version record fold flame top bench diff plan
--top
--by
--grep
--grep-v
TABLE

# (prof-bench's --output is hyperfine's: where the commands' output goes.)

test_expect_success 'prof(7) describes every option of its table' '
	for o in o -output j -jobs -rows -depth -max-stack -focus -ignore -hide -format \
	    -input-format -granularity -sort -color -pid -tid -kernel -user-only -addrs -debuginfod d -duration \
	    -fail-above -results-dir -output-dir -strict -source -help -version
	do
		grep -E -e "^\.It .*Fl $o( |\$)" "$ROOT/man/prof.7" >/dev/null ||
		{ echo "prof(7) has no entry for $o"; return 1; }
	done
'

while read -r p args new; do
	case_p=$p case_args=$args case_new=$new
	test_expect_success "renamed: prof-$p $args dies naming $new" '
		test_expect_code 2 prof-$case_p $case_args x </dev/null >out 2>err &&
		test_must_be_empty out &&
		grep -Fx "prof-$case_p: ${case_args%% *}: renamed; use $case_new (see prof(7))" err &&
		old=${case_args%% *} &&
		grep -Fx -e ".It prof-$case_p Ta Fl ${old#-} Ta Fl ${case_new#-}" "$ROOT/man/prof.7" >/dev/null
	'
done <<'TABLE'
top -n --rows
diff --top --rows
diff --by --sort
diff --fail-on-regression --fail-above
record --depth --max-stack
fold --input --input-format
fold --grep --focus
fold --grep-v --ignore
TABLE

test_expect_success 'every man page names prof(7) in SEE ALSO, and prof(7) names them' '
	for m in "$ROOT"/man/prof-*.[15] "$ROOT"/man/prof.conf.5; do
		sed -n "/^\.Sh SEE ALSO/,/^\.Sh/p" "$m" | grep -Fx ".Xr prof 7 ," >/dev/null ||
		sed -n "/^\.Sh SEE ALSO/,/^\.Sh/p" "$m" | grep -Fx ".Xr prof 7" >/dev/null ||
		{ echo "$m: SEE ALSO lacks prof(7)"; return 1; }
		n=$(basename "$m") && name=${n%.*} && sec=${n##*.} &&
		grep -E -e "^\.Xr $name $sec( ,)?\$" "$ROOT/man/prof.7" >/dev/null ||
		{ echo "prof(7) does not name $name($sec)"; return 1; }
	done
'

command -v mandoc >/dev/null 2>&1 || skip_or_fail 'no mandoc'
test_expect_success 'man/prof.7 passes mandoc -T lint' '
	mandoc -T lint -W warning "$ROOT/man/prof.7" >lint 2>&1;
	test_must_be_empty lint
'

done_testing
