package io.moesearch.jobs.testing;

import java.nio.file.Path;
import org.apache.flink.changelog.fs.FsStateChangelogOptions;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.StateChangelogOptions;
import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.test.junit5.MiniClusterExtension;

/**
 * The MiniClusters the ITCases run on: one TaskManager with two slots (parallelism 2), or four for
 * a test that runs a batch job beside the streaming one.
 */
public final class MiniClusters {
  private MiniClusters() {}

  public static MiniClusterExtension twoSlots() {
    return new MiniClusterExtension(
        new MiniClusterResourceConfiguration.Builder()
            .setNumberTaskManagers(1)
            .setNumberSlotsPerTaskManager(2)
            .build());
  }

  /**
   * {@link #twoSlots} whose TaskManager writes the state changelog of a job that enables it ({@code
   * job.state-changelog}) as files under {@code dir}: Flink takes the changelog storage from the
   * TaskManager's configuration, not the job's.
   */
  public static MiniClusterExtension twoSlotsWithChangelogStorage(Path dir) {
    Configuration conf = new Configuration();
    conf.set(StateChangelogOptions.STATE_CHANGE_LOG_STORAGE, "filesystem");
    conf.set(FsStateChangelogOptions.BASE_PATH, dir.toUri().toString());
    return new MiniClusterExtension(
        new MiniClusterResourceConfiguration.Builder()
            .setConfiguration(conf)
            .setNumberTaskManagers(1)
            .setNumberSlotsPerTaskManager(2)
            .build());
  }

  public static MiniClusterExtension fourSlots() {
    return new MiniClusterExtension(
        new MiniClusterResourceConfiguration.Builder()
            .setNumberTaskManagers(1)
            .setNumberSlotsPerTaskManager(4)
            .build());
  }
}
