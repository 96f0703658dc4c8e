package io.moesearch.tools.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.moesearch.connectors.message.CatalogUpdate;
import io.moesearch.connectors.message.SearchQuery;
import io.moesearch.core.catalog.Catalog;
import io.moesearch.core.catalog.Product;
import io.moesearch.tools.bench.FreshnessWorkload.Kind;
import io.moesearch.tools.bench.FreshnessWorkload.Plan;
import io.moesearch.tools.bench.FreshnessWorkload.Planned;
import io.moesearch.tools.bench.FreshnessWorkload.Settings;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class FreshnessWorkloadTest {
  static Catalog catalog(int n) {
    List<Product> ps = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      ps.add(
          new Product(
              "p" + i,
              "Product " + i + " cable",
              "Brand" + i % 7,
              "M" + i,
              "",
              10.0 + i,
              Map.of()));
    }
    return new Catalog(ps, List.of());
  }

  static SearchQuery bg(String id) {
    return new SearchQuery(id, "background " + id, 10, null, 0, null);
  }

  private static Plan plan(long seed) {
    return FreshnessWorkload.plan(
        catalog(500), new Settings(20, 40, 10, 5, 0.3, 0.6, seed), q -> bg(q));
  }

  @Test
  void theSameSeedPlansTheSameRun() {
    Plan a = plan(7);
    Plan b = plan(7);
    assertThat(a.queries())
        .extracting(SearchQuery::text)
        .isEqualTo(b.queries().stream().map(SearchQuery::text).toList());
    assertThat(a.updates())
        .extracting(Planned::productId)
        .isEqualTo(b.updates().stream().map(Planned::productId).toList());
    assertThat(plan(8).updates())
        .extracting(Planned::productId)
        .isNotEqualTo(a.updates().stream().map(Planned::productId).toList());
  }

  @Test
  void eachProductChangesOnceAndEveryKindOccurs() {
    Plan p = plan(1);
    assertThat(p.updates()).hasSize(200);
    Set<String> ids = new HashSet<>();
    for (Planned u : p.updates()) {
      assertThat(ids.add(u.productId())).as(u.productId()).isTrue();
      CatalogUpdate m = u.at(1234);
      assertThat(m.ts()).isEqualTo(1234);
      assertThat(m.productId()).isEqualTo(u.productId());
      if (u.kind() == Kind.NEW_PRODUCT) {
        assertThat(u.productId()).startsWith("fresh-");
      }
      if (u.kind() == Kind.NEW_PRODUCT || u.kind() == Kind.TEXT_CHANGE) {
        assertThat(u.probeText()).isEqualTo(u.product().title()).matches(".* qz[a-z]+$");
      }
      if (u.kind() == Kind.STOCK_OUT) {
        assertThat(m.inStock()).isFalse();
      }
    }
    assertThat(p.updates()).extracting(Planned::kind).contains(Kind.values());
  }

  @Test
  void updatesAreSentOnTimeAndProbesFollowThem() {
    Settings s = new Settings(20, 40, 10, 5, 0.3, 0.6, 3);
    Plan p = FreshnessWorkload.plan(catalog(500), s, q -> bg(q));
    assertThat(p.queries()).hasSize(600);
    int[] before = p.updatesBefore();
    for (int k = 1; k < before.length; k++) {
      assertThat(before[k]).isGreaterThanOrEqualTo(before[k - 1]);
    }
    assertThat(before[0]).isEqualTo(1); // update 0 is due at 0 ms, with the first query
    assertThat(before[399]).isEqualTo(200);
    assertThat(p.probes()).isPositive().isLessThanOrEqualTo((int) (0.6 * 600));
    IntStream.range(0, p.queries().size())
        .forEach(
            k -> {
              Integer u = p.probeOf().get(p.queries().get(k).queryId());
              if (u == null) {
                return;
              }
              Planned planned = p.updates().get(u);
              assertThat(planned.tracked()).isTrue();
              boolean pre =
                  p.queries().get(k).queryId().endsWith("-0")
                      && planned.removes()
                      && FreshnessWorkload.updateAtMs(u, s) >= FreshnessWorkload.PRE_PROBE_MS;
              // a probe is sent after its update, a pre-probe before it
              assertThat(before[k] > u).as(p.queries().get(k).queryId()).isEqualTo(!pre);
              assertThat(p.queries().get(k).text()).isEqualTo(planned.probeText());
              assertThat(p.queries().get(k).filters() != null).isEqualTo(planned.probeInStock());
            });
  }

  @Test
  void theAutoTrackedShareKeepsProbesWithinTheirShare() {
    double share = Settings.autoTrackedShare(50, 100, 60, 15, 0.6);
    assertThat(share).isBetween(0.01, 0.2);
    Plan p =
        FreshnessWorkload.plan(
            catalog(5000), new Settings(50, 100, 60, 15, share, 0.6, 42), q -> bg(q));
    assertThat(p.probes()).isLessThanOrEqualTo((int) (0.6 * p.queries().size()));
    assertThat(Settings.autoTrackedShare(1, 1000, 60, 15, 0.6)).isEqualTo(1);
  }

  @Test
  void moreUpdatesThanProductsIsRefused() {
    assertThatThrownBy(
            () ->
                FreshnessWorkload.plan(
                    catalog(10), new Settings(20, 40, 10, 0, 1, 0.6, 1), q -> bg(q)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("catalogue has 10");
  }

  @Test
  void theControlStreamAsksUnchangedProductsWhereTheProbesWere() {
    Catalog catalog = catalog(500);
    Plan plan =
        FreshnessWorkload.plan(catalog, new Settings(20, 40, 10, 5, 0.3, 0.6, 7), q -> bg(q));
    int slots = 400;
    List<SearchQuery> control = FreshnessWorkload.control(plan, catalog, slots, 7, q -> bg(q));
    assertThat(control).hasSize(slots);
    Set<String> changed = new HashSet<>();
    plan.updates().forEach(u -> changed.add(u.productId()));
    Set<String> changedTitles = new HashSet<>();
    for (int i = 0; i < catalog.size(); i++) {
      if (changed.contains(catalog.get(i).id())) {
        changedTitles.add(catalog.get(i).title());
      }
    }
    Map<Integer, String> standIn = new java.util.HashMap<>();
    int probes = 0;
    for (int k = 0; k < slots; k++) {
      SearchQuery planned = plan.queries().get(k);
      SearchQuery c = control.get(k);
      Integer update = plan.probeOf().get(planned.queryId());
      if (update == null) {
        assertThat(c.queryId()).doesNotStartWith("control-");
        continue;
      }
      probes++;
      assertThat(c.queryId()).startsWith("control-");
      assertThat(c.filters()).isEqualTo(planned.filters());
      assertThat(c.text()).isNotIn(changedTitles).doesNotContain("qz");
      // one stand-in product per probed update, asked at each of its probe slots
      assertThat(standIn.computeIfAbsent(update, u -> c.text())).isEqualTo(c.text());
    }
    assertThat(probes).isGreaterThan(20);
    assertThat(new HashSet<>(standIn.values())).hasSize(standIn.size());
    assertThat(FreshnessWorkload.control(plan, catalog, slots, 7, q -> bg(q)))
        .extracting(SearchQuery::text)
        .isEqualTo(control.stream().map(SearchQuery::text).toList());
    assertThatThrownBy(
            () ->
                FreshnessWorkload.control(plan, catalog, plan.queries().size() + 1, 7, q -> bg(q)))
        .isInstanceOf(IllegalArgumentException.class);
  }

  /**
   * Warm-up updates touch no product the plan changes or a control probe asks for, are untracked,
   * cover every kind, and cycle over a pool no larger than asked (fewer where the catalogue runs
   * out), so a long warm-up leaves a bounded delta.
   */
  @Test
  void warmUpUpdatesStayClearOfThePlanAndTheControlProbes() {
    Catalog catalog = catalog(500);
    Plan plan = plan(7);
    List<SearchQuery> control =
        FreshnessWorkload.control(plan, catalog, plan.queries().size(), 7, q -> bg(q));
    java.util.Set<String> planned = new java.util.HashSet<>();
    plan.updates().forEach(u -> planned.add(u.productId()));
    java.util.Set<String> asked = new java.util.HashSet<>();
    control.forEach(q -> asked.add(q.text()));

    List<FreshnessWorkload.Planned> warm =
        FreshnessWorkload.warmUpUpdates(catalog, plan, control, 10_000, 10_000, 7);

    assertThat(warm).hasSize(10_000).allMatch(u -> !u.tracked());
    assertThat(warm.stream().map(FreshnessWorkload.Planned::kind).distinct())
        .containsExactlyInAnyOrder(FreshnessWorkload.Kind.values());
    for (FreshnessWorkload.Planned u : warm) {
      assertThat(planned).doesNotContain(u.productId());
      if (u.kind() != FreshnessWorkload.Kind.NEW_PRODUCT
          && u.kind() != FreshnessWorkload.Kind.TEXT_CHANGE) {
        assertThat(asked).doesNotContain(u.probeText());
      }
    }
    // The pool is the 500 products less those the plan changes (a planned new product is a copy
    // under a new id and changes none): at most two ids (product, new copy) per pool product.
    long changedByPlan = planned.stream().filter(id -> id.startsWith("p")).count();
    assertThat(warm.stream().map(FreshnessWorkload.Planned::productId).distinct().count())
        .isLessThanOrEqualTo(2 * (500 - changedByPlan));

    List<FreshnessWorkload.Planned> small =
        FreshnessWorkload.warmUpUpdates(catalog, plan, control, 100, 3, 7);
    assertThat(small).hasSize(100);
    assertThat(small.stream().map(FreshnessWorkload.Planned::productId).distinct()).hasSize(6);
  }

  /**
   * A warm-up product is never patched while deleted: every price patch or stock-out of a product
   * its warm-up deleted comes after an upsert (a text change) that brought it back.
   */
  @Test
  void warmUpUpdatesNeverPatchADeletedProduct() {
    Catalog catalog = catalog(200);
    Plan plan = plan(7);
    List<FreshnessWorkload.Planned> warm =
        FreshnessWorkload.warmUpUpdates(catalog, plan, List.of(), 2_000, 17, 7);
    java.util.Set<String> deleted = new java.util.HashSet<>();
    for (FreshnessWorkload.Planned u : warm) {
      switch (u.kind()) {
        case DELETE -> deleted.add(u.productId());
        case NEW_PRODUCT, TEXT_CHANGE -> deleted.remove(u.productId());
        case PRICE_PATCH, STOCK_OUT -> assertThat(deleted).doesNotContain(u.productId());
      }
    }
    assertThat(warm.stream().filter(u -> u.kind() == FreshnessWorkload.Kind.DELETE)).isNotEmpty();
  }
}
