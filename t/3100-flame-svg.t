#!/bin/sh
test_description='prof-flame: the SVG (lib/flame/svg, lib/flame/palette, lib/core/xmlsafe)'
. "$(dirname "$0")/lib.sh"

# The graph is drawn by prof-flame when it is built, else by the driver
# t/helpers/svg-test.c, which reads folded stacks in order and takes the
# same options.  The driver is linked against lib/libprof.a (with the
# sanitizers when the build has them).  Frame geometry below follows from
# the defaults: width 1200 with margins of 10 (1180 pixels for the root),
# frames 16 high, font 12 x 0.59 (7.08 pixels a character), 36 pixels
# above the frames and 34 below.

command -v xmllint >/dev/null 2>&1 || skip_or_fail "no xmllint (libxml2-utils)"
test -f "$ROOT/lib/libprof.a" || skip_or_fail "lib/libprof.a is not built; run make"

if test -x "$ROOT/bin/prof-flame"; then
	FLAME=prof-flame
else
	FLAME=svg-test
fi

test_expect_success 'build the driver' '
	$DRIVER_CC $DRIVER_FLAGS -o svg-test "$ROOT/t/helpers/svg-test.c" "$ROOT/lib/libprof.a" -lm
'
PATH=$TRASH:$PATH

# frames SVG: a line per frame in the file's order, fields separated by
# tabs: NAME V X Y WIDTH FILL LABEL (NAME and LABEL unescaped).
frames () {
	awk '
	function attr(s, a) {
		if (match(s, " " a "=\"[^\"]*\""))
			return substr(s, RSTART + length(a) + 3, RLENGTH - length(a) - 4)
		return ""
	}
	function unesc(s) {
		gsub(/&lt;/, "<", s); gsub(/&gt;/, ">", s)
		gsub(/&quot;/, "\"", s); gsub(/&amp;/, "\\&", s)
		return s
	}
	BEGIN { RS = "</g>"; OFS = "\t" }
	index($0, "<script") { exit }
	index($0, "<g p=\"") {
		r = substr($0, index($0, "<g p=\""))
		g = substr(r, 1, index(r, ">"))
		t = substr(r, index(r, "<title>") + 7)
		t = substr(t, 1, index(t, "</title>") - 1)
		name = t
		sub(/\n.*/, "", name)
		rect = substr(r, index(r, "<rect "))
		rect = substr(rect, 1, index(rect, ">"))
		label = ""
		if ((k = index(r, "<text ")) > 0) {
			label = substr(r, k)
			label = substr(label, index(label, ">") + 1)
			label = substr(label, 1, index(label, "</text>") - 1)
		}
		print unesc(name), attr(g, "v"), attr(rect, "x"), attr(rect, "y"),
		    attr(rect, "width"), attr(rect, "fill"), unesc(label)
	}' "$1"
}

# tips SVG: each frame's tooltip on one line, its lines joined by " | ".
tips () {
	awk '
	BEGIN { RS = "</g>" }
	index($0, "<script") { exit }
	index($0, "<g p=\"") {
		t = substr($0, index($0, "<title>") + 7)
		t = substr(t, 1, index(t, "</title>") - 1)
		gsub(/\n/, " | ", t)
		gsub(/&lt;/, "<", t); gsub(/&gt;/, ">", t); gsub(/&amp;/, "\\&", t)
		print t
	}' "$1"
}

# fill_of SVG NAME: the colours of the frames called NAME, one a line.
fill_of () {
	frames "$1" | awk -F '\t' -v n="$2" '$1 == n { print $6 }'
}

