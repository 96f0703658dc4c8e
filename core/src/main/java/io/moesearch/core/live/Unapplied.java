package io.moesearch.core.live;

/**
 * What a product's state remembers of the updates {@link CatalogChanges} did not apply because the
 * product was unknown (neither in the artifact nor upserted; a patch of a deleted product is kept
 * by the deleted state instead, and states of earlier builds may hold such patches here): the
 * {@code ts} of the newest such delete (a tombstone) and the newest price and stock a patch newer
 * than it set, each with its {@code ts}. An upsert not newer than the tombstone is then stale, and
 * one older than a remembered patch is applied with that patch's values over it: the product
 * converges on the update with the newest {@code ts} whichever order they arrive in (D1-D3 of the
 * attack-catalog review). Immutable; {@code null} stands for "nothing remembered".
 *
 * @param deletedTs the newest unapplied delete's {@code ts}; {@link #NONE}: none
 * @param price the newest unapplied patched price; {@code null}: none
 * @param priceTs the {@code ts} of the patch that set {@code price} ({@link #NONE} without one)
 * @param inStock the newest unapplied patched stock; {@code null}: none
 * @param stockTs the {@code ts} of the patch that set {@code inStock} ({@link #NONE} without one)
 */
public record Unapplied(long deletedTs, Double price, long priceTs, Boolean inStock, long stockTs) {
  /** No {@code ts}. */
  public static final long NONE = -1;

  public Unapplied {
    if (price != null && !(price >= 0 && Double.isFinite(price))) {
      throw new IllegalArgumentException("price must be finite and >= 0, got " + price);
    }
    if (price == null) {
      priceTs = NONE;
    }
    if (inStock == null) {
      stockTs = NONE;
    }
  }

  /** The newest {@code ts} remembered. */
  public long newestTs() {
    return Math.max(deletedTs, Math.max(priceTs, stockTs));
  }

  /** Whether an update at {@code ts} comes before the remembered delete (so it is stale). */
  boolean deletedAfter(long ts) {
    return ts <= deletedTs;
  }

  /**
   * With an unapplied delete at {@code ts} added to {@code u} ({@code null}: nothing remembered):
   * patched values not newer than it are forgotten (in {@code ts} order the delete came after
   * them); {@code null} when the delete is not newer than the remembered one (stale).
   */
  static Unapplied withDelete(Unapplied u, long ts) {
    if (u != null && u.deletedAfter(ts)) {
      return null;
    }
    Unapplied after = after(u, ts);
    return after == null
        ? new Unapplied(ts, null, NONE, null, NONE)
        : new Unapplied(ts, after.price, after.priceTs, after.inStock, after.stockTs);
  }

  /**
   * With an unapplied patch at {@code ts} added to {@code u} ({@code null}: nothing remembered):
   * each value it sets replaces a remembered one it comes after ({@link CatalogChanges#after}:
   * older, or at its {@code ts} the lesser); {@code null} when it replaces none (it comes before
   * the remembered delete, or no value it sets comes after the remembered one: stale).
   */
  static Unapplied withPatch(Unapplied u, Double price, Boolean inStock, long ts) {
    Unapplied base = u == null ? new Unapplied(NONE, null, NONE, null, NONE) : u;
    if (base.deletedAfter(ts)) {
      return null;
    }
    boolean newPrice =
        price != null
            && CatalogChanges.after(
                ts, price, base.priceTs, base.price, CatalogChanges.PRICE_AT_EQUAL_TS);
    boolean newStock =
        inStock != null
            && CatalogChanges.after(
                ts, inStock, base.stockTs, base.inStock, CatalogChanges.STOCK_AT_EQUAL_TS);
    if (!newPrice && !newStock) {
      return null;
    }
    return new Unapplied(
        base.deletedTs,
        newPrice ? price : base.price,
        newPrice ? ts : base.priceTs,
        newStock ? inStock : base.inStock,
        newStock ? ts : base.stockTs);
  }

  /**
   * What is still to remember once an update at {@code ts} was applied: the patched values newer
   * than it ({@code null}: none). The remembered delete is forgotten: the applied state's {@code
   * ts} orders what comes before it from then on.
   */
  static Unapplied after(Unapplied u, long ts) {
    if (u == null) {
      return null;
    }
    boolean price = u.price != null && u.priceTs > ts;
    boolean stock = u.inStock != null && u.stockTs > ts;
    if (!price && !stock) {
      return null;
    }
    return new Unapplied(
        NONE,
        price ? u.price : null,
        price ? u.priceTs : NONE,
        stock ? u.inStock : null,
        stock ? u.stockTs : NONE);
  }
}
