package io.moesearch.jobs.search;

import static org.assertj.core.api.Assertions.assertThat;

import io.moesearch.connectors.message.CatalogUpdate;
import io.moesearch.connectors.message.DeadLetter;
import io.moesearch.connectors.message.Filters;
import io.moesearch.connectors.message.RankedItem;
import io.moesearch.connectors.message.SearchQuery;
import io.moesearch.connectors.message.SearchResult;
import io.moesearch.core.catalog.Product;
import io.moesearch.jobs.config.MoeSearchConfig;
import io.moesearch.jobs.testing.EmbeddedPipeline;
import io.moesearch.jobs.testing.MiniClusters;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.flink.api.common.JobStatus;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The live catalogue end to end on a real Kafka broker and Flink's MiniCluster (parallelism 2,
 * RocksDB, query cache on): upserts, patches and deletes arrive on the catalogue-update topic while
 * queries stream, and later queries (the same texts, so cached answers are tested too) see them; a
 * malformed update is a dead letter naming the field; and after a failure restores a checkpoint
 * taken after the updates (the update source resumes past them), the delta is still applied.
 */
class LiveCatalogITCase {
  /** Where the TaskManager writes the state changelog of a job with {@code job.state-changelog}. */
  private static final Path CHANGELOG = tempDir();

  @RegisterExtension
  static final MiniClusterExtension FLINK = MiniClusters.twoSlotsWithChangelogStorage(CHANGELOG);

