#!/bin/sh
test_description='prof-flame: well-formed, inert SVG for any bytes in names and options'
. "$(dirname "$0")/lib.sh"

# A corpus of hostile frame names is generated here: control bytes and
# NUL, invalid UTF-8 (overlong, surrogates, past U+10FFFF, cut short,
# stray continuation bytes), non-characters, 20,000-byte names, quotes,
# entities, CDATA terminators, and markup meant to become elements or
# attributes.  Every graph drawn from it must be well-formed XML
# (xmllint), valid UTF-8 without control characters, hold only the
# elements and attributes the writer makes, and show each name as text.
# The graph is drawn by prof-flame when it is built, else by the driver
# t/helpers/svg-test.c (see t/3100-flame-svg.t).

command -v xmllint >/dev/null 2>&1 || skip_or_fail "no xmllint (libxml2-utils)"
command -v iconv >/dev/null 2>&1 || skip_or_fail "no iconv"
test -f "$ROOT/lib/libprof.a" || skip_or_fail "lib/libprof.a is not built; run make"

if test -x "$ROOT/bin/prof-flame"; then
	FLAME=prof-flame
else
	FLAME=svg-test
fi

test_expect_success 'build the driver' '
	$DRIVER_CC $DRIVER_FLAGS -o svg-test "$ROOT/t/helpers/svg-test.c" "$ROOT/lib/libprof.a" -lm
'
PATH=$TRASH:$PATH

