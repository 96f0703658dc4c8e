package io.moesearch.jobs.search;

import static org.assertj.core.api.Assertions.assertThat;

import io.moesearch.connectors.message.SearchQuery;
import io.moesearch.connectors.message.SearchResult;
import io.moesearch.core.artifact.GateVersionWriter;
import io.moesearch.core.artifact.IndexArtifact;
import io.moesearch.core.artifact.Manifest;
import io.moesearch.core.gate.ExpertPlacementPlanner;
import io.moesearch.jobs.config.MoeSearchConfig;
import io.moesearch.jobs.testing.EmbeddedPipeline;
import io.moesearch.jobs.testing.MiniClusters;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.apache.flink.api.common.JobStatus;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.functions.RichMapFunction;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * A new gate version written mid-stream (as {@code routing update} does) is picked up by the
 * running job without a restart: every query is answered exactly once, the first (answered before
 * the swap) by the old version, each by the old or the new one, and a query asked later by the new.
 * The new version also brings a replicated expert layout, so requests change from per-expert to
 * per-replica keys mid-stream. A job that fails after a swap restarts on the current version, even
 * when the one it was submitted with has been removed.
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
          // Wait for the first query's answer, so the swap happens mid-stream after it was served
          // (any other answer may come first: the queries are spread over two partitions), then
          // write a new gate.
          String first = queries.get(0).queryId();
          long until = System.currentTimeMillis() + 60_000;
          while (!results.containsKey(first) && System.currentTimeMillis() < until) {
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
                      ExpertPlacementPlanner.plan(even, 2 * gate.experts(), 2),
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
      // Each router subtask adopts the new version on its own, after verifying it in the
      // background: the stream's last query may still have met the old one. A query asked now
      // must be served by the new version.
      String swapped = v2;
      SearchResult after =
          PipelineFixture.askUntil(
              pipeline,
              rc,
              "wireless mouse after the swap",
              null,
              r -> swapped.equals(r.indexVersion()));
      assertThat(after)
          .as("the new version is served")
          .extracting(SearchResult::indexVersion)
          .isEqualTo(v2);
      assertThat(pipeline.job().getJobStatus().get()).isEqualTo(JobStatus.RUNNING);
    }

    assertThat(counts).as("every query answered").hasSize(queries.size());
    assertThat(counts.values()).as("exactly once each").allMatch(c -> c == 1);
    assertThat(results.get(queries.get(0).queryId()).indexVersion()).isEqualTo(v1);
    assertThat(results.values()).extracting(SearchResult::indexVersion).containsOnly(v1, v2);
  }

  /** Set by the test: the next result makes the first attempt of the task fail. */
  static final AtomicBoolean FAIL = new AtomicBoolean();

  /** Passes results through; throws once {@link #FAIL} is set, on the task's first attempt. */
  static final class FailOnSignal extends RichMapFunction<SearchResult, SearchResult> {
    private transient boolean firstAttempt;

    @Override
    public void open(OpenContext ctx) {
      firstAttempt = getRuntimeContext().getTaskInfo().getAttemptNumber() == 0;
    }

    @Override
    public SearchResult map(SearchResult r) {
      if (firstAttempt && FAIL.get()) {
        throw new IllegalStateException("injected failure after the swap");
      }
      return r;
    }
  }

  @Test
  void aFailureAfterTheSubmittedVersionWasRemovedRestartsOnTheCurrentVersion(@TempDir Path dir)
      throws Exception {
    Path indexRoot = dir.resolve("index");
    PipelineFixture fixture = new PipelineFixture(indexRoot);
    MoeSearchConfig config =
        fixture.config(
            dir.resolve("checkpoints"),
            Map.of(
                "index.path", "",
                "index.root", indexRoot.toString(),
                "index.watch-interval-ms", "100"));
    Configuration flink = SearchJob.flinkConfiguration(config);
    flink.setString("restart-strategy.type", "fixed-delay");
    flink.setString("restart-strategy.fixed-delay.attempts", "3");
    flink.setString("restart-strategy.fixed-delay.delay", "200 ms");
    List<SearchQuery> queries = fixture.queries(90);
    FAIL.set(false);
    Map<String, SearchResult> results = new HashMap<>();
    try (EmbeddedPipeline pipeline =
            EmbeddedPipeline.start(
                config,
                StreamExecutionEnvironment.getExecutionEnvironment(flink),
                fixture.artifact,
                2,
                s ->
                    s.map(new FailOnSignal())
                        .returns(TypeInformation.of(SearchResult.class))
                        .name("fail-on-signal")
                        .uid("fail-on-signal"));
        var rc = pipeline.results(false)) {
      var gate = fixture.artifact.gate();
      double[] even = new double[gate.experts()];
      Arrays.fill(even, 1);
      String v2 =
          GateVersionWriter.write(
                  fixture.artifactDir,
                  gate,
                  ExpertPlacementPlanner.plan(even, gate.experts(), 1),
                  new Manifest.GateUpdate(fixture.artifact.version(), "test swap", Map.of()),
                  null)
              .version();
      // Queries (at most 30) until the job answers with the new version; the deadline, not the
      // number sent, bounds the wait, as the job may still be starting on a loaded machine.
      int sent = 0;
      long deadline = System.currentTimeMillis() + 120_000;
      while (results.values().stream().noneMatch(r -> r.indexVersion().equals(v2))
          && System.currentTimeMillis() < deadline) {
        if (sent < 30) {
          pipeline.send(queries.get(sent).queryId(), PipelineFixture.encode(queries.get(sent)));
          pipeline.flush();
          sent++;
        }
        rc.poll(Duration.ofMillis(300)).forEach(r -> results.put(r.value().queryId(), r.value()));
      }
      assertThat(results.values()).extracting(SearchResult::indexVersion).contains(v2);
      // The submitted version goes away (the new one's hard links keep its files), then a failure.
      try (Stream<Path> files = Files.walk(fixture.artifactDir)) {
        for (Path p : files.sorted(Comparator.reverseOrder()).toList()) {
          Files.delete(p);
        }
      }
      FAIL.set(true);
      for (SearchQuery q : queries.subList(30, 90)) {
        pipeline.send(q.queryId(), PipelineFixture.encode(q));
      }
      pipeline.flush();
      deadline = System.currentTimeMillis() + 120_000;
      while (!results.keySet().containsAll(ids(queries.subList(30, 90)))
          && System.currentTimeMillis() < deadline) {
        rc.poll(Duration.ofMillis(200)).forEach(r -> results.put(r.value().queryId(), r.value()));
      }
      assertThat(results.keySet())
          .as("queries after the failure are answered")
          .containsAll(ids(queries.subList(30, 90)));
      for (SearchQuery q : queries.subList(30, 90)) {
        assertThat(results.get(q.queryId()).indexVersion()).isEqualTo(v2);
      }
      assertThat(pipeline.job().getJobStatus().get()).isEqualTo(JobStatus.RUNNING);
    }
  }

  private static List<String> ids(List<SearchQuery> queries) {
    return queries.stream().map(SearchQuery::queryId).toList();
  }
}
