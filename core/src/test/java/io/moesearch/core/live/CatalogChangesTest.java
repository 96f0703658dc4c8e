package io.moesearch.core.live;

import static org.assertj.core.api.Assertions.assertThat;

import io.moesearch.core.catalog.Product;
import io.moesearch.core.gate.ExpertAssigner;
import io.moesearch.core.gate.ExpertPlacement;
import io.moesearch.core.gate.Gate;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The per-product ordering rule and the fan-out of a product's state to the serving slots. */
class CatalogChangesTest {
  // Three experts along the first three axes; a vector between experts 0 and 1 is replicated.
  private static final Gate GATE = new Gate(new float[][] {{1, 0, 0}, {0, 1, 0}, {0, 0, 1}});
  private static final CatalogChanges CHANGES =
      new CatalogChanges(
          new ExpertAssigner(GATE, 0.05, 0.5, 2),
          ExpertPlacement.identity(3),
          2,
          CatalogChanges.ids(Set.of("a", "b")));

  private static final Product NEW = new Product("n", "new thing", "", "", "", 3.0, null);

  @Test
  void olderTimestampsAreStale() {
    DeltaEntry cur = DeltaEntry.patched("a", 10, 5.0, true);
    assertThat(CHANGES.patch(cur, "a", 1.0, null, 9).outcome())
        .isEqualTo(CatalogChanges.Outcome.STALE);
    assertThat(CHANGES.delete(cur, "a", 9).outcome()).isEqualTo(CatalogChanges.Outcome.STALE);
    assertThat(CHANGES.upsert(cur, NEW, null, 9, new float[] {1, 0, 0}).outcome())
        .isEqualTo(CatalogChanges.Outcome.STALE);
    assertThat(CHANGES.patch(cur, "a", null, false, 11).next())
        .as("the stock set at 11, the price and the product as they were")
        .isEqualTo(DeltaEntry.patched("a", 11, 10, 5.0, 10, false, 11));
  }

  /**
   * Updates at one ts have no ts order: a fixed one over their content decides, so every arrival
   * order ends alike (a delete last; of two upserts the greater text; of two prices the higher; out
   * of stock after in stock). Before, the first to arrive stayed: an upsert and a delete sent in
   * one millisecond left the product served.
   */
  @Test
  void updatesAtOneTsEndAlikeInEitherOrder() {
    float[] v = {1, 0, 0};
    CatalogChanges.Result up = CHANGES.upsert(null, NEW, null, 10, v);
    assertThat(CHANGES.delete(up.next(), "n", 10).next().kind())
        .as("a delete at the upsert's ts applies")
        .isEqualTo(DeltaEntry.Kind.HIDDEN);
    DeltaEntry deleted =
        CHANGES.delete(CHANGES.upsert(null, NEW, null, 5, v).next(), "n", 10).next();
    assertThat(CHANGES.upsert(deleted, NEW, null, 10, v).outcome())
        .as("an upsert at the delete's ts is stale")
        .isEqualTo(CatalogChanges.Outcome.STALE);

    Product other = new Product("n", "other thing", "", "", "", 2.0, null);
    DeltaEntry oneWay = CHANGES.upsert(up.next(), other, false, 10, v).next();
    CatalogChanges.Result otherFirst = CHANGES.upsert(null, other, false, 10, v);
    CatalogChanges.Result back = CHANGES.upsert(otherFirst.next(), NEW, null, 10, v);
    assertThat(oneWay.title()).isEqualTo("other thing");
    assertThat(back.next())
        .as("the greater title, the higher price, out of stock: in either order")
        .isEqualTo(oneWay.withOffer(back.next().ts(), 3.0, 10, false, 10));
    assertThat(oneWay.price()).isEqualTo(3.0);
    assertThat(oneWay.inStock()).isFalse();
    assertThat(CHANGES.upsert(oneWay, NEW, null, 10, v).outcome())
        .as("a replay changes nothing")
        .isEqualTo(CatalogChanges.Outcome.STALE);

    DeltaEntry cur = DeltaEntry.patched("a", 5, 5.0, true);
    DeltaEntry low = CHANGES.patch(cur, "a", 1.0, true, 10).next();
    DeltaEntry high = CHANGES.patch(cur, "a", 2.0, false, 10).next();
    assertThat(CHANGES.patch(low, "a", 2.0, false, 10).next().price()).isEqualTo(2.0);
    assertThat(CHANGES.patch(high, "a", 1.0, true, 10).outcome())
        .isEqualTo(CatalogChanges.Outcome.STALE);
  }

  @Test
  void unknownProductsAndPatchesOfDeletedOnesAreNotApplied() {
    assertThat(CHANGES.patch(null, "zz", 1.0, null, 1).outcome())
        .isEqualTo(CatalogChanges.Outcome.UNKNOWN);
    assertThat(CHANGES.delete(null, "zz", 1).outcome()).isEqualTo(CatalogChanges.Outcome.UNKNOWN);
    DeltaEntry gone = DeltaEntry.hidden("a", 3);
    assertThat(CHANGES.patch(gone, "a", 1.0, true, 4).outcome())
        .isEqualTo(CatalogChanges.Outcome.DELETED);
    assertThat(CHANGES.upsert(gone, NEW, true, 4, new float[] {1, 0, 0}).outcome())
        .as("delete then upsert")
        .isEqualTo(CatalogChanges.Outcome.APPLIED);
  }

