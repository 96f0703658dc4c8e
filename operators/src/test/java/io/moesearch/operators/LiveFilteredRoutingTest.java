package io.moesearch.operators;

import static org.assertj.core.api.Assertions.assertThat;

import io.moesearch.connectors.message.CatalogUpdate;
import io.moesearch.connectors.message.Filters;
import io.moesearch.connectors.message.RankedItem;
import io.moesearch.connectors.message.SearchQuery;
import io.moesearch.connectors.message.SearchResult;
import io.moesearch.core.artifact.IndexArtifact;
import io.moesearch.core.artifact.IndexCompaction;
import io.moesearch.core.cache.QueryNormalizer;
import io.moesearch.core.catalog.Product;
import io.moesearch.core.gate.ActivationRule;
import io.moesearch.core.gate.ExpertAssigner;
import io.moesearch.core.gate.LoadAwareRoutingConfig;
import io.moesearch.core.gate.RoutingConfig;
import io.moesearch.core.index.ExpertIndex;
import io.moesearch.core.live.CatalogFold;
import io.moesearch.core.rank.LinearFusion;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.streaming.api.operators.KeyedProcessOperator;
import org.apache.flink.streaming.api.operators.co.CoBroadcastWithKeyedOperator;
import org.apache.flink.streaming.api.operators.co.KeyedCoProcessOperator;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.BroadcastOperatorTestHarness;
import org.apache.flink.streaming.util.KeyedBroadcastOperatorTestHarness;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;
import org.apache.flink.streaming.util.KeyedTwoInputStreamOperatorTestHarness;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A filtered query is routed by the live catalogue's matches, not the artifact's: the router hears
 * of every applied change and widens a brand, price or stock filter to the experts that hold its
 * matches now. Before, it counted the artifact's brands and prices only, and pages went unfilled,
 * answered {@code no_match}, or missed new products (found by an adversarial review). The whole
 * computed path, route → retrieval (with the live delta) → merge, on a small real index.
 */
class LiveFilteredRoutingTest extends SmallIndexTestBase {
  private static final RankingSettings RANKING =
      new RankingSettings(true, 20, 50, LinearFusion.rrf());

  static final List<Set<String>> expertIds = new ArrayList<>();

  private KeyedOneInputStreamOperatorTestHarness<String, ProductUpdate, SlotDelta> apply;
  private KeyedTwoInputStreamOperatorTestHarness<Integer, ExpertRequest, SlotDelta, PartialResult>
      retrieval;
  private BroadcastOperatorTestHarness<EmbeddedQuery, CatalogChange, ExpertRequest> route;
  private KeyedBroadcastOperatorTestHarness<String, PartialResult, CatalogChange, SearchResult>
      merge;
  private long ts = 100;

  @BeforeAll
  static void listExpertIds() {
    for (ExpertIndex e : artifact.openExperts()) {
      expertIds.add(new HashSet<>(e.productIds()));
      e.close();
    }
  }

  @BeforeEach
  void setUp() throws Exception {
    apply =
        Harnesses.withoutGenericTypes(
            new KeyedOneInputStreamOperatorTestHarness<>(
                new KeyedProcessOperator<>(new ApplyCatalogUpdates(dir.toString())),
                ProductUpdate::productId,
                Types.STRING));
    apply.open();
    retrieval =
        Harnesses.withoutGenericTypes(
            new KeyedTwoInputStreamOperatorTestHarness<>(
                new KeyedCoProcessOperator<>(new ExpertRetrieval(dir.toString(), 3, RANKING)),
                ExpertRequest::slot,
                SlotDelta::slot,
                Types.INT));
    retrieval.open();
    retrieval.setProcessingTime(1_000);
    route = Harnesses.router(router());
    route.open();
    merge =
        Harnesses.withoutGenericTypes(
            new KeyedBroadcastOperatorTestHarness<>(
                new CoBroadcastWithKeyedOperator<>(
                    new MergePartials("v", 1_000, RANKING, false),
                    List.of(MergePartials.FENCE_REMOVED, MergePartials.FENCE_PATCHES)),
                MergePartials::key,
                Types.STRING,
                128,
                1,
                0));
    merge.open();
    merge.setProcessingTime(1_000);
  }

  private static RouteQueries router() {
    return router(dir);
  }

  /** The hybrid router the tests use, over the artifact in {@code artifactDir}. */
  private static RouteQueries router(Path artifactDir) {
    return new RouteQueries(
        artifactDir.toString(),
        LoadAwareRoutingConfig.plain(
            new RoutingConfig(0.05, new ActivationRule(0.7, 1, EXPERTS)), 1),
        true,
        null,
        0);
  }

  @AfterEach
  void tearDown() throws Exception {
    apply.close();
    retrieval.close();
    route.close();
    merge.close();
  }

  /** Applies a patch; forwards its slot deltas to retrieval and its change to the merge. */
  private void patch(String id, Double price, Boolean inStock) throws Exception {
    send(ProductUpdate.of(CatalogUpdate.patch(id, price, inStock, ts++), 1));
  }

