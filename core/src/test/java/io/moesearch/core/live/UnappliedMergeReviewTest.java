package io.moesearch.core.live;

import static org.assertj.core.api.Assertions.assertThat;

import io.moesearch.core.catalog.Product;
import io.moesearch.core.gate.ExpertAssigner;
import io.moesearch.core.gate.ExpertPlacement;
import io.moesearch.core.gate.Gate;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * Final review: an upsert applied over a remembered (unapplied) newer patch is given the patch's
 * {@code ts} ({@link Unapplied#over}: "at the newest ts among them"). The whole product state then
 * claims to be as new as the patch, so every update whose {@code ts} falls between the upsert's and
 * the patch's is STALE, although in {@code ts} order it applies: a delete in between is lost (the
 * deleted product is served), a stock-out in between is lost (served under {@code in_stock}), a
 * re-wording in between is lost. Before the change the unapplied patch was dropped and these
 * in-between updates applied.
 */
class UnappliedMergeReviewTest {
  private static final Gate GATE = new Gate(new float[][] {{1, 0, 0}, {0, 1, 0}, {0, 0, 1}});
  private static final CatalogChanges RULE =
      new CatalogChanges(
          new ExpertAssigner(GATE, 0.05, 0.5, 2),
          ExpertPlacement.identity(3),
          2,
          CatalogChanges.ids(Set.of("a", "b")));
  private static final float[] V = {1, 0, 0};
  private static final Product NEW = new Product("n", "new thing", "", "", "", 3.0, null);
  private static final Product A1 = new Product("a", "re-listed a", "", "", "", 40.0, null);
  private static final Product A2 = new Product("a", "re-worded a", "", "", "", 40.0, null);

  private interface Step {
    CatalogChanges.Result on(DeltaEntry current, Unapplied unapplied);
  }

  /** The product's applied state after {@code steps} in this arrival order, as the job keeps it. */
  private static DeltaEntry run(List<Step> steps) {
    DeltaEntry cur = null;
    Unapplied unapplied = null;
    for (Step s : steps) {
      CatalogChanges.Result r = s.on(cur, unapplied);
      if (r.outcome() == CatalogChanges.Outcome.APPLIED) {
        cur = r.next();
      }
      unapplied = r.unapplied();
    }
    return cur;
  }

  private static boolean served(DeltaEntry e) {
    return e != null && e.kind() != DeltaEntry.Kind.HIDDEN;
  }

  /**
   * A new product: upserted at ts 100, deleted at ts 200, patched at ts 300 (a patch of a deleted
   * product never resurrects it). In ts order it is deleted. The patch arrives first (UNKNOWN,
   * remembered), then the upsert (applied at ts 300 with the patch over it), then the delete: ts
   * 200 <= 300, STALE. The product deleted at ts 200 is served for ever; the compaction folds it in
   * as well.
   */
  @Test
  void aDeleteBetweenAnUpsertAndANewerRememberedPatchStillDeletes() {
    Step upsert = (c, u) -> RULE.upsert(c, u, NEW, true, 100, V);
    Step delete = (c, u) -> RULE.delete(c, u, "n", 200);
    Step patch = (c, u) -> RULE.patch(c, u, "n", 5.0, null, 300);
    assertThat(served(run(List.of(upsert, delete, patch)))).as("in ts order: deleted").isFalse();
    assertThat(served(run(List.of(patch, upsert, delete))))
        .as("patch (300) first, then upsert (100), then delete (200): deleted at 200")
        .isFalse();

    CatalogFold f =
        new CatalogFold(
            List.of(new Product("a", "usb cable", "", "", "", 10.0, null)),
            Map.of(),
            new ExpertAssigner(GATE, 0.05, 0.5, 2),
            ExpertPlacement.identity(3));
    f.patch("n", 5.0, null, 300);
    f.upsert(NEW, true, 100);
    f.delete("n", 200);
    assertThat(f.products())
        .extracting(Product::id)
        .as("the compaction must not fold in a product deleted after its only upsert")
        .doesNotContain("n");
  }

  /**
   * A catalogue product: deleted at ts 10, re-listed in stock at ts 20, stocked out at ts 25,
   * re-priced at ts 30. In ts order it is out of stock at 5.0. Arrival order: delete, re-price
   * (DELETED, remembered), re-listing (applied at ts 30), stock-out: ts 25 <= 30, STALE: served in
   * stock (under an in_stock filter too). Before the change the stock-out applied.
   */
  @Test
  void aStockOutBetweenAReListingAndANewerRememberedPatchIsNotLost() {
    Step delete = (c, u) -> RULE.delete(c, u, "a", 10);
    Step relist = (c, u) -> RULE.upsert(c, u, A1, true, 20, V);
    Step stockOut = (c, u) -> RULE.patch(c, u, "a", null, false, 25);
    Step reprice = (c, u) -> RULE.patch(c, u, "a", 5.0, null, 30);
    DeltaEntry inTsOrder = run(List.of(delete, relist, stockOut, reprice));
    assertThat(inTsOrder.inStock()).isFalse();
    assertThat(inTsOrder.price()).isEqualTo(5.0);
    DeltaEntry arrived = run(List.of(delete, reprice, relist, stockOut));
    assertThat(arrived.inStock()).as("stocked out at ts 25, after the re-listing").isFalse();
    assertThat(arrived.price()).isEqualTo(5.0);
  }

  /**
   * As above with a re-wording (upsert at ts 25) in between: it is STALE against the merged ts 30
   * and its text is lost; in ts order the product is served with the re-worded title.
   */
  @Test
  void aReWordingBetweenAReListingAndANewerRememberedPatchIsNotLost() {
    Step delete = (c, u) -> RULE.delete(c, u, "a", 10);
    Step relist = (c, u) -> RULE.upsert(c, u, A1, true, 20, V);
    Step reword = (c, u) -> RULE.upsert(c, u, A2, true, 25, V);
    Step reprice = (c, u) -> RULE.patch(c, u, "a", 5.0, null, 30);
    DeltaEntry inTsOrder = run(List.of(delete, relist, reword, reprice));
    assertThat(inTsOrder.title()).isEqualTo("re-worded a");
    DeltaEntry arrived = run(List.of(delete, reprice, relist, reword));
    assertThat(arrived.title())
        .as("the re-wording at ts 25 is newer than the re-listing")
        .isEqualTo("re-worded a");
    assertThat(arrived.price()).isEqualTo(5.0);
  }
}
