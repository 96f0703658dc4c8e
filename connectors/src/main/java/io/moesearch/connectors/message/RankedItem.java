package io.moesearch.connectors.message;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.moesearch.core.rank.RankingFeatures;
import java.util.Arrays;
import java.util.Objects;

/**
 * One ranked product in a {@link SearchResult}.
 *
 * @param productId non-blank product id
 * @param title product title, non-null (may be empty), cut to its first {@value #MAX_TITLE_CHARS}
 *     characters: a result of {@value SearchQuery#MAX_TOP_K} items must fit one Kafka record
 *     whatever the catalogue's titles (a catalogue update may carry 16 Ki characters)
 * @param score finite relevance score, higher is better
 * @param price the product's live price (the catalogue's, or the newest applied update's), finite
 *     and non-negative; {@code null} when unknown
 * @param inStock whether the product can be bought (live: the newest applied update's, {@code true}
 *     for a product never patched); {@code null} when unknown (results computed before stock was
 *     tracked)
 * @param explain why the item ranked where it did, when the query asked ({@link
 *     SearchQuery#explain}): every ranking feature's value, its weight in the served ranking model
 *     and their product, whose sum is {@code score}; {@code null} otherwise
 */
public record RankedItem(
    String productId,
    String title,
    float score,
    @JsonInclude(JsonInclude.Include.NON_NULL) Double price,
    @JsonInclude(JsonInclude.Include.NON_NULL) Boolean inStock,
    @JsonInclude(JsonInclude.Include.NON_NULL) FeatureContribution[] explain) {
  /** Longest title an item carries, in UTF-16 units (the shipped catalogue's longest has 259). */
  public static final int MAX_TITLE_CHARS = RankingFeatures.MAX_TITLE_CHARS;

  public RankedItem {
    Checks.requireNonBlank(productId, "product_id");
    Checks.requireNonNull(title, "title");
    title = Checks.cut(title, MAX_TITLE_CHARS);
    if (!Float.isFinite(score)) {
      throw new IllegalArgumentException("score must be finite, got " + score);
    }
    if (price != null) {
      Checks.requireNonNegativeFinite(price, "price");
    }
  }

  /** An item without explanation. */
  public RankedItem(String productId, String title, float score, Double price, Boolean inStock) {
    this(productId, title, score, price, inStock, null);
  }

  /** An item without price, stock and explanation. */
  public RankedItem(String productId, String title, float score) {
    this(productId, title, score, null, null, null);
  }

  /** This item with another score. */
  public RankedItem withScore(float newScore) {
    return new RankedItem(productId, title, newScore, price, inStock, explain);
  }

  /** This item with live price and stock. */
  public RankedItem withLive(Double newPrice, Boolean newInStock) {
    return new RankedItem(productId, title, score, newPrice, newInStock, explain);
  }

  /** This item with an explanation ({@code null}: none). */
  public RankedItem withExplain(FeatureContribution[] newExplain) {
    return new RankedItem(productId, title, score, price, inStock, newExplain);
  }

  /** Equal fields, the explanation's contents included. */
  @Override
  public boolean equals(Object o) {
    return o instanceof RankedItem r
        && productId.equals(r.productId)
        && title.equals(r.title)
        && Float.compare(score, r.score) == 0
        && Objects.equals(price, r.price)
        && Objects.equals(inStock, r.inStock)
        && Arrays.equals(explain, r.explain);
  }

  @Override
  public int hashCode() {
    return Objects.hash(productId, title, score, price, inStock, Arrays.hashCode(explain));
  }
}
