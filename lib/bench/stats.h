/*
 * stats: the statistics of benchmark samples, for prof-bench (one sample)
 * and prof-diff (two samples).
 *
 * Functions that take "sorted" need x[0..n) in non-decreasing order; the
 * others take the samples in any order and do not change them.  Memory is
 * O(n), but for the exact U distribution's table (at most 51 x 1251
 * doubles, nx + ny <= 100); no function returns NaN for n >= 1; a result
 * that does not exist for so few samples is reported by the return value
 * (the standard deviation of one sample is 0, by convention, as hyperfine
 * does).  Samples must be finite.
 *
 * Definitions (man/prof-bench.1 explains them to the user):
 *  - standard deviation: with n - 1 (Bessel's correction);
 *  - quantile q of n sorted samples: linear interpolation between the
 *    order statistics at h = (n - 1) q (Hyndman and Fan's type 7, R's and
 *    numpy's default); the median is q = 0.5;
 *  - MAD: the median of |x - median|, unscaled;
 *  - outlier: a sample whose modified Z-score 0.6745 (x - median) / MAD
 *    has an absolute value above 3.5 (Iglewicz and Hoaglin); none when
 *    MAD is 0;
 *  - confidence interval of the median: the order statistics x(l) and
 *    x(n+1-l) (1-based) with the largest l whose coverage
 *    P(l <= B <= n-l), B ~ Binomial(n, 1/2), is at least the level asked
 *    (distribution-free; needs n >= 6 for 95%);
 *  - Mann-Whitney U, two-sided: U is the U of the first sample (pairs
 *    x > y, plus half the ties); exact p from the distribution of U when
 *    there are no ties and nx + ny <= 100 (p = 2 min(P(U' <= U),
 *    P(U' >= U)), at most 1); otherwise the normal approximation with
 *    the tie correction of the variance and a continuity correction of
 *    0.5, as scipy.stats.mannwhitneyu(use_continuity=True) computes it.
 */
#ifndef PROF_STATS_H
#define PROF_STATS_H

#include <stddef.h>

/* The arithmetic mean (0 for n = 0). */
double stats_mean(const double *x, size_t n);

/* The sample standard deviation with n - 1; 0 for n < 2. */
double stats_sd(const double *x, size_t n);

/* A sorted, malloc'd copy of x[0..n). */
double *stats_sorted(const double *x, size_t n);

/* Quantile q in [0, 1] of sorted[0..n), n >= 1 (type 7). */
double stats_quantile(const double *sorted, size_t n, double q);

/* The median absolute deviation of sorted[0..n), n >= 1 (unscaled). */
double stats_mad(const double *sorted, size_t n);

/*
 * The modified Z-score of v in a sample with this median and MAD, or 0
 * when mad is 0.  Outliers are those with |score| > STATS_OUTLIER_Z.
 */
#define STATS_OUTLIER_Z 3.5
double stats_zscore(double v, double median, double mad);

/* The number of outliers among x[0..n) (any order). */
size_t stats_outliers(const double *x, size_t n, double median, double mad);

/*
 * The confidence interval of the median of n sorted samples at level
 * (0.95): the 0-based indexes *lo and *hi of its ends and the coverage
 * reached in *cover (may be NULL).  Returns 0, or -1 when n is too small
 * for the level (even x(1)..x(n) does not reach it).
 */
int stats_median_ci(size_t n, double level, size_t *lo, size_t *hi, double *cover);

/* The result of a Mann-Whitney U test. */
struct stats_mwu {
	double u;     /* U of the first sample */
	double p;     /* two-sided p-value */
	int exact;    /* 1: exact distribution; 0: normal approximation */
};

/*
 * The two-sided Mann-Whitney U test of x[0..nx) against y[0..ny) (any
 * order), both n >= 1.  Returns 0, or -1 when nx or ny is 0.
 */
int stats_mwu(const double *x, size_t nx, const double *y, size_t ny, struct stats_mwu *r);

/* The geometric mean of x[0..n), all > 0 (1 for n = 0). */
double stats_geomean(const double *x, size_t n);

/* The upper tail of the standard normal distribution, P(Z > z). */
double stats_normal_sf(double z);

#endif
