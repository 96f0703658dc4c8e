package io.moesearch.tools.bench;

import static org.assertj.core.api.Assertions.assertThat;

import io.moesearch.connectors.message.Filters;
import io.moesearch.connectors.message.RankedItem;
import io.moesearch.connectors.message.SearchQuery;
import io.moesearch.connectors.message.SearchResult;
import io.moesearch.connectors.message.StageLatency;
import io.moesearch.core.catalog.Product;
import io.moesearch.tools.bench.FreshnessWorkload.Kind;
import io.moesearch.tools.bench.FreshnessWorkload.Plan;
import io.moesearch.tools.bench.FreshnessWorkload.Planned;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class FreshnessTimelineTest {
  private static final Filters IN_STOCK = new Filters(null, null, null, true);
  private final List<SearchQuery> queries = new ArrayList<>();
  private final Map<String, Integer> probeOf = new HashMap<>();

  private static final Product FRESH =
      new Product("fresh-1", "Cable qzb", "", "qzb", "", 5.0, Map.of());
  private static final List<Planned> UPDATES =
      List.of(
          new Planned(0, Kind.NEW_PRODUCT, "fresh-1", FRESH, null, FRESH.title(), true),
          new Planned(1, Kind.DELETE, "p1", null, null, "Mouse one", true),
          new Planned(2, Kind.STOCK_OUT, "p2", null, null, "Mouse two", true),
          new Planned(3, Kind.PRICE_PATCH, "p3", null, 9.5, "Mouse three", true),
          new Planned(4, Kind.DELETE, "p4", null, null, "Mouse four", false),
          new Planned(5, Kind.DELETE, "p5", null, null, "Mouse five", true));

  private static final long[] PRODUCED = {1_000, 2_000, 3_000, 4_000, 5_000, 6_000};

  private static RankedItem item(String id) {
    return new RankedItem(id, "t", 1f, 10.0, true);
  }

  private static RankedItem priced(String id, double price) {
    return new RankedItem(id, "t", 1f, price, true);
  }

  /** An answer to a probe of update {@code u} (or a background query when u < 0). */
  private SearchResult answer(int u, boolean inStock, long tsIn, long tsOut, RankedItem... items) {
    String id = "q" + queries.size();
    queries.add(new SearchQuery(id, "text", 10, inStock ? IN_STOCK : null, 0, null));
    if (u >= 0) {
      probeOf.put(id, u);
    }
    return new SearchResult(
        id, "text", items, new int[] {1}, "v", StageLatency.ZERO, "miss", tsIn, tsOut);
  }

  private FreshnessTimeline.Figures analyse(List<SearchResult> results) {
    Plan plan = new Plan(UPDATES, new int[queries.size()], queries, probeOf);
    return FreshnessTimeline.analyse(plan, PRODUCED, results, 1_000);
  }

  @Test
  void latencyRunsFromProduceToTheFirstReflectingAnswer() {
    List<SearchResult> rs = new ArrayList<>();
    rs.add(answer(0, false, 1_100, 1_150, item("p9")));
    rs.add(answer(0, false, 1_300, 1_400, item("fresh-1")));
    rs.add(answer(0, false, 1_500, 1_550, item("fresh-1")));
    // delete: pre-probe finds it, then still there, then gone
    rs.add(answer(1, false, 1_500, 1_520, item("p1")));
    rs.add(answer(1, false, 2_100, 2_150, item("p1")));
    rs.add(answer(1, false, 2_700, 2_800, item("p9")));
    // stock-out: under in_stock, gone at once
    rs.add(answer(2, true, 2_500, 2_510, item("p2")));
    rs.add(answer(2, true, 3_100, 3_200));
    // price: the new price shown
    rs.add(answer(3, false, 4_100, 4_120, priced("p3", 20)));
    rs.add(answer(3, false, 4_200, 4_600, priced("p3", 9.5)));
    // p5's pre-probe never found it: unverifiable
    rs.add(answer(5, false, 5_500, 5_510, item("p9")));
    rs.add(answer(5, false, 6_100, 6_110));
    FreshnessTimeline.Figures f = analyse(rs);
    assertThat(f.trackedUpdates).isEqualTo(5);
    assertThat(f.measured).isEqualTo(4);
    assertThat(f.unverifiable).isEqualTo(1);
    assertThat(f.censored).isZero();
    // 400 (new), 800 (delete), 200 (stock-out), 600 (price)
    assertThat(f.updateToSearchableP50Ms).isEqualTo(400);
    assertThat(f.updateToSearchableP99Ms).isEqualTo(800);
    assertThat(f.p99IsLowerBound).isFalse();
    assertThat(f.byKind).containsEntry("delete_p99", 800.0).containsEntry("price_patch_n", 1.0);
    assertThat(f.staleItemsServed).isZero();
  }

  @Test
  void anUpdateNeverSeenIsALowerBound() {
    List<SearchResult> rs = new ArrayList<>();
    rs.add(answer(0, false, 1_100, 1_200, item("p9")));
    rs.add(answer(0, false, 3_000, 9_000, item("p9")));
    FreshnessTimeline.Figures f = analyse(rs);
    assertThat(f.censored).isEqualTo(1);
    assertThat(f.updateToSearchableP99Ms).isEqualTo(8_000);
    assertThat(f.p99IsLowerBound).isTrue();
  }

  @Test
  void aRemovedProductServedAfterItWasSeenGoneIsStale() {
    List<SearchResult> rs = new ArrayList<>();
    rs.add(answer(1, false, 1_500, 1_510, item("p1")));
    rs.add(answer(1, false, 2_100, 2_200)); // seen deleted at 2_200
    rs.add(answer(-1, false, 2_150, 2_300, item("p1"))); // accepted before: not stale
    rs.add(answer(-1, false, 2_250, 2_300, item("p1"))); // accepted after: stale
    rs.add(answer(2, true, 2_500, 2_510, item("p2")));
    rs.add(answer(2, true, 3_100, 3_200)); // seen out of stock at 3_200
    rs.add(answer(-1, false, 3_300, 3_310, item("p2"))); // no in_stock filter: fine
    rs.add(answer(-1, true, 3_300, 3_310, item("p2"), item("p1"))); // both stale
    rs.add(answer(3, false, 4_100, 4_200, priced("p3", 9.5))); // price seen at 4_200
    rs.add(answer(-1, false, 4_300, 4_310, priced("p3", 20))); // old price: stale
    // p4 is untracked: only the target count sees it (accepted > 5_000 + 1_000)
    rs.add(answer(-1, false, 5_500, 5_510, item("p4")));
    rs.add(answer(-1, false, 6_500, 6_510, item("p4")));
    FreshnessTimeline.Figures f = analyse(rs);
    assertThat(f.staleItemsServed).isEqualTo(3);
    assertThat(f.stalePricesServed).isEqualTo(1);
    assertThat(f.staleResults).isEqualTo(3);
    // p1 at 2_250 no (< 3_000), p2 under in_stock at 3_300 no (< 4_000), p1 at 3_300 yes, p4 at
    // 6_500
    assertThat(f.removedServedAfterTarget).isEqualTo(2);
  }

  @Test
  void onlyAFullAnswerProvesARemovalAndAnOverloadedOneShowsNothing() {
    List<SearchResult> rs = new ArrayList<>();
    rs.add(answer(1, false, 1_500, 1_520, item("p1")));
    rs.add(degraded(answer(1, false, 2_100, 2_150), SearchResult.OVERLOADED));
    rs.add(degraded(answer(1, false, 2_200, 2_250), "fast_path"));
    rs.add(partial(answer(1, false, 2_250, 2_260)));
    rs.add(answer(1, false, 2_300, 2_400, item("p1")));
    rs.add(answer(1, false, 2_500, 2_900));
    rs.add(degraded(answer(0, false, 1_100, 1_200), SearchResult.OVERLOADED));
    rs.add(degraded(answer(0, false, 1_300, 1_350, item("fresh-1")), "fast_path"));
    rs.add(answer(3, false, 3_900, 3_950, priced("p3", 10)));
    rs.add(degraded(answer(3, false, 4_300, 4_400), SearchResult.OVERLOADED));
    FreshnessTimeline.Figures f = analyse(rs);
    assertThat(f.byKind).containsEntry("delete_p50", 900.0).containsEntry("new_product_p50", 350.0);
    // the price patch was only ever answered before it (found) and then turned away: no evidence
    assertThat(f.byKind).doesNotContainKey("price_patch_n");
    assertThat(f.resolutionP99Ms).isEqualTo(500); // 2_400 (last miss) to 2_900
  }

  private static SearchResult partial(SearchResult r) {
    return copy(r, true, SearchResult.NOT_DEGRADED);
  }

  private static SearchResult degraded(SearchResult r, String level) {
    return copy(r, false, level);
  }

  private static SearchResult copy(SearchResult r, boolean partial, String level) {
    return new SearchResult(
        r.queryId(),
        r.text(),
        r.items(),
        r.experts(),
        r.indexVersion(),
        r.latency(),
        r.cache(),
        r.tsIn(),
        r.tsOut(),
        partial,
        partial ? new int[0] : r.experts(),
        level);
  }

  @Test
  void aTextChangeIsReflectedOnlyWithItsNewTitle() {
    Product changed = new Product("p7", "Old title qzc", "", "", "", null, Map.of());
    Planned u = new Planned(0, Kind.TEXT_CHANGE, "p7", changed, null, changed.title(), true);
    SearchResult old = answer(0, false, 1, 2, new RankedItem("p7", "Old title", 1f));
    SearchResult now = answer(0, false, 1, 2, new RankedItem("p7", "Old title qzc", 1f));
    assertThat(FreshnessTimeline.reflects(u, old)).isFalse();
    assertThat(FreshnessTimeline.reflects(u, now)).isTrue();
  }
}
