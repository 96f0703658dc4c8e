package io.moesearch.tools.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Formatting a broker's storage with Kafka's storage tool, in a child JVM as the cluster does. */
class KafkaBrokerProcessITCase {
  @TempDir Path tmp;

  /**
   * A second cluster in the same directory (a re-run of {@code bench chaos} in its work directory)
   * formats afresh: the storage tool refuses data of another cluster id, so the old data goes.
   */
  @Test
  void formattingWhereAnEarlierClusterLeftItsDataStartsAFreshCluster() throws Exception {
    ClusterLayout layout = ClusterLayout.of(Path.of("../.."));
    Path dir = tmp.resolve("kafka");
    KafkaBrokerProcess.format(layout, dir, 19092, 19093);
    String first = Files.readString(dir.resolve("data").resolve("meta.properties"));
    Files.writeString(dir.resolve("data").resolve("stale-topic-0"), "left over");

    KafkaBrokerProcess.format(layout, dir, 19094, 19095);

    String second = Files.readString(dir.resolve("data").resolve("meta.properties"));
    assertThat(clusterId(second)).isNotEqualTo(clusterId(first));
    assertThat(dir.resolve("data").resolve("stale-topic-0")).doesNotExist();
  }

  private static String clusterId(String metaProperties) {
    return metaProperties
        .lines()
        .filter(l -> l.startsWith("cluster.id="))
        .findFirst()
        .orElseThrow();
  }
}
