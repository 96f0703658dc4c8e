package io.moesearch.tools.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.GlobalConfiguration;
import org.apache.flink.configuration.HeartbeatManagerOptions;
import org.apache.flink.configuration.RestartStrategyOptions;
import org.apache.flink.configuration.TaskManagerOptions;
import org.junit.jupiter.api.Test;

/**
 * The settings that bound recovery after a crash (issue 18: ≤ 30 s per fault), read the way the
 * cluster reads them: Flink's own options from the shared {@code conf/flink/config.yaml} (so a
 * misspelt key, which Flink would ignore silently, fails here), and the broker's KRaft timeouts.
 */
class RecoverySettingsTest {
  private static final Configuration CLUSTER =
      GlobalConfiguration.loadConfiguration(Path.of("../../conf/flink").toString());

  @Test
  void aTaskManagersLossIsDetectedInSeconds() {
    assertThat(CLUSTER.get(HeartbeatManagerOptions.HEARTBEAT_INTERVAL))
        .isEqualTo(Duration.ofSeconds(1));
    assertThat(CLUSTER.get(HeartbeatManagerOptions.HEARTBEAT_TIMEOUT))
        .isBetween(Duration.ofSeconds(3), Duration.ofSeconds(10));
  }

  @Test
  void theSurvivorsHaveSlotsForTheWholeJobAtTheRescaledParallelism() {
    // 2 TaskManagers, one killed: the survivor alone holds the job at parallelism 3.
    assertThat(CLUSTER.get(TaskManagerOptions.NUM_TASK_SLOTS)).isGreaterThanOrEqualTo(4);
  }

  @Test
  void restartsBackOffToAFewSecondsAtMost() {
    assertThat(CLUSTER.get(RestartStrategyOptions.RESTART_STRATEGY)).isEqualTo("exponential-delay");
    assertThat(CLUSTER.get(RestartStrategyOptions.RESTART_STRATEGY_EXPONENTIAL_DELAY_MAX_BACKOFF))
        .isLessThanOrEqualTo(Duration.ofSeconds(5));
    assertThat(
            CLUSTER.get(RestartStrategyOptions.RESTART_STRATEGY_EXPONENTIAL_DELAY_INITIAL_BACKOFF))
        .isLessThanOrEqualTo(Duration.ofSeconds(1));
  }

  @Test
  void theLocalClusterKeepsTheSharedRecoverySettings() {
    Map<String, String> overrides = LocalCluster.localOverrides(Path.of("/w"), 8081, 6123);
    assertThat(overrides.keySet())
        .noneMatch(k -> k.startsWith("heartbeat.") || k.startsWith("restart-strategy"))
        .doesNotContain(TaskManagerOptions.NUM_TASK_SLOTS.key());
    // docker-compose's /data is not there on a laptop: the changelog goes beside the checkpoints.
    assertThat(overrides.get("state.changelog.dstl.dfs.base-path"))
        .isEqualTo(Path.of("/w/checkpoints/changelog").toUri().toString());
  }

  @Test
  void theBrokerIsBackWithinSecondsOfARestart() {
    KafkaBrokerProcess broker =
        KafkaBrokerProcess.existing(null, Path.of("/tmp/broker"), 9092, 9093);
    assertThat(broker.properties())
        .contains("broker.session.timeout.ms=3000\n")
        .contains("broker.heartbeat.interval.ms=500\n")
        .contains("controller.quorum.election.timeout.ms=500\n");
  }
}
