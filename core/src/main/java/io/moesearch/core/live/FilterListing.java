package io.moesearch.core.live;

import io.moesearch.core.cache.QueryNormalizer;
import java.util.Arrays;

/**
 * What a brand, price or stock filter reads of one product, and where it is searched: the experts
 * holding it, its brand as filters compare it ({@link QueryNormalizer#brandKey}; {@code ""}: none,
 * or one longer than any filter can name), its price ({@code null}: none) and its stock. The
 * artifact's listing and the live one of a changed product differ by what the change did; {@link
 * LiveMatchCounts} counts the difference.
 *
 * @param experts the experts holding the product (gate experts, not serving slots), not {@code
 *     null}
 */
public record FilterListing(int[] experts, String brand, Double price, boolean inStock) {
  public FilterListing {
    if (experts == null || brand == null) {
      throw new IllegalArgumentException("experts and brand are required");
    }
  }

  /**
   * Whether the product passes {@code f} as the index's filter queries decide it: a brand among the
   * filter's (compared in normal form), a known price within the inclusive bounds, in stock when
   * the filter asks.
   */
  public boolean matches(LiveFilter f) {
    if (f.brands() == null || f.brands().length == 0) {
      return matchesKeyed(f);
    }
    String[] keys = new String[f.brands().length];
    for (int i = 0; i < keys.length; i++) {
      keys[i] = QueryNormalizer.normalize(f.brands()[i]);
    }
    return matchesKeyed(new LiveFilter(keys, f.priceMin(), f.priceMax(), f.inStock()));
  }

  /** {@link #matches} for a filter whose brands are in normal form already. */
  boolean matchesKeyed(LiveFilter f) {
    if (f.inStock() && !inStock) {
      return false;
    }
    if (!f.priceAllows(price)) {
      return false;
    }
    if (f.brands() == null || f.brands().length == 0) {
      return true;
    }
    if (brand.isEmpty()) {
      return false;
    }
    for (String b : f.brands()) {
      if (b.equals(brand)) {
        return true;
      }
    }
    return false;
  }

  /**
   * The listing after {@code patch} of a product the artifact lists as {@code artifact} ({@code
   * null}: not in the artifact): {@code null} for a delete ({@code patch} null); an upserted
   * product ({@code experts} given) is where it was assigned, with the patch's brand, price and
   * stock; a patched catalogue product stays where the artifact has it, with its brand, and the
   * patch's price (the artifact's when the patch keeps it) and stock.
   *
   * @param experts the experts an upsert assigned the product to, or {@code null} for a patch of a
   *     catalogue product
   */
  public static FilterListing after(FilterListing artifact, LivePatch patch, int[] experts) {
    if (patch == null) {
      return null;
    }
    if (experts != null) {
      return new FilterListing(
          experts.clone(),
          patch.brand() == null ? "" : patch.brand(),
          patch.unpriced() ? null : patch.price(),
          patch.inStock());
    }
    if (artifact == null) {
      return null; // a patch of a product the artifact does not hold: nothing to search
    }
    return new FilterListing(
        artifact.experts(), artifact.brand(), patch.priceOver(artifact.price()), patch.inStock());
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof FilterListing l
        && Arrays.equals(experts, l.experts)
        && brand.equals(l.brand)
        && java.util.Objects.equals(price, l.price)
        && inStock == l.inStock;
  }

  @Override
  public int hashCode() {
    return 31 * Arrays.hashCode(experts) + java.util.Objects.hash(brand, price, inStock);
  }

  @Override
  public String toString() {
    return "FilterListing[experts="
        + Arrays.toString(experts)
        + ", brand="
        + brand
        + ", price="
        + price
        + ", inStock="
        + inStock
        + "]";
  }
}
