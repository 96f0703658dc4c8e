package io.moesearch.state;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.apache.flink.changelog.fs.FsStateChangelogOptions;
import org.apache.flink.configuration.CheckpointingOptions;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.ExternalizedCheckpointRetention;
import org.apache.flink.configuration.StateChangelogOptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class StateBackendsTest {
  @Test
  void configuresRocksDbWithIncrementalCheckpoints() {
    var conf =
        StateBackends.configure(
            new Configuration(), "rocksdb", "/tmp/cp", Duration.ofSeconds(5), false);
    assertThat(conf.toMap())
        .containsEntry("state.backend.type", "rocksdb")
        .containsEntry("execution.checkpointing.incremental", "true");
    assertThat(conf.toMap().get("execution.checkpointing.dir")).isEqualTo("file:///tmp/cp");
    var local =
        StateBackends.configure(new Configuration(), "hashmap", "", Duration.ofSeconds(5), false);
    // Never JobManager memory (5 MB cap): without a directory, checkpoints go under the temp dir.
    assertThat(local.toMap().get("execution.checkpointing.dir"))
        .startsWith("file:")
        .matches(".*/moe-search-checkpoints/?"); // a trailing slash once the directory exists
    assertThat(local.toMap())
        .containsEntry("execution.checkpointing.tolerable-failed-checkpoints", "3");
    assertThatThrownBy(
            () ->
                StateBackends.configure(
                    new Configuration(), "memory", "", Duration.ofSeconds(1), false))
        .hasMessageContaining("job.state-backend");
  }

  /**
   * The changelog is off unless asked for; on, it is written to the file system under the
   * checkpoint directory (the memory storage Flink falls back to would lose it with the process).
   */
  @Test
  void theStateChangelogIsOptInAndWrittenBesideTheCheckpoints() {
    var off =
        StateBackends.configure(
            new Configuration(), "rocksdb", "/tmp/cp", Duration.ofSeconds(5), false);
    assertThat(off.get(StateChangelogOptions.ENABLE_STATE_CHANGE_LOG)).isFalse();
    assertThat(off.getOptional(FsStateChangelogOptions.BASE_PATH)).isEmpty();
    assertThat(off.getOptional(CheckpointingOptions.EXTERNALIZED_CHECKPOINT_RETENTION)).isEmpty();
    for (String dir : new String[] {"/tmp/cp", "file:///tmp/cp/"}) {
      var on =
          StateBackends.configure(new Configuration(), "rocksdb", dir, Duration.ofSeconds(5), true);
      assertThat(on.get(StateChangelogOptions.ENABLE_STATE_CHANGE_LOG)).as(dir).isTrue();
      assertThat(on.get(CheckpointingOptions.EXTERNALIZED_CHECKPOINT_RETENTION))
          .as(dir)
          .isEqualTo(ExternalizedCheckpointRetention.RETAIN_ON_CANCELLATION);
      assertThat(on.get(StateChangelogOptions.STATE_CHANGE_LOG_STORAGE))
          .as(dir)
          .isEqualTo("filesystem");
      assertThat(on.get(FsStateChangelogOptions.BASE_PATH))
          .as(dir)
          .isEqualTo(
              on.get(CheckpointingOptions.CHECKPOINTS_DIRECTORY).replaceAll("/+$", "")
                  + "/changelog")
          .doesNotContain("cp//");
    }
    assertThat(StateBackends.changelogUri("s3://bucket/cp/")).isEqualTo("s3://bucket/cp/changelog");
  }

  @Test
  void aLocalCheckpointDirectoryMustExistOrBeCreatable(@TempDir Path dir) throws Exception {
    Path file = Files.writeString(dir.resolve("f"), "x");
    for (String bad :
        new String[] {file.toString(), file.resolve("sub").toString(), file.toUri() + "/sub"}) {
      assertThatThrownBy(
              () ->
                  StateBackends.configure(
                      new Configuration(), "hashmap", bad, Duration.ofSeconds(1), false))
          .as(bad)
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageStartingWith("job.checkpoint-dir: ")
          .hasMessageContaining(file.toString());
    }
    String fresh = dir.resolve("a/b/checkpoints").toString();
    assertThat(StateBackends.checkpointUri(fresh))
        .isEqualTo(dir.resolve("a/b/checkpoints").toUri().toString());
    assertThat(Files.exists(dir.resolve("a"))).as("checked, not created").isFalse();
  }

  @Test
  void everyValueWithAUriSchemeIsAUri(@TempDir Path dir) {
    // "file:/x" has no "//" but is a URI all the same, not a relative directory named "file:".
    String fileUri = "file:" + dir.resolve("ck").toAbsolutePath();
    assertThat(StateBackends.checkpointUri(fileUri)).isEqualTo(fileUri);
    for (String remote : new String[] {"s3://bucket/ck", "s3:/bucket/ck", "hdfs:/ck"}) {
      assertThat(StateBackends.checkpointUri(remote)).isEqualTo(remote);
    }
  }

  /**
   * A scheme no file system of this JVM serves fails at start-up naming the setting (the job failed
   * when it created its checkpoint storage, with a stack trace that did not name it).
   */
  @Test
  void aSchemeWithoutAFileSystemFailsNamingTheSetting(@TempDir Path dir) {
    assertThatThrownBy(() -> StateBackends.requireFileSystem("foo://x/y"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("job.checkpoint-dir: ")
        .hasMessageContaining("foo://x/y");
    StateBackends.requireFileSystem(dir.resolve("ck").toString());
    StateBackends.requireFileSystem("file:" + dir.resolve("ck").toAbsolutePath());
    StateBackends.requireFileSystem("");
  }
}
