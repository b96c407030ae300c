#!/bin/sh
test_description='libprof-agent.so: fork, exec, _exit, a killed process, a reused descriptor, a corrupt stream; what can be preloaded'
. "$(dirname "$0")/lib.sh"
. "$T_DIR/lib-agent.sh"

test_expect_success 'build the driver and the programs' '
	build_driver &&
	build forky && build leak && build reuse
'

# forky's five images: the parent, the child that exits, the one that
# execs leak (an image of forky's, then leak's), the one that calls _exit.
test_expect_success 'fork, exec and _exit: each process image its own profile, none corrupt' '
	under fk PROF_AGENT_RATE=1 ./forky "$TRASH/leak" &&
	stream_ok fk &&
	grep "^images 5\$" stats &&
	agentread-test -p inuse-space fk >inuse &&
	agentread-test -p alloc-objects fk >allocs &&
	cat inuse &&
	grep "^forky-[0-9]*;.*;main;parent_site 50000\$" inuse &&
	test "$(grep -c "^forky-[0-9]*;.*;main;child_site 5000\$" inuse)" = 2 &&
	test "$(grep -c "^forky-[0-9]*;.*;main;child_site 10\$" allocs)" = 3 &&
	grep "^leak-[0-9]*;.*;main;leak_here 2100\$" inuse &&
	grep "^forky-[0-9]*;.*;main;parent_site 100\$" allocs &&
	test "$(site alloc-objects fk spin_site)" = 100000 &&
	! grep -e ";main;parent_site" -e spin_site inuse | grep -v "^$(sed -n "s/^\(forky-[0-9]*\);.*;main;parent_site 50000\$/\1/p" inuse);"
'

test_expect_success 'a process killed by a signal: its image unfinished, what came is read' '
	test_expect_code 137 under kill sh -c "kill -KILL \$\$" ;
	agentread-test stats kill >stats &&
	grep "^images 1\$" stats &&
	grep "^unfinished 1\$" stats &&
	grep "^bad_records 0\$" stats
'

test_expect_success 'the exit status of the program is its own' '
	test_expect_code 3 under st3 sh -c "exit 3" &&
	stream_ok st3
'

test_expect_success 'a program that closes the descriptor and opens a file under its number: the file is the program'"$SQ"'s alone' '
	under ru ./reuse 9 mine.txt &&
	echo mine >expect &&
	test_cmp expect mine.txt
'

test_expect_success 'a corrupt stream: garbage, a cut, chunks lost; read without a crash, and counted' '
	under good PROF_AGENT_RATE=1 ./leak 5000 300 &&
	stream_ok good &&
	size=$(wc -c <good) &&
	head -c $((size / 2)) good >cut &&
	agentread-test stats cut >stats &&
	grep "^unfinished 1\$" stats &&
	agentread-test inuse-space cut >/dev/null &&
	{ head -c 4096 good; head -c 20000 /dev/urandom; tail -c 8192 good; } >mixed &&
	agentread-test stats mixed >stats &&
	cat stats &&
	! grep "^bad_bytes 0\$" stats &&
	agentread-test alloc-space mixed >/dev/null &&
	agentread-test leaks mixed >/dev/null &&
	head -c 300000 /dev/urandom >noise &&
	agentread-test alloc-space noise >out &&
	agentread-test stats noise >stats &&
	grep "^images 0\$" stats
'

test_expect_success 'preloadable: a dynamic program and a script yes; a static one, a setuid one, a missing one no' '
	agentread-test -P ./leak >out &&
	echo yes >expect &&
	test_cmp expect out &&
	printf "#!/bin/sh\\necho hi\\n" >script.sh && chmod +x script.sh &&
	agentread-test -P ./script.sh >out &&
	test_cmp expect out &&
	cp leak suid && chmod u+s suid &&
	test_expect_code 1 agentread-test -P ./suid >out &&
	grep "suid is setuid: the dynamic loader does not preload the agent into it" out &&
	test_expect_code 1 agentread-test -P no-such-command-here >out &&
	grep "no-such-command-here: command not found" out &&
	agentread-test -P sh >out &&
	test_cmp expect out
'

if gcc -static -o static "$SRC/leak.c" 2>/dev/null; then
	test_expect_success 'preloadable: a statically linked program is not' '
		test_expect_code 1 agentread-test -P ./static >out &&
		grep "static is statically linked: the agent can only be preloaded into a dynamically linked program" out
	'
else
	test_skip 'preloadable: a statically linked program is not' 'no static libc'
fi

test_expect_success 'the agent is found beside the program, or in its ../lib/prof' '
	mkdir -p inst/bin inst/lib/prof build &&
	cp agentread-test inst/bin/ && cp "$AGENT" inst/lib/prof/ &&
	inst/bin/agentread-test -A >out &&
	echo "$TRASH/inst/bin/../lib/prof/libprof-agent.so" >expect &&
	test_cmp expect out &&
	cp agentread-test "$AGENT" build/ &&
	build/agentread-test -A >out &&
	echo "$TRASH/build/libprof-agent.so" >expect &&
	test_cmp expect out &&
	test_expect_code 1 ./agentread-test -A
'

done_testing
