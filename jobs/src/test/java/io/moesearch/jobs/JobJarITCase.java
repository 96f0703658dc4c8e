package io.moesearch.jobs;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.jar.JarFile;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The shaded job jar ({@code target/*-flink.jar}, built in {@code package}, before failsafe runs)
 * holds what a cluster runs and nothing a laptop runs: the jobs and their dependencies, without
 * Flink itself (the cluster's lib/), DJL and the model (flink-lib/), the embedded Kafka broker and
 * its Scala runtime, the CLI, demo and benchmarks, or any test code.
 */
class JobJarITCase {
  private static List<String> entries;
  private static String mainClass;

  /** Entry prefixes that must not be in the job jar, with what they would be. */
  private static final List<String[]> FORBIDDEN =
      List.of(
          new String[] {"io/moesearch/tools/", "the CLI, demo, benchmarks or embedded broker"},
          new String[] {"io/moesearch/jobs/cli/", "the CLI"},
          new String[] {"io/moesearch/jobs/demo/", "the demo"},
          new String[] {"io/moesearch/jobs/testing/", "the jobs' test fixtures"},
          new String[] {"io/moesearch/core/testing/", "the core's test fixtures"},
          new String[] {
            "io/moesearch/core/synth/SyntheticCatalog", "bench routing's generated data"
          },
          // kafka-clients ships kafka/kafka-version.properties; the broker's classes are kafka.*
          new String[] {"kafka/server/", "the Kafka broker (kafka_2.13)"},
          new String[] {"kafka/log/", "the Kafka broker (kafka_2.13)"},
          new String[] {"kafka/cluster/", "the Kafka broker (kafka_2.13)"},
          new String[] {"kafka/network/", "the Kafka broker (kafka_2.13)"},
          new String[] {"org/apache/kafka/network/", "the Kafka broker (kafka-server)"},
          new String[] {
            "org/apache/kafka/server/BrokerFeatures", "the Kafka broker (kafka-server)"
          },
          new String[] {"org/apache/kafka/common/test/", "the Kafka test kit"},
          new String[] {"org/apache/kafka/server/common/", "Kafka server code"},
          new String[] {"org/apache/kafka/metadata/", "the Kafka broker's metadata"},
          new String[] {"org/apache/kafka/raft/", "the Kafka broker's KRaft"},
          new String[] {"org/apache/kafka/storage/", "the Kafka broker's storage"},
          new String[] {"org/apache/kafka/controller/", "the Kafka controller"},
          new String[] {"org/apache/kafka/coordinator/", "the Kafka coordinators"},
          new String[] {"scala/", "the Scala runtime"},
          new String[] {"org/junit/", "JUnit"},
          new String[] {"junit/", "JUnit"},
          new String[] {"org/assertj/", "AssertJ"},
          new String[] {"org/apache/flink/runtime/", "Flink's runtime (the cluster's lib/)"},
          new String[] {"org/apache/flink/api/", "Flink's core (the cluster's lib/)"},
          new String[] {"org/apache/flink/configuration/", "Flink's core (the cluster's lib/)"},
          new String[] {"org/apache/flink/streaming/api/", "Flink's DataStream API (lib/)"},
          new String[] {"org/apache/flink/client/", "Flink's client (the cluster's lib/)"},
          new String[] {"org/apache/flink/state/rocksdb/", "the RocksDB backend (lib/)"},
          new String[] {"org/apache/flink/test/", "Flink's test utilities"},
          new String[] {"org/rocksdb/", "RocksDB (the cluster's lib/)"},
          new String[] {"org/apache/logging/log4j/", "Log4j (the cluster's lib/)"},
          new String[] {"org/slf4j/", "SLF4J (the cluster's lib/)"},
          new String[] {"ai/djl/", "DJL (flink-lib/)"},
          new String[] {"com/microsoft/onnxruntime/", "ONNX Runtime (flink-lib/)"},
          new String[] {"dev/langchain4j/", "the model jar (flink-lib/)"},
          new String[] {"com/google/gson/", "Gson, DJL's (flink-lib/)"},
          new String[] {"com/sun/jna/", "JNA, DJL's (flink-lib/)"},
          new String[] {"moe-search-log4j2.xml", "the CLI's logging configuration"},
          new String[] {"log4j2-test.properties", "test logging configuration"});

  @BeforeAll
  static void readJar() throws IOException {
    Path jar;
    try (Stream<Path> files = Files.list(Path.of("target"))) {
      jar =
          files
              .filter(p -> p.getFileName().toString().endsWith("-flink.jar"))
              .findFirst()
              .orElseThrow(() -> new AssertionError("no target/*-flink.jar: run mvn package"));
    }
    try (JarFile file = new JarFile(jar.toFile())) {
      entries = new ArrayList<>(file.stream().map(e -> e.getName()).toList());
      mainClass = file.getManifest().getMainAttributes().getValue("Main-Class");
    }
  }

  @Test
  void holdsTheJobsAndWhatTheyNeedBesideFlink() {
    assertThat(entries)
        .contains(
            "io/moesearch/jobs/search/SearchJob.class",
            "io/moesearch/jobs/index/IndexBuildJob.class",
            "io/moesearch/jobs/prewarm/PrewarmJob.class",
            "io/moesearch/jobs/routing/RoutingUpdateJob.class",
            "io/moesearch/operators/RouteQueries.class",
            "io/moesearch/state/StateBackends.class",
            "io/moesearch/connectors/kafka/KafkaIO.class",
            "io/moesearch/core/gate/Gate.class",
            "org/apache/kafka/clients/producer/KafkaProducer.class",
            "org/apache/flink/connector/kafka/source/KafkaSource.class",
            "org/apache/lucene/index/IndexWriter.class");
    assertThat(mainClass).isEqualTo("io.moesearch.jobs.search.SearchJob");
  }

  @Test
  void holdsNoBrokerNoToolsNoFlinkRuntimeAndNoTestCode() {
    List<String> offending = new ArrayList<>();
    for (String entry : entries) {
      for (String[] f : FORBIDDEN) {
        if (entry.startsWith(f[0])) {
          offending.add(entry + " (" + f[1] + ")");
        }
      }
      if (entry.startsWith("io/moesearch/")
          && (entry.endsWith("Test.class") || entry.endsWith("ITCase.class"))) {
        offending.add(entry + " (a test)");
      }
    }
    assertThat(offending).as("entries of the job jar that a cluster does not run").isEmpty();
  }
}
