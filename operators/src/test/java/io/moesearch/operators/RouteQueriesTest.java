package io.moesearch.operators;

import static org.assertj.core.api.Assertions.assertThat;

import io.moesearch.connectors.message.CacheFill;
import io.moesearch.connectors.message.DeadLetter;
import io.moesearch.connectors.message.MessageJson;
import io.moesearch.connectors.message.ParseOutcome;
import io.moesearch.connectors.message.QueryCodec;
import io.moesearch.connectors.message.RawMessage;
import io.moesearch.connectors.message.SearchQuery;
import io.moesearch.connectors.message.SearchResult;
import io.moesearch.core.artifact.GateVersionWriter;
import io.moesearch.core.artifact.IndexArtifact;
import io.moesearch.core.artifact.Manifest;
import io.moesearch.core.catalog.Catalog;
import io.moesearch.core.embed.Embedder;
import io.moesearch.core.embed.EmbeddingModel;
import io.moesearch.core.gate.ActivationRule;
import io.moesearch.core.gate.ExpertPlacement;
import io.moesearch.core.gate.ExpertPlacementPlanner;
import io.moesearch.core.gate.LoadAwareRouter;
import io.moesearch.core.gate.LoadAwareRoutingConfig;
import io.moesearch.core.gate.RoutingConfig;
import io.moesearch.core.overload.DegradationLevel;
import io.moesearch.core.testing.SmallIndex;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.apache.flink.streaming.api.operators.co.CoBroadcastWithNonKeyedOperator;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.BroadcastOperatorTestHarness;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** Fan-out of embedded queries to the experts the gate of a small real index activates. */
class RouteQueriesTest {
  private static final int EXPERTS = 4;

  @TempDir static Path root;
  static EmbeddingModel model;
  static Embedder embedder;
  static Path dir;
  static IndexArtifact artifact;
  static List<EmbeddedQuery> queries;

  @BeforeAll
  static void buildIndex() {
    model = SmallIndex.model();
    embedder = model.newEmbedder();
    Catalog catalog = SmallIndex.catalogue(300);
    dir = SmallIndex.build(catalog, model, EXPERTS, root);
    artifact = IndexArtifact.load(dir, 384);
    List<String> texts =
        new ArrayList<>(
            List.of(
                "usb c cable",
                "toner cartridge black",
                "wireless optical mouse",
                "notebook 16 gb ram",
                "uninterruptible power supply",
                "label printer tape",
                "intel xeon processor",
                "ethernet patch cord cat6"));
    for (int i = 0; i < 8; i++) {
      texts.add(catalog.get(i * 37).title());
    }
    queries = new ArrayList<>();
    for (int i = 0; i < texts.size(); i++) {
      SearchQuery q = new SearchQuery("q-" + i, texts.get(i), 10, null, 0, null);
      queries.add(new EmbeddedQuery(q, embedder.embed(q.text()), 10_000L + i, 0.5 * i));
    }
  }

  @AfterAll
  static void close() {
    embedder.close();
    model.close();
  }

  static Stream<RoutingConfig> routings() {
    return Stream.of(
        new RoutingConfig(0.05, new ActivationRule(0.7, 1, EXPERTS)),
        new RoutingConfig(0.05, new ActivationRule(0.5, 2, 3)),
        new RoutingConfig(1.0, new ActivationRule(0.9, 1, 2)),
        new RoutingConfig(0.05, new ActivationRule(1.0, 1, EXPERTS)));
  }

  private static List<ExpertRequest> route(RoutingConfig routing) throws Exception {
    try (BroadcastOperatorTestHarness<EmbeddedQuery, CatalogChange, ExpertRequest> h =
        Harnesses.router(new RouteQueries(dir.toString(), routing))) {
      h.open();
      for (EmbeddedQuery q : queries) {
        h.processElement(new StreamRecord<>(q));
      }
      return h.extractOutputValues();
    }
  }

