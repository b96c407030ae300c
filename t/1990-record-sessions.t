#!/bin/sh
test_description='prof-record --start, --list, --stop: recordings in the background'
. "$(dirname "$0")/lib.sh"
. "$T_DATA/record/record.sh"

# The programs recorded are ./spin (spin.c): "spin 60 FILE" spins in
# spin_loop until FILE exists, and gives up after 60 s of CPU time, so a
# failing test leaves nothing running for long; the end of the script
# creates every such FILE.  Every wait is a bounded poll (30 s); nothing
# here is timed.  The tests run in order and share the directory out/,
# and the ids, kept in files.
needs_record
command -v python3 >/dev/null 2>&1 || skip_or_fail "no python3, to read --list --format json"
build spin || exit 1
# A private configuration: the user's prof.conf must not set output-dir.
XDG_CONFIG_HOME=$TRASH/.config
export XDG_CONFIG_HOME

# poll CMD...: CMD succeeds within 30 s (polled every 0.1 s).
poll () {
	i=0
	until "$@"; do
		test $i -ge 300 && { echo "not so after 30 s: $*"; return 1; }
		sleep 0.1
		i=$((i + 1))
	done
}

# listed ID: --list shows ID (its status in the file status).
listed () {
	prof-record --list --output-dir out >list &&
	awk -v id="$1" '$1 == id { print $3; found = 1 } END { exit !found }' list >status
}

not_listed () {
	! listed "$1"
}

# samples_of ID: the samples so far of ID, from --list --format json.
samples_of () {
	prof-record --list --format json --output-dir out >list.json &&
	python3 -c '
import json, sys
for s in json.load(open("list.json"))["sessions"]:
    if s["id"] == sys.argv[1]:
        print(s["samples"] if s["samples"] is not None else -1)
' "$1"
}

# grown ID N: the samples so far of ID are more than N.
grown () {
	n=$(samples_of "$1") && test -n "$n" && test "$n" -gt "$2"
}

# gone PID: no process PID, or a zombie.
gone () {
	! test -e "/proc/$1" ||
	sed -n 's/^State:[[:space:]]*\([A-Za-z]\).*/\1/p' "/proc/$1/status" 2>/dev/null | grep -q '[ZX]'
}

test_expect_success 'two sessions start; ids are TYPE_SECONDS, distinct, _2 within one second' '
	prof-record --start --output-dir out ./spin 60 stop-a >id-a 2>err-a &&
	prof-record --start -d 8 --output-dir out ./spin 60 stop-b >id-b 2>err-b &&
	cat err-a err-b &&
	a=$(cat id-a) && b=$(cat id-b) &&
	echo "$a $b" &&
	echo "$a" | grep -Ex "cpu_[0-9]+" &&
	echo "$b" | grep -Ex "cpu_[0-9]+(_2)?" &&
	test "$a" != "$b" &&
	case $b in
	"${a}_2") ;;
	*_2) echo "$b: _2 but not after $a"; false ;;
	esac &&
	test -d out/.sessions &&
	test "$(stat -c %a out/.sessions)" = 700
'

test_expect_success '--list shows both running, with a growing sample count' '
	a=$(cat id-a) && b=$(cat id-b) &&
	listed "$a" && test "$(cat status)" = running &&
	listed "$b" && test "$(cat status)" = running &&
	cat list &&
	head -n 1 list >header &&
	grep -E "^id +type +status +start +elapsed +samples +target" header &&
	poll grown "$a" 0 &&
	n=$(samples_of "$a") &&
	poll grown "$a" "$n"
'

test_expect_success '--list --format json is JSON: the sessions, their figures' '
	a=$(cat id-a) &&
	prof-record --list --format json --output-dir out >list.json &&
	python3 -c "
