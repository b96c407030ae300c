#!/bin/sh
test_description='prof-flame: the SVG in a real browser (headless Chromium)'
. "$(dirname "$0")/lib.sh"

# The SVGs are opened in Debian's chromium, driven by playwright-core from
# the npm registry (scripts/deps installs both; playwright-core goes to
# .deps/node_modules and never fetches a browser of its own).  Each test
# runs t/helpers/flame-browser.js on one file with a list of steps: what
# to do (click=b, search=TERM, key=Escape, reset, reopen) and what must be
# seen then (zoomed=b, unzoomed, matches=c,d, matched=90); the steps are
# described at the top of that file.  Every step also fails on a script
# error, a console error or a request for anything outside the file.
CHROMIUM=${CHROMIUM:-/usr/bin/chromium}
PLAYWRIGHT_CORE=${PLAYWRIGHT_CORE:-$ROOT/.deps/node_modules/playwright-core}
export CHROMIUM PLAYWRIGHT_CORE

command -v node >/dev/null 2>&1 || skip_or_fail "no node (scripts/deps installs nodejs)"
test -x "$CHROMIUM" || skip_or_fail "no $CHROMIUM (scripts/deps installs chromium)"
test -f "$PLAYWRIGHT_CORE/package.json" ||
	skip_or_fail "no playwright-core in $PLAYWRIGHT_CORE (run scripts/deps)"

# flame_browser FILE STEP...
flame_browser () {
	node "$T_DIR/helpers/flame-browser.js" "$@"
}

# all (100) - a (100) - b (90) - c (60)
#                     |        \ d (30)
#                     \ e (10)
printf "a;b;c 60\na;b;d 30\na;e 10\n" >in

test_expect_success 'the graph renders without script errors or requests' '
	prof-flame in >flame.svg &&
	flame_browser flame.svg frames=6
'

test_expect_success 'clicking a frame zooms: full width, ancestors dimmed, others hidden' '
	flame_browser flame.svg click=b zoomed=b
'

test_expect_success 'clicking within a zoom zooms further; clicking an ancestor zooms out' '
	flame_browser flame.svg click=b zoomed=b click=c zoomed=c click=a zoomed=a \
		click=e zoomed=e
'

test_expect_success 'Reset Zoom restores the graph as drawn' '
	flame_browser flame.svg click=c zoomed=c reset unzoomed
'

test_expect_success 'clicking the bottom frame restores the graph as drawn' '
	flame_browser flame.svg click=d zoomed=d click=all unzoomed
'

test_expect_success 'a search colours exactly the matching frames, with their share' '
	flame_browser flame.svg "search=^[cd]$" matches=c,d matched=90 \
		search=e matches=e matched=10
'

test_expect_success 'a frame inside a matching frame is not counted twice' '
	flame_browser flame.svg "search=^(b|c)$" matches=b,c matched=90 \
		"search=^(a|b|c|d|e)$" matches=a,b,c,d,e matched=100
'

test_expect_success 'a search matches names, not the counts in the tooltips' '
	flame_browser flame.svg search=samples matches= matched=0 \
		"search=100" matches= matched=0
'

test_expect_success 'the share of the zoomed frame is shown beside the total' '
	flame_browser flame.svg click=b "search=^c$" matches=c matched=60,66.67 \
		reset matched=60
'

test_expect_success 'a search survives zooming, and zooming keeps the match colour' '
	flame_browser flame.svg "search=^[ce]$" click=b zoomed=b matches=c,e reset \
		unzoomed matches=c,e
'

test_expect_success 'Ctrl-I toggles case and searches again' '
	flame_browser flame.svg "search=^[AE]$" matches= matched=0 \
		key=Control+i matches=a,e matched=100 key=Control+i matches= matched=0
'

test_expect_success 'a term that is no regular expression is searched as text' '
	printf "x;f( 25\nx;g 75\n" >paren.folded &&
	prof-flame paren.folded >paren.svg &&
	flame_browser paren.svg "search=f(" "matches=f(" matched=25
