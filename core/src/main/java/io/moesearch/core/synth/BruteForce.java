package io.moesearch.core.synth;

import io.moesearch.core.util.Vectors;
import java.util.Arrays;
import java.util.stream.IntStream;

/**
 * Exact top-k by dot product for many queries at once (ground truth). Queries are processed in
 * chunks that fit in the CPU cache, each chunk scanning the data once, chunks in parallel on the
 * common fork-join pool; scores use Lucene's SIMD dot product. Ties go to the lower ordinal.
 */
public final class BruteForce {
  private BruteForce() {}

  private static final int CHUNK = 128;

  /** Per query, the ordinals of its {@code k} best vectors in {@code data}, best first. */
  public static int[][] topK(float[][] data, float[][] queries, int k) {
    if (k < 1) {
      throw new IllegalArgumentException("k must be >= 1, got " + k);
    }
    int[][] out = new int[queries.length][];
    int chunks = (queries.length + CHUNK - 1) / CHUNK;
    IntStream.range(0, chunks)
        .parallel()
        .forEach(
            c -> {
              int from = c * CHUNK;
              int to = Math.min(queries.length, from + CHUNK);
              TopK[] tops = new TopK[to - from];
              for (int q = from; q < to; q++) {
                tops[q - from] = new TopK(Math.min(k, data.length));
              }
              for (int i = 0; i < data.length; i++) {
                float[] x = data[i];
                for (int q = from; q < to; q++) {
                  tops[q - from].offer(i, Vectors.dot(queries[q], x));
                }
              }
              for (int q = from; q < to; q++) {
                out[q] = tops[q - from].ordinals();
              }
            });
    return out;
  }

  /** The {@code k} best of {@code candidates} (ordinals into {@code data}) for one query. */
  public static int[] topK(float[][] data, int[] candidates, float[] query, int k, TopK reuse) {
    TopK top = reuse != null && reuse.capacity() == k ? reuse.reset() : new TopK(k);
    for (int i : candidates) {
      top.offer(i, Vectors.dot(query, data[i]));
    }
    return top.ordinals();
  }

  /** A bounded best-k list (k small): sorted insertion, ties to the lower ordinal. */
  public static final class TopK {
    private final float[] scores;
    private final int[] ids;
    private int size;

    public TopK(int k) {
      if (k < 1) {
        throw new IllegalArgumentException("k must be >= 1, got " + k);
      }
      scores = new float[k];
      ids = new int[k];
    }

    int capacity() {
      return ids.length;
    }

    public TopK reset() {
      size = 0;
      return this;
    }

    public void offer(int id, float score) {
      int k = ids.length;
      if (size == k && !better(score, id, scores[k - 1], ids[k - 1])) {
        return;
      }
      int pos = size < k ? size++ : k - 1;
      while (pos > 0 && better(score, id, scores[pos - 1], ids[pos - 1])) {
        scores[pos] = scores[pos - 1];
        ids[pos] = ids[pos - 1];
        pos--;
      }
      scores[pos] = score;
      ids[pos] = id;
    }

    private static boolean better(float s, int id, float s2, int id2) {
      return s > s2 || (s == s2 && id < id2);
    }

    /** The kept ordinals, best first. */
    public int[] ordinals() {
      return Arrays.copyOf(ids, size);
    }
  }
}
