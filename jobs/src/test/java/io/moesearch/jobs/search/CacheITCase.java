package io.moesearch.jobs.search;

import static org.assertj.core.api.Assertions.assertThat;

import io.moesearch.connectors.kafka.KafkaIO;
import io.moesearch.connectors.message.QueryCodec;
import io.moesearch.connectors.message.RankedItem;
import io.moesearch.connectors.message.SearchQuery;
import io.moesearch.connectors.message.SearchResult;
import io.moesearch.jobs.config.MoeSearchConfig;
import io.moesearch.jobs.prewarm.PrewarmJob;
import io.moesearch.jobs.prewarm.QueryLog;
import io.moesearch.jobs.testing.EmbeddedPipeline;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The query caches on a real broker and MiniCluster: cached results survive a stop-with-savepoint
 * and restart (served from L2 state), and the prewarm job feeds a running job through the
 * cache-fill topic.
 */
class CacheITCase {
  /** Four slots: the prewarm job runs beside the streaming job. */
  @RegisterExtension
  static final MiniClusterExtension FLINK =
      new MiniClusterExtension(
          new MiniClusterResourceConfiguration.Builder()
              .setNumberTaskManagers(1)
              .setNumberSlotsPerTaskManager(4)
              .build());

  @TempDir static Path root;
  static PipelineFixture fixture;

  @BeforeAll
  static void index() {
    fixture = new PipelineFixture(root.resolve("index"));
  }

  private static StreamExecutionEnvironment env(MoeSearchConfig config, String savepoint) {
    Configuration flink = SearchJob.flinkConfiguration(config);
    flink.setString("restart-strategy.type", "none");
    if (savepoint != null) {
      flink.setString("execution.savepoint.path", savepoint);
    }
    return StreamExecutionEnvironment.getExecutionEnvironment(flink);
  }

  /** Sends the texts as new queries ({@code prefix}-i) and waits for all their answers. */
  private static Map<String, SearchResult> ask(
      EmbeddedPipeline pipeline, List<String> texts, String prefix) {
    return ask(pipeline, texts, prefix, 10);
  }

  /** As {@link #ask(EmbeddedPipeline, List, String)}, each query asking {@code topK} items. */
  private static Map<String, SearchResult> ask(
      EmbeddedPipeline pipeline, List<String> texts, String prefix, int topK) {
    for (int i = 0; i < texts.size(); i++) {
      SearchQuery q = new SearchQuery(prefix + i, texts.get(i), topK, null, 0, null);
      pipeline.send(q.queryId(), PipelineFixture.encode(q));
    }
    pipeline.flush();
    Map<String, SearchResult> got = new HashMap<>();
    long deadline = System.currentTimeMillis() + 120_000;
    try (var rc = pipeline.results(false)) {
      while (System.currentTimeMillis() < deadline && got.size() < texts.size()) {
        for (var r : rc.poll(Duration.ofMillis(200))) {
          if (r.value().queryId().startsWith(prefix)) {
            got.put(r.value().queryId(), r.value());
          }
        }
      }
    }
    assertThat(got).as("answers to %s*", prefix).hasSize(texts.size());
    return got;
  }

  private static List<String> texts(int n) {
    List<String> out = new ArrayList<>();
    for (SearchQuery q : fixture.queries(n)) {
      if (q.filters() == null) {
        out.add(q.text());
      }
    }
    return out;
  }

  private static List<String> ids(SearchResult r) {
    return Arrays.stream(r.items()).map(RankedItem::productId).toList();
  }

  /**
   * Cache hits are answered in a task of their own that holds no keyed state: every checkpoint
   * stops a task with RocksDB state for the synchronous part of RocksDB's native checkpoint, and
   * the lookup's state is written by the misses (docs/benchmarks.md), so a hit must not share its
   * task. Its input is partitioned by text, not keyed.
   */
  @Test
  void hitsAreAnsweredInATaskWithoutKeyedState(@TempDir Path dir) {
    MoeSearchConfig config =
        fixture.config(
            dir.resolve("checkpoints"), Map.of("kafka.bootstrap-servers", "localhost:1"));
    StreamExecutionEnvironment env =
        StreamExecutionEnvironment.getExecutionEnvironment(SearchJob.flinkConfiguration(config));
    SearchJob.buildForKafka(env, config, fixture.artifact);
    var graph = env.getStreamGraph();
    var hits =
        graph.getStreamNodes().stream()
            .filter(n -> n.getOperatorName().equals("cache-hits"))
            .toList();
    assertThat(hits).hasSize(1);
    assertThat(hits.get(0).getStateKeySerializer()).as("keyed state of cache-hits").isNull();
    assertThat(
            graph.getStreamNodes().stream()
                .filter(n -> n.getOperatorName().equals("cache-lookup"))
                .findFirst()
                .orElseThrow()
                .getStateKeySerializer())
        .as("keyed state of cache-lookup")
        .isNotNull();
    assertThat(hits.get(0).getInEdges())
        .extracting(e -> e.getPartitioner().getClass().getSimpleName())
        .containsOnly("CustomPartitionerWrapper", "BroadcastPartitioner");
    List<String> tasks = new ArrayList<>();
    for (var v : graph.getJobGraph().getVertices()) {
      tasks.add(v.getName());
    }
    assertThat(tasks)
        .contains("cache-hits")
        .anySatisfy(t -> assertThat(t).contains("cache-lookup"));
  }