'

test_expect_success 'Esc resets the zoom and the search' '
	flame_browser flame.svg click=b "search=^c$" key=Escape unzoomed matches= matched=
'

test_expect_success 'the URL keeps the zoom and the search' '
	flame_browser flame.svg click=b "search=^c$" "query=?x=0&y=2&s=%5Ec%24" \
		reopen zoomed=b matches=c matched=60,66.67
'

test_expect_success 'the URL keeps a term with & = + % and spaces in it' '
	flame_browser flame.svg "search=^c\$|^d\$|a b&c=d+%20" matches=c,d reopen \
		matches=c,d matched=90
'

test_expect_success 'the URL keeps ignoring case' '
	flame_browser flame.svg "search=^A$" key=Control+i matches=a reopen matches=a \
		matched=100
'

test_expect_success 'after Esc the URL is plain again and reopens the plain graph' '
	flame_browser flame.svg click=e "search=^c$" key=Escape query= reopen unzoomed \
		matches= matched=
'

test_expect_success 'a URL made by hand opens the view it names' '
	flame_browser flame.svg "open=?x=60&y=3&s=d" zoomed=d matches=d matched=30,100 \
		"open=?x=90&y=2&s=%5Ea%24&i=1" zoomed=e matches=a
'

test_expect_success 'a URL naming no frame, or a bad term, opens without errors' '
	flame_browser flame.svg "open=?x=999&y=9" unzoomed \
		"open=?x=a&y=b&s=%E0%A4%A" unzoomed matches= \
		"open=?s=((" unzoomed matches= matched=0
'

test_expect_success 'hovering a frame shows its name, count and share' '
	flame_browser flame.svg hover=c "details=c" "details=60 samples (60.00%)"
'

# Names that would be markup if they were not escaped: any alert() or
# request (img src) fails the step, and each is found by its whole name.
test_expect_success 'hostile names are text: no markup, no script, no request' '
	{
		echo "x;</text><script>alert(1)</script> 10" &&
		echo "x;\"><svg onload=alert(2)><rect/></svg> 10" &&
		echo "x;]]><script>alert(3)</script> 10" &&
		echo "x;<img src=y onerror=alert(4)> 10"
	} >hostile.folded &&
	prof-flame hostile.folded >hostile.svg &&
	flame_browser hostile.svg frames=6 \
		"hover=</text><script>alert(1)</script>" \
		"hover=\"><svg onload=alert(2)><rect/></svg>" \
		"hover=]]><script>alert(3)</script>" \
		"hover=<img src=y onerror=alert(4)>" "details=<img src=y onerror=alert(4)>" \
		"search=<script>" \
		"matches=</text><script>alert(1)</script>,]]><script>alert(3)</script>" \
		matched=50 reopen matched=50
'

test_expect_success 'a name drawn more than once: zoom by depth, search covers once' '
	# all - m - f - f (40)
	#         \ h - f (20)
	#         \ k (40)
	printf "m;f;f 40\nm;h;f 20\nm;k 40\n" >rec.folded &&
	prof-flame rec.folded >rec.svg &&
	flame_browser rec.svg frames=7 click=f@2 zoomed=f@2 "search=^f$" matches=f \
		matched=60,100 key=Escape click=h zoomed=h reset unzoomed
'

test_expect_success 'an icicle graph (--inverted) zooms and resets the same way' '
	prof-flame --inverted in >icicle.svg &&
	flame_browser icicle.svg frames=6 click=b zoomed=b click=c zoomed=c reset unzoomed \
		"search=^d$" matches=d matched=30
'

test_expect_success 'a differential graph zooms and searches' '
	printf "a;b;c 40 60\na;b;d 40 30\na;e 20 10\n" >diff.folded &&
	prof-flame diff.folded >diff.svg &&
	flame_browser diff.svg frames=6 click=b zoomed=b "search=^d$" matches=d \
		matched=30,33.33 reset unzoomed
