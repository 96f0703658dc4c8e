package io.moesearch.jobs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.moesearch.connectors.kafka.KafkaOptions;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.flink.configuration.ConfigOption;
import org.junit.jupiter.api.Test;

/**
 * Validates docker-compose.yml with {@code docker-compose config} (no Docker engine is needed).
 * Without {@code docker-compose} the test is skipped, with the reason, on a developer's machine,
 * and fails under CI ({@code CI=true}), where {@code .ci/run} installs it: CI never passes without
 * the validation.
 */
class DockerComposeConfigTest {

  @Test
  void composeFileIsValidAndRunsTheJobOnFlink() throws Exception {
    Path compose = Path.of("../docker-compose.yml").toAbsolutePath().normalize();
    assertThat(compose).exists();
    boolean available =
        new ProcessBuilder("sh", "-c", "command -v docker-compose").start().waitFor() == 0;
    if (!available) {
      String reason =
          "docker-compose is not installed (.ci/run installs it): compose file not validated";
      assertThat(runningUnderCi(System.getenv())).as(reason + " under CI").isFalse();
      // Printed too: Maven's console shows a skip's count, not its reason.
      System.err.println("SKIPPED DockerComposeConfigTest: " + reason);
      assumeTrue(false, reason);
    }
    Process p =
        new ProcessBuilder("docker-compose", "-f", compose.toString(), "config")
            .redirectErrorStream(true)
            .start();
    String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
    assertThat(p.exitValue()).as(output).isZero();
    assertThat(output)
        .contains("jobmanager")
        .contains("taskmanager")
        .contains("kafka")
        .contains("io.moesearch.jobs.search.SearchJob");
    assertThat(Files.readString(compose)).contains("flink-lib");
  }

  /**
   * Compose runs the job jar on the lib/ layout and the cluster configuration that the local
   * cluster ({@code tools/cluster}, {@code LocalClusterITCase}) runs with, so that the tests
   * exercise the compose path apart from the container runtime; and its metrics go to Prometheus
   * and a Grafana dashboard kept in the repository.
   */
  /**
   * The compose file creates every topic the job reads or writes (each {@code kafka.*-topic}
   * default): the job's Kafka sources look their topics up and do not create them, so a missing one
   * (the catalogue-update topic was) fails the job at start.
   */
  @Test
  void composeCreatesEveryTopicOfTheJob() throws Exception {
    String compose = Files.readString(Path.of("../docker-compose.yml"));
    List<String> topics =
        KafkaOptions.ALL.stream()
            .filter(o -> o.key().endsWith("-topic"))
            .map(ConfigOption::defaultValue)
            .toList();
    assertThat(topics).hasSize(6);
    for (String t : topics) {
      assertThat(compose)
          .as(t)
          .containsPattern("(for t in [^;]*\\b" + t + "\\b|--topic " + t + " )");
    }
  }

  @Test
  void composeRunsTheLocalClustersJarLibAndConfigurationWithMetrics() throws Exception {
    String compose = Files.readString(Path.of("../docker-compose.yml"));
    assertThat(compose)
        .contains("./jobs/target/flink-lib:/opt/flink/lib/moe-search")
        .contains("./jobs/target/moe-search-jobs-0.1.0-SNAPSHOT-flink.jar:")
        .contains("./conf/flink/config.yaml:/opt/moe-search/flink-config.yaml")
        .contains("cp /opt/moe-search/flink-config.yaml /opt/flink/conf/config.yaml")
        .contains("./conf/prometheus/prometheus.yml:")
        .contains("./conf/grafana/dashboards:");
    String flink = Files.readString(Path.of("../conf/flink/config.yaml"));
    assertThat(flink)
        .contains(
            "metrics.reporter.prom.factory.class:"
                + " org.apache.flink.metrics.prometheus.PrometheusReporterFactory")
        .contains("state.backend.type: rocksdb");
    var dashboard =
        new com.fasterxml.jackson.databind.ObjectMapper()
            .readTree(Path.of("../conf/grafana/dashboards/moe-search.json").toFile());
    assertThat(dashboard.get("panels")).isNotEmpty();
    assertThat(dashboard.toString())
        .contains("cache_missLatencyMs")
        .contains("routing_utilisation")
        .contains("routing_loadEntropy")
        .contains("queriesDeadLettered")
        .contains("numberOfFailedCheckpoints");
  }

  /**
   * CI is recognised by {@code CI=true} (any case), as CI runners and {@code .ci/run}'s host set.
   */
  static boolean runningUnderCi(Map<String, String> env) {
    return "true".equalsIgnoreCase(env.getOrDefault("CI", "").trim());
  }

  @Test
  void ciIsRecognisedByTheCiVariable() {
    assertThat(runningUnderCi(Map.of("CI", "true"))).isTrue();
    assertThat(runningUnderCi(Map.of("CI", "TRUE"))).isTrue();
    assertThat(runningUnderCi(Map.of())).isFalse();
    assertThat(runningUnderCi(Map.of("CI", "false"))).isFalse();
  }
}
