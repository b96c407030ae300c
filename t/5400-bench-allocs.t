#!/bin/sh
test_description='prof-bench --allocs: allocations and bytes per run, counted by the agent'
. "$(dirname "$0")/lib.sh"
. "$T_DIR/lib-agent.sh"

test_expect_success 'build the programs' '
	build leak
'

test_expect_success 'a command: its allocations and bytes exactly, in the report and the exports' '
	prof-bench --allocs -r 2 "./leak 1000 3000" --export-json out.json --export-csv out.csv >report &&
	cat report &&
	grep -F "Allocations:         2000 per run, 8.6 MiB per run" report &&
	grep "\"allocs_per_op\": 2000," out.json &&
	grep "\"bytes_per_op\": 9000000" out.json &&
	head -n 1 out.csv | grep ",allocs_per_op,bytes_per_op" &&
	sed -n 2p out.csv | grep ",2000,9000000"
'

# The shell's start-up (an empty command) is subtracted; what it does for
# the command line (its words, the redirection) is a few more.
test_expect_success 'under the shell: the shell'\''s own allocations subtracted' '
	prof-bench --allocs -r 2 "./leak 1000 3000 >/dev/null" --export-json sh.json >report &&
	sed -n "s/.*\"allocs_per_op\": \([0-9]*\),.*/\1/p" sh.json >n &&
	sed -n "s/.*\"bytes_per_op\": \([0-9]*\).*/\1/p" sh.json >b &&
	cat n b &&
	test "$(cat n)" -ge 2000 && test "$(cat n)" -le 2050 &&
	test "$(cat b)" -ge 9000000 && test "$(cat b)" -le 9020000
'

test_expect_success 'the processes a command starts are counted too' '
	prof-bench --allocs -r 2 -N "sh -c \"./leak 10 100; ./leak 10 100\"" --export-json two.json >report &&
	awk "/allocs_per_op/ { gsub(/,/, \"\"); exit !(\$2 >= 40) }" two.json
'

test_expect_success 'without --allocs, nothing is counted' '
	prof-bench -r 2 "./leak 10 100" --export-json none.json >report &&
	! grep -i allocs none.json &&
	! grep Allocations report
'

test_expect_success 'a static program: a warning, status 1' '
	printf "int main(void) { return 0; }\n" >st.c &&
	gcc -static -o static st.c 2>/dev/null || return 0
	test_expect_code 1 prof-bench --allocs -r 2 ./static >report 2>err &&
	cat err &&
	grep "counted nothing" err
'

test_expect_success '--allocs with --builtin: a usage error' '
	test_expect_code 2 prof-bench --allocs --builtin memory-allocation 2>err &&
	grep -- "--allocs" err
'

done_testing