  @ParameterizedTest
  @MethodSource("routings")
  void everyQueryFansOutToExactlyTheExpertsTheRouterChooses(RoutingConfig routing)
      throws Exception {
    LoadAwareRouter router =
        new LoadAwareRouter(artifact.gate(), LoadAwareRoutingConfig.plain(routing, 1));
    List<ExpertRequest> out = route(routing);

    int next = 0;
    for (EmbeddedQuery q : queries) {
      int[] chosen = router.route(q.vector(), null).experts();
      assertThat(chosen.length)
          .isBetween(routing.activation().minExperts(), routing.activation().maxExperts());
      assertThat(out.size())
          .as("requests left for %s", q.query().queryId())
          .isGreaterThanOrEqualTo(next + chosen.length);
      List<ExpertRequest> fan = out.subList(next, next + chosen.length);
      assertThat(fan)
          .extracting(ExpertRequest::expert)
          .as("experts of %s", q.query().queryId())
          .containsExactly(toBoxed(chosen));
      for (ExpertRequest r : fan) {
        assertThat(r.query()).isEqualTo(q.query());
        assertThat(r.experts()).containsExactly(chosen);
        assertThat(r.vector()).containsExactly(q.vector());
        assertThat(r.tsInMillis()).isEqualTo(q.tsInMillis());
        assertThat(r.embedMs()).isEqualTo(q.embedMs());
        assertThat(r.routeMs()).isNotNegative().isEqualTo(fan.get(0).routeMs());
      }
      next += chosen.length;
    }
    assertThat(out).as("no extra requests").hasSize(next);
  }

  @Test
  void allExpertsAreActivatedWhenTheRuleAsksForAllTheMass() throws Exception {
    List<ExpertRequest> out =
        route(new RoutingConfig(0.05, new ActivationRule(1.0, EXPERTS, EXPERTS)));
    assertThat(out).hasSize(queries.size() * EXPERTS);
    for (ExpertRequest r : out) {
      assertThat(r.experts()).containsExactlyInAnyOrder(0, 1, 2, 3);
    }
  }

  @Test
  void differentQueriesAreRoutedToDifferentExperts() throws Exception {
    List<ExpertRequest> out = route(new RoutingConfig(0.05, new ActivationRule(0.7, 1, EXPERTS)));
    Set<Integer> firstChoices = new HashSet<>();
    for (ExpertRequest r : out) {
      firstChoices.add(r.experts()[0]);
    }
    assertThat(firstChoices).as("top expert across queries").hasSizeGreaterThan(1);
  }

  private static BroadcastOperatorTestHarness<EmbeddedQuery, CatalogChange, ExpertRequest> harness(
      RouteQueries fn) throws Exception {
    return Harnesses.router(fn);
  }

  private static LoadAwareRoutingConfig balanced(double alpha) {
    return new LoadAwareRoutingConfig(
        new RoutingConfig(0.05, new ActivationRule(0.5, 1, 1)),
        alpha,
        60_000,
        0,
        new ActivationRule(0.5, 1, 1),
        10,
        10);
  }

  /** Routes one query at event time {@code ts} (its client timestamp) and returns its experts. */
  private static int[] routeOne(
      BroadcastOperatorTestHarness<EmbeddedQuery, CatalogChange, ExpertRequest> h, int i, long ts)
      throws Exception {
    EmbeddedQuery base = queries.get(i % queries.size());
    SearchQuery q = new SearchQuery("r-" + i, base.query().text(), 10, null, ts, null);
    int before = h.extractOutputValues().size();
    h.processElement(new StreamRecord<>(new EmbeddedQuery(q, base.vector(), ts, 0)));
    List<ExpertRequest> out = h.extractOutputValues();
    return out.get(out.size() - 1).experts();
  }

  @Test
  void balancingMovesAHotQueryOffItsBusyExpertAndTheLoadsSurviveARestore() throws Exception {
    Set<Integer> plain = new HashSet<>();
    Set<Integer> balancedChoices = new HashSet<>();
    try (var off = harness(new RouteQueries(dir.toString(), balanced(0), false, null, 0));
        var on = harness(new RouteQueries(dir.toString(), balanced(5.0), false, null, 0))) {
      off.open();
      on.open();
      for (int i = 0; i < 40; i++) {
        // The same query again and again: a popular query.
        plain.add(routeOne(off, 0, 1_000 + i)[0]);
        balancedChoices.add(routeOne(on, queries.size(), 1_000 + i)[0]);
      }
      assertThat(plain).as("without balancing one expert takes it all").hasSize(1);
      assertThat(balancedChoices).as("with balancing the load spreads").hasSizeGreaterThan(1);

      var snapshot = on.snapshot(1, 2_000);
      try (var restored =
          harness(new RouteQueries(dir.toString(), balanced(5.0), false, null, 0))) {
        restored.setup();
        restored.initializeState(snapshot);
        restored.open();
        for (int i = 0; i < 10; i++) {
          assertThat(routeOne(restored, i, 2_000 + i))
              .as("restored loads route like the original")
              .containsExactly(routeOne(on, i, 2_000 + i));
        }
      }
    }
  }