# check_hues EXPECT SVG: every frame named in EXPECT (lines NAME<TAB>HUE)
# has a colour in the range of that plain palette (or grey).
check_hues () {
	frames "$2" | awk -F '\t' '
	function hex(s,  i, v) {
		v = 0
		for (i = 1; i <= length(s); i++)
			v = v * 16 + index("0123456789abcdef", substr(s, i, 1)) - 1
		return v
	}
	function within(v, lo, hi) { return v >= lo && v <= hi }
	function ok(h, r, g, b) {
		if (h == "hot") return within(r, 205, 255) && within(g, 0, 230) && within(b, 0, 55)
		if (h == "mem") return r == 0 && within(g, 190, 240) && within(b, 0, 210)
		if (h == "io") return r == g && within(r, 80, 140) && within(b, 190, 245)
		if (h == "red") return within(r, 200, 255) && g == b && within(g, 50, 130)
		if (h == "green") return within(g, 200, 255) && r == b && within(r, 50, 110)
		if (h == "blue") return within(b, 205, 255) && r == g && within(r, 80, 140)
		if (h == "aqua") return within(r, 50, 110) && g == b && within(g, 165, 220)
		if (h == "yellow") return r == g && within(r, 175, 230) && within(b, 50, 70)
		if (h == "purple") return r == b && within(r, 190, 255) && within(g, 80, 140)
		if (h == "orange") return within(r, 190, 255) && within(g, 90, 155) && b == 0
		if (h == "grey") return r == g && g == b
		return 0
	}
	FILENAME != "-" { want[$1] = $2; next }
	($1 in want) {
		seen[$1] = 1
		c = $6
		if (!ok(want[$1], hex(substr(c, 2, 2)), hex(substr(c, 4, 2)), hex(substr(c, 6, 2)))) {
			print "wrong colour: " $1 " is " c ", not " want[$1]
			bad = 1
		}
	}
	END {
		for (n in want)
			if (!(n in seen)) {
				print "no frame " n
				bad = 1
			}
		exit bad
	}' "$1" -
}

printf "main;foo;bar 10\nmain;foo;baz 5\nmain;qux 3.5\nother 1\n" >tree.folded

test_expect_success 'a known tree: one group per frame, widths, rows, labels' '
	$FLAME tree.folded >out.svg &&
	xmllint --noout out.svg &&
	frames out.svg | sort >actual &&
	printf "%s\t%s\t%s\t%s\t%s\t%s\n" \
		all 19.5 10 84 1180 all \
		bar 10 10 36 605.13 bar \
		baz 5 615.13 36 302.56 baz \
		foo 15 10 52 907.69 foo \
		main 18.5 10 68 1119.49 main \
		other 1 1129.49 68 60.51 other \
		qux 3.5 917.69 52 211.8 qux >expect &&
	cut -f 1-5,7 actual >actual.geo &&
	test_cmp expect actual.geo &&
	test $(grep -c "^<g p=" out.svg) = 7 &&
	xmllint --xpath "count(//*[@id=\"frames\"]/*[local-name()=\"g\"]/*[local-name()=\"title\"])" out.svg >n &&
	xmllint --xpath "count(//*[@id=\"frames\"]/*[local-name()=\"g\"]/*[local-name()=\"rect\"])" out.svg >>n &&
	xmllint --xpath "count(//*[@id=\"frames\"]/*[local-name()=\"g\"]/*[local-name()=\"text\"])" out.svg >>n &&
	printf "7\n7\n7\n" >expect &&
	test_cmp expect n &&
	grep "<svg version=\"1.1\" width=\"1200\" height=\"134\"" out.svg
'

test_expect_success 'tooltips: name, exact total and self counts, percentages' '
	tips out.svg | sort >actual &&
	cat >expect <<-\EOF &&
	all | 19.5 samples (100.00%), self 0
	bar | 10 samples (51.28%), self 10 (51.28%)
	baz | 5 samples (25.64%), self 5 (25.64%)
	foo | 15 samples (76.92%), self 0
	main | 18.5 samples (94.87%), self 0
	other | 1 samples (5.13%), self 1 (5.13%)
	qux | 3.5 samples (17.95%), self 3.5 (17.95%)
	EOF
	test_cmp expect actual
'

test_expect_success 'decimals are summed exactly; thousands are separated' '
	printf "a;b 0.1\na;b 0.2\na;c 1234567.000000001\n" >in &&
	$FLAME --minwidth 0 --countname bytes in >out.svg &&
	tips out.svg | sort >actual &&
	cat >expect <<-\EOF &&
	a | 1,234,567.300000001 bytes (100.00%), self 0
	all | 1,234,567.300000001 bytes (100.00%), self 0
	b | 0.3 bytes (0.00%), self 0.3 (0.00%)
	c | 1,234,567.000000001 bytes (100.00%), self 1,234,567.000000001 (100.00%)
	EOF
	test_cmp expect actual &&
	frames out.svg | awk -F "\t" "\$1 == \"b\" { print \$2 }" >v &&
	echo 0.3 >expect &&
	test_cmp expect v
