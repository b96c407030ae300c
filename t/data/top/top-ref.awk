# top-ref.awk: the figures of prof-top(1), computed from folded stacks
# independently of prof's C code, for the tests t/41xx-t/45xx to compare
# prof-top's CSV with.  It follows prof-folded(5) and the issue's
# definitions, and shares no code with lib/top.c.
#
#   awk -f top-ref.awk [-v var=value ...] FILE...
#
# Variables:
#   what    rows (default), facts, callers or callees
#   sort    name (default), flat, cum or delta
#   gran    function (default), file, line or module
#   focus, ignore, hide   extended regular expressions ("" : none)
#   peek    the row whose callers or callees are asked
#
# Output, tab-separated, one line per row, the columns of prof-top's CSV
# in their order (name, flat, flat_pct, sum_pct, cum, cum_pct; for a
# differential profile the 13 columns of topfmt.h; for callers and
# callees: name, count, pct, or name, before, after, delta), counts in
# their shortest exact form and percentages with 4 decimals; with
# what=facts, "key<TAB>value" lines: total (total_before, total_after),
# dropped, hidden (each with _before and _after for a differential
# profile), rows, unlocated.
#
# Definitions:
#   A frame is name [TAB location [TAB module]] [suffix]; its row key is
#   its name (an inlined frame, _[i], is its function; other suffixes
#   stay), its file (location without ":LINE"), "name location", or its
#   module; a frame without that information is keyed by its name and
#   makes its row unlocated.
#   --focus keeps the stacks with a frame that matches, --ignore drops the
#   stacks with a frame that matches (their counts are "dropped"), --hide
#   removes the matching frames from the stacks kept (a stack left with
#   no frame counts as "hidden").  A regular expression matches a frame
#   when it matches its name with its suffix, its location or its module.
#   A row is a key that occurs in a stack kept, after hiding.
#   flat: the count of the stacks whose leaf is the row; cum: the count of
#   the stacks that hold the row, once per stack; pct: 100 * count /
#   total, the total of the whole profile; sum_pct: the running total of
#   flat_pct in the output's order.
#   Callers of P: for each occurrence of P in a stack kept, the frame
#   before it, "(root)" when P is the root; callees: the frame after it,
#   "(self)" when P is the leaf; each counted once per stack; pct is of
#   P's cum.
#
# Counts are held exactly as an integer part and nanoseconds (prof-folded
# counts have at most 9 decimals); mawk's %d stops at 2^31, so integers
# are written with %.0f.  A percentage is 100 * x / t of doubles made as
# count.h's count_double() makes them, integer part plus nanoseconds / 1e9,
# so that the 4th decimal rounds the same way.

function parse(s, k,   dot, f) {
	dot = index(s, ".")
	if (dot == 0) { I[k] = s + 0; N[k] = 0; return }
	I[k] = substr(s, 1, dot - 1) + 0
	f = substr(s, dot + 1)
	N[k] = substr(f "000000000", 1, 9) + 0
}

# A[a] += B[b], exactly
function add(a, b) {
	I[a] += I[b]; N[a] += N[b]
	if (N[a] >= 1e9) { N[a] -= 1e9; I[a] += 1 }
}

function iszero(a) { return I[a] == 0 && N[a] == 0 }

function cmpc(a, b) {
	if (I[a] != I[b]) return I[a] < I[b] ? -1 : 1
	if (N[a] != N[b]) return N[a] < N[b] ? -1 : 1
	return 0
}

function show(i, n,   s, d) {
	s = sprintf("%.0f", i)
	if (n > 0) {
		d = sprintf("%09d", n)
		sub(/0+$/, "", d)
		s = s "." d
	}
	return s
}

function fmt(a) { return show(I[a], N[a]) }

# after - before, signed
function fmtdelta(after, before,   i, n) {
	if (cmpc(after, before) >= 0) { i = I[after] - I[before]; n = N[after] - N[before]; sign = "" }
	else { i = I[before] - I[after]; n = N[before] - N[after]; sign = "-" }
	if (n < 0) { n += 1e9; i -= 1 }
	return sign show(i, n)
}

function dbl(a) { return I[a] + N[a] / 1e9 }

function share(a, t) { return dbl(t) > 0 ? 100.0 * dbl(a) / dbl(t) : 0 }

function pct(a, t) { return dbl(t) > 0 ? 100.0 * dbl(a) / dbl(t) : 0 }

# frame f taken apart: FNAME (without suffix), FSUF, FLOC, FFILE, FMOD
function split_frame(f,   t, n, i) {
	FSUF = ""
	if (f ~ /_\[[kjiw]\]$/) { FSUF = substr(f, length(f) - 3); f = substr(f, 1, length(f) - 4) }
	n = split(f, t, "\t")
	FNAME = t[1]; FLOC = ""; FMOD = ""
	if (n >= 2) FLOC = t[2]
	if (n >= 3) { FMOD = t[3]; for (i = 4; i <= n; i++) FMOD = FMOD "\t" t[i] }
	FFILE = FLOC
	sub(/:[0-9]+$/, "", FFILE)
}

