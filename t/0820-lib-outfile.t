#!/bin/sh
test_description='outfile: -o replaces regular files atomically and never harms devices, FIFOs or links'
. "$(dirname "$0")/lib.sh"

test_expect_success 'setup' '
	printf "a;b 1\na;c 2\n" >in &&
	cp in expect
'

# As root, the old writer renamed a regular file over /dev/null.  The
# devices tested are nodes made here (mknod, as root): a regression must
# not break the machine that runs the test.
if test "$(id -u)" = 0 && mknod nulldev c 1 3 2>/dev/null && mknod fulldev c 1 7 2>/dev/null; then
	test_expect_success '-o DEVICE keeps the device (/dev/null)' '
		prof-fold -o nulldev in &&
		test -c nulldev &&
		stat -c %t:%T nulldev >dev &&
		echo 1:3 >want &&
		test_cmp want dev
	'
	test_expect_success 'a write error (a full device) is reported, exit 1; the device stays' '
		test_expect_code 1 prof-fold -o fulldev in 2>err &&
		grep "fulldev: write error: No space left on device" err &&
		test -c fulldev &&
		echo old-tasks >tasks.md &&
		test_expect_code 1 prof-plan -o tasks.md --report fulldev in 2>err &&
		echo old-tasks >want &&
		test_cmp want tasks.md &&
		test -c fulldev
	'
else
	test_skip '-o DEVICE keeps the device' 'mknod needs root'
	test_skip 'a write error (a full device) is reported' 'mknod needs root'
fi

test_expect_success '-o FIFO delivers the data and the FIFO stays one' '
	mkfifo ff &&
	{ timeout 30 cat ff >got & } &&
	timeout 30 prof-fold -o ff in &&
	wait &&
	test -p ff &&
	test_cmp expect got
'

test_expect_success '-o SOCKET connects and writes, the socket stays one' '
	command -v python3 >/dev/null || { test_complain "no python3"; return 0; }
	python3 -c "
