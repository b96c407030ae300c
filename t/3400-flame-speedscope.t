#!/bin/sh
test_description='prof-flame --format speedscope: the JSON of speedscope.app (lib/flame/speedscope)'
. "$(dirname "$0")/lib.sh"

# Drawn by prof-flame when it is built, else by the driver
# t/helpers/flame-test.c (same options; see t/3300).  The files are read
# back with JSON::PP (core Perl) by ss-check below, which checks them
# against speedscope's schema and prints their samples as folded stacks,
# so that paths and weights compare with the input.
if ar t "$ROOT/lib/libprof.a" 2>/dev/null | grep -c -x -e flame.o -e flametext.o -e speedscope.o -e xmlsafe.o | grep -q -x 4; then
	DRIVER_LIB=$ROOT/lib/libprof.a
else
	DRIVER_LIB=$(for m in flametext speedscope xmlsafe flame folded count util stacktable; do printf "%s " "$ROOT/lib/$m.c"; done)
fi
if test -x "$ROOT/bin/prof-flame"; then
	FLAME="prof-flame --format speedscope"
else
	FLAME="flame-test --format speedscope"
fi
perl -MJSON::PP -MEncode -e 1 2>/dev/null || skip_or_fail "no JSON::PP or Encode in perl"

# ss-check [-i] FILE: checks that FILE is UTF-8 JSON in speedscope's
# file format (https://www.speedscope.app/file-format-schema.json, the
# sampled profile) and prints each sample as "frame;frame WEIGHT", in
# order; with -i, prints the file's name, unit, start and end values and
# the numbers of frames (and of distinct names) and samples instead.
cat >ss-check <<\EOF
#!/usr/bin/perl
use strict;
use warnings;
use B ();
use Encode ();
use JSON::PP ();

my $info = @ARGV && $ARGV[0] eq '-i' ? shift : 0;
my $file = shift or die "usage: ss-check [-i] FILE\n";
sub fail { print STDERR "ss-check: $file: @_\n"; exit 1 }
# a JSON number (and not a string that looks like one)
sub isnum {
	my ($v) = @_;
	return ref($v) =~ /^Math::Big/ if ref $v;
	my $f = B::svref_2object(\$_[0])->FLAGS;
	return defined $v && ($f & (B::SVp_IOK | B::SVp_NOK)) && !($f & B::SVp_POK);
}
sub isstr { defined $_[0] && !ref $_[0] && !isnum($_[0]) }

open my $fh, '<:raw', $file or fail "$!";
my $raw = do { local $/; <$fh> };
my $copy = $raw;
eval { Encode::decode('UTF-8', $copy, Encode::FB_CROAK); 1 } or fail "not UTF-8: $@";
my $j = eval { JSON::PP->new->utf8->allow_bignum->decode($raw) } or fail "not JSON: $@";

ref $j eq 'HASH' or fail "not an object";
for (keys %$j) {
	/^(\$schema|shared|profiles|name|activeProfileIndex|exporter)$/ or fail "unknown key $_";
}
$j->{'$schema'} eq 'https://www.speedscope.app/file-format-schema.json' or fail '$schema';
isstr($j->{name}) or fail "name" if exists $j->{name};
isstr($j->{exporter}) or fail "exporter" if exists $j->{exporter};
my $frames = $j->{shared}{frames};
ref $frames eq 'ARRAY' or fail "shared.frames";
for my $fr (@$frames) {
	ref $fr eq 'HASH' && isstr($fr->{name}) or fail "a frame without a name";
	/^(name|file|line|col)$/ or fail "frame key $_" for keys %$fr;
}
my $profiles = $j->{profiles};
ref $profiles eq 'ARRAY' && @$profiles >= 1 or fail "profiles";
if (exists $j->{activeProfileIndex}) {
	isnum($j->{activeProfileIndex}) && $j->{activeProfileIndex} < @$profiles or fail "activeProfileIndex";
}
my %distinct = map { $_->{name} => 1 } @$frames;
binmode STDOUT, ':encoding(UTF-8)';
for my $p (@$profiles) {
	$p->{type} eq 'sampled' or fail "type $p->{type}";
	/^(type|name|unit|startValue|endValue|samples|weights)$/ or fail "profile key $_" for keys %$p;
	isstr($p->{name}) or fail "profile name";
	$p->{unit} =~ /^(none|nanoseconds|microseconds|milliseconds|seconds|bytes)$/ or fail "unit $p->{unit}";
	isnum($p->{startValue}) && isnum($p->{endValue}) or fail "startValue, endValue";
	$p->{endValue} >= $p->{startValue} or fail "endValue < startValue";
	my ($s, $w) = ($p->{samples}, $p->{weights});
	ref $s eq 'ARRAY' && ref $w eq 'ARRAY' && @$s == @$w or fail "samples and weights";
	if ($info) {
		print "name $j->{name}\n" if exists $j->{name};
		print "profile $p->{name}\nunit $p->{unit}\n";
		print "startValue $p->{startValue}\nendValue $p->{endValue}\n";
		printf "frames %d\ndistinct %d\nsamples %d\n", scalar @$frames, scalar keys %distinct, scalar @$s;
		next;
	}
	for my $k (0 .. $#$s) {
		ref $s->[$k] eq 'ARRAY' or fail "sample $k";
		for (@{$s->[$k]}) {
			isnum($_) && $_ == int($_) && $_ >= 0 && $_ < @$frames or fail "sample $k: frame $_";
		}
		isnum($w->[$k]) && $w->[$k] >= 0 or fail "weight $k";
		print join(';', map { $frames->[$_]{name} } @{$s->[$k]}), " $w->[$k]\n";
	}
}
EOF
chmod +x ss-check

