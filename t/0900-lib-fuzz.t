#!/bin/sh
test_description='fuzz/: the fuzzers'"'"' corpora and crashers (t/fuzz/TARGET/) replayed under the normal build'
. "$(dirname "$0")/lib.sh"

# Each harness fuzz/fuzz-TARGET.c is linked with fuzz/replay.c, a main that
# runs it once per file, instead of libFuzzer: no fuzzing, only the inputs
# kept, with the build's compiler and sanitizers.  A harness aborts when a
# property fails.
XML_CFLAGS=$(pkg-config --cflags libxml-2.0 2>/dev/null)
XML_LIBS=$(pkg-config --libs libxml-2.0 2>/dev/null)
test -n "$XML_LIBS" || skip_or_fail 'no libxml2 (libxml2-dev)'
test -f "$ROOT/lib/libprof.a" || skip_all 'lib/libprof.a is not built (make)'
LIBS="$ROOT/lib/libprof.a $(pkg-config --libs libdw libelf libunwind libunwind-generic libprotobuf-c zlib) $XML_LIBS -lcsv -lstdc++ -lm -pthread"

for dir in "$ROOT"/t/fuzz/*/; do
	target=$(basename "$dir")
	test_expect_success "fuzz-$target: the harness builds with the replay driver" '
		$DRIVER_CC $DRIVER_FLAGS $XML_CFLAGS -I"$ROOT/fuzz" -o replay-'"$target"' \
			"$ROOT/fuzz/fuzz-'"$target"'.c" "$ROOT/fuzz/fuzz.c" "$ROOT/fuzz/replay.c" $LIBS
	'
	for f in "$dir"*; do
		test_expect_success "fuzz-$target: $(basename "$f")" '
			./replay-'"$target"' "'"$f"'" >out 2>err ||
			{ tail -n 30 err; false; }
		'
	done
done

done_testing
