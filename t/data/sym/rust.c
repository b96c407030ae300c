/*
 * Functions named with Rust's legacy mangling (asm labels), for the
 * demangling test of t/0100-lib-sym.t; built without -g, so sym falls back
 * to the ELF symbols.  The expected names are c++filt's.
 */
__attribute__((noinline, used)) int closure(int x)
    __asm__("_ZN3std2rt26lang_start$LT$$LP$$RP$$GT$28_$u7b$$u7b$closure$u7d$$u7d$17h0123456789abcdefE");
__attribute__((noinline, used)) int drop(int x)
    __asm__("_ZN4core3ptr51drop_in_place$LT$alloc..vec..Vec$LT$$RF$str$GT$$GT$17h00112233aabbccddE");

int closure(int x) { return x * 3 + 1; }
int drop(int x) { return x ^ 5; }

int
main(int argc, char **argv)
{
	return closure(argc) + drop(argc);
}
