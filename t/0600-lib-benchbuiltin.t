#!/bin/sh
test_description='lib/bench/benchbuiltin, lib/bench/alloccount: built-in micro-benchmarks, counted allocations'
. "$(dirname "$0")/lib.sh"

# The driver t/helpers/benchbuiltin-test.c (its comment lists its commands) is
# linked as prof-bench is: with lib/bench/alloccount.c compiled with
# -DPROF_ALLOCCOUNT_INTERPOSE, so that its malloc and the rest count.
# Optimised (-O2), so that the figures are those of a real build.  Under
# the sanitizers (make check SANITIZE=1) the interposer is left out and
# allocations are reported unavailable (-1); the tests expect that there.

INTERPOSE_FLAGS="$DRIVER_FLAGS -O2 -pthread"

test_expect_success 'build the driver' '
	$DRIVER_CC $INTERPOSE_FLAGS -DPROF_ALLOCCOUNT_INTERPOSE -c \
		-o alloccount-interpose.o "$ROOT/lib/bench/alloccount.c" &&
	$DRIVER_CC $INTERPOSE_FLAGS -o benchbuiltin-test "$ROOT/t/helpers/benchbuiltin-test.c" \
		alloccount-interpose.o "$ROOT/lib/bench/benchbuiltin.c" "$ROOT/lib/core/util.c" -lm
'
PATH=$TRASH:$PATH

if test -f "$ROOT/.build-sanitize"; then
	WANT_AVAILABLE=0
else
	WANT_AVAILABLE=1
fi
AVAILABLE=$(benchbuiltin-test available 2>/dev/null)

# is A OP B: the numbers A and B compare so (< <= == != >= >)
is () {
	test_cmp_num "$@"
}

test_expect_success 'counting is available unless a sanitizer replaced the allocator' '
	echo $WANT_AVAILABLE >expect &&
	benchbuiltin-test available >actual &&
	test_cmp expect actual
'

# KIND N SIZE: ALLOCS BYTES FREES (t/helpers/benchbuiltin-test.c says what a
# round of each kind does)
cat >count.cases <<\EOF
malloc 1000 100: 1000 100000 1000
malloc 1 1: 1 1 1
malloc 3000 4096: 3000 12288000 3000
calloc 1000 25: 1000 100000 1000
realloc 500 100: 1000 150000 1000
realloc0 700 64: 700 44800 700
reallocarray 100 10: 100 3000 100
strdup 1000 100: 1000 100000 1000
strdup 10 1: 10 10 10
posix_memalign 200 100: 200 20000 200
aligned_alloc 200 128: 200 25600 200
memalign 200 100: 200 20000 200
valloc 50 100: 50 5000 50
pvalloc 50 100: 50 5000 50
threads 5000 32: 10000 320000 10000
off 1000 100: 0 0 0
restart 1000 100: 1 100 1
EOF

if test "$AVAILABLE" = 1; then
	test_expect_success 'the counter counts exactly the calls made, in libc too' '
		: >expect && : >actual &&
		while IFS=: read -r args want; do
			echo "$args:$want" >>expect &&
			echo "$args: $(benchbuiltin-test count $args)" >>actual || exit 1
		done <count.cases &&
		test_cmp expect actual
	'
	test_expect_success 'two threads counting at once lose nothing' '
		for i in 1 2 3 4 5; do
			benchbuiltin-test count threads 100000 8 >actual &&
			echo "200000 1600000 200000" >expect &&
			test_cmp expect actual || exit 1
		done
	'
else
	test_skip 'the counter counts exactly the calls made, in libc too' 'built with sanitizers'
	test_skip 'two threads counting at once lose nothing' 'built with sanitizers'
fi

# Whether compiler CC builds and runs a program with AddressSanitizer.
asan_works () {
	command -v "$1" >/dev/null 2>&1 &&
	printf "int main(void) { return 0; }\n" >asan-probe.c &&
	"$1" -fsanitize=address -o asan-probe asan-probe.c >/dev/null 2>&1 &&
	./asan-probe
}

