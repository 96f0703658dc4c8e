package io.moesearch.operators;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import io.moesearch.connectors.message.CacheFill;
import io.moesearch.connectors.message.ExpertStats;
import io.moesearch.connectors.message.Filters;
import io.moesearch.connectors.message.RankedItem;
import io.moesearch.connectors.message.SearchQuery;
import io.moesearch.connectors.message.SearchResult;
import io.moesearch.core.artifact.GateVersionWriter;
import io.moesearch.core.artifact.IndexArtifact;
import io.moesearch.core.artifact.Manifest;
import io.moesearch.core.catalog.Catalog;
import io.moesearch.core.catalog.Product;
import io.moesearch.core.embed.Embedder;
import io.moesearch.core.embed.EmbeddingModel;
import io.moesearch.core.index.Candidate;
import io.moesearch.core.index.ExpertIndex;
import io.moesearch.core.live.UpsertSignature;
import io.moesearch.core.overload.DegradationLevel;
import io.moesearch.core.rank.HybridRanker;
import io.moesearch.core.rank.LinearFusion;
import io.moesearch.core.rank.RankingFeatures;
import io.moesearch.core.retrieval.FilterQueries;
import io.moesearch.core.retrieval.QueryExpansion;
import io.moesearch.core.retrieval.Retriever;
import io.moesearch.core.retrieval.Synonyms;
import io.moesearch.core.testing.SmallIndex;
import io.moesearch.state.ExpertLoad;
import io.moesearch.state.StateDescriptors;
import java.lang.reflect.Field;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Function;
import java.util.function.Predicate;
import java.util.stream.Collectors;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.runtime.checkpoint.OperatorSubtaskState;
import org.apache.flink.streaming.api.operators.AbstractStreamOperator;
import org.apache.flink.streaming.api.operators.co.KeyedCoProcessOperator;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.KeyedBroadcastOperatorTestHarness;
import org.apache.flink.streaming.util.KeyedTwoInputStreamOperatorTestHarness;
import org.apache.lucene.search.MatchAllDocsQuery;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Keyed per-expert retrieval against a small real index (real model, real Lucene HNSW). */
class ExpertRetrievalTest {
  private static final int PRODUCTS = 300;
  private static final int EXPERTS = 4;
  private static final int OVERSAMPLE = 3;
  private static final long HALF_LIFE_MS = 1_000;
  private static final long STATS_INTERVAL_MS = 500;

  @TempDir static Path root;
  static EmbeddingModel model;
  static Embedder embedder;
  static Catalog catalog;
  static Map<String, Product> products;
  static Path dir;
  static IndexArtifact artifact;
  static List<ExpertIndex> experts;

  private KeyedTwoInputStreamOperatorTestHarness<Integer, ExpertRequest, SlotDelta, PartialResult>
      harness;

  @BeforeAll
  static void buildIndex() {
    model = SmallIndex.model();
    embedder = model.newEmbedder();
    catalog = SmallIndex.catalogue(PRODUCTS);
    products =
        catalog.products().stream().collect(Collectors.toMap(Product::id, Function.identity()));
    dir = SmallIndex.build(catalog, model, EXPERTS, root);
    artifact = IndexArtifact.load(dir, 384);
    experts = artifact.openExperts();
  }

  @AfterAll
  static void closeIndex() {
    experts.forEach(ExpertIndex::close);
    embedder.close();
    model.close();
  }

  @BeforeEach
  void setUp() throws Exception {
    harness = newHarness();
    harness.open();
    harness.setProcessingTime(1_000);
  }

  @AfterEach
  void tearDown() throws Exception {
    harness.close();
  }

  private static KeyedTwoInputStreamOperatorTestHarness<
          Integer, ExpertRequest, SlotDelta, PartialResult>
      newHarness() throws Exception {
    return newHarness(RankingSettings.denseOnly());
  }

  private static KeyedTwoInputStreamOperatorTestHarness<
          Integer, ExpertRequest, SlotDelta, PartialResult>
      newHarness(RankingSettings ranking) throws Exception {
    return newHarness(
        new ExpertRetrieval(dir.toString(), OVERSAMPLE, ranking, HALF_LIFE_MS, STATS_INTERVAL_MS));
  }

  private static KeyedTwoInputStreamOperatorTestHarness<
          Integer, ExpertRequest, SlotDelta, PartialResult>
      newHarness(ExpertRetrieval retrieval) throws Exception {
    return Harnesses.withoutGenericTypes(
        new KeyedTwoInputStreamOperatorTestHarness<>(
            new KeyedCoProcessOperator<>(retrieval),
            ExpertRequest::slot,
            SlotDelta::slot,
            Types.INT));
  }