# repeat N BYTES: BYTES (printf escapes) N times
repeat () {
	_one=$(printf "$2"; echo x)
	_one=${_one%x}
	_s=$_one
	_n=1
	while test $_n -lt "$1"; do
		_s=$_s$_s
		_n=$((_n * 2))
	done
	printf "%s" "$_s" | head -c $(($1 * ${#_one}))
}

# The names, one a line.  printf writes the bytes; none holds a newline
# or ';' (a name cannot: they end a line and a frame), and none ends in
# a number after a space (that would be read as a count).
names () {
	printf 'ctl\001\002\003\004\005\006\007\010\013\014\016\017\020\021\022\023\024\025\026\027\030\031\032\033\034\035\036\037end\n'
	printf 'nul\000byte\n'
	printf 'tab\there\n'
	printf 'cr\rmid\n'
	printf 'del\177c1\302\200\302\205\302\237\n'
	printf 'bad\377\376lead\n'
	printf 'overlong\300\257\340\200\257\n'
	printf 'surrogate\355\240\200\n'
	printf 'toobig\364\220\200\200\370\210\200\200\200\n'
	printf 'cut\342\202\n'
	printf 'stray\200\277cont\n'
	printf 'nonchar\357\277\276\357\277\277\n'
	printf 'emoji\360\237\230\200ok\n'
	printf 'bidi\342\200\256evil\n'
	printf 'quotes"double\047single\140back\n'
	printf 'entities&amp&lt&#60&#x3c&unknown&\n'
	printf ']]>\n'
	printf 'a]]>b<![CDATA[c]]>\n'
	printf '<!-- comment -->--\n'
	printf '</text><script>alert(1)</script>\n'
	printf '"><svg onload=alert(1)>\n'
	printf '\047 onmouseover=\047alert(1)\n'
	printf '" onclick="alert(1)" x="\n'
	printf '</title><script>alert(2)</script><title>\n'
	printf '</g></svg><script>alert(3)</script><svg>\n'
	printf '<?xml version="1.0"?><?php echo?>\n'
	printf '<!DOCTYPE x [<!ENTITY e "boom">]>&e\n'
	printf '<a xlink:href="javascript:alert(1)">x</a>\n'
	printf 'op->call->rgb(1,2,3)\n'
	printf -- '-\n'
	printf '\n' | sed 's/^$/ /'
	repeat 20000 A; echo
	repeat 10000 '\303\251'; echo
	repeat 20000 '\377'; echo
	repeat 6000 '<&"'; echo
	repeat 6666 '\342\202\254'; printf 'ab\n'
	repeat 5000 '\360\237\230\200'; echo
}

test_expect_success 'the corpus' '
	names >names &&
	test $(wc -l <names) = 37 &&
	awk "{ print \$0 \" \" NR }" names >flat.folded &&
	awk "{ print \"root;\" \$0 \";leaf \" NR; print \$0 \";\" \$0 \" 1\" }" names >nested.folded &&
	awk "{ s = s (s == \"\" ? \"\" : \";\") \$0 } END { print s, 5 }" names >deep.folded &&
	cat flat.folded nested.folded deep.folded >all.folded &&
	awk "{ print \$0, NR % 3, NR % 5 }" names >diff.folded &&
	test $(wc -c <all.folded) -gt 300000
'

ALLOWED_ELEMENTS='svg desc defs linearGradient stop style rect text tspan g title script'
ALLOWED_ATTRS='version width height viewBox font-family font-size id x1 y1 x2 y2 stop-color offset type fill text-anchor x y class cw fh xp y0 dy to tr sc nt p v l'

# inert SVG: well-formed, valid UTF-8, no control bytes but newline and
# tab, only the writer's elements and attributes, one script (the
# writer's, whole) and no CDATA section but the script's and style's.
inert () {
	xmllint --noout "$1" || { echo "$1: not well-formed"; return 1; }
	iconv -f UTF-8 -t UTF-8 "$1" >/dev/null || { echo "$1: not UTF-8"; return 1; }
	n=$(tr -d "\n\t\040-\176\200-\377" <"$1" | wc -c)
	test "$n" = 0 || { echo "$1: $n control bytes"; return 1; }
	xmllint --xpath "//*" "$1" >/dev/null 2>&1 || return 1
	for e in $(xmllint --xpath "//*" "$1" | grep -o "<[A-Za-z][^ />]*" | sed "s/<//" | sort -u); do
		case " $ALLOWED_ELEMENTS " in
		*" $e "*) ;;
		*) echo "$1: an element $e"; return 1 ;;
		esac
	done
	for a in $(xmllint --xpath "//@*" "$1" | grep -o " [^ =]*=\"" | sed "s/^ //; s/=\"\$//" | sort -u); do
		case " $ALLOWED_ATTRS " in
		*" $a "*) ;;
		*) echo "$1: an attribute $a"; return 1 ;;
		esac
	done
	n=$(xmllint --xpath "count(//*[local-name()=\"script\"])" "$1")
	if grep -q ">No data</text>" "$1"; then
		test "$n" = 0 || { echo "$1: $n scripts"; return 1; }
	else
		test "$n" = 1 || { echo "$1: $n scripts"; return 1; }
		xmllint --xpath "string(//*[local-name()=\"script\"])" "$1" >"$1.js"
		{ echo; cat "$ROOT/share/prof/flame.js"; echo; } >"$1.js.expect"
		cmp -s "$1.js" "$1.js.expect" || { echo "$1: the script changed"; return 1; }
		test $(grep -c "<!\[CDATA\[" "$1") = 2 || { echo "$1: CDATA sections"; return 1; }
		test $(grep -o "]]>" "$1" | wc -l) = 2 || { echo "$1: ]]> outside CDATA ends"; return 1; }
	fi
	n=$(xmllint --xpath "count(//comment())" "$1")
	test "$n" -le 1 || { echo "$1: $n comments"; return 1; }
	n=$(xmllint --xpath "count(//processing-instruction())" "$1")
	test "$n" = 0 || { echo "$1: processing instructions"; return 1; }
	return 0
}

# cmp_short EXPECT ACTUAL: test_cmp for files with lines of 60,000 bytes
cmp_short () {
	cmp -s "$1" "$2" && return 0
	diff "$1" "$2" | cut -c 1-200
	return 1
}

# titles SVG: the first line of each frame's tooltip (its name), as
# XML reads it.
titles () {
	xmllint --xpath "//*[local-name()=\"g\"]/*[local-name()=\"title\"]" "$1" |
		awk "BEGIN { RS = \"</title>\" } { sub(/^[^<]*<title>/, \"\"); sub(/\n.*/, \"\"); if (\$0 != \"\") print }" |
		sed "s/&lt;/</g; s/&gt;/>/g; s/&quot;/\"/g; s/&amp;/\\&/g"
}

for args in "" "--truncate-text-right" "--inverted" "--flamechart" "--reverse" \
	"--hash --colors java" "--colors rust" "--width 200" "--width 333 --fontsize 7" \
	"--minwidth 0" "--minwidth 50"; do
	test_expect_success "inert SVG: $FLAME ${args:-(defaults)}" '
		$FLAME '"$args"' all.folded >out.svg &&
		inert out.svg
	'
done

