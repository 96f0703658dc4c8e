package io.moesearch.core.live;

import io.moesearch.core.catalog.Product;
import io.moesearch.core.gate.ExpertAssigner;
import io.moesearch.core.gate.ExpertPlacement;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.function.Predicate;

/**
 * The rule that turns one product's catalogue updates into per-slot {@link DeltaEntry}s,
 * Flink-free.
 *
 * <p>Per product, updates apply in {@code ts} order, whatever order they arrive in (a replay or an
 * out-of-order producer; all converge on the state the updates give in {@code ts} order). The
 * product's existence and text are set by upserts and deletes, its offer (price, stock) by patches
 * and upserts, each part with the {@code ts} that set it ({@link DeltaEntry#existsTs}, {@link
 * DeltaEntry#priceSetTs}, {@link DeltaEntry#stockSetTs}): an upsert or delete older than the upsert
 * or delete applied is {@link Outcome#STALE}, and so is a patch that sets no part newer than the
 * one applied (at equal {@code ts}, see below). An upsert or delete older than an applied patch
 * therefore still applies (the patch's newer values are kept over an upsert, and by the deleted
 * state past a delete). A patch or delete of a product that is neither in the artifact nor upserted
 * is {@link Outcome#UNKNOWN}, remembered ({@link Unapplied}, for a TTL in the job); a patch of a
 * deleted product is {@link Outcome#DELETED} (a patch never resurrects a product), kept by the
 * deleted state; so an older update arriving later takes them into account.
 *
 * <p>Updates at the same {@code ts} have no {@code ts} order; a fixed order over what they set
 * stands in for it, so they too end alike in every arrival order: a delete comes after an upsert,
 * of two upserts the greater text ({@link #compareText}), of two prices the higher ({@link
 * #PRICE_AT_EQUAL_TS}), out of stock after in stock ({@link #STOCK_AT_EQUAL_TS}). An upsert at the
 * {@code ts} of the applied one whose text comes first still sets a price or stock that comes last.
 *
 * <p>Fan-out ({@link #fanOut(DeltaEntry)}): an upserted product goes to the slots of the experts
 * the {@link ExpertAssigner} gives its embedding (the index build's rule, boundary replication
 * included) and every lexical shard; every other expert slot hides it, so a moved product leaves
 * the experts it no longer belongs to. Patches and deletes go to every slot.
 *
 * <p>Targeted fan-out ({@link #fanOut(DeltaEntry, int[], BitSet, boolean)}): the same entries, but
 * only to the expert slots that may hold the product, which the caller names: the slots whose
 * artifact index holds it ({@link #markArtifactSlots}, from the artifact's expert membership) and
 * the slots it was upserted into before. A slot that holds none of it needs no entry (searching it
 * cannot return the product), so an update reaches a few expert slots instead of every one.
 */
public final class CatalogChanges {
  /** What became of one update. */
  public enum Outcome {
    APPLIED,
    STALE,
    UNKNOWN,
    DELETED
  }

  /**
   * The outcome; the product's new state ({@code null}: unchanged): when applied, and for a patch
   * of a deleted product ({@link Outcome#DELETED}) the deleted state keeping the patch's values for
   * a re-listing older than it (the slots need nothing: they hide the product already); and what
   * the product's state remembers of updates not applied from now on ({@code null}: nothing; it
   * replaces the one passed in).
   */
  public record Result(Outcome outcome, DeltaEntry next, Unapplied unapplied) {}

  /** One slot's entry. */
  public record SlotEntry(int slot, DeltaEntry entry) {}

  private final ExpertAssigner assigner;
  private final ExpertPlacement placement;
  private final int lexicalShards;
  private final Predicate<String> inArtifact;
  private final Predicate<String> inStockInArtifact;

  /** The artifact's experts of each product; {@code null}: unknown (every slot may hold it). */
  private final ExpertMembership membership;

  /** Over an artifact whose products are all in stock (a built one). */
  public CatalogChanges(
      ExpertAssigner assigner,
      ExpertPlacement placement,
      int lexicalShards,
      Predicate<String> inArtifact) {
    this(assigner, placement, lexicalShards, inArtifact, id -> true);
  }

