package io.moesearch.connectors.message;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.moesearch.core.cache.QueryNormalizer;
import java.util.Arrays;
import java.util.Objects;
import java.util.TreeSet;

/**
 * Optional constraints of a {@link SearchQuery}; each component is {@code null} when absent.
 *
 * <p>An empty {@code brands} array is normalised to {@code null} (no brand constraint). Arrays are
 * not copied: callers must not mutate them after construction.
 *
 * @param brands allowed brands (any of), each non-blank in {@link QueryNormalizer} form
 * @param priceMin inclusive lower price bound, finite and non-negative
 * @param priceMax inclusive upper price bound, finite, non-negative and {@code >= priceMin}
 * @param inStock {@code true}: only products in stock (live stock, from the catalogue-update topic;
 *     a product never patched counts as in stock); {@code null} or {@code false} (normalised to
 *     {@code null}): any stock
 */
public record Filters(String[] brands, Double priceMin, Double priceMax, Boolean inStock) {
  private static final ObjectMapper CANONICAL = new ObjectMapper();

  /** Filters that constrain nothing. */
  public static final Filters NONE = new Filters(null, null, null, null);

  /** Filters without a stock constraint. */
  public Filters(String[] brands, Double priceMin, Double priceMax) {
    this(brands, priceMin, priceMax, null);
  }

  public Filters {
    if (Boolean.FALSE.equals(inStock)) {
      inStock = null;
    }
    if (brands != null) {
      if (brands.length == 0) {
        brands = null;
      } else {
        for (int i = 0; i < brands.length; i++) {
          if (brands[i] == null || QueryNormalizer.isBlank(brands[i])) {
            throw new IllegalArgumentException("filters.brands[" + i + "] must be non-blank");
          }
        }
      }
    }
    if (priceMin != null) {
      // -0.0 + 0.0 is 0.0: -0 selects what 0 selects, so it must be the same filter and cache key
      priceMin = Checks.requireNonNegativeFinite(priceMin, "filters.price_min") + 0.0;
    }
    if (priceMax != null) {
      priceMax = Checks.requireNonNegativeFinite(priceMax, "filters.price_max") + 0.0;
    }
    if (priceMin != null && priceMax != null && priceMin > priceMax) {
      throw new IllegalArgumentException(
          "filters.price_min (" + priceMin + ") must be <= filters.price_max (" + priceMax + ")");
    }
  }

  /** True when no constraint is set. */
  public boolean isEmpty() {
    return brands == null && priceMin == null && priceMax == null && inStock == null;
  }

  /**
   * A canonical, unambiguous encoding of the constraints, used in cache keys: equal for filters
   * that select the same products and different for filters that do not. Brands are compared in
   * their {@link QueryNormalizer} form (as the filter and the index compare them), deduplicated and
   * sorted; the encoding is a JSON object with fixed key order ({@code brands}, {@code price_min},
   * {@code price_max}, {@code in_stock}), so no brand text can imitate a separator or another
   * constraint. {@code ""} when nothing is constrained.
   */
  public String canonical() {
    if (isEmpty()) {
      return "";
    }
    ObjectNode node = CANONICAL.createObjectNode();
    if (brands != null) {
      TreeSet<String> sorted = new TreeSet<>();
      for (String brand : brands) {
        sorted.add(QueryNormalizer.normalize(brand));
      }
      ArrayNode array = node.putArray("brands");
      sorted.forEach(array::add);
    }
    if (priceMin != null) {
      node.put("price_min", priceMin);
    }
    if (priceMax != null) {
      node.put("price_max", priceMax);
    }
    if (inStock != null) {
      node.put("in_stock", true);
    }
    try {
      return CANONICAL.writeValueAsString(node);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("cannot encode filters " + this, e);
    }
  }

  /**
   * The filters {@link #canonical()} encoded ({@code null} for {@code ""}): {@code
   * ofCanonical(f.canonical()).canonical()} equals {@code f.canonical()}.
   *
   * @throws IllegalArgumentException if {@code canonical} is not such an encoding
   */
  public static Filters ofCanonical(String canonical) {
    if (canonical.isEmpty()) {
      return null;
    }
    JsonNode node;
    try {
      node = CANONICAL.readTree(canonical);
    } catch (JsonProcessingException e) {
      throw new IllegalArgumentException("not a canonical filter encoding", e);
    }
    if (node == null || !node.isObject()) {
      throw new IllegalArgumentException("not a canonical filter encoding");
    }
    String[] brands = null;
    Double priceMin = null;
    Double priceMax = null;
    Boolean inStock = null;
    for (var field : node.properties()) {
      JsonNode v = field.getValue();
      switch (field.getKey()) {
        case "brands" -> {
          if (!v.isArray()) {
            throw new IllegalArgumentException("canonical filter brands must be an array");
          }
          brands = new String[v.size()];
          for (int i = 0; i < brands.length; i++) {
            if (!v.get(i).isTextual()) {
              throw new IllegalArgumentException("canonical filter brands must be strings");
            }
            brands[i] = v.get(i).asText();
          }
        }
        case "price_min" -> priceMin = number(v);
        case "price_max" -> priceMax = number(v);
        case "in_stock" -> {
          if (!v.isBoolean() || !v.booleanValue()) {
            throw new IllegalArgumentException("canonical filter in_stock must be true");
          }
          inStock = true;
        }
        default ->
            throw new IllegalArgumentException("unknown canonical filter key " + field.getKey());
      }
    }
    return new Filters(brands, priceMin, priceMax, inStock);
  }

  private static double number(JsonNode v) {
    if (!v.isNumber()) {
      throw new IllegalArgumentException("canonical filter prices must be numbers");
    }
    return v.doubleValue();
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Filters f
        && Arrays.equals(brands, f.brands)
        && Objects.equals(priceMin, f.priceMin)
        && Objects.equals(priceMax, f.priceMax)
        && Objects.equals(inStock, f.inStock);
  }

  @Override
  public int hashCode() {
    return 31 * Arrays.hashCode(brands) + Objects.hash(priceMin, priceMax, inStock);
  }

  @Override
  public String toString() {
    return "Filters[brands="
        + Arrays.toString(brands)
        + ", priceMin="
        + priceMin
        + ", priceMax="
        + priceMax
        + ", inStock="
        + inStock
        + "]";
  }
}
