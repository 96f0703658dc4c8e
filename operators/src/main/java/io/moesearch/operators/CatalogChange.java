package io.moesearch.operators;

/**
 * Notice of an applied catalogue update, broadcast to the query cache so it never serves a result
 * computed before the change that the change affects ({@link CacheLookup}).
 *
 * @param productId the changed product
 * @param appliedAtMillis wall time the update was applied (epoch millis)
 * @param experts the experts an upserted product joined (empty for patches and deletes)
 */
public record CatalogChange(String productId, long appliedAtMillis, int[] experts) {
  public CatalogChange {
    if (productId == null || experts == null) {
      throw new IllegalArgumentException("productId and experts are required");
    }
  }
}
