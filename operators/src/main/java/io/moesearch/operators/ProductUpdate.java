package io.moesearch.operators;

import io.moesearch.connectors.message.CatalogUpdate;
import io.moesearch.core.catalog.Product;

/**
 * A validated catalogue update in the job, flat so that Flink serialises it without Kryo: of the
 * product's free attributes only its trade item numbers, which the lexical index holds, are kept
 * ({@link Product#tradeItemNumbers}); the others no index uses.
 *
 * @param op what changes
 * @param productId the product
 * @param title upsert: the product's fields; otherwise {@code null}
 * @param brand upsert: the product's fields; otherwise {@code null}
 * @param model upsert: the product's fields; otherwise {@code null}
 * @param description upsert: the product's fields; otherwise {@code null}
 * @param tradeItemNumbers upsert: the product's trade item numbers ({@code null} or empty: none);
 *     otherwise {@code null}
 * @param price upsert: the product's price; patch: the new price ({@code null}: unchanged)
 * @param inStock upsert: in stock ({@code null}: yes); patch: new stock ({@code null}: unchanged)
 * @param ts the producer's timestamp of the change
 * @param producedAtMillis when the record was produced (its Kafka timestamp; the parse time when it
 *     has none): the start of the update-to-searchable latency
 * @param vector upsert: the embedding of the product's text, once embedded; otherwise {@code null}
 * @param seq the product's update number in arrival order, from 1 ({@link SequenceCatalogUpdates}),
 *     so {@link ApplyCatalogUpdates} applies one product's updates in the order they came although
 *     upserts take longer (they are embedded); {@code 0}: not numbered, applied when it arrives
 */
public record ProductUpdate(
    CatalogUpdate.Op op,
    String productId,
    String title,
    String brand,
    String model,
    String description,
    String tradeItemNumbers,
    Double price,
    Boolean inStock,
    long ts,
    long producedAtMillis,
    float[] vector,
    long seq) {

  public ProductUpdate {
    if (op == null || productId == null || productId.isBlank()) {
      throw new IllegalArgumentException("op and productId are required");
    }
    if (op == CatalogUpdate.Op.UPSERT && (title == null || title.isBlank())) {
      throw new IllegalArgumentException("an upsert needs a title");
    }
    if (seq < 0) {
      throw new IllegalArgumentException("seq must be >= 0, got " + seq);
    }
  }

  public static ProductUpdate of(CatalogUpdate u, long producedAtMillis) {
    Product p = u.product();
    return new ProductUpdate(
        u.op(),
        u.productId(),
        p == null ? null : p.title(),
        p == null ? null : p.brand(),
        p == null ? null : p.model(),
        p == null ? null : p.description(),
        p == null ? null : p.tradeItemNumbers(),
        u.price(),
        u.inStock(),
        u.ts(),
        producedAtMillis,
        null,
        0);
  }

  /** The upserted product: of its attributes, its trade item numbers only. */
  public Product product() {
    return Product.flattened(productId, title, brand, model, description, price, tradeItemNumbers);
  }

  public ProductUpdate withVector(float[] v) {
    return copy(v, seq);
  }

  /** This update numbered {@code n} among its product's. */
  public ProductUpdate withSeq(long n) {
    return copy(vector, n);
  }

  private ProductUpdate copy(float[] v, long n) {
    return new ProductUpdate(
        op,
        productId,
        title,
        brand,
        model,
        description,
        tradeItemNumbers,
        price,
        inStock,
        ts,
        producedAtMillis,
        v,
        n);
  }
}
