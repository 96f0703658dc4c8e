package io.moesearch.core.gate;

import io.moesearch.core.util.Vectors;

/**
 * The mixture-of-experts gate: one weight vector per expert; expert probabilities are {@code
 * softmax(x·W / T)}. Immutable and thread-safe.
 */
public final class Gate {

  private final float[][] weights;
  private final int dimension;

  /**
   * @param weights one row per expert, all of the same dimension, every weight finite; copied
   * @throws IllegalArgumentException on no experts, rows of different dimensions, or a weight that
   *     is NaN or infinite (a training run that diverged: such a gate routes every query to the
   *     first experts by id, so it is never built, written or swapped in)
   */
  public Gate(float[][] weights) {
    if (weights == null || weights.length == 0) {
      throw new IllegalArgumentException("a gate needs at least one expert");
    }
    this.dimension = weights[0].length;
    this.weights = new float[weights.length][];
    for (int e = 0; e < weights.length; e++) {
      Vectors.checkDimension(weights[e], dimension, "gate row " + e);
      for (int d = 0; d < dimension; d++) {
        if (!Float.isFinite(weights[e][d])) {
          throw new IllegalArgumentException(
              "gate weight [" + e + "][" + d + "] is not finite: " + weights[e][d]);
        }
      }
      this.weights[e] = weights[e].clone();
    }
  }

  public int experts() {
    return weights.length;
  }

  public int dimension() {
    return dimension;
  }

  public float[] weights(int expert) {
    return weights[expert].clone();
  }

  /** Raw gate logits {@code x·W}. */
  public double[] logits(float[] x) {
    Vectors.checkDimension(x, dimension, "query vector");
    double[] out = new double[weights.length];
    for (int e = 0; e < weights.length; e++) {
      out[e] = Vectors.exactDot(x, weights[e]); // routing decisions replay bit for bit
    }
    return out;
  }

  /** {@code softmax(x·W / T)}. */
  public double[] probabilities(float[] x, double temperature) {
    return softmax(logits(x), temperature);
  }

  /** Numerically stable softmax of {@code logits / temperature}. */
  public static double[] softmax(double[] logits, double temperature) {
    if (!(temperature > 0)) {
      throw new IllegalArgumentException("temperature must be > 0, got " + temperature);
    }
    double max = Double.NEGATIVE_INFINITY;
    for (double l : logits) {
      max = Math.max(max, l);
    }
    double[] p = new double[logits.length];
    double sum = 0;
    for (int i = 0; i < logits.length; i++) {
      p[i] = Math.exp((logits[i] - max) / temperature);
      sum += p[i];
    }
    for (int i = 0; i < p.length; i++) {
      p[i] /= sum;
    }
    return p;
  }
}
