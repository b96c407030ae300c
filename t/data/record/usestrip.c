/*
 * usestrip.c: calls libstrip.c's x_work for t/1910-record-symbols.t.
 *
 *   usestrip SECONDS
 */
#include <stdlib.h>

void x_work(double seconds);

int
main(int argc, char **argv)
{
	x_work(argc > 1 ? atof(argv[1]) : 1);
	return 0;
}