'

# prof-folded(5)'s source locations: "func<TAB>file:line[<TAB>module]".
test_expect_success 'a --lines profile: the function in the label, its location after it, lighter' '
	printf "main\tapp.c:10;tokenize\tapp.c:60 50\nmain\tapp.c:10;parse\tparse.c:7\t/usr/bin/app 30\nmain\tapp.c:10;memcpy\t\t/usr/lib/libc.so.6 20\n" >lines.folded &&
	prof-flame lines.folded >lines.svg &&
	xmllint --noout lines.svg &&
	flame_browser lines.svg frames=5 "label=main app.c:10" "label=tokenize app.c:60" \
		"label=parse parse.c:7" label=memcpy "nolabel=$(printf "\357\277\275")" \
		hover=tokenize details=tokenize "details=app.c:60" \
		hover=memcpy "details=in /usr/lib/libc.so.6" \
		search=app.c:60 matches=tokenize matched=50 "search=^parse$" matches=parse \
		search=libc matches=memcpy key=Escape \
		click=tokenize zoomed=tokenize "label=tokenize app.c:60" reset unzoomed \
		"label=main app.c:10"
'

test_expect_success 'a narrow frame shows its function alone, cut, never half a location' '
	printf "main;averyveryverylongfunctionname\tsrc/some/file.c:1234 40\nmain;other 60\n" >narrow.folded &&
	prof-flame --width 500 narrow.folded >narrow.svg &&
	grep -F "<text x=\"13\" y=\"47.82\">..veryverylongfunctionname</text>" narrow.svg &&
	flame_browser narrow.svg nolabel=file.c "label=..veryverylongfunctionname" \
		click=averyveryverylongfunctionname \
		"label=averyveryverylongfunctionname src/some/file.c:1234" reset nolabel=file.c \
		"label=..veryverylongfunctionname"
'

# A tower of 300 frames (a Python import chain) on a wide root: 5,000
# pixels tall in a window 1,000 high.
tower () {
	awk "BEGIN { s = \"root\"; for (i = 1; i <= 300; i++) s = s \";import_\" i; print s, 10; print \"root;work\", 90 }"
}

test_expect_success 'a tall graph opens on its root, the title and buttons in view' '
	tower >tall.folded &&
	prof-flame tall.folded >tall.svg &&
	test $(sed -n "s/.*<svg [^>]*height=\"\([0-9]*\)\".*/\1/p" tall.svg) -gt 4000 &&
	flame_browser tall.svg visible=all visible=root visible=work headshown \
		click=work zoomed=work headshown key=Escape unzoomed
'

test_expect_success 'a tall graph zoomed by its URL opens on the frame zoomed' '
	flame_browser tall.svg "open=?x=0&y=290" zoomed=import_289 visible=import_289 headshown
'

test_expect_success 'a tall icicle graph opens at the top, where its root is' '
	prof-flame --inverted tall.folded >tall-icicle.svg &&
	flame_browser tall-icicle.svg visible=all visible=root headshown
'

# One million distinct stacks: main;fNNN;gNNN, 1 each.  At the default
# --minwidth each g is 0.001 pixel wide and is merged into its f, so the
# file stays small and the browser draws 1,002 frames.
test_expect_success 'one million stacks: under 5 MB, rendered within 2 seconds' '
	awk "BEGIN { for (i = 0; i < 1000; i++) for (j = 0; j < 1000; j++)
		printf \"main;f%03d;g%03d 1\\n\", i, j }" >big.folded &&
	test_line_count = 1000000 big.folded &&
	prof-flame big.folded >big.svg &&
	size=$(wc -c <big.svg) &&
	echo "big.svg: $size bytes" &&
	test "$size" -lt 5000000 &&
	flame_browser big.svg load-ms=2000 frames=1002 click=f500 zoomed=f500 reset unzoomed
'

done_testing
