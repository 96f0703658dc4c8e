package io.moesearch.operators;

import io.moesearch.core.live.LivePatch;
import io.moesearch.core.live.UpsertSignature;

/**
 * Notice of an applied catalogue update, broadcast to the query cache so it never serves a result
 * computed before the change that the change affects ({@link CacheLookup}).
 *
 * @param productId the changed product
 * @param appliedAtMillis wall time the update was applied (epoch millis)
 * @param upsert for an upserted product (also when a later patch changed its price or stock), the
 *     experts it joined, its embedding and BM25 terms (what decides which cached answers it could
 *     enter); {@code null} for patches of catalogue products and for deletes
 * @param patch the product's live price and stock after the change, for every change but a delete
 *     (answers holding it are served with them, by the cache and by the merge before the serving
 *     slots have applied the change); {@code null} for deletes
 * @param source the index of the apply subtask that applied it: the changes of one source reach a
 *     cache subtask in the order they were applied, those of two sources need not
 * @param ts the version of the product's state after the change ({@code DeltaEntry.ts}: the newest
 *     applied update's {@code ts} or past it, as {@code index compact} folds it, {@code
 *     CatalogFold}): the router drops the change once the version it serves folded the product at
 *     this {@code ts} or a newer one ({@link RouteQueries}); 0 when not known (the oldest)
 * @param widens for a patch of a catalogue product, the filters it may let the product newly pass
 *     ({@link #WIDENS_STOCK}, {@link #WIDENS_PRICE}, or both): a cached answer under such a filter
 *     may now lack it; 0 for every other change
 */
public record CatalogChange(
    String productId,
    long appliedAtMillis,
    UpsertSignature upsert,
    LivePatch patch,
    int source,
    long ts,
    int widens) {
  private static final int[] NONE = new int[0];

  /** {@link #widens}: the product came back in stock (an {@code in_stock} filter may now pass). */
  public static final int WIDENS_STOCK = 1;

  /** {@link #widens}: the product's price changed (a price range may now hold it). */
  public static final int WIDENS_PRICE = 2;

  public CatalogChange {
    if (productId == null) {
      throw new IllegalArgumentException("productId is required");
    }
    if (source < 0) {
      throw new IllegalArgumentException("source must be >= 0, got " + source);
    }
    if ((widens & ~(WIDENS_STOCK | WIDENS_PRICE)) != 0) {
      throw new IllegalArgumentException("widens has unknown bits: " + widens);
    }
    if (widens != 0 && (patch == null || upsert != null)) {
      throw new IllegalArgumentException("only a patch of a catalogue product widens a filter");
    }
  }

  /** A change that widens no filter. */
  public CatalogChange(
      String productId,
      long appliedAtMillis,
      UpsertSignature upsert,
      LivePatch patch,
      int source,
      long ts) {
    this(productId, appliedAtMillis, upsert, patch, source, ts, 0);
  }

  /** A change whose {@code ts} is not known (0): for consumers that do not read it. */
  public CatalogChange(
      String productId, long appliedAtMillis, UpsertSignature upsert, LivePatch patch, int source) {
    this(productId, appliedAtMillis, upsert, patch, source, 0);
  }

  /** A change applied by the first (or only) apply subtask, its {@code ts} not known (0). */
  public CatalogChange(
      String productId, long appliedAtMillis, UpsertSignature upsert, LivePatch patch) {
    this(productId, appliedAtMillis, upsert, patch, 0);
  }

  /**
   * The experts an upserted product joined (also for a patch of an upserted product, whose change
   * carries its signature); empty for patches of catalogue products and for deletes.
   */
  public int[] experts() {
    return upsert == null ? NONE : upsert.experts();
  }
}
