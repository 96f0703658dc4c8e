package io.moesearch.state;

import java.time.Duration;
import org.apache.flink.configuration.Configuration;

/**
 * Applies the job's state backend choice to a Flink configuration: RocksDB (the default; embedded,
 * incremental checkpoints) or the heap backend, with periodic checkpoints to {@code checkpointDir}.
 */
public final class StateBackends {
  private StateBackends() {}

  /**
   * @param backend {@code rocksdb} or {@code hashmap}
   * @param checkpointDir a URI or path for checkpoints; empty for Flink's default (JobManager
   *     memory)
   * @param interval checkpoint interval
   */
  public static Configuration configure(
      Configuration conf, String backend, String checkpointDir, Duration interval) {
    switch (backend) {
      case "rocksdb" -> {
        conf.setString("state.backend.type", "rocksdb");
        conf.setString("execution.checkpointing.incremental", "true");
      }
      case "hashmap" -> conf.setString("state.backend.type", "hashmap");
      default ->
          throw new IllegalArgumentException(
              "job.state-backend must be rocksdb or hashmap, got '" + backend + "'");
    }
    if (checkpointDir != null && !checkpointDir.isBlank()) {
      String uri =
          checkpointDir.contains("://")
              ? checkpointDir
              : java.nio.file.Path.of(checkpointDir).toAbsolutePath().toUri().toString();
      conf.setString("execution.checkpointing.dir", uri);
    }
    conf.setString("execution.checkpointing.interval", interval.toMillis() + " ms");
    return conf;
  }
}