  private static ExpertRequest request(String text, int expert, int topK, Filters filters) {
    SearchQuery q =
        new SearchQuery("q-" + expert + "-" + text.hashCode(), text, topK, filters, 0, null);
    int[] activated = {expert, (expert + 1) % EXPERTS};
    return new ExpertRequest(q, embedder.embed(text), expert, activated, 5_000L, 1.5, 0.5);
  }

  /** Processes one request and returns the partial it produced. */
  private PartialResult retrieve(ExpertRequest req) throws Exception {
    int before = harness.extractOutputValues().size();
    harness.processElement1(new StreamRecord<>(req));
    List<PartialResult> out = harness.extractOutputValues();
    assertThat(out).as("one partial per request").hasSize(before + 1);
    return out.get(out.size() - 1);
  }

  private static List<String> ids(RankedItem[] items) {
    return Arrays.stream(items).map(RankedItem::productId).toList();
  }

  private static List<String> ids(List<Candidate> candidates) {
    return candidates.stream().map(Candidate::productId).toList();
  }

  private static long countInExpert(int expert, Predicate<Product> p) {
    return experts.get(expert).search(new MatchAllDocsQuery(), PRODUCTS).stream()
        .map(c -> products.get(c.productId()))
        .filter(p)
        .count();
  }

  private static ExpertLoad loadOf(
      KeyedTwoInputStreamOperatorTestHarness<Integer, ExpertRequest, SlotDelta, PartialResult> h,
      int expert)
      throws Exception {
    return loadOf(h, expert, expert);
  }

  /** The load of {@code expert}'s replica on {@code slot}. */
  private static ExpertLoad loadOf(
      KeyedTwoInputStreamOperatorTestHarness<Integer, ExpertRequest, SlotDelta, PartialResult> h,
      int expert,
      int slot)
      throws Exception {
    AbstractStreamOperator<PartialResult> op = h.getOperator();
    op.setCurrentKey(slot);
    return op.getKeyedStateStore().getMapState(StateDescriptors.replicaLoad()).get(expert);
  }

  /** Snapshots the operator, closes it and restores a new instance from the snapshot. */
  private void snapshotAndRestore() throws Exception {
    OperatorSubtaskState snapshot = harness.snapshot(1L, 1_000);
    harness.close();
    harness = newHarness();
    harness.setup();
    harness.initializeState(snapshot);
    harness.open();
  }

  /** {@code request} served by {@code slot} (a replica of its expert). */
  private static ExpertRequest onSlot(ExpertRequest r, int slot) {
    return new ExpertRequest(
        r.query(),
        r.vector(),
        r.expert(),
        r.experts(),
        r.tsInMillis(),
        r.embedMs(),
        r.routeMs(),
        r.embeddingCached(),
        r.artifactDir(),
        r.indexVersion(),
        r.oversample(),
        slot);
  }

  private static KeyedTwoInputStreamOperatorTestHarness<
          Integer, ExpertRequest, SlotDelta, PartialResult>
      shedding(long replayFullQualityMillis) throws Exception {
    return newHarness(
        new ExpertRetrieval(
                dir.toString(),
                OVERSAMPLE,
                RankingSettings.denseOnly(),
                HALF_LIFE_MS,
                STATS_INTERVAL_MS)
            .shedAfter(200, replayFullQualityMillis));
  }

  /** Retrieves {@code r} at processing time {@code now} as if accepted {@code ageMillis} before. */
  private static PartialResult retrieveWaited(
      KeyedTwoInputStreamOperatorTestHarness<Integer, ExpertRequest, SlotDelta, PartialResult> h,
      ExpertRequest r,
      long now,
      long ageMillis)
      throws Exception {
    h.setProcessingTime(now);
    int before = h.extractOutputValues().size();
    h.processElement1(
        new StreamRecord<>(
            new ExpertRequest(
                r.query(), r.vector(), r.expert(), r.experts(), now - ageMillis, 5, r.routeMs())));
    List<PartialResult> out = h.extractOutputValues();
    assertThat(out).as("one partial per request").hasSize(before + 1);
    return out.get(out.size() - 1);
  }

