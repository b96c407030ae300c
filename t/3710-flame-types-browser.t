#!/bin/sh
test_description='prof-flame: an off-CPU graph in a real browser (headless Chromium): times in the details'
. "$(dirname "$0")/lib.sh"

# As t/3500: Debian's chromium driven by playwright-core (scripts/deps),
# through t/helpers/flame-browser.js and its steps.
CHROMIUM=${CHROMIUM:-/usr/bin/chromium}
PLAYWRIGHT_CORE=${PLAYWRIGHT_CORE:-$ROOT/.deps/node_modules/playwright-core}
export CHROMIUM PLAYWRIGHT_CORE

command -v node >/dev/null 2>&1 || skip_or_fail "no node (scripts/deps installs nodejs)"
test -x "$CHROMIUM" || skip_or_fail "no $CHROMIUM (scripts/deps installs chromium)"
test -f "$PLAYWRIGHT_CORE/package.json" ||
	skip_or_fail "no playwright-core in $PLAYWRIGHT_CORE (run scripts/deps)"

D=$T_DATA/offcpu

flame_browser () {
	node "$T_DIR/helpers/flame-browser.js" "$@"
}

test_expect_success 'hovering an off-CPU frame shows its time, not nanoseconds' '
	prof-flame "$D/offcpu.folded" >off.svg &&
	flame_browser off.svg hover=poll_loop "details=poll_loop" \
		"details=1.2s (41.38%), self 0" \
		hover=save_entry "details=800ms (27.59%)"
'

test_expect_success 'a state leaf and a zoom: the time, and its share of the zoomed frame' '
	flame_browser off.svg click=worker zoomed=worker "hover=pthread_mutex_lock" \
		"details=500ms (17.24%), self 0" "details=71.43% of the zoomed frame"
'

test_expect_success 'a wall graph: samples shown as the time they stand for' '
	prof-flame "$D/wall.folded" >wall.svg &&
	flame_browser wall.svg hover=compute_hash "details=2.3s (23.00%), self 1.5s (15.00%)"
'

done_testing
