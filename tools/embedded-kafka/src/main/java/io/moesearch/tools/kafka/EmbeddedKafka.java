package io.moesearch.tools.kafka;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.TopicPartitionInfo;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;
import org.apache.kafka.common.test.KafkaClusterTestKit;
import org.apache.kafka.common.test.TestKitNodes;
import org.apache.kafka.metadata.bootstrap.BootstrapMetadata;
import org.apache.kafka.server.common.Feature;
import org.apache.kafka.server.common.MetadataVersion;

/**
 * A real single-node Kafka broker (KRaft, combined broker + controller) running in this JVM, for
 * tests, demos and benchmarks. Plaintext listener on {@code 127.0.0.1} with an ephemeral port; data
 * lives in a temporary directory that {@link #close()} deletes. Configured for transactions on one
 * node (all internal topics with replication factor 1).
 *
 * <p>Note: the test kit pre-binds its sockets on the wildcard address; the broker advertises {@code
 * 127.0.0.1}.
 */
public final class EmbeddedKafka implements AutoCloseable {
  private static final Duration ADMIN_TIMEOUT = Duration.ofSeconds(60);

  private final KafkaClusterTestKit cluster;
  private final Path baseDirectory;
  private final String bootstrapServers;
  private boolean closed;

  private EmbeddedKafka(KafkaClusterTestKit cluster, Path baseDirectory, String bootstrapServers) {
    this.cluster = cluster;
    this.baseDirectory = baseDirectory;
    this.bootstrapServers = bootstrapServers;
  }

  /** Starts a broker with the default configuration. */
  public static EmbeddedKafka start() {
    return builder().start();
  }

  public static Builder builder() {
    return new Builder();
  }

  /** {@code 127.0.0.1:<port>} of the broker listener. */
  public String bootstrapServers() {
    return bootstrapServers;
  }

  /** Fresh client properties containing only {@code bootstrap.servers}. */
  public Properties clientProperties() {
    Properties props = new Properties();
    props.setProperty("bootstrap.servers", bootstrapServers);
    return props;
  }

  /** Directory holding the broker's metadata and log data (deleted by {@link #close()}). */
  public Path dataDirectory() {
    return baseDirectory;
  }