'

test_expect_success '--factor scales the counts shown, not the widths' '
	printf "a 3\nb 1\n" >in &&
	$FLAME --factor 0.5 in >half.svg &&
	$FLAME --factor 1000 in >big.svg &&
	tips half.svg | grep "^a | 1.5 samples (75.00%), self 1.5 (75.00%)\$" &&
	tips big.svg | grep "^a | 3,000 samples (75.00%)" &&
	frames half.svg | cut -f 1-5 >w1 &&
	frames big.svg | cut -f 1-5 >w2 &&
	test_cmp w1 w2
'

test_expect_success 'every coordinate has at most 2 decimals' '
	awk "BEGIN { srand(7); for (i = 0; i < 300; i++) printf \"m;f%d;g%d %d\n\", i % 17, i, 1 + int(rand() * 1000) }" >many &&
	$FLAME many >out.svg &&
	frames out.svg | cut -f 3-5 | tr "\t" "\n" | sort -u >nums &&
	grep -o " height=\"[^\"]*\"" out.svg | sed "s/.*=\"//; s/\"//" | grep -v % >>nums &&
	test -s nums &&
	! grep -v -E "^[0-9]+(\.[0-9][0-9]?)?\$" nums
'

test_expect_success 'frames of a row meet exactly: x + width is the next x' '
	frames out.svg | awk -F "\t" "\$4 == 52 { print \$3, \$5 }" | sort -n >row &&
	awk "NR > 1 && (\$1 - end > 0.005 || end - \$1 > 0.005) { print \"gap at\", \$1, end; bad = 1 }
		{ end = \$1 + \$2 } END { exit bad }" row
'

# a is 90% of 10 wide, the long name 10%: 118 pixels, (118 - 3) / 7.08
# = 16 characters, so 14 and the dots.
test_expect_success 'labels are cut to fit, on the left by default' '
	printf "a 9\nabcdefghijklmnopqrstuvwxyz 1\n" >in &&
	$FLAME in >out.svg &&
	frames out.svg | awk -F "\t" "\$1 ~ /^abc/ { print \$7 }" >actual &&
	echo "..mnopqrstuvwxyz" >expect &&
	test_cmp expect actual
'

test_expect_success '--truncate-text-right cuts on the right' '
	$FLAME --truncate-text-right in >out.svg &&
	frames out.svg | awk -F "\t" "\$1 ~ /^abc/ { print \$7 }" >actual &&
	echo "abcdefghijklmn.." >expect &&
	test_cmp expect actual
'

test_expect_success 'labels are cut between UTF-8 characters, counted as characters' '
	e=$(printf "\303\251") &&
	printf "a 9\n%s 1\n" "$e$e$e$e$e$e$e$e$e$e$e$e$e$e$e$e$e$e$e$e${e}X" >in &&
	$FLAME --truncate-text-right in >out.svg &&
	xmllint --noout out.svg &&
	frames out.svg | awk -F "\t" "\$2 == 1 { print \$7 }" >actual &&
	echo "$e$e$e$e$e$e$e$e$e$e$e$e$e$e.." >expect &&
	test_cmp expect actual &&
	$FLAME in >out.svg &&
	frames out.svg | awk -F "\t" "\$2 == 1 { print \$7 }" >actual &&
	echo "..$e$e$e$e$e$e$e$e$e$e$e$e${e}X" >expect &&
	test_cmp expect actual
'

test_expect_success 'no label where not even one character and the dots fit' '
	printf "wide 1000\nnarrow 10\nn 2\n" >in &&
	$FLAME in >out.svg &&
	frames out.svg | awk -F "\t" "\$1 != \"all\" && \$1 != \"wide\" { print \$1 \":\" \$7 }" | sort >actual &&
	printf "n:\nnarrow:\n" >expect &&
	test_cmp expect actual &&
	frames out.svg | awk -F "\t" "\$1 == \"wide\" { print \$7 }" >actual &&
	echo wide >expect &&
	test_cmp expect actual
'

test_expect_success 'a fontsize and fontwidth change what fits' '
	printf "a 9\nabcdefghijklmnopqrstuvwxyz 1\n" >in &&
	$FLAME --fontsize 10 --fontwidth 0.5 in >out.svg &&
	frames out.svg | awk -F "\t" "\$1 ~ /^abc/ { print \$7 }" >actual &&
	echo "..fghijklmnopqrstuvwxyz" >expect &&
	test_cmp expect actual &&
	grep "font-size=\"10\"" out.svg