  /**
   * @param lexicalShards lexical slots are {@code -1 .. -lexicalShards}
   * @param inArtifact whether the served artifact holds a product id
   * @param inStockInArtifact whether the artifact holds a product in stock (a compacted version may
   *     not): a patch that leaves the stock unchanged keeps it
   */
  public CatalogChanges(
      ExpertAssigner assigner,
      ExpertPlacement placement,
      int lexicalShards,
      Predicate<String> inArtifact,
      Predicate<String> inStockInArtifact) {
    this(assigner, placement, lexicalShards, inArtifact, inStockInArtifact, null);
  }

  /**
   * @param membership the experts whose artifact index holds each product; {@code null} when
   *     unknown: then {@link #markArtifactSlots} marks every expert slot
   */
  public CatalogChanges(
      ExpertAssigner assigner,
      ExpertPlacement placement,
      int lexicalShards,
      Predicate<String> inArtifact,
      Predicate<String> inStockInArtifact,
      ExpertMembership membership) {
    if (assigner == null
        || placement == null
        || inArtifact == null
        || inStockInArtifact == null
        || lexicalShards < 0) {
      throw new IllegalArgumentException(
          "assigner, placement, inArtifact and inStockInArtifact are required");
    }
    this.assigner = assigner;
    this.placement = placement;
    this.lexicalShards = lexicalShards;
    this.inArtifact = inArtifact;
    this.inStockInArtifact = inStockInArtifact;
    this.membership = membership;
  }

  /** For tests: membership in a fixed set. */
  public static Predicate<String> ids(Set<String> ids) {
    return ids::contains;
  }

  /**
   * Whether an upsert or delete at {@code ts} comes before the upsert or delete applied, or before
   * a remembered delete. At the same {@code ts} a delete comes last: an upsert or delete at the
   * {@code ts} of a delete is stale, a delete at the {@code ts} of an upsert applies.
   */
  private static boolean staleExistence(DeltaEntry current, Unapplied unapplied, long ts) {
    if (unapplied != null && unapplied.deletedAfter(ts)) {
      return true;
    }
    return current != null
        && (ts < current.existsTs()
            || (ts == current.existsTs() && current.kind() == DeltaEntry.Kind.HIDDEN));
  }

  /**
   * Whether a part set to {@code value} at {@code ts} comes after the same part set to {@code held}
   * at {@code heldTs}: when newer, or at the same {@code ts} when {@code value} is the greater
   * ({@link #PRICE_AT_EQUAL_TS}, {@link #STOCK_AT_EQUAL_TS}). Updates at one {@code ts} have no
   * order of their own; a fixed order over their values lets every arrival order end alike.
   */
  static <T> boolean after(long ts, T value, long heldTs, T held, Comparator<T> atEqualTs) {
    return ts > heldTs || (ts == heldTs && atEqualTs.compare(value, held) > 0);
  }

  /** Of two prices set at one {@code ts}, the higher comes last; none ({@code null}) first. */
  static final Comparator<Double> PRICE_AT_EQUAL_TS =
      Comparator.nullsFirst(Comparator.naturalOrder());

  /** Of two stocks set at one {@code ts}, out of stock comes last (never sold by a tie). */
  static final Comparator<Boolean> STOCK_AT_EQUAL_TS =
      Comparator.nullsFirst(Comparator.<Boolean>reverseOrder());

  /**
   * Of two upserts at one {@code ts}, the one whose text (title, brand, model, description, trade
   * item numbers, compared in that order as strings, none as empty) is the greater comes last.
   */
  static int compareText(Product p, DeltaEntry held) {
    int c = 0;
    String[] mine = {p.title(), p.brand(), p.model(), p.description(), p.tradeItemNumbers()};
    String[] theirs = {
      held.title(), held.brand(), held.model(), held.description(), held.tradeItemNumbers()
    };
    for (int i = 0; i < mine.length && c == 0; i++) {
      c =
          Objects.requireNonNullElse(mine[i], "")
              .compareTo(Objects.requireNonNullElse(theirs[i], ""));
    }
    return c;
  }