  @Test
  void requestsWhoseQueriesWaitedPastTheBoundForAWholeIntervalAreShedNotSearched()
      throws Exception {
    ExpertRequest base = request(catalog.get(3).title(), 0, 5, null);
    long t0 = System.currentTimeMillis();
    try (var h = shedding(0)) {
      h.open();
      PartialResult fresh = retrieveWaited(h, base, t0, 20);
      assertThat(fresh.degradation()).isEqualTo(DegradationLevel.NONE);
      assertThat(fresh.items()).as("a fresh request is searched").isNotEmpty();
      // A stall: one request waited 10 s, the next ones did not. Nothing is shed.
      assertThat(retrieveWaited(h, base, t0 + 250, 10_000).items()).isNotEmpty();
      assertThat(retrieveWaited(h, base, t0 + 260, 10).items()).isNotEmpty();
      // Every request waits 10 s for longer than the 200 ms interval: they are shed.
      PartialResult last = null;
      for (long t = t0 + 500; t <= t0 + 1_000; t += 50) {
        last = retrieveWaited(h, base, t, 10_000);
      }
      assertThat(last.degradation()).isEqualTo(DegradationLevel.OVERLOADED);
      assertThat(last.items()).as("a request that waited 10 s is not searched").isEmpty();
      assertThat(last.query()).isEqualTo(base.query());
      // A request that did not wait is searched even while the others are shed.
      assertThat(retrieveWaited(h, base, t0 + 1_010, 10).degradation())
          .isEqualTo(DegradationLevel.NONE);

      // In the replay window after a restore, the same old requests are searched in full.
      OperatorSubtaskState snapshot = h.snapshot(1L, t0 + 1_010);
      try (var restored = shedding(60_000)) {
        restored.setup();
        restored.initializeState(snapshot);
        restored.open();
        for (long t = t0 + 2_000; t <= t0 + 2_500; t += 50) {
          PartialResult p = retrieveWaited(restored, base, t, 10_000);
          assertThat(p.degradation()).isEqualTo(DegradationLevel.NONE);
          assertThat(ids(p.items())).isEqualTo(ids(fresh.items()));
        }
      }
    }
  }

  @Test
  void partialHoldsTheExpertsExactTopKInOrder() throws Exception {
    List<String> texts = List.of("usb c cable", "toner cartridge black", catalog.get(7).title());
    int topK = 7;
    for (String text : texts) {
      for (int e = 0; e < EXPERTS; e++) {
        ExpertRequest req = request(text, e, topK, null);
        PartialResult p = retrieve(req);

        List<Candidate> expected =
            Retriever.expertTopK(experts.get(e), req.vector(), topK, OVERSAMPLE, null);
        assertThat(expected).isNotEmpty();
        assertThat(ids(p.items()))
            .as("expert %d, '%s'", e, text)
            .containsExactlyElementsOf(ids(expected));
        assertThat(p.items())
            .extracting(RankedItem::score)
            .containsExactlyElementsOf(expected.stream().map(Candidate::score).toList());
        assertThat(p.items()).hasSize(Math.min(topK, experts.get(e).size()));
        assertThat(p.items())
            .isSortedAccordingTo(Comparator.comparing(RankedItem::score).reversed());
        assertThat(p.expert()).isEqualTo(e);
        assertThat(p.experts()).containsExactly(req.experts());
        assertThat(p.query()).isEqualTo(req.query());
        assertThat(p.tsInMillis()).isEqualTo(5_000L);
        assertThat(p.embedMs()).isEqualTo(1.5);
        assertThat(p.routeMs()).isEqualTo(0.5);
        assertThat(p.retrieveMs()).isNotNegative();
        // The dense floor: the score a product needed to be among the k (anything, if fewer).
        assertThat(p.floor())
            .isEqualTo(
                expected.size() < topK
                    ? UpsertSignature.ANY
                    : expected.get(expected.size() - 1).score());
      }
    }
    // One statistics timer per expert served (at the end of the interval), nothing else.
    assertThat(harness.numProcessingTimeTimers()).isEqualTo(EXPERTS);
  }

  @Test
  void brandFilterReturnsOnlyThatBrandsProducts() throws Exception {
    String brand = "HP";
    Predicate<Product> isBrand = p -> p.brand().toLowerCase(Locale.ROOT).equals("hp");
    int topK = 10;
    boolean unfilteredHadOtherBrands = false;
    int filteredTotal = 0;
    for (int e = 0; e < EXPERTS; e++) {
      ExpertRequest req =
          request("usb c cable", e, topK, new Filters(new String[] {brand}, null, null));
      PartialResult filtered = retrieve(req);
      PartialResult unfiltered = retrieve(request("usb c cable", e, topK, null));

      assertThat(ids(filtered.items()))
          .as("expert %d", e)
          .allSatisfy(id -> assertThat(products.get(id).brand()).isEqualToIgnoringCase(brand));
      // The filter is applied inside the graph search: every matching product can be found.
      assertThat(filtered.items()).hasSize((int) Math.min(topK, countInExpert(e, isBrand)));
      assertThat(ids(filtered.items()))
          .containsExactlyElementsOf(
              ids(
                  Retriever.expertTopK(
                      experts.get(e),
                      req.vector(),
                      topK,
                      OVERSAMPLE,
                      FilterQueries.of(new String[] {brand}, null, null))));
      if (filtered.items().length < topK) {
        assertThat(filtered.floor()).as("a list cut short admits anything").isEqualTo(-1f);
      }
      filteredTotal += filtered.items().length;
      unfilteredHadOtherBrands |=
          ids(unfiltered.items()).stream().anyMatch(id -> !isBrand.test(products.get(id)));
    }
    assertThat(filteredTotal).as("HP products found across experts").isPositive();
    assertThat(unfilteredHadOtherBrands).as("the filter changed something").isTrue();
    assertThat(harness.numProcessingTimeTimers()).as("statistics timers").isEqualTo(EXPERTS);
  }