  /**
   * A client {@code ts} 59 minutes ahead of its record passes the parser (the skew bound is an
   * hour); it must not move the router's load clock there, or every later query's activation would
   * count ~2^-59 against it and the popular query would stay on one expert for an hour.
   */
  @Test
  void oneQueryDatedAnHourAheadDoesNotSwitchBalancingOff() throws Exception {
    long t0 = 1_800_000_000_000L;
    String json = "{\"query_id\":\"evil\",\"text\":\"x\",\"ts\":" + (t0 + 3_540_000) + "}";
    RawMessage raw =
        new RawMessage("search-queries", 0, 0, t0, null, json.getBytes(StandardCharsets.UTF_8));
    SearchQuery parsed =
        ParseQueries.withEventTime(
            ((ParseOutcome.Accepted) QueryCodec.withDefaults().parse(raw, t0)).query(), raw, t0);
    assertThat(parsed.ts()).as("accepted with the client's ts").isEqualTo(t0 + 3_540_000);
    Set<Integer> choices = new HashSet<>();
    try (var h = harness(new RouteQueries(dir.toString(), balanced(5.0), false, null, 0))) {
      h.open();
      routeOne(h, 0, parsed.ts());
      for (int i = 1; i <= 40; i++) {
        // The same popular query, 40 times within 40 ms of its record time.
        choices.add(routeOne(h, queries.size(), t0 + i)[0]);
      }
    }
    assertThat(choices).as("the popular query's load still spreads").hasSizeGreaterThan(1);
  }

  /**
   * Queries under one id (a client that reuses it, or one choosing ids to load one shard) are sent
   * to every lexical shard in turn, not all to the shard the id would name.
   */
  @Test
  void queriesUnderOneIdSpreadOverTheLexicalShards() throws Exception {
    EmbeddedQuery base = queries.get(0);
    Set<Integer> shards = new HashSet<>();
    try (var h = harness(new RouteQueries(dir.toString(), balanced(0), true, null, 0))) {
      h.open();
      for (int i = 0; i < ExpertRequest.LEXICAL_SHARDS; i++) {
        SearchQuery q = new SearchQuery("one-id", base.query().text(), 10, null, 0, null);
        h.processElement(
            new StreamRecord<>(
                new EmbeddedQuery(q, base.vector(), 1_000, 0.1, false, DegradationLevel.NONE)));
      }
      for (ExpertRequest r : h.extractOutputValues()) {
        if (ExpertRequest.isLexical(r.expert())) {
          shards.add(r.expert());
        }
      }
    }
    assertThat(shards).hasSize(ExpertRequest.LEXICAL_SHARDS);
  }

