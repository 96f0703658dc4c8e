package io.moesearch.connectors.message;

import com.fasterxml.jackson.annotation.JsonInclude;

/**
 * One ranked product in a {@link SearchResult}.
 *
 * @param productId non-blank product id
 * @param title product title, non-null (may be empty)
 * @param score finite relevance score, higher is better
 * @param price the product's live price (the catalogue's, or the newest applied update's), finite
 *     and non-negative; {@code null} when unknown
 * @param inStock whether the product can be bought (live: the newest applied update's, {@code true}
 *     for a product never patched); {@code null} when unknown (results computed before stock was
 *     tracked)
 */
public record RankedItem(
    String productId,
    String title,
    float score,
    @JsonInclude(JsonInclude.Include.NON_NULL) Double price,
    @JsonInclude(JsonInclude.Include.NON_NULL) Boolean inStock) {
  public RankedItem {
    Checks.requireNonBlank(productId, "product_id");
    Checks.requireNonNull(title, "title");
    if (!Float.isFinite(score)) {
      throw new IllegalArgumentException("score must be finite, got " + score);
    }
    if (price != null) {
      Checks.requireNonNegativeFinite(price, "price");
    }
  }

  /** An item without price and stock. */
  public RankedItem(String productId, String title, float score) {
    this(productId, title, score, null, null);
  }

  /** This item with another score. */
  public RankedItem withScore(float newScore) {
    return new RankedItem(productId, title, newScore, price, inStock);
  }

  /** This item with live price and stock. */
  public RankedItem withLive(Double newPrice, Boolean newInStock) {
    return new RankedItem(productId, title, score, newPrice, newInStock);
  }
}
