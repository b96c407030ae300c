#!/bin/sh
test_description='prof-fold: pprof profiles read (crafted ones: every feature, every defect) and written'
. "$(dirname "$0")/lib.sh"

# The profiles are made by t/data/pprof/craft.py, a protobuf encoder of
# its own (plain profile.proto; gzip makes the gzipped ones); its cases
# say what each shows.  t/2810 reads the profiles Go writes.
command -v python3 >/dev/null 2>&1 || skip_or_fail 'no python3'
command -v gzip >/dev/null 2>&1 || skip_or_fail 'no gzip'
craft () {
	python3 "$T_DATA/pprof/craft.py" "$1" >"$1.pb"
}

test_expect_success 'the crafted profiles' '
	for c in features cpu micro empty_stack bad_location bad_string bad_function \
	    bad_mapping negative values duplicate no_empty_string wire cut; do
		craft $c || return 1
	done &&
	gzip -c features.pb >features.pb.gz
'

test_expect_success 'a plain and a gzipped profile are detected, and read alike' '
	prof-fold features.pb >expect &&
	prof-fold features.pb.gz >actual &&
	test_cmp expect actual &&
	prof-fold <features.pb.gz >actual &&
	test_cmp expect actual
'

test_expect_success 'the default sample type, inline frames, code without a function' '
	cat >expect <<-\EOF &&
	# type: memory
	# unit: objects
	main;[unknown] 1
	main;libz.so.1+0x1234 2
	main;parse;next_token_[i] 3
	EOF
	prof-fold features.pb >actual &&
	test_cmp expect actual
'

test_expect_success '--sample-type: another value; names made frame-safe; zeros skipped' '
	cat >expect <<-\EOF &&
	# type: memory
	# unit: bytes
	main;[unknown] 100
	main;libz.so.1+0x1234 200
	main;odd:name with tab 50
	main;parse;next_token_[i] 300
	EOF
	prof-fold --sample-type alloc_space features.pb >actual &&
	test_cmp expect actual
'

test_expect_success '--label (twice) and --context: label roots, file:line and module' '
	printf "%s\n" "# type: memory" "# unit: objects" \
	    "request:GET /a;bytes:64 bytes;main	app.c:5	/usr/bin/app;parse	parse.c:42	/usr/bin/app;next_token	lex.h:7	/usr/bin/app_[i] 3" \
	    "request:POST /b;bytes:[none];main	app.c:5	/usr/bin/app;libz.so.1+0x1234 2" \
	    "request:[none];bytes:[none];main	app.c:5	/usr/bin/app;[unknown] 1" >expect &&
	prof-fold --context --label request --label bytes features.pb >actual &&
	test_cmp expect actual
'

test_expect_success 'metadata of a CPU profile: the last value, period, start, duration, comments' '
	cat >expect <<-\EOF &&
	# type: cpu
	# unit: nanoseconds
	# period: 10000000 ns
	# start: 2023-11-14T22:13:20Z
	# duration: 2.5 s
	# drop_frames: runtime\..*
	# comment: built by craft.py
	main.main 10000000
	main.main;main.work 30000000
	EOF
	prof-fold cpu.pb >actual &&
	test_cmp expect actual &&
	prof-fold --sample-type samples cpu.pb >actual &&
	grep -Fx "# unit: samples" actual &&
	grep -Fx "# type: cpu" actual &&
	grep -Fx "main.main;main.work 3" actual
'

test_expect_success 'microseconds are made nanoseconds; an empty stack is one empty frame' '
	printf "# type: wall\n# unit: nanoseconds\nf 7000\n" >expect &&
	prof-fold micro.pb >actual &&
	test_cmp expect actual &&
	printf "# unit: samples\n 4\n" >expect &&
	prof-fold empty_stack.pb >actual &&
	test_cmp expect actual
'

# (--input-format pprof: a plain profile damaged in its first bytes is no
# longer known as one, and would be refused as text)
while read -r case why; do
	case_case=$case case_why=$why
	test_expect_success "refused, nothing written: $case ($why)" '
		test_expect_code 2 prof-fold --input-format pprof -o out $case_case.pb 2>err &&
		test ! -e out &&
		grep -F "prof-fold: $case_case.pb: not a readable pprof profile: $case_why" err
	'
done <<'CASES'
bad_location sample 0 has location 5, which is not in the profile
bad_string a function's name: string 99 of a table of 3
bad_function location 1 has function 7, which is not in the profile
bad_mapping location 1 has mapping 3, which is not in the profile
negative sample 0 has a negative value (-5), which prof's counts cannot be
values sample 0 has 2 values for 1 sample types
duplicate two locations have id 3
no_empty_string its string table does not start with the empty string
wire not a profile.proto message
cut not a profile.proto message
CASES