  /**
   * A price ({@code null}: none) and a stock, each with the {@code ts} of the update that set it.
   */
  private record Offer(Double price, long priceTs, boolean inStock, long stockTs) {
    /**
     * This offer with each given part that comes after ours ({@link #after}) and is newer than
     * {@code floorTs} laid over it; a {@code null} part is none.
     */
    Offer laidOver(Double p, long pTs, Boolean s, long sTs, long floorTs) {
      boolean price =
          p != null && pTs > floorTs && after(pTs, p, priceTs, this.price, PRICE_AT_EQUAL_TS);
      boolean stock =
          s != null && sTs > floorTs && after(sTs, s, stockTs, inStock, STOCK_AT_EQUAL_TS);
      return price || stock
          ? new Offer(
              price ? p : this.price,
              price ? pTs : priceTs,
              stock ? s : inStock,
              stock ? sTs : stockTs)
          : this;
    }

    /** This offer with the parts {@code u} remembers laid over where they come after ours. */
    Offer laidOver(Unapplied u, long floorTs) {
      return u == null ? this : laidOver(u.price(), u.priceTs(), u.inStock(), u.stockTs(), floorTs);
    }

    /** The {@code ts} of the newest part. */
    long newestTs() {
      return Math.max(priceTs, stockTs);
    }

    boolean sameAs(DeltaEntry e) {
      return Objects.equals(price, e.price())
          && priceTs == e.priceSetTs()
          && inStock == e.inStock()
          && stockTs == e.stockSetTs();
    }
  }

  /**
   * The version of the state an update at {@code ts} makes: its {@code ts}, or one past the applied
   * version when that is newer (an upsert or delete applied under a newer patch), so the serving
   * slots, which keep the newest version, take it.
   */
  private static long version(DeltaEntry current, long ts) {
    if (current == null || ts > current.ts()) {
      return ts;
    }
    return current.ts() == Long.MAX_VALUE ? Long.MAX_VALUE : current.ts() + 1;
  }

  /** Whether the product is unknown: no applied state, and not in the artifact. */
  private boolean unknown(DeltaEntry current, String id) {
    return current == null && !holds(id);
  }

  /** Whether the served artifact holds product {@code id}. */
  public boolean holds(String id) {
    return inArtifact.test(id);
  }

  /**
   * {@link #upsert(DeltaEntry, Unapplied, Product, Boolean, long, float[])} with nothing
   * remembered.
   */
  public Result upsert(DeltaEntry current, Product p, Boolean inStock, long ts, float[] vector) {
    return upsert(current, null, p, inStock, ts, vector);
  }

  /**
   * An upsert: stale when older than the applied upsert or delete, or not newer than a delete
   * (applied or remembered); at the {@code ts} of the applied upsert, its text replaces the applied
   * one only when greater and its price and stock apply as a patch's would (stale when neither
   * changes anything); else applied at its {@code ts}, with the price and stock set after it (by
   * patches applied before it arrived, or remembered ones) over its own; the remembered ones stay
   * remembered until an update at least as new is applied.
   *
   * @param unapplied what the product's state remembers of updates not applied ({@code null}:
   *     nothing)
   */
  public Result upsert(
      DeltaEntry current,
      Unapplied unapplied,
      Product p,
      Boolean inStock,
      long ts,
      float[] vector) {
    if (staleExistence(current, unapplied, ts)) {
      return new Result(Outcome.STALE, null, unapplied);
    }
    // An upsert at the ts of the applied one: the greater text stays, each part of the offer the
    // greater value (the order at equal ts), whichever came first. A patched entry resting on an
    // upsert at this ts (a compacted version's product, CatalogFold#foldedState) holds no text to
    // compare: the version's stays, so a replay of its upsert changes nothing.
    boolean tie = current != null && ts == current.existsTs();
    boolean text = !tie || (current.kind() == DeltaEntry.Kind.LIVE && compareText(p, current) > 0);
    Offer offer = new Offer(p.price(), ts, inStock == null || inStock, ts);
    if (current != null) {
      // Patches newer than this upsert, applied before it arrived (or kept by a delete older than
      // them): in ts order they come after it.
      offer =
          offer.laidOver(
              current.price(),
              current.priceSetTs(),
              current.inStock(),
              current.stockSetTs(),
              Long.MIN_VALUE);
    }
    offer = offer.laidOver(unapplied, Long.MIN_VALUE);
    // At least the newest part's ts: the slots then never hold a newer version of an older state.
    long version = Math.max(version(current, ts), offer.newestTs());
    if (!text) {
      // The applied text stays; the offer may still change (a higher price at this ts).
      if (offer.sameAs(current)) {
        return new Result(Outcome.STALE, null, unapplied);
      }
      return new Result(
          Outcome.APPLIED,
          current.withOffer(
              version, offer.price(), offer.priceTs(), offer.inStock(), offer.stockTs()),
          Unapplied.after(unapplied, ts));
    }
    DeltaEntry live =
        DeltaEntry.live(
            p,
            version,
            offer.price(),
            offer.inStock(),
            vector,
            ts,
            offer.priceTs(),
            offer.stockTs());
    return new Result(Outcome.APPLIED, live, Unapplied.after(unapplied, ts));
  }

