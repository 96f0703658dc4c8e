package io.moesearch.jobs.search;

import static org.assertj.core.api.Assertions.assertThat;

import io.moesearch.connectors.message.CatalogUpdate;
import io.moesearch.connectors.message.SearchQuery;
import io.moesearch.connectors.message.SearchResult;
import io.moesearch.core.catalog.Product;
import io.moesearch.core.testing.SmallIndex;
import io.moesearch.jobs.config.MoeSearchConfig;
import io.moesearch.jobs.index.IndexCompactJob;
import io.moesearch.jobs.testing.EmbeddedPipeline;
import io.moesearch.jobs.testing.MiniClusters;
import java.nio.file.Path;
import java.time.Duration;
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
 * {@code index compact} against a running job, on a real broker and Flink's MiniCluster: updates
 * are applied live, then folded into a new version mid-stream while queries stream; the job swaps
 * it in with every query answered exactly once, never serves the deleted product, still applies a
 * later update, and a second compaction reads only the updates after the first.
 */
class IndexCompactITCase {
  @RegisterExtension static final MiniClusterExtension FLINK = MiniClusters.fourSlots();

  @TempDir static Path root;

  private static final Product NEW =
      new Product("compact-new-1", "qxvbz cordless drill 18v", "Quuxco", "QD18", "", 79.0, null);

