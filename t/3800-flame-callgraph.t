#!/bin/sh
test_description='prof-flame --format dot and graph: the call graph, its figures, cuts and filters'
. "$(dirname "$0")/lib.sh"

# main 11 = 1 self + a 6 + d 4; a;a recurses once; c is inlined into a
cat >in <<'EOF'
main;a;b 3
main;a;c_[i] 2
main;a;a;b 1
main;d 4
main 1
EOF

# labels DOT: each node's label, one a line ("main\n1 (9.09%)\nof 11 (100%)")
labels () {
	sed -n 's/^N[0-9]* \[label="\([^"]*\)".*/\1/p' "$1"
}
# edges DOT: "CALLER -> CALLEE WEIGHT STYLE", sorted
edges () {
	awk '
	/^N[0-9]+ \[label="/ { l = $0; sub(/^N[0-9]+ \[label="/, "", l); sub(/\\n.*/, "", l); name[$1] = l }
	/^N[0-9]+ -> N[0-9]+ / {
		w = $0; sub(/^[^"]*" /, "", w); sub(/["\\].*/, "", w)
		st = "solid"
		if ($0 ~ /style="dashed"/) st = "dashed"
		if ($0 ~ /style="dotted"/) st = "dotted"
		print name[$1], "->", name[$3], w, st
	}' "$1" | sort
}
# legend DOT: the legend's lines
legend () {
	sed -n 's/^subgraph cluster_L { "legend" \[shape=box fontsize=16 label="\([^"]*\)".*/\1/p' "$1" |
		sed 's/\\l/\n/g' | sed '/^$/d'
}

test_expect_success 'nodes: flat and cum exact, in the order of cum' '
	prof-flame --format dot in >out.dot &&
	labels out.dot >actual &&
	cat >expect <<-\EOF &&
	main\n1 (9.09%)\nof 11 (100%)
	a\n0 of 6 (54.55%)
	b\n4 (36.36%)
	d\n4 (36.36%)
	c\n2 (18.18%)
	EOF
	test_cmp expect actual
'

test_expect_success 'edges: weights, the inlined call dashed, a self-edge once per stack' '
	prof-flame --format dot in >out.dot &&
	edges out.dot >actual &&
	cat >expect <<-\EOF &&
	a -> a 1 solid
	a -> b 4 solid
	a -> c 2 dashed
	main -> a 6 solid
	main -> d 4 solid
	EOF
	test_cmp expect actual &&
	grep -F "(inline)" out.dot >inl &&
	test $(wc -l <inl) = 1
'

test_expect_success 'recursion: cum and a self-edge count a stack once' '
	printf "r;f;f;f 4\nr;f;g;f 2\n" >rec &&
	prof-flame --format dot rec >out.dot &&
	labels out.dot >actual &&
	printf "%s\n" "f\\n6 (100%)" "r\\n0 of 6 (100%)" "g\\n0 of 2 (33.33%)" >expect &&
	test_cmp expect actual &&
	edges out.dot >actual &&
	printf "%s\n" "f -> f 4 solid" "f -> g 2 solid" "g -> f 2 solid" "r -> f 6 solid" >expect &&
	test_cmp expect actual
'

test_expect_success 'the legend: the title, the unit, what the nodes shown account for' '
	prof-flame --format dot --title "My app" in >out.dot &&
	legend out.dot >actual &&
	printf "%s\n" "My app" "Unit: samples" "Showing nodes accounting for 11, 100% of 11 total" >expect &&
	test_cmp expect actual
'

test_expect_success '--node-fraction (default 0.005): light nodes dropped, and the legend says so' '
	{ echo "main;big 1000" && for i in 1 2 3 4 5 6 7 8 9; do echo "main;s$i 1"; done; } >frac &&
	prof-flame --format dot frac >out.dot &&
	labels out.dot >actual &&
	printf "%s\n" "main\\n0 of 1009 (100%)" "big\\n1000 (99.11%)" >expect &&
	test_cmp expect actual &&
	legend out.dot >actual &&
	printf "%s\n" "Call Graph" "Unit: samples" \
		"Showing nodes accounting for 1000, 99.11% of 1009 total" \
		"Dropped 9 nodes (cum <= 5.04)" >expect &&
	test_cmp expect actual &&
	prof-flame --format dot --node-fraction 0 --edge-fraction 0 frac >out.dot &&
	labels out.dot >nodes &&
	test $(wc -l <nodes) = 11 &&
	! grep -F Dropped out.dot
'

test_expect_success '--edge-fraction: light calls dropped, and the legend says so' '
	printf "main;x 100\nmain;y;x 1\nmain;y 50\n" >efrac &&
	prof-flame --format dot --edge-fraction 0.01 efrac >out.dot &&
	edges out.dot >actual &&
	printf "%s\n" "main -> x 100 solid" "main -> y 51 solid" >expect &&
	test_cmp expect actual &&
	legend out.dot | grep -Fx "Dropped 1 edge (freq <= 1.51)" &&
	prof-flame --format dot efrac >out.dot &&
	edges out.dot | grep -Fx "y -> x 1 solid"
'

test_expect_success '--nodes: the heaviest n; a caller and callee joined through dropped ones by a dotted edge' '
	prof-flame --format dot --nodes 2 in >out.dot &&
	labels out.dot >actual &&
	printf "%s\n" "main\\n1 (9.09%)\\nof 11 (100%)" "a\\n0 of 6 (54.55%)" >expect &&
	test_cmp expect actual &&
	legend out.dot | grep -Fx "Showing top 2 nodes out of 5" &&
	legend out.dot | grep -Fx "Showing nodes accounting for 1, 9.09% of 11 total" &&
	printf "main;x;y;z 5\nmain;z 1\n" >res &&
	prof-flame --format dot --nodes 2 res >out.dot &&
	labels out.dot >actual &&
	printf "%s\n" "z\\n6 (100%)" "main\\n0 of 6 (100%)" >expect &&
	test_cmp expect actual &&
	edges out.dot >actual &&
	echo "main -> z 6 dotted" >expect &&
	test_cmp expect actual
'

# the filters, as prof-top's: shares stay of the whole profile
while read -r opt re want; do
	case_opt=$opt case_re=$re case_want=$want
	test_expect_success "$opt $re: the nodes and figures of prof-top $opt" '
		prof-flame --format dot $case_opt "$case_re" in >out.dot &&
		labels out.dot | sed "s/\\\\n.*//" | sort >actual &&
		echo "$case_want" | tr "," "\n" >expect &&
		test_cmp expect actual &&
		prof-top --format csv --rows 0 $case_opt "$case_re" in >top.csv &&
		tr -d "\"" <top.csv | awk -F, "NR > 1 && (\$2 > 0 || \$5 > 0) { print \$1 }" | sort >names &&
		test_cmp expect names
	'
done <<'CASES'
--focus ^d$ d,main
--ignore ^d$ a,b,c,main
--hide ^a$ b,c,d,main
CASES

test_expect_success '--focus: the share of the whole, the flat and cum of prof-top' '
	prof-flame --format dot --focus "^b$" in >out.dot &&
	labels out.dot >actual &&
	printf "%s\n" "b\\n4 (36.36%)" "a\\n0 of 4 (36.36%)" "main\\n0 of 4 (36.36%)" >expect &&
	test_cmp expect actual &&
	legend out.dot | grep -Fx "Showing nodes accounting for 4, 36.36% of 11 total"
'

test_expect_success '--focus, --ignore, --hide draw the flame graph of prof-fold'"'"'s filters' '
	prof-flame --focus "^a$" --hide "^b$" in >actual.svg &&
	prof-fold --focus "^a$" --hide "^b$" in | prof-flame >expect.svg &&
	test_cmp expect.svg actual.svg &&
	prof-flame --format text --ignore "^a$" in >actual &&
	prof-fold --ignore "^a$" in | prof-flame --format text >expect &&
	test_cmp expect actual
'

test_expect_success 'units: nanoseconds as time, bytes with binary prefixes; the legend names the type' '
	printf "# type: offcpu\n# unit: nanoseconds\nmain;read 1500000\nmain 500000\n" >ns &&
	prof-flame --format dot ns >out.dot &&
	labels out.dot >actual &&
	printf "%s\n" "main\\n500us (25.00%)\\nof 2ms (100%)" "read\\n1.5ms (75.00%)" >expect &&
	test_cmp expect actual &&
	legend out.dot >actual &&
	printf "%s\n" "Off-CPU Time Call Graph" "Type: offcpu, off-CPU time" "Unit: nanoseconds" \
		"Showing nodes accounting for 2ms, 100% of 2ms total" >expect &&
	test_cmp expect actual &&
	printf "# type: memory\n# unit: bytes\nmain;malloc 3145728\nmain;f 1024\n" >bytes &&
	prof-flame --format dot --node-fraction 0 bytes >out.dot &&
	labels out.dot >actual &&
	printf "%s\n" "main\\n0 of 3MiB (100%)" "malloc\\n3MiB (99.97%)" "f\\n1KiB (0.03%)" >expect &&
	test_cmp expect actual
'

# a grew by 5 (the largest growth), b shrank by 8 (the largest change):
# full blue; a red, not blue
test_expect_success 'a differential profile: the second counts, the change, red growth, blue shrinkage' '
	printf "main;a 5 10\nmain;b 10 2\n" >diff &&
	prof-flame --format dot diff >out.dot &&
	labels out.dot >actual &&
	printf "%s\n" "main\\n0 of 12 (100%)\\nchange -3" "a\\n10 (83.33%)\\nchange +5" \
		"b\\n2 (16.67%)\\nchange -8" >expect &&
	test_cmp expect actual &&
	grep "^N[0-9]* \[label=\"b\\\\n" out.dot | grep -F "color=\"#0000b2\"" &&
	grep "^N[0-9]* \[label=\"a\\\\n" out.dot | grep "color=\"#b2[0-9a-f][0-9a-f]00\"" &&
	prof-flame --format dot --negate diff >out.dot &&
	labels out.dot | grep "^b" >actual &&
	printf "%s\n" "b\\n10 (66.67%)\\nchange -8" >expect &&
	test_cmp expect actual
'

test_expect_success 'no stacks: a graph with its legend only' '
	prof-flame --format dot </dev/null >out.dot &&
	test -z "$(labels out.dot)" &&
	legend out.dot | grep -Fx "Showing nodes accounting for 0, 0.00% of 0 total"
'

# usage: the options of a call graph, and those it has not
while IFS='|' read -r args msg; do
	case_args=$args case_msg=$msg
	test_expect_success "refused, exit 2: $args" '
		test_expect_code 2 prof-flame $case_args in >out 2>err &&
		test_must_be_empty out &&
		grep -F -e "prof-flame: $case_msg" err
	'
done <<'CASES'
--nodes 5|--nodes: only a call graph's (--format dot or graph)
--node-fraction 0.1|--node-fraction: only a call graph's
--format svg --edge-fraction 0.1|--edge-fraction: only a call graph's
--format dot --flamechart|--format dot: a call graph has no --flamechart
--format graph --reverse|--format graph: a call graph has no --reverse
--format dot --inverted|--format dot: a call graph has no --inverted
--flamechart --focus a|--flamechart: the stacks are drawn as read
--format dot --node-fraction 2|--node-fraction: '2' is too large
--format dot --edge-fraction x|--edge-fraction: 'x'
--format dot --nodes -1|--nodes: '-1' is too small
--format dot --focus (|--focus:
CASES

command -v dot >/dev/null 2>&1 || skip_or_fail 'no dot (graphviz)'
command -v xmllint >/dev/null 2>&1 || skip_or_fail 'no xmllint (libxml2-utils)'

test_expect_success 'dot -Tsvg accepts the dot output' '
	prof-flame --format dot in >out.dot &&
	dot -Tsvg out.dot >out.svg 2>err &&
	test_must_be_empty err &&
	xmllint --noout out.svg &&
	prof-flame --format dot diff >out.dot &&
	dot -Tsvg out.dot >out.svg 2>err &&
	test_must_be_empty err &&
	xmllint --noout out.svg
'

test_expect_success '--format graph: the SVG that dot makes of the dot output' '
	prof-flame --format graph in >graph.svg 2>err &&
	test_must_be_empty err &&
	xmllint --noout graph.svg &&
	prof-flame --format dot in | dot -Tsvg >dot.svg &&
	test_cmp dot.svg graph.svg &&
	test $(grep -c "<g id=\"node[0-9]*\" class=\"node\">" graph.svg) = 6 &&
	grep -F ">of 11 (100%)</text>" graph.svg
'

test_expect_success 'Graphviz without its plugins: its messages prefixed, exit 2, no output' '
	GVBINDIR=$PWD/none test_expect_code 2 prof-flame --format graph -o nolayout.svg in 2>err &&
	test ! -e nolayout.svg &&
	grep -F "prof-flame: graphviz: Error: Layout type: \"dot\" not recognized" err &&
	grep -Fx "prof-flame: graphviz has no dot layout (is its plugin configuration, dot -c, missing?)" err &&
	! grep -v "^prof-flame: " err
'

# t/3200's names: control bytes, NUL, invalid UTF-8, markup, 20,000 bytes
sed -n '/^repeat () {/,/^}/p; /^names () {/,/^}/p' "$T_DIR/3200-flame-hostile.t" >hostile.sh
. ./hostile.sh

test_expect_success 'hostile names: the dot text and the SVG are well-formed, the names text' '
	names >names &&
	test $(wc -l <names) = 37 &&
	awk "{ print \"root;\" \$0 \";leaf \" NR; print \$0 \";\" \$0 \" 1\" }" names >nested.folded &&
	awk "{ print \$0, NR % 3, NR % 5 }" names >diff.folded &&
	for f in nested diff; do
		prof-flame --format dot --nodes 0 --node-fraction 0 $f.folded >$f.dot &&
		iconv -f UTF-8 -t UTF-8 $f.dot >/dev/null &&
		n=$(tr -d "\n\040-\176\200-\377" <$f.dot | wc -c) &&
		test "$n" = 0 &&
		dot -Tsvg $f.dot >$f.dot.svg 2>err &&
		test_must_be_empty err &&
		xmllint --noout $f.dot.svg &&
		prof-flame --format graph --nodes 0 --node-fraction 0 $f.folded >$f.svg 2>err &&
		test_must_be_empty err &&
		xmllint --noout $f.svg &&
		iconv -f UTF-8 -t UTF-8 $f.svg >/dev/null || return 1
	done &&
	test $(grep -c "class=\"node\"" nested.svg) = 40 &&
	test "$(xmllint --xpath "count(//*[local-name()=\"script\"])" nested.svg)" = 0 &&
	grep -F "&lt;/text&gt;&lt;script&gt;alert(1)&lt;/script&gt;" nested.svg &&
	grep -F "entities&amp;amp&amp;lt&amp;#60&amp;#x3c&amp;unknown&amp;" nested.svg
'

# 100 random orders of 80 functions: 4,485 edges between the 80 nodes,
# none under the edge cut; laid out whole they took Graphviz minutes.
test_expect_success '--format graph lays out at most 2 x nodes + 8 edges, the heaviest; the legend counts the rest' '
	awk "BEGIN { srand(1); for (i = 0; i < 100; i++) {
		for (j = 0; j < 80; j++) p[j] = j
		for (j = 79; j > 0; j--) { k = int(rand() * (j + 1)); t = p[j]; p[j] = p[k]; p[k] = t }
		s = \"n\" p[0]; for (j = 1; j < 80; j++) s = s \";n\" p[j]; print s, 1 } }" >perm.folded &&
	prof-flame --format dot perm.folded >perm.dot &&
	all=$(grep -c -- " -> " perm.dot) &&
	test "$all" -gt 1000 &&
	timeout 120 prof-flame --format graph perm.folded >perm.svg &&
	xmllint --noout perm.svg &&
	test "$(grep -c "class=\"edge\"" perm.svg)" = 168 &&
	grep "Dropped $((all - 168)) edges (freq &lt;= " perm.svg
'

test_expect_success 'a name is cut to 300 characters, an invalid byte is U+FFFD' '
	printf "%s 1\n" "$(repeat 20000 A)" >long &&
	prof-flame --format dot long >out.dot &&
	grep -o "label=\"A*\.\." out.dot >label &&
	test $(wc -c <label) = $((7 + 298 + 2 + 1)) &&
	printf "bad\377byte 1\n" >bad &&
	prof-flame --format dot bad >out.dot &&
	grep -F "label=\"bad$(printf "\357\277\275")byte\\n" out.dot
'

# The browser: the SVG opens in Debian's chromium without an error, and
# shows the nodes (t/3500 says how the browser is driven).
CHROMIUM=${CHROMIUM:-/usr/bin/chromium}
PLAYWRIGHT_CORE=${PLAYWRIGHT_CORE:-$ROOT/.deps/node_modules/playwright-core}
export CHROMIUM PLAYWRIGHT_CORE
if command -v node >/dev/null 2>&1 && test -x "$CHROMIUM" && test -f "$PLAYWRIGHT_CORE/package.json"; then
	cat >open.js <<'EOF'
// node open.js FILE.svg: load it, print the number of <g class="node">
// and the texts; exit 1 on a script or console error, or a request
// for anything but the file.
const path = require('path');
const { pathToFileURL } = require('url');
const { chromium } = require(process.env.PLAYWRIGHT_CORE);
(async () => {
	const browser = await chromium.launch({ executablePath: process.env.CHROMIUM,
		args: ['--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage',
			'--no-first-run', '--disable-background-networking'] });
	const problems = [];
	const url = pathToFileURL(path.resolve(process.argv[2])).href;
	try {
		const page = await browser.newPage();
		page.on('pageerror', (e) => problems.push(`script error: ${e.message}`));
		page.on('console', (m) => { if (m.type() === 'error') problems.push(`console: ${m.text()}`); });
		page.on('request', (r) => { if (r.url() !== url) problems.push(`requested ${r.url()}`); });
		await page.goto(url, { waitUntil: 'load' });
		const n = await page.evaluate(() => document.querySelectorAll('g.node').length);
		const parsed = await page.evaluate(() => document.documentElement.localName);
		console.log(`nodes ${n} root ${parsed}`);
	} finally {
		await browser.close();
	}
	if (problems.length) { console.log(problems.join('\n')); process.exit(1); }
})().catch((e) => { console.log(e.message); process.exit(1); });
EOF
	test_expect_success 'the browser opens the graph: no error, every node drawn' '
		prof-flame --format graph in >graph.svg &&
		node open.js graph.svg >actual &&
		echo "nodes 6 root svg" >expect &&
		test_cmp expect actual &&
		node open.js nested.svg >actual &&
		echo "nodes 40 root svg" >expect &&
		test_cmp expect actual
	'
else
	test_skip 'the browser opens the graph' 'no node, chromium or playwright-core (scripts/deps)'
fi

done_testing
