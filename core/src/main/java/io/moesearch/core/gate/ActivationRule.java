package io.moesearch.core.gate;

import java.io.Serializable;
import java.util.Arrays;

/**
 * Dynamic expert activation: experts are taken in order of gate probability until their cumulative
 * mass reaches {@code activation}, but never fewer than {@code minExperts} nor more than {@code
 * maxExperts}.
 */
public record ActivationRule(double activation, int minExperts, int maxExperts)
    implements Serializable {

  public ActivationRule {
    if (!(activation > 0 && activation <= 1)) {
      throw new IllegalArgumentException("routing.activation must be in (0, 1], got " + activation);
    }
    if (minExperts < 1) {
      throw new IllegalArgumentException("routing.min-experts must be >= 1, got " + minExperts);
    }
    if (maxExperts < minExperts) {
      throw new IllegalArgumentException(
          "routing.max-experts ("
              + maxExperts
              + ") must be >= routing.min-experts ("
              + minExperts
              + ")");
    }
  }

  /**
   * Picks experts from a probability vector. Ties are broken by the lower expert id, so the choice
   * is deterministic.
   */
  public int[] select(double[] probabilities) {
    int n = probabilities.length;
    Integer[] order = new Integer[n];
    for (int i = 0; i < n; i++) {
      order[i] = i;
    }
    Arrays.sort(
        order,
        (a, b) ->
            probabilities[a] != probabilities[b]
                ? Double.compare(probabilities[b], probabilities[a])
                : Integer.compare(a, b));
    int limit = Math.min(maxExperts, n);
    int floor = Math.min(minExperts, n);
    double mass = 0;
    int taken = 0;
    while (taken < limit && (taken < floor || mass < activation)) {
      mass += probabilities[order[taken]];
      taken++;
    }
    int[] out = new int[taken];
    for (int i = 0; i < taken; i++) {
      out[i] = order[i];
    }
    return out;
  }
}