for cc in gcc clang; do
	if ! command -v $cc >/dev/null 2>&1; then
		test_skip "$cc: the interposer only where it was asked for" "no $cc"
		continue
	fi
	test_expect_success "$cc: the interposer only where it was asked for" '
		flags="-std=gnu11 -O2 -I$ROOT/lib -pthread" &&
		'$cc' $flags -DPROF_ALLOCCOUNT_INTERPOSE -c -o with.o "$ROOT/lib/bench/alloccount.c" &&
		'$cc' $flags -c -o without.o "$ROOT/lib/bench/alloccount.c" &&
		nm with.o >with.nm &&
		nm without.o >without.nm &&
		for f in malloc free calloc realloc reallocarray posix_memalign \
		    aligned_alloc memalign valloc pvalloc; do
			grep -q " T $f\$" with.nm &&
			! grep -q " T $f\$" without.nm || { echo "$f"; exit 1; }
		done
	'
	if ! asan_works $cc; then
		test_skip "$cc: no interposer under AddressSanitizer" "$cc cannot build with -fsanitize=address here"
		continue
	fi
	# -O0 and ASan alone: what decides is __SANITIZE_ADDRESS__, and
	# benchbuiltin.c at -O1 with UBSan took 10 s of a loaded machine to compile.
	test_expect_success "$cc: no interposer under AddressSanitizer" '
		flags="-std=gnu11 -O0 -I$ROOT/lib -pthread -fsanitize=address" &&
		'$cc' $flags -DPROF_ALLOCCOUNT_INTERPOSE -c -o asan.o "$ROOT/lib/bench/alloccount.c" &&
		nm asan.o >asan.nm &&
		! grep -q " T malloc\$" asan.nm &&
		! grep -q " T free\$" asan.nm &&
		'$cc' $flags -o benchbuiltin-asan "$ROOT/t/helpers/benchbuiltin-test.c" asan.o \
			"$ROOT/lib/bench/benchbuiltin.c" "$ROOT/lib/core/util.c" -lm &&
		echo 0 >expect &&
		benchbuiltin-asan available >actual &&
		test_cmp expect actual &&
		benchbuiltin-asan run memory-allocation -n 1000 >out &&
		. ./out &&
		test "$ops" = 1000 &&
		is "$allocs_per_op" == -1 &&
		is "$bytes_per_op" == -1
	'
done

if test -f "$ROOT/lib/libprof.a" &&
    ar t "$ROOT/lib/libprof.a" | grep -qx benchbuiltin.o &&
    ar t "$ROOT/lib/libprof.a" | grep -qx alloccount.o; then
	test_expect_success 'lib/libprof.a defines no allocator' '
		nm "$ROOT/lib/libprof.a" 2>/dev/null >archive.nm &&
		! grep -E " T (malloc|free|calloc|realloc)\$" archive.nm
	'
	test_expect_success 'the interposer linked before lib/libprof.a wins over its copy' '
		$DRIVER_CC $INTERPOSE_FLAGS -o benchbuiltin-ar "$ROOT/t/helpers/benchbuiltin-test.c" \
			alloccount-interpose.o "$ROOT/lib/libprof.a" -lm &&
		echo $WANT_AVAILABLE >expect &&
		benchbuiltin-ar available >actual &&
		test_cmp expect actual &&
		if test $WANT_AVAILABLE = 1; then
			echo "1000 100000 1000" >expect &&
			benchbuiltin-ar count strdup 1000 100 >actual &&
			test_cmp expect actual
		fi
	'
else
	test_skip 'lib/libprof.a defines no allocator' 'lib/libprof.a without benchbuiltin.o; run make lib/libprof.a'
	test_skip 'the interposer linked before lib/libprof.a wins over its copy' 'lib/libprof.a without benchbuiltin.o'
