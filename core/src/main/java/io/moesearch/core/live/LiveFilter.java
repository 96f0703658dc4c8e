package io.moesearch.core.live;

/**
 * A query's constraints as the live catalogue applies them.
 *
 * @param brands any of these brands (compared in normal form), or {@code null} for any
 * @param priceMin inclusive lower price bound or {@code null}
 * @param priceMax inclusive upper price bound or {@code null}
 * @param inStock only products in stock (live stock; a product never patched is in stock)
 */
public record LiveFilter(String[] brands, Double priceMin, Double priceMax, boolean inStock) {
  /** No constraint. */
  public static final LiveFilter NONE = new LiveFilter(null, null, null, false);

  public boolean hasPrice() {
    return priceMin != null || priceMax != null;
  }

  /** Whether a live price passes the price bounds ({@code null}: unknown, never passes a bound). */
  public boolean priceAllows(Double price) {
    if (!hasPrice()) {
      return true;
    }
    if (price == null) {
      return false;
    }
    return (priceMin == null || price >= priceMin) && (priceMax == null || price <= priceMax);
  }
}
