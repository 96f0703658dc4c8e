package io.moesearch.core.util;

import java.util.Arrays;
import java.util.SplittableRandom;

/**
 * A seeded sampler of ranks {@code 0..n-1} with probability proportional to {@code 1 / (rank +
 * 1)^s} (Zipf's law; {@code s = 1} is the classic search-log skew). Sampling is an inverse-CDF
 * binary search, O(log n). Not thread-safe: one sampler per thread.
 */
public final class Zipf {
  private final double[] cdf;
  private final SplittableRandom random;

  /**
   * @param n number of ranks, at least 1
   * @param exponent the skew {@code s}, at least 0 (0 is uniform)
   * @param seed random seed; the same seed gives the same sequence
   */
  public Zipf(int n, double exponent, long seed) {
    if (n < 1) {
      throw new IllegalArgumentException("zipf: n must be >= 1, got " + n);
    }
    if (!(exponent >= 0) || Double.isInfinite(exponent)) {
      throw new IllegalArgumentException("zipf: exponent must be >= 0, got " + exponent);
    }
    cdf = new double[n];
    double sum = 0;
    for (int r = 0; r < n; r++) {
      sum += Math.pow(r + 1, -exponent);
      cdf[r] = sum;
    }
    for (int r = 0; r < n; r++) {
      cdf[r] /= sum;
    }
    cdf[n - 1] = 1.0;
    random = new SplittableRandom(seed);
  }

  public int size() {
    return cdf.length;
  }

  /** The probability of {@code rank}. */
  public double probability(int rank) {
    return rank == 0 ? cdf[0] : cdf[rank] - cdf[rank - 1];
  }

  /** The share of all draws that fall on the {@code top} most popular ranks. */
  public double massOfTop(int top) {
    return top <= 0 ? 0 : cdf[Math.min(top, cdf.length) - 1];
  }

  /** The next rank; rank 0 is the most popular. */
  public int next() {
    double u = random.nextDouble();
    int i = Arrays.binarySearch(cdf, u);
    int r = i >= 0 ? i : -i - 1;
    return Math.min(r, cdf.length - 1);
  }
}
