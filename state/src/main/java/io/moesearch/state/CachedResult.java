package io.moesearch.state;

import io.moesearch.connectors.message.RankedItem;
import io.moesearch.core.cache.Versioned;

/**
 * A final result in the result caches (L1 and L2): the ranked items and experts, and the index
 * version that computed them. Arrays are not copied.
 *
 * @param createdAt epoch millis the result reflects the catalogue as of (when it was computed, or
 *     when the cache last checked it against every catalogue change since)
 * @param denseFloor the lowest exact score a product needed to be among its experts' candidates,
 *     NaN when unknown ({@link io.moesearch.core.live.UpsertSignature#mayEnter})
 */
public record CachedResult(
    String version, RankedItem[] items, int[] experts, long createdAt, float denseFloor)
    implements Versioned {
  public CachedResult {
    if (version == null || items == null || experts == null) {
      throw new IllegalArgumentException("version, items and experts are required");
    }
  }

  /** The same result, known to reflect the catalogue as of {@code at}. */
  public CachedResult checkedAt(long at) {
    return new CachedResult(version, items, experts, Math.max(createdAt, at), denseFloor);
  }
}
