#!/usr/bin/python3
# make-fixtures.py: writes the reference values t/0400-lib-stats.t checks
# lib/bench/stats against, computed with numpy and scipy, not with lib/bench/stats:
#
#     /usr/bin/python3 t/data/stats/make-fixtures.py
#
# from any directory, with Debian 12's numpy and scipy (`apt-get install
# python3-scipy python3-numpy`).  It writes, beside itself, NAME.in (the
# cases, which the driver t/helpers/stats-test.c reads) and NAME.expect
# ("CASE KEY VALUE" lines, the driver's format) for describe, ci, mwu
# and sf.  The samples are drawn from fixed seeds, so a rerun with the
# same numpy writes the same files.
#
# Where an exact answer can be had without floating point it is checked
# too: U by counting pairs, the exact Mann-Whitney p by integer counts of
# arrangements, the median CI by integer binomial sums.

import math
import os
import sys
from fractions import Fraction

try:
    import numpy as np
    import scipy
    import scipy.stats
except ImportError as e:
    sys.exit("make-fixtures.py: %s; run it with /usr/bin/python3, after "
             "apt-get install python3-scipy python3-numpy" % e)

OUT = os.path.dirname(os.path.abspath(__file__))
HEAD = ("# made by /usr/bin/python3 t/data/stats/make-fixtures.py"
        " (numpy %s, scipy %s); do not edit\n" % (np.__version__, scipy.__version__))
QS = [0, 0.05, 0.25, 0.5, 0.75, 0.95, 0.99, 1]
EXACT_MAX = 100   # lib/bench/stats.h: exact when no ties and nx + ny <= 100


def num(v):
    """The shortest text that reads back as the same double."""
    v = float(v)
    assert math.isfinite(v), v
    return repr(v) if v != int(v) or abs(v) >= 1e16 else str(int(v))


def rounded(a, digits=6):
    """Samples as a person would write them: 6 significant digits."""
    return [float("%.*g" % (digits, v)) for v in a]


def write(name, cases, expect):
    with open(os.path.join(OUT, name + ".in"), "w") as f:
        f.write(HEAD)
        for c in cases:
            f.write(c + "\n")
    with open(os.path.join(OUT, name + ".expect"), "w") as f:
        f.write(HEAD)
        for line in expect:
            f.write(line + "\n")


# describe: one sample's summary

def describe():
    rng = np.random.default_rng(400)
    samples = [
        ("one", [5.0]),
        ("two", [2.0, 1.0]),
        ("three", [3.0, 1.0, 2.0]),
        ("four", [4.0, 1.0, 3.0, 2.0]),
        ("five", [0.5, 0.1, 0.4, 0.2, 0.3]),
        ("six", [10.0, 60.0, 20.0, 50.0, 30.0, 40.0]),
        ("seven", [7.0, 1.0, 6.0, 2.0, 5.0, 3.0, 4.0]),
        ("eight", [1.25, 8.5, 2.0, 7.75, 3.5, 6.0, 4.25, 5.0]),
        ("all-equal", [0.25] * 10),
        ("mad-zero", [1.0] * 6 + [9.0]),
        ("mad-zero-even", [2.0, 2.0, 2.0, 2.0, 3.0, 100.0]),
        ("symmetric", [-3.0, -2.0, -1.0, 0.0, 1.0, 2.0, 3.0]),
        ("negative", [-0.5, -1.5, -2.5, -10.0, -0.25]),
        ("ties", [3.0, 1.0, 2.0, 2.0, 3.0, 3.0, 1.0, 2.0, 3.0, 3.0, 4.0]),
        ("descending", [float(v) for v in range(30, 0, -1)]),
        ("outliers", rounded(list(rng.normal(10, 0.1, 50)) + [20.0, 0.5, 30.0, 10.9])),
        ("tiny", rounded(rng.normal(3e-9, 1e-10, 40))),
        ("huge-offset", [1e9 + v for v in rounded(rng.normal(0, 1, 40), 4)]),
        ("lognormal-1000", rounded(rng.lognormal(-4, 0.5, 1000))),
        ("normal-2000", rounded(rng.normal(0.01234, 0.0005, 2000))),
        ("integers-500", [float(v) for v in rng.integers(100, 120, 500)]),
        ("bimodal-301", rounded(list(rng.normal(1, 0.01, 200)) + list(rng.normal(2, 0.01, 101)))),
    ]
    cases, expect = [], []
    for name, x in samples:
        a = np.array(x, dtype=float)
        n = len(a)
        med = np.median(a)
        mad = scipy.stats.median_abs_deviation(a)   # unscaled by default
        assert mad == np.median(np.abs(a - med))
        if mad == 0:
            out = 0
        else:
            out = int(np.sum(np.abs(0.6745 * (a - med) / mad) > 3.5))
        cases.append(name + " " + " ".join(num(v) for v in x))
        expect.append("%s n %d" % (name, n))
        expect.append("%s mean %s" % (name, num(np.mean(a))))
        # one sample has no spread, by lib/bench/stats.h's convention
        expect.append("%s sd %s" % (name, num(np.std(a, ddof=1) if n > 1 else 0)))
        for q in QS:
            expect.append("%s q%s %s" % (name, "%g" % q, num(np.quantile(a, q))))
        expect.append("%s mad %s" % (name, num(mad)))
        expect.append("%s outliers %d" % (name, out))
        if np.all(a > 0):
            expect.append("%s geomean %s" % (name, num(scipy.stats.gmean(a))))
    write("describe", cases, expect)


