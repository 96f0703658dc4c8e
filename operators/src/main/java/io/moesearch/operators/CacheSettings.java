package io.moesearch.operators;

import java.io.Serializable;

/**
 * Settings of the three cache levels and of query coalescing ({@code cache.*} keys).
 *
 * @param l1MaxEntries in-heap results per subtask
 * @param l1TtlMillis in-heap entries expire this long after they were written
 * @param l2TtlMillis results in keyed state expire this long after they were written
 * @param l3TtlMillis embeddings in keyed state expire this long after they were written
 * @param coalesceWaitMillis an identical query waits at most this long for one in flight
 */
public record CacheSettings(
    long l1MaxEntries,
    long l1TtlMillis,
    long l2TtlMillis,
    long l3TtlMillis,
    long coalesceWaitMillis)
    implements Serializable {
  public CacheSettings {
    positive(l1MaxEntries, "cache.l1-max-entries");
    positive(l1TtlMillis, "cache.l1-ttl-ms");
    positive(l2TtlMillis, "cache.l2-ttl-ms");
    positive(l3TtlMillis, "cache.l3-ttl-ms");
    positive(coalesceWaitMillis, "cache.coalesce-wait-ms");
  }

  private static void positive(long v, String key) {
    if (v < 1) {
      throw new IllegalArgumentException(key + " must be >= 1, got " + v);
    }
  }
}