  private void upsert(Product p) throws Exception {
    send(
        ProductUpdate.of(CatalogUpdate.upsert(p, true, ts++), 1)
            .withVector(embedder.embed(p.searchableText())));
  }

  private void send(ProductUpdate u) throws Exception {
    int deltas = apply.extractOutputValues().size();
    var side = apply.getSideOutput(ApplyCatalogUpdates.CHANGES);
    int changes = side == null ? 0 : side.size();
    apply.processElement(new StreamRecord<>(u));
    List<SlotDelta> out = apply.extractOutputValues();
    for (SlotDelta d : out.subList(deltas, out.size())) {
      retrieval.processElement2(new StreamRecord<>(d));
    }
    var all = List.copyOf(apply.getSideOutput(ApplyCatalogUpdates.CHANGES));
    for (var c : all.subList(changes, all.size())) {
      merge.processBroadcastElement(new StreamRecord<>(c.getValue()));
      route.processBroadcastElement(new StreamRecord<>(c.getValue()));
    }
  }

  /** The query through route → retrieval → merge; its experts and its answer. */
  private record Answer(int[] experts, SearchResult result) {}

  private Answer ask(String id, String text, int topK, Filters filters) throws Exception {
    SearchQuery q = new SearchQuery(id, text, topK, filters, 0, null);
    int before = route.extractOutputValues().size();
    route.processElement(new StreamRecord<>(new EmbeddedQuery(q, embedder.embed(text), 500, 1)));
    List<ExpertRequest> reqs =
        route.extractOutputValues().subList(before, route.extractOutputValues().size());
    int pBefore = retrieval.extractOutputValues().size();
    for (ExpertRequest r : reqs) {
      retrieval.processElement1(new StreamRecord<>(r));
    }
    List<PartialResult> parts =
        retrieval.extractOutputValues().subList(pBefore, retrieval.extractOutputValues().size());
    int mBefore = merge.extractOutputValues().size();
    for (PartialResult p : parts) {
      merge.processElement(new StreamRecord<>(p));
    }
    List<SearchResult> answers = merge.extractOutputValues();
    assertThat(answers).hasSize(mBefore + 1);
    return new Answer(reqs.get(0).experts(), answers.get(answers.size() - 1));
  }

  private static List<String> ids(SearchResult r) {
    return Arrays.stream(r.items()).map(RankedItem::productId).toList();
  }

  /**
   * Brand + in_stock: after the brand's products in the experts the query was routed to go out of
   * stock, the router widens it to the experts holding in-stock ones, and the page fills; also
   * after the router is restored from a checkpoint (its view of the changes is broadcast state).
   * Counting the artifact's matches, it stopped at the first experts and answered no_match.
   */
  @Test
  void brandInStockQueryFillsItsPageWhenTheRoutedExpertsMatchesAreOutOfStock() throws Exception {
    Map<String, List<Product>> byBrand = new LinkedHashMap<>();
    for (Product p : catalog.products()) {
      if (p.brand() != null && !p.brand().isBlank()) {
        byBrand
            .computeIfAbsent(QueryNormalizer.normalize(p.brand()), b -> new ArrayList<>())
            .add(p);
      }
    }
    String text = "something nice to buy";
    int topK = 3;
    boolean tried = false;
    for (var e : byBrand.entrySet()) {
      if (e.getValue().size() < 8) {
        continue;
      }
      String brand = e.getKey();
      Filters f = new Filters(new String[] {brand}, null, null, true);
      Answer probe = ask("probe-" + brand, text, topK, f);
      Set<Integer> searched =
          Arrays.stream(probe.experts()).filter(x -> x >= 0).boxed().collect(Collectors.toSet());
      List<Product> inSearched = new ArrayList<>();
      List<Product> elsewhere = new ArrayList<>();
      for (Product p : e.getValue()) {
        boolean held = searched.stream().anyMatch(x -> expertIds.get(x).contains(p.id()));
        (held ? inSearched : elsewhere).add(p);
      }
      if (elsewhere.size() < topK || inSearched.isEmpty()) {
        continue;
      }
      tried = true;
      // Every product of the brand in the searched experts goes out of stock.
      for (Product p : inSearched) {
        patch(p.id(), null, false);
      }
      var snapshot = route.snapshot(1, 1);
      route.close();
      route = Harnesses.router(router());
      route.initializeState(snapshot);
      route.open();
      Answer a = ask("real-" + brand, text, topK, f);
      System.out.printf(
          "brand %s: searched experts %s (of %d); %d in-stock products of the brand held only by"
              + " unsearched experts; answer experts %s items %s no_match %s%n",
          brand,
          searched,
          EXPERTS,
          elsewhere.size(),
          Arrays.toString(a.experts()),
          ids(a.result()),
          a.result().noMatch());
      assertThat(ids(a.result()))
          .as(
              "brand %s in stock: %d matching products exist (%s), top_k %d",
              brand, elsewhere.size(), elsewhere.stream().map(Product::id).toList(), topK)
          .hasSize(topK);
      return;
    }
    assertThat(tried).as("found a brand to try").isTrue();
  }

