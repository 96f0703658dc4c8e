package io.moesearch.state;

import io.moesearch.connectors.message.CacheFill;
import io.moesearch.connectors.message.RankedItem;
import io.moesearch.core.cache.HeapCache;
import io.moesearch.core.cache.Versioned;
import io.moesearch.core.rank.EntryCut;

/**
 * A final result in the result caches (L1 and L2): the ranked items and experts, and the index
 * version that computed them. Arrays are not copied.
 *
 * @param createdAt epoch millis the result reflects the catalogue as of (when it was computed, or
 *     when the cache last checked it against every catalogue change since)
 * @param denseFloor the lowest exact score a product needed to be among its experts' candidates,
 *     NaN when unknown ({@link io.moesearch.core.live.UpsertSignature#mayEnterDensely})
 * @param lexicalFloor the BM25 score a product needed to be among its lexical branch's candidates
 *     ({@code 0}: any match), NaN when unknown ({@link
 *     io.moesearch.core.live.UpsertSignature#mayEnterLexically}); state written before it was
 *     recorded restores as {@code 0}, which admits any match
 * @param entryCut what its top k asked of a product outside its candidates ({@link
 *     CacheFill#entryCut}), {@code null} when none (state written before it was recorded restores
 *     so)
 */
public record CachedResult(
    String version,
    RankedItem[] items,
    int[] experts,
    long createdAt,
    float denseFloor,
    float lexicalFloor,
    EntryCut entryCut)
    implements Versioned {
  public CachedResult {
    if (version == null || items == null || experts == null) {
      throw new IllegalArgumentException("version, items and experts are required");
    }
  }

  /** A result without an {@link EntryCut}. */
  public CachedResult(
      String version,
      RankedItem[] items,
      int[] experts,
      long createdAt,
      float denseFloor,
      float lexicalFloor) {
    this(version, items, experts, createdAt, denseFloor, lexicalFloor, null);
  }

  /** This result with other items (live prices and stock), everything else as it is. */
  public CachedResult withItems(RankedItem[] newItems) {
    return new CachedResult(
        version, newItems, experts, createdAt, denseFloor, lexicalFloor, entryCut);
  }

  /**
   * An upper estimate of the heap this result retains, in bytes (the L1 cache's byte bound, {@code
   * cache.l1-max-bytes}): headers and fields of the record, its arrays and items, two bytes per
   * character of each item's id and title. The version string is shared by every entry and not
   * counted.
   */
  public long estimatedBytes() {
    long bytes =
        64 + 16 + 4L * experts.length + 16 + 8L * items.length + (entryCut == null ? 0 : 40);
    for (RankedItem item : items) {
      bytes += 48 + HeapCache.stringBytes(item.productId()) + HeapCache.stringBytes(item.title());
      if (item.price() != null) {
        bytes += 16;
      }
      if (item.explain() != null) {
        bytes += 16 + 64L * item.explain().length;
      }
    }
    return bytes;
  }

  /**
   * The same result dated {@code at}, earlier or later (unlike {@link #checkedAt}, which never
   * moves the date back): used to restore its computation date before it leaves the task that
   * re-dated it, since a re-dated date holds only against the changes that task has received.
   */
  public CachedResult datedAt(long at) {
    return at == createdAt
        ? this
        : new CachedResult(version, items, experts, at, denseFloor, lexicalFloor, entryCut);
  }

  /** The same result, known to reflect the catalogue as of {@code at}. */
  public CachedResult checkedAt(long at) {
    return new CachedResult(
        version, items, experts, Math.max(createdAt, at), denseFloor, lexicalFloor, entryCut);
  }
}