'

test_expect_success 'the title, subtitle, buttons and their places' '
	$FLAME tree.folded >out.svg &&
	grep "<text id=\"title\" text-anchor=\"middle\" font-size=\"17\" x=\"600\" y=\"24\">Flame Graph</text>" out.svg &&
	grep "<text id=\"unzoom\" class=\"btn off\" x=\"10\" y=\"24\">Reset Zoom</text>" out.svg &&
	grep "<text id=\"search\" class=\"btn\" x=\"1090\" y=\"24\">Search</text>" out.svg &&
	grep "<text id=\"ic\" class=\"btn\" x=\"1174\" y=\"24\">ic</text>" out.svg &&
	grep "<text id=\"matched\" text-anchor=\"end\" x=\"1190\" y=\"117\"> </text>" out.svg &&
	grep "<text id=\"details\" x=\"10\" y=\"117\"> </text>" out.svg &&
	! grep "id=\"subtitle\"" out.svg &&
	$FLAME --title "My <title>" --subtitle "and & more" tree.folded >sub.svg &&
	grep ">My &lt;title&gt;</text>" sub.svg &&
	grep "<text id=\"subtitle\" .*>and &amp; more</text>" sub.svg &&
	grep "<svg version=\"1.1\" width=\"1200\" height=\"158\"" sub.svg
'

test_expect_success '--width, --height and --nametype, --notes' '
	$FLAME --width 600 --height 20 --nametype "Symbol:" --notes "a <note>" tree.folded >out.svg &&
	xmllint --noout out.svg &&
	frames out.svg | awk -F "\t" "\$1 == \"all\" { print \$3, \$4, \$5 }" >actual &&
	echo "10 96 580" >expect &&
	test_cmp expect actual &&
	grep "nt=\"Symbol:\"" out.svg &&
	grep "<desc>a &lt;note&gt;</desc>" out.svg
'

test_expect_success '--inverted: the root on top, an icicle graph' '
	$FLAME --inverted tree.folded >out.svg &&
	frames out.svg | awk -F "\t" "{ print \$1, \$4 }" | sort >actual &&
	printf "%s\n" "all 36" "bar 84" "baz 84" "foo 68" "main 52" "other 52" "qux 68" >expect &&
	test_cmp expect actual &&
	grep ">Icicle Graph</text>" out.svg &&
	grep "y0=\"36\" dy=\"16\"" out.svg
'

test_expect_success '--flamechart: the input order, repeated names apart' '
	printf "b;x 1\na 2\nb;x 1\nb;y 1\n" >in &&
	$FLAME --flamechart in >out.svg &&
	frames out.svg | awk -F "\t" "\$4 == 52 { print \$1, \$3, \$5 }" >actual &&
	printf "%s\n" "b 10 236" "a 246 472" "b 718 472" >expect &&
	test_cmp expect actual &&
	grep ">Flame Chart</text>" out.svg
'

test_expect_success '--reverse: the leaves at the bottom, callers above' '
	printf "main;f;leaf 2\nother;leaf 1\n" >in &&
	$FLAME --reverse in >out.svg &&
	frames out.svg | awk -F "\t" "\$4 == 68 { print \$1, \$2 }" >actual &&
	echo "leaf 3" >expect &&
	test_cmp expect actual
'

test_expect_success 'frames too narrow: the parent says what was hidden' '
	printf "main;big 1000\nmain;t1 1\nmain;t2 1.5\n" >in &&
	$FLAME --minwidth 5 in >out.svg &&
	tips out.svg | grep "^main |" >actual &&
	echo "main | 1,002.5 samples (100.00%), self 0 | 2.5 samples in 2 frames too narrow to draw" >expect &&
	test_cmp expect actual &&
	! grep "<title>t1" out.svg &&
	$FLAME --minwidth 0.2% in >pct.svg &&
	tips pct.svg | grep "^main |.* | 2.5 samples in 2 frames too narrow to draw\$" &&
	$FLAME --minwidth 0 in >all.svg &&
	! grep "too narrow" all.svg &&
	grep "<title>t1" all.svg
'

