package io.moesearch.operators;

import io.moesearch.connectors.message.Filters;

/** The one rule for whether a product's live price and stock keep it in a filtered answer. */
final class LiveValues {
  private LiveValues() {}

  /**
   * Whether a product priced {@code price} ({@code null}: unknown) with stock {@code inStock} may
   * stay in the answer to a query with {@code filters} ({@code null}: none): not out of stock under
   * {@code in_stock}, and priced within a price range the query sets (an unknown price fails a
   * range, as the index's range filter does).
   */
  static boolean pass(Filters filters, Double price, boolean inStock) {
    if (filters == null) {
      return true;
    }
    if (Boolean.TRUE.equals(filters.inStock()) && !inStock) {
      return false;
    }
    if (filters.priceMin() == null && filters.priceMax() == null) {
      return true;
    }
    return price != null
        && (filters.priceMin() == null || price >= filters.priceMin())
        && (filters.priceMax() == null || price <= filters.priceMax());
  }
}
