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
  void olderOrEqualTimestampsAreStale() {
    DeltaEntry cur = DeltaEntry.patched("a", 10, 5.0, true);
    assertThat(CHANGES.patch(cur, "a", 1.0, null, 9).outcome())
        .isEqualTo(CatalogChanges.Outcome.STALE);
    assertThat(CHANGES.delete(cur, "a", 10).outcome()).isEqualTo(CatalogChanges.Outcome.STALE);
    assertThat(CHANGES.upsert(cur, NEW, null, 10, new float[] {1, 0, 0}).outcome())
        .isEqualTo(CatalogChanges.Outcome.STALE);
    assertThat(CHANGES.patch(cur, "a", null, false, 11).next())
        .isEqualTo(DeltaEntry.patched("a", 11, 5.0, false));
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
