# t/lib-agent.sh: for t/1970-record-agent-*.t, sourced after lib.sh.  The
# agent (bin/libprof-agent.so), the driver of its reader
# (t/helpers/agentread-test.c) and the programs of t/data/agent/.

test "$(uname -m)" = x86_64 || skip_all "x86-64 only, as the agent"
for tool in gcc g++ pkg-config; do
	command -v $tool >/dev/null 2>&1 || skip_or_fail "no $tool"
done
AGENT=$ROOT/bin/libprof-agent.so
test -f "$AGENT" || skip_or_fail "no bin/libprof-agent.so (make)"
test -f "$ROOT/lib/libprof.a" || skip_or_fail "no lib/libprof.a (make)"
pkg-config --exists libdw libelf libunwind-generic ||
	skip_or_fail "no libdw, libelf, libunwind-generic (pkg-config)"
SRC=$T_DATA/agent
PATH=$TRASH:$PATH
# The agent unwinds with no PROF_AGENT_* of the caller's.
unset PROF_AGENT_FD PROF_AGENT_RATE PROF_AGENT_EVENTS PROF_AGENT_SEED

# build_driver: agentread-test, linked against lib/libprof.a as built
# (with the sanitizers when the build has them: it is not preloaded).
build_driver () {
	$DRIVER_CC $DRIVER_FLAGS $(pkg-config --cflags libdw libelf libunwind-generic) \
		-o agentread-test "$ROOT/t/helpers/agentread-test.c" "$ROOT/lib/libprof.a" \
		$(pkg-config --libs libdw libelf libunwind-generic) -lcsv -lstdc++ -lm -pthread
}

# build PROG [ARGS]: t/data/agent/PROG.c as its README says (never with
# the sanitizers: their runtime and the agent cannot both come first).
build () {
	_p=$1
	shift
	gcc -O1 -g -fno-optimize-sibling-calls -pthread -o "$_p" "$SRC/$_p.c" "$@"
}

# under STREAM [VAR=VALUE...] CMD...: runs CMD under the agent, its stream
# appended to the file STREAM (on descriptor 9, opened O_APPEND).
under () {
	_s=$1
	shift
	env PROF_AGENT_FD=9 LD_PRELOAD="$AGENT" "$@" 9>>"$_s"
}

# stream_ok STREAM: nothing lost, malformed or unexplained in STREAM, and
# the agent had its unwinder.
stream_ok () {
	agentread-test stats "$1" >stats &&
	grep -E "^(unfinished|lost_chunks|bad_bytes|bad_records|missing|unknown_frees|untracked|nounwind) " \
		stats >bad &&
	! grep -v " 0\$" bad
}

# site VIEW STREAM SITE: the count of the stacks of VIEW whose leaf is SITE
# (0 for none).
site () {
	agentread-test "$1" "$2" >view.out &&
	awk -v s=";$3" 'substr($1, length($1) - length(s) + 1) == s { n += $NF } END { printf "%.0f\n", n }' view.out
}

# psite FILE SITE: the count of the stacks of the folded FILE whose leaf is
# SITE (0 for none).
psite () {
	awk -v s=";$2" '/^#/ { next } substr($1, length($1) - length(s) + 1) == s { n += $NF }
		END { printf "%.0f\n", n }' "$1"
}

# shares_off EST TRUTH: EST holds the three estimates of site_sixty,
# site_thirty and site_ten, one a line; TRUTH the program's "B60 B30 B10"
# line.  Succeeds when each share of the estimates is within 3 points of
# the truth's.
shares_off () {
	tr " " "\n" <"$2" >truth.col &&
	paste "$1" truth.col >both &&
	cat both &&
	awk "{ e[NR] = \$1; t[NR] = \$2; se += \$1; st += \$2 }
	END { for (i = 1; i <= 3; i++) { d = 100 * e[i] / se - 100 * t[i] / st;
		printf \"share %d: %.2f points off\\n\", i, d; if (d > 3 || d < -3) bad = 1 }
		exit bad }" both
}