  /**
   * {@link #patch(DeltaEntry, Unapplied, String, Double, Boolean, long)} with nothing remembered.
   */
  public Result patch(DeltaEntry current, String id, Double price, Boolean inStock, long ts) {
    return patch(current, null, id, price, inStock, ts);
  }

  /**
   * A patch: stale when it comes before a remembered delete or sets no part that comes after the
   * one applied (each of price and stock applies when newer than the update that set it, or at its
   * {@code ts} when the greater value); applied, or kept by a deleted state, it takes the
   * remembered parts that come after its own (which state of an earlier build, or of a product
   * unknown to the version it was remembered under, may not have laid over the applied one); of a
   * deleted product it is not applied ({@link Outcome#DELETED}) but kept by the deleted state (the
   * result's {@link Result#next}; stale when older than the delete or setting nothing newer), of an
   * unknown one ({@link Outcome#UNKNOWN}) remembered in the result's {@link Result#unapplied}
   * (stale when it changes nothing remembered); so an older upsert arriving later takes its values.
   *
   * @param price new price, {@code null} = unchanged
   * @param inStock new stock, {@code null} = unchanged
   */
  public Result patch(
      DeltaEntry current, Unapplied unapplied, String id, Double price, Boolean inStock, long ts) {
    if (unapplied != null && unapplied.deletedAfter(ts)) {
      return new Result(Outcome.STALE, null, unapplied);
    }
    if (current != null && current.kind() == DeltaEntry.Kind.HIDDEN) {
      // Not applied (a patch never resurrects a product) but kept in the deleted state, with no
      // TTL and folded by the compaction as the job holds it, for a re-listing older than it.
      boolean newPrice =
          price != null
              && ts > current.existsTs()
              && after(ts, price, current.priceSetTs(), current.price(), PRICE_AT_EQUAL_TS);
      boolean newStock =
          inStock != null
              && ts > current.existsTs()
              && after(ts, inStock, current.stockSetTs(), current.inStock(), STOCK_AT_EQUAL_TS);
      if (!newPrice && !newStock) {
        return new Result(Outcome.STALE, null, unapplied);
      }
      boolean keptPrice = current.price() != null && current.priceSetTs() > current.existsTs();
      Offer offer =
          new Offer(
                  newPrice ? price : keptPrice ? current.price() : null,
                  newPrice ? ts : current.priceSetTs(),
                  newStock ? inStock : current.inStock(),
                  newStock ? ts : current.stockSetTs())
              // Remembered patches newer than the delete, as an applied patch lays them over.
              .laidOver(unapplied, current.existsTs());
      DeltaEntry kept =
          DeltaEntry.deleted(
              id,
              Math.max(version(current, ts), offer.newestTs()),
              current.existsTs(),
              offer.price(),
              offer.priceTs(),
              offer.inStock(),
              offer.stockTs());
      return new Result(Outcome.DELETED, kept, Unapplied.after(unapplied, ts));
    }
    if (unknown(current, id)) {
      Unapplied next = Unapplied.withPatch(unapplied, price, inStock, ts);
      return next == null
          ? new Result(Outcome.STALE, null, unapplied)
          : new Result(Outcome.UNKNOWN, null, next);
    }
    // Each part applies when newer than the one applied and than a remembered one (which state of
    // an earlier build may not have laid over the applied one).
    Double keptPrice = current == null ? null : current.price();
    long keptPriceTs = current == null ? DeltaEntry.ARTIFACT_TS : current.priceSetTs();
    boolean keptStock = current == null ? inStockInArtifact.test(id) : current.inStock();
    long keptStockTs = current == null ? DeltaEntry.ARTIFACT_TS : current.stockSetTs();
    boolean newPrice =
        price != null
            && after(ts, price, keptPriceTs, keptPrice, PRICE_AT_EQUAL_TS)
            && (unapplied == null
                || unapplied.price() == null
                || after(ts, price, unapplied.priceTs(), unapplied.price(), PRICE_AT_EQUAL_TS));
    boolean newStock =
        inStock != null
            && after(ts, inStock, keptStockTs, keptStock, STOCK_AT_EQUAL_TS)
            && (unapplied == null
                || unapplied.inStock() == null
                || after(ts, inStock, unapplied.stockTs(), unapplied.inStock(), STOCK_AT_EQUAL_TS));
    if (!newPrice && !newStock) {
      return new Result(Outcome.STALE, null, unapplied);
    }
    // A remembered part that comes after the one applied (which state of an earlier build, or of
    // a product unknown to the version it was remembered under, did not lay over it) is laid over
    // now, as an upsert does: Unapplied.after forgets those at this ts.
    Offer offer =
        new Offer(
                newPrice ? price : keptPrice,
                newPrice ? ts : keptPriceTs,
                newStock ? inStock : keptStock,
                newStock ? ts : keptStockTs)
            .laidOver(unapplied, Long.MIN_VALUE);
    long version = Math.max(version(current, ts), offer.newestTs());
    DeltaEntry next =
        current != null && current.kind() == DeltaEntry.Kind.LIVE
            ? current.withOffer(
                version, offer.price(), offer.priceTs(), offer.inStock(), offer.stockTs())
            : DeltaEntry.patched(
                id,
                version,
                current == null ? DeltaEntry.ARTIFACT_TS : current.existsTs(),
                offer.price(),
                offer.priceTs(),
                offer.inStock(),
                offer.stockTs());
    return new Result(Outcome.APPLIED, next, Unapplied.after(unapplied, ts));
  }

