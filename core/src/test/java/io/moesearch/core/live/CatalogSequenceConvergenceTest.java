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
 * Adversarial review (attack-catalog): the per-product rule must make an out-of-order producer
 * converge on the state of the update with the newest {@code ts} ("applied in ts order per key; an
 * older ts than the one applied is ignored, so replays and out-of-order producers converge"). An
 * update the rule does not apply because its product is not (yet) known ({@code UNKNOWN}) or is
 * deleted ({@code DELETED}) left no trace of its {@code ts}, so an OLDER update arriving after it
 * was applied as if the newer one had never been sent; it is now remembered ({@link Unapplied}).
 */
class CatalogSequenceConvergenceTest {
  private static final Gate GATE = new Gate(new float[][] {{1, 0, 0}, {0, 1, 0}, {0, 0, 1}});
  private static final CatalogChanges RULE =
      new CatalogChanges(
          new ExpertAssigner(GATE, 0.05, 0.5, 2),
          ExpertPlacement.identity(3),
          2,
          CatalogChanges.ids(Set.of("a", "b")));
  private static final float[] V = {1, 0, 0};
  private static final Product NEW = new Product("n", "new thing", "", "", "", 3.0, null);
  private static final Product A2 = new Product("a", "re-worded a", "", "", "", 40.0, null);

  private interface Step {
    CatalogChanges.Result on(DeltaEntry current, Unapplied unapplied);
  }

  /**
   * The product's applied state after {@code steps} in this arrival order (null: none), keeping
   * what the rule remembers of unapplied updates between steps as the job's state does.
   */
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
   * A new product, upserted at ts 100 and deleted at ts 300; the delete reaches the job first (two
   * producers, or a retried upsert). In ts order the product is deleted; in this arrival order the
   * delete is UNKNOWN (dropped without a trace) and the older upsert then brings the product in: a
   * product deleted at ts 300 is served for ever (no later update will come).
   */
  @Test
  void aDeleteOfANewProductThatOvertookItsOlderUpsertStillDeletesIt() {
    Step upsert = (c, u) -> RULE.upsert(c, u, NEW, true, 100, V);
    Step delete = (c, u) -> RULE.delete(c, u, "n", 300);
    DeltaEntry inTsOrder = run(List.of(upsert, delete));
    DeltaEntry overtaken = run(List.of(delete, upsert));
    assertThat(served(inTsOrder)).as("in ts order: deleted").isFalse();
    assertThat(served(overtaken))
        .as("the delete (ts 300) arrived before the upsert (ts 100): must converge, not serve it")
        .isFalse();
  }

  /**
   * A new product upserted in stock at ts 100, then stocked out (and re-priced) at ts 300; the
   * patch arrives first. It is UNKNOWN and dropped: the product is served in stock at its old price
   * although its newest update says out of stock at 5.0.
   */
  @Test
  void aStockOutOfANewProductThatOvertookItsOlderUpsertIsNotLost() {
    Step upsert = (c, u) -> RULE.upsert(c, u, NEW, true, 100, V);
    Step stockOut = (c, u) -> RULE.patch(c, u, "n", 5.0, false, 300);
    DeltaEntry inTsOrder = run(List.of(upsert, stockOut));
    DeltaEntry overtaken = run(List.of(stockOut, upsert));
    assertThat(inTsOrder.inStock()).isFalse();
    assertThat(overtaken).isNotNull();
    assertThat(overtaken.inStock())
        .as("the stock-out at ts 300 is newer than the upsert at ts 100")
        .isEqualTo(inTsOrder.inStock());
    assertThat(overtaken.price()).isEqualTo(inTsOrder.price());
  }

  /**
   * A catalogue product deleted at ts 100, re-upserted at ts 200 and stocked out at ts 300; the
   * patch overtakes the upsert. It is DELETED (dropped without a trace) and the upsert at ts 200
   * then applies: served in stock at 40.0 instead of out of stock at 1.0.
   */
  @Test
  void aPatchNewerThanAReUpsertIsNotLostWhenItArrivesWhileTheProductIsDeleted() {
    Step delete = (c, u) -> RULE.delete(c, u, "a", 100);
    Step reUpsert = (c, u) -> RULE.upsert(c, u, A2, true, 200, V);
    Step stockOut = (c, u) -> RULE.patch(c, u, "a", 1.0, false, 300);
    DeltaEntry inTsOrder = run(List.of(delete, reUpsert, stockOut));
    DeltaEntry overtaken = run(List.of(delete, stockOut, reUpsert));
    assertThat(inTsOrder.inStock()).isFalse();
    assertThat(overtaken.inStock())
        .as("the newest update (ts 300) says out of stock")
        .isEqualTo(inTsOrder.inStock());
    assertThat(overtaken.price()).isEqualTo(inTsOrder.price());
  }

  /**
   * The compaction folds with the same rule, so the overtaken delete of a new product is baked into
   * the next artifact version: the product deleted at ts 300 is in the folded catalogue, and its
   * folded ts (100) is older than the delete, which a replay of the topic can no longer apply after
   * the delete was read once already (the compaction starts after the offsets it folded).
   */
  @Test
  void theCompactionFoldsInTheProductWhoseDeleteOvertookItsUpsert() {
    CatalogFold f =
        new CatalogFold(
            List.of(new Product("a", "usb cable", "", "", "", 10.0, null)),
            Map.of(),
            new ExpertAssigner(GATE, 0.05, 0.5, 2),
            ExpertPlacement.identity(3));
    f.delete("n", 300);
    f.upsert(NEW, true, 100);
    assertThat(f.products())
        .extracting(Product::id)
        .as("n was deleted at ts 300, after its only upsert (ts 100)")
        .doesNotContain("n");
  }
}
