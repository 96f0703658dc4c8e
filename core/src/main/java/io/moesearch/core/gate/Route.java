package io.moesearch.core.gate;

import java.util.Arrays;

/**
 * One routing decision.
 *
 * @param experts the activated experts, highest balanced score first
 * @param fast whether the query took the fast path (confident gate)
 * @param entropy normalised entropy of the query's gate distribution (before load balancing)
 * @param oversample HNSW candidates per expert = k × this, for the path taken
 */
public record Route(int[] experts, boolean fast, double entropy, int oversample) {
  public Route {
    if (experts == null || experts.length == 0) {
      throw new IllegalArgumentException("a route needs at least one expert");
    }
    if (oversample < 1) {
      throw new IllegalArgumentException("oversample must be >= 1, got " + oversample);
    }
    experts = experts.clone();
  }

  @Override
  public int[] experts() {
    return experts.clone();
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Route r
        && Arrays.equals(experts, r.experts)
        && fast == r.fast
        && Double.compare(entropy, r.entropy) == 0
        && oversample == r.oversample;
  }

  @Override
  public int hashCode() {
    return Arrays.hashCode(experts) * 31 + Boolean.hashCode(fast);
  }

  @Override
  public String toString() {
    return "Route" + Arrays.toString(experts) + (fast ? " fast" : "") + " H=" + entropy;
  }
}
