package io.moesearch.core.util;

import org.apache.lucene.util.VectorUtil;

/**
 * Small vector helpers: {@link #dot} over Lucene's SIMD {@link VectorUtil} for bulk work (training,
 * ground truth), {@link #exactDot} wherever a score decides what a query is answered.
 */
public final class Vectors {
  private Vectors() {}

  /**
   * Lucene's SIMD dot product: fast, but its last bits may differ between the interpreter, the JIT
   * tiers and CPUs (lane-wise partial sums, fused multiply-add), so two computations of the same
   * score need not agree. Use {@link #exactDot} for scores that rank or route a query.
   */
  public static float dot(float[] a, float[] b) {
    return VectorUtil.dotProduct(a, b);
  }

  /**
   * The dot product by plain scalar arithmetic in one fixed order: each product exact in double
   * (two floats' product fits a double's mantissa), summed from the first dimension to the last,
   * rounded to float once. Java's floating point is strict (no fused multiply-add, no reordered
   * sums, in every JIT tier), so the result is the same bits on every JVM, tier and CPU: a query
   * replayed after a failure is scored, ranked and routed as the first time. Costs about a
   * microsecond for 384 dimensions, which only exact rescoring and routing pay.
   *
   * @throws IllegalArgumentException if the lengths differ
   */
  public static float exactDot(float[] a, float[] b) {
    if (a.length != b.length) {
      throw new IllegalArgumentException(
          "vector dimensions differ: " + a.length + " != " + b.length);
    }
    double s = 0;
    for (int i = 0; i < a.length; i++) {
      s += (double) a[i] * b[i];
    }
    return (float) s;
  }

  /**
   * Scales {@code v} to unit length in place; a zero vector is left as it is. Returns {@code v}.
   */
  public static float[] normalizeInPlace(float[] v) {
    double s = 0;
    for (float x : v) {
      s += (double) x * x;
    }
    if (s > 0) {
      float inv = (float) (1.0 / Math.sqrt(s));
      for (int i = 0; i < v.length; i++) {
        v[i] *= inv;
      }
    }
    return v;
  }

  public static void checkDimension(float[] v, int dimension, String what) {
    if (v == null || v.length != dimension) {
      throw new IllegalArgumentException(
          what + " must have dimension " + dimension + ", got " + (v == null ? "null" : v.length));
    }
  }
}
