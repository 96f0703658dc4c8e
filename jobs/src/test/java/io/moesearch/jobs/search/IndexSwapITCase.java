package io.moesearch.jobs.search;

import static org.assertj.core.api.Assertions.assertThat;

import io.moesearch.connectors.message.SearchQuery;
import io.moesearch.connectors.message.SearchResult;
import io.moesearch.core.artifact.GateVersionWriter;
import io.moesearch.core.artifact.IndexArtifact;
import io.moesearch.core.artifact.Manifest;
import io.moesearch.core.gate.ExpertPlacement;
import io.moesearch.jobs.config.MoeSearchConfig;
import io.moesearch.jobs.demo.EmbeddedPipeline;
import io.moesearch.jobs.testing.MiniClusters;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import org.apache.flink.api.common.JobStatus;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * A new gate version written mid-stream (as {@code routing update} does) is picked up by the
 * running job without a restart: every query is answered exactly once, those before the swap by the
 * old version and those after by the new one. The new version also brings a replicated expert
 * layout, so requests change from per-expert to per-replica keys mid-stream.
 */
class IndexSwapITCase {
  @RegisterExtension static final MiniClusterExtension FLINK = MiniClusters.twoSlots();

  @TempDir static Path root;

  @Test
  void aNewGateVersionIsServedMidStreamWithNoQueryLost(@TempDir Path checkpoints) throws Exception {
    PipelineFixture fixture = new PipelineFixture(root.resolve("index"));
    String v1 = fixture.artifact.version();
    MoeSearchConfig config =
        fixture.config(
            checkpoints,
            Map.of(
                "index.path", "",
                "index.root", root.resolve("index").toString(),
                "index.watch-interval-ms", "100"));
    assertThat(SearchJob.resolveArtifact(config).version()).isEqualTo(v1);
    Configuration flink = SearchJob.flinkConfiguration(config);
    flink.setString("restart-strategy.type", "none");
    StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment(flink);
    List<SearchQuery> queries = fixture.queries(240);

    Map<String, Integer> counts = new HashMap<>();
    Map<String, SearchResult> results = new HashMap<>();
    // Every answer received is counted (duplicates too) and kept, wherever it is polled.
    Consumer<List<EmbeddedPipeline.Timed<SearchResult>>> record =
        polled ->
            polled.forEach(
                r -> {
                  counts.merge(r.value().queryId(), 1, Integer::sum);
                  results.put(r.value().queryId(), r.value());
                });
    String v2 = null;
    try (EmbeddedPipeline pipeline =
            EmbeddedPipeline.start(config, env, fixture.artifact, 2, s -> s);
        var rc = pipeline.results(false)) {
      for (int i = 0; i < queries.size(); i++) {
        pipeline.send(queries.get(i).queryId(), PipelineFixture.encode(queries.get(i)));
        pipeline.flush();
        if (i == queries.size() / 3) {
          // Wait for the first answers, so the swap happens mid-stream, then write a new gate.
          long until = System.currentTimeMillis() + 60_000;
          while (results.isEmpty() && System.currentTimeMillis() < until) {
            record.accept(rc.poll(Duration.ofMillis(100)));
          }
          // The new version also serves every expert from two replicas (a replicated layout):
          // requests are keyed by slot from then on, and nothing may be lost across the change.
          var gate = IndexArtifact.load(fixture.artifactDir, 384).gate();
          double[] even = new double[gate.experts()];
          Arrays.fill(even, 1);
          v2 =
              GateVersionWriter.write(
                      fixture.artifactDir,
                      gate,
                      ExpertPlacement.plan(even, 2 * gate.experts(), 2),
                      new Manifest.GateUpdate(v1, "test swap", Map.of()),
                      null)
                  .version();
        }
        record.accept(rc.poll(Duration.ofMillis(20)));
      }
      long deadline = System.currentTimeMillis() + 120_000;
      while (counts.size() < queries.size() && System.currentTimeMillis() < deadline) {
        record.accept(rc.poll(Duration.ofMillis(200)));
      }
      for (int i = 0; i < 5; i++) {
        record.accept(rc.poll(Duration.ofMillis(200)));
      }
      assertThat(pipeline.job().getJobStatus().get()).isEqualTo(JobStatus.RUNNING);
    }

    assertThat(counts).as("every query answered").hasSize(queries.size());
    assertThat(counts.values()).as("exactly once each").allMatch(c -> c == 1);
    String last = results.get(queries.get(queries.size() - 1).queryId()).indexVersion();
    assertThat(last).as("the new version serves the end of the stream").isEqualTo(v2);
    assertThat(results.get(queries.get(0).queryId()).indexVersion()).isEqualTo(v1);
    assertThat(results.values()).extracting(SearchResult::indexVersion).containsOnly(v1, v2);
  }
}
