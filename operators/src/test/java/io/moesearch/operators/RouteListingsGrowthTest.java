package io.moesearch.operators;

import static org.assertj.core.api.Assertions.assertThat;

import io.moesearch.connectors.message.CatalogUpdate;
import io.moesearch.connectors.message.Filters;
import io.moesearch.connectors.message.SearchQuery;
import io.moesearch.core.artifact.IndexArtifact;
import io.moesearch.core.artifact.IndexCompaction;
import io.moesearch.core.cache.QueryNormalizer;
import io.moesearch.core.catalog.Product;
import io.moesearch.core.gate.ActivationRule;
import io.moesearch.core.gate.ExpertAssigner;
import io.moesearch.core.gate.LoadAwareRouter;
import io.moesearch.core.gate.LoadAwareRoutingConfig;
import io.moesearch.core.gate.RoutingConfig;
import io.moesearch.core.live.CatalogFold;
import io.moesearch.core.live.FilterListing;
import io.moesearch.core.live.ListingChange;
import io.moesearch.core.live.LiveFilter;
import io.moesearch.core.live.LiveMatchCounts;
import io.moesearch.core.retrieval.FilterMatchCounts;
import io.moesearch.core.retrieval.FilterQueries;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.runtime.checkpoint.OperatorSubtaskState;
import org.apache.flink.streaming.api.operators.KeyedProcessOperator;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.BroadcastOperatorTestHarness;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;
import org.junit.jupiter.api.Test;

/**
 * Adversarial (unbounded growth): the router's {@code route-listings} broadcast state ({@link
 * RouteQueries#LISTINGS}) keeps one entry per product id ever applied since the job first started,
 * with no TTL, no cap and no clean-up, also for products that were upserted and then deleted, and
 * also after a compacted version folded every one of those changes. A catalogue whose product ids
 * churn (new ids upserted all day, old ones deleted) grows it without bound; it is heap operator
 * state held (and checkpointed) by every router subtask, and every version swap re-lists all of it
 * (one term lookup per expert per entry, on the routing thread). Fixed: the router drops the
 * listings the version it serves folded at the same or a newer {@code ts} ({@link RouteQueries}, as
 * the slots drop their delta); the first test fails without it, the second shows the pruning
 * changes no route.
 */
class RouteListingsGrowthTest extends SmallIndexTestBase {
  private static final int CHURNED = 200;
  private static final LoadAwareRoutingConfig ROUTING =
      LoadAwareRoutingConfig.plain(new RoutingConfig(0.05, new ActivationRule(0.7, 1, EXPERTS)), 1);

  private static RouteQueries router(Path artifactDir) {
    return new RouteQueries(artifactDir.toString(), ROUTING, true, null, 0);
  }

  private static long listings(
      BroadcastOperatorTestHarness<EmbeddedQuery, CatalogChange, ExpertRequest> h)
      throws Exception {
    return listingsOf(h).size();
  }

  /** The router's {@link RouteQueries#LISTINGS}, copied. */
  private static Map<String, ListingChange> listingsOf(
      BroadcastOperatorTestHarness<EmbeddedQuery, CatalogChange, ExpertRequest> h)
      throws Exception {
    Map<String, ListingChange> out = new HashMap<>();
    for (var e :
        h.getOperator()
            .getOperatorStateBackend()
            .getBroadcastState(RouteQueries.LISTINGS)
            .entries()) {
      out.put(e.getKey(), e.getValue());
    }
    return out;
  }

  private static KeyedOneInputStreamOperatorTestHarness<String, ProductUpdate, SlotDelta> apply()
      throws Exception {
    var apply =
        Harnesses.withoutGenericTypes(
            new KeyedOneInputStreamOperatorTestHarness<>(
                new KeyedProcessOperator<>(new ApplyCatalogUpdates(dir.toString())),
                ProductUpdate::productId,
                Types.STRING));
    apply.open();
    return apply;
  }

  private static CatalogFold fold() {
    var g = artifact.manifest().gate();
    return new CatalogFold(
        catalog.products(),
        Map.of(),
        new ExpertAssigner(artifact.gate(), g.temperature(), g.replicationRatio(), g.maxCopies()),
        artifact.placement());
  }