test_expect_success 'a damaged gzip stream is refused' '
	head -c 40 features.pb.gz >short.pb.gz &&
	test_expect_code 2 prof-fold short.pb.gz >out 2>err &&
	test_must_be_empty out &&
	grep -F "prof-fold: short.pb.gz: not a readable pprof profile: gzip: the data ends early" err &&
	printf "\037\213garbage" >bad.gz &&
	test_expect_code 2 prof-fold bad.gz 2>err &&
	grep -F "prof-fold: bad.gz: not a readable pprof profile: gzip:" err
'

test_expect_success 'a text format asked for: a plain profile is text, a gzipped one a profile' '
	test_expect_code 2 prof-fold --input-format folded features.pb >out 2>err &&
	grep -F "prof-fold: features.pb: not a profile:" err &&
	prof-fold --input-format folded features.pb.gz >actual &&
	prof-fold features.pb >expect &&
	test_cmp expect actual &&
	test_expect_code 2 prof-fold wire.pb 2>err &&
	grep -F "prof-fold: wire.pb: not a profile:" err
'

test_expect_success 'an unknown --sample-type names the types there are' '
	test_expect_code 2 prof-fold --sample-type heap features.pb >out 2>err &&
	test_must_be_empty out &&
	echo "prof-fold: features.pb: --sample-type: ${SQ}heap${SQ} is not a sample type of the profile; use alloc_objects or alloc_space" >expect &&
	test_cmp expect err
'

test_expect_success '--input-format pprof forces it: a folded file is refused' '
	printf "a;b 1\n" >in.folded &&
	test_expect_code 2 prof-fold --input-format pprof in.folded 2>err &&
	grep -F "prof-fold: in.folded: not a readable pprof profile:" err &&
	prof-fold --input-format pprof features.pb >actual &&
	prof-fold features.pb >expect &&
	test_cmp expect actual
'

test_expect_success 'a pprof profile and folded stacks of its type and unit are summed' '
	printf "# type: memory\n# unit: objects\nmain;[unknown] 4\n" >more.folded &&
	prof-fold features.pb more.folded >actual &&
	grep -Fx "main;[unknown] 5" actual &&
	printf "# type: cpu\n# unit: nanoseconds\nmain 4\n" >cpu.folded &&
	test_expect_code 2 prof-fold features.pb cpu.folded 2>err &&
	grep "differ in type or unit" err
'

# Writing.
cat >in.folded <<\EOF
# type: cpu
# unit: samples
# frequency: 99 Hz
# command: "./app 5"
# start: 2026-11-21T09:30:00Z
# duration: 2.5 s
app;main;parse	src/p.c:42	/usr/bin/app;inl	src/p.h:3	/usr/bin/app_[i] 7
app;main;parse	src/p.c:43	/usr/bin/app 1
app;main;memcpy		/lib/libc.so.6 3
app;main;x	C:\src\a.c 1
app;main;y	a.c:0 1
app;vfs_read_[k] 2
app;sched	kernel.c:9_[k] 2
app;j_[j];w_[w] 1
_[i];;x 1
 1
a b;c  d 5
EOF

test_expect_success 'round trip: folded -> pprof -> folded (--context) keeps every stack and count' '
	prof-fold --format pprof -o rt.pb.gz in.folded &&
	prof-fold --context rt.pb.gz >out &&
	grep -v "^#" in.folded | LC_ALL=C sort >expect &&
	grep -v "^#" out >actual &&
	test_cmp expect actual
'

test_expect_success 'round trip: plain frames need no --context' '
	printf "a;b 1\na;b;c 3\nx;y_[i] 2\n" >plain.folded &&
	prof-fold --format pprof -o rt.pb.gz plain.folded &&
	prof-fold rt.pb.gz >out &&
	grep -v "^#" out >actual &&
	test_cmp plain.folded actual
'

test_expect_success 'round trip: the metadata comes back, from the comments' '
	prof-fold --format pprof -o rt.pb.gz in.folded &&
	prof-fold rt.pb.gz >out &&
	for k in "type: cpu" "unit: samples" "frequency: 99 Hz" "command: \"./app 5\"" \
	    "start: 2026-11-21T09:30:00Z" "duration: 2.5 s" "period: 10101010 ns"; do
		grep -Fx "# $k" out || { echo "lost: $k"; return 1; }
	done
'

test_expect_success 'the pprof output is gzipped, one sample type named after the unit' '
	prof-fold --format pprof -o rt.pb.gz in.folded &&
	gzip -t rt.pb.gz &&
	gzip -dc rt.pb.gz >rt.pb &&
	prof-fold --context rt.pb >a && prof-fold --context rt.pb.gz >b && test_cmp a b &&
	grep -a -F "samples" rt.pb >/dev/null && grep -a -F "count" rt.pb >/dev/null
