package io.moesearch.connectors.message;

/**
 * One ranked product in a {@link SearchResult}.
 *
 * @param productId non-blank product id
 * @param title product title, non-null (may be empty)
 * @param score finite relevance score, higher is better
 */
public record RankedItem(String productId, String title, float score) {
  public RankedItem {
    Checks.requireNonBlank(productId, "product_id");
    Checks.requireNonNull(title, "title");
    if (!Float.isFinite(score)) {
      throw new IllegalArgumentException("score must be finite, got " + score);
    }
  }
}
