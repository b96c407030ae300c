#!/bin/sh
test_description='prof-flame: off-CPU, wall and I/O profiles: titles, counts in their unit, the states coloured'
. "$(dirname "$0")/lib.sh"

D=$T_DATA/offcpu

# tips SVG: each frame's tooltip on one line, its lines joined by " | ".
tips () {
	awk '
	BEGIN { RS = "</g>" }
	index($0, "<script") { exit }
	index($0, "<g p=\"") {
		t = substr($0, index($0, "<title>") + 7)
		t = substr(t, 1, index(t, "</title>") - 1)
		gsub(/\n/, " | ", t)
		print t
	}' "$1"
}

# fills SVG: each frame's name and colour, "NAME #rrggbb" a line.
fills () {
	awk '
	BEGIN { RS = "</g>" }
	index($0, "<script") { exit }
	index($0, "<g p=\"") {
		t = substr($0, index($0, "<title>") + 7)
		t = substr(t, 1, index(t, "\n") - 1)
		f = substr($0, index($0, "fill=\"") + 6, 7)
		print t, f
	}' "$1"
}

# hue_of SVG: each frame's name and the family of its colour: blue
# (palette_state's [sleep]: r = g in 80-140, b 205-255), aqua ([disk]:
# r 50-110, g = b 165-220), purple ([runnable]: r = b 190-255, g 80-140),
# hot (r 205-255, g 0-230, b 0-55), else other.
hue_of () {
	fills "$1" | awk '
	function hex(s,  i, v) {
		v = 0
		for (i = 1; i <= length(s); i++)
			v = v * 16 + index("0123456789abcdef", substr(s, i, 1)) - 1
		return v
	}
	function in_(v, lo, hi) { return v >= lo && v <= hi }
	{
		r = hex(substr($2, 2, 2)); g = hex(substr($2, 4, 2)); b = hex(substr($2, 6, 2))
		h = "other"
		if (r == g && in_(r, 80, 140) && in_(b, 205, 255)) h = "blue"
		else if (in_(r, 50, 110) && g == b && in_(g, 165, 220)) h = "aqua"
		else if (r == b && in_(r, 190, 255) && in_(g, 80, 140)) h = "purple"
		else if (in_(r, 205, 255) && in_(g, 0, 230) && in_(b, 0, 55)) h = "hot"
		print $1, h
	}' | sort -u
}

test_expect_success 'titles say what the graph measures, the command below' '
	prof-flame "$D/offcpu.folded" >off.svg &&
	grep "id=\"title\"[^>]*>Off-CPU Time Flame Graph</text>" off.svg &&
	grep "id=\"subtitle\"[^>]*>./app</text>" off.svg &&
	prof-flame "$D/wall.folded" >wall.svg &&
	grep "id=\"title\"[^>]*>Wall-Clock Flame Graph</text>" wall.svg &&
	prof-flame "$D/io-bytes.folded" >io.svg &&
	grep "id=\"title\"[^>]*>I/O Flame Graph (bytes)</text>" io.svg &&
	prof-flame "$D/io-calls.folded" >io.svg &&
	grep "id=\"title\"[^>]*>I/O Flame Graph (calls)</text>" io.svg &&
	prof-flame "$D/io-ns.folded" >io.svg &&
	grep "id=\"title\"[^>]*>I/O Flame Graph (time)</text>" io.svg &&
	prof-flame --inverted "$D/offcpu.folded" >icicle.svg &&
	grep ">Off-CPU Time Icicle Graph</text>" icicle.svg &&
	prof-flame --flamechart "$D/wall.folded" >chart.svg &&
	grep ">Wall-Clock Flame Chart</text>" chart.svg
'

test_expect_success 'a cpu profile keeps its title; --title and --subtitle win' '
	prof-flame "$D/cpu.folded" >cpu.svg &&
	grep "id=\"title\"[^>]*>CPU: ./app</text>" cpu.svg &&
	! grep "id=\"subtitle\"" cpu.svg &&
	prof-flame --title Mine --subtitle Sub "$D/offcpu.folded" >mine.svg &&
	grep "id=\"title\"[^>]*>Mine</text>" mine.svg &&
	grep "id=\"subtitle\"[^>]*>Sub</text>" mine.svg
'