function key_of(f,   fn) {
	split_frame(f)
	fn = FNAME (FSUF == "_[i]" ? "" : FSUF)
	LOCATED = 1
	if (gran == "file") { if (FFILE != "") return FFILE }
	else if (gran == "line") { if (FLOC != "") return fn " " FLOC }
	else if (gran == "module") { if (FMOD != "") return FMOD }
	else return fn
	LOCATED = 0
	return fn
}

function matches(f, re) {
	split_frame(f)
	return ((FNAME FSUF) != "" && (FNAME FSUF) ~ re) || (FLOC != "" && FLOC ~ re) ||
	    (FMOD != "" && FMOD ~ re)
}

# Rows in order: ORDER[1..NR_ROWS]
function before_row(x, y,   c, i) {
	if (sort == "name") return x < y
	i = diff ? 1 : 0
	if (sort == "delta") {
		c = cmpabs(x, y)
		if (c != 0) return c > 0
	}
	if (sort == "cum") {
		c = cmpc(x SUBSEP "cum" i, y SUBSEP "cum" i); if (c) return c > 0
		c = cmpc(x SUBSEP "flat" i, y SUBSEP "flat" i); if (c) return c > 0
	} else {
		c = cmpc(x SUBSEP "flat" i, y SUBSEP "flat" i); if (c) return c > 0
		c = cmpc(x SUBSEP "cum" i, y SUBSEP "cum" i); if (c) return c > 0
	}
	return x < y
}

# |flat after - flat before| of x against y's
function cmpabs(x, y,   a, b) {
	absdiff(x SUBSEP "flat1", x SUBSEP "flat0", "dx")
	absdiff(y SUBSEP "flat1", y SUBSEP "flat0", "dy")
	return cmpc("dx", "dy")
}

function absdiff(a, b, out) {
	if (cmpc(a, b) < 0) { absdiff(b, a, out); return }
	I[out] = I[a] - I[b]; N[out] = N[a] - N[b]
	if (N[out] < 0) { N[out] += 1e9; I[out] -= 1 }
}

function sort_rows(   i, j, k) {
	for (i = 2; i <= NR_ROWS; i++) {
		k = ORDER[i]
		for (j = i - 1; j >= 1 && before_row(k, ORDER[j]); j--)
			ORDER[j + 1] = ORDER[j]
		ORDER[j + 1] = k
	}
}

# peek rows PK[1..NPK] (names), counts in "pk" SUBSEP name SUBSEP 0/1
function before_peek(x, y,   c, i) {
	i = diff ? 1 : 0
	c = cmpc(x SUBSEP i, y SUBSEP i); if (c) return c > 0
	c = cmpc(x SUBSEP (1 - i), y SUBSEP (1 - i)); if (c) return c > 0
	return x < y
}

function sort_peek(   i, j, k) {
	for (i = 2; i <= NPK; i++) {
		k = PK[i]
		for (j = i - 1; j >= 1 && before_peek("pk" SUBSEP k, "pk" SUBSEP PK[j]); j--)
			PK[j + 1] = PK[j]
		PK[j + 1] = k
	}
}

function peek_add(name, s,   k) {
	if ((name, "pkstamp") in SEEN && SEEN[name, "pkstamp"] == s) return
	SEEN[name, "pkstamp"] = s
	if (!(name in INPK)) {
		INPK[name] = 1; PK[++NPK] = name
		I["pk" SUBSEP name SUBSEP 0] = 0; N["pk" SUBSEP name SUBSEP 0] = 0
		I["pk" SUBSEP name SUBSEP 1] = 0; N["pk" SUBSEP name SUBSEP 1] = 0
	}
	add("pk" SUBSEP name SUBSEP 0, "c0")
	add("pk" SUBSEP name SUBSEP 1, "c1")
}

BEGIN {
	if (what == "") what = "rows"
	if (sort == "") sort = "name"
	if (gran == "") gran = "function"
	diff = -1
	OFS = "\t"
	I["total0"] = N["total0"] = I["total1"] = N["total1"] = 0
	I["dropped0"] = N["dropped0"] = I["dropped1"] = N["dropped1"] = 0
	I["hidden0"] = N["hidden0"] = I["hidden1"] = N["hidden1"] = 0
}

