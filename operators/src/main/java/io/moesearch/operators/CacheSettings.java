package io.moesearch.operators;

import io.moesearch.core.cache.HeapCache;
import io.moesearch.core.cache.PressureDoorkeeper;
import io.moesearch.state.CachedResult;
import java.io.Serializable;
import java.time.Duration;

/**
 * Settings of the three cache levels and of query coalescing ({@code cache.*} keys).
 *
 * @param l1MaxEntries in-heap results per subtask
 * @param l1MaxBytes estimated heap bytes of the in-heap results per subtask ({@link
 *     io.moesearch.state.CachedResult#estimatedBytes}, keys included)
 * @param l1TtlMillis in-heap entries expire this long after they were written
 * @param l2TtlMillis results in keyed state expire this long after they were written
 * @param l3TtlMillis embeddings in keyed state expire this long after they were written
 * @param coalesceWaitMillis an identical query waits at most this long for one in flight
 * @param admitAfter a text's answer and embedding are written to the cache from its {@code
 *     admitAfter}-th computation within the L2 lifetime on (1: every computed answer); earlier ones
 *     are computed without cache fills and without coalescing
 * @param doorkeeperMillis with {@code admitAfter} 1: while the computations sent through the model
 *     take longer than this to come back to the cache, or come back shed under overload ({@link
 *     PressureDoorkeeper}), texts are cached from their second computation on, as with {@code
 *     admitAfter} 2, apart from probes; 0 (never), or 1 up to {@code coalesceWaitMillis} − 1
 */
public record CacheSettings(
    long l1MaxEntries,
    long l1MaxBytes,
    long l1TtlMillis,
    long l2TtlMillis,
    long l3TtlMillis,
    long coalesceWaitMillis,
    int admitAfter,
    long doorkeeperMillis)
    implements Serializable {
  /**
   * How long the round trips must stand above {@code doorkeeperMillis} before the doorkeeper acts,
   * and twice how often it lets a one-off text's answer through under pressure (a probe), per
   * subtask.
   */
  public static final long DOORKEEPER_INTERVAL_MILLIS = 1_000;

  public CacheSettings {
    range(l1MaxEntries, 1L << 40, "cache.l1-max-entries");
    range(l1MaxBytes, 1L << 50, "cache.l1-max-bytes");
    range(l1TtlMillis, MAX_TTL_MILLIS, "cache.l1-ttl-ms");
    range(l2TtlMillis, MAX_TTL_MILLIS, "cache.l2-ttl-ms");
    range(l3TtlMillis, MAX_TTL_MILLIS, "cache.l3-ttl-ms");
    range(coalesceWaitMillis, 600_000, "cache.coalesce-wait-ms");
    range(admitAfter, 1_000, "cache.admit-after");
    if (doorkeeperMillis != 0 && admitAfter <= 1) {
      // A computation not back within the coalescing wait counts as that long: a bound at or
      // above it could never be exceeded.
      range(
          doorkeeperMillis,
          coalesceWaitMillis - 1,
          "cache.doorkeeper-ms (below cache.coalesce-wait-ms)");
    }
  }

  /**
   * Every computed answer is cached ({@code admitAfter} 1, no doorkeeper under pressure); L1 is
   * bounded by count only.
   */
  public CacheSettings(
      long l1MaxEntries,
      long l1TtlMillis,
      long l2TtlMillis,
      long l3TtlMillis,
      long coalesceWaitMillis) {
    this(l1MaxEntries, 1L << 50, l1TtlMillis, l2TtlMillis, l3TtlMillis, coalesceWaitMillis, 1, 0);
  }

  /** The doorkeeper under pressure of one subtask, {@code null} when there is none. */
  public PressureDoorkeeper newDoorkeeper() {
    return admitAfter <= 1 && doorkeeperMillis > 0
        ? new PressureDoorkeeper(doorkeeperMillis, DOORKEEPER_INTERVAL_MILLIS)
        : null;
  }

  /** An empty L1 of these bounds (per subtask, in heap). */
  public HeapCache<CachedResult> newL1() {
    return new HeapCache<>(
        l1MaxEntries, l1MaxBytes, Duration.ofMillis(l1TtlMillis), CachedResult::estimatedBytes);
  }

  /** The longest lifetime: far enough from overflow when added to a timestamp. */
  private static final long MAX_TTL_MILLIS = Long.MAX_VALUE / 4;

  private static void range(long v, long max, String key) {
    if (v < 1 || v > max) {
      throw new IllegalArgumentException(key + " must be in 1.." + max + ", got " + v);
    }
  }
}
