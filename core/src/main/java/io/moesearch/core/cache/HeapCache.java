package io.moesearch.core.cache;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import java.time.Duration;

/**
 * The L1 cache: a bounded, expiring in-heap map (Caffeine, W-TinyLFU eviction) that only ever
 * returns entries of the version being served; a stale entry is dropped when it is looked up.
 * Thread-safe.
 *
 * @param <V> cached values
 */
public final class HeapCache<V extends Versioned> {
  private final Cache<String, V> cache;

  /**
   * @param maxEntries at most this many entries ({@code cache.l1-max-entries}), at least 1
   * @param ttl entries expire this long after they were written ({@code cache.l1-ttl-ms})
   */
  public HeapCache(long maxEntries, Duration ttl) {
    if (maxEntries < 1) {
      throw new IllegalArgumentException("maxEntries must be >= 1, got " + maxEntries);
    }
    if (ttl == null || ttl.isNegative() || ttl.isZero()) {
      throw new IllegalArgumentException("ttl must be > 0, got " + ttl);
    }
    cache = Caffeine.newBuilder().maximumSize(maxEntries).expireAfterWrite(ttl).build();
  }

  /** The entry for {@code key} if present and of {@code version}, else {@code null}. */
  public V get(String key, String version) {
    V v = cache.getIfPresent(key);
    if (v == null) {
      return null;
    }
    if (!v.version().equals(version)) {
      cache.invalidate(key);
      return null;
    }
    return v;
  }

  public void put(String key, V value) {
    if (key == null || value == null) {
      throw new IllegalArgumentException("key and value are required");
    }
    cache.put(key, value);
  }

  public void invalidate(String key) {
    cache.invalidate(key);
  }

  /** Approximate number of entries (expired ones may still count until cleaned up). */
  public long size() {
    return cache.estimatedSize();
  }

  /** Runs pending maintenance (eviction) now; Caffeine otherwise does it asynchronously. */
  void cleanUp() {
    cache.cleanUp();
  }
}