  /**
   * Price range: products patched into a range no artifact product is in. The router counts zero
   * matches everywhere and sends the query to one expert only, so the patched products held by
   * other experts are never found, the page not filled.
   */
  @Test
  void priceFilterFindsProductsPatchedIntoItsRange() throws Exception {
    for (Product p : catalog.products()) {
      assertThat(p.price() == null || p.price() > 0.5)
          .as("no shipped product of the first 300 priced <= 0.5")
          .isTrue();
    }
    // One product of each expert (held by it alone), patched to 0.25.
    List<String> patched = new ArrayList<>();
    for (int e = 0; e < EXPERTS; e++) {
      for (Product p : catalog.products()) {
        int held = 0;
        for (Set<String> ids : expertIds) {
          held += ids.contains(p.id()) ? 1 : 0;
        }
        if (held == 1 && expertIds.get(e).contains(p.id()) && !patched.contains(p.id())) {
          patched.add(p.id());
          break;
        }
      }
    }
    for (String id : patched) {
      patch(id, 0.25, null);
    }
    Answer a = ask("cheap", "something nice to buy", 4, new Filters(null, null, 0.5));
    System.out.printf(
        "price_max 0.5: patched %s; experts %s items %s no_match %s%n",
        patched, Arrays.toString(a.experts()), ids(a.result()), a.result().noMatch());
    assertThat(ids(a.result()))
        .as("every product priced <= 0.5 (4 exist: %s)", patched)
        .containsExactlyInAnyOrderElementsOf(patched);
  }

  /**
   * A new brand: products of a brand the artifact does not hold are upserted into every expert. The
   * router counts zero matches for it everywhere and searches one expert, so a brand-filtered query
   * (vague text, as a shopper browsing the brand) never shows the new products held by the other
   * experts.
   */
  @Test
  void aBrandFilterFindsEveryNewProductOfANewBrand() throws Exception {
    List<String> added = new ArrayList<>();
    Set<Integer> covered = new HashSet<>();
    var g = artifact.manifest().gate();
    var assigner =
        new io.moesearch.core.gate.ExpertAssigner(
            artifact.gate(), g.temperature(), g.replicationRatio(), g.maxCopies());
    for (Product base : catalog.products()) {
      if (covered.size() == EXPERTS) {
        break;
      }
      Product p =
          new Product(
              "zen-" + base.id(),
              base.title(),
              "Zenthra",
              base.model(),
              base.description(),
              base.price(),
              null);
      int[] ex = assigner.assign(embedder.embed(p.searchableText()));
      if (ex.length == 1 && covered.add(ex[0])) {
        upsert(p);
        added.add(p.id());
      }
    }
    assertThat(covered).hasSize(EXPERTS);
    Answer a =
        ask("zen", "something nice to buy", 4, new Filters(new String[] {"zenthra"}, null, null));
    System.out.printf(
        "brand zenthra: upserted %s; experts %s items %s no_match %s%n",
        added, Arrays.toString(a.experts()), ids(a.result()), a.result().noMatch());
    assertThat(ids(a.result()))
        .as("the 4 products of brand zenthra (%s)", added)
        .containsExactlyInAnyOrderElementsOf(added);
  }

  /**
   * A compaction may fold an older change of a product and not its newest: out of stock (ts 1, in
   * the compacted version), then back in stock (ts 2, after it). Before the swap the product's
   * newest listing equals the first version's, and the router dropped it as folded; restored on the
   * compacted version it then counted the product out of stock for good (found in review). It keeps
   * every product's newest change, so the product counts as the version it serves lists it.
   */
  @Test
  void aChangeNewerThanTheCompactionCountsAfterTheSwapAlthoughTheOldVersionListedItSo()
      throws Exception {
    Product p = catalog.products().get(3);
    Product other = catalog.products().get(4);
    patch(p.id(), null, false); // ts 100
    patch(p.id(), null, true); // ts 101: as the first version lists it
    patch(other.id(), 0.25, null); // another change after it
    var snapshot = route.snapshot(1, 1);

    var g = artifact.manifest().gate();
    CatalogFold fold =
        new CatalogFold(
            catalog.products(),
            Map.of(),
            new ExpertAssigner(
                artifact.gate(), g.temperature(), g.replicationRatio(), g.maxCopies()),
            artifact.placement());
    fold.patch(p.id(), null, false, 100); // the compaction read up to the first patch only
    Path compactRoot = Files.createDirectories(root.resolve("compacted-" + System.nanoTime()));
    IndexArtifact next =
        IndexCompaction.compactLocally(
            artifact, catalog.products(), fold, embedder, compactRoot, 16, "t", Map.of(0, 1L), 1);
    assertThat(next.outOfStock()).contains(p.id());

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
          .as(
              "%s back in stock against the compacted version's out of stock, and %s's price",
              p.id(), other.id())
          .isEqualTo(2);
    }
  }
}
