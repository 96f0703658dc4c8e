package io.moesearch.core.rank;

import java.io.Serializable;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/** A linear ranking model over {@link RankingFeatures}: score = w · f. Immutable. */
public record LinearFusion(double[] weights) implements Serializable {

  public LinearFusion {
    if (weights == null || weights.length != RankingFeatures.NAMES.size()) {
      throw new IllegalArgumentException(
          "a fusion needs " + RankingFeatures.NAMES.size() + " weights");
    }
    weights = weights.clone();
  }

  /** Reciprocal rank fusion of the dense and BM25 lists, as a linear model. */
  public static LinearFusion rrf() {
    double[] w = new double[RankingFeatures.NAMES.size()];
    w[RankingFeatures.DENSE_RR] = 1;
    w[RankingFeatures.BM25_RR] = 1;
    return new LinearFusion(w);
  }

  public double score(double[] features) {
    double s = 0;
    for (int i = 0; i < weights.length; i++) {
      s += weights[i] * features[i];
    }
    return s;
  }

  /**
   * The weight this model gives the dense cosine for a query with these signals: {@code w_dense +
   * w_code·code + w_agreement·agreement + w_gap·gap + w_length·length} (the adaptive terms of
   * {@link RankingFeatures}).
   */
  public double denseWeight(RankingFeatures.QuerySignals q) {
    return weights[RankingFeatures.DENSE]
        + weights[RankingFeatures.DENSE_X_CODE] * q.code()
        + weights[RankingFeatures.DENSE_X_AGREEMENT] * q.agreement()
        + weights[RankingFeatures.DENSE_X_GAP] * q.gap()
        + weights[RankingFeatures.DENSE_X_LENGTH] * q.length();
  }

  /** Each feature's contribution {@code w_i · f_i} to {@link #score}. */
  public double[] contributions(double[] features) {
    double[] c = new double[weights.length];
    for (int i = 0; i < weights.length; i++) {
      c[i] = weights[i] * features[i];
    }
    return c;
  }

  /** The weight of feature {@code i} of {@link RankingFeatures#NAMES} (no copy of the array). */
  public double weight(int i) {
    return weights[i];
  }

  @Override
  public double[] weights() {
    return weights.clone();
  }

  @Override
  public String toString() {
    StringBuilder sb = new StringBuilder("{");
    List<String> names = RankingFeatures.NAMES;
    for (int i = 0; i < weights.length; i++) {
      sb.append(i == 0 ? "" : ", ")
          .append(names.get(i))
          .append('=')
          .append(String.format(Locale.ROOT, "%.3f", weights[i]));
    }
    return sb.append('}').toString();
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof LinearFusion l && Arrays.equals(weights, l.weights);
  }

  @Override
  public int hashCode() {
    return Arrays.hashCode(weights);
  }
}