  @Test
  void degradedQueriesAreRoutedWithTheirCutAndOverloadedOnesAnsweredAtOnceUnsearched()
      throws Exception {
    LoadAwareRoutingConfig wide =
        new LoadAwareRoutingConfig(
            new RoutingConfig(0.05, new ActivationRule(1.0, EXPERTS, EXPERTS)),
            0,
            60_000,
            0,
            new ActivationRule(0.5, 1, 1),
            10,
            2);
    EmbeddedQuery base = queries.get(0);
    try (var h = harness(new RouteQueries(dir.toString(), wide, true, null, 0))) {
      h.open();
      for (DegradationLevel level : DegradationLevel.values()) {
        SearchQuery q = new SearchQuery("d-" + level, base.query().text(), 10, null, 0, null);
        h.processElement(
            new StreamRecord<>(
                level == DegradationLevel.OVERLOADED
                    ? EmbeddedQuery.overloaded(q, 1_000, 0.1)
                    : new EmbeddedQuery(q, base.vector(), 1_000, 0.1, false, level)));
      }
      Map<DegradationLevel, List<ExpertRequest>> byLevel = new EnumMap<>(DegradationLevel.class);
      for (ExpertRequest r : h.extractOutputValues()) {
        byLevel.computeIfAbsent(r.degradation(), l -> new ArrayList<>()).add(r);
      }
      // Dense requests per level (the lexical branch is always asked, once).
      Map<DegradationLevel, Long> dense = new EnumMap<>(DegradationLevel.class);
      byLevel.forEach((l, rs) -> dense.put(l, rs.stream().filter(r -> r.expert() >= 0).count()));
      assertThat(dense)
          .containsEntry(DegradationLevel.NONE, 4L)
          .containsEntry(DegradationLevel.FEWER_EXPERTS, 2L)
          .containsEntry(DegradationLevel.FEWER_CANDIDATES, 2L)
          .containsEntry(DegradationLevel.FAST_PATH, 1L)
          .doesNotContainKey(DegradationLevel.OVERLOADED);
      assertThat(byLevel.get(DegradationLevel.NONE)).allMatch(r -> r.oversample() == 0);
      assertThat(byLevel.get(DegradationLevel.FEWER_EXPERTS)).allMatch(r -> r.oversample() == 0);
      assertThat(byLevel.get(DegradationLevel.FEWER_CANDIDATES)).allMatch(r -> r.oversample() == 2);
      assertThat(byLevel.get(DegradationLevel.FAST_PATH)).allMatch(r -> r.oversample() == 2);
      int[] full = byLevel.get(DegradationLevel.NONE).get(0).experts();
      assertThat(byLevel.get(DegradationLevel.FEWER_EXPERTS).get(0).experts())
          .as("the best-scoring half of the same route, then the lexical branch")
          .startsWith(Arrays.copyOf(full, 2));

      var answered = h.getSideOutput(RouteQueries.OVERLOADED);
      assertThat(answered).hasSize(1);
      SearchResult overloaded = answered.iterator().next().getValue();
      assertThat(overloaded.queryId()).isEqualTo("d-OVERLOADED");
      assertThat(overloaded.degraded()).isEqualTo(SearchResult.OVERLOADED);
      assertThat(overloaded.items()).isEmpty();
      assertThat(overloaded.experts()).isEmpty();
      assertThat(h.getSideOutput(RouteQueries.RELEASES))
          .as("the cache awaits its answer: identical queries it holds back are released")
          .singleElement()
          .satisfies(
              r -> {
                assertThat(r.getValue().kind()).isEqualTo(CacheFill.Kind.RELEASE);
                assertThat(r.getValue().topK()).isEqualTo(10);
              });
      h.processElement(
          new StreamRecord<>(
              EmbeddedQuery.overloaded(
                  new SearchQuery("not-admitted", base.query().text(), 10, null, 0, null),
                  1_000,
                  0.1,
                  false)));
      assertThat(h.getSideOutput(RouteQueries.OVERLOADED)).hasSize(2);
      assertThat(h.getSideOutput(RouteQueries.RELEASES))
          .as("no release for an answer the cache did not ask for")
          .hasSize(1);
    }
  }

  /**
   * Routes a query accepted {@code ageMillis} before processing time {@code now} whose embedding
   * took {@code embedMillis} (from the cache when {@code cached}); returns the level it was served
   * at ({@code OVERLOADED}: answered at once, unsearched).
   */
  private static DegradationLevel routeWaited(
      BroadcastOperatorTestHarness<EmbeddedQuery, CatalogChange, ExpertRequest> h,
      long now,
      long ageMillis,
      double embedMillis,
      boolean cached)
      throws Exception {
    EmbeddedQuery base = queries.get(0);
    SearchQuery q = new SearchQuery("w-" + now, base.query().text(), 10, null, 0, null);
    h.setProcessingTime(now);
    int routed = h.extractOutputValues().size();
    var answered = h.getSideOutput(RouteQueries.OVERLOADED);
    int overloaded = answered == null ? 0 : answered.size();
    h.processElement(
        new StreamRecord<>(
            new EmbeddedQuery(q, base.vector(), now - ageMillis, embedMillis, cached)));
    List<ExpertRequest> out = h.extractOutputValues();
    if (out.size() > routed) {
      return out.get(out.size() - 1).degradation();
    }
    List<StreamRecord<SearchResult>> turnedAway =
        new ArrayList<>(h.getSideOutput(RouteQueries.OVERLOADED));
    assertThat(turnedAway).hasSize(overloaded + 1);
    assertThat(turnedAway.get(overloaded).getValue().degraded()).isEqualTo(SearchResult.OVERLOADED);
    return DegradationLevel.OVERLOADED;
  }