fi

test_expect_success 'the names are exactly the five, each described' '
	cat >expect <<-\EOF &&
	memory-allocation
	thread-creation
	pipe-operations
	json-marshal
	string-operations
	EOF
	benchbuiltin-test names >actual &&
	test_cmp expect actual &&
	while read -r name; do
		benchbuiltin-test about $name >about &&
		test_line_count = 1 about &&
		test -s about || exit 1
	done <expect &&
	test_expect_code 1 benchbuiltin-test about list &&
	test_expect_code 1 benchbuiltin-test about ""
'

test_expect_success 'an unknown name is an error' '
	test_expect_code 1 benchbuiltin-test run nope >out 2>err &&
	test_must_be_empty out &&
	grep "nope: no such built-in benchmark" err &&
	test_expect_code 1 benchbuiltin-test run Memory-Allocation 2>err &&
	test_expect_code 1 benchbuiltin-test run "" 2>err
'

test_expect_success 'options out of range are an error' '
	test_expect_code 1 benchbuiltin-test run string-operations -c -1 2>err &&
	grep "out of range" err &&
	test_expect_code 1 benchbuiltin-test run string-operations -n -5 2>err &&
	test_expect_code 1 benchbuiltin-test run string-operations -d -1 2>err &&
	test_expect_code 1 benchbuiltin-test run string-operations -w -1 2>err
'

# check_run NAME ARGS...: runs it into out and checks what every run must
# hold: operations and batches, positive times, throughput = ops / time.
check_run () {
	benchbuiltin-test run "$@" >out || { echo "run $* failed" >&2; return 1; }
	. ./out &&
	is "$ops" ">" 0 && is "$nbatch" ">" 0 && is "$batch_ops" ">" 0 &&
	is "$ns_per_op" ">" 0 && is "$min_batch_ns" ">" 0 &&
	is "$max_batch_ns" ">=" "$min_batch_ns" && is "$elapsed" ">" 0 &&
	is "$(awk -v o="$ops" -v e="$elapsed" -v r="$ops_per_s" \
		"BEGIN { d = r - o / e; print (d < 0 ? -d : d) / r }")" "<" 0.000001 &&
	if test $AVAILABLE = 1; then
		is "$allocs_per_op" ">=" 0 && is "$bytes_per_op" ">=" 0
	else
		is "$allocs_per_op" == -1 && is "$bytes_per_op" == -1
	fi || { cat out >&2; return 1; }
}

test_expect_success 'by iterations: exactly that many operations are timed' '
	for name in $(benchbuiltin-test names); do
		for n in 1 7 1000; do
			check_run $name -n $n &&
			test "$ops" = $n &&
			# one thread: the batches are full but the last, back to back
			is "$nbatch" == "$(( (n + batch_ops - 1) / batch_ops ))" &&
			is "$(awk -v t="$ns_per_op" -v o="$ops" -v e="$elapsed" \
				"BEGIN { d = t * o / 1e9 - e; print (d < 0 ? -d : d) / e }")" "<" 0.01 ||
			{ echo "$name -n $n"; cat out; exit 1; }
		done
	done
'

test_expect_success 'by iterations with threads: the total is shared out exactly' '
	for name in $(benchbuiltin-test names); do
		for args in "-n 1001 -c 2" "-n 10 -c 3" "-n 2 -c 3 -w 2"; do
			set -- $args &&
			n=$2 &&
			check_run $name $args &&
			test "$ops" = "$n" ||
			{ echo "$name $args"; cat out; exit 1; }
		done
	done
'

test_expect_success 'by duration with two threads: every builtin runs that long' '
	for name in $(benchbuiltin-test names); do
		check_run $name -d 0.2 -c 2 -w 1 &&
		is "$nbatch" ">=" 2 &&
		is "$elapsed" ">=" 0.2 &&
		is "$elapsed" "<" 2 ||
		{ echo "$name"; cat out; exit 1; }
	done
