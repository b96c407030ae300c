/* Touches N MiB (argv[1]) of fresh memory and exits: a run whose maximum
 * resident set is known. */
#include <stdlib.h>
#include <string.h>

int
main(int argc, char *argv[])
{
	size_t n = (size_t)atol(argc > 1 ? argv[1] : "0") << 20;
	char *p = n ? malloc(n) : NULL;

	if (n && !p)
		return 1;
	if (p)
		memset(p, 1, n);
	return p ? p[n - 1] - 1 : 0;
}
