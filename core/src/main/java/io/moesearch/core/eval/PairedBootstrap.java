package io.moesearch.core.eval;

import java.util.Arrays;
import java.util.SplittableRandom;

/**
 * A paired bootstrap confidence interval for the mean per-query difference of two rankings' scores
 * over the same queries (here served nDCG@10 minus BM25's): the queries are resampled with
 * replacement, the mean difference taken of each resample, and the interval read off the resamples'
 * percentiles (the percentile interval of Efron and Tibshirani, "An Introduction to the Bootstrap",
 * 1993, ch. 13; its use for IR metrics: Sakai, SIGIR 2006). It tells a difference the query sample
 * supports from one a few queries make: an interval that contains 0 does not show either ranking
 * better on that kind of query. Deterministic for a seed.
 */
public final class PairedBootstrap {
  /** Resamples when none are given: percentile ends of a 95% interval vary by about 0.1%. */
  public static final int DEFAULT_RESAMPLES = 10_000;

  private final int resamples;
  private final double confidence;
  private final long seed;

  /**
   * @param resamples how many resamples, at least 100
   * @param confidence the interval's coverage, in (0, 1), e.g. 0.95
   * @param seed the resampling's seed
   * @throws IllegalArgumentException if an argument is out of range
   */
  public PairedBootstrap(int resamples, double confidence, long seed) {
    if (resamples < 100) {
      throw new IllegalArgumentException("resamples must be >= 100, got " + resamples);
    }
    if (!(confidence > 0 && confidence < 1)) {
      throw new IllegalArgumentException("confidence must be in (0, 1), got " + confidence);
    }
    this.resamples = resamples;
    this.confidence = confidence;
    this.seed = seed;
  }

  /**
   * The interval of one paired comparison; field names are the JSON output's.
   *
   * @param queries the queries compared
   * @param meanDelta the mean of the per-query differences (the observed one, not a resample's)
   * @param ciLow the interval's lower end
   * @param ciHigh the interval's upper end
   * @param confidence the interval's coverage
   * @param wins queries whose difference is above 0
   * @param losses queries whose difference is below 0
   * @param ties queries whose difference is 0
   */
  public record Interval(
      int queries,
      double meanDelta,
      double ciLow,
      double ciHigh,
      double confidence,
      int wins,
      int losses,
      int ties) {
    /** The sign the sample supports: 1 above 0, -1 below, 0 when the interval holds 0. */
    public int sign() {
      return ciLow > 0 ? 1 : ciHigh < 0 ? -1 : 0;
    }
  }

  /**
   * The interval for the mean of {@code deltas} (one per query; {@code a - b} of its scores).
   *
   * @throws IllegalArgumentException if {@code deltas} is empty or holds a NaN or infinity
   */
  public Interval of(double[] deltas) {
    if (deltas.length == 0) {
      throw new IllegalArgumentException("no queries to compare");
    }
    int wins = 0;
    int losses = 0;
    double sum = 0;
    for (double d : deltas) {
      if (!Double.isFinite(d)) {
        throw new IllegalArgumentException("a per-query difference is not finite: " + d);
      }
      sum += d;
      if (d > 0) {
        wins++;
      } else if (d < 0) {
        losses++;
      }
    }
    int n = deltas.length;
    SplittableRandom random = new SplittableRandom(seed);
    double[] means = new double[resamples];
    for (int r = 0; r < resamples; r++) {
      double s = 0;
      for (int i = 0; i < n; i++) {
        s += deltas[random.nextInt(n)];
      }
      means[r] = s / n;
    }
    Arrays.sort(means);
    double tail = (1 - confidence) / 2;
    return new Interval(
        n,
        sum / n,
        means[rankIndex(tail)],
        means[rankIndex(1 - tail)],
        confidence,
        wins,
        losses,
        n - wins - losses);
  }

  /** The index of the {@code q} quantile of the sorted resample means (nearest rank). */
  private int rankIndex(double q) {
    // Less a rounding error: (1 - 0.95) / 2 * 10_000 is 250.00000000000023 in doubles.
    return Math.max(0, Math.min(resamples - 1, (int) Math.ceil(q * resamples - 1e-9) - 1));
  }
}
