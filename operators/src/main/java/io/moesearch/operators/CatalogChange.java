package io.moesearch.operators;

import io.moesearch.core.live.LivePatch;
import io.moesearch.core.live.UpsertSignature;

/**
 * Notice of an applied catalogue update, broadcast to the query cache so it never serves a result
 * computed before the change that the change affects ({@link CacheLookup}).
 *
 * @param productId the changed product
 * @param appliedAtMillis wall time the update was applied (epoch millis)
 * @param upsert for an upserted product, the experts it joined, its embedding and BM25 terms (what
 *     decides which cached answers it could enter); {@code null} for patches and deletes
 * @param patch for a patched catalogue product, its live price and stock (cached answers holding it
 *     are served with them); {@code null} for upserts and deletes
 */
public record CatalogChange(
    String productId, long appliedAtMillis, UpsertSignature upsert, LivePatch patch) {
  private static final int[] NONE = new int[0];

  public CatalogChange {
    if (productId == null) {
      throw new IllegalArgumentException("productId is required");
    }
    if (upsert != null && patch != null) {
      throw new IllegalArgumentException("a change is an upsert or a patch, not both");
    }
  }

  /** The experts an upserted product joined (empty for patches and deletes). */
  public int[] experts() {
    return upsert == null ? NONE : upsert.experts();
  }
}
