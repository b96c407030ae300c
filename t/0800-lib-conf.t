#!/bin/sh
test_description='lib/core/conf: the prof.conf search path, for a user who cannot read every directory on it'
. "$(dirname "$0")/lib.sh"

# The search reads $XDG_CONFIG_HOME/prof/prof.conf or ~/.config/prof/prof.conf,
# then ./prof.conf; prof-bench --list reads [bench] results-dir, so it loads
# them.  EACCES needs a user other than root: nobody, by setpriv or su.
as_nobody () {
	if setpriv --reuid=nobody --regid=nogroup --clear-groups true 2>/dev/null; then
		setpriv --reuid=nobody --regid=nogroup --clear-groups "$@"
	elif su nobody -s /bin/sh -c true 2>/dev/null; then
		su nobody -s /bin/sh -c '"$0" "$@"' "$@"
	else
		return 125
	fi
}
if test "$(id -u)" != 0; then
	skip_all 'needs root, to run as nobody and meet EACCES'
fi
as_nobody true || skip_all 'neither setpriv nor su can run a command as nobody'

# nobody's own directory (the trash directory may not be reachable)
W=$(mktemp -d /tmp/prof-conf.XXXXXX) || exit 1
trap 'rm -rf "$W"; test "$test_failed" = 0 && cd "$T_DIR" && rm -rf "$TRASH"' EXIT
chmod 755 "$W"
mkdir "$W/cwd" "$W/home" && chmod 777 "$W/cwd" &&
mkdir -p "$W/home/.config/prof" &&
printf '[bench]\nresults-dir = x\n' >"$W/home/.config/prof/prof.conf" &&
chmod 700 "$W/home" || exit 1

test_expect_success 'a HOME that cannot be searched means no user prof.conf' '
	(cd "$W/cwd" && as_nobody env HOME="$W/home" XDG_CONFIG_HOME= \
		"$ROOT/bin/prof-bench" --list) >out 2>err &&
	test_must_be_empty err
'

test_expect_success 'an XDG_CONFIG_HOME that cannot be searched means no user prof.conf' '
	(cd "$W/cwd" && as_nobody env XDG_CONFIG_HOME="$W/home/.config" \
		"$ROOT/bin/prof-bench" --list) >out 2>err &&
	test_must_be_empty err
'

test_expect_success 'the project prof.conf is still read after it' '
	printf "[bench]\nresults-dr = x\n" >"$W/cwd/prof.conf" &&
	chmod 644 "$W/cwd/prof.conf" &&
	(cd "$W/cwd" && test_expect_code 2 as_nobody env HOME="$W/home" XDG_CONFIG_HOME= \
		"$ROOT/bin/prof-bench" --list) >out 2>err &&
	grep -F "prof.conf:2: '\''results-dr'\'' is not a key of [bench]" err &&
	rm "$W/cwd/prof.conf"
'

test_expect_success 'a prof.conf that exists but cannot be read is an error' '
	mkdir -p "$W/open/prof" && chmod -R 755 "$W/open" &&
	printf "[bench]\n" >"$W/open/prof/prof.conf" &&
	chmod 600 "$W/open/prof/prof.conf" &&
	(cd "$W/cwd" && test_expect_code 2 as_nobody env XDG_CONFIG_HOME="$W/open" \
		"$ROOT/bin/prof-bench" --list) >out 2>err &&
	grep -F "$W/open/prof/prof.conf: cannot open: Permission denied" err
'

test_expect_success 'a ./prof.conf that cannot be read is an error' '
	printf "[bench]\n" >"$W/cwd/prof.conf" && chmod 600 "$W/cwd/prof.conf" &&
	(cd "$W/cwd" && test_expect_code 2 as_nobody env XDG_CONFIG_HOME="$W/open2" \
		"$ROOT/bin/prof-bench" --list) >out 2>err &&
	grep -F "prof.conf: cannot open: Permission denied" err &&
	rm "$W/cwd/prof.conf"
'

done_testing
