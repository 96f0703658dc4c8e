package io.moesearch.jobs.search;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.moesearch.jobs.config.BatchOptions;
import io.moesearch.jobs.config.ConfigException;
import io.moesearch.jobs.config.MoeSearchConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.apache.flink.configuration.CheckpointingOptions;
import org.apache.flink.configuration.CoreOptions;
import org.apache.flink.configuration.ExecutionOptions;
import org.apache.flink.configuration.PipelineOptions;
import org.apache.flink.configuration.StateChangelogOptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The job sets its own checkpointing (a cluster's {@code config.yaml} keys do not reach a job
 * submitted with its configuration), so what it must run with is in {@link
 * SearchJob#flinkConfiguration}.
 */
class SearchJobConfigurationTest {
  @Test
  void checkpointsAreAlignedByDefaultAndTheSettingUnalignsThem() {
    var defaults = SearchJob.flinkConfiguration(MoeSearchConfig.defaultsWith(Map.of()));
    assertThat(defaults.get(CheckpointingOptions.ENABLE_UNALIGNED)).isFalse();
    assertThat(defaults.get(PipelineOptions.GENERIC_TYPES)).isFalse();

    var unaligned =
        SearchJob.flinkConfiguration(
            MoeSearchConfig.defaultsWith(Map.of("job.unaligned-checkpoints", "true")));
    assertThat(unaligned.get(CheckpointingOptions.ENABLE_UNALIGNED)).isTrue();
    assertThat(unaligned.get(CheckpointingOptions.FORCE_UNALIGNED)).isTrue();
    assertThat(defaults.get(CheckpointingOptions.FORCE_UNALIGNED)).isFalse();
  }

  @Test
  void theStateChangelogIsOffByDefaultAndTheSettingTurnsItOn() {
    var defaults = SearchJob.flinkConfiguration(MoeSearchConfig.defaultsWith(Map.of()));
    assertThat(defaults.get(StateChangelogOptions.ENABLE_STATE_CHANGE_LOG)).isFalse();
    var on =
        SearchJob.flinkConfiguration(
            MoeSearchConfig.defaultsWith(Map.of("job.state-changelog", "true")));
    assertThat(on.get(StateChangelogOptions.ENABLE_STATE_CHANGE_LOG)).isTrue();
    assertThat(on.get(StateChangelogOptions.STATE_CHANGE_LOG_STORAGE)).isEqualTo("filesystem");
  }

  /**
   * Keyed state is split into max-parallelism key groups, fixed by the first checkpoint. Left
   * unset, Flink derived it from the first run's parallelism (128 up to 85 subtasks), so a
   * savepoint of the default job could never be rescaled above 128 although {@code job.parallelism}
   * accepts 1024. The job sets it: 128 by default (what earlier savepoints were taken with), or
   * {@code job.max-parallelism}, which bounds {@code job.parallelism}.
   */
  @Test
  void theJobSetsItsMaxParallelismWhichBoundsTheParallelism() {
    var defaults = SearchJob.flinkConfiguration(MoeSearchConfig.defaultsWith(Map.of()));
    assertThat(defaults.getOptional(PipelineOptions.MAX_PARALLELISM))
        .as("pipeline.max-parallelism set by the job, as earlier savepoints were taken")
        .contains(128);
    var wide =
        SearchJob.flinkConfiguration(
            MoeSearchConfig.defaultsWith(
                Map.of("job.max-parallelism", "4096", "job.parallelism", "1024")));
    assertThat(wide.get(PipelineOptions.MAX_PARALLELISM)).isEqualTo(4096);
    assertThat(wide.get(CoreOptions.DEFAULT_PARALLELISM)).isEqualTo(1024);
    assertThatThrownBy(() -> MoeSearchConfig.defaultsWith(Map.of("job.parallelism", "200")))
        .isInstanceOf(ConfigException.class)
        .hasMessageStartingWith("job.parallelism (200) must be at most job.max-parallelism (128)");
    assertThatThrownBy(() -> MoeSearchConfig.defaultsWith(Map.of("job.max-parallelism", "32769")))
        .isInstanceOf(ConfigException.class)
        .hasMessage("job.max-parallelism must be in 1..32768, got 32769");
  }

  /**
   * The product embedder ({@code embed-products}) and the query embedder run under a 60 s async I/O
   * timeout; the product embedder fails its task when it fires, on purpose (no update is dropped).
   * A micro-batch wait the configuration accepts must leave that timeout room for the queue and the
   * model: {@code batch.max-wait-ms} of 60,000 made a lone catalogue upsert wait out the whole
   * timeout for its batch to fill, failing the task on every upsert, the job restarting and
   * replaying it for ever. It must fail at start-up, naming the setting; the documented bound,
   * 10000, is accepted.
   */
  @Test
  void aBatchWaitThatFillsTheEmbeddersTimeoutIsRefusedNamingTheSetting() {
    for (String wait : new String[] {"60000", "59000", "30000"}) {
      assertThatThrownBy(
              () -> MoeSearchConfig.defaultsWith(Map.of("batch.max-wait-ms", wait)),
              "batch.max-wait-ms=" + wait)
          .isInstanceOf(ConfigException.class)
          .hasMessageContaining("batch.max-wait-ms");
    }
    assertThat(
            MoeSearchConfig.defaultsWith(Map.of("batch.max-wait-ms", "10000"))
                .get(BatchOptions.MAX_WAIT_MS))
        .isEqualTo(10_000L);
    assertThatThrownBy(() -> MoeSearchConfig.defaultsWith(Map.of("batch.max-wait-ms", "10001")))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("batch.max-wait-ms");
  }

  /** A flag without its value, last on the command line, fails naming the flag. */
  @Test
  void aFlagWithoutItsValueFailsNamingIt() {
    assertThatThrownBy(() -> SearchJob.main(new String[] {"--config"}))
        .isInstanceOf(ConfigException.class)
        .hasMessage("--config must be followed by FILE");
    assertThatThrownBy(() -> SearchJob.main(new String[] {"--set", "job.parallelism=1", "--set"}))
        .isInstanceOf(ConfigException.class)
        .hasMessage("--set must be followed by key=value");
  }

  /** A local checkpoint directory that cannot be created fails as the job starts, naming it. */
  @Test
  void aCheckpointDirectoryUnderAFileFailsNamingTheSetting(@TempDir Path dir) throws Exception {
    Path file = Files.writeString(dir.resolve("f"), "x");
    MoeSearchConfig config =
        MoeSearchConfig.defaultsWith(Map.of("job.checkpoint-dir", file.resolve("ck").toString()));
    assertThatThrownBy(() -> SearchJob.flinkConfiguration(config))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("job.checkpoint-dir");
    String uri = "file:" + dir.resolve("ck");
    assertThat(
            SearchJob.flinkConfiguration(
                    MoeSearchConfig.defaultsWith(Map.of("job.checkpoint-dir", uri)))
                .get(CheckpointingOptions.CHECKPOINTS_DIRECTORY))
        .isEqualTo(uri);
  }

  /**
   * Every record is sent at once by default (no flusher thread: measured cheaper at this job's
   * rates, docs/benchmarks.md), and the setting still batches when asked to.
   */
  @Test
  void recordsAreSentAtOnceByDefaultAndTheSettingBatchesThem() {
    var defaults = SearchJob.flinkConfiguration(MoeSearchConfig.defaultsWith(Map.of()));
    assertThat(defaults.get(ExecutionOptions.BUFFER_TIMEOUT)).isEqualTo(Duration.ZERO);

    var batched =
        SearchJob.flinkConfiguration(
            MoeSearchConfig.defaultsWith(Map.of("job.buffer-timeout-ms", "5")));
    assertThat(batched.get(ExecutionOptions.BUFFER_TIMEOUT)).isEqualTo(Duration.ofMillis(5));
  }

  /**
   * The upserts in embed-products at once are bounded whatever batch.max-size is, so a burst does
   * not queue more than embeds within the async timeout (16,384 did at the largest batch size).
   */
  @Test
  void upsertsInFlightAreBoundedWhateverTheBatchSize() {
    assertThat(SearchJob.productsInFlight(32)).isEqualTo(128);
    assertThat(SearchJob.productsInFlight(4096)).isEqualTo(SearchJob.MAX_PRODUCTS_IN_FLIGHT);
    assertThat(SearchJob.MAX_PRODUCTS_IN_FLIGHT / 46.0)
        .as("seconds at the slowest measured embedding rate, within the timeout with room")
        .isLessThan(SearchJob.EMBED_PRODUCTS_TIMEOUT_SECONDS / 4.0);
  }
}
