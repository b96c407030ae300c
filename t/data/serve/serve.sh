# t/data/serve/serve.sh: for t/1991 and t/1992 (prof-record --serve),
# sourced after t/lib.sh and t/data/record/record.sh.

# start_server NAME ARGS...: prof-record --serve 127.0.0.1:0 ARGS in the
# background (the port is the kernel's choice: never one in use); its pid
# in NAME.pid, its port in NAME.port once it says it serves (at most 30 s).
start_server () {
	_n=$1
	shift
	prof-record --serve 127.0.0.1:0 "$@" >"$_n.out" 2>"$_n.err" &
	echo $! >"$_n.pid"
	_i=0
	while test $_i -lt 300; do
		_p=$(sed -n "s,^prof-record: serving http://127.0.0.1:\([0-9]*\)/.*,\1,p" "$_n.err" 2>/dev/null)
		if test -n "$_p"; then
			echo "$_p" >"$_n.port"
			return 0
		fi
		kill -0 "$(cat "$_n.pid")" 2>/dev/null || break
		sleep 0.1
		_i=$((_i + 1))
	done
	cat "$_n.err"
	return 1
}

# stop_server NAME: SIGTERM to it (and SIGKILL after 20 s); its status in
# NAME.status.
stop_server () {
	test -f "$1.pid" || return 0
	_pid=$(cat "$1.pid")
	kill -TERM "$_pid" 2>/dev/null
	_i=0
	while kill -0 "$_pid" 2>/dev/null && test $_i -lt 200; do
		sleep 0.1
		_i=$((_i + 1))
	done
	kill -KILL "$_pid" 2>/dev/null
	wait "$_pid" 2>/dev/null
	rm -f "$1.pid"
}

# server_children NAME: the server's child processes, "PID STATE COMM"
# a line (the command it launched among them).
server_children () {
	for _c in $(cat /proc/"$(cat "$1.pid")"/task/*/children 2>/dev/null); do
		sed -n 's/^\([0-9]*\) (\(.*\)) \(.\) .*/\1 \3 \2/p' /proc/$_c/stat 2>/dev/null
	done
}

# get NAME PATH [CURL ARGS...]: curl http://127.0.0.1:PORT/PATH, the body
# in body, the status in status, the headers in headers.
get () {
	_n=$1 _path=$2
	shift 2
	curl -sS -o body -D headers -w '%{http_code}\n' "$@" \
		"http://127.0.0.1:$(cat "$_n.port")$_path" >status
}
