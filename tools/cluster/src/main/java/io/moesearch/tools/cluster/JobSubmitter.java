package io.moesearch.tools.cluster;

import java.util.concurrent.TimeUnit;
import org.apache.flink.client.deployment.StandaloneClusterId;
import org.apache.flink.client.program.PackagedProgram;
import org.apache.flink.client.program.PackagedProgramUtils;
import org.apache.flink.client.program.rest.RestClusterClient;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.runtime.jobgraph.JobGraph;
import org.apache.flink.runtime.jobgraph.SavepointRestoreSettings;

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
      graph.setSavepointRestoreSettings(restore);
      try (RestClusterClient<StandaloneClusterId> rest =
          new RestClusterClient<>(client, StandaloneClusterId.getInstance())) {
        return rest.submitJob(graph).get(3, TimeUnit.MINUTES).toHexString();
      }
    } finally {
      program.close();
    }
  }
}
