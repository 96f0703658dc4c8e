package io.moesearch.core.eval;

import java.util.Arrays;

/** Collects durations and reports percentiles (nearest-rank). Not thread-safe. */
public final class LatencyStats {
  private double[] values = new double[64];
  private int n;

  public void add(double millis) {
    if (n == values.length) {
      values = Arrays.copyOf(values, n * 2);
    }
    values[n++] = millis;
  }

  public int count() {
    return n;
  }

  /** Nearest-rank percentile, {@code p} in (0, 100]; NaN when empty. */
  public double percentile(double p) {
    if (n == 0) {
      return Double.NaN;
    }
    double[] sorted = Arrays.copyOf(values, n);
    Arrays.sort(sorted);
    int rank = (int) Math.ceil(p / 100.0 * n);
    return sorted[Math.max(0, Math.min(n - 1, rank - 1))];
  }

  public double mean() {
    double s = 0;
    for (int i = 0; i < n; i++) {
      s += values[i];
    }
    return n == 0 ? Double.NaN : s / n;
  }
}