  @Test
  void aStandingWaitAfterTheEmbeddingStepsTheLevelUpToOverloadedAndItRecovers() throws Exception {
    long t0 = System.currentTimeMillis();
    try (var on =
            harness(
                new RouteQueries(dir.toString(), balanced(0), true, null, 0)
                    .overloadAfter(200, 0));
        var off = harness(new RouteQueries(dir.toString(), balanced(0), true, null, 0))) {
      on.open();
      off.open();
      // 5 s in the job, all but 3 ms of it embedding: the model's queue (EmbedQueries' bound).
      assertThat(routeWaited(on, t0, 5_000, 4_997, false)).isEqualTo(DegradationLevel.NONE);
      // One query that waited 300 ms (a stall), then fresh ones: nothing stands, nothing degrades.
      assertThat(routeWaited(on, t0 + 10, 300, 5, false)).isEqualTo(DegradationLevel.NONE);
      for (long t = t0 + 20; t < t0 + 600; t += 20) {
        assertThat(routeWaited(on, t, 8, 5, false)).isEqualTo(DegradationLevel.NONE);
      }
      // Behind the experts for good: queries with cached embeddings that waited 120 ms, then 5 s.
      List<DegradationLevel> behind = new ArrayList<>();
      for (long t = t0 + 600; t < t0 + 1_200; t += 20) {
        behind.add(routeWaited(on, t, 125, 0.1, true));
      }
      assertThat(behind.get(behind.size() - 1))
          .as("120 ms standing: degraded but searched")
          .isBetween(DegradationLevel.FEWER_EXPERTS, DegradationLevel.FAST_PATH);
      List<DegradationLevel> late = new ArrayList<>();
      for (long t = t0 + 1_200; t < t0 + 1_800; t += 20) {
        late.add(routeWaited(on, t, 5_000, 0.1, true));
        assertThat(routeWaited(off, t, 5_000, 0.1, true))
            .as("without overloadAfter the wait after the embedding changes nothing")
            .isEqualTo(DegradationLevel.NONE);
      }
      assertThat(late.get(late.size() - 1)).isEqualTo(DegradationLevel.OVERLOADED);
      // The backlog drained: served in full again.
      List<DegradationLevel> drained = new ArrayList<>();
      for (long t = t0 + 1_800; t < t0 + 2_400; t += 20) {
        drained.add(routeWaited(on, t, 3, 1, false));
      }
      assertThat(drained.get(drained.size() - 1)).isEqualTo(DegradationLevel.NONE);
    }
  }

  /**
   * A query the router answers itself after the model embedded it (turned away by its standing wait
   * after the embedding) cached its embedding as every computed one is: with {@link
   * RouteQueries#writingEmbeddings} its release carries it, one record for the cache. A query
   * embedded from the cache, or turned away before the model (no vector), releases without one.
   */
  @Test
  void theReleaseOfAQueryTurnedAwayAfterTheModelCarriesItsEmbedding() throws Exception {
    long t0 = System.currentTimeMillis();
    try (var h =
        harness(
            new RouteQueries(dir.toString(), balanced(0), true, null, 0)
                .overloadAfter(200, 0)
                .writingEmbeddings("model-a", 1 << 20))) {
      h.open();
      DegradationLevel level = DegradationLevel.NONE;
      long t = t0;
      for (; t < t0 + 1_000 && level != DegradationLevel.OVERLOADED; t += 20) {
        level = routeWaited(h, t, 5_000, 0.1, true);
      }
      assertThat(level).isEqualTo(DegradationLevel.OVERLOADED);
      int before = h.getSideOutput(RouteQueries.RELEASES).size();
      assertThat(h.getSideOutput(RouteQueries.RELEASES))
          .as("embedded from the cache: nothing to write back")
          .allSatisfy(r -> assertThat(r.getValue().carriesEmbedding()).isFalse());
      assertThat(routeWaited(h, t, 5_000, 0.1, false)).isEqualTo(DegradationLevel.OVERLOADED);
      h.processElement(
          new StreamRecord<>(EmbeddedQuery.overloaded(queries.get(1).query(), t0, 0.1)));
      List<CacheFill> fills =
          h.getSideOutput(RouteQueries.RELEASES).stream()
              .skip(before)
              .map(StreamRecord::getValue)
              .toList();
      assertThat(fills)
          .extracting(CacheFill::kind, CacheFill::carriesEmbedding)
          .containsExactly(
              org.assertj.core.groups.Tuple.tuple(CacheFill.Kind.RELEASE, true),
              org.assertj.core.groups.Tuple.tuple(CacheFill.Kind.RELEASE, false));
      assertThat(fills.get(0).embedding()).containsExactly(queries.get(0).vector());
      assertThat(fills.get(0).embeddingModelId()).isEqualTo("model-a");
    }
  }

