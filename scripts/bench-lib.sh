# scripts/bench-lib.sh: what the benchmark scripts share; sourced, with
# $out (the scratch directory) and $runs set.

# run CMD...: runs CMD <no stdin> >$out/result once; sets secs (wall clock)
# and rss_kb (peak resident set, KB).  GNU time gives the peak; without it,
# a Perl wrapper asks getrusage(RUSAGE_CHILDREN) after waiting for CMD.
run() {
	local t0 t1
	t0=$EPOCHREALTIME
	if [ -x /usr/bin/time ]; then
		/usr/bin/time -f %M -o "$out/rss" "$@" </dev/null >"$out/result" ||
			die "failed: $*"
	else
		perl -e 'require "sys/syscall.ph";
			my $rss = shift;
			system { $ARGV[0] } @ARGV;
			exit 1 if $?;
			my $ru = "\0" x 256;
			syscall(&SYS_getrusage, -1, $ru) == 0 or die "getrusage: $!\n";
			open my $fh, ">", $rss or die "$rss: $!\n";
			print $fh ((unpack "l!18", $ru)[4], "\n");' \
			"$out/rss" "$@" </dev/null >"$out/result" ||
			die "failed: $*"
	fi
	t1=$EPOCHREALTIME
	secs=$(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.6f", b - a }')
	rss_kb=$(tail -n 1 "$out/rss")
}

# tbest CMD...: the best wall-clock seconds and peak KB of $runs runs
tbest() {
	local bs= br= i
	for i in $(seq "$runs"); do
		run "$@"
		if [ -z "$bs" ] || awk -v a="$secs" -v b="$bs" 'BEGIN { exit !(a < b) }'; then bs=$secs; fi
		if [ -z "$br" ] || [ "$rss_kb" -lt "$br" ]; then br=$rss_kb; fi
	done
	secs=$bs rss_kb=$br
}
