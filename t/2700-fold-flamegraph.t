#!/bin/sh
test_description='prof-folded(5) metadata: flamegraph.pl draws the same graph with and without it'
. "$(dirname "$0")/lib.sh"

# Debian's libdevel-nytprof-perl ships a copy of FlameGraph's flamegraph.pl.
# It reads every line that ends in whitespace and a number as a stack; the
# metadata lines of prof-folded(5) never do, so it must skip them and draw
# exactly the same SVG.  Its colours are random unless --hash is given, and
# it walks Perl hashes, whose order is random unless PERL_HASH_SEED is fixed:
# with both fixed, two runs on the same stacks give the same bytes.
FG=${FLAMEGRAPH_PL:-/usr/share/perl5/Devel/NYTProf/flamegraph.pl}
test -f "$FG" || skip_or_fail "no $FG (apt-get install libdevel-nytprof-perl)"

PERL_HASH_SEED=0
PERL_PERTURB_KEYS=0
export PERL_HASH_SEED PERL_PERTURB_KEYS

# fg IN OUT: draws IN (with the options in $fg_opts) to OUT
fg () {
	perl "$FG" --hash $fg_opts "$1" >"$2"
}

test_expect_success 'prof-fold output with every metadata key' '
	prof-fold "$T_DATA/folded/meta.folded" "$T_DATA/folded/meta.folded" >with &&
	grep "^# " with >meta &&
	test_line_count = 11 meta &&
	grep -v "^#" with >without &&
	test -s without
'

test_expect_success 'the runs are reproducible (the comparison below means something)' '
	fg without a.svg &&
	fg without b.svg &&
	test_cmp a.svg b.svg &&
	grep "<svg" a.svg &&
	grep "compute" a.svg
'

test_expect_success 'flamegraph.pl draws the same SVG with and without the metadata' '
	fg without expect.svg 2>err.without &&
	fg with actual.svg 2>err.with &&
	test_cmp expect.svg actual.svg
'

test_expect_success 'flamegraph.pl saw the metadata lines and ignored them' '
	test_must_be_empty err.without &&
	grep "Ignored 11 lines" err.with
'

test_expect_success 'the same with a differential profile' '
	prof-fold "$T_DATA/folded/diff.folded" >with &&
	grep "^# type: diff" with &&
	grep -v "^#" with >without &&
	fg without expect.svg &&
	fg with actual.svg &&
	test_cmp expect.svg actual.svg
'

test_expect_success 'the same with a real capture and metadata, through --depth' '
	{ printf "# type: cpu\n# unit: samples\n# frequency: 1000 Hz\n# command: \"./ab-dwarf 20\"\n" &&
	  cat "$T_DATA/perf/expect/dd-syscalls-kernel.folded"; } >in &&
	prof-fold --depth 6 in >with &&
	grep "^# command: \"./ab-dwarf 20\"" with &&
	grep -v "^#" with >without &&
	fg without expect.svg &&
	fg with actual.svg &&
	test_cmp expect.svg actual.svg
'

test_expect_success 'and with random colours, the fill attributes aside' '
	fg_opts= &&
	perl "$FG" without >expect.raw &&
	perl "$FG" with >actual.raw &&
	sed "s/fill=\"rgb([0-9,]*)\"//" expect.raw >expect.svg &&
	sed "s/fill=\"rgb([0-9,]*)\"//" actual.raw >actual.svg &&
	test_cmp expect.svg actual.svg
'

# The control: a metadata line that ends in a number is read as a stack
# and changes the graph, so the comparisons above can fail.
test_expect_success 'control: a line that ends in a digit does change the graph' '
	{ printf "# frequency: 99\n" && cat without; } >bad &&
	fg without expect.svg &&
	fg bad actual.svg &&
	! cmp -s expect.svg actual.svg
'

done_testing