  @Test
  void confidentQueriesTakeTheFastPathWithASmallerCandidateCount() throws Exception {
    LoadAwareRoutingConfig fastForAll =
        new LoadAwareRoutingConfig(
            new RoutingConfig(0.05, new ActivationRule(1.0, EXPERTS, EXPERTS)),
            0,
            60_000,
            1.0,
            new ActivationRule(0.5, 1, 1),
            10,
            2);
    try (var h = harness(new RouteQueries(dir.toString(), fastForAll, false, null, 0))) {
      h.open();
      for (EmbeddedQuery q : queries) {
        h.processElement(new StreamRecord<>(q));
      }
      assertThat(h.extractOutputValues()).hasSize(queries.size());
      assertThat(h.extractOutputValues())
          .allSatisfy(
              r -> {
                assertThat(r.experts()).hasSize(1);
                assertThat(r.oversample()).isEqualTo(2);
              });
    }
  }

  @Test
  void aNewLatestVersionIsSwappedInBetweenQueriesWithoutLosingAny() throws Exception {
    Path watched = root.resolve("watched");
    Path first = SmallIndex.build(SmallIndex.catalogue(300), model, EXPERTS, watched);
    String v1 = IndexArtifact.readManifest(first).indexVersion();
    try (var h =
        harness(new RouteQueries(first.toString(), balanced(0), false, watched.toString(), 1))) {
      h.open();
      routeOne(h, 0, 1);
      assertThat(h.extractOutputValues().get(0).indexVersion()).isEqualTo(v1);

      var written =
          GateVersionWriter.write(
              first,
              IndexArtifact.load(first, 384).gate(),
              new Manifest.GateUpdate(v1, "test", Map.of()));
      String v2 = written.version();
      int sent = 1;
      long deadline = System.currentTimeMillis() + 30_000;
      while (System.currentTimeMillis() < deadline) {
        routeOne(h, sent, sent + 1);
        sent++;
        List<ExpertRequest> out = h.extractOutputValues();
        if (out.get(out.size() - 1).indexVersion().equals(v2)) {
          break;
        }
        Thread.sleep(20);
      }
      List<ExpertRequest> out = h.extractOutputValues();
      assertThat(out).hasSize(sent).as("one request per query, none lost");
      assertThat(out.get(out.size() - 1).indexVersion()).isEqualTo(v2);
      assertThat(out.get(out.size() - 1).artifactDir()).isEqualTo(written.dir().toString());
      // Versions change once, between two queries.
      List<String> versions = out.stream().map(ExpertRequest::indexVersion).toList();
      int firstNew = versions.indexOf(v2);
      assertThat(versions.subList(0, firstNew)).containsOnly(v1);
      assertThat(versions.subList(firstNew, versions.size())).containsOnly(v2);
    }
  }