  /**
   * Whether {@code id} was in stock before a change: as {@code current} says, else as the artifact
   * holds it.
   *
   * @param current the product's applied state, {@code null} when none
   */
  public boolean inStockBefore(DeltaEntry current, String id) {
    return current == null ? inStockInArtifact.test(id) : current.inStock();
  }

  /** {@link #delete(DeltaEntry, Unapplied, String, long)} with nothing remembered. */
  public Result delete(DeltaEntry current, String id, long ts) {
    return delete(current, null, id, ts);
  }

  /**
   * A delete: stale when older than the applied upsert or not newer than a delete (applied or
   * remembered); of a product never known it is not applied ({@link Outcome#UNKNOWN}: no slot holds
   * it) but remembered as a tombstone in the result's {@link Result#unapplied}, so an older upsert
   * arriving later is stale. Applied under a newer patch, the deleted state keeps the patch's
   * values (in {@code ts} order the patch came to a deleted product), so a re-listing between the
   * two takes them.
   */
  public Result delete(DeltaEntry current, Unapplied unapplied, String id, long ts) {
    if (staleExistence(current, unapplied, ts)) {
      return new Result(Outcome.STALE, null, unapplied);
    }
    if (unknown(current, id)) {
      return new Result(Outcome.UNKNOWN, null, Unapplied.withDelete(unapplied, ts));
    }
    boolean keepPrice = current != null && current.price() != null && current.priceSetTs() > ts;
    boolean keepStock = current != null && current.stockSetTs() > ts;
    DeltaEntry deleted =
        DeltaEntry.deleted(
            id,
            version(current, ts),
            ts,
            keepPrice ? current.price() : null,
            keepPrice ? current.priceSetTs() : ts,
            keepStock && current.inStock(),
            keepStock ? current.stockSetTs() : ts);
    return new Result(Outcome.APPLIED, deleted, Unapplied.after(unapplied, ts));
  }