'

test_expect_success 'by duration, the default: one second' '
	check_run string-operations &&
	is "$elapsed" ">=" 1 &&
	is "$elapsed" "<" 2
'

test_expect_success 'thread-creation: a thread takes over a microsecond' '
	check_run thread-creation -n 200 &&
	is "$ns_per_op" ">" 1000 &&
	is "$ns_per_op" "<" 10000000 &&
	check_run thread-creation -d 0.1 -c 2 &&
	is "$ns_per_op" ">" 1000
'

if test "$AVAILABLE" = 1; then
	test_expect_success 'memory-allocation: one allocation an operation, of the sizes it draws' '
		check_run memory-allocation -n 5000 &&
		is "$allocs_per_op" == 1 &&
		# the mean of its 16 sizes, 16 B to 16 KiB, is 2093.5
		is "$bytes_per_op" ">" 1500 && is "$bytes_per_op" "<" 2700 &&
		check_run memory-allocation -d 0.1 -c 2 &&
		is "$allocs_per_op" == 1
	'
	test_expect_success 'string-operations: one string an operation, of 65 to 70 bytes' '
		check_run string-operations -n 100 -c 2 &&
		is "$allocs_per_op" == 1 &&
		is "$bytes_per_op" ">=" 65 && is "$bytes_per_op" "<=" 70
	'
	test_expect_success 'json-marshal: the text, the name and 5 tags at least, every time alike' '
		check_run json-marshal -n 100 &&
		is "$allocs_per_op" ">=" 7 &&
		is "$allocs_per_op" == "$(printf "%.0f" "$allocs_per_op")" &&
		is "$bytes_per_op" == "$(printf "%.0f" "$bytes_per_op")"
	'
	test_expect_success 'pipe-operations: a message allocates nothing' '
		check_run pipe-operations -n 1000 -c 2 &&
		is "$allocs_per_op" == 0 &&
		is "$bytes_per_op" == 0
	'
else
	for t in memory-allocation string-operations json-marshal pipe-operations; do
		test_skip "$t: allocations per operation" 'built with sanitizers'
	done
fi

if command -v python3 >/dev/null 2>&1; then
	test_expect_success 'json-marshal: the record written is the JSON python reads' '
		benchbuiltin-test json >record.json &&
		test_line_count = 1 record.json &&
		python3 -c "