test_expect_success 'the embedded script and style are share/prof, whole' '
	$FLAME tree.folded >out.svg &&
	xmllint --xpath "string(//*[local-name()=\"script\"])" out.svg >js &&
	{ echo; cat "$ROOT/share/prof/flame.js"; echo; } >expect &&
	test_cmp expect js &&
	xmllint --xpath "string(//*[local-name()=\"style\"])" out.svg >css &&
	{ echo; cat "$ROOT/share/prof/flame.css"; echo; } >expect &&
	test_cmp expect css &&
	test $(grep -c "<script" out.svg) = 1 &&
	! grep "onclick\|onmouseover\|onload" out.svg
'

test_expect_success 'the same input gives the same file; --random does not' '
	$FLAME many >one.svg &&
	$FLAME many >two.svg &&
	test_cmp one.svg two.svg &&
	$FLAME --random many >r1.svg &&
	sleep 1 &&
	$FLAME --random many >r2.svg &&
	! cmp -s r1.svg r2.svg &&
	frames r1.svg | cut -f 1-5 >g1 &&
	frames r2.svg | cut -f 1-5 >g2 &&
	test_cmp g1 g2
'

test_expect_success '--hash: a name has one colour, in every graph' '
	printf "foo 1\nbar 2\nbaz;foo 1\n" >in1 &&
	printf "zzz;foo 7\nbar;qq 1\nfoo 3\nfoo;bar 2\n" >in2 &&
	$FLAME --hash in1 >h1.svg &&
	$FLAME --hash in2 >h2.svg &&
	{ fill_of h1.svg foo; fill_of h2.svg foo; } | sort -u >foo &&
	test_line_count = 1 foo &&
	{ fill_of h1.svg bar; fill_of h2.svg bar; } | sort -u >bar &&
	test_line_count = 1 bar &&
	! test_cmp foo bar >/dev/null
'

test_expect_success 'the plain palettes keep to their hues' '
	for p in hot mem io red green blue aqua yellow purple orange; do
		awk "BEGIN { for (i = 0; i < 40; i++) print \"fn_\" i \" \" i + 1 }" >in &&
		$FLAME --colors $p --hash in >out.svg &&
		awk -v p=$p "BEGIN { for (i = 0; i < 40; i++) print \"fn_\" i \"\t\" p }" >expect &&
		check_hues expect out.svg || { echo "palette $p"; exit 1; }
		$FLAME --colors $p in >out.svg &&
		check_hues expect out.svg || { echo "palette $p, not hashed"; exit 1; }
	done
'

# palette name hue: which plain palette a multi palette gives a name
while IFS="	" read -r pal name hue; do
	test_expect_success "--colors $pal: $name is $hue" '
		printf "%s 1\nother 1\n" "$name" >in &&
		$FLAME --colors '"$pal"' in >out.svg &&
		printf "%s\t%s\n" "$name" '"$hue"' >expect &&
		check_hues expect out.svg
	'
done <<'CASES'
java	java/lang/Thread.run	green
java	org/apache/Foo::bar	green
java	JavaThread::run	yellow
java	Interpreter_[j]	green
java	String.hashCode_[i]	aqua
java	do_syscall_64_[k]	orange
java	__libc_read	red
js	v8::internal::Invoke	yellow
js	/app/server.js:handle	green
js	Builtin:ArrayMap	aqua
js	LazyCompile_[j]	green
js	epoll_wait	red
perl	Foo::Bar::baz	yellow
perl	Perl_pp_entersub	green
perl	script.pl	green
perl	sys_write_[k]	orange
perl	malloc	red
python	run (app.py:12)	green
python	<module>	green
python	std::sort	yellow
python	PyEval_EvalFrameDefault	red
python	vfs_read_[k]	orange
rust	std::io::Write::write_all	aqua
rust	<alloc::vec::Vec<T> as core::ops::drop::Drop>::drop	aqua
rust	core::ptr::drop_in_place	aqua
rust	myapp::parse::line	green
rust	memcpy	red
rust	tcp_sendmsg_[k]	orange
wakeup	try_to_wake_up	aqua
chain	schedule	blue
chain	waker_thread_[w]	aqua
hot	-	grey
hot	--	grey
mem	malloc	mem
io	read	io
CASES

