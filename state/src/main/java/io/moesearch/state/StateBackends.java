package io.moesearch.state;

import java.io.IOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.regex.Pattern;
import org.apache.flink.changelog.fs.FsStateChangelogOptions;
import org.apache.flink.configuration.CheckpointingOptions;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.ExternalizedCheckpointRetention;
import org.apache.flink.configuration.StateBackendOptions;
import org.apache.flink.configuration.StateChangelogOptions;
import org.apache.flink.core.fs.FileSystem;
import org.apache.flink.core.fs.UnsupportedFileSystemSchemeException;

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

  /** A URI scheme ({@code file:}, {@code s3:}, {@code hdfs:}); one letter is a Windows drive. */
  private static final Pattern URI_SCHEME = Pattern.compile("[A-Za-z][A-Za-z0-9+.-]+:");

  /**
   * The checkpoint directory as Flink takes it: a value with a URI scheme as written, a path as an
   * absolute {@code file:} URI. A local directory (a path or a {@code file:} URI) is checked now,
   * so a job does not die later with a stack trace that does not name the setting.
   *
   * @param checkpointDir a URI or a path; empty for {@code <java.io.tmpdir>/moe-search-checkpoints}
   * @throws IllegalArgumentException naming {@code job.checkpoint-dir} when a local directory
   *     neither exists nor can be created and written (a regular file, or a path under one)
   */
  static String checkpointUri(String checkpointDir) {
    String dir =
        checkpointDir == null || checkpointDir.isBlank()
            ? Path.of(System.getProperty("java.io.tmpdir"), "moe-search-checkpoints").toString()
            : checkpointDir.strip();
    Path local; // the directory on this machine's file system, or null
    String uri;
    try {
      if (URI_SCHEME.matcher(dir).lookingAt()) {
        URI parsed = new URI(dir);
        local = "file".equalsIgnoreCase(parsed.getScheme()) ? Path.of(parsed) : null;
        uri = dir;
      } else {
        local = Path.of(dir).toAbsolutePath();
        uri = local.toUri().toString();
      }
    } catch (URISyntaxException | IllegalArgumentException e) { // InvalidPathException included
      throw new IllegalArgumentException(
          CHECKPOINT_DIR + ": '" + dir + "' is not a valid path or URI: " + e.getMessage(), e);
    }
    if (local != null) {
      requireWritableDirectory(local);
    }
    return uri;
  }

  private static final String CHECKPOINT_DIR = "job.checkpoint-dir";

  /**
   * Where the state changelog is written: {@code changelog} under the checkpoint directory (the
   * same durable store; a restore reads both). {@code checkpoints} as {@link #checkpointUri} made
   * it.
   */
  static String changelogUri(String checkpoints) {
    return checkpoints.replaceAll("/+$", "") + "/changelog";
  }

  /**
   * Fails naming {@code job.checkpoint-dir} unless this JVM has a Flink file system for the scheme
   * of {@code checkpointDir} (as {@link #checkpointUri} reads it): built in ({@code file:}), on the
   * class path, or from the {@code plugins/} directory of a Flink distribution that initialised its
   * file systems ({@code flink run}, a cluster's entry points). Without it the job would fail only
   * when its checkpoint storage is created, with a stack trace that does not name the setting. Only
   * the scheme is checked: a store that cannot be reached fails when the job first writes to it.
   *
   * @throws IllegalArgumentException naming the setting and the scheme
   */
  public static void requireFileSystem(String checkpointDir) {
    requireFileSystemOf(checkpointUri(checkpointDir));
  }

  /** {@link #requireFileSystem} of a URI {@link #checkpointUri} made. */
  private static String requireFileSystemOf(String uri) {
    try {
      FileSystem.get(new URI(uri));
    } catch (UnsupportedFileSystemSchemeException e) {
      throw new IllegalArgumentException(
          CHECKPOINT_DIR
              + ": no file system for the scheme of '"
              + uri
              + "' in this JVM: "
              + e.getMessage(),
          e);
    } catch (IOException | URISyntaxException | RuntimeException e) {
      // Not a missing file system: left to the job's first checkpoint, which names the store.
    }
    return uri;
  }

  /** Fails naming the setting unless {@code dir} is a directory that exists or can be created. */
  private static void requireWritableDirectory(Path dir) {
    Path p = dir;
    while (p != null && !Files.exists(p)) {
      p = p.getParent();
    }
    if (p == null || !Files.isDirectory(p)) {
      throw new IllegalArgumentException(
          CHECKPOINT_DIR + ": " + dir + " cannot be a directory: " + p + " is a file");
    }
    if (!Files.isWritable(p)) {
      throw new IllegalArgumentException(CHECKPOINT_DIR + ": cannot write under " + p);
    }
  }

  /**
   * @param backend {@code rocksdb} or {@code hashmap}
   * @param checkpointDir a URI or path for checkpoints; empty for a directory under the system temp
   *     dir (fine on one machine; a cluster needs shared storage). Not JobManager memory: its 5 MB
   *     cap is soon exceeded by the caches' state, and the checkpoints would fail.
   * @param interval checkpoint interval
   * @param changelog Flink's state changelog ({@code job.state-changelog}): every state change is
   *     also appended to a log under {@link #changelogUri}, a checkpoint persists the log's tail,
   *     and the backend's own snapshot (RocksDB's native checkpoint, which flushes every written
   *     column family in the task thread) runs only at the periodic materialisation (Flink's
   *     default: every 10 minutes) instead of at every checkpoint; a cancelled job then keeps its
   *     last checkpoint, the only snapshot such a job can restart from (see the cluster's {@code
   *     JobSubmitter})
   * @throws IllegalArgumentException naming {@code job.state-backend} or {@code job.checkpoint-dir}
   *     ({@link #checkpointUri}, {@link #requireFileSystem})
   */
  public static Configuration configure(
      Configuration conf,
      String backend,
      String checkpointDir,
      Duration interval,
      boolean changelog) {
    conf.set(StateBackendOptions.STATE_BACKEND, requireKnown(backend));
    if (backend.equals("rocksdb")) {
      conf.set(CheckpointingOptions.INCREMENTAL_CHECKPOINTS, true);
    }
    String checkpoints = requireFileSystemOf(checkpointUri(checkpointDir));
    conf.set(CheckpointingOptions.CHECKPOINTS_DIRECTORY, checkpoints);
    conf.set(CheckpointingOptions.CHECKPOINTING_INTERVAL, interval);
    // A failed checkpoint (storage hiccup, slow alignment) should not restart a serving job.
    conf.set(CheckpointingOptions.TOLERABLE_FAILURE_NUMBER, 3);
    conf.set(StateChangelogOptions.ENABLE_STATE_CHANGE_LOG, changelog);
    if (changelog) {
      conf.set(StateChangelogOptions.STATE_CHANGE_LOG_STORAGE, "filesystem");
      conf.set(FsStateChangelogOptions.BASE_PATH, changelogUri(checkpoints));
      // Such a job restarts (a rescale, an upgrade) only from a retained checkpoint (Flink 2.2
      // loses a changelog job restored from a savepoint), so a cancelled job keeps its last one.
      conf.set(
          CheckpointingOptions.EXTERNALIZED_CHECKPOINT_RETENTION,
          ExternalizedCheckpointRetention.RETAIN_ON_CANCELLATION);
    }
    return conf;
  }
}