# ci: the confidence interval of the median

def coverage(n, l):
    b = scipy.stats.binom(n, 0.5)
    return b.cdf(n - l) - b.cdf(l - 1)


def coverage_exact(n, l):
    return Fraction(sum(math.comb(n, i) for i in range(l, n - l + 1)), 2 ** n)


def ci():
    ns = list(range(0, 41)) + [49, 50, 51, 99, 100, 101, 255, 256, 500, 1000,
                                1001, 1074, 1075, 2000, 10000, 100000, 1000001]
    levels = [0.95, 0.99, 0.9, 0.5, 0.999]
    cases, expect = [], []
    for n in ns:
        for level in levels:
            if n > 2000 and level not in (0.95, 0.99):
                continue
            name = "n%d-%g" % (n, level)
            cases.append("%s %d %s" % (name, n, num(level)))
            # the largest l in 1..n/2 whose coverage reaches the level
            l = n // 2
            while l >= 1 and coverage(n, l) < level:
                l -= 1
            if n <= 2000:
                le = n // 2
                while le >= 1 and coverage_exact(n, le) < Fraction(level):
                    le -= 1
                assert le == l, (n, level, l, le)
                if l >= 1:
                    assert abs(float(coverage_exact(n, l)) - coverage(n, l)) < 1e-13
            if l < 1:
                expect.append("%s rc -1" % name)
                continue
            expect.append("%s rc 0" % name)
            expect.append("%s lo %d" % (name, l - 1))
            expect.append("%s hi %d" % (name, n - l))
            expect.append("%s cover %s" % (name, num(coverage(n, l))))
    write("ci", cases, expect)


# mwu: the Mann-Whitney U test

def arrangements(m, n):
    """Counts of U = 0..mn for samples of m and n without ties: the
    coefficients of the Gaussian binomial [m+n, m], in integers."""
    c = [1] + [0] * (m * n)
    for i in range(1, m + 1):
        # times (1 - q^(n+i)), then divided by (1 - q^i)
        for k in range(m * n, n + i - 1, -1):
            c[k] -= c[k - n - i]
        for k in range(i, m * n + 1):
            c[k] += c[k - i]
    return c


def mwu_case(x, y):
    z = x + y
    ties = len(set(z)) < len(z)
    exact = not ties and len(z) <= EXACT_MAX
    r = scipy.stats.mannwhitneyu(x, y, alternative="two-sided", use_continuity=True,
                                 method="exact" if exact else "asymptotic")
    u, p = float(r.statistic), float(r.pvalue)
    pairs = sum((a > b) + 0.5 * (a == b) for a in x for b in y)
    assert u == pairs, (u, pairs)
    if exact:
        c = arrangements(len(x), len(y))
        k = int(min(u, len(x) * len(y) - u))
        pe = min(Fraction(2 * sum(c[:k + 1]), math.comb(len(z), len(x))), 1)
        assert sum(c) == math.comb(len(z), len(x))
        assert abs(p - float(pe)) <= 1e-12 * float(pe), (p, float(pe))
    return u, p, exact


def distinct(rng, k, loc=0.0):
    """k samples of N(loc, 1) with 6 decimals, none equal."""
    while True:
        v = [round(float(t), 6) for t in rng.normal(loc, 1, k)]
        if len(set(v)) == k:
            return v


