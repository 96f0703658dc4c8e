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
 * The per-product rule makes an out-of-order producer converge on the state the updates give in
 * {@code ts} order ("applied in ts order per key; an older ts than the one applied is ignored, so
 * replays and out-of-order producers converge"). An update not applied because its product is not
 * (yet) known ({@code UNKNOWN}) or is deleted ({@code DELETED}) is remembered ({@link Unapplied}),
 * so an older update arriving after it is not applied as if it had never been sent (an adversarial
 * review found it left no trace); an upsert merged over a remembered newer patch keeps its own
 * {@code ts}, so an update between the two still applies in its order (a final review found it took
 * the patch's).
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
  private static final Product A1 = new Product("a", "re-listed a", "", "", "", 40.0, null);
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
      if (r.next() != null) {
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

  /**
   * A new product: upserted at ts 100, deleted at ts 200, patched at ts 300 (a patch of a deleted
   * product never resurrects it). In ts order it is deleted. The patch arrives first (UNKNOWN,
   * remembered), then the upsert (applied at its own ts 100 with the patch over it), then the
   * delete at 200, which must still apply (it was stale behind the merged patch's ts 300: the
   * deleted product served for ever, and folded in by the compaction).
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

  /**
   * A price patch newer than a delete is applied before the delete arrives (a pricing service and
   * the catalogue's producer, their clocks apart). In ts order the product is deleted at 200 and
   * the patch at 300 comes to a deleted product; the delete, older than the patch's ts, was stale:
   * the deleted product served for ever, and folded into the next artifact by the compaction (found
   * by an attack review). Likewise a re-wording older than an applied patch was lost.
   */
  @Test
  void anUpsertOrDeleteOlderThanAnAppliedPatchStillApplies() {
    Step upsert = (c, u) -> RULE.upsert(c, u, NEW, true, 100, V);
    Step reprice = (c, u) -> RULE.patch(c, u, "n", 5.0, null, 300);
    Step delete = (c, u) -> RULE.delete(c, u, "n", 200);
    assertThat(served(run(List.of(upsert, reprice, delete)))).isFalse();
    Step patchA = (c, u) -> RULE.patch(c, u, "a", null, false, 300);
    Step deleteA = (c, u) -> RULE.delete(c, u, "a", 200);
    assertThat(served(run(List.of(patchA, deleteA)))).as("a catalogue product too").isFalse();
    Step reword = (c, u) -> RULE.upsert(c, u, A2, true, 200, V);
    DeltaEntry reworded = run(List.of(patchA, reword));
    assertThat(reworded.title()).isEqualTo("re-worded a");
    assertThat(reworded.inStock()).as("the stock-out at 300 is newer than the text").isFalse();

    CatalogFold f =
        new CatalogFold(
            List.of(new Product("a", "usb cable", "", "", "", 10.0, null)),
            Map.of(),
            new ExpertAssigner(GATE, 0.05, 0.5, 2),
            ExpertPlacement.identity(3));
    f.upsert(NEW, true, 100);
    f.patch("n", 5.0, null, 300);
    f.patch("a", 4.0, null, 300);
    assertThat(f.delete("n", 200)).isEqualTo(CatalogChanges.Outcome.APPLIED);
    assertThat(f.delete("a", 200)).isEqualTo(CatalogChanges.Outcome.APPLIED);
    assertThat(f.products()).as("both deleted before their patches").isEmpty();
  }

  /** What a client sees of a product's state: null when not served. */
  private record Seen(String title, Double price, boolean inStock) {}

  private static Seen seen(DeltaEntry e) {
    return !served(e) ? null : new Seen(e.title(), e.price(), e.inStock());
  }

  /**
   * Every arrival order of every seeded mix of two to five updates of one product (a catalogue one
   * and a new one; upserts, price and stock patches, deletes, distinct ts) ends in the state the
   * updates give in ts order: served or not, title, price and stock.
   */
  @Test
  void everyArrivalOrderConvergesOnTheTsOrder() {
    java.util.Random random = new java.util.Random(42);
    int orders = 0;
    for (int round = 0; round < 4_000; round++) {
      String id = random.nextBoolean() ? "a" : "n";
      int n = 2 + random.nextInt(4);
      List<Long> times = new java.util.ArrayList<>();
      for (long t = 1; t <= 10; t++) {
        times.add(t * 10);
      }
      java.util.Collections.shuffle(times, random);
      List<Step> steps = new java.util.ArrayList<>();
      List<String> names = new java.util.ArrayList<>();
      for (int i = 0; i < n; i++) {
        long ts = times.get(i);
        int kind = random.nextInt(5);
        Product text =
            new Product(
                id, "title " + ts, "", "", "", random.nextBoolean() ? 1.0 * ts : null, null);
        Boolean stock = random.nextBoolean();
        Double price = 0.5 * ts;
        steps.add(
            switch (kind) {
              case 0 -> (c, u) -> RULE.upsert(c, u, text, stock, ts, V);
              case 1 -> (c, u) -> RULE.patch(c, u, id, price, null, ts);
              case 2 -> (c, u) -> RULE.patch(c, u, id, null, stock, ts);
              case 3 -> (c, u) -> RULE.patch(c, u, id, price, stock, ts);
              default -> (c, u) -> RULE.delete(c, u, id, ts);
            });
        names.add(List.of("upsert", "price", "stock", "patch", "delete").get(kind) + "@" + ts);
      }
      Integer[] byTs = new Integer[n];
      for (int i = 0; i < n; i++) {
        byTs[i] = i;
      }
      java.util.Arrays.sort(byTs, java.util.Comparator.comparing(times::get));
      List<Step> inTsOrder = new java.util.ArrayList<>();
      for (int i : byTs) {
        inTsOrder.add(steps.get(i));
      }
      Seen expected = seen(run(inTsOrder));
      for (List<Integer> order : permutations(n)) {
        List<Step> arrival = new java.util.ArrayList<>();
        List<String> arrivalNames = new java.util.ArrayList<>();
        for (int i : order) {
          arrival.add(steps.get(i));
          arrivalNames.add(names.get(i));
        }
        assertThat(seen(run(arrival)))
            .as("product %s, updates arriving %s", id, arrivalNames)
            .isEqualTo(expected);
        orders++;
      }
    }
    assertThat(orders).isGreaterThan(50_000);
  }

  private static List<List<Integer>> permutations(int n) {
    List<List<Integer>> out = new java.util.ArrayList<>();
    permute(new java.util.ArrayList<>(), new boolean[n], out);
    return out;
  }

  private static void permute(List<Integer> prefix, boolean[] used, List<List<Integer>> out) {
    if (prefix.size() == used.length) {
      out.add(List.copyOf(prefix));
      return;
    }
    for (int i = 0; i < used.length; i++) {
      if (!used[i]) {
        used[i] = true;
        prefix.add(i);
        permute(prefix, used, out);
        prefix.remove(prefix.size() - 1);
        used[i] = false;
      }
    }
  }

  /**
   * State restored from a savepoint of a build before the part timestamps ({@code partsKnown}
   * false, as Flink fills the new fields) is read by that build's rule, with what it remembered: a
   * patch older than a remembered newer one does not apply (the new rule compared only the applied
   * part), and a delete older than a patch of a catalogue product applies (its patched entries were
   * never upserted or deleted).
   */
  @Test
  void stateOfAnEarlierBuildIsReadByItsRule() {
    DeltaEntry restored =
        new DeltaEntry(
            "n",
            100,
            DeltaEntry.Kind.LIVE,
            "new thing",
            "",
            "",
            "",
            null,
            5.0,
            true,
            V,
            0,
            0,
            0,
            false);
    Unapplied remembered = new Unapplied(Unapplied.NONE, 5.0, 300, null, Unapplied.NONE);
    assertThat(RULE.patch(restored, remembered, "n", 7.0, null, 200).outcome())
        .as("7.0 at 200 is older than the remembered 5.0 at 300")
        .isEqualTo(CatalogChanges.Outcome.STALE);
    DeltaEntry patchedA =
        new DeltaEntry(
            "a",
            300,
            DeltaEntry.Kind.PATCHED,
            null,
            null,
            null,
            null,
            null,
            4.0,
            true,
            null,
            0,
            0,
            0,
            false);
    assertThat(served(RULE.delete(patchedA, null, "a", 200).next())).isFalse();
    assertThat(RULE.upsert(restored, null, NEW, true, 100, V).outcome())
        .as("an upsert not newer than the restored one")
        .isEqualTo(CatalogChanges.Outcome.STALE);
  }

  /**
   * A genuine ts of 0 is a ts like any other (it was read as "not known" once the version moved).
   */
  @Test
  void anUpdateAtTsZeroKeepsItsPlace() {
    DeltaEntry up = RULE.upsert(null, null, NEW, true, 0, V).next();
    DeltaEntry repriced = RULE.patch(up, null, "n", 5.0, null, 70).next();
    assertThat(repriced.existsTs()).isZero();
    assertThat(served(RULE.delete(repriced, null, "n", 60).next()))
        .as("upsert 0, delete 60, patch 70: deleted")
        .isFalse();
  }
}
