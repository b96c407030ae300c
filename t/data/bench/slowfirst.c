/* Sleeps argv[2] ms the first time (no file argv[1] yet) and argv[3] ms
 * after: a benchmark whose first run is slow, as a cold cache makes it.
 * With argv[4] = K, every K-th run (counted in the file) is slow instead. */
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

int
main(int argc, char *argv[])
{
	long runs = 0, every = argc > 4 ? atol(argv[4]) : 0;
	double ms;
	FILE *f;

	if (argc < 4)
		return 2;
	if ((f = fopen(argv[1], "r"))) {
		if (fscanf(f, "%ld", &runs) != 1)
			runs = 0;
		fclose(f);
	}
	ms = every ? (runs % every == every - 1 ? atof(argv[2]) : atof(argv[3]))
	    : (runs == 0 ? atof(argv[2]) : atof(argv[3]));
	if (!(f = fopen(argv[1], "w")))
		return 2;
	fprintf(f, "%ld\n", runs + 1);
	fclose(f);
	struct timespec ts = { (time_t)(ms / 1000), (long)((ms - (double)(long)(ms / 1000) * 1000) * 1e6) };
	nanosleep(&ts, NULL);
	return 0;
}
