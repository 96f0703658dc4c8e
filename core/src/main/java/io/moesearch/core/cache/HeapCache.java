package io.moesearch.core.cache;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.Expiry;
import com.github.benmanes.caffeine.cache.Policy;
import com.github.benmanes.caffeine.cache.Ticker;
import java.time.Duration;
import java.util.Optional;
import java.util.function.ToLongFunction;

/**
 * The L1 cache: a bounded, expiring in-heap map (Caffeine, W-TinyLFU eviction) that only ever
 * returns entries of the version being served; a stale entry is dropped when it is looked up.
 * Thread-safe.
 *
 * <p>Bounded twice: by entry count and by an estimate of the heap the entries retain, so that large
 * answers (many items, long titles) cannot exhaust the heap before the count is reached. Both are
 * one Caffeine weight bound: an entry weighs its estimated bytes, and at least {@code maxBytes /
 * maxEntries}, so neither more than {@code maxEntries} entries nor more than {@code maxBytes}
 * estimated bytes are kept (up to Caffeine's asynchronous eviction lag).
 *
 * @param <V> cached values
 */
public final class HeapCache<V extends Versioned> {
  private final Cache<String, V> cache;
  private final Policy.VarExpiration<String, V> expiry;

  /**
   * @param maxEntries at most this many entries ({@code cache.l1-max-entries}), at least 1
   * @param maxBytes at most this many estimated bytes of keys and values ({@code
   *     cache.l1-max-bytes}), at least 1
   * @param ttl entries expire this long after they were put ({@code cache.l1-ttl-ms}); {@link
   *     #replace} keeps an entry's expiry
   * @param bytes an estimate of the heap a value retains, in bytes (its key is counted here)
   */
  public HeapCache(long maxEntries, long maxBytes, Duration ttl, ToLongFunction<V> bytes) {
    this(maxEntries, maxBytes, ttl, bytes, Ticker.systemTicker());
  }

  /** As above, timed by {@code ticker} (tests). */
  HeapCache(long maxEntries, long maxBytes, Duration ttl, ToLongFunction<V> bytes, Ticker ticker) {
    if (maxEntries < 1) {
      throw new IllegalArgumentException("maxEntries must be >= 1, got " + maxEntries);
    }
    if (maxBytes < 1) {
      throw new IllegalArgumentException("maxBytes must be >= 1, got " + maxBytes);
    }
    if (ttl == null || ttl.isNegative() || ttl.isZero()) {
      throw new IllegalArgumentException("ttl must be > 0, got " + ttl);
    }
    if (bytes == null) {
      throw new IllegalArgumentException("a size estimate is required");
    }
    // The entry bound: every entry weighs at least maxBytes / maxEntries. Caffeine's weights are
    // ints, so weights are counted in units of `unit` bytes, enough for that least weight to fit
    // (a byte bound of 2^50 over 10 entries would otherwise be clipped and keep ~2^19 entries).
    long perEntry = Math.max(1, Math.ceilDiv(maxBytes, maxEntries));
    long unit = Math.max(1, Math.ceilDiv(perEntry, 1L << 30));
    long minWeight = Math.max(1, Math.ceilDiv(perEntry, unit));
    cache =
        Caffeine.newBuilder()
            .maximumWeight(Math.max(1, maxBytes / unit))
            .<String, V>weigher(
                (k, v) ->
                    (int)
                        Math.min(
                            Integer.MAX_VALUE,
                            Math.max(
                                minWeight,
                                Math.ceilDiv(stringBytes(k) + bytes.applyAsLong(v), unit))))
            .expireAfter(Expiry.<String, V>writing((k, v) -> ttl))
            .ticker(ticker)
            .build();
    expiry = cache.policy().expireVariably().orElseThrow();
  }

  /**
   * An upper estimate of the heap a string retains: object and array headers plus two bytes per
   * UTF-16 unit (compact Latin-1 strings take half).
   */
  public static long stringBytes(String s) {
    return s == null ? 0 : 40 + 2L * s.length();
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

  /**
   * Replaces the value of a present entry keeping its expiry: the same answer re-dated or served
   * with live values (CatalogCoherence) is not a new entry, so that an answer asked again and again
   * while the catalogue changes still expires {@code ttl} after it was put. Does nothing when the
   * entry is absent or expired. Not atomic with a concurrent {@link #put} of the same key (each
   * operator subtask owns its cache).
   */
  public void replace(String key, V value) {
    if (key == null || value == null) {
      throw new IllegalArgumentException("key and value are required");
    }
    Optional<Duration> left = expiry.getExpiresAfter(key);
    if (left.isPresent() && left.get().isPositive() && cache.getIfPresent(key) != null) {
      expiry.put(key, value, left.get());
    }
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
