#!/bin/sh
test_description='prof-flame --format html in a real browser: the search box and the table'
. "$(dirname "$0")/lib.sh"

CHROMIUM=${CHROMIUM:-/usr/bin/chromium}
PLAYWRIGHT_CORE=${PLAYWRIGHT_CORE:-$ROOT/.deps/node_modules/playwright-core}
export CHROMIUM PLAYWRIGHT_CORE
command -v node >/dev/null 2>&1 || skip_or_fail "no node (scripts/deps installs nodejs)"
test -x "$CHROMIUM" || skip_or_fail "no $CHROMIUM (scripts/deps installs chromium)"
test -f "$PLAYWRIGHT_CORE/package.json" ||
	skip_or_fail "no playwright-core in $PLAYWRIGHT_CORE (run scripts/deps)"

printf "a;b;c 60\na;b;d 30\na;e 10\n" >in

test_expect_success 'the search box searches the graph; a header sorts the table' '
	prof-flame --format html -o page.html in &&
	node "$T_DIR/helpers/flame-html.js" "$PWD/page.html" "^[cd]\$" 90.00
'

test_expect_success 'a hostile name in the page is text, not markup' '
	printf "a;</td><script>alert(1)</script> 5\na;\\\"><img src=x onerror=alert(2)> 5\n" >bad &&
	prof-flame --format html -o bad.html bad &&
	node "$T_DIR/helpers/flame-html.js" "$PWD/bad.html" "script" 50.00
'

test_expect_success 'long names and source locations: the Function column stays in view at 1,400 pixels' '
	awk "BEGIN { n = \"f\"; for (i = 0; i < 12; i++) n = n \"_with_a_long_templated_name<int>\"; print \"main;\" n \"\tsrc/x.c:1 40\"; print \"main;g\tsrc/g.c:7\t/usr/bin/app 60\" }" >long &&
	prof-flame --format html -o long.html long &&
	grep -F "<td data-v=\"g src/g.c:7 in /usr/bin/app\" title=\"g src/g.c:7 in /usr/bin/app\">g<span class=\"l\"> src/g.c:7 in /usr/bin/app</span></td>" long.html &&
	node "$T_DIR/helpers/flame-html.js" "$PWD/long.html" "^g\$" 60.00
'

test_expect_success 'a tall graph in the page opens on its root, the search box in view' '
	awk "BEGIN { s = \"root\"; for (i = 1; i <= 300; i++) s = s \";import_\" i; print s, 10; print \"root;work\", 90 }" >tall &&
	prof-flame --format html -o tall.html tall &&
	node "$T_DIR/helpers/flame-html.js" "$PWD/tall.html" work 90.00
'

done_testing