  @Test
  void priceFilterReturnsOnlyProductsInTheRange() throws Exception {
    double min = 20.0;
    double max = 100.0;
    Predicate<Product> inRange = p -> p.price() != null && p.price() >= min && p.price() <= max;
    int topK = 10;
    int total = 0;
    for (int e = 0; e < EXPERTS; e++) {
      PartialResult p = retrieve(request("wireless mouse", e, topK, new Filters(null, min, max)));
      assertThat(ids(p.items())).allSatisfy(id -> assertThat(inRange).accepts(products.get(id)));
      assertThat(p.items()).hasSize((int) Math.min(topK, countInExpert(e, inRange)));
      total += p.items().length;
    }
    assertThat(total).isPositive();
  }

  @Test
  void expertLoadDecaysSurvivesACheckpointAndIsPublishedPerInterval() throws Exception {
    for (String text : List.of("usb c cable", "toner", "notebook")) {
      retrieve(request(text, 1, 5, null));
    }
    retrieve(request("toner", 2, 3, null));

    ExpertLoad beforeSnapshot = loadOf(harness, 1);
    assertThat(beforeSnapshot.activations()).isEqualTo(3);
    assertThat(beforeSnapshot.candidates()).as("k × oversample each").isEqualTo(3 * 5 * OVERSAMPLE);
    assertThat(beforeSnapshot.lastUpdateMillis()).isEqualTo(1_000);
    assertThat(loadOf(harness, 0)).as("an expert never asked").isNull();
    assertThat(harness.numKeyedStateEntries()).as("one entry per expert served").isEqualTo(2);

    snapshotAndRestore();
    assertThat(loadOf(harness, 1)).as("restored").isEqualTo(beforeSnapshot);

    // The restored timer fires at the interval's end: one statistics record per busy expert.
    harness.setProcessingTime(1_500);
    List<ExpertStats> stats =
        harness.getSideOutput(ExpertRetrieval.STATS).stream().map(StreamRecord::getValue).toList();
    assertThat(stats).extracting(ExpertStats::expert).containsExactlyInAnyOrder(1, 2);
    assertThat(stats).allSatisfy(s -> assertThat(s.slot()).isEqualTo(s.expert()));
    ExpertStats one = stats.stream().filter(s -> s.expert() == 1).findFirst().orElseThrow();
    assertThat(one.activations()).isCloseTo(3 * Math.pow(0.5, 0.5), within(1e-9));
    assertThat(one.lastUpdate()).isEqualTo(1_000);
    assertThat(one.indexVersion()).isEqualTo(artifact.version());
    assertThat(harness.numProcessingTimeTimers()).as("quiet experts keep no timer").isZero();

    harness.setProcessingTime(2_000);
    retrieve(request("monitor", 1, 5, null));
    ExpertLoad after = loadOf(harness, 1);
    assertThat(after.activations())
        .as("decayed one half-life, plus one")
        .isCloseTo(2.5, within(1e-9));
    assertThat(after.lastUpdateMillis()).isEqualTo(2_000);
    assertThat(after.latencyEwmaMs()).isNotNegative().isFinite();
    assertThat(harness.numProcessingTimeTimers()).isEqualTo(1);
  }