  private static final float[] V = {1, 0, 0};

  /**
   * A delete of an id never known is not applied but kept as a tombstone: older upserts are stale.
   */
  @Test
  void aDeleteOfAnUnknownIdIsRememberedAsATombstone() {
    CatalogChanges.Result del = CHANGES.delete(null, null, "n", 300);
    assertThat(del.outcome()).isEqualTo(CatalogChanges.Outcome.UNKNOWN);
    assertThat(del.next()).isNull();
    assertThat(del.unapplied().deletedTs()).isEqualTo(300);
    assertThat(CHANGES.delete(null, del.unapplied(), "n", 300).outcome())
        .as("a replayed delete")
        .isEqualTo(CatalogChanges.Outcome.STALE);
    assertThat(CHANGES.upsert(null, del.unapplied(), NEW, true, 300, V).outcome())
        .isEqualTo(CatalogChanges.Outcome.STALE);
    CatalogChanges.Result relisted = CHANGES.upsert(null, del.unapplied(), NEW, true, 301, V);
    assertThat(relisted.outcome()).isEqualTo(CatalogChanges.Outcome.APPLIED);
    assertThat(relisted.next().ts()).isEqualTo(301);
    assertThat(relisted.unapplied()).as("nothing newer left to remember").isNull();
  }

  /** Remembered patch values each keep their ts: an upsert takes only those newer than it. */
  @Test
  void anUpsertTakesOnlyTheRememberedPatchValuesNewerThanIt() {
    Unapplied u = CHANGES.patch(null, null, "n", 2.0, null, 200).unapplied();
    u = CHANGES.patch(null, u, "n", null, false, 300).unapplied();
    assertThat(CHANGES.patch(null, u, "n", 7.0, false, 250).unapplied().price())
        .as("a price newer than the remembered one, stock older")
        .isEqualTo(7.0);
    assertThat(CHANGES.patch(null, u, "n", null, true, 250).outcome())
        .as("changes nothing remembered")
        .isEqualTo(CatalogChanges.Outcome.STALE);
    CatalogChanges.Result up = CHANGES.upsert(null, u, NEW, true, 250, V);
    DeltaEntry next = up.next();
    assertThat(next.price()).as("the upsert's: the patch at 200 came before it").isEqualTo(3.0);
    assertThat(next.inStock()).as("the patch at 300 came after it").isFalse();
    // Resting on its own ts: an update between 250 and 300 is applied in its order (a delete
    // deletes); the version is the newest part's, and the patch at 300 stays remembered.
    assertThat(next.existsTs()).isEqualTo(250);
    assertThat(next.stockSetTs()).isEqualTo(300);
    assertThat(next.ts()).isEqualTo(300);
    assertThat(up.unapplied().inStock()).isFalse();
    assertThat(up.unapplied().stockTs()).isEqualTo(300);
  }

  /**
   * A deleted product keeps a newer patch in its deleted state (not applied: DELETED; no TTL): a
   * delete between them is applied and keeps it, an upsert before that delete is stale, one after
   * it takes the patch, and a delete newer than the patch forgets it.
   */
  @Test
  void aDeleteBetweenADeletionAndAKeptPatchStillDeletes() {
    DeltaEntry gone = DeltaEntry.hidden("a", 100);
    CatalogChanges.Result patch = CHANGES.patch(gone, null, "a", 1.0, false, 300);
    assertThat(patch.outcome()).isEqualTo(CatalogChanges.Outcome.DELETED);
    assertThat(patch.next().kind()).isEqualTo(DeltaEntry.Kind.HIDDEN);
    assertThat(patch.next().priceSetTs()).isEqualTo(300);
    assertThat(patch.unapplied()).as("kept in the state, not remembered for a TTL").isNull();
    CatalogChanges.Result del = CHANGES.delete(patch.next(), patch.unapplied(), "a", 250);
    assertThat(del.outcome()).isEqualTo(CatalogChanges.Outcome.APPLIED);
    assertThat(del.next().price()).as("the patch at 300 is still newer").isEqualTo(1.0);
    assertThat(CHANGES.upsert(del.next(), del.unapplied(), NEW, true, 200, V).outcome())
        .isEqualTo(CatalogChanges.Outcome.STALE);
    DeltaEntry relisted = CHANGES.upsert(del.next(), del.unapplied(), NEW, true, 275, V).next();
    assertThat(relisted.inStock()).isFalse();
    assertThat(relisted.price()).isEqualTo(1.0);
    DeltaEntry forgot = CHANGES.delete(patch.next(), patch.unapplied(), "a", 400).next();
    assertThat(forgot.price()).as("a delete newer than the patch forgets it").isNull();
    assertThat(CHANGES.upsert(forgot, null, NEW, true, 500, V).next().price()).isEqualTo(3.0);
  }