  /**
   * {@code job.unaligned-checkpoints: true} starts the job: Flink refuses unaligned checkpoints for
   * a graph with a custom partitioner (the hit path's) unless they are forced, and the job then
   * failed at submission with Flink's message instead of running.
   */
  @Test
  void unalignedCheckpointsBuildAJobGraphDespiteTheHitPathsPartitioner(@TempDir Path dir) {
    MoeSearchConfig config =
        fixture.config(
            dir.resolve("checkpoints"),
            Map.of("kafka.bootstrap-servers", "localhost:1", "job.unaligned-checkpoints", "true"));
    StreamExecutionEnvironment env =
        StreamExecutionEnvironment.getExecutionEnvironment(SearchJob.flinkConfiguration(config));
    SearchJob.buildForKafka(env, config, fixture.artifact);
    var graph = env.getStreamGraph();
    assertThat(graph.getJobGraph().getCheckpointingSettings()).isNotNull();
    assertThat(
            graph.getStreamNodes().stream()
                .flatMap(n -> n.getInEdges().stream())
                .map(e -> e.getPartitioner().getClass().getSimpleName()))
        .contains("CustomPartitionerWrapper");
  }

  @Test
  void resultCacheSurvivesAStopWithSavepointAndRestart(@TempDir Path dir) throws Exception {
    MoeSearchConfig config = fixture.config(dir.resolve("checkpoints"), Map.of());
    List<String> texts = texts(40);
    try (EmbeddedPipeline pipeline =
        EmbeddedPipeline.start(config, env(config, null), fixture.artifact, 2, s -> s)) {
      Map<String, SearchResult> first = ask(pipeline, texts, "a-");
      assertThat(first.values())
          .extracting(SearchResult::cache)
          .allMatch(c -> c.equals("miss") || c.equals("coalesced"));
      // Asked again once the fills were read back, everything is a hit: proof that the fills
      // reached the cache's state.
      assertThat(pipeline.awaitFillsConsumed(Duration.ofSeconds(60))).isTrue();
      Map<String, SearchResult> second = ask(pipeline, texts, "b-");
      assertThat(second.values())
          .extracting(SearchResult::cache)
          .allMatch(c -> List.of("l1", "l2", "coalesced").contains(c));
      // Each computed answer went to the cache as one record, its result carrying its query
      // embedding (it was two: a result fill and an embedding fill). Every one of them was
      // written before the second round, which the hit path answered from them; an answer the
      // lookup served from L2 would have written one more (a promotion).
      long computed = first.values().stream().filter(r -> r.cache().equals("miss")).count();
      long promoted = second.values().stream().filter(r -> r.cache().equals("l2")).count();
      if (promoted == 0) {
        assertThat(pipeline.cacheFillRecords()).as("cache-fill records").isEqualTo(computed);
      }
      // Another top_k of the same texts: no answer is cached for it, but each text's embedding
      // came in its result's fill (one record per computed query), so none goes to the model.
      Map<String, SearchResult> otherTopK = ask(pipeline, texts, "k-", 5);
      assertThat(otherTopK.values())
          .extracting(SearchResult::cache)
          .allMatch(c -> List.of("embedding", "coalesced").contains(c));

      String savepoint = pipeline.stopWithSavepoint(dir.resolve("savepoints"));
      pipeline.restart(env(config, savepoint));

      Map<String, SearchResult> third = ask(pipeline, texts, "c-");
      // A restarted job has an empty heap (L1); the restored keyed state (L2) answers everything.
      assertThat(third.values()).extracting(SearchResult::cache).containsOnly("l2");
      for (int i = 0; i < texts.size(); i++) {
        assertThat(ids(third.get("c-" + i))).isEqualTo(ids(first.get("a-" + i)));
      }
    }
  }

  @Test
  void prewarmJobFeedsARunningJobThroughTheCacheFillTopic(@TempDir Path dir) throws Exception {
    MoeSearchConfig config = fixture.config(dir.resolve("checkpoints"), Map.of());
    List<String> texts = texts(60).subList(30, 50);
    Path log = dir.resolve("log.txt");
    // Every text twice, plus one rare query that is not among the top 20.
    List<String> lines = new ArrayList<>(texts);
    lines.addAll(texts);
    lines.add("a rare query");
    Files.write(log, lines);

    try (EmbeddedPipeline pipeline =
        EmbeddedPipeline.start(config, env(config, null), fixture.artifact, 2, s -> s)) {
      QueryLog queryLog = QueryLog.read(log, new QueryCodec(512, 16384), p -> {});
      assertThat(queryLog.distinct()).isEqualTo(21);
      PrewarmJob.Result r =
          new PrewarmJob(pipeline.config(), fixture.artifact, m -> {})
              .run(
                  env(config, null),
                  queryLog.top(20),
                  KafkaIO.cacheFillSink(pipeline.config().kafka(), pipeline.config().fillSigner()));
      assertThat(r.results()).isEqualTo(20);

      // The fills travel through Kafka into the running job: wait until it has consumed them.
      assertThat(pipeline.awaitFillsConsumed(Duration.ofSeconds(60))).isTrue();
      Map<String, SearchResult> answers = ask(pipeline, texts, "w-");
      assertThat(answers.values())
          .extracting(SearchResult::cache)
          .allMatch(c -> c.equals("l1") || c.equals("l2"));
      Map<String, SearchResult> rare = ask(pipeline, List.of("a rare query"), "rare-");
      assertThat(rare.get("rare-0").cache()).isEqualTo("miss");
    }
  }
}