  @Test
  void routeListingsKeepEveryProductEverUpsertedAndDeletedEvenAfterACompactionFoldedThem()
      throws Exception {
    var apply =
        Harnesses.withoutGenericTypes(
            new KeyedOneInputStreamOperatorTestHarness<>(
                new KeyedProcessOperator<>(new ApplyCatalogUpdates(dir.toString())),
                ProductUpdate::productId,
                Types.STRING));
    apply.open();
    var route = Harnesses.router(router(dir));
    route.open();

    var g = artifact.manifest().gate();
    CatalogFold fold =
        new CatalogFold(
            catalog.products(),
            Map.of(),
            new ExpertAssigner(
                artifact.gate(), g.temperature(), g.replicationRatio(), g.maxCopies()),
            artifact.placement());
    float[] vector = embedder.embed("short lived gadget");
    long ts = 10;
    // A day of churn, in small: products come and go under ids never seen before.
    for (int i = 0; i < CHURNED; i++) {
      Product p =
          new Product("churn-" + i, "short lived gadget " + i, "Brand" + i, "", "", 5.0 + i, null);
      apply.processElement(
          new StreamRecord<>(
              ProductUpdate.of(CatalogUpdate.upsert(p, true, ts), 1).withVector(vector)));
      fold.upsert(p, true, ts++);
      apply.processElement(
          new StreamRecord<>(ProductUpdate.of(CatalogUpdate.delete(p.id(), ts), 1)));
      fold.delete(p.id(), ts++);
    }
    for (var c : apply.getSideOutput(ApplyCatalogUpdates.CHANGES)) {
      route.processBroadcastElement(new StreamRecord<>(c.getValue()));
    }
    assertThat(listings(route)).as("every churned product listed once").isEqualTo(CHURNED);

    // index compact folds all of it; the router (restored from its checkpoint) serves that version.
    Path compactRoot = Files.createDirectories(root.resolve("compacted"));
    IndexArtifact next =
        IndexCompaction.compactLocally(
            artifact,
            catalog.products(),
            fold,
            embedder,
            compactRoot,
            16,
            "t",
            Map.of(0, 2L * CHURNED),
            2 * CHURNED);
    assertThat(next.folded()).hasSize(CHURNED);
    OperatorSubtaskState snapshot = route.snapshot(1, 1);
    route.close();
    apply.close();

    RouteQueries restored = router(next.dir());
    try (var h = Harnesses.router(restored)) {
      h.initializeState(snapshot);
      h.open();
      h.processElement(
          new StreamRecord<>(
              new EmbeddedQuery(
                  new SearchQuery("q", "usb cable", 3, null, 0, null),
                  embedder.embed("usb cable"),
                  500,
                  1)));
      assertThat(restored.liveChanges())
          .as("none of the churned products differs from the served version: they count nothing")
          .isZero();
      long kept = listings(h);
      System.out.printf(
          "route-listings after %d products were upserted, deleted and compacted away: %d entries"
              + " (per router subtask, heap, checkpointed by each)%n",
          CHURNED, kept);
      assertThat(kept)
          .as(
              "route-listings entries for %d products that no longer exist, are in neither the"
                  + " live catalogue nor the served (compacted) version, which folded them all:"
                  + " the state grows with every product id ever changed",
              CHURNED)
          .isLessThan(CHURNED);
    }
  }

  private long ts = 1_000;

  /** Applies {@code u} (at the next {@code ts}); folds it too unless {@code fold} is null. */
  private void update(
      KeyedOneInputStreamOperatorTestHarness<String, ProductUpdate, SlotDelta> apply,
      CatalogFold fold,
      CatalogUpdate u)
      throws Exception {
    ProductUpdate pu = ProductUpdate.of(u, 1);
    if (u.op() == CatalogUpdate.Op.UPSERT) {
      pu = pu.withVector(embedder.embed(u.product().searchableText()));
    }
    apply.processElement(new StreamRecord<>(pu));
    if (fold != null) {
      switch (u.op()) {
        case UPSERT -> fold.upsert(u.product(), u.inStock(), u.ts());
        case PATCH -> fold.patch(u.productId(), u.price(), u.inStock(), u.ts());
        case DELETE -> fold.delete(u.productId(), u.ts());
      }
    }
  }

  private void patch(
      KeyedOneInputStreamOperatorTestHarness<String, ProductUpdate, SlotDelta> apply,
      CatalogFold fold,
      String id,
      Double price,
      Boolean inStock)
      throws Exception {
    update(apply, fold, CatalogUpdate.patch(id, price, inStock, ts++));
  }