  /** The experts an upserted product joins, best first (the index build's assignment). */
  public int[] experts(float[] vector) {
    return assigner.assign(vector);
  }

  /** Every slot's entry for a product's new state. */
  public List<SlotEntry> fanOut(DeltaEntry next) {
    return fanOut(next, liveSlots(next, null), everySlot(), true);
  }

  /**
   * The expert slots' entries for a product's kept state under this layout, for a layout change: an
   * upserted product goes to the slots of {@code experts} (the experts it was assigned when
   * applied, so a layout change moves no product between experts; {@code null}: assigned now) and
   * is hidden in every other slot; a patched or deleted one goes to every slot. The lexical shards
   * do not depend on the layout and get nothing.
   */
  public List<SlotEntry> relayout(DeltaEntry kept, int[] experts) {
    return fanOut(kept, liveSlots(kept, experts), everySlot(), false);
  }

  /**
   * The slots an upserted {@code e} is served from: of {@code experts} ({@code null}: assigned
   * now).
   */
  private int[] liveSlots(DeltaEntry e, int[] experts) {
    if (e.kind() != DeltaEntry.Kind.LIVE) {
      return new int[0];
    }
    return slotsOf(experts != null ? experts : experts(e.vector()));
  }

  private BitSet everySlot() {
    BitSet all = new BitSet(placement.slots());
    all.set(0, placement.slots());
    return all;
  }

  /**
   * Marks in {@code slots} the expert slots whose artifact index holds {@code productId} under this
   * layout (every replica of its experts); every expert slot when the membership is unknown.
   */
  public void markArtifactSlots(String productId, BitSet slots) {
    if (membership == null) {
      slots.set(0, placement.slots());
    } else {
      markSlots(membership.experts(productId), slots);
    }
  }

  /**
   * The slots of {@code experts}' replicas under this layout, ascending (unknown experts: none).
   */
  public int[] slotsOf(int[] experts) {
    BitSet slots = new BitSet(placement.slots());
    markSlots(experts, slots);
    return slots.stream().toArray();
  }

  private void markSlots(int[] experts, BitSet slots) {
    for (int e : experts) {
      if (e >= 0 && e < placement.experts()) {
        for (int s : placement.replicas(e)) {
          slots.set(s);
        }
      }
    }
  }

  /**
   * A product's new state for the expert slots that may hold it and, with {@code lexical}, every
   * lexical shard: an upserted ({@code LIVE}) {@code next} goes as it is to {@code liveSlots} and
   * hidden to the other slots of {@code mayHold}; any other {@code next} goes to {@code liveSlots}
   * and {@code mayHold} alike. Expert slots in ascending order, then the lexical shards.
   *
   * @param liveSlots the slots of the experts an upserted product joins ({@link #slotsOf}); empty
   *     otherwise
   * @param mayHold the other slots that may hold an older state of it: those whose artifact index
   *     holds it ({@link #markArtifactSlots}, of every version still served) and those it was
   *     upserted into before
   */
  public List<SlotEntry> fanOut(DeltaEntry next, int[] liveSlots, BitSet mayHold, boolean lexical) {
    BitSet live = new BitSet();
    for (int s : liveSlots) {
      live.set(s);
    }
    BitSet all = (BitSet) mayHold.clone();
    all.or(live);
    List<SlotEntry> out = new ArrayList<>(all.cardinality() + (lexical ? lexicalShards : 0));
    DeltaEntry elsewhere =
        next.kind() == DeltaEntry.Kind.LIVE ? DeltaEntry.hidden(next.productId(), next.ts()) : next;
    for (int s = all.nextSetBit(0); s >= 0; s = all.nextSetBit(s + 1)) {
      out.add(new SlotEntry(s, live.get(s) ? next : elsewhere));
    }
    if (lexical) {
      for (int l = 1; l <= lexicalShards; l++) {
        out.add(new SlotEntry(-l, next));
      }
    }
    return out;
  }

  /** The layout the expert slots' entries are fanned out over. */
  public ExpertPlacement placement() {
    return placement;
  }
}
