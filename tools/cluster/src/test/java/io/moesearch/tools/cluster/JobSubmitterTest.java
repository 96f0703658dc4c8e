package io.moesearch.tools.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import org.apache.flink.core.execution.RecoveryClaimMode;
import org.apache.flink.runtime.jobgraph.JobGraph;
import org.apache.flink.runtime.jobgraph.JobGraphBuilder;
import org.apache.flink.runtime.jobgraph.SavepointRestoreSettings;
import org.apache.flink.runtime.jobgraph.tasks.CheckpointCoordinatorConfiguration;
import org.apache.flink.runtime.jobgraph.tasks.JobCheckpointingSettings;
import org.apache.flink.util.TernaryBoolean;
import org.junit.jupiter.api.Test;

/**
 * A job with the state changelog restores in CLAIM mode: in NO_CLAIM mode the first checkpoint
 * after the restore must be a full snapshot, which the changelog backend refuses, so every
 * checkpoint failed the job's tasks (a rescale by savepoint under `bench chaos` restarted the job
 * for minutes without an answer). Any other job keeps Flink's default, NO_CLAIM.
 */
class JobSubmitterTest {
  private static JobGraph graph(TernaryBoolean changelog) {
    return JobGraphBuilder.newStreamingJobGraphBuilder()
        .setJobCheckpointingSettings(
            new JobCheckpointingSettings(
                CheckpointCoordinatorConfiguration.builder().build(), null, changelog, null, null))
        .build();
  }

  @Test
  void aJobWithTheChangelogRestoresInClaimModeOthersInNoClaimMode() {
    assertThat(
            JobSubmitter.restoreSettings("file:///sp", graph(TernaryBoolean.TRUE))
                .getRecoveryClaimMode())
        .isEqualTo(RecoveryClaimMode.CLAIM);
    for (TernaryBoolean off : TernaryBoolean.values()) {
      if (off != TernaryBoolean.TRUE) {
        assertThat(JobSubmitter.restoreSettings("file:///sp", graph(off)).getRecoveryClaimMode())
            .as("changelog %s", off)
            .isEqualTo(RecoveryClaimMode.NO_CLAIM);
      }
    }
    SavepointRestoreSettings restore =
        JobSubmitter.restoreSettings("file:///sp", graph(TernaryBoolean.TRUE));
    assertThat(restore.getRestorePath()).isEqualTo("file:///sp");
    assertThat(restore.allowNonRestoredState()).isFalse();
    assertThat(JobSubmitter.restoreSettings(null, graph(TernaryBoolean.TRUE)).restoreSavepoint())
        .isFalse();
  }
}