import socket, sys
s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
s.settimeout(30); s.bind(\"sock\"); s.listen(1)
open(\"ready\", \"w\").close()
c, _ = s.accept()
with open(\"got\", \"wb\") as f:
    while True:
        b = c.recv(65536)
        if not b: break
        f.write(b)
" &
	pid=$! &&
	i=0 && while ! test -e ready && test $i -lt 200; do sleep 0.1; i=$((i + 1)); done &&
	timeout 30 prof-fold -o sock in &&
	wait $pid &&
	test -S sock &&
	test_cmp expect got
'

test_expect_success '-o SYMLINK replaces the file it points to; the link stays' '
	mkdir d &&
	echo old >d/real &&
	ln -s d/real link &&
	prof-fold -o link in &&
	test -h link &&
	test_cmp expect d/real &&
	ls d >files &&
	echo real >want &&
	test_cmp want files
'

test_expect_success '-o a dangling symlink creates its target' '
	ln -s made dangling &&
	prof-fold -o dangling in &&
	test -h dangling &&
	test_cmp expect made
'

test_expect_success 'a replaced file keeps its mode; a new one gets 0666 & ~umask' '
	echo old >m664 &&
	chmod 664 m664 &&
	prof-fold -o m664 in &&
	stat -c %a m664 >mode &&
	echo 664 >want &&
	test_cmp want mode &&
	echo old >m600 && chmod 600 m600 &&
	prof-fold -o m600 in &&
	stat -c %a m600 >mode && echo 600 >want && test_cmp want mode &&
	(umask 027 && prof-fold -o fresh in) &&
	stat -c %a fresh >mode && echo 640 >want && test_cmp want mode
'

# /dev/stdout is a link to /proc/self/fd/1; a link of our own is tested,
# so that a regression cannot replace the system's.
test_expect_success '-o /dev/stdout, /dev/fd/1: the descriptor is written, >> appends' '
	ln -s /proc/self/fd/1 mystdout &&
	echo first >log &&
	prof-fold -o mystdout in >>log &&
	prof-fold -o /dev/fd/1 in >>log &&
	{ echo first && cat expect expect; } >want &&
	test_cmp want log &&
	test -h mystdout
'

test_expect_success '-o /dev/fd/N (a process substitution) feeds the command' '
	command -v bash >/dev/null || { test_complain "no bash"; return 0; }
	timeout 30 bash -c "prof-fold -o >(cat >subst) in; wait" &&
	i=0 && while ! test -s subst && test $i -lt 100; do sleep 0.1; i=$((i + 1)); done &&
	test_cmp expect subst
'

test_expect_success '-o a directory is an error (exit 2), the directory untouched' '
	mkdir outdir &&
	test_expect_code 2 prof-fold -o outdir in 2>err &&
	grep "outdir: cannot write: Is a directory" err &&
	test -d outdir
'

# An input that never ends: the program is killed while it reads, its
# output open.  The temporary file has no name, so nothing is left.
for sig in SEGV ABRT KILL TERM; do
	test_expect_success "killed by SIG$sig, no FILE.tmp.* is left and FILE keeps its contents" "
		rm -rf k && mkdir k && echo old >k/out &&
		mkfifo k/in &&
		{ prof-fold -o k/out k/in & } &&
		pid=\$! &&
		exec 5>k/in &&
		printf 'a;b 1\n' >&5 &&
		i=0 && while ! test -d /proc/\$pid/fd || test \$(ls /proc/\$pid/fd | wc -l) -lt 4; do sleep 0.05; i=\$((i + 1)); test \$i -lt 200 || break; done &&
		sleep 0.2 &&
		kill -$sig \$pid &&
		{ wait \$pid; true; } &&
		exec 5>&- &&
		ls k >left &&
		printf 'in\nout\n' >want &&
		test_cmp want left &&
		echo old >want &&
		test_cmp want k/out
	"
done

test_expect_success 'a closed pipe ends the program quietly, status 141 (SIGPIPE)' '
	awk "BEGIN { for (i = 0; i < 100000; i++) printf \"main;f%d 1\n\", i }" >big &&
	for p in prof-fold "prof-flame --minwidth 0" "prof-flame --format speedscope" prof-diff; do
		if test "$p" = prof-diff; then args="big big"; else args=big; fi &&
		{ $p $args 2>err; echo $? >status; } | head -c 1 >/dev/null &&
		echo 141 >want &&
		test_cmp want status &&
		test_cmp /dev/null err || return 1
	done
'

test_expect_success 'prof-plan: a report that cannot be written leaves the tasks file as it was' '
	echo old-tasks >tasks.md &&
	echo old-tasks >want &&
	test_expect_code 1 prof-plan -o tasks.md --report outdir in 2>err &&
	test_cmp want tasks.md &&
	prof-plan -o tasks.md --report report.md in &&
	grep -q "^# " tasks.md &&
	test -s report.md
'

test_expect_success 'prof-flame --cp refuses a file that is not a palette map' '
	printf "#!/bin/sh\necho hello\n" >script.sh &&
	cp script.sh script.want &&
	test_expect_code 2 prof-flame --cp script.sh in >out.svg 2>err &&
	test_cmp script.want script.sh &&
	grep "script.sh: not a palette map" err &&
	cp in in.want &&
	test_expect_code 2 prof-flame --cp in in >out.svg 2>err &&
	test_cmp in.want in &&
	mkfifo cpfifo &&
	test_expect_code 2 prof-flame --cp cpfifo in >out.svg 2>err &&
	grep "cpfifo: not a palette map: not a regular file" err &&
	test -p cpfifo
'

test_expect_success 'prof-flame --cp writes a new map, keeps an empty file as one, rewrites it atomically' '
	prof-flame --cp map in >one.svg &&
	n1=$(grep -c -e "->rgb(" map) &&
	test "$n1" -ge 3 &&
	: >emptymap &&
	prof-flame --cp emptymap in >two.svg &&
	test_cmp map emptymap &&
	chmod 640 map && ln -s map maplink &&
	printf "x;y 1\n" | prof-flame --cp maplink >three.svg &&
	test -h maplink &&
	stat -c %a map >mode && echo 640 >want && test_cmp want mode &&
	grep -c -e "->rgb(" map >n && echo $((n1 + 2)) >want && test_cmp want n
'

# A link planted in /tmp by another user must not lead root's output to
# a file of its choosing (the kernel's fs.protected_symlinks may be off).
test_expect_success 'a link of another user'"'"'s in a sticky, world-writable directory is not followed' '
	mkdir sticky && chmod 1777 sticky &&
	echo precious >precious && cp precious precious.want &&
	ln -s "$PWD/precious" sticky/planted &&
	if test "$(id -u)" = 0 && chown -h nobody sticky/planted 2>/dev/null; then
		printf "a;b 1\n" | test_expect_code 2 prof-fold -o sticky/planted 2>err &&
		grep "sticky/planted: a link of another user${SQ}s in a sticky, world-writable directory: not followed" err &&
		test_cmp precious.want precious &&
		test -h sticky/planted
	fi &&
	ln -s "$PWD/precious" sticky/mine &&
	printf "a;b 1\n" | prof-fold -o sticky/mine &&
	printf "a;b 1\n" >want && test_cmp want precious &&
	test -h sticky/mine
'

done_testing
