#!/bin/sh
test_description='bash and zsh completions: every option of --help, and the values of choices'
. "$(dirname "$0")/lib.sh"

ALL="record fold flame top bench diff plan"
comp=$ROOT/bin/completions

# help_options PROG: the options --help lists (its lines "  -x, --long ..."),
# read apart from scripts/completions: every word that starts with a dash
# in the names part of such a line, one a line, sorted.
help_options () {
	"$1" --help | sed -n "/^usage:/,/^\$/!p" | grep "^  -" |
	sed "s/^  //; s/  .*//" | tr ", " "\n\n" | grep -E "^--?[A-Za-z0-9][-A-Za-z0-9]*\$" | sort -u
}

# bash_complete PROG WORD...: the words bash completes for PROG's command
# line WORD... (the last one being completed), one a line, sorted.
bash_complete () {
	_p=$1
	shift
	bash -c '
		. "$1"; shift
		fn=_$(echo "$1" | tr - _)
		COMP_WORDS=("$@"); COMP_CWORD=$(($# - 1))
		compopt () { :; }
		"$fn"
		printf "%s\n" "${COMPREPLY[@]}"' sh "$comp/bash/$_p" "$_p" "$@" | sed "/^\$/d" | sort
}

for p in $ALL; do
	case_p=prof-$p
	test_expect_success "$case_p: the bash completion offers exactly the options of --help" '
		help_options $case_p >expect &&
		test -s expect &&
		bash_complete $case_p - >actual &&
		test_cmp expect actual
	'
	test_expect_success "$case_p: the zsh completion has exactly the options of --help" '
		help_options $case_p >expect &&
		sed -n "s/^	\(${SQ}\*${SQ}\)\{0,1\}//p" "$comp/zsh/_$case_p" |
			sed "s/${SQ}\[.*//; s/^{//; s/}\$//" | tr "," "\n" |
			sed "s/[=+]\$//" | grep "^-" | sort -u >actual &&
		test_cmp expect actual &&
		head -n 1 "$comp/zsh/_$case_p" >first &&
		echo "#compdef $case_p" >expect &&
		test_cmp expect first
	'
done

# The values: a choice completes to its words, as the program's own error
# message lists them; a file to files; a number to nothing.  A case: the
# program, the words before the one completed, that word (' for an empty
# one), the completions wanted, comma-separated.
while read -r p rest; do
	want=${rest##* } args=${rest% *}
	case_p=$p case_args=${args% *} case_word=${args##* } case_want=$want
	test "$case_args" = "$args" && case_args=
	test "$case_word" = "'" && case_word=
	test_expect_success "bash: $p $args completes to $want" '
		: >a-file &&
		bash_complete $case_p $case_args "$case_word" >actual &&
		echo "$case_want" | tr , "\n" | sed "/^\$/d" | sort >expect &&
		test_cmp expect actual
	'
done <<'TABLE'
prof-flame --format ' svg,html,text,speedscope,dot,graph
prof-flame --format = t text
prof-flame --colors j java,js
prof-top --sort c cum
prof-top --granularity ' function,file,line,module
prof-fold --input-format p perf,pprof
prof-record --type off offcpu
prof-bench --order ' interleaved,shuffle,sequential
prof-diff --format j json
prof-plan --format ' markdown,json
prof-fold -o a- a-file
prof-top --rows 1 ,
prof-fold --depth ' ,
prof-top a.folded --so --sort,--source
TABLE

if command -v zsh >/dev/null 2>&1; then
	test_expect_success 'the zsh completions parse' '
		for p in $ALL; do
			zsh -n "$comp/zsh/_prof-$p" || { echo "_prof-$p does not parse"; exit 1; }
		done
	'
else
	test_skip 'the zsh completions parse' 'no zsh'
fi

test_expect_success 'a completion names the version it was made from' '
	v=$("$ROOT/scripts/version") &&
	grep -F "(prof-top $v)" "$comp/bash/prof-top" &&
	grep -F "(prof-top $v)" "$comp/zsh/_prof-top"
'

done_testing
