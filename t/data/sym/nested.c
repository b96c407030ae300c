/*
 * A GNU C nested function for t/0100-lib-sym.t (gcc only): add's code lies
 * outside outerfn's, but its DWARF lies inside outerfn's.
 */
__attribute__((noinline)) int
apply(int (*f)(int), int x)
{
	return f(x) + 1;
}

int
outerfn(int k)
{
	__attribute__((noinline)) int add(int v) { return v + k; }  /* ADD */

	return apply(add, 3);
}

int
main(int argc, char **argv)
{
	return outerfn(argc);
}