import json, sys
d = json.load(open(\"list.json\"))
s = [x for x in d[\"sessions\"] if x[\"id\"] == sys.argv[1]][0]
assert s[\"type\"] == \"cpu\" and s[\"status\"] == \"running\", s
assert s[\"target\"] == \"./spin 60 stop-a\", s
assert isinstance(s[\"samples\"], int) and s[\"samples\"] > 0, s
assert isinstance(s[\"elapsed\"], int) and s[\"elapsed\"] >= 0, s
" "$a"
'

test_expect_success 'an unknown id: exit 2, the active ids named' '
	a=$(cat id-a) && b=$(cat id-b) &&
	test_expect_code 2 prof-record --stop cpu_1 --output-dir out >out.txt 2>err &&
	test_must_be_empty out.txt &&
	cat err &&
	grep -F "no session ${SQ}cpu_1${SQ}" err &&
	grep -F "$a" err &&
	if listed "$b"; then grep -F "$b" err; fi
'

test_expect_success 'an id is never a path' '
	for id in ../../etc/passwd cpu_1/.. .sessions CPU_1 cpu_ cpu_1_2_3 ""; do
		test_expect_code 2 prof-record --stop "$id" --output-dir out 2>err &&
		grep "no session" err || return 1
	done
'

test_expect_success '--stop: the profile written, a summary naming the hot function' '
	a=$(cat id-a) &&
	prof-record --stop "$a" --output-dir out >summary 2>err &&
	cat summary err &&
	test -s "out/$a.folded" &&
	grep -E "^$a: stopped; [0-9]+ samples in [0-9.]+ s\$" summary &&
	grep -Fx "profile: out/$a.folded" summary &&
	grep -E "spin_loop\$" summary &&
	test "$(meta "out/$a.folded" samples)" != "0 samples" &&
	count_where "out/$a.folded" "s ~ /;spin_loop;/" >n &&
	test "$(cat n)" -gt 0 &&
	not_listed "$a" &&
	! test -e "out/.sessions/$a" && ! test -e "out/.sessions/$a.partial"
'

test_expect_success 'the other ends by its -d: no longer listed, its file there' '
	b=$(cat id-b) &&
	poll not_listed "$b" &&
	test -s "out/$b.folded" &&
	grep -E "^# duration: [0-9.]+ s" "out/$b.folded" &&
	test "$(count_where "out/$b.folded" "s ~ /;spin_loop;/")" -gt 0 &&
	! test -e "out/.sessions/$b"
'

test_expect_success 'a recorder killed: listed once as failed, its profile so far kept' '
	./spin 60 stop-c &
	pid=$!
	prof-record --start -p "$pid" --output-dir out >id-c &&
	c=$(cat id-c) &&
	rec=$(sed -n "s/^pid //p" "out/.sessions/$c") &&
	test -n "$rec" &&
	poll grown "$c" 0 &&
	kill -9 "$rec" &&
	poll gone "$rec" &&
	prof-record --list --output-dir out >list 2>err &&
	cat list err &&
	awk -v id="$c" "\$1 == id && \$3 == \"failed\"" list | grep . &&
	grep -F "$c: the recorder ended without writing its profile" err &&
	grep -F "out/$c.failed.folded" err &&
	test -s "out/$c.failed.folded" &&
	grep "^# samples: " "out/$c.failed.folded" &&
	not_listed "$c" &&
	! test -e "out/.sessions/$c" &&
	test_expect_code 2 prof-record --stop "$c" --output-dir out 2>err &&
	grep -F "failed" err && grep -F "out/$c.failed.folded" err &&
	touch stop-c &&
	wait "$pid"
'

test_expect_success 'a session that had ended: --stop sums it up (pprof)' '
	prof-record --start --format pprof -d 1 --output-dir out ./spin 60 stop-d >id-d &&
	d=$(cat id-d) &&
	poll not_listed "$d" &&
	test -s "out/$d.pb.gz" &&
	prof-record --stop "$d" --output-dir out >summary &&
	cat summary &&
	grep -E "^$d: had ended; [0-9]+ samples" summary &&
	grep -E "spin_loop\$" summary
'

test_expect_success 'a profile there is never replaced: its id is skipped' '
	now=$(date +%s) &&
	for s in 0 1 2 3 4 5 6 7 8 9; do
		echo keep >"out/cpu_$((now + s)).folded" || return 1
	done &&
	prof-record --start -d 0.5 --output-dir out ./spin 60 stop-e >id-e &&
	e=$(cat id-e) &&
	echo "$e" | grep -Ex "cpu_[0-9]+_2" &&
	poll not_listed "$e" &&
	for s in 0 1 2 3 4 5 6 7 8 9; do
		echo keep >expect && test_cmp expect "out/cpu_$((now + s)).folded" || return 1
	done
'

test_expect_success '--start: no process, or no command: its error, nothing left' '
	ls -a out out/.sessions >before &&
	test_expect_code 2 prof-record --start -p 4194304 --output-dir out >id 2>err &&
	test_must_be_empty id &&
	grep -F -- "-p: no process 4194304" err &&
	test_expect_code 127 prof-record --start --output-dir out ./no-such-command >id 2>err &&
	test_must_be_empty id &&
	grep -F "command not found" err &&
	ls -a out out/.sessions >after &&
	test_cmp before after
'

test_expect_success '--output-dir not writable: exit 2, said' '
	echo x >file &&
	test_expect_code 2 prof-record --start --output-dir file/profiles ./spin 1 2>err &&
	cat err &&
	grep -F "file: cannot make the directory for the sessions: Not a directory" err &&
	mkdir -p ro/profiles && chmod 555 ro/profiles ro &&
	if test "$(id -u)" = 0 && command -v setpriv >/dev/null &&
	    setpriv --reuid=nobody --regid=nogroup --clear-groups prof-record --help >/dev/null 2>&1; then
		test_expect_code 2 setpriv --reuid=nobody --regid=nogroup --clear-groups \
		    prof-record --start --output-dir ro/profiles -d 1 ./spin 1 2>err &&
		cat err &&
		grep -F "ro/profiles: not writable" err
	fi
'

test_expect_success 'prof.conf output-dir, and tmp/profiles by default' '
	mkdir -p conf && cd conf &&
	printf "[record]\noutput-dir = conf-out\n" >prof.conf &&
	prof-record --start -d 0.5 ../spin 60 stop-f >id &&
	test -e "conf-out/.sessions" &&
	rm prof.conf &&
	prof-record --start -d 0.5 ../spin 60 stop-f >id2 &&
	test -e "tmp/profiles/.sessions" &&
	poll test -e "conf-out/$(cat id).folded" &&
	poll test -e "tmp/profiles/$(cat id2).folded"
'

while read -r args; do
	case_args=$args
	test_expect_success "usage error: prof-record $args" '
		test_expect_code 2 prof-record $case_args </dev/null >out.txt 2>err &&
		test_must_be_empty out.txt &&
		test -s err
	'
done <<'TABLE'
--list -F 99
--list extra
--list --format yaml
--list --stop cpu_1
--stop cpu_1 --format json
--stop cpu_1 -d 1
--output-dir somewhere ./spin 1
--start -o x.folded ./spin 1
--start --type threads -p 1
--start --type stats -p 1
--list --type stats
--start
TABLE

test_expect_success 'prof-record start (and list, stop) still record the command so named' '
	mkdir -p cmds &&
	for c in start list stop; do
		printf "#!/bin/sh\necho ran >ran-$c\n" >cmds/$c &&
		chmod +x cmds/$c &&
		PATH=$PWD/cmds:$PATH prof-record -o $c.folded $c &&
		test -s ran-$c && grep "^# command: $c\$" $c.folded || return 1
	done &&
	! test -e tmp/profiles
'

touch stop-a stop-b stop-c stop-d stop-e stop-f
done_testing