test_expect_success 'inert SVG: a differential graph, and --negate' '
	$FLAME diff.folded >out.svg &&
	inert out.svg &&
	$FLAME --negate diff.folded >out.svg &&
	inert out.svg
'

test_expect_success 'labels are cut between characters at every width' '
	for w in 150 171 199 230 287 310 377 401 555 640 777 901 1024 1500; do
		$FLAME --width $w nested.folded >out.svg &&
		xmllint --noout out.svg &&
		iconv -f UTF-8 -t UTF-8 out.svg >/dev/null || { echo "width $w"; exit 1; }
	done
'

test_expect_success 'names are shown as text: bad bytes become U+FFFD, markup stays text' '
	$FLAME flat.folded >out.svg &&
	titles out.svg | sort >actual &&
	r=$(printf "\357\277\275") &&
	{
		printf "ctl" && repeat 28 "$r" && printf "end\n"
		printf "nul%sbyte\n" "$r"
		printf "tab\n"
		printf "cr%smid\n" "$r"
		printf "del%sc1%s%s%s\n" "$r" "$r" "$r" "$r"
		printf "bad%s%slead\n" "$r" "$r"
		printf "overlong%s%s%s%s%s\n" "$r" "$r" "$r" "$r" "$r"
		printf "surrogate%s%s%s\n" "$r" "$r" "$r"
		printf "toobig" && repeat 9 "$r" && echo
		printf "cut%s%s\n" "$r" "$r"
		printf "stray%s%scont\n" "$r" "$r"
		printf "nonchar%s%s\n" "$r" "$r"
		printf "emoji\360\237\230\200ok\n"
		printf "bidi\342\200\256evil\n"
		printf "quotes\"double\047single\140back\n"
		printf "entities&amp&lt&#60&#x3c&unknown&\n"
		printf "]]>\n"
		printf "a]]>b<![CDATA[c]]>\n"
		printf "<!-- comment -->--\n"
		printf "</text><script>alert(1)</script>\n"
		printf "\"><svg onload=alert(1)>\n"
		printf "\047 onmouseover=\047alert(1)\n"
		printf "\" onclick=\"alert(1)\" x=\"\n"
		printf "</title><script>alert(2)</script><title>\n"
		printf "</g></svg><script>alert(3)</script><svg>\n"
		printf "<?xml version=\"1.0\"?><?php echo?>\n"
		printf "<!DOCTYPE x [<!ENTITY e \"boom\">]>&e\n"
		printf "<a xlink:href=\"javascript:alert(1)\">x</a>\n"
		printf "op->call->rgb(1,2,3)\n"
		printf -- "-\n"
		printf " \n"
		repeat 20000 A; echo
		repeat 10000 "\303\251"; echo
		repeat 20000 "$r"; echo
		repeat 6000 "<&\""; echo
		repeat 6666 "\342\202\254"; printf "ab\n"
		repeat 5000 "\360\237\230\200"; echo
		echo all
	} | sort >expect &&
	cmp_short expect actual
'

test_expect_success 'long names: the tooltip whole, the label cut to fit' '
	printf "%s 1\n" "$(repeat 20000 A)" >long.folded &&
	$FLAME long.folded >out.svg &&
	inert out.svg &&
	titles out.svg | grep -c -x "A\{20000\}" >n &&
	echo 1 >expect &&
	test_cmp expect n &&
	grep -o ">\.\.A*</text>" out.svg >label &&
	test $(wc -c <label) = $((1 + 2 + 164 + 8))
'

test_expect_success 'outside the script and style, every < is the writer s' '
	$FLAME all.folded >out.svg &&
	sed "/^<script/,/<\/script>/d; /^<style/,/<\/style>/d" out.svg |
		grep -o "<[^ >]*" | sort -u >tags &&
	grep -v -x -e "<?xml" -e "<!--" -e "</\{0,1\}svg" -e "</\{0,1\}desc" \
		-e "</\{0,1\}defs" -e "</\{0,1\}linearGradient" -e "<stop" -e "<rect" \
		-e "</\{0,1\}text" -e "</\{0,1\}g" -e "</\{0,1\}title" tags >other;
	test_must_be_empty other &&
	test $(grep -c "<svg" out.svg) = 1 &&
	test $(grep -c "<script" out.svg) = 1
'