  private static Path tempDir() {
    try {
      return Files.createTempDirectory("moe-search-changelog");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @TempDir static Path root;
  static PipelineFixture fixture;

  @BeforeAll
  static void index() {
    fixture = new PipelineFixture(root.resolve("index"));
  }

  private static final Product NEW =
      new Product("live-new-1", "zyxwq turbo blender 900 watt", "Quuxco", "TB900", "", 49.0, null);

  @Test
  void upsertsPatchesAndDeletesArriveWhileQueriesStreamAndLaterQueriesSeeThem(
      @TempDir Path checkpoints) throws Exception {
    MoeSearchConfig config = fixture.config(checkpoints, Map.of());
    Configuration flink = SearchJob.flinkConfiguration(config);
    flink.setString("restart-strategy.type", "none");
    Product gone = fixture.catalog.get(11);
    Product repriced = fixture.catalog.get(23);
    try (EmbeddedPipeline pipeline =
        EmbeddedPipeline.start(
            config,
            StreamExecutionEnvironment.getExecutionEnvironment(flink),
            fixture.artifact,
            2,
            s -> s)) {
      try (var rc = pipeline.results(false);
          var dc = pipeline.deadLetters()) {
        // Before: both products are found by their titles (and now cached).
        assertThat(
                PipelineFixture.ids(
                    PipelineFixture.askUntil(pipeline, rc, gone.title(), null, r -> true)))
            .contains(gone.id());
        SearchResult before =
            PipelineFixture.askUntil(pipeline, rc, repriced.title(), null, r -> true);
        assertThat(PipelineFixture.ids(before)).contains(repriced.id());
        // Queries keep streaming while the updates arrive.
        for (SearchQuery q : fixture.queries(40)) {
          pipeline.send(q.queryId(), PipelineFixture.encode(q));
        }
        long t0 = System.currentTimeMillis();
        pipeline.sendUpdate(CatalogUpdate.delete(gone.id(), t0));
        pipeline.sendUpdate(CatalogUpdate.patch(repriced.id(), 12_345.0, false, t0));
        pipeline.sendUpdate(CatalogUpdate.upsert(NEW, true, t0));
        pipeline.sendUpdate(CatalogUpdate.patch(repriced.id(), 1.0, true, t0 - 1)); // stale
        pipeline.send(
            new ProducerRecord<>(
                pipeline.config().kafka().catalogTopic(),
                null,
                "{\"op\":\"patch\",\"id\":\"x\",\"price\":\"cheap\",\"ts\":1}"
                    .getBytes(StandardCharsets.UTF_8)));
        pipeline.flush();

        SearchResult afterDelete =
            PipelineFixture.askUntil(
                pipeline, rc, gone.title(), null, r -> !PipelineFixture.ids(r).contains(gone.id()));
        assertThat(PipelineFixture.ids(afterDelete))
            .as("the deleted product")
            .doesNotContain(gone.id());
        SearchResult afterPatch =
            PipelineFixture.askUntil(
                pipeline,
                rc,
                repriced.title(),
                null,
                r ->
                    PipelineFixture.item(r, repriced.id()) != null
                        && Double.valueOf(12_345.0)
                            .equals(PipelineFixture.item(r, repriced.id()).price()));
        RankedItem live = PipelineFixture.item(afterPatch, repriced.id());
        assertThat(live).as("the patched product is still found").isNotNull();
        assertThat(live.price()).isEqualTo(12_345.0);
        assertThat(live.inStock()).isFalse();
        SearchResult inStockOnly =
            PipelineFixture.askUntil(
                pipeline, rc, repriced.title(), new Filters(null, null, null, true), r -> true);
        assertThat(PipelineFixture.ids(inStockOnly))
            .as("out of stock under in_stock")
            .doesNotContain(repriced.id());
        assertThat(inStockOnly.items()).isNotEmpty();
        SearchResult found =
            PipelineFixture.askUntil(
                pipeline, rc, NEW.title(), null, r -> PipelineFixture.ids(r).contains(NEW.id()));
        assertThat(PipelineFixture.ids(found))
            .as("the new product by its own title")
            .first()
            .isEqualTo(NEW.id());
        assertThat(PipelineFixture.item(found, NEW.id()).price()).isEqualTo(49.0);

        List<DeadLetter> dead = new ArrayList<>();
        long deadline = System.currentTimeMillis() + 30_000;
        while (dead.stream().noneMatch(d -> d.reason().contains("price"))
            && System.currentTimeMillis() < deadline) {
          dc.poll(Duration.ofMillis(200)).forEach(d -> dead.add(d.value()));
        }
        assertThat(dead)
            .anySatisfy(
                d -> {
                  assertThat(d.topic()).isEqualTo(pipeline.config().kafka().catalogTopic());
                  assertThat(d.reason()).contains("price must be a number");
                });
      }
      assertThat(pipeline.job().getJobStatus().get()).isEqualTo(JobStatus.RUNNING);
    }
  }

  /**
   * With {@code job.state-changelog} the restored delta comes from the changelog alone: the
   * backend's first materialisation is 10 minutes away, so no RocksDB snapshot holds the updates.
   */
  @ParameterizedTest(name = "job.state-changelog={0}")
  @ValueSource(booleans = {false, true})
  void theDeltaSurvivesARestartFromACheckpointMidStream(
      boolean changelog, @TempDir Path checkpoints) throws Exception {
    MoeSearchConfig config =
        fixture.config(
            checkpoints,
            Map.of("job.checkpoint-interval-ms", "500", "job.state-changelog", "" + changelog));
    Configuration flink = SearchJob.flinkConfiguration(config);
    flink.setString("restart-strategy.type", "fixed-delay");
    flink.setString("restart-strategy.fixed-delay.attempts", "3");
    flink.setString("restart-strategy.fixed-delay.delay", "200 ms");
    Product gone = fixture.catalog.get(31);
    long changelogFilesBefore = changelogFiles();
    FailOnceAfter.reset();
    try (EmbeddedPipeline pipeline =
        EmbeddedPipeline.start(
            config,
            StreamExecutionEnvironment.getExecutionEnvironment(flink),
            fixture.artifact,
            2,
            s ->
                s.map(new FailOnceAfter<SearchResult>(1))
                    .returns(TypeInformation.of(SearchResult.class))
                    .name("fail-once")
                    .uid("fail-once"))) {
      try (var rc = pipeline.results(false)) {
        long t0 = System.currentTimeMillis();
        pipeline.sendUpdate(CatalogUpdate.delete(gone.id(), t0));
        pipeline.sendUpdate(CatalogUpdate.upsert(NEW, true, t0));
        assertThat(pipeline.awaitUpdatesConsumed(Duration.ofSeconds(180)))
            .as("a checkpoint covering the updates completed")
            .isTrue();
        SearchResult before =
            PipelineFixture.askUntil(
                pipeline, rc, NEW.title(), null, r -> PipelineFixture.ids(r).contains(NEW.id()));
        assertThat(PipelineFixture.ids(before)).contains(NEW.id());
        // Once a checkpoint after a result has completed, the next result fails the job: it
        // restarts from its latest checkpoint, taken after the updates, so the update source
        // resumes past them and only the restored delta can still apply them.
        long armDeadline = System.currentTimeMillis() + 180_000;
        while (FailOnceAfter.ARMED.get() == 0 && System.currentTimeMillis() < armDeadline) {
          rc.poll(Duration.ofMillis(100));
        }
        assertThat(FailOnceAfter.ARMED.get()).as("a checkpoint completed mid-stream").isPositive();
        for (SearchQuery q : fixture.queries(20)) {
          pipeline.send(q.queryId(), PipelineFixture.encode(q));
        }
        pipeline.flush();
        long failDeadline = System.currentTimeMillis() + 180_000;
        while (FailOnceAfter.FAILURES.get() == 0 && System.currentTimeMillis() < failDeadline) {
          rc.poll(Duration.ofMillis(100));
        }
        assertThat(FailOnceAfter.FAILURES.get()).as("injected failures").isPositive();
        SearchResult without =
            PipelineFixture.askUntil(
                pipeline, rc, gone.title(), null, r -> !PipelineFixture.ids(r).contains(gone.id()));
        assertThat(PipelineFixture.ids(without)).doesNotContain(gone.id()).isNotEmpty();
        SearchResult found =
            PipelineFixture.askUntil(
                pipeline, rc, NEW.title(), null, r -> PipelineFixture.ids(r).contains(NEW.id()));
        assertThat(PipelineFixture.ids(found)).first().isEqualTo(NEW.id());
        // Counted while the job runs: its checkpoints' changelog files go when it is cancelled.
        assertThat(changelogFiles() > changelogFilesBefore)
            .as("state changelog files written by this run")
            .isEqualTo(changelog);
      }
      assertThat(FailOnceAfter.FAILURES.get()).as("injected failures").isPositive();
    }
  }

  private static long changelogFiles() throws IOException {
    try (var files = Files.walk(CHANGELOG)) {
      return files.filter(Files::isRegularFile).count();
    }
  }
}
