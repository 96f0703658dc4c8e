package io.moesearch.jobs.search;

import static org.assertj.core.api.Assertions.assertThat;

import io.moesearch.connectors.message.SearchQuery;
import io.moesearch.connectors.message.SearchResult;
import io.moesearch.jobs.config.MoeSearchConfig;
import io.moesearch.jobs.testing.EmbeddedPipeline;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
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
 * Graceful overload on a real broker and MiniCluster: a burst of misses far beyond what the model
 * can embed within {@code overload.max-wait-ms} (set to 1 ms here, so any queue is overload) is
 * answered in full, each query exactly once, the excess at once with {@code degraded: overloaded}
 * and no items; and degraded answers never reach the cache, so the same texts asked again one by
 * one (no queue: the level has recovered) are computed in full, while texts first answered in full
 * come from the cache.
 */
class OverloadITCase {
  @RegisterExtension
  static final MiniClusterExtension FLINK =
      new MiniClusterExtension(
          new MiniClusterResourceConfiguration.Builder()
              .setNumberTaskManagers(1)
              .setNumberSlotsPerTaskManager(2)
              .build());

  @TempDir static Path root;
  static PipelineFixture fixture;

  @BeforeAll
  static void index() {
    fixture = new PipelineFixture(root.resolve("index"));
  }

  private static void send(EmbeddedPipeline pipeline, String id, String text) {
    pipeline.send(id, PipelineFixture.encode(new SearchQuery(id, text, 10, null, 0, null)));
  }

  /** Polls until {@code n} answers with the prefix arrived, failing on a second answer to an id. */
  private static Map<String, SearchResult> await(
      EmbeddedPipeline.Consumer<SearchResult> results, String prefix, int n, long millis) {
    Map<String, SearchResult> got = new HashMap<>();
    long deadline = System.currentTimeMillis() + millis;
    while (System.currentTimeMillis() < deadline && got.size() < n) {
      for (var r : results.poll(Duration.ofMillis(100))) {
        SearchResult res = r.value();
        if (res.queryId().startsWith(prefix)) {
          assertThat(got.put(res.queryId(), res)).as("second answer to %s", res.queryId()).isNull();
        }
      }
    }
    return got;
  }

  @Test
  void aBurstBeyondTheModelIsAnsweredInFullWithTheExcessOverloadedAndNothingDegradedIsCached(
      @TempDir Path dir) throws Exception {
    MoeSearchConfig config =
        fixture.config(
            dir.resolve("checkpoints"),
            Map.of("overload.enabled", "true", "overload.max-wait-ms", "1"));
    Configuration flink = SearchJob.flinkConfiguration(config);
    flink.setString("restart-strategy.type", "none");
    List<String> texts = new ArrayList<>();
    for (SearchQuery q : fixture.queries(80)) {
      if (q.filters() == null && !texts.contains(q.text())) {
        texts.add(q.text());
      }
    }
    try (EmbeddedPipeline pipeline =
            EmbeddedPipeline.start(
                config,
                StreamExecutionEnvironment.getExecutionEnvironment(flink),
                fixture.artifact,
                2,
                s -> s);
        var results = pipeline.results(false)) {
      results.poll(Duration.ofMillis(100));
      for (int i = 0; i < texts.size(); i++) {
        send(pipeline, "burst-" + i, texts.get(i));
      }
      pipeline.flush();
      Map<String, SearchResult> burst = await(results, "burst-", texts.size(), 120_000);
      assertThat(burst).as("every query of the burst is answered").hasSize(texts.size());
      // Late duplicates would show here.
      assertThat(await(results, "burst-", 1, 2_000)).isEmpty();

      List<SearchResult> overloaded =
          burst.values().stream().filter(r -> r.degraded().equals("overloaded")).toList();
      assertThat(overloaded).as("the excess is turned away").isNotEmpty();
      assertThat(overloaded)
          .allSatisfy(
              r -> {
                assertThat(r.items()).isEmpty();
                assertThat(r.experts()).isEmpty();
                assertThat(r.cache()).isEqualTo(SearchResult.CACHE_MISS);
              });
      assertThat(burst.values())
          .as("the first query meets an empty queue")
          .anyMatch(r -> r.degraded().equals("none") && r.items().length > 0);

      // One at a time: no queue, so every answer is full again; only full answers were cached.
      for (int i = 0; i < texts.size(); i++) {
        send(pipeline, "again-" + i, texts.get(i));
        pipeline.flush();
        Map<String, SearchResult> one = await(results, "again-" + i, 1, 60_000);
        assertThat(one).as("answer to again-%d", i).hasSize(1);
        SearchResult first = burst.get("burst-" + i);
        SearchResult again = one.values().iterator().next();
        assertThat(again.degraded()).as("level recovered for again-%d", i).isEqualTo("none");
        if (!first.degraded().equals("none")) {
          assertThat(again.cache())
              .as("'%s' was first answered degraded: not cached", texts.get(i))
              .isIn(SearchResult.CACHE_MISS, SearchResult.CACHE_EMBEDDING);
        } else if (first.cache().equals(SearchResult.CACHE_MISS)) {
          assertThat(again.cache())
              .as("'%s' was first answered in full: cached", texts.get(i))
              .isIn(SearchResult.CACHE_L1, SearchResult.CACHE_L2, SearchResult.CACHE_COALESCED);
        }
      }
    }
  }
}
