#!/bin/sh
test_description='make dist and the Debian package, built from a fresh clone'
. "$(dirname "$0")/lib.sh"

# Both are built from a clone of $ROOT at its HEAD: the committed state.
# Uncommitted work is not in them (CI runs on a clean clone, where the two
# are the same).  The clone, the tarball and the package are made in a
# directory of their own outside the tree (dpkg-buildpackage writes into
# the clone's parent), removed at the end unless a test failed.
command -v git >/dev/null 2>&1 || skip_or_fail 'no git'
test -e "$ROOT/.git" || skip_all 'not a git checkout (a dist tarball has nothing to clone)'
test -z "$(git -C "$ROOT" status --porcelain --untracked-files=no 2>/dev/null)" ||
	echo "# note: $ROOT has uncommitted changes; they are not in the clone tested here"

SCRATCH=$(mktemp -d "${TMPDIR:-/tmp}/prof-0080.XXXXXX") || exit 1
head=$(git -C "$ROOT" rev-parse HEAD)
src=$SCRATCH/src
git clone -q "$ROOT" "$src" && git -C "$src" checkout -q --detach "$head" || exit 1
version=$("$src/scripts/version")

test_expect_success 'make dist writes prof-VERSION.tar.gz: the sources, no build products' '
	(cd "$src" && make dist) &&
	tar -tzf "$src/prof-$version.tar.gz" >list &&
	for f in VERSION NEWS README.md Makefile debian/control debian/rules \
	    debian/tests/control scripts/version scripts/completions t/lib.sh \
	    man/prof.7 share/prof/flame.js lib/core/util.c cmd/prof-fold.c
	do
		grep -Fx "prof-$version/$f" list >/dev/null || { echo "no $f in the tarball"; exit 1; }
	done &&
	! grep -E "^prof-$version/(bin/|.*\.o\$|\.git/|lib/core/util-version\.c\$)" list
'

# The tarball is built and installed where there is no .git.  Its make
# check is not run here: it is this very suite (t/0080 would run inside
# itself) and takes many minutes; the tarball has the same t/ and
# Makefile as the tree, whose suite is this one.
test_expect_success 'unpacked without .git, it builds, answers --version and installs' '
	mkdir -p "$SCRATCH/unpack" &&
	tar -xzf "$src/prof-$version.tar.gz" -C "$SCRATCH/unpack" &&
	tree="$SCRATCH/unpack/prof-$version" &&
	test ! -e "$tree/.git" &&
	(cd "$tree" && make -j2) >build.log 2>&1 || { tail -n 30 build.log; exit 1; }
	echo "prof-fold $version" >expect &&
	"$tree/bin/prof-fold" --version >actual &&
	test_cmp expect actual &&
	(cd "$tree" && make install PREFIX=/usr DESTDIR="$SCRATCH/stage") >install.log 2>&1 &&
	for p in prof-record prof-fold prof-flame prof-top prof-bench prof-diff prof-plan; do
		test -x "$SCRATCH/stage/usr/bin/$p" &&
		test -f "$SCRATCH/stage/usr/share/man/man1/$p.1" &&
		test -f "$SCRATCH/stage/usr/share/bash-completion/completions/$p" &&
		test -f "$SCRATCH/stage/usr/share/zsh/vendor-completions/_$p" || exit 1
	done &&
	test -f "$SCRATCH/stage/usr/lib/prof/libprof-agent.so"
'

# An unpacked tarball (built) makes its own tarball from its files, the
# build's products left out.
test_expect_success 'make dist without .git makes the same file list' '
	(cd "$SCRATCH/unpack/prof-$version" && make dist) >dist.log 2>&1 || { cat dist.log; exit 1; }
	tar -tzf "$SCRATCH/unpack/prof-$version/prof-$version.tar.gz" | grep -v "/\$" | sort >actual &&
	grep -v "/\$" "$TRASH/list" | sort >expect &&
	test_cmp expect actual
'

if ! command -v dpkg-buildpackage >/dev/null 2>&1 || ! command -v dh >/dev/null 2>&1; then
	if test "$CI" = true; then
		test_expect_success 'dpkg-buildpackage and debhelper are installed (scripts/deps)' 'false'
	else
		test_skip 'the Debian package' 'no dpkg-buildpackage or debhelper (scripts/deps installs them)'
	fi
	test "$test_failed" = 0 && rm -rf "$SCRATCH"
	done_testing
fi

deb_version=$(cd "$src" && dpkg-parsechangelog -S Version)
arch=$(dpkg --print-architecture)
deb=$SCRATCH/prof_${deb_version}_$arch.deb

test_expect_success "dpkg-buildpackage -b builds prof_${deb_version}_$arch.deb" '
	(cd "$src" && dpkg-buildpackage -us -uc -b) >build.log 2>&1 ||
	{ tail -n 40 build.log; exit 1; }
	test -f "$deb"
'

test_expect_success 'the package holds the programs, man pages, share/prof, the agent, completions' '
	dpkg-deb -c "$deb" | awk "{ print \$6 }" | sed "s,^\./,/," >contents &&
	for f in /usr/share/prof/flame.js /usr/lib/prof/libprof-agent.so \
	    /usr/share/man/man5/prof-folded.5.gz /usr/share/man/man7/prof.7.gz \
	    /usr/share/doc/prof/NEWS.gz /usr/share/doc/prof/copyright
	do
		grep -Fx "$f" contents >/dev/null || { echo "no $f"; exit 1; }
	done &&
	for p in prof-record prof-fold prof-flame prof-top prof-bench prof-diff prof-plan; do
		for f in /usr/bin/$p /usr/share/man/man1/$p.1.gz \
		    /usr/share/bash-completion/completions/$p /usr/share/zsh/vendor-completions/_$p
		do
			grep -Fx "$f" contents >/dev/null || { echo "no $f"; exit 1; }
		done
	done &&
	! grep -E "^/usr/local|^/usr/bin/.*\.so" contents
'

test_expect_success 'extracted, the programs answer --version and find their agent' '
	dpkg-deb -x "$deb" root &&
	for p in prof-record prof-fold prof-flame prof-top prof-bench prof-diff prof-plan; do
		echo "$p $version" >expect &&
		root/usr/bin/$p --version >actual &&
		test_cmp expect actual || exit 1
	done &&
	env -i PATH=/usr/bin:/bin root/usr/bin/prof-record --type memory -o m.folded /bin/true 2>err &&
	grep "^# recorder: \"prof $version\"\$" m.folded &&
	! grep -i "version\|not found" err
'

if command -v lintian >/dev/null 2>&1; then
	test_expect_success 'lintian: no error and no warning' '
		lintian "$deb" "$SCRATCH/prof_${deb_version}_$arch.changes" >lintian.out 2>&1;
		cat lintian.out &&
		! grep -E "^[EW]: " lintian.out
	'
else
	test_skip 'lintian: no error and no warning' 'no lintian'
fi

test "$test_failed" = 0 && rm -rf "$SCRATCH"
done_testing