test_expect_success 'build the driver' '
	$DRIVER_CC $DRIVER_FLAGS -o flame-test "$ROOT/t/helpers/flame-test.c" $DRIVER_LIB -lm
'
PATH=$TRASH:$PATH

printf "main;work;a 3\nmain;work;b 1\nmain;idle 4\nother 2\nmain 1\n" >tree.folded

test_expect_success 'the file for a small profile' '
	cat >expect <<-\EOF &&
	{"$schema":"https://www.speedscope.app/file-format-schema.json",
	"exporter":"prof-flame","name":"app","activeProfileIndex":0,
	"shared":{"frames":[
	{"name":"main"},
	{"name":"idle"},
	{"name":"work"},
	{"name":"a"},
	{"name":"b"},
	{"name":"other"}]},
	"profiles":[{"type":"sampled","name":"app","unit":"none","startValue":0,"endValue":11,
	"samples":[
	[0],
	[0,1],
	[0,2,3],
	[0,2,4],
	[5]],
	"weights":[1,4,3,1,2]}]}
	EOF
	$FLAME --title app tree.folded >actual 2>err &&
	test_cmp expect actual &&
	test_must_be_empty err
'

test_expect_success 'it is speedscope JSON; each stack is one sample, weighted by its count' '
	$FLAME tree.folded >out.json &&
	ss-check out.json >actual &&
	printf "main 1\nmain;idle 4\nmain;work;a 3\nmain;work;b 1\nother 2\n" >expect &&
	test_cmp expect actual &&
	ss-check -i out.json >info &&
	grep -x "endValue 11" info &&
	grep -x "startValue 0" info &&
	grep -x "unit none" info &&
	grep -x "profile profile" info
'

test_expect_success 'frames are shared by name' '
	printf "a;b;a 1\nb;a 2\na;a 3\n" >in &&
	$FLAME in >out.json &&
	ss-check -i out.json >info &&
	grep -x "frames 2" info &&
	grep -x "distinct 2" info &&
	grep -x "samples 3" info &&
	ss-check out.json >actual &&
	printf "a;a 3\na;b;a 1\nb;a 2\n" >expect &&
	test_cmp expect actual
'

test_expect_success 'frames under --minwidth: one sample through "… N more frames"' '
	$FLAME --minwidth 15% tree.folded >out.json &&
	ss-check out.json >actual &&
	printf "main 1\nmain;idle 4\nmain;work;a 3\nmain;work;… 1 more frame 1\nother 2\n" >expect &&
	test_cmp expect actual
'

test_expect_success 'a random profile: paths and weights as the input, summed' '
	awk "BEGIN { srand(11); for (i = 0; i < 3000; i++) { s = sprintf(\"%c\", 97 + int(rand() * 6));
		d = int(rand() * 8); for (j = 0; j < d; j++) s = s \";\" sprintf(\"%c\", 97 + int(rand() * 6));
		print s \" \" (1 + int(rand() * 1000)) } }" >in &&
	awk "{ n[\$1] += \$2 } END { for (s in n) print s \" \" n[s] }" in | sort >expect &&
	$FLAME in >out.json &&
	ss-check out.json >samples &&
	sort samples >actual &&
	test_cmp expect actual &&
	ss-check -i out.json >info &&
	grep -x "endValue $(folded_sum in)" info
'

test_expect_success 'decimal and huge counts: weights exact, summing to endValue' '
	printf "a;b 0.1\na;b 0.2\na 100000000000000000000.5\nc 0.000000001\n" >in &&
	$FLAME in >out.json &&
	ss-check out.json >actual &&
	printf "a 100000000000000000000.5\na;b 0.3\nc 0.000000001\n" >expect &&
	test_cmp expect actual &&
	ss-check -i out.json >info &&
	grep -x "endValue $(folded_sum in)" info &&
	test "$(folded_sum actual)" = "$(folded_sum in)"
'

test_expect_success '--reverse: paths from the leaf' '
	printf "a;b 3\nc;b 1\nb 2\n" >in &&
	$FLAME --reverse in >out.json &&
	ss-check out.json >actual &&
	printf "b 2\nb;a 3\nb;c 1\n" >expect &&
	test_cmp expect actual
'

test_expect_success '--flamechart: samples in time order' '
	printf "a;b 3\nc 1\na;b 2\n" >in &&
	$FLAME --flamechart in >out.json &&
	ss-check out.json >actual &&
	printf "a;b 3\nc 1\na;b 2\n" >expect &&
	test_cmp expect actual
