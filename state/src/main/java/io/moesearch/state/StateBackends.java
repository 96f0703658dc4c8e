package io.moesearch.state;

import java.time.Duration;
import org.apache.flink.configuration.CheckpointingOptions;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.StateBackendOptions;

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
        conf.set(StateBackendOptions.STATE_BACKEND, "rocksdb");
        conf.set(CheckpointingOptions.INCREMENTAL_CHECKPOINTS, true);
      }
      case "hashmap" -> conf.set(StateBackendOptions.STATE_BACKEND, "hashmap");
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
    conf.set(CheckpointingOptions.CHECKPOINTS_DIRECTORY, uri);
    conf.set(CheckpointingOptions.CHECKPOINTING_INTERVAL, interval);
    // A failed checkpoint (storage hiccup, slow alignment) should not restart a serving job.
    conf.set(CheckpointingOptions.TOLERABLE_FAILURE_NUMBER, 3);
    return conf;
  }
}