  @Test
  void aSlotHoldingReplicasOfTwoExpertsKeepsAndPublishesEachReplicasLoad() throws Exception {
    // Slot 3 serves a replica of expert 1 and one of expert 2; expert 1 also has a replica on slot
    // 1 (a replicated layout).
    retrieve(onSlot(request("usb c cable", 1, 5, null), 3));
    retrieve(onSlot(request("toner", 1, 5, null), 3));
    retrieve(onSlot(request("notebook", 2, 5, null), 3));
    retrieve(onSlot(request("monitor", 1, 5, null), 1));
    assertThat(loadOf(harness, 1, 3).activations()).isEqualTo(2);
    assertThat(loadOf(harness, 2, 3).activations()).isEqualTo(1);
    assertThat(loadOf(harness, 1, 1).activations()).isEqualTo(1);
    assertThat(loadOf(harness, 2, 1)).as("expert 2 never served from slot 1").isNull();
    assertThat(harness.numProcessingTimeTimers()).as("one per busy slot").isEqualTo(2);

    snapshotAndRestore();
    assertThat(loadOf(harness, 1, 3).activations()).as("restored").isEqualTo(2);
    assertThat(loadOf(harness, 2, 3).activations()).as("restored").isEqualTo(1);

    harness.setProcessingTime(1_500);
    List<ExpertStats> stats =
        harness.getSideOutput(ExpertRetrieval.STATS).stream().map(StreamRecord::getValue).toList();
    assertThat(stats)
        .extracting(s -> s.expert() + "@" + s.slot())
        .containsExactlyInAnyOrder("1@3", "2@3", "1@1");
    assertThat(harness.numProcessingTimeTimers()).isZero();

    // Much later slot 3 serves expert 2 only: expert 1's replica there, decayed to nothing, is
    // dropped when the slot next publishes; slot 1, quiet, keeps its state and no timer.
    harness.setProcessingTime(40 * HALF_LIFE_MS);
    retrieve(onSlot(request("keyboard", 2, 5, null), 3));
    harness.setProcessingTime(41 * HALF_LIFE_MS);
    List<ExpertStats> later =
        harness.getSideOutput(ExpertRetrieval.STATS).stream()
            .map(StreamRecord::getValue)
            .skip(stats.size())
            .toList();
    assertThat(later).extracting(s -> s.expert() + "@" + s.slot()).containsExactly("2@3");
    assertThat(loadOf(harness, 1, 3)).as("negligible, removed").isNull();
    assertThat(loadOf(harness, 2, 3)).isNotNull();
    assertThat(loadOf(harness, 1, 1)).isNotNull();
    assertThat(harness.numProcessingTimeTimers()).isZero();
  }

  /** {@code request} sent to the query's lexical (BM25) branch instead of an expert. */
  private static ExpertRequest lexical(ExpertRequest r) {
    int key = ExpertRequest.lexical(r.query().queryId());
    return new ExpertRequest(
        r.query(),
        r.vector(),
        key,
        r.experts(),
        r.tsInMillis(),
        r.embedMs(),
        r.routeMs(),
        false,
        null,
        null,
        0,
        key);
  }

  /**
   * With hybrid ranking, a negative key is served by the BM25 branch over the lexical index: a
   * product that BM25 finds for its model number but that no expert's dense top {@code dense-depth}
   * holds reaches the partials through that branch alone, with its BM25 feature set and its exact
   * cosine as score.
   */
  @Test
  void theLexicalBranchFindsWhatNoExpertsDenseSearchDoes() throws Exception {
    harness.close();
    RankingSettings hybrid = new RankingSettings(true, 20, 50, LinearFusion.rrf());
    harness = newHarness(hybrid);
    harness.open();
    harness.setProcessingTime(1_000);

    Product found = null;
    PartialResult bm25 = null;
    for (Product p : catalog.products()) {
      if (p.model() == null || p.model().isBlank()) {
        continue;
      }
      ExpertRequest req = request(p.model(), 0, 10, null);
      PartialResult lexical = retrieve(lexical(req));
      if (!ids(lexical.items()).contains(p.id())) {
        continue;
      }
      boolean dense = false;
      for (int e = 0; e < EXPERTS && !dense; e++) {
        dense = ids(retrieve(request(p.model(), e, 10, null)).items()).contains(p.id());
      }
      if (!dense) {
        found = p;
        bm25 = lexical;
        break;
      }
    }
    assertThat(found).as("a product only BM25 finds for its model number").isNotNull();

    int at = ids(bm25.items()).indexOf(found.id());
    assertThat(ExpertRequest.isLexical(bm25.expert())).isTrue();
    assertThat(bm25.features())
        .as("hybrid partials carry features")
        .hasNumberOfRows(bm25.items().length);
    assertThat(bm25.features()[at][RankingFeatures.BM25]).as("normalised BM25").isPositive();
    assertThat(bm25.items()[at].score())
        .as("exact cosine")
        .isEqualTo((float) bm25.features()[at][RankingFeatures.DENSE]);
    // Exactly the core's lexical branch: BM25 top lexical-depth of the whole catalogue.
    ExpertRequest req = request(found.model(), 0, 10, null);
    try (ExpertIndex index = artifact.openLexical()) {
      List<String> expected =
          new HybridRanker()
              .lexical(index, artifact.vectors(), found.model(), req.vector(), 50, null).stream()
                  .map(HybridRanker.Scored::productId)
                  .toList();
      assertThat(ids(bm25.items())).containsExactlyElementsOf(expected);
      var hits = index.search(new HybridRanker().bm25(found.model()), 50);
      assertThat(bm25.floor())
          .as("the lexical floor: the last hit's BM25 score (0: fewer hits than the depth)")
          .isEqualTo(hits.size() < 50 ? 0f : hits.get(hits.size() - 1).score());
    }
    assertThat(harness.numProcessingTimeTimers())
        .as("the lexical keys publish no expert statistics")
        .isEqualTo(EXPERTS);
  }

