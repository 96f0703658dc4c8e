package io.moesearch.state;

import io.moesearch.connectors.message.RankedItem;
import io.moesearch.core.cache.Versioned;

/**
 * A final result in the result caches (L1 and L2): the ranked items and experts, and the index
 * version that computed them. Arrays are not copied.
 *
 * @param createdAt epoch millis when it was computed
 */
public record CachedResult(String version, RankedItem[] items, int[] experts, long createdAt)
    implements Versioned {
  public CachedResult {
    if (version == null || items == null || experts == null) {
      throw new IllegalArgumentException("version, items and experts are required");
    }
  }
}
