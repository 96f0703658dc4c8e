package io.moesearch.tools.cluster;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import org.apache.flink.util.FileUtils;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.common.Uuid;

/**
 * A Kafka broker (KRaft, combined broker + controller, one node) in its own JVM: {@code
 * kafka.Kafka} on the broker's Maven Central jars, listening on fixed loopback ports and storing
 * its log in {@code dir/data}, so that after a {@link #kill()} a {@link #start()} brings the same
 * broker back with its topics, offsets and transaction state. Configured for transactions on one
 * node, like the embedded broker and docker-compose's, with short KRaft election and broker session
 * timeouts so that a restarted broker serves again within seconds.
 */
public final class KafkaBrokerProcess {
  static final String MAIN = "kafka.Kafka";
  private static final Duration READY_TIMEOUT = Duration.ofSeconds(180);

  private final ClusterLayout layout;
  private final Path dir;
  private final int port;
  private final int controllerPort;
  private JvmProcess process;

  private KafkaBrokerProcess(ClusterLayout layout, Path dir, int port, int controllerPort) {
    this.layout = layout;
    this.dir = dir;
    this.port = port;
    this.controllerPort = controllerPort;
  }

  /**
   * Writes the broker's configuration into {@code dir} and formats its storage (a fresh cluster id)
   * with Kafka's storage tool in a child JVM; {@link #start()} starts it. A data directory left by
   * an earlier cluster in {@code dir} is deleted first: it belongs to another cluster id, which the
   * storage tool refuses, and its topics would outlive the cluster they came from.
   */
  static KafkaBrokerProcess format(ClusterLayout layout, Path dir, int port, int controllerPort) {
    KafkaBrokerProcess broker = new KafkaBrokerProcess(layout, dir, port, controllerPort);
    try {
      FileUtils.deleteDirectory(dir.resolve("data").toFile());
      Files.createDirectories(dir.resolve("data"));
      Files.writeString(broker.serverProperties(), broker.properties(), StandardCharsets.UTF_8);
      Files.writeString(dir.resolve("log4j2.properties"), LOG4J, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    List<String> cmd = broker.command("kafka.tools.StorageTool");
    cmd.addAll(
        List.of(
            "format",
            "--cluster-id",
            Uuid.randomUuid().toString(),
            "--config",
            broker.serverProperties().toString(),
            "--ignore-formatted"));
    JvmProcess tool = JvmProcess.start("kafka-storage-format", cmd, dir.resolve("format.log"));
    if (!tool.waitFor(Duration.ofSeconds(120)) || tool.exitCode() != 0) {
      tool.kill();
      throw new IllegalStateException(
          "formatting the broker's storage failed (exit "
              + tool.exitCode()
              + "); see "
              + tool.log());
    }
    return broker;
  }

  /** A broker formatted before, e.g. by another {@code bin/moe-search} process. */
  static KafkaBrokerProcess existing(ClusterLayout layout, Path dir, int port, int controllerPort) {
    return new KafkaBrokerProcess(layout, dir, port, controllerPort);
  }

  private Path serverProperties() {
    return dir.resolve("server.properties");
  }

  String properties() {
    return String.join(
            "\n",
            "process.roles=broker,controller",
            "node.id=1",
            "controller.quorum.voters=1@127.0.0.1:" + controllerPort,
            "listeners=PLAINTEXT://127.0.0.1:" + port + ",CONTROLLER://127.0.0.1:" + controllerPort,
            "advertised.listeners=PLAINTEXT://127.0.0.1:" + port,
            "controller.listener.names=CONTROLLER",
            "inter.broker.listener.name=PLAINTEXT",
            "listener.security.protocol.map=CONTROLLER:PLAINTEXT,PLAINTEXT:PLAINTEXT",
            "log.dirs=" + dir.resolve("data"),
            "num.partitions=2",
            "offsets.topic.replication.factor=1",
            "offsets.topic.num.partitions=4",
            "transaction.state.log.replication.factor=1",
            "transaction.state.log.min.isr=1",
            "transaction.state.log.num.partitions=4",
            "share.coordinator.state.topic.replication.factor=1",
            "share.coordinator.state.topic.min.isr=1",
            "group.initial.rebalance.delay.ms=0",
            "min.insync.replicas=1",
            "default.replication.factor=1",
            // Back fast after a restart: the restarted controller elects itself within half a
            // second, and the broker's new incarnation can register once the old one's session
            // (tracked afresh by the restarted controller) has expired: 3 s, not the default 9 s.
            "controller.quorum.election.timeout.ms=500",
            "controller.quorum.election.backoff.max.ms=500",
            "broker.heartbeat.interval.ms=500",
            "broker.session.timeout.ms=3000",
            "")
        + "\n";
  }

  private List<String> command(String main) {
    List<String> cmd = new ArrayList<>();
    cmd.add(layout.java().toString());
    cmd.addAll(List.of("-Xms256m", "-Xmx512m", "-XX:+UseG1GC"));
    cmd.add("-Dlog4j2.configurationFile=" + dir.resolve("log4j2.properties").toUri());
    cmd.add("-cp");
    cmd.add(layout.brokerClasspathString());
    cmd.add(main);
    return cmd;
  }

  /**
   * Starts the broker on its data directory and waits until it answers (up to 3 min).
   *
   * @throws IllegalStateException when it is already running or does not become ready
   */
  public synchronized void start() {
    if (process != null && process.alive()) {
      throw new IllegalStateException("the broker is already running: " + process);
    }
    List<String> cmd = command(MAIN);
    cmd.add(serverProperties().toString());
    process = JvmProcess.start("kafka", cmd, dir.resolve("broker.log"));
    awaitReady();
  }

  private void awaitReady() {
    long deadline = System.nanoTime() + READY_TIMEOUT.toNanos();
    Properties p = new Properties();
    p.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers());
    p.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, "5000");
    p.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, "10000");
    try (Admin admin = Admin.create(p)) {
      while (true) {
        if (!process.alive()) {
          throw new IllegalStateException("the broker exited at start-up; see " + process.log());
        }
        try {
          if (!admin.describeCluster().nodes().get(10, TimeUnit.SECONDS).isEmpty()) {
            return;
          }
        } catch (Exception e) {
          if (e instanceof InterruptedException) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for the broker", e);
          }
        }
        if (System.nanoTime() > deadline) {
          throw new IllegalStateException(
              "the broker did not become ready in " + READY_TIMEOUT + "; see " + process.log());
        }
        sleep(250);
      }
    }
  }

  /** SIGKILL (a crash: no clean shutdown, unflushed log segments recovered at the next start). */
  public synchronized void kill() {
    if (process != null) {
      process.kill();
    }
  }

  /** Clean shutdown (SIGTERM, SIGKILL after 30 s). */
  public synchronized void stop() {
    if (process != null) {
      process.stop(Duration.ofSeconds(30));
    }
  }

  public synchronized boolean alive() {
    return process != null && process.alive();
  }

  /** The running process, or null. */
  public synchronized JvmProcess process() {
    return process;
  }

  public String bootstrapServers() {
    return "127.0.0.1:" + port;
  }

  int port() {
    return port;
  }

  int controllerPort() {
    return controllerPort;
  }

  Path dir() {
    return dir;
  }

  static void sleep(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted", e);
    }
  }

  private static final String LOG4J =
      String.join(
          "\n",
          "rootLogger.level = WARN",
          "rootLogger.appenderRef.console.ref = console",
          "appender.console.name = console",
          "appender.console.type = Console",
          "appender.console.layout.type = PatternLayout",
          "appender.console.layout.pattern = %d{HH:mm:ss,SSS} %-5p %c{1} - %m%n",
          "logger.server.name = kafka.server.KafkaRaftServer",
          "logger.server.level = INFO",
          "");
}
