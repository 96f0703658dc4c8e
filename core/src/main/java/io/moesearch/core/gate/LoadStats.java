package io.moesearch.core.gate;

/** Load-distribution statistics over experts. */
public final class LoadStats {
  private LoadStats() {}

  /**
   * Counts relative to an even share: {@code N · c_e / Σ c} (mean 1.0); all 1.0 if every count is
   * zero.
   */
  public static double[] relativeLoads(double[] counts) {
    double sum = 0;
    for (double c : checked(counts)) {
      sum += c;
    }
    double[] out = new double[counts.length];
    for (int e = 0; e < out.length; e++) {
      out[e] = sum > 0 ? counts.length * counts[e] / sum : 1.0;
    }
    return out;
  }

  /**
   * Utilisation: mean load / max load, in (0, 1]; 1 when every expert carries the same load. 1 if
   * there is no load at all.
   */
  public static double utilisation(double[] loads) {
    double sum = 0;
    double max = 0;
    for (double l : checked(loads)) {
      sum += l;
      max = Math.max(max, l);
    }
    return max > 0 ? sum / loads.length / max : 1.0;
  }

  /**
   * Normalised entropy {@code H(p) / ln N} of a non-negative weight vector (normalised to sum 1
   * first), in [0, 1]: 1 for an even distribution, 0 when one entry holds everything. 1 for a
   * single entry or all zeros.
   */
  public static double normalisedEntropy(double[] weights) {
    double sum = 0;
    for (double w : checked(weights)) {
      sum += w;
    }
    if (weights.length < 2 || !(sum > 0)) {
      return 1.0;
    }
    double h = 0;
    for (double w : weights) {
      if (w > 0) {
        double p = w / sum;
        h -= p * Math.log(p);
      }
    }
    return Math.min(1.0, Math.max(0.0, h / Math.log(weights.length)));
  }

  private static double[] checked(double[] v) {
    if (v == null || v.length == 0) {
      throw new IllegalArgumentException("need at least one expert");
    }
    for (double x : v) {
      if (!(x >= 0) || Double.isInfinite(x)) {
        throw new IllegalArgumentException("loads must be finite and >= 0, got " + x);
      }
    }
    return v;
  }
}
