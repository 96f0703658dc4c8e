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
 * Review of the equal-ts order (b60832d): updates at one ts must end alike in every arrival order,
 * also over remembered updates and state of earlier builds, and a compaction must never fold a
 * product at the job's version with another state.
 */
class CatalogTiesReviewTest {
  private static final Gate GATE = new Gate(new float[][] {{1, 0, 0}, {0, 1, 0}, {0, 0, 1}});
  private static final ExpertAssigner ASSIGNER = new ExpertAssigner(GATE, 0.05, 0.5, 2);
  private static final CatalogChanges RULE =
      new CatalogChanges(ASSIGNER, ExpertPlacement.identity(3), 2, CatalogChanges.ids(Set.of("a")));
  private static final float[] V = {1, 0, 0};

  private static Product product(String id, String title, Double price) {
    return new Product(id, title, "", "", "", price, null);
  }

  /**
   * An earlier build (516538c..dc169cc) kept an upsert at 10 merged over a remembered patch at 20
   * at version 10, the patch still remembered. An upsert at 10 whose text comes first (here a
   * stock-out) took the remembered price at 20 into a state of version 11: the entry's constructor
   * threw, and the job counted the update failed (the stock-out lost).
   */
  @Test
  void anUpsertWhoseTextLostAtTheTsOverARememberedNewerPatchApplies() {
    DeltaEntry earlier =
        new DeltaEntry(
            "n", 10, DeltaEntry.Kind.LIVE, "y", "", "", "", "", 2.0, true, V, 0, 0, 0, false);
    Unapplied remembered = new Unapplied(Unapplied.NONE, 2.0, 20, null, Unapplied.NONE);

    CatalogChanges.Result r =
        RULE.upsert(earlier, remembered, product("n", "x", null), false, 10, V);

    assertThat(r.outcome()).isEqualTo(CatalogChanges.Outcome.APPLIED);
    assertThat(r.next().title()).isEqualTo("y");
    assertThat(r.next().price()).isEqualTo(2.0);
    assertThat(r.next().inStock()).as("out of stock comes last at ts 10").isFalse();
    assertThat(r.next().ts()).as("at least the newest part's ts").isGreaterThanOrEqualTo(20);
  }

  /**
   * A patch remembered while its product was unknown (stock-out at 10), then a version holding the
   * product (a rebuild) adopted: a price patch and an upsert at 10 end alike in either order. The
   * applied patch forgot the remembered stock-out at its ts without laying it over (before b60832d
   * both orders ended in stock; now one order ends out of stock).
   */
  @Test
  void aPatchAtTheTsOfARememberedOneEndsAlikeInEitherOrder() {
    Unapplied stockOut = new Unapplied(Unapplied.NONE, null, Unapplied.NONE, false, 10);
    Product up = product("a", "usb cable", 1.0);

    CatalogChanges.Result p1 = RULE.patch(null, stockOut, "a", 3.0, null, 10);
    DeltaEntry patchFirst = RULE.upsert(p1.next(), p1.unapplied(), up, null, 10, V).next();

    CatalogChanges.Result u2 = RULE.upsert(null, stockOut, up, null, 10, V);
    CatalogChanges.Result p2 = RULE.patch(u2.next(), u2.unapplied(), "a", 3.0, null, 10);
    DeltaEntry upsertFirst = p2.next() != null ? p2.next() : u2.next();

    assertThat(patchFirst.price()).isEqualTo(upsertFirst.price());
    assertThat(patchFirst.inStock()).as("stock").isEqualTo(upsertFirst.inStock());
  }

  /**
   * An earlier build's patched catalogue product without a price (only its stock patched, at 30) is
   * read as if a price was set at 30: a price patch at 10 is then stale before an upsert at 10 but
   * applies after it (the upsert's own price, none, set at 10 comes first), so the two orders serve
   * different prices (before b60832d both served none).
   */
  @Test
  void aPricePatchAndAnUpsertAtOneTsOverAnEarlierBuildsStockPatchEndAlike() {
    DeltaEntry earlier =
        new DeltaEntry(
            "a",
            30,
            DeltaEntry.Kind.PATCHED,
            null,
            null,
            null,
            null,
            null,
            null,
            false,
            null,
            0,
            0,
            0,
            false);
    Product up = product("a", "usb cable", null);

    CatalogChanges.Result p1 = RULE.patch(earlier, null, "a", 3.0, null, 10);
    DeltaEntry afterPatch = p1.next() != null ? p1.next() : earlier;
    DeltaEntry patchFirst = RULE.upsert(afterPatch, null, up, null, 10, V).next();

    DeltaEntry upserted = RULE.upsert(earlier, null, up, null, 10, V).next();
    CatalogChanges.Result p2 = RULE.patch(upserted, null, "a", 3.0, null, 10);
    DeltaEntry upsertFirst = p2.next() != null ? p2.next() : upserted;

    assertThat(patchFirst.price()).isEqualTo(upsertFirst.price());
    assertThat(patchFirst.inStock()).isEqualTo(upsertFirst.inStock());
  }

  /**
   * A base version compacted before folded-parts.tsv (every part read at the folded ts) folded
   * catalogue product a, only patched, at 10. The fold now reads it as upserted at 10, so an upsert
   * at 10 whose text comes first keeps the catalogue's text at version 11, while the job (a patched
   * catalogue product, never upserted) applies the upsert at version 11: equal versions, so the
   * slots drop the job's entry at the swap and serve the old title. Before b60832d the fold found
   * the upsert stale (version 10) and the job's newer entry was served.
   */
  @Test
  void aFoldFromABaseWithoutPartsNeverFoldsTheJobsVersionWithAnotherText() {
    Product base = product("a", "usb cable", 5.0);
    Product up = product("a", "a cable", 20.0);
    CatalogFold fold =
        new CatalogFold(List.of(base), Map.of("a", 10L), ASSIGNER, ExpertPlacement.identity(3));
    fold.upsert(up, null, 10);
    DeltaEntry job =
        RULE.upsert(
                DeltaEntry.patched("a", 10, DeltaEntry.ARTIFACT_TS, 5.0, 10, true, -1),
                up,
                null,
                10,
                V)
            .next();

    long folded = fold.folded().get("a");
    String foldedTitle = fold.products().get(0).title();
    assertThat(job.ts() > folded || job.title().equals(foldedTitle))
        .as("job %s v%d, folded %s v%d", job.title(), job.ts(), foldedTitle, folded)
        .isTrue();
  }
}