{ sub(/\r$/, "") }
/^[ \t\r\f\v]*$/ { next }
/^#/ && !/[ \t][0-9]+(\.[0-9]*)?$/ { next }
{
	line = $0
	if (diff < 0) diff = line ~ /[ \t][0-9]+(\.[0-9]*)?[ \t][0-9]+(\.[0-9]*)?$/
	match(line, /[ \t][0-9]+(\.[0-9]*)?$/)
	parse(substr(line, RSTART + 1), "c1")
	stack = substr(line, 1, RSTART - 1)
	if (diff) {
		match(stack, /[ \t][0-9]+(\.[0-9]*)?$/)
		parse(substr(stack, RSTART + 1), "c0")
		stack = substr(stack, 1, RSTART - 1)
	} else {
		I["c0"] = I["c1"]; N["c0"] = N["c1"]; I["c1"] = 0; N["c1"] = 0
	}
	add("total0", "c0"); add("total1", "c1")
	nf = split(stack, fr, ";")
	if (nf == 0) { nf = 1; fr[1] = "" }
	keep = focus == ""
	for (i = 1; i <= nf; i++) {
		if (focus != "" && matches(fr[i], focus)) keep = 1
		if (ignore != "" && matches(fr[i], ignore)) { keep = 0; break }
	}
	if (!keep) { add("dropped0", "c0"); add("dropped1", "c1"); next }
	nk = 0
	for (i = 1; i <= nf; i++) {
		if (hide != "" && matches(fr[i], hide)) continue
		k = key_of(fr[i])
		v[++nk] = k
		if (!(k in ROW)) {
			ROW[k] = 1; ORDER[++NR_ROWS] = k
			I[k SUBSEP "flat0"] = N[k SUBSEP "flat0"] = I[k SUBSEP "flat1"] = N[k SUBSEP "flat1"] = 0
			I[k SUBSEP "cum0"] = N[k SUBSEP "cum0"] = I[k SUBSEP "cum1"] = N[k SUBSEP "cum1"] = 0
		}
		if (!LOCATED && !(k in UNLOC)) { UNLOC[k] = 1; NUNLOC++ }
	}
	if (nk == 0) { add("hidden0", "c0"); add("hidden1", "c1"); next }
	add(v[nk] SUBSEP "flat0", "c0"); add(v[nk] SUBSEP "flat1", "c1")
	for (i = 1; i <= nk; i++) {
		if (STAMP[v[i]] == NR) continue
		STAMP[v[i]] = NR
		add(v[i] SUBSEP "cum0", "c0"); add(v[i] SUBSEP "cum1", "c1")
	}
	if (what == "callers" || what == "callees") {
		for (i = 1; i <= nk; i++) {
			if (v[i] != peek) continue
			if (what == "callers") peek_add(i == 1 ? "(root)" : v[i - 1], NR)
			else peek_add(i == nk ? "(self)" : v[i + 1], NR)
		}
	}
}

END {
	if (diff < 0) diff = 0
	if (what == "facts") {
		if (diff) {
			print "total_before", fmt("total0"); print "total_after", fmt("total1")
			print "dropped_before", fmt("dropped0"); print "dropped_after", fmt("dropped1")
			print "hidden_before", fmt("hidden0"); print "hidden_after", fmt("hidden1")
		} else {
			print "total", fmt("total0"); print "dropped", fmt("dropped0"); print "hidden", fmt("hidden0")
		}
		print "rows", NR_ROWS + 0
		print "unlocated", NUNLOC + 0
		exit
	}
	if (what == "callers" || what == "callees") {
		sort_peek()
		for (i = 1; i <= NPK; i++) {
			p = "pk" SUBSEP PK[i] SUBSEP
			if (diff)
				print PK[i], fmt(p 0), fmt(p 1), fmtdelta(p 1, p 0)
			else
				printf "%s\t%s\t%.4f\n", PK[i], fmt(p 0), share(p 0, peek SUBSEP "cum0")
		}
		exit
	}
	sort_rows()
	sum = 0
	for (r = 1; r <= NR_ROWS; r++) {
		k = ORDER[r]
		if (diff) {
			f0 = pct(k SUBSEP "flat0", "total0"); f1 = pct(k SUBSEP "flat1", "total1")
			u0 = pct(k SUBSEP "cum0", "total0"); u1 = pct(k SUBSEP "cum1", "total1")
			printf "%s\t%s\t%s\t%s\t%.4f\t%.4f\t%.4f\t%s\t%s\t%s\t%.4f\t%.4f\t%.4f\n", k,
			    fmt(k SUBSEP "flat0"), fmt(k SUBSEP "flat1"),
			    fmtdelta(k SUBSEP "flat1", k SUBSEP "flat0"), f0, f1, f1 - f0,
			    fmt(k SUBSEP "cum0"), fmt(k SUBSEP "cum1"),
			    fmtdelta(k SUBSEP "cum1", k SUBSEP "cum0"), u0, u1, u1 - u0
		} else {
			f = pct(k SUBSEP "flat0", "total0")
			sum += f
			printf "%s\t%s\t%.4f\t%.4f\t%s\t%.4f\n", k, fmt(k SUBSEP "flat0"), f, sum,
			    fmt(k SUBSEP "cum0"), pct(k SUBSEP "cum0", "total0")
		}
	}
}
