package io.moesearch.core.live;

import io.moesearch.core.cache.QueryNormalizer;
import java.util.HashSet;
import java.util.Set;

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
   * or empty: any brand); true when the live brand is the catalogue's (not known here). Normalises
   * every brand: to check many products against one filter, {@link #brandKeys} once and {@link
   * #passesBrands(Set)} each.
   */
  public boolean passesBrands(String[] brands) {
    return passesBrands(brandKeys(brands));
  }

  /**
   * The brands of a query's brand filter as {@link #passesBrands(Set)} compares them (their normal
   * forms), {@code null} for none ({@code null} or empty: any brand).
   */
  public static Set<String> brandKeys(String[] brands) {
    if (brands == null || brands.length == 0) {
      return null;
    }
    Set<String> keys = new HashSet<>();
    for (String b : brands) {
      keys.add(QueryNormalizer.normalize(b));
    }
    return keys;
  }

  /**
   * Whether the live brand is among a brand filter's {@link #brandKeys} ({@code null}: any brand):
   * one look-up, whatever the filter's size (a merge checks every live candidate of every partial,
   * some 1,700 for a query of top_k 100 over 16 experts; normalising a filter's 100 brands for each
   * cost ~0.5 s a query).
   */
  public boolean passesBrands(Set<String> brandKeys) {
    if (brand == null || brandKeys == null) {
      return true;
    }
    if (brand.isEmpty()) {
      return false; // no brand, or one no filter can name
    }
    return brandKeys.contains(brand);
  }

  /** The price to serve for an item that was ranked showing {@code ranked}. */
  public Double priceOver(Double ranked) {
    return unpriced ? null : price != null ? price : ranked;
  }
}
