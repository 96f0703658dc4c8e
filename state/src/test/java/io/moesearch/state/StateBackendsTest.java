package io.moesearch.state;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class StateBackendsTest {
  @Test
  void configuresRocksDbWithIncrementalCheckpoints() {
    var conf =
        StateBackends.configure(
            new org.apache.flink.configuration.Configuration(),
            "rocksdb",
            "/tmp/cp",
            java.time.Duration.ofSeconds(5));
    assertThat(conf.toMap())
        .containsEntry("state.backend.type", "rocksdb")
        .containsEntry("execution.checkpointing.incremental", "true");
    assertThat(conf.toMap().get("execution.checkpointing.dir")).isEqualTo("file:///tmp/cp");
    assertThatThrownBy(
            () ->
                StateBackends.configure(
                    new org.apache.flink.configuration.Configuration(),
                    "memory",
                    "",
                    java.time.Duration.ofSeconds(1)))
        .hasMessageContaining("job.state-backend");
  }
}