# (a tab would start the frame's location: it is a control byte here)
test_expect_success 'xmlsafe_puts, in pieces, writes what cleaning the whole writes' '
	{ tr "\n\t" "\001\002" <names; printf " 1\n"; } >one.folded &&
	svg-test --minwidth 0 one.folded >out.svg &&
	awk "BEGIN { RS = \"</g>\" } /<g p=\"0\" v=\"1\"><title>[^a]/ { t = \$0; sub(/^.*<title>/, \"\", t); sub(/\n.*/, \"\", t); printf \"%s\", t }" \
		out.svg >expect &&
	test $(wc -c <expect) -gt 150000 &&
	tr "\n\t" "\001\002" <names | svg-test --puts >actual &&
	cmp expect actual
'

# The options' text lands in attributes, text and a <desc>.
test_expect_success 'hostile option values stay text too' '
	bad=$(printf "\"><script>alert(1)</script><x y=\"\001\377]]>--><!--") &&
	$FLAME --title "$bad" --subtitle "$bad" --countname "$bad" --nametype "$bad" \
		--notes "$bad" --fonttype "$bad" --search-color "$bad" flat.folded >out.svg &&
	inert out.svg &&
	xmllint --xpath "string(//*[local-name()=\"text\"][@id=\"title\"])" out.svg >t &&
	printf "\"><script>alert(1)</script><x y=\"\357\277\275\357\277\275]]>--><!--\n" >expect &&
	test_cmp expect t &&
	xmllint --xpath "string(//*[local-name()=\"desc\"])" out.svg >t &&
	test_cmp expect t &&
	xmllint --xpath "string(//*[local-name()=\"g\"][@id=\"frames\"]/@nt)" out.svg >t &&
	test_cmp expect t &&
	xmllint --xpath "string(/*/@font-family)" out.svg >t &&
	test_cmp expect t
'

test_expect_success 'hostile option values with empty input' '
	: >empty &&
	$FLAME --title "$bad" --subtitle "</text><script>" empty >out.svg &&
	inert out.svg &&
	grep ">No data</text>" out.svg
'

test_expect_success '--cp: hostile names keep their colours through the map' '
	$FLAME --cp map flat.folded >one.svg &&
	inert one.svg &&
	$FLAME --cp map nested.folded >two.svg &&
	inert two.svg &&
	awk "BEGIN { RS = \"</g>\" } /<g p=/ { t = \$0; sub(/.*<title>/, \"\", t); sub(/\n.*/, \"\", t); f = \$0; sub(/.* fill=\"/, \"\", f); sub(/\".*/, \"\", f); print t \"\t\" f }" one.svg |
		sort -u >c1 &&
	awk "BEGIN { RS = \"</g>\" } /<g p=/ { t = \$0; sub(/.*<title>/, \"\", t); sub(/\n.*/, \"\", t); f = \$0; sub(/.* fill=\"/, \"\", f); sub(/\".*/, \"\", f); print t \"\t\" f }" two.svg |
		sort -u >c2 &&
	join -t "	" c1 c2 | awk -F "\t" "\$2 != \$3 { print \"colour changed:\", \$1; bad = 1 } END { exit bad }" &&
	test $(join -t "	" c1 c2 | wc -l) -ge 30
'

# Empty frames are legal (prof-folded(5)): a leading one, one in the
# middle, and a stack that is one empty frame.  They crashed every format.
test_expect_success 'empty frame names and an empty stack, in every format' '
	printf ";a 1\na;;b 2\n 3\n" >empty-frames &&
	for f in svg html text speedscope; do
		prof-flame --format $f empty-frames >out.$f || return 1
	done &&
	xmllint --noout out.svg &&
	inert out.svg &&
	grep "^100.0%  *6  all" out.text &&
	prof-flame --reverse empty-frames >rev.svg && xmllint --noout rev.svg &&
	prof-flame --inverted empty-frames >inv.svg && xmllint --noout inv.svg &&
	prof-flame --flamechart empty-frames >chart.svg && xmllint --noout chart.svg
'

# A change of 10^17 percent overflowed the rounding (UBSan: negation of
# INT64_MIN) and printed "+-92233720368547758.08%".
test_expect_success 'a huge change in a differential profile is shown as it is' '
	printf "a;b 1 23333333333333333\na;c 1 1\n" >huge &&
	prof-flame huge >out.svg &&
	xmllint --noout out.svg &&
	! grep -e "+-" -e "--" out.svg | grep "%" &&
	grep -F "+2333333333333332992.00%" out.svg &&
	prof-flame --format text huge >out.text &&
	! grep -e "+-" out.text
'

done_testing