  @Test
  void withAReplicatedLayoutAHotExpertsRequestsSpreadOverItsReplicasAndSurviveARestore()
      throws Exception {
    Path replicated = root.resolve("replicated");
    Path base = SmallIndex.build(SmallIndex.catalogue(300), model, EXPERTS, replicated);
    IndexArtifact a = IndexArtifact.load(base, 384);
    int hot =
        new LoadAwareRouter(a.gate(), balanced(0))
            .route(queries.get(0).vector(), null)
            .experts()[0];
    // the hot expert on three of six slots, the others on one each
    double[] expected = new double[EXPERTS];
    Arrays.fill(expected, 1);
    expected[hot] = 3;
    ExpertPlacement placement = ExpertPlacementPlanner.plan(expected, 6, 1);
    assertThat(placement.replicas(hot)).hasSize(3);
    Path dir2 =
        GateVersionWriter.write(
                base,
                a.gate(),
                placement,
                new Manifest.GateUpdate(a.version(), "test", Map.of()),
                null)
            .dir();
    assertThat(IndexArtifact.load(dir2, 384).placement()).isEqualTo(placement);
    Map<Integer, Integer> perSlot = new TreeMap<>();
    try (var h = harness(new RouteQueries(dir2.toString(), balanced(0), true, null, 0))) {
      h.open();
      for (int i = 0; i < 30; i++) {
        routeOne(h, 0, 1_000 + i);
      }
      for (ExpertRequest r : h.extractOutputValues()) {
        if (ExpertRequest.isLexical(r.expert())) {
          assertThat(r.slot()).isEqualTo(r.expert());
          continue;
        }
        assertThat(r.expert()).as("the expert never changes, only its replica").isEqualTo(hot);
        perSlot.merge(r.slot(), 1, Integer::sum);
      }
      assertThat(perSlot.keySet()).containsExactlyInAnyOrder(toBoxed(placement.replicas(hot)));
      assertThat(perSlot.values()).containsOnly(10);

      var snapshot = h.snapshot(1, 2_000);
      try (var restored = harness(new RouteQueries(dir2.toString(), balanced(0), true, null, 0))) {
        restored.setup();
        restored.initializeState(snapshot);
        restored.open();
        for (int i = 0; i < 6; i++) {
          routeOne(restored, 0, 2_000 + i);
          routeOne(h, 0, 2_000 + i);
        }
        // The expert slots (the lexical shard is taken in turn, from the first after a restore).
        assertThat(restored.extractOutputValues())
            .filteredOn(r -> !ExpertRequest.isLexical(r.expert()))
            .extracting(ExpertRequest::slot)
            .as("restored slot loads choose the same replicas")
            .containsExactlyElementsOf(
                h.extractOutputValues().stream()
                    .skip(h.extractOutputValues().size() - restored.extractOutputValues().size())
                    .filter(r -> !ExpertRequest.isLexical(r.expert()))
                    .map(ExpertRequest::slot)
                    .toList());
      }
    }
  }

  /**
   * Queries the codec accepts at the edges of what it allows: ids with control, bidi and zero-width
   * characters at the length limit, a letter under 500 combining marks, mixed-direction text, a
   * character NFKC expands eighteen-fold, 100 brands of the longest length, the widest and an empty
   * price range, the largest {@code ts} and {@code top_k}, explanations on.
   */
  static List<SearchQuery> hostileQueries() {
    String longId = "\u0000\u202e\u200b\u0007" + "x".repeat(SearchQuery.MAX_ID_CHARS - 4);
    String brands =
        java.util.stream.IntStream.range(0, QueryCodec.MAX_BRANDS)
            .mapToObj(
                i ->
                    "\""
                        + ("b" + i + "-").repeat(64).substring(0, QueryCodec.MAX_BRAND_CHARS)
                        + "\"")
            .collect(java.util.stream.Collectors.joining(","));
    List<String> raw =
        List.of(
            "{\"query_id\":\""
                + longId.replace("\u0000", "\\u0000").replace("\u0007", "\\u0007")
                + "\",\"text\":\"laptop\"}",
            "{\"query_id\":\"marks\",\"text\":\"a" + "\u0301".repeat(500) + "\"}",
            "{\"query_id\":\"rtl\",\"text\":\"\u202e\u0644\u0627\u0628\u062a\u0648\u0628\u200d"
                + " HP \u200f\ufeff15\\u00ad\\u2060\"}",
            "{\"query_id\":\"nfkc\",\"text\":\"\ufdfa\ufdfa\uff28\uff30\"}",
            "{\"query_id\":\"brands\",\"text\":\"toner\",\"top_k\":100,\"filters\":{\"brands\":["
                + brands
                + "],\"price_min\":0,\"price_max\":1.7976931348623157E308,\"in_stock\":true}}",
            "{\"query_id\":\"empty-range\",\"text\":\"cable\",\"filters\":"
                + "{\"price_min\":0,\"price_max\":-0.0}}",
            "{\"query_id\":\"max-ts\",\"text\":\"mouse\",\"ts\":9223372036854775807,"
                + "\"explain\":true,\"session_id\":\"\\u0000\"}");
    QueryCodec codec = QueryCodec.withDefaults();
    List<SearchQuery> out = new ArrayList<>();
    for (String json : raw) {
      ParseOutcome o =
          codec.parse(
              new RawMessage(
                  "queries", 0, out.size(), -1, null, json.getBytes(StandardCharsets.UTF_8)));
      assertThat(o.deadLetterOrNull()).as(json).isNull();
      out.add(o.queryOrNull());
    }
    return out;
  }

