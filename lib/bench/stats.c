#include "bench/stats.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "core/util.h"

/*
 * The exact Mann-Whitney distribution is used up to this many samples in
 * all (stats.h): its table, mwu_cdf's p, grows as the cube of the sample
 * size and is at most 51 x 1251 doubles (500 KB) here.
 */
#define MWU_EXACT_MAX 100

/*
 * Neumaier's compensated sum: a mean of thousands of timings keeps its
 * last digits, as numpy's pairwise sum does.
 */
struct sum {
	double s, c;
};

static void
sum_add(struct sum *a, double v)
{
	double t = a->s + v;

	if (fabs(a->s) >= fabs(v))
		a->c += (a->s - t) + v;
	else
		a->c += (v - t) + a->s;
	a->s = t;
}

static double
sum_value(const struct sum *a)
{
	return a->s + a->c;
}

/* The mean of f(x[i]) (f NULL: of x[i]) over n > 0 values, summed so. */
static double
sum_mean(const double *x, size_t n, double (*f)(double))
{
	struct sum a = { 0, 0 };

	for (size_t i = 0; i < n; i++)
		sum_add(&a, f ? f(x[i]) : x[i]);
	return sum_value(&a) / n;
}

double
stats_mean(const double *x, size_t n)
{
	return n == 0 ? 0 : sum_mean(x, n, NULL);
}

double
stats_sd(const double *x, size_t n)
{
	struct sum d = { 0, 0 }, d2 = { 0, 0 };
	double m, var;

	if (n < 2)
		return 0;
	m = stats_mean(x, n);
	for (size_t i = 0; i < n; i++) {
		sum_add(&d, x[i] - m);
		sum_add(&d2, (x[i] - m) * (x[i] - m));
	}
	/* Two passes, and the first pass's rounding taken back out (the
	 * corrected two-pass algorithm of Chan, Golub and LeVeque). */
	var = (sum_value(&d2) - sum_value(&d) * sum_value(&d) / n) / (n - 1);
	return var > 0 ? sqrt(var) : 0;
}

static int
cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

double *
stats_sorted(const double *x, size_t n)
{
	double *s = xcalloc(n, sizeof(*s));

	if (n > 0)
		memcpy(s, x, n * sizeof(*s));
	qsort(s, n, sizeof(*s), cmp_double);
	return s;
}

/* numpy's lerp: from the nearer end, so that t = 1 gives b exactly. */
static double
lerp(double a, double b, double t)
{
	return t < 0.5 ? a + (b - a) * t : b - (b - a) * (1 - t);
}

double
stats_quantile(const double *sorted, size_t n, double q)
{
	double h = (n - 1) * q;
	size_t i;

	if (!(q > 0))
		return sorted[0];
	if (h >= n - 1)
		return sorted[n - 1];
	i = (size_t)h;
	return lerp(sorted[i], sorted[i + 1], h - i);
}

double
stats_mad(const double *sorted, size_t n)
{
	double m = stats_quantile(sorted, n, 0.5), d = 0, below = 0;
	size_t l, r, lo = 0, hi = n, k;

	/*
	 * The deviations grow leftwards from the median on one side and
	 * rightwards on the other: merging the two runs gives them in order
	 * without a copy to sort.
	 */
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (sorted[mid] < m)
			lo = mid + 1;
		else
			hi = mid;
	}
	l = r = lo;
	for (k = 0; k <= n / 2; k++) {
		if (l > 0 && (r == n || m - sorted[l - 1] <= sorted[r] - m))
			d = m - sorted[--l];
		else
			d = sorted[r++] - m;
		if (k == (n - 1) / 2)
			below = d;
	}
	return n % 2 ? below : lerp(below, d, 0.5);
}

double
stats_zscore(double v, double median, double mad)
{
	/* 0.6745 is the upper quartile of N(0, 1): it scales a MAD to a
	 * standard deviation for normal samples. */
	if (mad == 0)
		return 0;
	return 0.6745 * (v - median) / mad;
}

size_t
stats_outliers(const double *x, size_t n, double median, double mad)
{
	size_t c = 0;

	for (size_t i = 0; i < n; i++)
		if (fabs(stats_zscore(x[i], median, mad)) > STATS_OUTLIER_Z)
			c++;
	return c;
}

