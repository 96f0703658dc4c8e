package io.moesearch.tools.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A cluster run starts with empty logs and keeps the previous run's, no older ones. */
class LogRotationTest {
  @Test
  void eachRunHasItsOwnLogsAndThePreviousRunsAreKept(@TempDir Path work) throws Exception {
    LocalCluster.rotateLogs(work);
    Files.writeString(work.resolve("log/jobmanager.log"), "run 1");

    LocalCluster.rotateLogs(work);
    assertThat(work.resolve("log")).isEmptyDirectory();
    assertThat(work.resolve("log.previous/jobmanager.log")).hasContent("run 1");
    Files.writeString(work.resolve("log/jobmanager.log"), "run 2");

    LocalCluster.rotateLogs(work);
    assertThat(work.resolve("log")).isEmptyDirectory();
    assertThat(work.resolve("log.previous/jobmanager.log")).hasContent("run 2");
  }
}
