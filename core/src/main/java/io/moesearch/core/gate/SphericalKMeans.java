package io.moesearch.core.gate;

import io.moesearch.core.util.Vectors;
import java.util.Arrays;
import java.util.Random;
import java.util.stream.IntStream;

/**
 * Spherical k-means on unit vectors (cosine similarity), seeded and deterministic: the same data, k
 * and seed give the same centroids whatever the thread count. Empty clusters are re-seeded with the
 * point least similar to its centroid.
 */
public final class SphericalKMeans {
  private final int k;
  private final int iterations;
  private final long seed;

  public SphericalKMeans(int k, int iterations, long seed) {
    if (k < 1) {
      throw new IllegalArgumentException("k must be >= 1, got " + k);
    }
    if (iterations < 1) {
      throw new IllegalArgumentException("k-means iterations must be >= 1, got " + iterations);
    }
    this.k = k;
    this.iterations = iterations;
    this.seed = seed;
  }

  /** Trains centroids over {@code data} (unit vectors, at least {@code k} of them). */
  public float[][] fit(float[][] data) {
    if (data.length < k) {
      throw new IllegalArgumentException(
          "need at least " + k + " vectors for " + k + " experts, got " + data.length);
    }
    int dim = data[0].length;
    float[][] centroids = new float[k][];
    // Seeded k-means++ style init on a sample: first centre at random, then farthest-first by
    // sampling.
    Random rnd = new Random(seed);
    centroids[0] = data[rnd.nextInt(data.length)].clone();
    double[] best = new double[data.length];
    Arrays.fill(best, Double.NEGATIVE_INFINITY);
    for (int c = 1; c < k; c++) {
      float[] last = centroids[c - 1];
      IntStream.range(0, data.length)
          .parallel()
          .forEach(i -> best[i] = Math.max(best[i], Vectors.dot(data[i], last)));
      double total = 0;
      for (double b : best) {
        total += 1 - b;
      }
      double r = rnd.nextDouble() * total;
      int pick = data.length - 1;
      for (int i = 0; i < data.length; i++) {
        r -= 1 - best[i];
        if (r <= 0) {
          pick = i;
          break;
        }
      }
      centroids[c] = data[pick].clone();
    }
    int[] assign = new int[data.length];
    float[] sim = new float[data.length];
    for (int it = 0; it < iterations; it++) {
      final float[][] cs = centroids;
      IntStream.range(0, data.length)
          .parallel()
          .forEach(
              i -> {
                int arg = 0;
                float max = Float.NEGATIVE_INFINITY;
                for (int c = 0; c < cs.length; c++) {
                  float s = Vectors.dot(data[i], cs[c]);
                  if (s > max) {
                    max = s;
                    arg = c;
                  }
                }
                assign[i] = arg;
                sim[i] = max;
              });
      float[][] next = new float[k][dim];
      int[] counts = new int[k];
      for (int i = 0; i < data.length; i++) {
        counts[assign[i]]++;
        float[] acc = next[assign[i]];
        float[] x = data[i];
        for (int d = 0; d < dim; d++) {
          acc[d] += x[d];
        }
      }
      boolean[] taken = new boolean[data.length];
      for (int c = 0; c < k; c++) {
        if (counts[c] == 0) {
          int worst = -1;
          for (int i = 0; i < data.length; i++) {
            if (!taken[i] && (worst < 0 || sim[i] < sim[worst])) {
              worst = i;
            }
          }
          taken[worst] = true;
          next[c] = data[worst].clone();
        }
        Vectors.normalizeInPlace(next[c]);
      }
      centroids = next;
    }
    return centroids;
  }
}
