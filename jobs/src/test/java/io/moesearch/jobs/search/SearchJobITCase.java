package io.moesearch.jobs.search;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.moesearch.connectors.message.DeadLetter;
import io.moesearch.connectors.message.Filters;
import io.moesearch.connectors.message.RankedItem;
import io.moesearch.connectors.message.SearchQuery;
import io.moesearch.connectors.message.SearchResult;
import io.moesearch.jobs.config.MoeSearchConfig;
import io.moesearch.jobs.testing.EmbeddedPipeline;
import io.moesearch.jobs.testing.MiniClusters;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.flink.api.common.JobStatus;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The streaming job end to end on a real Kafka broker and Flink's MiniCluster (parallelism 2,
 * RocksDB state): valid queries are answered once each with the core retriever's ranking, malformed
 * ones land in the dead-letter topic with a reason, and the job never restarts. A job submitted
 * again without a savepoint continues from its consumer group's committed offsets.
 */
class SearchJobITCase {
  @RegisterExtension static final MiniClusterExtension FLINK = MiniClusters.twoSlots();

  @TempDir static Path root;
  static PipelineFixture fixture;

  @BeforeAll
  static void index() {
    fixture = new PipelineFixture(root.resolve("index"));
  }

  @Test
  void answersEveryValidQueryOnceAndDeadLettersTheRest(@TempDir Path checkpoints) throws Exception {
    MoeSearchConfig config =
        fixture.config(checkpoints, Map.of("kafka.delivery-guarantee", "at-least-once"));
    Configuration flink = SearchJob.flinkConfiguration(config);
    flink.setString("restart-strategy.type", "none");
    StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment(flink);
    List<SearchQuery> queries = new ArrayList<>();
    for (SearchQuery q : fixture.queries(300)) {
      // Every 7th asks for explanations: ranked the same, with each item's feature contributions.
      boolean explain = queries.size() % 7 == 3;
      queries.add(
          new SearchQuery(q.queryId(), q.text(), q.topK(), q.filters(), q.ts(), null, explain));
    }
    List<byte[]> bad = PipelineFixture.malformed();
    Map<String, List<String>> expected = fixture.expected(queries, config);

    try (EmbeddedPipeline pipeline =
        EmbeddedPipeline.start(config, env, fixture.artifact, 2, s -> s)) {
      for (int i = 0; i < queries.size(); i++) {
        pipeline.send(queries.get(i).queryId(), PipelineFixture.encode(queries.get(i)));
        if (i % 10 == 0) {
          pipeline.send(null, bad.get(i / 10));
        }
      }
      pipeline.flush();

      Map<String, Integer> counts = new HashMap<>();
      Map<String, SearchResult> results = new HashMap<>();
      List<DeadLetter> dead = new ArrayList<>();
      long deadline = System.currentTimeMillis() + 180_000;
      try (var rc = pipeline.results(false);
          var dc = pipeline.deadLetters()) {
        while (System.currentTimeMillis() < deadline
            && (results.size() < 300 || dead.size() < 30)) {
          for (var r : rc.poll(Duration.ofMillis(200))) {
            counts.merge(r.value().queryId(), 1, Integer::sum);
            results.put(r.value().queryId(), r.value());
          }
          dc.poll(Duration.ofMillis(50)).forEach(d -> dead.add(d.value()));
        }
        // Anything extra would arrive shortly after; give duplicates a chance to show up.
        for (int i = 0; i < 5; i++) {
          rc.poll(Duration.ofMillis(200))
              .forEach(r -> counts.merge(r.value().queryId(), 1, Integer::sum));
        }
      }

      assertThat(results).hasSize(300);
      assertThat(counts.values()).allMatch(c -> c == 1);
      String brand = fixture.filterBrand();
      for (SearchQuery q : queries) {
        SearchResult r = results.get(q.queryId());
        if (q.filters() != null) {
          assertThat(r.items())
              .as("filtered %s", q.queryId())
              .hasSize((int) Math.min(10, fixture.productsOf(brand)));
          assertThat(r.items())
              .allSatisfy(i -> assertThat(fixture.brandOf(i.productId())).isEqualTo(brand));
          continue;
        }
        assertThat(Arrays.stream(r.items()).map(RankedItem::productId).toList())
            .as("ranking of %s (%s)", q.queryId(), q.text())
            .containsExactlyElementsOf(expected.get(q.queryId()));
        for (RankedItem item : r.items()) {
          if (q.explain()) {
            assertThat(Arrays.stream(item.explain()).mapToDouble(c -> c.contribution()).sum())
                .as("explained %s: the contributions add up to the score", q.queryId())
                .isCloseTo(item.score(), within(1e-4));
          } else {
            assertThat(item.explain()).isNull();
          }
        }
        assertThat(r.indexVersion()).isEqualTo(fixture.artifact.version());
        assertThat(r.experts()).isNotEmpty();
        assertThat(r.tsOut()).isGreaterThanOrEqualTo(r.tsIn());
      }
      assertThat(dead).hasSize(30);
      assertThat(dead).allSatisfy(d -> assertThat(d.reason()).isNotBlank());
      assertThat(dead)
          .extracting(DeadLetter::reason)
          .anyMatch(r -> r.contains("UTF-8"))
          .anyMatch(r -> r.contains("query_id"))
          .anyMatch(r -> r.contains("top_k"));
      assertThat(pipeline.job().getJobStatus().get()).isEqualTo(JobStatus.RUNNING);
    }
  }

