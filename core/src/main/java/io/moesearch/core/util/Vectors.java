package io.moesearch.core.util;

import org.apache.lucene.util.VectorUtil;

/** Small vector helpers over Lucene's SIMD {@link VectorUtil}. */
public final class Vectors {
  private Vectors() {}

  public static float dot(float[] a, float[] b) {
    return VectorUtil.dotProduct(a, b);
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
