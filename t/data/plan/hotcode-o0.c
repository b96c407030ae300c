/* hotcode-o0.c: the unit of t/data/plan/hotcode.c built at -O0. */
long
slow(const long *a, long n)
{
	long s = 0;

	for (long i = 0; i < n; i++)
		s += a[i] ^ (a[i] >> 3);
	return s;
}