  @Test
  void aCompactionMidStreamIsSwappedInWithNoQueryOrUpdateLost(@TempDir Path checkpoints)
      throws Exception {
    Path indexRoot = root.resolve("index");
    PipelineFixture fixture = new PipelineFixture(indexRoot);
    Path catalogFile = SmallIndex.writeJsonl(fixture.catalog, root.resolve("catalog.jsonl.gz"));
    MoeSearchConfig config =
        fixture.config(
            checkpoints,
            Map.of(
                "index.path", "",
                "index.root", indexRoot.toString(),
                "index.watch-interval-ms", "100",
                "index.parallelism", "2",
                "catalog.path", catalogFile.toString()));
    Configuration flink = SearchJob.flinkConfiguration(config);
    flink.setString("restart-strategy.type", "none");
    String v1 = fixture.artifact.version();
    Product gone = fixture.catalog.get(11);
    Product repriced = fixture.catalog.get(23);
    List<SearchQuery> queries = fixture.queries(150);

    Map<String, Integer> counts = new HashMap<>();
    Map<String, SearchResult> results = new HashMap<>();
    Consumer<List<EmbeddedPipeline.Timed<SearchResult>>> record =
        polled ->
            polled.forEach(
                r -> {
                  if (r.value().queryId().startsWith("q-")) {
                    counts.merge(r.value().queryId(), 1, Integer::sum);
                    results.put(r.value().queryId(), r.value());
                  }
                  assertThat(PipelineFixture.ids(r.value()))
                      .as("no answer after the delete holds the deleted product")
                      .doesNotContain(gone.id());
                });
    String[] compacted = new String[2]; // the first and second compaction's versions
    try (EmbeddedPipeline pipeline =
        EmbeddedPipeline.start(
            config,
            StreamExecutionEnvironment.getExecutionEnvironment(flink),
            fixture.artifact,
            2,
            s -> s)) {
      MoeSearchConfig live = pipeline.config();
      long t0 = System.currentTimeMillis();
      pipeline.sendUpdate(CatalogUpdate.delete(gone.id(), t0));
      pipeline.sendUpdate(CatalogUpdate.patch(repriced.id(), 12_345.0, false, t0));
      pipeline.sendUpdate(CatalogUpdate.upsert(NEW, true, t0));
      pipeline.flush();
      try (var probe = pipeline.newResults()) {
        assertThat(
                PipelineFixture.ids(
                    PipelineFixture.askUntil(
                        pipeline,
                        probe,
                        NEW.title(),
                        null,
                        r -> PipelineFixture.ids(r).contains(NEW.id()))))
            .as("the upsert is live before the compaction")
            .contains(NEW.id());
        assertThat(
                PipelineFixture.ids(
                    PipelineFixture.askUntil(
                        pipeline,
                        probe,
                        gone.title(),
                        null,
                        r -> !PipelineFixture.ids(r).contains(gone.id()))))
            .doesNotContain(gone.id());
      }

      try (var rc = pipeline.newResults()) {
        for (int i = 0; i < 50; i++) {
          pipeline.send(queries.get(i).queryId(), PipelineFixture.encode(queries.get(i)));
        }
        pipeline.flush();
        long until = System.currentTimeMillis() + 60_000;
        while (counts.isEmpty() && System.currentTimeMillis() < until) {
          record.accept(rc.poll(Duration.ofMillis(100)));
        }
        // Compaction mid-stream: the running job follows index.root and swaps the version in.
        IndexCompactJob.Result first =
            new IndexCompactJob(live, s -> {})
                .run(StreamExecutionEnvironment.getExecutionEnvironment());
        compacted[0] = first.manifest().indexVersion();
        String v2 = compacted[0];
        assertThat(first.manifest().compaction().updatesFolded()).isEqualTo(3);
        assertThat(first.manifest().compaction().baseVersion()).isEqualTo(v1);
        assertThat(first.manifest().products()).isEqualTo(fixture.catalog.size());
        for (int i = 50; i < queries.size(); i++) {
          pipeline.send(queries.get(i).queryId(), PipelineFixture.encode(queries.get(i)));
          pipeline.flush();
          record.accept(rc.poll(Duration.ofMillis(20)));
        }
        long deadline = System.currentTimeMillis() + 120_000;
        while (counts.size() < queries.size() && System.currentTimeMillis() < deadline) {
          record.accept(rc.poll(Duration.ofMillis(200)));
        }
        for (int i = 0; i < 5; i++) {
          record.accept(rc.poll(Duration.ofMillis(200)));
        }

        // After the swap: the deleted product stays gone, the new one is served from the files,
        // and an update newer than the compaction still applies on top of it.
        SearchResult goneAfter =
            PipelineFixture.askUntil(
                pipeline, rc, gone.title(), null, r -> v2.equals(r.indexVersion()));
        assertThat(goneAfter.indexVersion()).isEqualTo(v2);
        assertThat(PipelineFixture.ids(goneAfter)).doesNotContain(gone.id());
        pipeline.sendUpdate(CatalogUpdate.patch(repriced.id(), 7.0, true, t0 + 10));
        pipeline.sendUpdate(CatalogUpdate.patch(repriced.id(), 99.0, null, t0 - 5)); // stale
        pipeline.flush();
        SearchResult repricedAfter =
            PipelineFixture.askUntil(
                pipeline,
                rc,
                repriced.title(),
                null,
                r ->
                    PipelineFixture.item(r, repriced.id()) != null
                        && Double.valueOf(7.0)
                            .equals(PipelineFixture.item(r, repriced.id()).price()));
        assertThat(PipelineFixture.item(repricedAfter, repriced.id()).price()).isEqualTo(7.0);
        assertThat(PipelineFixture.item(repricedAfter, repriced.id()).inStock()).isTrue();

        // A second compaction reads only what came after the first.
        IndexCompactJob.Result second =
            new IndexCompactJob(live, s -> {})
                .run(StreamExecutionEnvironment.getExecutionEnvironment());
        compacted[1] = second.manifest().indexVersion();
        String v3 = compacted[1];
        assertThat(second.manifest().compaction().updatesRead()).isEqualTo(2);
        assertThat(second.manifest().compaction().updatesFolded()).isEqualTo(1);
        assertThat(second.manifest().compaction().lineage()).containsExactly(v1, v2);
        SearchResult repricedLast =
            PipelineFixture.askUntil(
                pipeline, rc, repriced.title(), null, r -> v3.equals(r.indexVersion()));
        assertThat(PipelineFixture.item(repricedLast, repriced.id()).price()).isEqualTo(7.0);
      }
      assertThat(pipeline.job().getJobStatus().get()).isEqualTo(JobStatus.RUNNING);
    }

    assertThat(counts).as("every query answered").hasSize(queries.size());
    assertThat(counts.values()).as("exactly once each").allMatch(c -> c == 1);
    assertThat(results.values())
        .extracting(SearchResult::indexVersion)
        .as("the stream crossed the swap")
        .contains(compacted[0]);
  }
}