test_expect_success 'offcpu tooltips are times with their share' '
	tips off.svg >tips &&
	grep -x "all | 2.9s (100.00%), self 0" tips &&
	grep -x "poll_loop | 1.2s (41.38%), self 0" tips &&
	grep -x "\[disk\] | 800ms (27.59%), self 800ms (27.59%)" tips &&
	! grep "nanoseconds\|[0-9] ns" tips
'

test_expect_success 'wall tooltips are times: a sample stands for its period (100 Hz: 10ms)' '
	tips wall.svg >tips &&
	grep -x "save_entry | 4.1s (41.00%), self 0" tips &&
	grep -x "compute_hash | 2.3s (23.00%), self 1.5s (15.00%)" tips
'

test_expect_success 'io tooltips: bytes with binary prefixes, calls as counts' '
	prof-flame "$D/io-bytes.folded" >bytes.svg &&
	tips bytes.svg >tips &&
	grep -x "save_entry | 1MiB (59.19%), self 0" tips &&
	grep -x "log_line | 192KiB (11.10%), self 0" tips &&
	prof-flame "$D/io-calls.folded" >calls.svg &&
	tips calls.svg >tips &&
	grep -x "log_line | 6,144 calls (70.07%), self 0" tips
'

test_expect_success 'a hidden remainder is in the unit too' '
	prof-flame --minwidth 5% "$D/offcpu.folded" >cut.svg &&
	tips cut.svg >tips &&
	grep -x "run | 1s (34.48%), self 0 | 200ms in 2 frames too narrow to draw" tips
'

test_expect_success '--countname and --factor: the numbers, named; times scaled' '
	prof-flame --countname ns "$D/offcpu.folded" >named.svg &&
	tips named.svg >tips &&
	grep -x "poll_loop | 1,200,000,000 ns (41.38%), self 0" tips &&
	prof-flame --factor 2 "$D/offcpu.folded" >twice.svg &&
	tips twice.svg >tips &&
	grep -x "poll_loop | 2.4s (41.38%), self 0" tips
'

test_expect_success 'the states have colours of their own; code stays hot' '
	hue_of off.svg >hues &&
	cat >expect <<-\EOF &&
	[disk] aqua
	[runnable] purple
	[sleep] blue
	EOF
	grep "^\[" hues >actual &&
	test_cmp expect actual &&
	grep -v "^\[" hues | grep -v "^all " | awk "{ print \$2 }" | sort -u >code &&
	echo hot >expect &&
	test_cmp expect code &&
	hue_of wall.svg >hues &&
	grep -x "\[sleep\] blue" hues &&
	grep -x "compute_hash hot" hues
'

test_expect_success 'the state colours hold in any palette, with --hash and a palette map' '
	prof-flame --colors java --hash --cp pal.map "$D/wall.folded" >java.svg &&
	hue_of java.svg >hues &&
	grep -x "\[sleep\] blue" hues &&
	grep -x "\[disk\] aqua" hues &&
	grep -x "\[runnable\] purple" hues &&
	! grep "^\[sleep\]" pal.map
'

test_expect_success 'outside offcpu and wall, [sleep] is a module: the palette colours it' '
	printf "# type: cpu\nsleep;[sleep] 5\nsleep;main 5\n" >cpu.folded &&
	prof-flame cpu.folded >cpu.svg &&
	hue_of cpu.svg >hues &&
	grep -x "\[sleep\] hot" hues
'

test_expect_success 'html: the table shows the unit, the exact count sorts' '
	prof-flame --format html "$D/offcpu.folded" >off.html &&
	grep "<td class=\"n\" data-v=\"1200000000\">1.2s (41.38%)</td>" off.html &&
	grep "<title>Off-CPU Time Flame Graph</title>" off.html &&
	prof-flame --format html "$D/io-bytes.folded" >io.html &&
	grep "<td class=\"n\" data-v=\"1048576\">1MiB (59.19%)</td>" io.html
'

test_expect_success 'text: the count column in the unit' '
	prof-flame --format text "$D/wall.folded" >out &&
	head -n 3 out >actual &&
	cat >expect <<-\EOF &&
	     %   time  frame
	100.0%    10s  all
	100.0%    10s  └─ app
	EOF
	test_cmp expect actual &&
	grep "^ 41.0%   4.1s .* save_entry$" out &&
	prof-flame --format text "$D/io-bytes.folded" >out &&
	head -n 1 out >actual &&
	echo "     %    bytes  frame" >expect &&
	test_cmp expect actual &&
	grep "^ 59.2%     1MiB .*save_entry$" out
'

done_testing