int
stats_median_ci(size_t n, double level, size_t *lo, size_t *hi, double *cover)
{
	/*
	 * The binomial probabilities are taken relative to the one at the
	 * mode, r(n/2) = 1, and found outwards by r(i-1) = r(i) i / (n-i+1):
	 * no 2^-n to underflow and no lgamma to lose digits for large n.
	 * inner is the sum of r(l..n-l), total its value at l = 0.
	 */
	double r = 1, inner = n % 2 ? 2 : 1, total, c;
	size_t l;

	if (n < 2)
		return -1;
	for (l = n / 2; l > 0 && r > 0; l--) {
		r = r * l / (n - l + 1);
		inner += 2 * r;
	}
	total = inner;

	r = 1;
	inner = n % 2 ? 2 : 1;
	for (l = n / 2; l > 0; l--) {
		c = inner / total;
		if (c >= level) {
			*lo = l - 1;
			*hi = n - l;
			if (cover != NULL)
				*cover = c;
			return 0;
		}
		r = r * l / (n - l + 1);
		inner += 2 * r;
	}
	return -1;
}

/*
 * P(U <= k) for samples of m and n values without ties.  The largest of
 * i + j values is one of the i x's, above all j y's, with probability
 * i / (i + j), so
 *     P(i, j, u) = i/(i+j) P(i-1, j, u-j) + j/(i+j) P(i, j-1, u).
 * The weights are probabilities, so nothing overflows, however large
 * C(m+n, m) is, and every step averages positive terms.  p[i][u] holds
 * P(i, j, u) for u <= k, j rising from 0 to n.
 */
static double
mwu_cdf(size_t m, size_t n, size_t k)
{
	size_t w = k + 1;
	double *p = xcalloc((m + 1) * w, sizeof(*p));
	struct sum cdf = { 0, 0 };

	for (size_t i = 0; i <= m; i++)
		p[i * w] = 1;
	for (size_t j = 1; j <= n; j++) {
		for (size_t i = 1; i <= m; i++) {
			double *row = p + i * w, *prev = row - w;
			double px = (double)i / (i + j), py = (double)j / (i + j);

			for (size_t u = 0; u <= k; u++)
				row[u] = py * row[u] + (u >= j ? px * prev[u - j] : 0);
		}
	}
	for (size_t u = 0; u <= k; u++)
		sum_add(&cdf, p[m * w + u]);
	free(p);
	return sum_value(&cdf);
}

int
stats_mwu(const double *x, size_t nx, const double *y, size_t ny, struct stats_mwu *r)
{
	size_t n = nx + ny, i = 0, j = 0;
	double *sx, *sy, u = 0, ties = 0, mn = (double)nx * ny, s, z;

	if (nx == 0 || ny == 0)
		return -1;
	sx = stats_sorted(x, nx);
	sy = stats_sorted(y, ny);
	/*
	 * One merge of the sorted samples, a run of equal values at a time:
	 * each x of the run counts the y's below it and half the y's in the
	 * run; a run of t values adds t^3 - t to the tie correction.
	 */
	while (i < nx || j < ny) {
		double v = (j == ny || (i < nx && sx[i] < sy[j])) ? sx[i] : sy[j];
		size_t cx = 0, cy = 0;
		double t;

		for (; i < nx && sx[i] == v; i++)
			cx++;
		for (; j < ny && sy[j] == v; j++)
			cy++;
		u += cx * ((double)(j - cy) + cy / 2.0);
		t = (double)(cx + cy);
		ties += t * t * t - t;
	}
	free(sx);
	free(sy);

	r->u = u;
	r->exact = ties == 0 && n <= MWU_EXACT_MAX;
	if (r->exact) {
		/* U has the same law with the samples swapped: one row of
		 * the table per value of the smaller. */
		r->p = 2 * mwu_cdf(nx < ny ? nx : ny, nx < ny ? ny : nx,
		    (size_t)fmin(u, mn - u));
	} else {
		s = sqrt(mn / 12 * ((n + 1) - ties / ((double)n * (n - 1))));
		/*
		 * All values are equal and U is its mean: s is 0, or NaN
		 * when t^3 - t is past 2^53 and the tie term rounds up.
		 */
		if (!(s > 0)) {
			r->p = 1;
			return 0;
		}
		z = (fmax(u, mn - u) - mn / 2 - 0.5) / s;
		r->p = 2 * stats_normal_sf(z);
	}
	if (r->p > 1)
		r->p = 1;
	return 0;
}

double
stats_geomean(const double *x, size_t n)
{
	return n == 0 ? 1 : exp(sum_mean(x, n, log));
}

double
stats_normal_sf(double z)
{
	return 0.5 * erfc(z * M_SQRT1_2);
}
