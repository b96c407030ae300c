#!/usr/bin/python3
# q.py FILE EXPR: prints the Python expression EXPR evaluated on the JSON
# file FILE, with j the document and r its "results" list; exits 1 when
# EXPR is a test (a bool) that is False, printing the document's figures.
import json, math, statistics, sys
j = json.load(open(sys.argv[1]))
r = j.get("results", [])
v = eval(sys.argv[2], {"j": j, "r": r, "math": math, "statistics": statistics, "len": len,
                       "all": all, "any": any, "min": min, "max": max, "sum": sum,
                       "abs": abs, "sorted": sorted, "set": set, "str": str,
                       "int": int, "float": float, "isinstance": isinstance,
                       "list": list, "dict": dict})
if isinstance(v, bool):
    if not v:
        print("q.py: false: %s" % sys.argv[2], file=sys.stderr)
        for x in r:
            print(x.get("command"), {k: x[k] for k in x if not isinstance(x[k], list)},
                  file=sys.stderr)
        sys.exit(1)
else:
    print(v)
