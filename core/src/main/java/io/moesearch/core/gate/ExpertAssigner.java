package io.moesearch.core.gate;

import java.util.Arrays;

/**
 * Assigns products to experts: each to its most probable expert, and with boundary replication also
 * to any expert whose probability is at least {@code replicationRatio} times the best one, up to
 * {@code maxCopies} experts in all. Replication protects recall for products near a boundary.
 */
public final class ExpertAssigner {
  private final Gate gate;
  private final double temperature;
  private final double replicationRatio;
  private final int maxCopies;

  /**
   * @param replicationRatio in (0, 1]; 1 disables replication in practice
   * @param maxCopies at least 1; 1 disables replication
   */
  public ExpertAssigner(Gate gate, double temperature, double replicationRatio, int maxCopies) {
    if (!(replicationRatio > 0 && replicationRatio <= 1)) {
      throw new IllegalArgumentException(
          "replicationRatio must be in (0, 1], got " + replicationRatio);
    }
    if (maxCopies < 1) {
      throw new IllegalArgumentException("maxCopies must be >= 1, got " + maxCopies);
    }
    this.gate = gate;
    this.temperature = temperature;
    this.replicationRatio = replicationRatio;
    this.maxCopies = maxCopies;
  }

  /** The experts a product joins, best first. */
  public int[] assign(float[] vector) {
    double[] p = gate.probabilities(vector, temperature);
    int[] order = new ActivationRule(1.0, 1, Math.min(maxCopies, p.length)).select(p);
    double threshold = p[order[0]] * replicationRatio;
    int n = 1;
    while (n < order.length && p[order[n]] >= threshold) {
      n++;
    }
    return Arrays.copyOf(order, n);
  }
}