  /**
   * Pruning never changes routing: a router restored on a compacted version drops the listings the
   * version folded (at the same {@code ts}) and then counts every filter's matches per expert
   * exactly as the listings kept whole count them against that version (what it counted before
   * pruning), so each filtered query goes to the same experts. What changed after the compaction's
   * end is kept and still counts (a product folded out of stock and back in stock since, a folded
   * upsert deleted since, new upserts and patches); a change the compaction read before it reached
   * the router is not kept when it arrives.
   */
  @Test
  void pruningTheListingsACompactedVersionFoldedNeverChangesAFilteredRoute() throws Exception {
    var apply = apply();
    var route = Harnesses.router(router(dir));
    route.open();
    CatalogFold fold = fold();
    List<Product> products = catalog.products();
    List<Product> zen = new ArrayList<>();
    for (int i = 0; i < 12; i++) {
      Product base = products.get(50 + 20 * i);
      zen.add(
          new Product(
              "zen-" + i,
              base.title(),
              "Zenthra",
              base.model(),
              base.description(),
              base.price(),
              null));
    }
    // Folded by the compaction.
    for (int i = 0; i < 8; i++) {
      patch(apply, fold, products.get(i).id(), null, false);
    }
    for (int i = 10; i < 14; i++) {
      patch(apply, fold, products.get(i).id(), 0.25, null);
    }
    patch(apply, fold, products.get(20).id(), null, false);
    for (int i = 0; i < 8; i++) {
      update(apply, fold, CatalogUpdate.upsert(zen.get(i), true, ts++));
    }
    for (int i = 0; i < 4; i++) {
      update(apply, fold, CatalogUpdate.delete(zen.get(i).id(), ts++));
    }
    int folded = 8 + 4 + 1 + 8 + 4;
    // Read by the compaction, applied by the job, not yet heard by the router.
    patch(apply, fold, products.get(40).id(), 0.25, null);
    folded++;
    // After the compaction's end.
    patch(apply, null, products.get(20).id(), null, true);
    patch(apply, null, products.get(0).id(), null, true);
    update(apply, null, CatalogUpdate.delete(zen.get(4).id(), ts++));
    for (int i = 8; i < 12; i++) {
      update(apply, null, CatalogUpdate.upsert(zen.get(i), true, ts++));
    }
    patch(apply, null, products.get(30).id(), 0.25, false);

    List<CatalogChange> changes = new ArrayList<>();
    for (var c : apply.getSideOutput(ApplyCatalogUpdates.CHANGES)) {
      changes.add(c.getValue());
    }
    apply.close();
    CatalogChange late =
        changes.stream()
            .filter(c -> c.productId().equals(products.get(40).id()))
            .findFirst()
            .orElseThrow();
    for (CatalogChange c : changes) {
      if (c != late) {
        route.processBroadcastElement(new StreamRecord<>(c));
      }
    }
    // The listings kept whole (the router before pruning), with the late change as it kept it.
    Map<String, ListingChange> whole = listingsOf(route);
    whole.put(
        late.productId(),
        new ListingChange(
            late.patch(), late.upsert() == null ? null : late.upsert().experts(), late.ts()));
    var snapshot = route.snapshot(1, 1);
    route.close();

    Path compactRoot = Files.createDirectories(root.resolve("compacted-routing"));
    IndexArtifact next =
        IndexCompaction.compactLocally(
            artifact,
            products,
            fold,
            embedder,
            compactRoot,
            16,
            "t",
            Map.of(0, (long) folded),
            folded);

    List<Filters> filters = new ArrayList<>();
    for (Boolean inStock : new Boolean[] {null, true}) {
      filters.add(new Filters(new String[] {"zenthra"}, null, null, inStock));
      filters.add(new Filters(null, null, 0.5, inStock));
      filters.add(new Filters(null, 0.1, 0.3, inStock));
      for (int i : new int[] {0, 3, 20, 30, 40, 55}) {
        String brand = products.get(i).brand();
        if (brand != null && !QueryNormalizer.normalize(brand).isBlank()) {
          filters.add(
              new Filters(new String[] {QueryNormalizer.normalize(brand)}, null, null, inStock));
          filters.add(
              new Filters(
                  new String[] {QueryNormalizer.normalize(brand), "zenthra"}, null, 60.0, inStock));
        }
      }
    }

    RouteQueries restored = router(next.dir());
    try (var h = Harnesses.router(restored);
        var matches = new FilterMatchCounts(next, 64)) {
      h.initializeState(snapshot);
      h.open();
      h.processBroadcastElement(new StreamRecord<>(late));
      assertThat(listingsOf(h).keySet())
          .as("only the changes after the compaction's end are kept")
          .containsExactlyInAnyOrder(
              products.get(20).id(),
              products.get(0).id(),
              zen.get(4).id(),
              zen.get(8).id(),
              zen.get(9).id(),
              zen.get(10).id(),
              zen.get(11).id(),
              products.get(30).id());

      LiveMatchCounts before = new LiveMatchCounts();
      whole.forEach(
          (id, c) -> {
            FilterListing a = matches.listingOf(id);
            before.put(id, a, FilterListing.after(a, c.patch(), c.experts()));
          });
      LoadAwareRouter reference = LoadAwareRouter.fresh(next.gate(), ROUTING, next.placement());
      String text = "something nice to buy";
      float[] vector = embedder.embed(text);
      int n = 0;
      for (Filters f : filters) {
        boolean inStock = Boolean.TRUE.equals(f.inStock());
        int[] counted =
            before.counts(
                matches.counts(
                    f.canonical(),
                    () -> FilterQueries.of(f.brands(), f.priceMin(), f.priceMax(), inStock)),
                new LiveFilter(f.brands(), f.priceMin(), f.priceMax(), inStock));
        int outBefore = h.extractOutputValues().size();
        h.processElement(
            new StreamRecord<>(
                new EmbeddedQuery(
                    new SearchQuery("q" + n++, text, 3, f, 0, null), vector, 500, 1)));
        assertThat(restored.liveMatches(f))
            .as("matches of %s per expert, pruned and whole", f.canonical())
            .containsExactly(counted);
        int[] routed =
            Arrays.stream(h.extractOutputValues().get(outBefore).experts())
                .filter(e -> e >= 0)
                .toArray();
        assertThat(routed)
            .as("experts of %s, pruned and whole", f.canonical())
            .containsExactly(reference.routeFiltered(vector, 500, counted, 3).experts());
      }
      assertThat(restored.liveChanges()).as("the kept changes still count").isPositive();
    }
  }
}
