#!/bin/sh
test_description='lib/plan/rules: the rule catalog, rules files over it, matching and source confirmation'
. "$(dirname "$0")/lib.sh"

# The driver t/helpers/rules-test.c reads the built-in catalog and any
# rules files (-r), then prints the rule claiming each frame (match), the
# rules in order (dump), rules_confirm on a source line (confirm), or
# checks that a bad file leaves the rules as they were (keep).
# t/data/rules/frames holds real frame names (README: where from) and the
# rule that must claim each, written by hand.

test -f "$ROOT/lib/libprof.a" || skip_or_fail "lib/libprof.a is not built; run make lib/libprof.a"

D=$T_DATA/rules

test_expect_success 'build the driver' '
	$DRIVER_CC $DRIVER_FLAGS -o rules-test "$ROOT/t/helpers/rules-test.c" \
		"$ROOT/lib/libprof.a" -lcsv -lm
'
PATH=$TRASH:$PATH

# --- the built-in catalog ---------------------------------------------

test_expect_success 'the built-in catalog loads: unique ids, categories, speed-ups in range, one fallback' '
	rules-test dump >dump &&
	test_line_count -gt 40 dump &&
	sed "\$d" dump | cut -d" " -f1 | sort | uniq -d >dup &&
	test_must_be_empty dup &&
	sed "\$d" dump | awk "
		\$2 !~ /^(CPU|memory|I\/O|locking)\$/ { print \"category: \" \$0; bad = 1 }
		\$3 !~ /^(function|kernel|module|other)\$/ { print \"match: \" \$0; bad = 1 }
		!(\$4 > 1 && \$4 <= 1000) { print \"speedup: \" \$0; bad = 1 }
		\$3 == \"other\" { others++ }
		END { if (others != 1) { print others \" fallbacks\"; bad = 1 }; exit bad }" &&
	tail -n 1 dump >last && echo "other compute" >expect && test_cmp expect last &&
	head -n 1 dump >first && echo "alloc memory function 10 loop source" >expect &&
	test_cmp expect first
'

if command -v python3 >/dev/null 2>&1; then
test_expect_success 'the catalog reads as python3 csv reads it (same records, same ids in order)' '
	python3 -c "
import csv, sys
rows = list(csv.DictReader(open(sys.argv[1], newline=\"\")))
for r in rows:
    assert set(r) == {\"id\",\"category\",\"match\",\"pattern\",\"speedup\",\"problem\",\"advice\",\"source\",\"loop\",\"finding\"}, r
    assert r[\"problem\"] and r[\"advice\"], r[\"id\"]
    assert (r[\"loop\"] != \"yes\") or r[\"source\"], r[\"id\"]
    assert (r[\"source\"] == \"\") == (r[\"finding\"] == \"\"), r[\"id\"]
    print(r[\"id\"])
" "$ROOT/share/prof/rules.csv" >py &&
	rules-test dump | sed "\$d" | cut -d" " -f1 >ours &&
	test_cmp py ours
'
else
	test_skip 'the catalog reads as python3 csv reads it (same records, same ids in order)' 'no python3'
fi

test_expect_success 'every frame of t/data/rules/frames is claimed by its rule, and the others by none' '
	grep -v "^#" "$D/frames" | grep -v "^\$" >expect &&
	test_line_count -gt 400 expect &&
	cut -d" " -f2- expect | sed "s/\\\\t/	/g" >frames &&
	rules-test match <frames >ids &&
	cut -d" " -f2- expect | paste -d" " ids - >actual &&
	test_cmp expect actual
'

test_expect_success 'every rule of the catalog (but the fallback) claims a frame of t/data/rules/frames' '
	rules-test dump | sed "\$d" | awk "\$3 != \"other\" { print \$1 }" | sort >rules &&
	grep -v "^#" "$D/frames" | cut -d" " -f1 | grep -v "^-\$" | sort -u >covered &&
	comm -23 rules covered >uncovered &&
	test_must_be_empty uncovered
'

# The demangler of the machine: names of libstdc++ templates as they are
# written today (return types first, "> >"), from a program built here.
cat >prog.cc <<\EOF
#include <algorithm>
#include <iostream>
#include <map>
#include <string>
#include <unordered_map>
#include <vector>
int main(int argc, char **argv)
{
	std::vector<int> v;
	for (int i = 0; i < argc * 100; i++)
		v.push_back(i * 7 % 13);
	std::sort(v.begin(), v.end());
	std::unordered_map<std::string, int> m;
	std::map<int, int> t;
	std::string s = argv[0];
	m[s] += t[argc]++;
	std::cout << s.size() << std::endl;
	return v[0] + (int)m.size();
}
EOF
cat >prog.expect <<\EOF
sorting std::__introsort_loop<
container-growth >::_M_realloc_
hash-table ::_M_find_before_node(
tree-map std::_Rb_tree<
small-writes std::endl<
alloc-cxx operator new(unsigned long)
EOF
if command -v g++ >/dev/null 2>&1 && command -v nm >/dev/null 2>&1; then
	test_expect_success 'libstdc++ names from this machine'"'"'s g++ and demangler' '
		g++ -O0 -c -o prog.o prog.cc &&
		nm -C prog.o | sed -n "s/^[0-9a-f ]* [TtWwU] //p" >names &&
		: >expect && : >actual &&
		while read -r id sub; do
			grep -F -m 1 -e "$sub" names >name || { echo "no name with $sub"; exit 1; }
			echo "$id $(cat name)" >>expect
			printf "%s " "$(rules-test match <name)" >>actual
			cat name >>actual
		done <prog.expect &&
		test_cmp expect actual
	'
else
	test_skip 'libstdc++ names from this machine'"'"'s g++ and demangler' 'no g++ or nm'
fi

# --- rules files over the catalog -------------------------------------

cat >replace.csv <<\EOF
id,category,match,pattern,speedup,problem,advice
sorting,CPU,function,^qsort$,7.5,sorting,Sort less
EOF
test_expect_success 'a rule with a catalog id replaces it in its place' '
	rules-test dump >before &&
	rules-test -r replace.csv dump >after &&
	sed "s/^sorting CPU function 2 loop source\$/sorting CPU function 7.5 - -/" before >expect &&
	! cmp -s before expect &&
	test_cmp expect after &&
	printf "qsort\nbsearch\n" | rules-test -r replace.csv match >actual &&
	printf "sorting\n-\n" >expect &&
	test_cmp expect actual
'

cat >new.csv <<\EOF
id,category,match,pattern,speedup,problem,advice
my-alloc,memory,function,^(malloc|my_malloc_wrapper)$,4,my allocator,Use the pool
my-parse,CPU,function,^parse_config$,3,config parsing,Parse once
EOF
test_expect_success 'new rules go before the catalog'"'"'s, in their order, and are tried first' '
	rules-test -r new.csv dump >after &&
	head -n 2 after >actual &&
	printf "my-alloc memory function 4 - -\nmy-parse CPU function 3 - -\n" >expect &&
	test_cmp expect actual &&
	rules-test dump >before &&
	sed 1,2d after >rest && test_cmp before rest &&
	printf "malloc\nmy_malloc_wrapper\nparse_config\nfree\n" | rules-test -r new.csv match >actual &&
	printf "my-alloc\nmy-alloc\nmy-parse\nalloc\n" >expect &&
	test_cmp expect actual
'

test_expect_success 'a second file goes before the first, replacing the first'"'"'s rules in place' '
	cat >second.csv <<-\EOF &&
	id,category,match,pattern,speedup,problem,advice
	my-parse,CPU,function,^parse_config$,9,config parsing,Parse once
	late,CPU,function,^late$,2,late,Late
	EOF
	rules-test -r new.csv -r second.csv dump >actual &&
	head -n 3 actual >top &&
	printf "late CPU function 2 - -\nmy-alloc memory function 4 - -\nmy-parse CPU function 9 - -\n" >expect &&
	test_cmp expect top
'

cat >off.csv <<\EOF
id,category,match,pattern,speedup,problem,advice
alloc,,off,,,,
page-faults,,OFF,,,,
EOF
test_expect_success '"off" removes a rule; the other columns may be empty' '
	rules-test -r off.csv dump >after &&
	rules-test dump | grep -v "^alloc \|^page-faults " >expect &&
	test_cmp expect after &&
	printf "malloc\nasm_exc_page_fault_[k]\n__memmove_avx_unaligned_erms\n" |
		rules-test -r off.csv match >actual &&
	printf "%s\n" - - copy >expect &&
	test_cmp expect actual
'

test_expect_success 'columns in any order, spaces, any case, quoted fields over lines, blank records' '
	printf "%s\n" "advice,  speedup ,problem,match,id,pattern,category" "" \
		"\"Batch it, then" "write once\",3,\"odd \"\"quoted\"\" problem\",FUNCTION,  mine , \"^mine\$\" ,i/o" \
		",,,,,," "   " >shuffled.csv &&
	rules-test -r shuffled.csv dump >after &&
	head -n 1 after >actual &&
	echo "mine I/O function 3 - -" >expect &&
	test_cmp expect actual &&
	echo mine | rules-test -r shuffled.csv match >actual &&
	echo mine >expect &&
	test_cmp expect actual
'

test_expect_success 'CRLF line ends and a byte order mark are read' '
	printf "\357\273\277id,category,match,pattern,speedup,problem,advice\r\nx,CPU,kernel,^x\$,2,p,a\r\n" >crlf.csv &&
	rules-test -r crlf.csv dump >after &&
	head -n 1 after >actual &&
	echo "x CPU kernel 2 - -" >expect &&
	test_cmp expect actual
'

test_expect_success 'the fallback is replaced by its id, or turned off and another given' '
	printf "id,category,match,pattern,speedup,problem,advice\ncompute,CPU,other,,3,hot code,Think\n" >fb.csv &&
	rules-test -r fb.csv dump >actual &&
	tail -n 2 actual >tail &&
	printf "compute CPU other 3 - -\nother compute\n" >expect &&
	test_cmp expect tail &&
	printf "id,category,match,pattern,speedup,problem,advice\ncompute,,off,,,,\nmine,memory,other,,2,p,a\n" >fb2.csv &&
	rules-test -r fb2.csv dump >actual &&
	head -n 1 actual >head &&
	echo "mine memory other 2 - -" >expect &&
	test_cmp expect head &&
	tail -n 1 actual >tail &&
	echo "other mine" >expect &&
	test_cmp expect tail
'

test_expect_success 'source, loop and finding are optional columns; loop is yes, no or empty' '
	cat >opt.csv <<-\EOF &&
	id,category,match,pattern,speedup,problem,advice,source,loop,finding
	a,CPU,function,^a$,2,p,x,a *\(,YES,f
	b,CPU,function,^b$,2,p,x,b *\(,no,
	c,CPU,function,^c$,2,p,x,,,
	EOF
	rules-test -n -r opt.csv dump >actual &&
	printf "a CPU function 2 loop source\nb CPU function 2 - source\nc CPU function 2 - -\nother -\n" >expect &&
	test_cmp expect actual
'

test_expect_success 'module rules match the module, or NAME of a frame named [NAME]; kernel rules only kernel frames' '
	cat >mod.csv <<-\EOF &&
	id,category,match,pattern,speedup,problem,advice
	m,CPU,module,^libfoo\.so,2,p,a
	k,CPU,kernel,^foo$,2,p,a
	f,CPU,function,^foo$,2,p,a
	EOF
	printf "%b\n" "[libfoo.so.1]" "bar\t\tlibfoo.so.1" "bar\tfoo.c:3\tlibfoo.so" "[libfoo.so.1" \
		"x[libfoo.so]" "foo_[k]" "foo" "foo_[i]" "foo_[j]" "foo\t\t[kernel.kallsyms]_[k]" \
		"bar\t\tlibbar.so" >frames &&
	rules-test -n -r mod.csv match <frames >actual &&
	printf "%s\n" m m m - - k f f f k - >expect &&
	test_cmp expect actual
'

# rules_find also tries the patterns of a kind joined in one alternation
# first, which must not change what any of them means.
test_expect_success 'a pattern with a ")" of its own, or a back-reference, means what it says' '
	printf "%s\n" "id,category,match,pattern,speedup,problem,advice" \
		"p,CPU,function,a)|^b\$,2,p,x" "q,CPU,function,^q\$,2,p,x" >paren.csv &&
	printf "%s\n" "a)" b q a "xa)y" >frames &&
	rules-test -n -r paren.csv match <frames >actual &&
	printf "%s\n" p p q - p >expect &&
	test_cmp expect actual &&
	printf "%s\n" "id,category,match,pattern,speedup,problem,advice" \
		"x,CPU,kernel,^x\$,2,p,x" "b,CPU,kernel,^(ab)\\1\$,2,p,x" >backref.csv &&
	printf "%s\n" "abab_[k]" "abcd_[k]" "x_[k]" >frames &&
	rules-test -n -r backref.csv match <frames >actual &&
	printf "%s\n" b - x >expect &&
	test_cmp expect actual
'

test_expect_success 'rules read over, or freed and read anew, after matching are matched as they are now' '
	printf "%s\n" "id,category,match,pattern,speedup,problem,advice" "one,CPU,function,^one\$,2,p,x" >one.csv &&
	printf "%s\n" "id,category,match,pattern,speedup,problem,advice" "two,CPU,function,^two\$,2,p,x" >two.csv &&
	printf "%s\n" one two >frames &&
	rules-test -n -r one.csv twice two.csv <frames >actual &&
	printf "%s\n" one - one two >expect &&
	test_cmp expect actual &&
	rules-test -n -r one.csv anew two.csv <frames >actual &&
	printf "%s\n" one - - two >expect &&
	test_cmp expect actual &&
	rules-test -r one.csv anew two.csv <frames >actual &&
	test_cmp expect actual
'

# --- errors: each names the file, the line of the record, the column
# and the value; the rules are left as they were -----------------------

# bad FILE MESSAGE: reading FILE over the catalog fails with MESSAGE
# (after the program's name), and the rules stay as they were.
bad () {
	rules-test keep "$1" >kept 2>err &&
	printf "rules-test: %s\n" "$2" >expect.err &&
	test_cmp expect.err err &&
	echo unchanged >expect.kept &&
	test_cmp expect.kept kept
}

H=id,category,match,pattern,speedup,problem,advice
HF=id,category,match,pattern,speedup,problem,advice,source,loop,finding

test_expect_success 'error: a file that cannot be read' '
	bad nofile.csv "nofile.csv: cannot open: No such file or directory" &&
	test_expect_code 2 rules-test -r nofile.csv dump >out 2>err &&
	test_must_be_empty out &&
	test_cmp expect.err err
'

test_expect_success 'error: an empty file, or only blank records' '
	: >empty.csv &&
	bad empty.csv "empty.csv:1: header: missing (the file has no records)" &&
	printf "\n  \n,,\n" >blank.csv &&
	bad blank.csv "blank.csv:1: header: missing (the file has no records)"
'

test_expect_success 'error: no header record' '
	printf "alloc,memory,function,^malloc\$,10,p,a\n" >nohead.csv &&
	bad nohead.csv "nohead.csv:1: header: not a header record (the first record names the columns: id,category,match,pattern,speedup,problem,advice,source,loop,finding): alloc"
'

test_expect_success 'error: a required column missing' '
	printf "\n\nid,category,match,pattern,problem,advice\n" >miss.csv &&
	bad miss.csv "miss.csv:3: header: missing required column: speedup"
'

test_expect_success 'error: an unknown column' '
	printf "%s,note\n" "$H" >unk.csv &&
	bad unk.csv "unk.csv:1: header: unknown column: note"
'

test_expect_success 'error: a column twice' '
	printf "%s,id\n" "$H" >dupcol.csv &&
	bad dupcol.csv "dupcol.csv:1: header: duplicate column: id"
'

test_expect_success 'error: a record with the wrong number of fields' '
	printf "%s\na,CPU,function,^a\$,2,p,x\nb,CPU,function,^b\$,2,p\n" "$H" >nf.csv &&
	bad nf.csv "nf.csv:3: record: wrong number of fields (the header has 7): 6" &&
	printf "%s\na,CPU,function,^a\$,2,p,x,y\n" "$H" >nf2.csv &&
	bad nf2.csv "nf2.csv:2: record: wrong number of fields (the header has 7): 8"
'

test_expect_success 'error: an unknown category' '
	printf "%s\na,disk,function,^a\$,2,p,x\n" "$H" >cat.csv &&
	bad cat.csv "cat.csv:2: category: not CPU, memory, I/O or locking: disk" &&
	printf "%s\na,build,function,^a\$,2,p,x\n" "$H" >cat2.csv &&
	bad cat2.csv "cat2.csv:2: category: not CPU, memory, I/O or locking: build"
'

test_expect_success 'error: an unknown match' '
	printf "%s\na,CPU,symbol,^a\$,2,p,x\n" "$H" >match.csv &&
	bad match.csv "match.csv:2: match: not function, kernel, module, other or off: symbol"
'

test_expect_success 'error: an empty id' '
	printf "%s\n\"\",CPU,function,^a\$,2,p,x\n" "$H" >noid.csv &&
	bad noid.csv "noid.csv:2: id: empty"
'

test_expect_success 'error: an id twice in one file (off included)' '
	printf "%s\na,CPU,function,^a\$,2,p,x\nb,CPU,function,^b\$,2,p,x\na,CPU,function,^c\$,2,p,x\n" "$H" >dupid.csv &&
	bad dupid.csv "dupid.csv:4: id: a second record with this id (the first is on line 2): a" &&
	printf "%s\nalloc,,off,,,,\nalloc,CPU,function,^c\$,2,p,x\n" "$H" >dupoff.csv &&
	bad dupoff.csv "dupoff.csv:3: id: a second record with this id (the first is on line 2): alloc"
'

test_expect_success 'error: an empty pattern for function, kernel or module' '
	for m in function kernel module; do
		printf "%s\na,CPU,$m,,2,p,x\n" "$H" >nopat.csv &&
		bad nopat.csv "nopat.csv:2: pattern: empty, but the match is $m" || exit 1
	done
'

test_expect_success 'error: a pattern for the fallback' '
	printf "%s\nx,CPU,other,^a\$,2,p,x\n" "$H" >otherpat.csv &&
	bad otherpat.csv "otherpat.csv:2: pattern: not empty, but the match is other: ^a\$"
'

test_expect_success 'error: a second fallback, in the file or over the catalog'"'"'s' '
	printf "%s\ncompute,CPU,other,,2,p,x\nx,CPU,other,,2,p,x\n" "$H" >other2.csv &&
	bad other2.csv "other2.csv:3: match: a second \"other\" rule (the first is compute, on line 2): x" &&
	printf "%s\n\nx,CPU,other,,2,p,x\n" "$H" >other3.csv &&
	bad other3.csv "other3.csv:3: match: a second \"other\" rule (compute is one already; replace it by its id, or turn it off): x"
'

test_expect_success 'error: a bad regular expression, in pattern or source (regerror'"'"'s words)' '
	printf "%s\na,CPU,function,(malloc,2,p,x,,,\n" "$HF" >re.csv &&
	bad re.csv "re.csv:2: pattern: Unmatched ( or \\(: (malloc" &&
	printf "%s\na,CPU,function,^a\$,2,p,x,\"a[b\",yes,f\n" "$HF" >re2.csv &&
	bad re2.csv "re2.csv:2: source: Unmatched [, [^, [:, [., or [=: a[b"
'

test_expect_success 'error: a speed-up that is not a number > 1 and <= 1000' '
	for s in 0.5 1 1.0 1000.5 1e4 -3 abc "" inf nan 0x10 "2 x" 1e400; do
		printf "%s\na,CPU,function,^a\$,\"%s\",p,x\n" "$H" "$s" >speed.csv &&
		bad speed.csv "speed.csv:2: speedup: not a number > 1 and <= 1000: $s" || exit 1
	done &&
	for s in 1.5 1000 2e2 +3 1.000001; do
		printf "%s\na,CPU,function,^a\$,%s,p,x\n" "$H" "$s" >speed.csv &&
		rules-test -n -r speed.csv dump >out || exit 1
	done
'

test_expect_success 'error: an empty problem or advice' '
	printf "%s\na,CPU,function,^a\$,2,,x\n" "$H" >noprob.csv &&
	bad noprob.csv "noprob.csv:2: problem: empty" &&
	printf "%s\na,CPU,function,^a\$,2,p,\n" "$H" >noadv.csv &&
	bad noadv.csv "noadv.csv:2: advice: empty"
'

test_expect_success 'error: loop neither yes, no nor empty; yes without a source' '
	printf "%s\na,CPU,function,^a\$,2,p,x,a,maybe,f\n" "$HF" >loop.csv &&
	bad loop.csv "loop.csv:2: loop: not yes, no or empty: maybe" &&
	printf "%s\na,CPU,function,^a\$,2,p,x,,yes,f\n" "$HF" >loop2.csv &&
	bad loop2.csv "loop2.csv:2: loop: yes, but there is no source pattern for it: yes"
'

test_expect_success 'error: turning off a rule that does not exist' '
	printf "%s\na,CPU,function,^a\$,2,p,x\nnosuch,,off,,,,\n" "$H" >offbad.csv &&
	bad offbad.csv "offbad.csv:3: id: no rule with this id to turn off: nosuch"
'

test_expect_success 'error: the line of a record after a field over several lines' '
	printf "%s\na,CPU,function,^a\$,2,p,\"one\ntwo\n\nthree\"\nb,CPU,function,^b\$,0.5,p,x\n" "$H" >multi.csv &&
	bad multi.csv "multi.csv:6: speedup: not a number > 1 and <= 1000: 0.5" &&
	printf "%s\na,CPU,function,^a\$,2,p,x\n\nb,CPU,cpu,^b\$,2,p,\"one\ntwo\"\n" "$H" >multi2.csv &&
	bad multi2.csv "multi2.csv:4: match: not function, kernel, module, other or off: cpu"
'

test_expect_success 'error: malformed CSV: an unterminated quote names where its record began' '
	printf "%s\na,CPU,function,^a\$,2,p,x\nb,CPU,function,^b\$,2,p,\"x\n\nmore\n" "$H" >quote.csv &&
	bad quote.csv "quote.csv:3: CSV: a quoted field without its closing quote"
'

test_expect_success 'error: malformed CSV: a stray quote names its line, in a record over lines too' '
	printf "%s\na,CPU,function,^a\$,2,p,x\nb,CPU,function,^b\$,2,\"p\"q,x\n" "$H" >stray.csv &&
	bad stray.csv "stray.csv:3: CSV: error parsing data while strict checking enabled" &&
	printf "%s\nb,CPU,function,^b\$,2,\"p\nq\"z,x\n" "$H" >stray2.csv &&
	bad stray2.csv "stray2.csv:3: CSV: error parsing data while strict checking enabled"
'

test_expect_success 'error: a NUL byte' '
	printf "%s\na,CPU,function,^a\000\$,2,p,x\n" "$H" >nul.csv &&
	bad nul.csv "nul.csv:2: CSV: a NUL byte in a field"
'

test_expect_success 'an error after good records leaves none of them' '
	printf "%s\nalloc,CPU,function,^zz\$,2,p,x\nnew,CPU,function,^malloc\$,2,p,x\ncompute,,off,,,,\nz,CPU,function,^z\$,1,p,x\n" "$H" >late.csv &&
	bad late.csv "late.csv:5: speedup: not a number > 1 and <= 1000: 1"
'

# --- rules_confirm ----------------------------------------------------

cat >src.c <<\EOF
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

size_t
count(const char *s)
{
	size_t i, n = 0;

	for (i = 0; i < strlen(s); i++)
		n += s[i] == ',';
	return n + strlen(s);
}

char **
readall(FILE *fp, size_t *np)
{
	char line[256], **v = NULL;
	size_t n = 0;

	while (fgets(line, sizeof line, fp)) {
		size_t len = strlen(line);

		v = realloc(v, (n + 1) * sizeof(*v));
		v[n] = malloc(len + 1);
		memcpy(v[n++], line, len + 1);
	}
	*np = n;
	return v;
}

void
emit(FILE *out, const char *s)
{
	char *buf = malloc(strlen(s) + 1); /* wait for it: no loop here */
	int c;

	strcpy(buf, s);
	while ((c = *s++) != 0)
		putc(c, out);
	fwrite(s, 1, 1, out);
	free(buf);
}

int
rare(void)
{
	char *p;
	/* do */
	p = malloc(1);
	printf("while");
	p = malloc(2);
	free(p);
	return 0;
}

EOF
# confirm cases: ID LINE EXPECTED, with why
cat >confirm.cases <<\EOF
strlen-loop 10 1   strlen in the for condition
strlen-loop 12 0   strlen outside any loop
strlen-loop 22 0   strlen in a while body, not in its condition
alloc 25 1         malloc two lines under a while
alloc 24 1         realloc in the loop body
alloc 35 0         malloc with "for" only in a comment
small-writes 40 1  putc of one character
small-writes 41 1  fwrite of one byte
copy 26 1          memcpy in the loop body
alloc 50 0         "do" only in a comment
alloc 52 0         "while" only in a string, "do" in a comment
string-scan 38 0   strcpy outside a loop
compute 10 0       the fallback has no source pattern
strlen-loop 200 0  a line past the end
EOF
test_expect_success 'rules_confirm: the source pattern, and a loop when the rule asks' '
	while read -r id line want why; do
		got=$(rules-test confirm "$id" src.c "$line") || exit 1
		test "$got" = "$want" || { echo "$id at $line ($why): $got, want $want"; exit 1; }
	done <confirm.cases
'

test_expect_success 'rules_confirm: a loop keyword 5 lines above counts, 6 does not; words only, in code only' '
	printf "for (;;) {\n\n\n\n\nx = malloc(1);\n" >five.c &&
	test "$(rules-test confirm alloc five.c 6)" = 1 &&
	printf "for (;;) {\n\n\n\n\n\nx = malloc(1);\n" >six.c &&
	test "$(rules-test confirm alloc six.c 7)" = 0 &&
	printf "format(); dowhile(); forward();\nx = malloc(1);\n" >words.c &&
	test "$(rules-test confirm alloc words.c 2)" = 0 &&
	printf "// for each line\nx = malloc(1); // while\n" >comment.c &&
	test "$(rules-test confirm alloc comment.c 2)" = 0 &&
	printf "while (x) {\n\tt = runtime(x) + catalog(y);\n\tt = time(NULL) + log(y);\n" >word.c &&
	test "$(rules-test confirm timekeeping word.c 2)" = 0 &&
	test "$(rules-test confirm maths word.c 2)" = 0 &&
	test "$(rules-test confirm timekeeping word.c 3)" = 1 &&
	test "$(rules-test confirm maths word.c 3)" = 1 &&
	printf "}while(x);do{\nx = malloc(1);\n" >tight.c &&
	test "$(rules-test confirm alloc tight.c 2)" = 1
'

done_testing