  @Test
  void queriesAtTheCodecsLimitsAreRoutedWithoutFailing() throws Exception {
    try (var h =
        harness(
            new RouteQueries(
                dir.toString(),
                LoadAwareRoutingConfig.plain(routings().findFirst().get(), 1),
                true,
                null,
                0))) {
      h.open();
      for (SearchQuery q : hostileQueries()) {
        h.processElement(new StreamRecord<>(new EmbeddedQuery(q, embedder.embed(q.text()), 5, 1)));
      }
      assertThat(h.extractOutputValues())
          .extracting(r -> r.query().queryId())
          .as("every query fanned out")
          .contains("marks", "rtl", "nfkc", "brands", "empty-range", "max-ts");
      assertThat(h.getSideOutput(RouteQueries.DEAD_LETTERS)).isNullOrEmpty();
      assertThat(
              ((RouteQueries)
                      ((CoBroadcastWithNonKeyedOperator<?, ?, ?>) h.getOperator())
                          .getUserFunction())
                  .failures())
          .isZero();
    }
  }

  /**
   * A query the router throws on (here: a vector of another dimension than the gate's, as an
   * embedding of another model would be) must not fail the task, which would fail again on every
   * replay: it is answered at once as failed (no items, partial, no answered experts),
   * dead-lettered with a bounded reason whose payload is the query, counted, and sends no request;
   * the queries around it are routed as usual.
   */
  @Test
  void aQueryTheRouterFailsOnIsAnsweredAsFailedAndDeadLetteredNotFailingTheTask() throws Exception {
    RouteQueries fn =
        new RouteQueries(
                dir.toString(),
                LoadAwareRoutingConfig.plain(routings().findFirst().get(), 1),
                true,
                null,
                0)
            .deadLettersFrom("shop-queries");
    List<SearchQuery> hostile = hostileQueries();
    try (var h = harness(fn)) {
      h.open();
      h.processElement(new StreamRecord<>(queries.get(0)));
      for (SearchQuery q : hostile) {
        h.processElement(new StreamRecord<>(new EmbeddedQuery(q, new float[] {1, 0, 0}, 7, 2.5)));
      }
      h.processElement(new StreamRecord<>(queries.get(1)));

      assertThat(h.extractOutputValues())
          .extracting(r -> r.query().queryId())
          .as("only the good queries fan out")
          .containsOnly("q-0", "q-1");
      List<SearchResult> answered =
          h.getSideOutput(RouteQueries.OVERLOADED).stream().map(StreamRecord::getValue).toList();
      assertThat(answered)
          .extracting(SearchResult::queryId)
          .containsExactlyElementsOf(hostile.stream().map(SearchQuery::queryId).toList());
      assertThat(answered)
          .allSatisfy(
              r -> {
                assertThat(r.items()).isEmpty();
                assertThat(r.partial()).isTrue();
                assertThat(r.answeredExperts()).isEmpty();
                assertThat(r.degraded()).isEqualTo(SearchResult.NOT_DEGRADED);
                assertThat(r.tsIn()).isEqualTo(7);
                assertThat(new MessageJson().encodeResult(r)).isNotEmpty();
              });
      List<DeadLetter> dead =
          h.getSideOutput(RouteQueries.DEAD_LETTERS).stream().map(StreamRecord::getValue).toList();
      assertThat(dead).hasSize(hostile.size());
      QueryCodec codec = QueryCodec.withDefaults();
      for (int i = 0; i < dead.size(); i++) {
        DeadLetter d = dead.get(i);
        assertThat(d.topic()).isEqualTo("shop-queries");
        assertThat(d.reason()).contains("route").contains("query vector");
        assertThat(new MessageJson().encodeDeadLetter(d).length)
            .isLessThanOrEqualTo(DeadLetter.MAX_ENCODED_BYTES);
        // The payload is the query as a producer writes it: it can be replayed once fixed, unless
        // it was longer than a dead letter keeps (the reason then says so).
        if (d.reason().contains("payload cut")) {
          assertThat(hostile.get(i).queryId()).isEqualTo("brands");
        } else {
          SearchQuery replayed =
              codec
                  .parse(new RawMessage("shop-queries", 0, 0, -1, null, d.payloadBytes()))
                  .queryOrNull();
          assertThat(replayed).isEqualTo(hostile.get(i));
        }
      }
      assertThat(fn.failures()).isEqualTo(hostile.size());
    }
  }

  private static Integer[] toBoxed(int[] a) {
    return Arrays.stream(a).boxed().toArray(Integer[]::new);
  }
}