  /**
   * With query-time synonyms ({@code ranking.synonyms-path}) the BM25 branch searches the terms a
   * rule adds: a word no product carries, made a synonym of a catalogue word, finds exactly what
   * that word finds; without the rule it finds nothing.
   */
  @Test
  void theLexicalBranchSearchesTheSynonymsARuleAdds() throws Exception {
    String word =
        catalog.products().stream()
            .flatMap(p -> java.util.Arrays.stream(p.title().toLowerCase().split(" ")))
            .filter(w -> w.matches("[a-z]{5,}"))
            .findFirst()
            .orElseThrow();
    harness.close();
    harness = newHarness(new RankingSettings(true, 20, 50, LinearFusion.rrf()));
    harness.open();
    harness.setProcessingTime(1_000);
    assertThat(retrieve(lexical(request("zorblaxite", 0, 10, null))).items()).isEmpty();
    List<String> byWord = ids(retrieve(lexical(request(word, 0, 10, null))).items());
    assertThat(byWord).isNotEmpty();

    harness.close();
    Synonyms rule = Synonyms.parse("zorblaxite, " + word);
    harness =
        newHarness(
            new RankingSettings(
                true,
                20,
                50,
                LinearFusion.rrf(),
                RankingSettings.DEFAULT_MIN_SIMILARITY,
                QueryExpansion.of(rule)));
    harness.open();
    harness.setProcessingTime(1_000);
    assertThat(ids(retrieve(lexical(request("zorblaxite", 0, 10, null))).items()))
        .containsExactlyElementsOf(byWord);
  }

  /**
   * With hybrid ranking an expert sends its candidates' brands and models, not their features: the
   * merge computes features only for the dense candidates the fusion keeps.
   */
  @Test
  void withHybridRankingAnExpertSendsBrandsAndModelsInsteadOfFeatures() throws Exception {
    harness.close();
    harness = newHarness(new RankingSettings(true, 20, 50, LinearFusion.rrf()));
    harness.open();
    harness.setProcessingTime(1_000);

    PartialResult p = retrieve(request("toner cartridge black", 1, 10, null));

    assertThat(p.items()).isNotEmpty();
    assertThat(p.features()).as("no features from an expert").isNull();
    for (int i = 0; i < p.items().length; i++) {
      Product product = products.get(p.items()[i].productId());
      assertThat(p.brands()[i]).isEqualTo(product.brand());
      assertThat(p.models()[i]).isEqualTo(product.model());
    }
  }

  @Test
  void aRequestNamingAnotherVersionIsServedByThatVersion() throws Exception {
    Path copy = root.resolve("copy");
    Path other =
        GateVersionWriter.write(
                dir,
                artifact.gate(),
                new Manifest.GateUpdate(artifact.version(), "test copy", Map.of()),
                copy)
            .dir();
    ExpertRequest base = request("toner", 1, 5, null);
    String version = IndexArtifact.readManifest(other).indexVersion();
    ExpertRequest req =
        new ExpertRequest(
            base.query(),
            base.vector(),
            1,
            base.experts(),
            base.tsInMillis(),
            base.embedMs(),
            base.routeMs(),
            false,
            other.toString(),
            version,
            0,
            1);
    PartialResult p = retrieve(req);
    assertThat(p.indexVersion()).isEqualTo(version).isNotEqualTo(artifact.version());
    assertThat(ids(p.items())).isEqualTo(ids(retrieve(base).items()));
  }

  /**
   * A version the retrieval closes (the least recently used of three) leaves no view of its indexes
   * in the live slots: each would keep the closed index's product ids and cached rows reachable.
   */
  @Test
  @SuppressWarnings("unchecked")
  void theLiveSlotsForgetTheViewsOfTheIndexesOfAClosedVersion() throws Exception {
    ExpertRetrieval fn =
        new ExpertRetrieval(
            dir.toString(),
            OVERSAMPLE,
            RankingSettings.denseOnly(),
            HALF_LIFE_MS,
            STATS_INTERVAL_MS);
    try (var h = newHarness(fn)) {
      h.open();
      h.setProcessingTime(1_000);
      ExpertRequest base = request("toner", 1, 5, null);
      for (int n = 0; n < 3; n++) {
        Path version =
            n == 0
                ? dir
                : GateVersionWriter.write(
                        dir,
                        artifact.gate(),
                        new Manifest.GateUpdate(artifact.version(), "test copy", Map.of()),
                        root.resolve("forget-" + n))
                    .dir();
        h.processElement1(
            new StreamRecord<>(
                new ExpertRequest(
                    base.query(),
                    base.vector(),
                    1,
                    base.experts(),
                    base.tsInMillis(),
                    base.embedMs(),
                    base.routeMs(),
                    false,
                    version.toAbsolutePath().normalize().toString(),
                    null,
                    0,
                    1)));
      }
      Map<Integer, ?> slots = (Map<Integer, ?>) field(fn, "liveSlots");
      Map<ExpertIndex, ?> views = (Map<ExpertIndex, ?>) field(slots.get(1), "views");
      assertThat(views).as("views of the two open versions' indexes").hasSize(2);
      for (ExpertIndex viewed : views.keySet()) {
        assertThat(((AtomicBoolean) field(viewed, "closed")).get()).as("closed").isFalse();
      }
    }
  }

