package io.moesearch.state;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.apache.flink.configuration.CheckpointingOptions;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.StateBackendOptions;

/**
 * Applies the job's state backend choice to a Flink configuration: RocksDB (the default; embedded,
 * incremental checkpoints) or the heap backend, with periodic checkpoints to {@code checkpointDir}.
 */
public final class StateBackends {
  private StateBackends() {}

  /** The backends {@code job.state-backend} may name. */
  public static final List<String> NAMES = List.of("rocksdb", "hashmap");

  /**
   * @return {@code backend}
   * @throws IllegalArgumentException naming {@code job.state-backend} unless it is one of {@link
   *     #NAMES}
   */
  public static String requireKnown(String backend) {
    if (!NAMES.contains(backend)) {
      throw new IllegalArgumentException(
          "job.state-backend must be one of "
              + String.join(", ", NAMES)
              + ", got '"
              + backend
              + "'");
    }
    return backend;
  }

  /**
   * @param backend {@code rocksdb} or {@code hashmap}
   * @param checkpointDir a URI or path for checkpoints; empty for a directory under the system temp
   *     dir (fine on one machine; a cluster needs shared storage). Not JobManager memory: its 5 MB
   *     cap is soon exceeded by the caches' state, and the checkpoints would fail.
   * @param interval checkpoint interval
   */
  public static Configuration configure(
      Configuration conf, String backend, String checkpointDir, Duration interval) {
    conf.set(StateBackendOptions.STATE_BACKEND, requireKnown(backend));
    if (backend.equals("rocksdb")) {
      conf.set(CheckpointingOptions.INCREMENTAL_CHECKPOINTS, true);
    }
    String dir =
        checkpointDir == null || checkpointDir.isBlank()
            ? Path.of(System.getProperty("java.io.tmpdir"), "moe-search-checkpoints").toString()
            : checkpointDir;
    String uri = dir.contains("://") ? dir : Path.of(dir).toAbsolutePath().toUri().toString();
    conf.set(CheckpointingOptions.CHECKPOINTS_DIRECTORY, uri);
    conf.set(CheckpointingOptions.CHECKPOINTING_INTERVAL, interval);
    // A failed checkpoint (storage hiccup, slow alignment) should not restart a serving job.
    conf.set(CheckpointingOptions.TOLERABLE_FAILURE_NUMBER, 3);
    return conf;
  }
}