import json
want = {\"id\": 9007199254740993,
	\"name\": \"caf\\u00e9 \\u20ac \\U0001F600 \\\"quoted\\\" back\\\\slash\\ttab\\nline\\r\\b\\f\\x01\\x1f/ end\",
	\"score\": -1.2345678, \"active\": True,
	\"tags\": [\"cpu\", \"memory\", \"i/o \\\"disk\\\"\", \"\", \"\\u65e5\\u672c\"],
	\"counts\": [0, 1, -1, 42, 1000000007, 9223372036854775807, -9223372036854775808, 12345]}
got = json.loads(open(\"record.json\", encoding=\"utf-8\").read())
assert got == want, got
assert type(got[\"score\"]) is float
json.dump(want, open(\"want.json\", \"w\"))
"
	'

	# Texts made by python from the record: CASE WANT, where WANT is what
	# benchbuiltin_json_check answers (1 the record, 0 another, -1 not one).
	test_expect_success 'json-marshal: the parser reads any JSON of the record, and only that' '
		mkdir cases &&
		python3 -c "
import json
w = json.load(open(\"want.json\"))
t = json.dumps(w)
cases = []
def case(text, want):
	cases.append((text, want))
def with_(**kw):
	d = dict(w)
	d.update(kw)
	return json.dumps(d)
case(t, 1)                                           # ASCII: \\u escapes, surrogates
case(json.dumps(w, ensure_ascii=False), 1)           # UTF-8 as it is
case(json.dumps(w, indent=\"\\t\", sort_keys=True), 1)
case(\" \\r\\n\" + json.dumps(w, separators=(\",\", \":\")) + \"\\n\\n\", 1)
case(t.replace(\"/ end\", \"\\\\/ end\"), 1)
case(json.dumps(dict(w, extra={\"a\": [1, -2.5e3, None, True, False, \"x\\\\u0041\", {}], \"b\": []})), 1)
case(t.replace(\"-1.2345678\", \"-12345678e-7\"), 1)
case(with_(id=w[\"id\"] - 1), 0)
case(with_(name=w[\"name\"][:-1]), 0)
case(with_(score=-1.2345678000000002), 0)
case(with_(active=False), 0)
case(with_(tags=w[\"tags\"][:4]), 0)
case(with_(counts=w[\"counts\"][::-1]), 0)
case(with_(tags=[]), 0)
case(\"\", -1)
case(\"{\", -1)
case(\"[]\", -1)
case(\"{}\", -1)
case(\"{\\\"id\\\": 1}\", -1)
case(t[:-1] + \", \\\"id\\\": 1}\", -1)                   # a member twice
case(t + \" x\", -1)
case(t[:-1], -1)
case(t.replace(\"quoted\", \"quo\\\\xted\"), -1)            # no escape \\x
case(t.replace(\"quoted\", \"quo\\\\udc00ted\"), -1)        # a lone low surrogate
case(t.replace(\"quoted\", \"quo\\\\ud83dted\"), -1)        # a high one alone
case(t.replace(\"quoted\", \"quo\\\\u0000ted\"), -1)
case(t.replace(\"quoted\", \"quo\\\\u12\"), -1)
case(t.replace(\"quoted\", \"quo\\tted\"), -1)             # a raw tab
case(t.replace(\"9007199254740993\", \"09007199254740993\"), -1)
case(t.replace(\"9007199254740993\", \"9007199254740993.0\"), -1)
case(t.replace(\"9223372036854775807\", \"9223372036854775808\"), -1)
case(t.replace(\"-9223372036854775808\", \"-9223372036854775809\"), -1)
case(t.replace(\"-1.2345678\", \"1e999\"), -1)
case(t.replace(\"-1.2345678\", \"-.5\"), -1)
case(t.replace(\"-1.2345678\", \"1.\"), -1)
case(t.replace(\"true\", \"True\"), -1)
case(t.replace(\"true\", \"1\"), -1)
case(with_(tags=[\"a\"] * 9), -1)
case(with_(counts=list(range(17))), -1)
case(with_(counts=[1.5]), -1)
case(with_(tags=[1]), -1)
case(with_(extra=json.loads(\"[\" * 70 + \"]\" * 70)), -1)  # nested too deep
case(t.replace(\"\\\"counts\\\"\", \"\\\"x\\\":,\\\"counts\\\"\"), -1) # no value
for i, (text, want) in enumerate(cases):
	open(\"cases/%02d.json\" % i, \"w\", encoding=\"utf-8\").write(text)
	open(\"cases/%02d.want\" % i, \"w\").write(\"%d\\n\" % want)
" &&
		for f in cases/*.json; do
			benchbuiltin-test json-check <$f >got &&
			cut -d" " -f1 got >answer &&
			test_cmp ${f%.json}.want answer || { echo "$f: $(cat got)"; cat $f; exit 1; }
			if test "$(cat answer)" = -1; then
				test "$(wc -w <got)" -gt 1 || { echo "$f: no reason"; exit 1; }
			fi
		done &&
		ls cases/*.json | wc -l >n &&
		is "$(cat n)" ">" 40
	'
else
	test_skip 'json-marshal: the record written is the JSON python reads' 'no python3'
	test_skip 'json-marshal: the parser reads any JSON of the record, and only that' 'no python3'
fi

done_testing
