package io.moesearch.connectors.message;

import java.util.Arrays;
import java.util.Objects;

/**
 * Optional constraints of a {@link SearchQuery}; each component is {@code null} when absent.
 *
 * <p>An empty {@code brands} array is normalised to {@code null} (no brand constraint). Arrays are
 * not copied: callers must not mutate them after construction.
 *
 * @param brands allowed brands (any of), each non-blank
 * @param priceMin inclusive lower price bound, finite and non-negative
 * @param priceMax inclusive upper price bound, finite, non-negative and {@code >= priceMin}
 */
public record Filters(String[] brands, Double priceMin, Double priceMax) {

  /** Filters that constrain nothing. */
  public static final Filters NONE = new Filters(null, null, null);

  public Filters {
    if (brands != null) {
      if (brands.length == 0) {
        brands = null;
      } else {
        for (int i = 0; i < brands.length; i++) {
          if (brands[i] == null || brands[i].isBlank()) {
            throw new IllegalArgumentException("filters.brands[" + i + "] must be non-blank");
          }
        }
      }
    }
    if (priceMin != null) {
      Checks.requireNonNegativeFinite(priceMin, "filters.price_min");
    }
    if (priceMax != null) {
      Checks.requireNonNegativeFinite(priceMax, "filters.price_max");
    }
    if (priceMin != null && priceMax != null && priceMin > priceMax) {
      throw new IllegalArgumentException(
          "filters.price_min (" + priceMin + ") must be <= filters.price_max (" + priceMax + ")");
    }
  }

  /** True when no constraint is set. */
  public boolean isEmpty() {
    return brands == null && priceMin == null && priceMax == null;
  }

  /**
   * A canonical string of the constraints, equal for filters that select the same products (brands
   * are matched case-insensitively, so they are lower-cased, deduplicated and sorted); {@code ""}
   * when nothing is constrained. Used in cache keys.
   */
  public String canonical() {
    if (isEmpty()) {
      return "";
    }
    StringBuilder b = new StringBuilder();
    if (brands != null) {
      java.util.TreeSet<String> sorted = new java.util.TreeSet<>();
      for (String brand : brands) {
        sorted.add(brand.strip().toLowerCase(java.util.Locale.ROOT));
      }
      b.append("b=").append(String.join("\u0002", sorted));
    }
    if (priceMin != null) {
      b.append(b.isEmpty() ? "" : ";").append("min=").append(priceMin);
    }
    if (priceMax != null) {
      b.append(b.isEmpty() ? "" : ";").append("max=").append(priceMax);
    }
    return b.toString();
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Filters f
        && Arrays.equals(brands, f.brands)
        && Objects.equals(priceMin, f.priceMin)
        && Objects.equals(priceMax, f.priceMax);
  }

  @Override
  public int hashCode() {
    return 31 * Arrays.hashCode(brands) + Objects.hash(priceMin, priceMax);
  }

  @Override
  public String toString() {
    return "Filters[brands="
        + Arrays.toString(brands)
        + ", priceMin="
        + priceMin
        + ", priceMax="
        + priceMax
        + "]";
  }
}