'

# unit and type -> the sample type pprof shows (and back)
while read -r type unit st; do
	case_type=$type case_unit=$unit case_st=$st
	test_expect_success "--format pprof: $type/$unit is $st" '
		printf "# type: %s\n# unit: %s\na;b 5\n" $case_type $case_unit >t.folded &&
		prof-fold --format pprof -o t.pb.gz t.folded &&
		prof-fold --sample-type ${case_st%%/*} t.pb.gz >out &&
		grep -Fx "a;b 5" out &&
		grep -Fx "# type: $case_type" out && grep -Fx "# unit: $case_unit" out &&
		gzip -dc t.pb.gz | grep -a -F "${case_st#*/}" >/dev/null
	'
done <<'CASES'
cpu nanoseconds cpu/nanoseconds
cpu samples samples/count
memory bytes alloc_space/bytes
memory objects alloc_objects/count
lock nanoseconds delay/nanoseconds
lock samples contentions/count
threads threads threads/count
CASES

test_expect_success 'functions and locations are written once' '
	awk "BEGIN { for (i = 0; i < 200; i++) printf \"main;f%d;leaf 1\\n\", i }" >many.folded &&
	prof-fold --format pprof -o many.pb.gz many.folded &&
	gzip -dc many.pb.gz >many.pb &&
	test $(grep -a -o "leaf" many.pb | wc -l) -le 4 &&
	test $(grep -a -o "main" many.pb | wc -l) -le 4 &&
	prof-fold many.pb.gz | grep -v "^#" >actual &&
	LC_ALL=C sort many.folded >expect &&
	test_cmp expect actual
'

test_expect_success '--format pprof refuses decimals and differential profiles, writing nothing' '
	printf "a;b 1.5\n" >dec.folded &&
	test_expect_code 2 prof-fold --format pprof -o out.pb.gz dec.folded 2>err &&
	test ! -e out.pb.gz &&
	grep -F "prof-fold: --format pprof: the count 1.5 is not a whole number" err &&
	prof-fold --format pprof --scale 2 -o out.pb.gz dec.folded &&
	prof-fold out.pb.gz | grep -Fx "a;b 3" &&
	rm out.pb.gz &&
	printf "a;b 1 2\n" >diff.folded &&
	test_expect_code 2 prof-fold --format pprof -o out.pb.gz diff.folded 2>err &&
	test ! -e out.pb.gz &&
	grep -F "differential" err
'

test_expect_success 'an unknown --format is a usage error' '
	test_expect_code 2 prof-fold --format svg in.folded >out 2>err &&
	test_must_be_empty out &&
	grep -F -e "--format: ${SQ}svg${SQ} is not a format; use folded or pprof" err
'

if command -v script >/dev/null 2>&1 && script -qec true /dev/null >/dev/null 2>&1 </dev/null; then
	test_expect_success '--format pprof does not write binary to a terminal' '
		script -qec "prof-fold --format pprof $PWD/in.folded; echo status=\$?" /dev/null </dev/null >out &&
		grep -F "not writing a binary profile to a terminal" out &&
		grep "status=2" out
	'
else
	test_skip '--format pprof does not write binary to a terminal' 'script(1) cannot open a pty'
fi

test_expect_success 'prof-diff reads pprof files, plain or gzipped; a flame chart refuses one' '
	printf "a;b 3\na;c 2\n" >d1.folded &&
	printf "a;b 1\na;c 4\n" >d2.folded &&
	prof-fold --format pprof -o d1.pb.gz d1.folded &&
	prof-fold --format pprof -o d2.pb.gz d2.folded &&
	gzip -dc d1.pb.gz >d1.pb && gzip -dc d2.pb.gz >d2.pb &&
	prof-diff d1.folded d2.folded | grep -v "^#" >expect &&
	prof-diff d1.pb d2.pb | grep -v "^#" >actual &&
	test_cmp expect actual &&
	prof-diff d1.pb.gz d2.pb | grep -v "^#" >actual &&
	test_cmp expect actual &&
	test_expect_code 2 prof-flame --flamechart d1.pb.gz >chart.svg 2>err &&
	cat err
'

test_expect_success 'prof-flame and prof-plan read a plain profile from a file; text that looks like one stays text' '
	prof-flame d1.pb >plain.svg && grep -F "<title>b" plain.svg &&
	prof-plan d1.pb >plan.md && grep -F "5 samples" plan.md &&
	printf "\na;b 3\n" >looks.folded &&
	prof-flame looks.folded >looks.svg 2>err && cat err &&
	grep -F "<title>b" looks.svg
'

done_testing
