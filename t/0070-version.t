#!/bin/sh
test_description='--version on every program, messages named by the program, the version in profiles'
. "$(dirname "$0")/lib.sh"

ALL="record fold flame top bench diff plan"
version=$("$ROOT/scripts/version")

test_expect_success 'scripts/version prints VERSION (refined only by a matching git tag)' '
	v=$(sed -n 1p "$ROOT/VERSION") &&
	echo "$v" | grep -E "^[0-9]+\.[0-9]+\.[0-9]+\$" &&
	case $version in
	"$v"|"$v"-*) ;;
	*) echo "scripts/version says $version, VERSION $v"; exit 1 ;;
	esac
'

for p in $ALL; do
	case_p=$p
	test_expect_success "prof-$p --version: one line, prof-$p $version, exit 0" '
		prof-$case_p --version >out 2>err &&
		test_must_be_empty err &&
		echo "prof-$case_p $version" >expect &&
		test_cmp expect out
	'
	# The program is run by its full path, as an installed one is found
	# in PATH: getopt names argv[0], which must be the short name.
	test_expect_success "prof-$p: getopt's messages begin with prof-$p:" '
		test_expect_code 2 "$ROOT/bin/prof-$case_p" --nope </dev/null >out 2>err &&
		test_must_be_empty out &&
		head -n 1 err >first &&
		grep "^prof-$case_p: unrecognized option" first &&
		test_expect_code 2 "$ROOT/bin/prof-$case_p" -% </dev/null 2>err &&
		head -n 1 err | grep "^prof-$case_p: invalid option" &&
		test_expect_code 2 "$ROOT/bin/prof-$case_p" --help=x </dev/null 2>err &&
		head -n 1 err | grep "^prof-$case_p: option ${SQ}--help${SQ} doesn${SQ}t allow an argument" &&
		! grep -F "$ROOT" err
	'
done

test_expect_success 'a missing value names the program too' '
	test_expect_code 2 "$ROOT/bin/prof-top" --sort </dev/null 2>err &&
	head -n 1 err >first &&
	grep "^prof-top: option ${SQ}--sort${SQ} requires an argument" first
'

test_expect_success '--version on a full output: a write error, exit 1' '
	test -w /dev/full || exit 0
	test_expect_code 1 prof-fold --version >/dev/full 2>err &&
	grep "^prof-fold: stdout: " err
'

# --type threads reads /proc only: no perf_event_open needed.
# The value is "prof VERSION", quoted since a metadata line may not end
# in a digit (prof-folded(5)).
test_expect_success 'prof-record writes # recorder: "prof VERSION" in its metadata' '
	sleep 30 &
	pid=$! &&
	prof-record --type threads -p $pid -o out.folded;
	st=$?
	kill $pid
	test $st = 0 &&
	echo "# recorder: \"prof $version\"" >expect &&
	grep "^# recorder: " out.folded >actual &&
	test_cmp expect actual
'

test_expect_success 'the metadata carries the recorder through prof-fold and pprof' '
	printf "# type: cpu\n# recorder: \"prof %s\"\na;b 3\n" "$version" >in.folded &&
	prof-fold --format pprof -o p.pb.gz in.folded &&
	prof-fold p.pb.gz >back &&
	grep "^# recorder: " back >actual &&
	grep "^# recorder: " in.folded >expect &&
	test_cmp expect actual
'

test_expect_success 'libprof-agent.so carries the version, for strings(1)' '
	grep -a -o "prof-agent-version=[^[:cntrl:]]*" "$ROOT/bin/libprof-agent.so" >actual &&
	echo "prof-agent-version=$version" >expect &&
	test_cmp expect actual
'

# An agent beside prof-record (the build's layout) from another version:
# the same library with its tag's version changed, same length.
test_expect_success 'prof-record warns of an agent of another version' '
	cp "$ROOT/bin/prof-record" . &&
	other=$(echo "$version" | tr 0123456789 9876543210 | tr -c "0-9.\n" x) &&
	sed "s/prof-agent-version=$version/prof-agent-version=$other/" \
		"$ROOT/bin/libprof-agent.so" >libprof-agent.so &&
	grep -a -q "prof-agent-version=$other" libprof-agent.so &&
	./prof-record --type memory -o m.folded /bin/true 2>err &&
	grep -F "libprof-agent.so: version $other, not prof-record${SQ}s $version" err &&
	"$ROOT/bin/prof-record" --type memory -o m.folded /bin/true 2>err &&
	! grep "version" err
'

done_testing