  /**
   * Creates the topics (replication factor 1) and waits until every partition has a leader.
   *
   * @throws IllegalStateException if creation fails, e.g. because a topic already exists
   */
  public void createTopics(int partitions, String... topics) {
    if (partitions < 1) {
      throw new IllegalArgumentException("partitions must be >= 1, got " + partitions);
    }
    if (topics == null || topics.length == 0) {
      throw new IllegalArgumentException("at least one topic is required");
    }
    List<NewTopic> newTopics = new ArrayList<>();
    for (String topic : topics) {
      if (topic == null || topic.isBlank()) {
        throw new IllegalArgumentException("topic names must be non-blank");
      }
      newTopics.add(new NewTopic(topic, partitions, (short) 1));
    }
    ensureOpen();
    try (Admin admin = Admin.create(clientProperties())) {
      admin.createTopics(newTopics).all().get(ADMIN_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
      waitForLeaders(admin, List.of(topics), partitions);
    } catch (ExecutionException e) {
      throw new IllegalStateException(
          "creating topics " + List.of(topics) + " failed: " + e.getCause(), e.getCause());
    } catch (TimeoutException e) {
      throw new IllegalStateException("creating topics " + List.of(topics) + " timed out", e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while creating topics", e);
    }
  }

  private static void waitForLeaders(Admin admin, List<String> topics, int partitions)
      throws ExecutionException, TimeoutException, InterruptedException {
    long deadline = System.nanoTime() + ADMIN_TIMEOUT.toNanos();
    while (true) {
      Map<String, TopicDescription> descriptions;
      try {
        descriptions =
            admin
                .describeTopics(topics)
                .allTopicNames()
                .get(ADMIN_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
      } catch (ExecutionException e) {
        // Just created: the metadata may not have reached the broker yet.
        if (!(e.getCause() instanceof UnknownTopicOrPartitionException)) {
          throw e;
        }
        descriptions = null;
      }
      boolean ready =
          descriptions != null
              && descriptions.values().stream()
                  .allMatch(
                      d ->
                          d.partitions().size() == partitions
                              && d.partitions().stream()
                                  .map(TopicPartitionInfo::leader)
                                  .allMatch(leader -> leader != null && !leader.isEmpty()));
      if (ready) {
        return;
      }
      if (System.nanoTime() > deadline) {
        throw new TimeoutException("partitions of " + topics + " have no leader yet");
      }
      Thread.sleep(50);
    }
  }

  /** Stops the broker and deletes its data directory; idempotent. */
  @Override
  public synchronized void close() {
    if (closed) {
      return;
    }
    closed = true;
    Exception failure = null;
    try {
      cluster.close();
    } catch (Exception e) {
      failure = e;
      if (e instanceof InterruptedException) {
        Thread.currentThread().interrupt();
      }
    } finally {
      deleteRecursively(baseDirectory);
    }
    if (failure != null) {
      throw new IllegalStateException("embedded Kafka broker did not shut down cleanly", failure);
    }
  }

  private synchronized void ensureOpen() {
    if (closed) {
      throw new IllegalStateException("embedded Kafka broker is closed");
    }
  }

  private static void deleteRecursively(Path root) {
    if (!Files.exists(root)) {
      return;
    }
    try {
      Files.walkFileTree(
          root,
          new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attrs)
                throws IOException {
              Files.deleteIfExists(file);
              return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult postVisitDirectory(Path dir, IOException exc)
                throws IOException {
              Files.deleteIfExists(dir);
              return FileVisitResult.CONTINUE;
            }
          });
    } catch (IOException e) {
      throw new UncheckedIOException("could not delete " + root, e);
    }
  }

  /** Broker configuration; {@link #start()} starts the broker and waits until it is ready. */
  public static final class Builder {
    private final Map<String, String> brokerProperties = new LinkedHashMap<>();

    private Builder() {
      brokerProperties.put("listeners", "EXTERNAL://127.0.0.1:0,CONTROLLER://127.0.0.1:0");
      brokerProperties.put("offsets.topic.replication.factor", "1");
      brokerProperties.put("offsets.topic.num.partitions", "4");
      brokerProperties.put("transaction.state.log.replication.factor", "1");
      brokerProperties.put("transaction.state.log.min.isr", "1");
      brokerProperties.put("transaction.state.log.num.partitions", "4");
      brokerProperties.put("share.coordinator.state.topic.replication.factor", "1");
      brokerProperties.put("share.coordinator.state.topic.min.isr", "1");
      brokerProperties.put("group.initial.rebalance.delay.ms", "0");
      brokerProperties.put("min.insync.replicas", "1");
      brokerProperties.put("default.replication.factor", "1");
      brokerProperties.put("unstable.api.versions.enable", "false");
      brokerProperties.put("unstable.feature.versions.enable", "false");
    }

    /** Overrides or adds one broker configuration property. */
    public Builder brokerProperty(String key, String value) {
      if (key == null || key.isBlank()) {
        throw new IllegalArgumentException("broker property key must be non-blank");
      }
      if (value == null) {
        throw new IllegalArgumentException("broker property " + key + " must have a value");
      }
      brokerProperties.put(key, value);
      return this;
    }

    /** Effective broker properties (a copy). */
    public Map<String, String> brokerProperties() {
      return new TreeMap<>(brokerProperties);
    }

    /**
     * Formats storage, starts the broker and waits until it is ready.
     *
     * @throws IllegalStateException if the broker cannot start
     */
    public EmbeddedKafka start() {
      Path baseDirectory;
      try {
        baseDirectory = Files.createTempDirectory("embedded-kafka-");
      } catch (IOException e) {
        throw new UncheckedIOException("could not create a temporary directory", e);
      }
      KafkaClusterTestKit cluster = null;
      try {
        TestKitNodes nodes =
            new TestKitNodes.Builder(productionBootstrapMetadata())
                .setCombined(true)
                .setNumBrokerNodes(1)
                .setNumControllerNodes(1)
                .setBaseDirectory(baseDirectory)
                .build();
        KafkaClusterTestKit.Builder builder = new KafkaClusterTestKit.Builder(nodes);
        brokerProperties.forEach(builder::setConfigProp);
        cluster = builder.setDeleteOnClose(true).build();
        cluster.format();
        cluster.startup();
        cluster.waitForReadyBrokers();
        return new EmbeddedKafka(cluster, baseDirectory, loopbackAddress(cluster));
      } catch (Exception e) {
        if (e instanceof InterruptedException) {
          Thread.currentThread().interrupt();
        }
        if (cluster != null) {
          try {
            cluster.close();
          } catch (Exception suppressed) {
            e.addSuppressed(suppressed);
          }
        }
        try {
          deleteRecursively(baseDirectory);
        } catch (UncheckedIOException suppressed) {
          e.addSuppressed(suppressed);
        }
        throw new IllegalStateException("could not start embedded Kafka broker", e);
      }
    }

    private static BootstrapMetadata productionBootstrapMetadata() {
      MetadataVersion version = MetadataVersion.latestProduction();
      Map<String, Short> features = new TreeMap<>();
      for (Feature feature : Feature.PRODUCTION_FEATURES) {
        features.put(feature.featureName(), feature.defaultLevel(version));
      }
      return BootstrapMetadata.fromVersions(version, features, "embedded-kafka");
    }

    /** The kit reports {@code localhost:<port>}; clients use the advertised loopback address. */
    private static String loopbackAddress(KafkaClusterTestKit cluster) {
      String servers = cluster.bootstrapServers();
      return "127.0.0.1" + servers.substring(servers.lastIndexOf(':'));
    }
  }
}
