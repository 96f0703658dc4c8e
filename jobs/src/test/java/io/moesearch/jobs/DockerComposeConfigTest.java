package io.moesearch.jobs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** Validates docker-compose.yml with {@code docker-compose config} (no Docker engine is needed). */
class DockerComposeConfigTest {

  @Test
  void composeFileIsValidAndRunsTheJobOnFlink() throws Exception {
    Path compose = Path.of("../docker-compose.yml").toAbsolutePath().normalize();
    assertThat(compose).exists();
    boolean available =
        new ProcessBuilder("sh", "-c", "command -v docker-compose").start().waitFor() == 0;
    assumeTrue(available, "docker-compose is not installed (.ci/run installs it)");
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
}