test_expect_success 'an unknown palette or background is a usage error' '
	test_expect_code 2 $FLAME --colors nope tree.folded >out 2>err &&
	grep "colors: .nope. is not a palette; use hot, mem, io, wakeup, chain, java, js, perl, python, rust, red, green, blue, aqua, yellow, purple, orange" err &&
	test_expect_code 2 $FLAME --bgcolors pink tree.folded >out 2>err &&
	grep "bgcolors: .pink. is not a colour" err &&
	test_expect_code 2 $FLAME --bgcolors "#12345g" tree.folded >out 2>err
'

test_expect_success 'backgrounds: the palette s own, a named one, #rrggbb' '
	$FLAME tree.folded >out.svg &&
	grep "stop-color=\"#eeeeee\" offset=\"5%\"/><stop stop-color=\"#eeeeb0\"" out.svg &&
	$FLAME --colors mem tree.folded >out.svg &&
	grep "stop-color=\"#eeeeee\" offset=\"5%\"/><stop stop-color=\"#e0e0ff\"" out.svg &&
	$FLAME --colors io tree.folded >out.svg &&
	grep "stop-color=\"#f8f8f8\" offset=\"5%\"/><stop stop-color=\"#e8e8e8\"" out.svg &&
	$FLAME --bgcolors green tree.folded >out.svg &&
	grep "stop-color=\"#eef2ee\" offset=\"5%\"/><stop stop-color=\"#e0ffe0\"" out.svg &&
	$FLAME --bgcolors "#1a2B3c" tree.folded >out.svg &&
	grep "stop-color=\"#1a2b3c\" offset=\"5%\"/><stop stop-color=\"#1a2b3c\"" out.svg
'

test_expect_success '--search-color is handed to the script' '
	$FLAME --search-color "#00ff00" tree.folded >out.svg &&
	grep "<g id=\"frames\" .* sc=\"#00ff00\"" out.svg
'

test_expect_success '--cp: a palette map is written, sorted, as flamegraph.pl writes it' '
	printf "b 1\na 1\nshared 1\nop->call 1\n" >in1 &&
	$FLAME --cp map in1 >one.svg &&
	cut -d ">" -f 1 map >names &&
	printf "%s\n" a- all- b- op- shared- >expect &&
	test_cmp expect names &&
	grep -c -E -x ".*->rgb\([0-9]{1,3},[0-9]{1,3},[0-9]{1,3}\)" map >n &&
	echo 5 >expect &&
	test_cmp expect n &&
	grep -x "op->call->rgb(.*)" map
'

test_expect_success '--cp: a later graph gives the names the same colours' '
	printf "zz;shared 9\nop->call 2\nnew 1\n" >in2 &&
	$FLAME --cp map in2 >two.svg &&
	for n in shared op-\>call all; do
		fill_of one.svg "$n" >c1 &&
		fill_of two.svg "$n" | sort -u >c2 &&
		test_cmp c1 c2 || exit 1
	done &&
	grep "^new->rgb(" map &&
	test_line_count = 7 map
'

test_expect_success '--cp: colours set in the map by hand are used' '
	printf "new->rgb(1,2,3)\nshared->#0A0b0c\ngarbage line\n" >map &&
	$FLAME --cp map in2 >three.svg &&
	fill_of three.svg new >actual &&
	echo "#010203" >expect &&
	test_cmp expect actual &&
	fill_of three.svg shared >actual &&
	echo "#0a0b0c" >expect &&
	test_cmp expect actual
'

test_expect_success '--cp: a map that cannot be read is an error' '
	mkdir dir &&
	test_expect_code 2 $FLAME --cp dir tree.folded >out 2>err &&
	grep "dir: not a palette map: not a regular file" err
'

printf "main;grow 10 20\nmain;shrink 10 5\nmain;same 5 5\nmain;new 0 4\nmain;gone 3 0\n" >diff.folded

test_expect_success 'differential: widths from AFTER, red growth, blue shrinkage' '
	$FLAME diff.folded >out.svg &&
	xmllint --noout out.svg &&
	frames out.svg | awk -F "\t" "{ print \$1, \$2, \$6 }" | sort >actual &&
	cat >expect <<-\EOF &&
	all 34 #ff5858
	grow 20 #ff0000
	main 34 #ff5858
	new 4 #ff8484
	same 5 #ffffff
	shrink 5 #6e6eff
	EOF
	test_cmp expect actual
