package io.moesearch.core.live;

import io.moesearch.core.cache.QueryNormalizer;

/**
 * A product's live price and stock after a change, as the query cache and the merge keep it to
 * serve answers holding the product with the live values instead of recomputing them: price and
 * stock do not rank, so only a filter they now fail changes an answer.
 *
 * @param appliedAtMillis when the change was applied (epoch millis)
 * @param price the live price; {@code null}: the catalogue's (never patched), or none when {@code
 *     unpriced}
 * @param inStock the live stock
 * @param unpriced the product has no price now (an upsert without one); {@code price} is then null
 * @param brand the live brand as brand filters compare it ({@link QueryNormalizer#brandKey}: its
 *     normal form, {@code ""} when none or longer than any filter can name) when the change gave
 *     the whole product (an upsert may change it); {@code null}: the catalogue's
 */
public record LivePatch(
    long appliedAtMillis, Double price, boolean inStock, boolean unpriced, String brand) {
  public LivePatch {
    if (price != null && !(price >= 0 && Double.isFinite(price))) {
      throw new IllegalArgumentException("price must be finite and >= 0, got " + price);
    }
    if (unpriced && price != null) {
      throw new IllegalArgumentException("an unpriced product has no price, got " + price);
    }
  }

  /** A patch's live values: {@code price} null keeps the catalogue's. */
  public LivePatch(long appliedAtMillis, Double price, boolean inStock) {
    this(appliedAtMillis, price, inStock, false, null);
  }

  /**
   * The live values of a change whose result is the whole product (an upsert, or a patch of an
   * upserted product): a null {@code price} means it has none.
   */
  public static LivePatch ofProduct(long appliedAtMillis, Double price, boolean inStock) {
    return ofProduct(appliedAtMillis, price, inStock, null);
  }

  /** {@link #ofProduct(long, Double, boolean)} with the product's live brand (as written). */
  public static LivePatch ofProduct(
      long appliedAtMillis, Double price, boolean inStock, String brand) {
    return new LivePatch(
        appliedAtMillis,
        price,
        inStock,
        price == null,
        brand == null ? null : QueryNormalizer.brandKey(brand));
  }

  /**
   * Whether the live brand is among {@code brands} (a query's brand filter, as sent; {@code null}
   * or empty: any brand); true when the live brand is the catalogue's (not known here).
   */
  public boolean passesBrands(String[] brands) {
    if (brand == null || brands == null || brands.length == 0) {
      return true;
    }
    if (brand.isEmpty()) {
      return false; // no brand, or one no filter can name
    }
    for (String b : brands) {
      if (QueryNormalizer.normalize(b).equals(brand)) {
        return true;
      }
    }
    return false;
  }

  /** The price to serve for an item that was ranked showing {@code ranked}. */
  public Double priceOver(Double ranked) {
    return unpriced ? null : price != null ? price : ranked;
  }
}
