#!/usr/bin/env python3
# Writes the fixtures of t/6300-diff-results.t: benchmark results with
# known runs, in hyperfine's JSON schema (only the keys prof-diff reads
# matter: command and times) and in go test -bench text.
# Run from this directory: python3 gen.py
import json


def r(lo, step, n, skip=None):
    """n values from lo by step, rounded to 6 decimals, skipping index skip."""
    v = [round(lo + i * step, 6) for i in range(n + (skip is not None))]
    if skip is not None:
        del v[skip]
    return v


def hyperfine(path, benches):
    results = []
    for cmd, times in benches:
        s = sorted(times)
        n = len(s)
        med = (s[(n - 1) // 2] + s[n // 2]) / 2
        results.append({"command": cmd, "mean": sum(s) / n, "stddev": 0.0, "median": med,
                        "user": 0.001, "system": 0.0, "min": s[0], "max": s[-1],
                        "times": times, "exit_codes": [0] * n})
    with open(path, "w") as f:
        json.dump({"results": results}, f, indent=2)
        f.write("\n")


# old.json / new.json: the main pair.
#  slower:   0.95..1.05 without 1.00 (median 1.00) -> 1.15..1.25 without 1.20:
#            +20%, separated: exact p = 2 / C(20, 10)
#  same:     2.00, 2.02, .., 2.18 -> 2.01, 2.03, .., 2.19: interleaved, ~
#  faster:   1.95..2.05 without 2.00 -> 1.45..1.55 without 1.50: -25%
#  unequal:  8 runs 0.0101..0.0108 -> 12 runs 0.0111..0.0122: 8 against
#            12, +11.5%, exact p = 2 / C(20, 8)
#  ties:     2 2 2 2 3 3 3 3 -> 1 1 1 1 2 2 2 2: -40%, normal approximation
#            with the tie correction, p = 0.00733
#  gone:     only in old; added: only in new
hyperfine("old.json", [
    ("slower", r(0.95, 0.01, 10, skip=5)),
    ("same", r(2.00, 0.02, 10)),
    ("faster", r(1.95, 0.01, 10, skip=5)),
    ("unequal", r(0.0101, 0.0001, 8)),
    ("ties", [2, 2, 2, 2, 3, 3, 3, 3]),
    ("gone", r(3.0, 0.01, 10)),
])
hyperfine("new.json", [
    ("slower", r(1.15, 0.01, 10, skip=5)),
    ("same", r(2.01, 0.02, 10)),
    ("faster", r(1.45, 0.01, 10, skip=5)),
    ("added", r(4.0, 0.01, 10)),
    ("unequal", r(0.0111, 0.0001, 12)),
    ("ties", [1, 1, 1, 1, 2, 2, 2, 2]),
])

# few-old.json / few-new.json: 3 and 5 runs (no test; no interval);
# 6 runs both sides of "six": an interval, no warning.
hyperfine("few-old.json", [
    ("three", [1.0, 1.1, 1.2]),
    ("five", [1.0, 1.1, 1.2, 1.3, 1.4]),
    ("six", [1.0, 1.1, 1.2, 1.3, 1.4, 1.5]),
])
hyperfine("few-new.json", [
    ("three", [2.0, 2.1, 2.2]),
    ("five", [2.0, 2.1, 2.2, 2.3, 2.4]),
    ("six", [2.0, 2.1, 2.2, 2.3, 2.4, 2.5]),
])

# alpha-old.json / alpha-new.json: 1..10 ms against the same shifted by
# 4.5 ms: U = 15 (pairs old > new), exact p = 2 P(U <= 15) = 0.00684; and
# shifted by 2.5 ms: U = 28, p = 0.105.
ms = [i / 1000 for i in range(1, 11)]
hyperfine("alpha-old.json", [("shift4", ms), ("shift25", ms)])
hyperfine("alpha-new.json", [("shift4", [round(x + 0.004 + 0.0005, 6) for x in ms]),
                             ("shift25", [round(x + 0.0025, 6) for x in ms])])


def go(path, benches):
    with open(path, "w") as f:
        f.write("goos: linux\ngoarch: amd64\npkg: example.com/parse\ncpu: Test CPU\n")
        for name, values in benches:
            for v in values:
                f.write("Benchmark%s-8   \t 1000000\t %10.1f ns/op\t      16 B/op\t       1 allocs/op\n"
                        % (name, v))
        f.write("PASS\nok  \texample.com/parse\t12.345s\n")


# go-old.txt / go-new.txt: Parse 100..105 ns -> 150..155 ns (+50%,
# 6 against 6: exact p = 2 / C(12, 6)); Hash interleaved (~).
go("go-old.txt", [("Parse", [100.0 + i for i in range(6)]),
                  ("Hash", [50.0 + 2 * i for i in range(6)])])
go("go-new.txt", [("Parse", [150.0 + i for i in range(6)]),
                  ("Hash", [51.0 + 2 * i for i in range(6)])])
