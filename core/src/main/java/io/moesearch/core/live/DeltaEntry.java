package io.moesearch.core.live;

import io.moesearch.core.catalog.Product;
import java.util.Objects;

/**
 * One product's newest applied state as one serving slot sees it.
 *
 * <ul>
 *   <li>{@link Kind#HIDDEN}: the slot must not return the product (deleted, or upserted into other
 *       experts): it is filtered out of the artifact's index and absent from the delta;
 *   <li>{@link Kind#PATCHED}: the artifact's product with a live price ({@code null}: the
 *       artifact's) and stock;
 *   <li>{@link Kind#LIVE}: the product as upserted, with its embedding: served from the slot's
 *       delta index, and filtered out of the artifact's.
 * </ul>
 *
 * Flat fields (no attribute map) so that Flink serialises it as a POJO without Kryo.
 *
 * @param productId the product, non-blank
 * @param ts the applied update's timestamp (epoch millis), non-negative
 * @param kind what the slot does with the product
 * @param title title ({@code LIVE}), else {@code null}
 * @param brand brand ({@code LIVE}), else {@code null}
 * @param model model ({@code LIVE}), else {@code null}
 * @param description description ({@code LIVE}), else {@code null}
 * @param tradeItemNumbers the product's trade item numbers ({@link Product#tradeItemNumbers},
 *     {@code LIVE}; {@code null} or empty: none), which its lexical document holds
 * @param price live price, or {@code null} when unknown / unchanged
 * @param inStock live stock ({@code HIDDEN}: false)
 * @param vector unit-length embedding ({@code LIVE}), else {@code null}
 */
public record DeltaEntry(
    String productId,
    long ts,
    Kind kind,
    String title,
    String brand,
    String model,
    String description,
    String tradeItemNumbers,
    Double price,
    boolean inStock,
    float[] vector) {

  /** What a slot does with the product. */
  public enum Kind {
    HIDDEN,
    PATCHED,
    LIVE
  }

  public DeltaEntry {
    if (productId == null || productId.isBlank()) {
      throw new IllegalArgumentException("productId is required");
    }
    if (ts < 0) {
      throw new IllegalArgumentException("ts must be >= 0, got " + ts);
    }
    Objects.requireNonNull(kind, "kind");
    if (price != null && !(price >= 0 && Double.isFinite(price))) {
      throw new IllegalArgumentException("price must be finite and >= 0, got " + price);
    }
    if (kind == Kind.LIVE && (title == null || title.isBlank() || vector == null)) {
      throw new IllegalArgumentException("a LIVE entry needs a title and a vector");
    }
  }

  public static DeltaEntry hidden(String id, long ts) {
    return new DeltaEntry(id, ts, Kind.HIDDEN, null, null, null, null, null, null, false, null);
  }

  public static DeltaEntry patched(String id, long ts, Double price, boolean inStock) {
    return new DeltaEntry(id, ts, Kind.PATCHED, null, null, null, null, null, price, inStock, null);
  }

  public static DeltaEntry live(Product p, long ts, boolean inStock, float[] vector) {
    return new DeltaEntry(
        p.id(),
        ts,
        Kind.LIVE,
        p.title(),
        p.brand(),
        p.model(),
        p.description(),
        p.tradeItemNumbers(),
        p.price(),
        inStock,
        vector);
  }

  /** This state at {@code newTs} with a new price and stock (the text and embedding kept). */
  public DeltaEntry withOffer(long newTs, Double newPrice, boolean newInStock) {
    return new DeltaEntry(
        productId,
        newTs,
        kind,
        title,
        brand,
        model,
        description,
        tradeItemNumbers,
        newPrice,
        newInStock,
        vector);
  }

  /** The same state at another slot-independent kind. */
  public DeltaEntry as(Kind newKind) {
    return newKind == Kind.HIDDEN
        ? hidden(productId, ts)
        : new DeltaEntry(
            productId,
            ts,
            newKind,
            title,
            brand,
            model,
            description,
            tradeItemNumbers,
            price,
            inStock,
            vector);
  }

  /** The upserted product ({@code LIVE} only). */
  public Product product() {
    if (kind != Kind.LIVE) {
      throw new IllegalStateException(productId + " is " + kind + ", not LIVE");
    }
    return Product.flattened(productId, title, brand, model, description, price, tradeItemNumbers);
  }
}
