#!/bin/sh
test_description='lib/README: the folders of lib/, what each may include, one prefix per module'
. "$(dirname "$0")/lib.sh"

# scripts/lib-layout checks the tree against lib/README's map.  It must
# pass on the tree, and find each kind of breach planted in a copy.
command -v perl >/dev/null 2>&1 || skip_or_fail "no perl"
LAYOUT=$ROOT/scripts/lib-layout

test_expect_success 'the tree follows lib/README' '
	"$LAYOUT" "$ROOT" >out &&
	test_must_be_empty out
'

test_expect_success 'a copy of lib/ to plant breaches in' '
	mkdir tree &&
	cp -R "$ROOT/lib" tree/ &&
	rm -f tree/lib/*/*.o tree/lib/*/*.d tree/lib/libprof.a &&
	"$LAYOUT" tree >out &&
	test_must_be_empty out
'

# plant WHAT EXPECTED FILE EDIT: applies the sed EDIT to tree/FILE, checks
# that the report names FILE with EXPECTED, then undoes the edit.
plant () {
	test_expect_success "finds $1" "
		cp tree/$3 saved &&
		sed -i '$4' tree/$3 &&
		test_expect_code 1 \"\$LAYOUT\" tree >out &&
		cat out &&
		grep -F '$3: $2' out &&
		mv saved tree/$3 &&
		\"\$LAYOUT\" tree >out && test_must_be_empty out
	"
}
plant 'an include that goes against the map' 'includes record/unwind.h; lib/README lets folded/ use only core' \
	lib/folded/stacktable.c '1a #include "record/unwind.h"'
plant 'an include not by folder' 'includes "util.h", not FOLDER/NAME.h of lib/' \
	lib/folded/stacktable.c 's|"core/util.h"|"util.h"|'
plant 'a function without its module prefix' 'declares stab_new(), not stacktable_' \
	lib/folded/stacktable.h 's/stacktable_new(/stab_new(/'
plant 'a struct without its module prefix' 'declares struct rule, not rules_' \
	lib/plan/rules.h 's/struct rules_entry {/struct rule {/'
plant 'a constant without its module prefix' 'declares the constant FOLDED_OK, not META_' \
	lib/folded/meta.h '/^struct meta {/i enum { FOLDED_OK };'
plant 'a macro without its module prefix' 'defines MAXKEY, not META_' \
	lib/folded/meta.h '/^struct meta {/i #define MAXKEY 64'

test_expect_success 'finds a file beside no module header' '
	echo "int x;" >tree/lib/core/strings.c &&
	test_expect_code 1 "$LAYOUT" tree >out &&
	grep -F "lib/core/strings.c: no module header core/strings.h" out &&
	rm tree/lib/core/strings.c
'

test_expect_success 'finds a folder the map does not have, and one it has that is gone' '
	mv tree/lib/top tree/lib/rank &&
	test_expect_code 1 "$LAYOUT" tree >out &&
	grep -F "lib/rank: a folder lib/README does not map" out &&
	grep -F "lib/README: maps lib/top/, which does not exist" out
'

done_testing
