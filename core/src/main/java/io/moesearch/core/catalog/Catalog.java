package io.moesearch.core.catalog;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A loaded catalogue: products in file order (their index is the product's ordinal) and skipped
 * lines.
 */
public record Catalog(List<Product> products, List<BadLine> badLines) {

  public Catalog {
    products = List.copyOf(products);
    badLines = List.copyOf(badLines);
  }

  public int size() {
    return products.size();
  }

  public Product get(int ordinal) {
    return products.get(ordinal);
  }

  /** Product id to ordinal. */
  public Map<String, Integer> ordinalsById() {
    Map<String, Integer> m = new HashMap<>(products.size() * 2);
    for (int i = 0; i < products.size(); i++) {
      m.put(products.get(i).id(), i);
    }
    return m;
  }
}