'

test_expect_success 'differential tooltips: before, after, the change' '
	tips out.svg | sort >actual &&
	cat >expect <<-\EOF &&
	all | before 28 samples (100.00%), after 34 (100.00%), +21.43% | self: before 0, after 0
	grow | before 10 samples (35.71%), after 20 (58.82%), +100.00% | self: before 10, after 20
	main | before 28 samples (100.00%), after 34 (100.00%), +21.43% | self: before 0, after 0
	new | before 0 samples (0.00%), after 4 (11.76%), new | self: before 0, after 4
	same | before 5 samples (17.86%), after 5 (14.71%), 0.00% | self: before 5, after 5
	shrink | before 10 samples (35.71%), after 5 (14.71%), -50.00% | self: before 10, after 5
	EOF
	test_cmp expect actual
'

test_expect_success 'differential --negate: widths from BEFORE; red is still growth' '
	$FLAME --negate diff.folded >out.svg &&
	frames out.svg | awk -F "\t" "{ print \$1, \$2, \$6 }" | sort >actual &&
	cat >expect <<-\EOF &&
	all 28 #ff5858
	gone 3 #9a9aff
	grow 10 #ff0000
	main 28 #ff5858
	same 5 #ffffff
	shrink 10 #6e6eff
	EOF
	test_cmp expect actual &&
	tips out.svg | grep "^gone | before 3 samples (10.71%), after 0 (0.00%), -100.00% | self: before 3, after 0\$"
'

test_expect_success 'differential graphs ignore --cp and --colors' '
	$FLAME --cp dmap --colors java diff.folded >out.svg &&
	! test -e dmap &&
	fill_of out.svg same >actual &&
	echo "#ffffff" >expect &&
	test_cmp expect actual
'

test_expect_success 'empty input: a valid SVG that says there is no data' '
	: >empty &&
	$FLAME empty >out.svg &&
	xmllint --noout out.svg &&
	grep ">No data</text>" out.svg &&
	! grep "^<g p=" out.svg &&
	! grep "<script" out.svg &&
	printf "# type: cpu\n\n# a comment\n" >comments &&
	$FLAME comments >out.svg &&
	xmllint --noout out.svg &&
	grep ">No data</text>" out.svg &&
	printf "a 0\n" >zero &&
	$FLAME zero >out.svg &&
	xmllint --noout out.svg &&
	grep ">No data</text>" out.svg
'

