package io.moesearch.jobs.testing;

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

  public static MiniClusterExtension fourSlots() {
    return new MiniClusterExtension(
        new MiniClusterResourceConfiguration.Builder()
            .setNumberTaskManagers(1)
            .setNumberSlotsPerTaskManager(4)
            .build());
  }
}