  @Test
  void aPatchOfAnUpsertedProductKeepsItsTextAndVector() {
    DeltaEntry live = CHANGES.upsert(null, NEW, null, 1, new float[] {1, 0, 0}).next();
    DeltaEntry patched = CHANGES.patch(live, "n", 9.0, false, 2).next();
    assertThat(patched.kind()).isEqualTo(DeltaEntry.Kind.LIVE);
    assertThat(patched.title()).isEqualTo("new thing");
    assertThat(patched.vector()).containsExactly(1, 0, 0);
    assertThat(patched.price()).isEqualTo(9.0);
    assertThat(patched.inStock()).isFalse();
  }

  /**
   * Targeted fan-out: with the artifact's membership known ("a" in expert 2, "b" in experts 0 and
   * 1), an update reaches only the slots that may hold its product (the artifact's, those named as
   * holding an upserted copy) and, unless re-laid, the lexical shards; every other slot holds none
   * of it and gets nothing. Unknown membership marks every slot.
   */
  @Test
  void aTargetedFanOutReachesOnlyTheSlotsThatMayHoldTheProduct() {
    ExpertMembership members =
        ExpertMembership.of(List.of("a", "b"), new int[][] {{1}, {1}, {0}, {}});
    assertThat(members.experts("b")).containsExactly(0, 1);
    assertThat(members.experts("zzz")).isEmpty();
    CatalogChanges changes =
        new CatalogChanges(
            new ExpertAssigner(
                new Gate(new float[][] {{1, 0, 0, 0}, {0, 1, 0, 0}, {0, 0, 1, 0}, {0, 0, 0, 1}}),
                0.05,
                0.5,
                2),
            ExpertPlacement.identity(4),
            1,
            CatalogChanges.ids(Set.of("a", "b")),
            id -> true,
            members);
    Product a = new Product("a", "re-worded", "", "", "", 1.0, null);
    DeltaEntry moved = changes.upsert(null, a, null, 1, new float[] {0, 0, 0, 1}).next();
    java.util.BitSet mayHold = new java.util.BitSet();
    changes.markArtifactSlots("a", mayHold);
    int[] live = changes.slotsOf(changes.experts(moved.vector()));
    assertThat(changes.fanOut(moved, live, mayHold, true))
        .extracting(e -> e.slot() + ":" + e.entry().kind())
        .as("live in its new expert, hidden in its artifact expert, nothing elsewhere")
        .containsExactly("2:HIDDEN", "3:LIVE", "-1:LIVE");
    java.util.BitSet before = (java.util.BitSet) mayHold.clone();
    before.set(3); // upserted there
    assertThat(changes.fanOut(DeltaEntry.hidden("a", 2), new int[0], before, false))
        .extracting(e -> e.slot() + ":" + e.entry().kind())
        .as("a delete reaches the artifact's slot and the one it was upserted into; re-laid")
        .containsExactly("2:HIDDEN", "3:HIDDEN");
    java.util.BitSet b = new java.util.BitSet();
    changes.markArtifactSlots("b", b);
    assertThat(changes.fanOut(DeltaEntry.patched("b", 3, 2.0, true), new int[0], b, true))
        .extracting(e -> e.slot() + ":" + e.entry().kind())
        .containsExactly("0:PATCHED", "1:PATCHED", "-1:PATCHED");
    java.util.BitSet unknown = new java.util.BitSet();
    CHANGES.markArtifactSlots("a", unknown);
    assertThat(unknown.cardinality()).as("membership unknown: every slot").isEqualTo(3);
  }

  @Test
  void anUpsertGoesToItsExpertsWithBoundaryReplicationAndIsHiddenElsewhere() {
    float s = (float) Math.sqrt(0.5);
    DeltaEntry between = CHANGES.upsert(null, NEW, null, 1, new float[] {s, s, 0}).next();
    List<CatalogChanges.SlotEntry> out = CHANGES.fanOut(between);
    assertThat(out)
        .extracting(e -> e.slot() + ":" + e.entry().kind())
        .containsExactly("0:LIVE", "1:LIVE", "2:HIDDEN", "-1:LIVE", "-2:LIVE");
    DeltaEntry moved = CHANGES.upsert(between, NEW, null, 2, new float[] {0, 0, 1}).next();
    assertThat(CHANGES.fanOut(moved))
        .extracting(e -> e.slot() + ":" + e.entry().kind())
        .as("a moved product leaves the experts it no longer belongs to")
        .containsExactly("0:HIDDEN", "1:HIDDEN", "2:LIVE", "-1:LIVE", "-2:LIVE");
    assertThat(CHANGES.fanOut(DeltaEntry.hidden("a", 5)))
        .extracting(e -> e.entry().kind())
        .containsOnly(DeltaEntry.Kind.HIDDEN)
        .hasSize(5);
  }
}
