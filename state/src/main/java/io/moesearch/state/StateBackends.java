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
   * @param checkpointDir a URI or path for checkpoints; empty for a directory under the system temp
   *     dir (fine on one machine; a cluster needs shared storage). Not JobManager memory: its 5 MB
   *     cap is soon exceeded by the caches' state, and the checkpoints would fail.
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
    String dir =
        checkpointDir == null || checkpointDir.isBlank()
            ? java.nio.file.Path.of(System.getProperty("java.io.tmpdir"), "moe-search-checkpoints")
                .toString()
            : checkpointDir;
    String uri =
        dir.contains("://") ? dir : java.nio.file.Path.of(dir).toAbsolutePath().toUri().toString();
    conf.setString("execution.checkpointing.dir", uri);
    conf.setString("execution.checkpointing.interval", interval.toMillis() + " ms");
    // A failed checkpoint (storage hiccup, slow alignment) should not restart a serving job.
    conf.setString("execution.checkpointing.tolerable-failed-checkpoints", "3");
    return conf;
  }
}