def mwu():
    rng = np.random.default_rng(401)
    pairs = [
        # scipy's documented example: U = 17, p = 1/9
        ("scipy-doc", [19, 22, 16, 29, 24], [20, 11, 17, 12]),
        ("one-one", [1], [2]),
        ("one-one-equal", [3], [3]),
        ("u-at-mean", [1, 4], [2, 3]),
        ("separated-5-5", [1, 2, 3, 4, 5], [6, 7, 8, 9, 10]),
        ("separated-5-5-rev", [6, 7, 8, 9, 10], [1, 2, 3, 4, 5]),
        ("separated-50-50", list(range(50)), list(range(50, 100))),
        ("separated-1-99", [1000], list(range(99))),
        ("separated-60-60", list(range(60)), list(range(60, 120))),
        ("all-equal-1-1", [2.5], [2.5]),
        ("all-equal-3-4", [7.0] * 3, [7.0] * 4),
        ("all-equal-60-70", [1.0] * 60, [1.0] * 70),
        ("ties-small", [1, 2, 2, 3], [2, 3, 3, 4]),
        ("ties-within-x", [1, 1, 5, 6], [2, 3, 4]),
        ("ties-within-y", [1, 6, 7], [2, 2, 3, 4]),
        ("ties-two-values", [0, 0, 0, 1, 1], [0, 1, 1, 1, 1, 1]),
        ("ties-3-50", [10, 12, 12], [float(v) for v in rng.integers(5, 15, 50)]),
    ]
    # n = 1..8 each side, no ties: exact
    for nx in range(1, 9):
        for ny in range(1, 9):
            z = [float(v) for v in rng.permutation(nx + ny) + 1]
            pairs.append(("exact-%d-%d" % (nx, ny), z[:nx], z[nx:]))
    # around nx + ny = 100: exact up to 100, the normal approximation beyond
    for nx, ny in [(50, 48), (50, 49), (50, 50), (50, 51), (51, 51),
                   (1, 98), (1, 99), (1, 100), (99, 1), (100, 1),
                   (30, 69), (30, 70), (30, 71), (10, 90), (10, 91)]:
        for shift in (0.0, 0.5):
            z = distinct(rng, nx + ny)
            pairs.append(("n%d-%d-shift%g" % (nx, ny, shift),
                          [v + shift for v in z[:nx]], z[nx:]))
    # ties make even small samples use the normal approximation
    for nx, ny in [(3, 3), (4, 7), (8, 8), (20, 30), (45, 55)]:
        pairs.append(("ties-%d-%d" % (nx, ny),
                      [float(v) for v in rng.integers(0, 6, nx)],
                      [float(v) for v in rng.integers(1, 7, ny)]))
    # the same sample on both sides: every value tied with its twin
    same = distinct(rng, 12)
    pairs.append(("identical-12", same, list(same)))
    same = distinct(rng, 80)
    pairs.append(("identical-80", same, list(same)))
    # unequal sizes and large samples of timings
    pairs.append(("unequal-3-200", distinct(rng, 3, 1.0), distinct(rng, 200)))
    pairs.append(("unequal-7-93", distinct(rng, 7, 0.8), distinct(rng, 93)))
    pairs.append(("large-500-700",
                  rounded(rng.lognormal(-4, 0.3, 500), 3),
                  rounded(rng.lognormal(-3.97, 0.3, 700), 3)))
    pairs.append(("large-1000-1000",
                  rounded(rng.normal(0.5, 0.01, 1000), 4),
                  rounded(rng.normal(0.501, 0.01, 1000), 4)))

    cases, expect = [], []
    for name, x, y in pairs:
        x = [float(v) for v in x]
        y = [float(v) for v in y]
        u, p, exact = mwu_case(x, y)
        cases.append("%s %s / %s" % (name, " ".join(num(v) for v in x),
                                     " ".join(num(v) for v in y)))
        expect.append("%s rc 0" % name)
        expect.append("%s u %s" % (name, num(u)))
        expect.append("%s p %s" % (name, num(p)))
        expect.append("%s exact %d" % (name, exact))
    # an empty sample is refused
    for name, c in [("empty-x", "/ 1 2"), ("empty-y", "1 2 /"), ("empty-both", "/")]:
        cases.append("%s %s" % (name, c))
        expect.append("%s rc -1" % name)
    write("mwu", cases, expect)


# sf: the upper tail of the standard normal distribution

def sf():
    zs = [-40, -8.5, -5, -1.96, -1, -0.7071067811865476, -0.5, -1e-8, 0, 1e-8,
          0.3, 0.5, 0.7071067811865476, 1, 1.5, 1.959963984540054, 2.5758, 3,
          4, 5, 6, 8, 10, 15, 20, 26, 30, 35, 37.5]
    cases, expect = [], []
    for i, z in enumerate(zs):
        name = "z%d" % i
        cases.append("%s %s" % (name, num(z)))
        expect.append("%s sf %s" % (name, num(scipy.stats.norm.sf(z))))
    write("sf", cases, expect)


if __name__ == "__main__":
    describe()
    ci()
    mwu()
    sf()
