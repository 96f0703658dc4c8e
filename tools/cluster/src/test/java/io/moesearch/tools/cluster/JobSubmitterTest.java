package io.moesearch.tools.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.apache.flink.core.execution.RecoveryClaimMode;
import org.apache.flink.runtime.jobgraph.JobGraph;
import org.apache.flink.runtime.jobgraph.JobGraphBuilder;
import org.apache.flink.runtime.jobgraph.SavepointRestoreSettings;
import org.apache.flink.runtime.jobgraph.tasks.CheckpointCoordinatorConfiguration;
import org.apache.flink.runtime.jobgraph.tasks.JobCheckpointingSettings;
import org.apache.flink.util.TernaryBoolean;
import org.junit.jupiter.api.Test;

/**
 * A job with the state changelog restores from a retained checkpoint in CLAIM mode and refuses a
 * savepoint: in NO_CLAIM mode the first checkpoint after the restore must be a full snapshot, which
 * the changelog backend refuses (every checkpoint failed the job's tasks under `bench chaos`), and
 * after a CLAIM restore from a savepoint Flink deleted the savepoint's files while the restored
 * state still read them. Any other job keeps Flink's default, NO_CLAIM, from either.
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
  void aJobWithTheChangelogRestoresARetainedCheckpointInClaimModeOthersInNoClaimMode() {
    String checkpoint = "file:///cp/0a1b/chk-42";
    assertThat(
            JobSubmitter.restoreSettings(checkpoint, graph(TernaryBoolean.TRUE))
                .getRecoveryClaimMode())
        .isEqualTo(RecoveryClaimMode.CLAIM);
    for (TernaryBoolean off : TernaryBoolean.values()) {
      if (off != TernaryBoolean.TRUE) {
        for (String path : new String[] {checkpoint, "file:///sp/savepoint-0a1b2c-d3e4f5"}) {
          assertThat(JobSubmitter.restoreSettings(path, graph(off)).getRecoveryClaimMode())
              .as("changelog %s, %s", off, path)
              .isEqualTo(RecoveryClaimMode.NO_CLAIM);
        }
      }
    }
    SavepointRestoreSettings restore =
        JobSubmitter.restoreSettings(checkpoint, graph(TernaryBoolean.TRUE));
    assertThat(restore.getRestorePath()).isEqualTo(checkpoint);
    assertThat(restore.allowNonRestoredState()).isFalse();
    assertThat(JobSubmitter.restoreSettings(null, graph(TernaryBoolean.TRUE)).restoreSavepoint())
        .isFalse();
  }

  @Test
  void aJobWithTheChangelogRefusesASavepointNamingTheSetting() {
    assertThatThrownBy(
            () ->
                JobSubmitter.restoreSettings(
                    "file:///sp/savepoint-0a1b2c-d3e4f5", graph(TernaryBoolean.TRUE)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("job.state-changelog: ")
        .hasMessageContaining("savepoint-0a1b2c-d3e4f5");
  }

  @Test
  void retainedCheckpointsAreTheirChkDirectoryOrItsMetadata() {
    assertThat(JobSubmitter.isRetainedCheckpoint("/cp/job/chk-7")).isTrue();
    assertThat(JobSubmitter.isRetainedCheckpoint("file:///cp/job/chk-7/")).isTrue();
    assertThat(JobSubmitter.isRetainedCheckpoint("s3://b/cp/job/chk-123/_metadata")).isTrue();
    assertThat(JobSubmitter.isRetainedCheckpoint("/sp/savepoint-0a1b2c-d3e4f5")).isFalse();
    assertThat(JobSubmitter.isRetainedCheckpoint("/cp/job/chk-7x")).isFalse();
    assertThat(JobSubmitter.isRetainedCheckpoint("/cp/chk-7/other")).isFalse();
  }
}
