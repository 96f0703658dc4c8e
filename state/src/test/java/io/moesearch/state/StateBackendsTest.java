package io.moesearch.state;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.apache.flink.configuration.Configuration;
import org.junit.jupiter.api.Test;

class StateBackendsTest {
  @Test
  void configuresRocksDbWithIncrementalCheckpoints() {
    var conf =
        StateBackends.configure(new Configuration(), "rocksdb", "/tmp/cp", Duration.ofSeconds(5));
    assertThat(conf.toMap())
        .containsEntry("state.backend.type", "rocksdb")
        .containsEntry("execution.checkpointing.incremental", "true");
    assertThat(conf.toMap().get("execution.checkpointing.dir")).isEqualTo("file:///tmp/cp");
    var local = StateBackends.configure(new Configuration(), "hashmap", "", Duration.ofSeconds(5));
    // Never JobManager memory (5 MB cap): without a directory, checkpoints go under the temp dir.
    assertThat(local.toMap().get("execution.checkpointing.dir"))
        .startsWith("file:")
        .matches(".*/moe-search-checkpoints/?"); // a trailing slash once the directory exists
    assertThat(local.toMap())
        .containsEntry("execution.checkpointing.tolerable-failed-checkpoints", "3");
    assertThatThrownBy(
            () -> StateBackends.configure(new Configuration(), "memory", "", Duration.ofSeconds(1)))
        .hasMessageContaining("job.state-backend");
  }
}
