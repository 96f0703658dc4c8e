package io.moesearch.jobs.search;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.moesearch.jobs.config.ConfigException;
import io.moesearch.jobs.config.MoeSearchConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.apache.flink.configuration.CheckpointingOptions;
import org.apache.flink.configuration.ExecutionOptions;
import org.apache.flink.configuration.PipelineOptions;
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
}