  @Test
  void aResubmittedJobWithoutSavepointDoesNotAnswerOldQueriesAgain(@TempDir Path checkpoints)
      throws Exception {
    MoeSearchConfig config = fixture.config(checkpoints, Map.of());
    Configuration flink = SearchJob.flinkConfiguration(config);
    flink.setString("restart-strategy.type", "none");
    List<SearchQuery> queries = fixture.queries(30);
    try (EmbeddedPipeline pipeline =
        EmbeddedPipeline.start(
            config,
            StreamExecutionEnvironment.getExecutionEnvironment(flink),
            fixture.artifact,
            2,
            s -> s)) {
      for (SearchQuery q : queries.subList(0, 20)) {
        pipeline.send(q.queryId(), PipelineFixture.encode(q));
      }
      pipeline.flush();
      Map<String, Integer> first = new HashMap<>();
      try (var rc = pipeline.results(false)) {
        long deadline = System.currentTimeMillis() + 120_000;
        while (first.size() < 20 && System.currentTimeMillis() < deadline) {
          rc.poll(Duration.ofMillis(200))
              .forEach(r -> first.merge(r.value().queryId(), 1, Integer::sum));
        }
      }
      assertThat(first).hasSize(20);
      assertThat(pipeline.awaitQueriesConsumed(Duration.ofSeconds(60)))
          .as("offsets committed on checkpoint")
          .isTrue();
      pipeline.cancel();

      Map<String, Integer> second = new HashMap<>();
      try (var rc = pipeline.newResults()) {
        pipeline.restart(StreamExecutionEnvironment.getExecutionEnvironment(flink));
        for (SearchQuery q : queries.subList(20, 30)) {
          pipeline.send(q.queryId(), PipelineFixture.encode(q));
        }
        pipeline.flush();
        long deadline = System.currentTimeMillis() + 120_000;
        while (second.size() < 10 && System.currentTimeMillis() < deadline) {
          rc.poll(Duration.ofMillis(200))
              .forEach(r -> second.merge(r.value().queryId(), 1, Integer::sum));
        }
        // A replay of the first queries would arrive around the new answers.
        for (int i = 0; i < 10; i++) {
          rc.poll(Duration.ofMillis(200))
              .forEach(r -> second.merge(r.value().queryId(), 1, Integer::sum));
        }
      }
      assertThat(second.keySet())
          .as("only the new queries are answered")
          .containsExactlyInAnyOrderElementsOf(
              queries.subList(20, 30).stream().map(SearchQuery::queryId).toList());
      assertThat(second.values()).allMatch(c -> c == 1);
    }
  }

