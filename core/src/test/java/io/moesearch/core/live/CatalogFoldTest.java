package io.moesearch.core.live;

import static org.assertj.core.api.Assertions.assertThat;

import io.moesearch.core.catalog.Product;
import io.moesearch.core.gate.ExpertAssigner;
import io.moesearch.core.gate.ExpertPlacement;
import io.moesearch.core.gate.Gate;
import io.moesearch.core.live.CatalogChanges.Outcome;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Folding updates into a catalogue decides each one as the running job does. */
class CatalogFoldTest {
  private static final Gate GATE = new Gate(new float[][] {{1, 0}, {0, 1}});
  private static final List<Product> BASE =
      List.of(
          new Product("a", "usb cable", "Anker", "", "", 10.0, null),
          new Product("b", "hdmi cable", "Belkin", "", "", 20.0, null),
          new Product("c", "coffee maker", "", "", "", 30.0, Map.of(Product.IN_STOCK, "false")));

  private static CatalogFold fold(Map<String, Long> baseFolded) {
    return new CatalogFold(
        BASE, baseFolded, new ExpertAssigner(GATE, 0.05, 0.5, 1), ExpertPlacement.identity(2));
  }

  private static Map<String, Product> byId(CatalogFold f) {
    Map<String, Product> m = new java.util.LinkedHashMap<>();
    f.products().forEach(p -> m.put(p.id(), p));
    return m;
  }

  @Test
  void upsertsPatchesAndDeletesFoldInTsOrderPerProduct() {
    CatalogFold f = fold(Map.of());
    assertThat(f.patch("a", 12.0, null, 5)).isEqualTo(Outcome.APPLIED);
    assertThat(f.patch("a", 99.0, null, 4)).as("older than the applied").isEqualTo(Outcome.STALE);
    assertThat(f.delete("b", 3)).isEqualTo(Outcome.APPLIED);
    assertThat(f.patch("b", 1.0, true, 4)).as("a patch never revives").isEqualTo(Outcome.DELETED);
    assertThat(f.patch("zz", 1.0, null, 1)).isEqualTo(Outcome.UNKNOWN);
    Product n = new Product("n", "usb hub", "Acme", "", "", 7.0, null);
    assertThat(f.upsert(n, false, 6)).isEqualTo(Outcome.APPLIED);
    assertThat(f.patch("c", 25.0, null, 7))
        .as("price only: the base's out-of-stock stays")
        .isEqualTo(Outcome.APPLIED);

    Map<String, Product> out = byId(f);
    assertThat(out.keySet()).containsExactly("a", "c", "n");
    assertThat(out.get("a").price()).isEqualTo(12.0);
    assertThat(out.get("a").inStock()).isTrue();
    assertThat(out.get("c").price()).isEqualTo(25.0);
    assertThat(out.get("c").inStock()).isFalse();
    assertThat(out.get("n").inStock()).isFalse();
    assertThat(f.folded())
        .containsOnly(
            // b: deleted at 3, keeping the patch at 4 for a re-listing older than it: version 4
            Map.entry("a", 5L), Map.entry("b", 4L), Map.entry("n", 6L), Map.entry("c", 7L));
    assertThat(f.count(Outcome.APPLIED)).isEqualTo(4);
    assertThat(f.count(Outcome.STALE)).isEqualTo(1);
    assertThat(f.productsChanged()).isEqualTo(4);
  }

  @Test
  void anEarlierCompactionsTimestampsStillRule() {
    // "b" was deleted at ts 3 by an earlier compaction (no longer in the base), "a" patched at 5.
    List<Product> base = BASE.stream().filter(p -> !p.id().equals("b")).toList();
    CatalogFold f =
        new CatalogFold(
            base,
            Map.of("a", 5L, "b", 3L),
            new ExpertAssigner(GATE, 0.05, 0.5, 1),
            ExpertPlacement.identity(2));
    assertThat(f.patch("a", 1.0, null, 5))
        .as("a replay of the folded patch")
        .isEqualTo(Outcome.STALE);
    assertThat(f.patch("b", 1.0, null, 4)).isEqualTo(Outcome.DELETED);
    assertThat(f.upsert(new Product("b", "hdmi cable 2", "", "", "", 1.0, null), null, 2))
        .isEqualTo(Outcome.STALE);
    assertThat(f.upsert(new Product("b", "hdmi cable 2", "", "", "", 1.0, null), null, 9))
        .as("delete then a newer upsert")
        .isEqualTo(Outcome.APPLIED);
    assertThat(byId(f)).containsKey("b");
  }

  /**
   * The fold remembers unapplied updates as the job does: an upsert older than a patch of its
   * deleted product takes the patch's price and stock, one older than a delete of an unknown id is
   * stale; the tombstone is not written into the version.
   */
  @Test
  void unappliedUpdatesOrderOlderUpsertsReadAfterThem() {
    CatalogFold f = fold(Map.of());
    assertThat(f.delete("b", 3)).isEqualTo(Outcome.APPLIED);
    assertThat(f.patch("b", 1.0, false, 9)).isEqualTo(Outcome.DELETED);
    assertThat(f.upsert(new Product("b", "hdmi cable 2", "", "", "", 40.0, null), true, 5))
        .isEqualTo(Outcome.APPLIED);
    assertThat(f.delete("zz", 9)).isEqualTo(Outcome.UNKNOWN);
    assertThat(f.upsert(new Product("zz", "usb hub", "", "", "", 7.0, null), true, 5))
        .isEqualTo(Outcome.STALE);

    Map<String, Product> out = byId(f);
    assertThat(out).doesNotContainKey("zz");
    assertThat(out.get("b").price()).isEqualTo(1.0);
    assertThat(out.get("b").inStock()).isFalse();
    // b's state is the upsert's (ts 5) with the newer patch's values laid over it: version 10, one
    // past the deleted state's 9 that kept the patch
    assertThat(f.folded()).containsEntry("b", 10L).doesNotContainKey("zz");
  }

  /**
   * A patch older than a remembered price laid over the product is stale: the fold keeps the
   * remembered price, as the job serves it (the fold once took the patch's own price).
   */
  @Test
  void aPatchOlderThanARememberedPriceLaidOverTheProductIsStale() {
    CatalogFold f = fold(Map.of());
    assertThat(f.delete("b", 3)).isEqualTo(Outcome.APPLIED);
    assertThat(f.patch("b", 1.0, null, 9)).isEqualTo(Outcome.DELETED);
    assertThat(f.upsert(new Product("b", "hdmi cable 2", "", "", "", 40.0, null), true, 5))
        .isEqualTo(Outcome.APPLIED);
    assertThat(f.patch("b", 2.0, null, 7)).isEqualTo(Outcome.STALE);
    assertThat(byId(f).get("b").price()).isEqualTo(1.0);
  }
}