# Names where bytewise order and frame order differ ("x.y" sorts between
# "x" and "x;z" bytewise), repeated stacks, and stacks that are
# prefixes of others: the graph does not depend on the order of the
# lines, on how they are split into files, or on the threads reading them.
test_expect_success 'the same graph whatever the order of the lines and the number of threads' '
	awk "BEGIN { srand(11); split(\"x x.y x1 x;z a a0 a.b _ b~ \", n, \" \")
		for (i = 0; i < 6000; i++) { d = 1 + int(rand() * 6); s = \"m\"
			for (k = 0; k < d; k++) s = s \";\" n[1 + int(rand() * 10)] int(rand() * 3)
			print s, 1 + int(rand() * 9) } }" >mixed &&
	sort mixed >mixed.sorted &&
	sort -r mixed >mixed.reversed &&
	head -n 3000 mixed >part1 && tail -n +3001 mixed >part2 &&
	prof-flame -j1 --minwidth 0 mixed.sorted >expect.svg &&
	for j in 1 2 3; do
		for f in mixed mixed.sorted mixed.reversed "part2 part1"; do
			prof-flame -j$j --minwidth 0 $f >out.svg &&
			cmp expect.svg out.svg || { echo "-j$j $f"; return 1; }
		done
	done &&
	# one frame a distinct path from the root: none drawn twice
	awk "{ sub(/ [0-9]+\$/, \"\"); n = split(\$0, f, \";\"); p = \"\"
		for (i = 1; i <= n; i++) { p = p \";\" f[i]; if (!(p in s)) { s[p] = 1; c++ } } }
		END { print c + 1 }" mixed >expect &&
	prof-flame --format text --minwidth 0% mixed >tree &&
	echo $(($(wc -l <tree) - 1)) >actual &&
	test_cmp expect actual &&
	prof-flame -j2 --reverse mixed.sorted >expect.svg &&
	prof-flame -j3 --reverse mixed.reversed >out.svg &&
	cmp expect.svg out.svg
'

# prof-folded(5)'s source locations: the tab between a function and its
# location is the format's, not a control byte of the name.
test_expect_success 'a --lines profile: the function in the label and the tooltip, its location apart' '
	printf "main\tapp.c:10;tokenize\tapp.c:60 50\nmain\tapp.c:10;parse\tparse.c:7\t/usr/bin/app 30\nmain\tapp.c:10;memcpy\t\t/usr/lib/libc.so.6 9\nmain\tapp.c:10;inl\ta.h:3_[i] 10\nbad\001name\tx.c:1 1\n" >lines.folded &&
	prof-flame lines.folded >out.svg &&
	xmllint --noout out.svg &&
	frames out.svg | cut -f 1,7 | sed "s/<[^>]*>//g" | sort >actual &&
	r=$(printf "\357\277\275") &&
	printf "%s\t%s\n" all all "bad${r}name" "" inl_[i] "inl_[i] a.h:3" main "main app.c:10" \
		memcpy memcpy parse "parse parse.c:7" tokenize "tokenize app.c:60" >expect &&
	test_cmp expect actual &&
	tip () {
		xmllint --xpath "string(//*[@id=\"frames\"]/*/*[local-name()=\"title\"][starts-with(., \"$1\")])" out.svg
	} &&
	tip tokenize >tip &&
	printf "tokenize\napp.c:60\n50 samples (50.00%%), self 50 (50.00%%)\n" >expect &&
	test_cmp expect tip &&
	tip parse >tip &&
	printf "parse\nparse.c:7 in /usr/bin/app\n30 samples (30.00%%), self 30 (30.00%%)\n" >expect &&
	test_cmp expect tip &&
	tip memcpy >tip &&
	printf "memcpy\nin /usr/lib/libc.so.6\n9 samples (9.00%%), self 9 (9.00%%)\n" >expect &&
	test_cmp expect tip &&
	grep -F "<g p=\"11\" v=\"9\" l=\"0\"><title>memcpy" out.svg &&
	grep -F "<text x=\"24.8\" y=\"63.82\">main<tspan class=\"l\"> app.c:10</tspan></text>" out.svg &&
	! grep -F "$r" out.svg | grep -v "^<g p=\"0\" v=\"1\" l=\"5\"><title>bad${r}name$"
'

test_expect_success 'a differential graph is titled with the profiles compared' '
	printf "a;b 5\na;c 5\n" >old.folded &&
	printf "a;b 8\na;c 2\n" >new.folded &&
	prof-diff old.folded new.folded >d.folded &&
	grep "^# before: old.folded$" d.folded &&
	grep "^# after: new.folded$" d.folded &&
	prof-flame d.folded >out.svg &&
	xmllint --xpath "string(//*[@id=\"title\"])" out.svg >t &&
	printf "Differential: old.folded \342\206\222 new.folded\n" >expect &&
	test_cmp expect t &&
	prof-flame --title mine d.folded >out.svg &&
	grep -F ">mine</text>" out.svg &&
	sed "/^# before:/d" d.folded | prof-flame >out.svg &&
	grep -F ">Differential</text>" out.svg
'

# flamegraph.pl from Debian's libdevel-nytprof-perl, the reference
FG=/usr/share/perl5/Devel/NYTProf/flamegraph.pl
if test -r "$FG" && command -v perl >/dev/null 2>&1; then
	test_expect_success 'smaller than flamegraph.pl s SVG of the same stacks' '
		awk "BEGIN { srand(3); for (i = 0; i < 3000; i++) {
			s = \"main\"; d = 2 + int(rand() * 12)
			for (k = 0; k < d; k++) s = s \";function_\" int(rand() * 40)
			print s, 1 + int(rand() * 50) } }" >st &&
		$FLAME st >ours.svg &&
		perl "$FG" st >theirs.svg 2>/dev/null &&
		ours=$(wc -c <ours.svg) && theirs=$(wc -c <theirs.svg) &&
		echo "ours $ours bytes, flamegraph.pl $theirs" &&
		test "$ours" -lt "$theirs"
	'
else
	test_skip 'smaller than flamegraph.pl s SVG of the same stacks' "no $FG"
fi

done_testing
