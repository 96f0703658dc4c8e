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
 * <p>Timestamps: {@code ts} is the state's version, which every applied update raises (to its own
 * {@code ts}, or one past the version when it is older: an update applied under a newer part), so a
 * slot, the router and the compaction's folded map keep the newest state by it. Which updates still
 * apply is decided by when each part was set ({@link #existsTs}, {@link #priceSetTs}, {@link
 * #stockSetTs}): a patch moves the offer's, not the product's, so an upsert or delete older than an
 * applied patch still applies in its {@code ts} order ({@link CatalogChanges}).
 *
 * @param productId the product, non-blank
 * @param ts the state's version (epoch millis): the newest applied update's {@code ts}, or past it
 *     (above), non-negative
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
 * @param sinceTs the {@code ts} of the upsert or delete the state rests on; {@link #ARTIFACT_TS}
 *     for a catalogue product only patched
 * @param priceTs the {@code ts} of the update that set {@code price} ({@link #ARTIFACT_TS}: the
 *     artifact's); for a deleted product, of a patch newer than the delete (in {@code ts} order it
 *     came to a deleted product: kept for a re-listing between the two)
 * @param stockTs the same for {@code inStock}
 * @param partsKnown whether the three part timestamps are set; {@code false} in state restored from
 *     a build before them (Flink gives a record's new fields their defaults), read as that build's
 *     rule: every part set at {@code ts}, a patched catalogue product resting on the artifact (and
 *     its price, when it has none, the artifact's: no patch set one)
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
    float[] vector,
    long sinceTs,
    long priceTs,
    long stockTs,
    boolean partsKnown) {

  /** A part set by the artifact: older than every update. */
  public static final long ARTIFACT_TS = -1;

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
    if (partsKnown) {
      for (long part : new long[] {sinceTs, priceTs, stockTs}) {
        if (part < ARTIFACT_TS || part > ts) {
          throw new IllegalArgumentException(
              "a part's ts must be in " + ARTIFACT_TS + ".." + ts + " (the version), got " + part);
        }
      }
    }
  }

  /** An entry whose parts were all set at {@code ts}. */
  public DeltaEntry(
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
    this(
        productId,
        ts,
        kind,
        title,
        brand,
        model,
        description,
        tradeItemNumbers,
        price,
        inStock,
        vector,
        ts,
        ts,
        ts,
        true);
  }

  /** The {@code ts} of the upsert or delete the state rests on ({@link #ARTIFACT_TS}: none). */
  public long existsTs() {
    if (partsKnown) {
      return sinceTs;
    }
    // The earlier build's patched entries were catalogue products never upserted or deleted.
    return kind == Kind.PATCHED ? ARTIFACT_TS : ts;
  }

  /** The {@code ts} of the update that set the price ({@link #ARTIFACT_TS}: the artifact's). */
  public long priceSetTs() {
    if (partsKnown) {
      return priceTs;
    }
    // The earlier build's patched entry without a price kept the artifact's: no patch set it.
    return kind == Kind.PATCHED && price == null ? ARTIFACT_TS : ts;
  }

  /** The {@code ts} of the update that set the stock ({@link #ARTIFACT_TS}: the artifact's). */
  public long stockSetTs() {
    return partsKnown ? stockTs : ts;
  }

  public static DeltaEntry hidden(String id, long ts) {
    return new DeltaEntry(id, ts, Kind.HIDDEN, null, null, null, null, null, null, false, null);
  }

  /** A product deleted at {@code deletedTs}, as version {@code version} (>= it). */
  public static DeltaEntry deleted(String id, long version, long deletedTs) {
    return deleted(id, version, deletedTs, null, deletedTs, false, deletedTs);
  }

  /**
   * A product deleted at {@code deletedTs}, as version {@code version}, keeping the price and stock
   * of patches newer than the delete ({@code price} set at {@code priceTs}, {@code inStock} at
   * {@code stockTs}; a part not newer than the delete is not kept): a re-listing older than them
   * takes them.
   */
  public static DeltaEntry deleted(
      String id,
      long version,
      long deletedTs,
      Double price,
      long priceTs,
      boolean inStock,
      long stockTs) {
    return new DeltaEntry(
        id,
        version,
        Kind.HIDDEN,
        null,
        null,
        null,
        null,
        null,
        price,
        inStock,
        null,
        deletedTs,
        priceTs,
        stockTs,
        true);
  }

  /**
   * A catalogue product with a live offer, as version {@code version}: {@code price} ({@code null}:
   * the artifact's) set at {@code priceTs}, {@code inStock} at {@code stockTs}, resting on the
   * product as of {@code sinceTs} ({@link #ARTIFACT_TS}: the artifact's).
   */
  public static DeltaEntry patched(
      String id,
      long version,
      long sinceTs,
      Double price,
      long priceTs,
      boolean inStock,
      long stockTs) {
    return new DeltaEntry(
        id,
        version,
        Kind.PATCHED,
        null,
        null,
        null,
        null,
        null,
        price,
        inStock,
        null,
        sinceTs,
        priceTs,
        stockTs,
        true);
  }

  public static DeltaEntry patched(String id, long ts, Double price, boolean inStock) {
    return new DeltaEntry(id, ts, Kind.PATCHED, null, null, null, null, null, price, inStock, null);
  }

  public static DeltaEntry live(Product p, long ts, boolean inStock, float[] vector) {
    return live(p, ts, p.price(), inStock, vector, ts, ts, ts);
  }

  /**
   * The upserted {@code p} as version {@code version}, resting on the upsert at {@code sinceTs},
   * with {@code price} set at {@code priceTs} and {@code inStock} at {@code stockTs}.
   */
  public static DeltaEntry live(
      Product p,
      long version,
      Double price,
      boolean inStock,
      float[] vector,
      long sinceTs,
      long priceTs,
      long stockTs) {
    return new DeltaEntry(
        p.id(),
        version,
        Kind.LIVE,
        p.title(),
        p.brand(),
        p.model(),
        p.description(),
        p.tradeItemNumbers(),
        price,
        inStock,
        vector,
        sinceTs,
        priceTs,
        stockTs,
        true);
  }

  /**
   * This state at {@code newTs} with a new price and stock (the text and embedding kept), both set
   * at {@code newTs}.
   */
  public DeltaEntry withOffer(long newTs, Double newPrice, boolean newInStock) {
    return withOffer(newTs, newPrice, newTs, newInStock, newTs);
  }

  /**
   * This state as version {@code version} with {@code newPrice} set at {@code newPriceTs} and
   * {@code newInStock} at {@code newStockTs} (the text, embedding and {@link #existsTs} kept).
   */
  public DeltaEntry withOffer(
      long version, Double newPrice, long newPriceTs, boolean newInStock, long newStockTs) {
    return new DeltaEntry(
        productId,
        version,
        kind,
        title,
        brand,
        model,
        description,
        tradeItemNumbers,
        newPrice,
        newInStock,
        vector,
        existsTs(),
        newPriceTs,
        newStockTs,
        true);
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
            vector,
            sinceTs,
            priceTs,
            stockTs,
            partsKnown);
  }

  /** The upserted product ({@code LIVE} only). */
  public Product product() {
    if (kind != Kind.LIVE) {
      throw new IllegalStateException(productId + " is " + kind + ", not LIVE");
    }
    return Product.flattened(productId, title, brand, model, description, price, tradeItemNumbers);
  }
}
