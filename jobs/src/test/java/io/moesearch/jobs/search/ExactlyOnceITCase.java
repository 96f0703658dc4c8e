package io.moesearch.jobs.search;

import static org.assertj.core.api.Assertions.assertThat;

import io.moesearch.connectors.message.SearchQuery;
import io.moesearch.connectors.message.SearchResult;
import io.moesearch.jobs.config.MoeSearchConfig;
import io.moesearch.jobs.testing.EmbeddedPipeline;
import io.moesearch.jobs.testing.MiniClusters;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.runtime.checkpoint.RestoredCheckpointStats;
import org.apache.flink.runtime.minicluster.MiniCluster;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.InjectMiniCluster;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * EXACTLY_ONCE delivery through a failure: an operator throws once mid-stream, after a checkpoint
 * covering part of the stream has completed; Flink restores that checkpoint (RocksDB state, Kafka
 * offsets, sink transactions), and a read_committed consumer still sees every valid query answered
 * exactly once.
 */
class ExactlyOnceITCase {
  @RegisterExtension static final MiniClusterExtension FLINK = MiniClusters.twoSlots();

  @TempDir static Path root;
  static PipelineFixture fixture;

  @BeforeAll
  static void index() {
    fixture = new PipelineFixture(root.resolve("index"));
  }

  @Test
  void everyQueryIsAnsweredExactlyOnceDespiteARestartFromACheckpoint(
      @TempDir Path checkpoints, @InjectMiniCluster MiniCluster cluster) throws Exception {
    MoeSearchConfig config =
        fixture.config(
            checkpoints,
            Map.of(
                "kafka.delivery-guarantee",
                "exactly-once",
                "kafka.transactional-id-prefix",
                "eo-it",
                "job.checkpoint-interval-ms",
                "500"));
    Configuration flink = SearchJob.flinkConfiguration(config);
    flink.setString("restart-strategy.type", "fixed-delay");
    flink.setString("restart-strategy.fixed-delay.attempts", "3");
    flink.setString("restart-strategy.fixed-delay.delay", "200 ms");
    StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment(flink);
    List<SearchQuery> queries = fixture.queries(200);
    int beforeFailure = 120;
    FailOnceAfter.reset();

    try (EmbeddedPipeline pipeline =
        EmbeddedPipeline.start(
            config,
            env,
            fixture.artifact,
            2,
            s ->
                s.map(new FailOnceAfter<SearchResult>(40))
                    .returns(TypeInformation.of(SearchResult.class))
                    .name("fail-once")
                    .uid("fail-once"))) {
      Map<String, Integer> counts = new HashMap<>();
      try (var rc = pipeline.results(true)) {
        Runnable poll =
            () ->
                rc.poll(Duration.ofMillis(100))
                    .forEach(r -> counts.merge(r.value().queryId(), 1, Integer::sum));
        for (int i = 0; i < beforeFailure; i++) {
          pipeline.send(queries.get(i).queryId(), PipelineFixture.encode(queries.get(i)));
          if (i % 20 == 19) {
            pipeline.flush();
            poll.run();
          }
        }
        // The rest only once a checkpoint covering records has completed: the next record fails.
        long armDeadline = System.currentTimeMillis() + 180_000;
        while (FailOnceAfter.ARMED.get() == 0 && System.currentTimeMillis() < armDeadline) {
          poll.run();
        }
        assertThat(FailOnceAfter.ARMED.get()).as("a checkpoint completed mid-stream").isPositive();
        for (int i = beforeFailure; i < queries.size(); i++) {
          pipeline.send(queries.get(i).queryId(), PipelineFixture.encode(queries.get(i)));
        }
        pipeline.flush();
        long deadline = System.currentTimeMillis() + 180_000;
        while (counts.size() < queries.size() && System.currentTimeMillis() < deadline) {
          poll.run();
        }
        // Let further checkpoints commit: a duplicate would surface now.
        long settle = System.currentTimeMillis() + 3_000;
        while (System.currentTimeMillis() < settle) {
          poll.run();
        }
      }
      assertThat(FailOnceAfter.FAILURES.get()).as("injected failures").isGreaterThanOrEqualTo(1);
      assertThat(FailOnceAfter.CHECKPOINT_BEFORE_FAILURE.get())
          .as("a checkpoint completed before the injected failure")
          .isPositive();
      RestoredCheckpointStats restored =
          cluster
              .getExecutionGraph(pipeline.job().getJobID())
              .get()
              .getCheckpointStatsSnapshot()
              .getLatestRestoredCheckpoint();
      assertThat(restored).as("the restart restored a checkpoint").isNotNull();
      assertThat(restored.getCheckpointId())
          .as("restored checkpoint")
          .isGreaterThanOrEqualTo(FailOnceAfter.CHECKPOINT_BEFORE_FAILURE.get());
      assertThat(counts).hasSize(queries.size());
      assertThat(counts).allSatisfy((id, n) -> assertThat(n).as("answers to %s", id).isEqualTo(1));
    }
  }
}