  private static Object field(Object o, String name) throws Exception {
    Field f = o.getClass().getDeclaredField(name);
    f.setAccessible(true);
    return f.get(o);
  }

  /**
   * A request the slot cannot serve (an expert the index does not have, a vector of another
   * dimension) emits a failed partial (no items) and does not fail the task: the merge answers
   * without it, and the next request is served as usual.
   */
  @Test
  void aRequestTheSlotCannotServeEmitsAFailedPartialAndDoesNotFailTheTask() throws Exception {
    ExpertRequest outside = request("toner", EXPERTS + 5, 5, null);
    ExpertRequest good = request("toner", 0, 5, null);
    ExpertRequest shortVector =
        new ExpertRequest(
            good.query(), new float[] {1f, 0f, 0f}, 0, good.experts(), 5_000L, 1.5, 0.5);
    harness.processElement1(new StreamRecord<>(outside));
    harness.processElement1(new StreamRecord<>(shortVector));
    assertThat(harness.extractOutputValues())
        .hasSize(2)
        .allSatisfy(
            p -> {
              assertThat(p.failed()).isTrue();
              assertThat(p.items()).isEmpty();
              assertThat(p.cacheFill()).isEqualTo(good.cacheFill());
            });

    harness.processElement1(new StreamRecord<>(good));
    assertThat(harness.extractOutputValues())
        .hasSize(3)
        .last()
        .satisfies(
            p -> {
              assertThat(p.failed()).isFalse();
              assertThat(p.items()).isNotEmpty();
            });
  }

  /** {@code r} as a request of a query embedded from the cache or not, its fill asked or not. */
  private static ExpertRequest with(ExpertRequest r, int[] experts, boolean cached, boolean fill) {
    return new ExpertRequest(
        r.query(),
        r.vector(),
        r.expert(),
        experts,
        r.tsInMillis(),
        r.embedMs(),
        r.routeMs(),
        cached,
        null,
        null,
        0,
        r.expert(),
        DegradationLevel.NONE,
        fill);
  }

  /**
   * Where the job writes cache fills, the partial of the first request of a query's fan-out carries
   * the query vector to the merge, which writes it with the answer (one fill per query); every
   * other partial, and every partial of a query embedded from the cache or whose answer the cache
   * did not ask for, carries none. So does every partial where fills are not written.
   */
  @Test
  void thePartialOfTheFirstRequestCarriesTheQueryVectorWhereFillsAreWritten() throws Exception {
    ExpertRequest first = request("toner", 0, 5, null);
    ExpertRequest second = with(request("toner", 1, 5, null), first.experts(), false, true);
    assertThat(retrieve(first).queryVector()).as("fills not written").isNull();
    harness.close();
    harness =
        newHarness(
            new ExpertRetrieval(
                    dir.toString(),
                    OVERSAMPLE,
                    RankingSettings.denseOnly(),
                    HALF_LIFE_MS,
                    STATS_INTERVAL_MS)
                .carryingQueryVectors());
    harness.open();
    harness.setProcessingTime(1_000);
    assertThat(retrieve(first).queryVector()).containsExactly(first.vector());
    assertThat(retrieve(second).queryVector()).as("not the first of the fan-out").isNull();
    assertThat(retrieve(with(first, first.experts(), true, true)).queryVector())
        .as("embedded from the cache")
        .isNull();
    assertThat(retrieve(with(first, first.experts(), false, false)).queryVector())
        .as("the cache did not ask")
        .isNull();
    // A first request the slot cannot serve: its failed partial carries the vector all the same.
    ExpertRequest outside = request("toner", EXPERTS + 5, 5, null);
    PartialResult failed = retrieve(outside);
    assertThat(failed.failed()).isTrue();
    assertThat(failed.queryVector()).containsExactly(outside.vector());
  }