'

test_expect_success 'a differential profile: the width count (AFTER, or BEFORE negated)' '
	printf "a;b 4 8\na;c 6 0\n" >in &&
	$FLAME in >out.json &&
	ss-check out.json >actual &&
	printf "a;b 8\n" >expect &&
	test_cmp expect actual &&
	$FLAME --negate in >out.json &&
	ss-check out.json >actual &&
	printf "a;b 4\na;c 6\n" >expect &&
	test_cmp expect actual
'

# unit_case UNIT SPEEDSCOPE: a profile whose "# unit:" is UNIT has unit SPEEDSCOPE
unit_case () {
	unit_in=$1 unit_out=$2
	test_expect_success "unit: ${1:-(none)} is $2" '
		{ test -z "$unit_in" || printf "# unit: %s\n" "$unit_in"; } >in &&
		printf "a 1\n" >>in &&
		$FLAME in >out.json &&
		ss-check -i out.json >info &&
		grep -x "unit $unit_out" info
	'
}
unit_case "" none
unit_case samples none
unit_case nanoseconds nanoseconds
unit_case bytes bytes
unit_case objects none

test_expect_success 'no stacks: a valid file with no samples, status 0' '
	$FLAME </dev/null >out.json 2>err &&
	test_must_be_empty err &&
	ss-check -i out.json >info &&
	grep -x "frames 0" info &&
	grep -x "samples 0" info &&
	grep -x "endValue 0" info
'

# Quotes, backslashes, U+2028 and markup are JSON-escaped; control bytes
# (NUL, ESC, DEL) and invalid UTF-8 become U+FFFD, as in the SVG and the
# tables (json_write_string).
test_expect_success 'hostile names are valid JSON and read back as the SVG shows them' '
	printf "q\"b\\\\c;\000\001\037\033[1m\177;\342\200\250</script>;\377\300\257x\355\240\200\342\200z 1\n" >in &&
	title=$(printf "t\"i\\\\t\001le") &&
	$FLAME --title "$title" in >out.json &&
	ss-check out.json >actual &&
	printf "q\"b\\\\c;\357\277\275\357\277\275\357\277\275\357\277\275[1m\357\277\275;\342\200\250</script>;\357\277\275\357\277\275\357\277\275x\357\277\275\357\277\275\357\277\275\357\277\275\357\277\275z 1\n" >expect &&
	test_cmp expect actual &&
	ss-check -i out.json >info &&
	printf "name t\"i\\\\t\357\277\275le\n" >expect &&
	head -n 1 info >actual &&
	test_cmp expect actual &&
	! grep -q "$(printf "[\001\033\177]")" out.json &&
	grep -q "\\\\u2028" out.json
'

test_expect_success 'random bytes and a 20,000-byte name: still valid JSON, weights exact' '
	awk "BEGIN { srand(5); for (i = 0; i < 2000; i++) { s = \"\";
		n = 1 + int(rand() * 12); for (j = 0; j < n; j++) s = s sprintf(\"%c\", 1 + int(rand() * 255));
		gsub(/[;\n]/, \"x\", s); print \"r;\" s \" \" (1 + int(rand() * 9)) }
		s = \"\"; for (i = 0; i < 2000; i++) s = s \"0123456789\"; print s \" 1\" }" >in &&
	$FLAME in >out.json &&
	ss-check out.json >actual &&
	test "$(folded_sum actual)" = "$(folded_sum in)" &&
	grep -c "^0123456789.*789 1\$" actual >n &&
	echo 1 >one && test_cmp one n
'

test_expect_success 'source locations and modules: the function, "file" and "line"' '
	printf "main\tapp.c:10;tokenize\tapp.c:060 5\nmain\tapp.c:10;tokenize\tapp.c:61 1\nmain\tapp.c:10;memcpy\t\t/usr/lib/libc.so.6 2\nmain\tapp.c:10;bad\001\tC:\\\\x.c 1\n" >lines.folded &&
	$FLAME lines.folded >out.json &&
	./ss-check out.json >/dev/null &&
	sed -n "/^{\"name\"/p" out.json >actual &&
	r=$(printf "\357\277\275") &&
	{
		printf "{\"name\":\"main\",\"file\":\"app.c\",\"line\":10},\n"
		printf "{\"name\":\"bad%s\",\"file\":\"C:\\\\\\\\x.c\"},\n" "$r"
		printf "{\"name\":\"memcpy\",\"file\":\"/usr/lib/libc.so.6\"},\n"
		printf "{\"name\":\"tokenize\",\"file\":\"app.c\",\"line\":60},\n"
		printf "{\"name\":\"tokenize\",\"file\":\"app.c\",\"line\":61}]},\n"
	} >expect &&
	test_cmp expect actual
'

test_expect_success 'a write error is status 1' '
	test_expect_code 1 $FLAME tree.folded >/dev/full 2>err &&
	test -s err
'

done_testing
