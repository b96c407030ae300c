#!/bin/sh
test_description='lib/bench/stats: summaries, the median CI, Mann-Whitney U, against numpy and scipy'
. "$(dirname "$0")/lib.sh"

# The driver t/helpers/stats-test.c reads cases (t/data/stats/*.in) and
# prints "CASE KEY VALUE" lines; t/data/stats/*.expect hold what numpy and
# scipy computed for the same cases (t/data/stats/make-fixtures.py, the
# recipe, says how they were made).  scipy is not needed here.

test -f "$ROOT/lib/libprof.a" || skip_or_fail "lib/libprof.a is not built; run make lib/libprof.a"

test_expect_success 'build the driver' '
	$DRIVER_CC $DRIVER_FLAGS -o stats-test "$ROOT/t/helpers/stats-test.c" \
		"$ROOT/lib/libprof.a" -lm
'
PATH=$TRASH:$PATH
S=$T_DATA/stats

# numcmp [abs=A] [rel=R] EXPECT ACTUAL: the files have the same
# lines but '#' comments; the first two fields are equal, and every other
# field is equal text or a number within R relative (1e-9) or A absolute
# (1e-12) of the expected one.  "nan" and "inf" are text, so they never
# pass for a number.
numcmp () {
	awk -v rel=1e-9 -v abs=1e-12 '
	function isnum(s) { return s ~ /^[-+]?([0-9]+\.?[0-9]*|\.[0-9]+)([eE][-+]?[0-9]+)?$/ }
	function bad(msg) { print "line " ng ": " msg; nbad++ }
	NR == FNR { if (!/^#/) want[++nw] = $0; next }
	/^#/ { next }
	{
		ng++
		if (ng > nw) { bad("extra: " $0); next }
		nf = split(want[ng], w, " ")
		if (NF != nf || $1 != w[1] || $2 != w[2]) {
			bad("want \"" want[ng] "\", got \"" $0 "\"")
			next
		}
		for (i = 3; i <= nf; i++) {
			if (!isnum($i) || !isnum(w[i])) {
				if ($i != w[i])
					bad("want \"" want[ng] "\", got \"" $0 "\"")
				continue
			}
			a = $i + 0; b = w[i] + 0
			d = a > b ? a - b : b - a
			m = a < 0 ? -a : a
			if ((b < 0 ? -b : b) > m)
				m = b < 0 ? -b : b
			if (d > abs && d > rel * m)
				bad(sprintf("%s %s: want %s, got %s (relative error %.3g)",
				    $1, $2, w[i], $i, d / m))
		}
	}
	END {
		if (ng < nw)
			bad("missing: \"" want[ng + 1] "\"" (nw - ng > 1 ? " and " nw - ng - 1 " more lines" : ""))
		exit nbad > 0
	}' "$@"
}

test_expect_success 'numcmp: tolerances, and what it refuses' '
	printf "# made by hand\na p 0.5\na q 1e-30\na n 3\n" >expect &&
	printf "a p 0.50000000005\na q 0\na n 3\n" >actual &&
	numcmp expect actual &&
	test_expect_code 1 numcmp abs=0 expect actual &&
	printf "a p 0.500000001\na q 1e-30\na n 3\n" >actual &&
	test_expect_code 1 numcmp expect actual >out &&
	grep "a p: want 0.5, got 0.500000001" out &&
	for bad in "a p nan" "a p inf" "a p -0.5" "a x 0.5" "b p 0.5" "a p 0.5 1"; do
		printf "%s\na q 1e-30\na n 3\n" "$bad" >actual &&
		test_expect_code 1 numcmp expect actual >out || exit 1
	done &&
	printf "a p 0.5\na q 1e-30\n" >actual &&
	test_expect_code 1 numcmp expect actual >out &&
	grep missing out &&
	printf "a p 0.5\na q 1e-30\na n 3\na n 3\n" >actual &&
	test_expect_code 1 numcmp expect actual >out &&
	grep extra out
'

test_expect_success 'describe: mean, sd, quantiles, MAD, outliers, geometric mean' '
	stats-test describe <"$S/describe.in" >actual &&
	numcmp "$S/describe.expect" actual
'

test_expect_success 'ci: the median CI from binomial order statistics' '
	stats-test ci <"$S/ci.in" >actual &&
	numcmp "$S/ci.expect" actual
'

# The references of p-values and of the normal tail are as accurate
# relatively down to 1e-300 as near 1, so these two are held to 1e-9
# relative however small the value: a p of 1e-29 computed as 0 must fail.
test_expect_success 'mwu: U and p, exact and normal, ties, both sides of nx + ny = 100' '
	stats-test mwu <"$S/mwu.in" >actual &&
	numcmp abs=0 "$S/mwu.expect" actual
'

test_expect_success 'mwu: exact up to nx + ny = 100 without ties, and only then' '
	awk "\$2 == \"exact\" { print \$1, \$3 }" "$S/mwu.expect" >exact &&
	grep -q "^n50-50-shift0 1\$" exact &&
	grep -q "^n50-51-shift0 0\$" exact &&
	grep -q "^n1-99-shift0 1\$" exact &&
	grep -q "^n1-100-shift0 0\$" exact &&
	grep -q "^ties-3-3 0\$" exact &&
	awk "\$2 == \"exact\" { print \$1, \$3 }" actual >exact.actual &&
	test_cmp exact exact.actual
'

# With 330292 values t^3 - t is past 2^53, and in doubles the tie term
# comes out above the variance it corrects (scipy's p is NaN here).
test_expect_success 'mwu: 330292 equal values: p = 1, not NaN' '
	awk -v n=165146 "BEGIN {
		printf \"equal\"; for (i = 0; i < n; i++) printf \" 1\"
		printf \" /\"; for (i = 0; i < n; i++) printf \" 1\"; print \"\"
	}" >equal.in &&
	stats-test mwu <equal.in >actual &&
	printf "equal rc 0\nequal u 13636600658\nequal p 1\nequal exact 0\n" >expect &&
	test_cmp expect actual
'

test_expect_success 'sf: the upper tail of N(0, 1), from 1 down to 5e-308' '
	stats-test sf <"$S/sf.in" >actual &&
	numcmp abs=0 "$S/sf.expect" actual
'

test_expect_success 'no samples: mean 0, sd 0, geometric mean 1' '
	stats-test empty >actual &&
	printf "empty mean 0\nempty sd 0\nempty geomean 1\n" >expect &&
	test_cmp expect actual
'

done_testing
