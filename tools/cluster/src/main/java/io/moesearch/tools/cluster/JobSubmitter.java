package io.moesearch.tools.cluster;

import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import org.apache.flink.client.deployment.StandaloneClusterId;
import org.apache.flink.client.program.PackagedProgram;
import org.apache.flink.client.program.PackagedProgramUtils;
import org.apache.flink.client.program.rest.RestClusterClient;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.core.execution.RecoveryClaimMode;
import org.apache.flink.runtime.jobgraph.JobGraph;
import org.apache.flink.runtime.jobgraph.SavepointRestoreSettings;
import org.apache.flink.runtime.jobgraph.tasks.JobCheckpointingSettings;
import org.apache.flink.util.TernaryBoolean;

/**
 * What {@code flink run} does, for the local cluster: builds the job graph from the job jar (its
 * {@code main} runs in the jar's child-first classloader) and submits graph and jar through the
 * REST API. {@link LocalCluster} runs it in a classloader over Flink's lib/ alone ({@link
 * ClusterLayout#flinkClasspath}), as the {@code flink} client's JVM has it: on a classpath that
 * also holds the job's dependencies (this CLI's, a test's), Flink's parent-first {@code
 * org.apache.flink.} rule would load the Kafka connector from there and the jar's Kafka client
 * classes from the jar.
 */
public final class JobSubmitter {
  private JobSubmitter() {}

  /** The last part of a retained checkpoint's path: Flink's {@code chk-<id>} directory. */
  private static final Pattern CHECKPOINT_DIR = Pattern.compile("chk-[0-9]+");

  /**
   * Whether {@code path} names a retained checkpoint (its {@code chk-<id>} directory or the {@code
   * _metadata} file in it) rather than a savepoint.
   */
  static boolean isRetainedCheckpoint(String path) {
    String p = path.replaceAll("/+$", "");
    if (p.endsWith("/_metadata")) {
      p = p.substring(0, p.length() - "/_metadata".length());
    }
    return CHECKPOINT_DIR.matcher(p.substring(p.lastIndexOf('/') + 1)).matches();
  }

  /**
   * How {@code graph} restores from {@code savepoint} (none when it is null): Flink's default,
   * {@code NO_CLAIM} (the snapshot stays the user's; the first checkpoint after the restore is a
   * full one), except for a job with the state changelog ({@code job.state-changelog}), which
   * restores only from a retained checkpoint and in {@code CLAIM} mode (the job takes the
   * checkpoint over as its own). Flink 2.2's changelog backend cannot take the full snapshot {@code
   * NO_CLAIM} needs (every later checkpoint fails its tasks), and after a {@code CLAIM} restore
   * from a savepoint the job's checkpoints go on reading the savepoint's files until the next
   * materialisation while Flink deletes them as soon as a checkpoint subsumes it (measured under
   * {@code bench chaos}: the next failure could not be recovered).
   *
   * @throws IllegalArgumentException naming {@code job.state-changelog} when a job with the
   *     changelog is to start from a savepoint
   */
  static SavepointRestoreSettings restoreSettings(String savepoint, JobGraph graph) {
    if (savepoint == null) {
      return SavepointRestoreSettings.none();
    }
    JobCheckpointingSettings checkpointing = graph.getCheckpointingSettings();
    boolean changelog =
        checkpointing != null
            && checkpointing.isChangelogStateBackendEnabled() == TernaryBoolean.TRUE;
    if (changelog && !isRetainedCheckpoint(savepoint)) {
      throw new IllegalArgumentException(
          "job.state-changelog: a job with the state changelog starts only from a retained"
              + " checkpoint (a chk-<id> directory), not from the savepoint "
              + savepoint
              + ": Flink 2.2 either fails every later checkpoint (NO_CLAIM) or deletes the"
              + " savepoint's files while the job still reads them (CLAIM)");
    }
    return SavepointRestoreSettings.forPath(
        savepoint, false, changelog ? RecoveryClaimMode.CLAIM : RecoveryClaimMode.NO_CLAIM);
  }

  /**
   * Submits and returns the job id (hex).
   *
   * @param savepoint the savepoint or retained checkpoint to start from, or null
   * @throws Exception when the graph cannot be built or the cluster rejects it
   */
  public static String submit(
      String restAddress,
      int restPort,
      String jobJar,
      String entryClass,
      String[] args,
      String savepoint)
      throws Exception {
    Configuration client = new Configuration();
    client.setString("rest.address", restAddress);
    client.setString("rest.port", Integer.toString(restPort));
    SavepointRestoreSettings restore =
        savepoint == null
            ? SavepointRestoreSettings.none()
            : SavepointRestoreSettings.forPath(savepoint, false);
    PackagedProgram program =
        PackagedProgram.newBuilder()
            .setJarFile(new java.io.File(jobJar))
            .setEntryPointClassName(entryClass)
            .setArguments(args)
            .setConfiguration(client)
            .setSavepointRestoreSettings(restore)
            .build();
    try {
      JobGraph graph = PackagedProgramUtils.createJobGraph(program, client, 1, false);
      graph.setSavepointRestoreSettings(restoreSettings(savepoint, graph));
      try (RestClusterClient<StandaloneClusterId> rest =
          new RestClusterClient<>(client, StandaloneClusterId.getInstance())) {
        return rest.submitJob(graph).get(3, TimeUnit.MINUTES).toHexString();
      }
    } finally {
      program.close();
    }
  }
}
