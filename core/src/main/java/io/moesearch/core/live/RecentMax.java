package io.moesearch.core.live;

import java.util.Arrays;

/**
 * The largest value recorded within a sliding window of time (to a bucket's precision): for example
 * the longest delay a serving slot saw lately between a catalogue update being applied and reaching
 * it. Buckets of {@code windowMillis / buckets}; a value counts until its bucket leaves the window.
 * Not thread-safe.
 */
public final class RecentMax {
  private final long bucketMillis;
  private final long[] bucketStart;
  private final long[] bucketMax;

  /**
   * @param windowMillis how long a value counts, at least {@code buckets}
   * @param buckets the window's resolution, at least 1
   */
  public RecentMax(long windowMillis, int buckets) {
    if (buckets < 1 || windowMillis < buckets) {
      throw new IllegalArgumentException(
          "need buckets >= 1 and windowMillis >= buckets, got " + windowMillis + ", " + buckets);
    }
    this.bucketMillis = windowMillis / buckets;
    this.bucketStart = new long[buckets];
    this.bucketMax = new long[buckets];
    Arrays.fill(bucketStart, Long.MIN_VALUE);
  }

  /** Records {@code value} (negative counts as 0) at {@code nowMillis}. */
  public void record(long nowMillis, long value) {
    long start = Math.floorDiv(nowMillis, bucketMillis) * bucketMillis;
    int i = (int) Math.floorMod(Math.floorDiv(nowMillis, bucketMillis), (long) bucketMax.length);
    if (bucketStart[i] != start) {
      bucketStart[i] = start;
      bucketMax[i] = 0;
    }
    bucketMax[i] = Math.max(bucketMax[i], Math.max(0, value));
  }

  /** The largest value recorded within the window ending at {@code nowMillis}; 0 if none. */
  public long max(long nowMillis) {
    long oldest = (Math.floorDiv(nowMillis, bucketMillis) - bucketMax.length + 1) * bucketMillis;
    long m = 0;
    for (int i = 0; i < bucketMax.length; i++) {
      if (bucketStart[i] >= oldest && bucketStart[i] <= nowMillis) {
        m = Math.max(m, bucketMax[i]);
      }
    }
    return m;
  }
}