  /**
   * Edge queries through the whole pipeline with the cache switched off ({@code cache.enabled:
   * false}): every answer is computed ({@code miss}, also for a text asked again after its answer
   * arrived), a filter that matches no product is answered with zero items (not dead-lettered, no
   * restart), and {@code top_k} 100 goes through the hybrid fusion to 100 distinct products in
   * descending fused score, exactly as the core ranks them.
   */
  @Test
  void withTheCacheOffEdgeQueriesAreAnsweredByTheFullPath(@TempDir Path checkpoints)
      throws Exception {
    MoeSearchConfig config =
        fixture.config(
            checkpoints,
            Map.of("kafka.delivery-guarantee", "at-least-once", "cache.enabled", "false"));
    assertThat(config.ranking().hybrid()).as("the default ranking").isTrue();
    Configuration flink = SearchJob.flinkConfiguration(config);
    flink.setString("restart-strategy.type", "none");
    StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment(flink);
    List<SearchQuery> plain =
        fixture.queries(24).stream().filter(q -> q.filters() == null).limit(12).toList();
    List<SearchQuery> again =
        plain.stream()
            .map(q -> new SearchQuery("again-" + q.queryId(), q.text(), q.topK(), null, 0, null))
            .toList();
    List<SearchQuery> nothing =
        List.of(
            new SearchQuery(
                "none-brand",
                plain.get(0).text(),
                10,
                new Filters(new String[] {"no such brand"}, null, null),
                0,
                null),
            new SearchQuery("none-price", "usb cable", 10, new Filters(null, 1e9, 2e9), 0, null));
    List<SearchQuery> top100 =
        plain.subList(0, 4).stream()
            .map(q -> new SearchQuery("top-" + q.queryId(), q.text(), 100, null, 0, null))
            .toList();
    Map<String, List<String>> expected = fixture.expected(top100, config);

    try (EmbeddedPipeline pipeline =
            EmbeddedPipeline.start(config, env, fixture.artifact, 2, s -> s);
        var rc = pipeline.results(false);
        var dc = pipeline.deadLetters()) {
      Map<String, SearchResult> results = new HashMap<>();
      List<SearchQuery> first = new ArrayList<>(plain);
      first.addAll(nothing);
      first.addAll(top100);
      ask(pipeline, rc, first, results);
      // Asked again once answered: with a cache these would be hits.
      ask(pipeline, rc, again, results);
      for (int i = 0; i < 5; i++) {
        rc.poll(Duration.ofMillis(200)).forEach(r -> results.put(r.value().queryId(), r.value()));
      }

      assertThat(results).hasSize(first.size() + again.size());
      assertThat(results.values())
          .extracting(SearchResult::cache)
          .containsOnly(SearchResult.CACHE_MISS);
      for (SearchQuery q : nothing) {
        assertThat(results.get(q.queryId()).items()).as("answer to %s", q.queryId()).isEmpty();
      }
      for (SearchQuery q : top100) {
        RankedItem[] items = results.get(q.queryId()).items();
        List<String> ids = Arrays.stream(items).map(RankedItem::productId).toList();
        assertThat(ids).as("top 100 of %s", q.text()).hasSize(100).doesNotHaveDuplicates();
        assertThat(items)
            .extracting(RankedItem::score)
            .isSortedAccordingTo(Comparator.reverseOrder());
        assertThat(ids).containsExactlyElementsOf(expected.get(q.queryId()));
      }
      assertThat(dc.poll(Duration.ofMillis(500))).as("dead letters").isEmpty();
      assertThat(pipeline.job().getJobStatus().get()).isEqualTo(JobStatus.RUNNING);
    }
  }

  /** Sends {@code queries} and waits (at most two minutes) until each has an answer. */
  private static void ask(
      EmbeddedPipeline pipeline,
      EmbeddedPipeline.Consumer<SearchResult> rc,
      List<SearchQuery> queries,
      Map<String, SearchResult> results) {
    queries.forEach(q -> pipeline.send(q.queryId(), PipelineFixture.encode(q)));
    pipeline.flush();
    long deadline = System.currentTimeMillis() + 120_000;
    while (System.currentTimeMillis() < deadline
        && !queries.stream().allMatch(q -> results.containsKey(q.queryId()))) {
      rc.poll(Duration.ofMillis(200)).forEach(r -> results.put(r.value().queryId(), r.value()));
    }
  }
}
