package io.moesearch.core.gate;

import java.util.Arrays;

/**
 * One routing decision.
 *
 * @param experts the activated experts, highest balanced score first
 * @param fast whether the query took the fast path (confident gate)
 * @param entropy normalised entropy of the query's gate distribution (before load balancing)
 * @param oversample HNSW candidates per expert = k × this, for the path taken
 * @param slots the serving slot of each activated expert (same order; see {@link ExpertPlacement});
 *     equal to {@code experts} without replicas
 */
public record Route(int[] experts, boolean fast, double entropy, int oversample, int[] slots) {
  public Route {
    if (experts == null || experts.length == 0) {
      throw new IllegalArgumentException("a route needs at least one expert");
    }
    if (oversample < 1) {
      throw new IllegalArgumentException("oversample must be >= 1, got " + oversample);
    }
    if (slots == null || slots.length != experts.length) {
      throw new IllegalArgumentException("a route needs one slot per activated expert");
    }
    experts = experts.clone();
    slots = slots.clone();
  }

  /** A route served by the unreplicated layout: slot = expert. */
  public Route(int[] experts, boolean fast, double entropy, int oversample) {
    this(experts, fast, entropy, oversample, experts);
  }

  /** The same route, served by {@code slots}. */
  public Route withSlots(int[] slots) {
    return new Route(experts, fast, entropy, oversample, slots);
  }

  @Override
  public int[] experts() {
    return experts.clone();
  }

  @Override
  public int[] slots() {
    return slots.clone();
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Route r
        && Arrays.equals(experts, r.experts)
        && Arrays.equals(slots, r.slots)
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
    return "Route"
        + Arrays.toString(experts)
        + (Arrays.equals(experts, slots) ? "" : " on slots " + Arrays.toString(slots))
        + (fast ? " fast" : "")
        + " H="
        + entropy;
  }
}
