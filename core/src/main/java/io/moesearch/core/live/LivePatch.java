package io.moesearch.core.live;

/**
 * A product's live price and stock after a patch, as the query cache keeps it to serve cached
 * answers holding the product with the live values instead of recomputing them: price and stock do
 * not rank, so only a filter they now fail changes an answer.
 *
 * @param appliedAtMillis when the patch was applied (epoch millis)
 * @param price the live price, {@code null} when the catalogue's (never patched)
 * @param inStock the live stock
 */
public record LivePatch(long appliedAtMillis, Double price, boolean inStock) {
  public LivePatch {
    if (price != null && !(price >= 0 && Double.isFinite(price))) {
      throw new IllegalArgumentException("price must be finite and >= 0, got " + price);
    }
  }
}
