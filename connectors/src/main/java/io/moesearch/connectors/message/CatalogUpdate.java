package io.moesearch.connectors.message;

import io.moesearch.core.catalog.Product;

/**
 * One change to the live catalogue, from the catalogue-update topic ({@code kafka.catalog-topic},
 * key = product id). Updates of one product are applied in {@code ts} order; one older than the one
 * applied is ignored.
 *
 * @param op what changes
 * @param productId the product, non-blank, at most {@value SearchQuery#MAX_ID_CHARS} characters
 * @param product the whole new product for {@link Op#UPSERT} (its id is {@code productId}), {@code
 *     null} otherwise
 * @param price the new price ({@link Op#PATCH}: {@code null} = unchanged; {@link Op#UPSERT}: the
 *     product's, {@code null} = unknown), finite and non-negative
 * @param inStock whether the product can be bought ({@link Op#PATCH}: {@code null} = unchanged;
 *     {@link Op#UPSERT}: {@code null} means in stock)
 * @param ts the producer's timestamp of the change, epoch millis, non-negative
 */
public record CatalogUpdate(
    Op op, String productId, Product product, Double price, Boolean inStock, long ts) {

  /** The kind of change. */
  public enum Op {
    /** A new product, or a product whose text (and so embedding) may have changed. */
    UPSERT,
    /** Price and/or stock of a product; its text and embedding are unchanged. */
    PATCH,
    /** The product is taken off the catalogue. */
    DELETE
  }

  public CatalogUpdate {
    Checks.requireNonNull(op, "op");
    Checks.requireNonBlank(productId, "id");
    if (SearchQuery.codePoints(productId) > SearchQuery.MAX_ID_CHARS) {
      throw new IllegalArgumentException(
          "id must be at most " + SearchQuery.MAX_ID_CHARS + " characters");
    }
    Checks.requireNonNegative(ts, "ts");
    if (price != null) {
      Checks.requireNonNegativeFinite(price, "price");
    }
    switch (op) {
      case UPSERT -> {
        Checks.requireNonNull(product, "product");
        if (!product.id().equals(productId)) {
          throw new IllegalArgumentException(
              "product.id (" + product.id() + ") must be the update's id (" + productId + ")");
        }
        if (!java.util.Objects.equals(product.price(), price)) {
          throw new IllegalArgumentException("price must be the product's price");
        }
      }
      case PATCH -> {
        if (product != null) {
          throw new IllegalArgumentException("a patch carries no product");
        }
        if (price == null && inStock == null) {
          throw new IllegalArgumentException("a patch must set price or in_stock");
        }
      }
      case DELETE -> {
        if (product != null || price != null || inStock != null) {
          throw new IllegalArgumentException("a delete carries only id and ts");
        }
      }
    }
  }

  public static CatalogUpdate upsert(Product product, Boolean inStock, long ts) {
    return new CatalogUpdate(Op.UPSERT, product.id(), product, product.price(), inStock, ts);
  }

  public static CatalogUpdate patch(String id, Double price, Boolean inStock, long ts) {
    return new CatalogUpdate(Op.PATCH, id, null, price, inStock, ts);
  }

  public static CatalogUpdate delete(String id, long ts) {
    return new CatalogUpdate(Op.DELETE, id, null, null, null, ts);
  }
}