  /** A shed partial of the first request of a fan-out carries the vector too. */
  @Test
  void aShedPartialOfTheFirstRequestCarriesTheQueryVector() throws Exception {
    ExpertRequest base = request(catalog.get(3).title(), 0, 5, null);
    long t0 = System.currentTimeMillis();
    try (var h =
        newHarness(
            new ExpertRetrieval(
                    dir.toString(),
                    OVERSAMPLE,
                    RankingSettings.denseOnly(),
                    HALF_LIFE_MS,
                    STATS_INTERVAL_MS)
                .shedAfter(200, 0)
                .carryingQueryVectors())) {
      h.open();
      PartialResult last = null;
      for (long t = t0 + 500; t <= t0 + 1_000; t += 50) {
        last = retrieveWaited(h, base, t, 10_000);
      }
      assertThat(last.degradation()).isEqualTo(DegradationLevel.OVERLOADED);
      assertThat(last.queryVector()).containsExactly(base.vector());
    }
  }

  @Test
  void oversampleBelowOneIsRejected() {
    assertThatThrownBy(() -> new ExpertRetrieval(dir.toString(), 0))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("oversample must be >= 1");
  }

  private static KeyedBroadcastOperatorTestHarness<
          String, PartialResult, CatalogChange, SearchResult>
      merge() throws Exception {
    var m =
        Harnesses.withoutGenericTypes(
            new KeyedBroadcastOperatorTestHarness<>(
                new org.apache.flink.streaming.api.operators.co.CoBroadcastWithKeyedOperator<>(
                    new MergePartials("v", 1_000, RankingSettings.denseOnly(), true),
                    List.of(MergePartials.FENCE_REMOVED, MergePartials.FENCE_PATCHES)),
                MergePartials::key,
                Types.STRING,
                128,
                1,
                0));
    m.open();
    m.setProcessingTime(1_000);
    return m;
  }

  /**
   * A query routed to one expert (the fast path, or FAST_PATH degradation) whose only request the
   * slot cannot serve is answered, once, flagged partial without that expert: the slot sends a
   * failed partial, where it sent nothing and the merge, which learns of a query from its first
   * partial, never answered it (found by an adversarial review).
   */
  @Test
  void aQueryWhoseOnlyRequestFailsIsAnsweredPartial() throws Exception {
    ExpertRequest base = request("toner", 0, 5, null);
    ExpertRequest only =
        new ExpertRequest(
            base.query(), base.vector(), EXPERTS + 5, new int[] {EXPERTS + 5}, 5_000L, 1.5, 0.5);
    harness.processElement1(new StreamRecord<>(only));
    try (var merge = merge()) {
      for (PartialResult p : harness.extractOutputValues()) {
        merge.processElement(new StreamRecord<>(p));
      }
      merge.setProcessingTime(10_000_000);
      assertThat(merge.extractOutputValues())
          .as("the query is answered once")
          .singleElement()
          .satisfies(
              r -> {
                assertThat(r.partial()).isTrue();
                assertThat(r.items()).isEmpty();
                assertThat(r.answeredExperts()).isEmpty();
              });
      var fills = merge.getSideOutput(MergePartials.FILLS);
      assertThat(fills == null ? List.<StreamRecord<CacheFill>>of() : fills)
          .as("a partial answer is not cached")
          .allSatisfy(f -> assertThat(f.getValue().kind()).isEqualTo(CacheFill.Kind.RELEASE));
    }
  }

  /**
   * An expert shed under overload: the merge answers "overloaded" at once and releases the
   * identical queries the cache holds back for this computation (its cache asked for a fill), as
   * the router does for a query it turns away; the shed partial used to drop the request's {@code
   * cacheFill}, and they waited out {@code cache.coalesce-wait-ms} (found by an adversarial
   * review).
   */
  @Test
  void aShedRequestReleasesTheCachesWaiters() throws Exception {
    ExpertRequest base = request(catalog.get(3).title(), 0, 5, null);
    long t0 = System.currentTimeMillis();
    try (var h = shedding(0);
        var merge = merge()) {
      h.open();
      PartialResult last = null;
      for (long t = t0 + 500; t <= t0 + 1_000; t += 50) {
        h.setProcessingTime(t);
        h.processElement1(
            new StreamRecord<>(
                new ExpertRequest(
                    base.query(),
                    base.vector(),
                    0,
                    new int[] {0},
                    t - 10_000,
                    5,
                    0.5,
                    false,
                    null,
                    null,
                    0,
                    0,
                    DegradationLevel.NONE,
                    true)));
        List<PartialResult> out = h.extractOutputValues();
        last = out.get(out.size() - 1);
      }
      assertThat(last.degradation()).isEqualTo(DegradationLevel.OVERLOADED);
      merge.processElement(new StreamRecord<>(last));
      assertThat(merge.extractOutputValues()).hasSize(1);
      assertThat(merge.getSideOutput(MergePartials.FILLS))
          .as("a release for the cache's waiters")
          .isNotNull()
          .singleElement()
          .satisfies(r -> assertThat(r.getValue().kind()).isEqualTo(CacheFill.Kind.RELEASE));
    }
  }
}
