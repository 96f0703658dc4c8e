package io.moesearch.tools.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import io.moesearch.connectors.message.MessageJson;
import io.moesearch.connectors.message.SearchQuery;
import io.moesearch.core.catalog.Catalog;
import io.moesearch.core.embed.EmbeddingModel;
import io.moesearch.core.testing.SmallIndex;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.function.IntPredicate;
import org.apache.flink.api.common.JobID;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The search job on a real multi-process cluster, killed on purpose: a JobManager, two TaskManagers
 * and the Kafka broker, each its own JVM on the cluster image's lib/ layout, the job jar submitted
 * through the REST API with exactly-once delivery. Mid-stream one TaskManager is SIGKILLed (and a
 * fresh one started), later the broker is SIGKILLed and restarted on its data directory. After the
 * stream, a read_committed consumer keeps reading for several checkpoint intervals: every query has
 * exactly one result, none lost, none duplicated. Then a TaskManager's Prometheus endpoint serves
 * the job's cache, routing and latency metrics. Finally no process of the cluster is left running.
 * A second test rescales a job with the state changelog from a retained checkpoint and crashes it
 * after.
 *
 * <p>No timing is asserted: each phase waits for its answers with a generous deadline (a loaded
 * 2-core machine), and the verdict is on counts alone.
 */
class LocalClusterITCase {
  private static final int PER_PHASE = 12;
  private static final Duration PHASE_DEADLINE = Duration.ofMinutes(4);

  private static final java.util.Set<String> SEEN = new java.util.HashSet<>();

  @TempDir Path tmp;

  @BeforeEach
  void forgetOffsetsOfOtherClusters() {
    SEEN.clear(); // each test's broker numbers its offsets from 0
  }

  @Test
  void everyQueryIsAnsweredExactlyOnceThroughATaskManagerCrashAndABrokerRestart() throws Exception {
    ClusterLayout layout = ClusterLayout.of(Path.of("../.."));
    Catalog catalog = SmallIndex.catalogue(400);
    Path artifact;
    try (EmbeddingModel model = SmallIndex.model()) {
      artifact = SmallIndex.build(catalog, model, 8, tmp.resolve("index"));
    }
    List<JvmProcess> started;
    try (LocalCluster cluster =
        LocalCluster.start(layout, tmp.resolve("cluster"), 2, true, Map.of())) {
      createTopics(cluster);
      Map<String, String> set = jobSettings(cluster, artifact);
      set.put("kafka.delivery-guarantee", "exactly-once");
      set.put("kafka.transactional-id-prefix", "cluster-it");
      set.put("job.parallelism", "2");
      List<String> args = asArgs(set);
      JobID job = cluster.submit(layout.jobJar(), "io.moesearch.jobs.search.SearchJob", args, null);
      cluster.awaitRunning(job, Duration.ofMinutes(4));

      Map<String, List<String>> answers = new HashMap<>();
      try (KafkaProducer<String, byte[]> producer = producer(cluster.bootstrapServers());
          KafkaConsumer<String, String> results = consumer(cluster.bootstrapServers())) {
        // Assigned, not subscribed: a group would rebalance when the broker restarts and, with no
        // committed offsets, read the topic again from the start (the same records twice).
        readFromStart(results);
        MessageJson json = new MessageJson();
        IntPredicate send =
            i -> {
              String id = "q-" + i;
              String text =
                  i % 3 == 0 ? "usb cable " + i : catalog.get((i * 7) % catalog.size()).title();
              producer.send(
                  new ProducerRecord<>(
                      "search-queries",
                      id,
                      json.encodeQuery(new SearchQuery(id, text, 10, null, 0, null))));
              return true;
            };

        // Phase 1: the job answers.
        for (int i = 0; i < PER_PHASE; i++) {
          send.test(i);
        }
        producer.flush();
        awaitAnswers(results, answers, PER_PHASE);

        // Phase 2: a TaskManager crashes while queries arrive; a fresh one joins.
        for (int i = PER_PHASE; i < PER_PHASE + PER_PHASE / 2; i++) {
          send.test(i);
        }
        producer.flush();
        // A TaskManager that runs part of the job (an idle one's loss would prove nothing).
        List<Integer> busy = cluster.busyTaskManagers();
        assertThat(busy).as("TaskManagers running tasks").isNotEmpty();
        cluster.killTaskManager(busy.get(0));
        cluster.startTaskManager();
        for (int i = PER_PHASE + PER_PHASE / 2; i < 2 * PER_PHASE; i++) {
          send.test(i);
        }
        producer.flush();
        awaitAnswers(results, answers, 2 * PER_PHASE);

        // Phase 3: the broker crashes and comes back on its data directory.
        for (int i = 2 * PER_PHASE; i < 2 * PER_PHASE + PER_PHASE / 2; i++) {
          send.test(i);
        }
        producer.flush();
        cluster.broker().kill();
        cluster.broker().start();
        for (int i = 2 * PER_PHASE + PER_PHASE / 2; i < 3 * PER_PHASE; i++) {
          send.test(i);
        }
        producer.flush();
        awaitAnswers(results, answers, 3 * PER_PHASE);

        // Late duplicates would surface within a few more checkpoints (1 s apart).
        long settle = System.nanoTime() + Duration.ofSeconds(15).toNanos();
        while (System.nanoTime() < settle) {
          poll(results, answers);
        }
      }
      // The TaskManager's crash did hit the job: it was restored from a checkpoint.
      String checkpoints = cluster.rest("/jobs/" + job + "/checkpoints");
      assertThat(checkpoints)
          .as("checkpoint statistics")
          .containsPattern("\"restored\"\\s*:\\s*\\{");
      Map<String, Integer> counts = new java.util.TreeMap<>();
      answers.forEach((id, r) -> counts.put(id, r.size()));
      assertThat(counts).as("queries answered").hasSize(3 * PER_PHASE);
      assertThat(counts.values()).as("results per query: %s", counts).containsOnly(1);

      // The reporter of the TaskManagers serves the job's own metrics (while the job runs: a late
      // checkpoint failure after the broker's crash may still restart it, and a restarting job's
      // operators have no metrics registered for a moment).
      List<String> metrics =
          List.of(
              "flink_taskmanager_job_task_operator_cache_misses",
              "flink_taskmanager_job_task_operator_cache_missLatencyMs",
              "flink_taskmanager_job_task_operator_routing_utilisation",
              "flink_taskmanager_job_task_operator_expertsActivated");
      String scraped = "";
      long scrapeDeadline = System.nanoTime() + Duration.ofMinutes(2).toNanos();
      while (System.nanoTime() < scrapeDeadline) {
        cluster.awaitRunning(job, Duration.ofMinutes(2));
        scraped = scrapeTaskManagers(cluster);
        if (metrics.stream().allMatch(scraped::contains)) {
          break;
        }
        Thread.sleep(1000);
      }
      for (String m : metrics) {
        assertThat(scraped).contains(m);
      }
      started = cluster.processes();
      assertThat(started).hasSize(5); // broker, JobManager, 3 TaskManagers (one killed)
    }
    assertThat(started).allSatisfy(p -> assertThat(p.alive()).as(p.name()).isFalse());
  }

  /**
   * A job with the state changelog ({@code job.state-changelog}) rescales 2 → 3 from a retained
   * checkpoint ({@link LocalCluster#cancelWithCheckpoint}, restored in CLAIM mode) and still
   * recovers from a TaskManager crash once its own checkpoints have subsumed the one it started
   * from. Restored from a savepoint instead, such a job lost the savepoint's files at that point
   * and never recovered from the next crash (docs/benchmarks.md).
   */
  @Test
  void aJobWithTheStateChangelogRescalesFromACheckpointAndRecoversFromALaterCrash()
      throws Exception {
    ClusterLayout layout = ClusterLayout.of(Path.of("../.."));
    Catalog catalog = SmallIndex.catalogue(400);
    Path artifact;
    try (EmbeddingModel model = SmallIndex.model()) {
      artifact = SmallIndex.build(catalog, model, 8, tmp.resolve("index"));
    }
    try (LocalCluster cluster =
        LocalCluster.start(layout, tmp.resolve("cluster"), 2, true, Map.of())) {
      createTopics(cluster);
      Map<String, String> set = jobSettings(cluster, artifact);
      set.put("kafka.delivery-guarantee", "at-least-once");
      set.put("job.state-changelog", "true");
      List<String> args = asArgs(set);
      List<String> at2 = new ArrayList<>(args);
      at2.addAll(List.of("--set", "job.parallelism=2"));
      JobID job = cluster.submit(layout.jobJar(), "io.moesearch.jobs.search.SearchJob", at2, null);
      cluster.awaitRunning(job, Duration.ofMinutes(4));

      Map<String, List<String>> answers = new HashMap<>();
      try (KafkaProducer<String, byte[]> producer = producer(cluster.bootstrapServers());
          KafkaConsumer<String, String> results = consumer(cluster.bootstrapServers())) {
        readFromStart(results);
        MessageJson json = new MessageJson();
        IntPredicate send =
            i -> {
              String id = "c-" + i;
              producer.send(
                  new ProducerRecord<>(
                      "search-queries",
                      id,
                      json.encodeQuery(
                          new SearchQuery(
                              id,
                              catalog.get((i * 7) % catalog.size()).title(),
                              10,
                              null,
                              0,
                              null))));
              return true;
            };
        for (int i = 0; i < PER_PHASE; i++) {
          send.test(i);
        }
        producer.flush();
        awaitAnswers(results, answers, PER_PHASE);

        // Rescale: a checkpoint, a cancel, the job again at parallelism 3 from that checkpoint.
        String checkpoint = cluster.cancelWithCheckpoint(job);
        assertThat(JobSubmitter.isRetainedCheckpoint(checkpoint)).as(checkpoint).isTrue();
        List<String> at3 = new ArrayList<>(args);
        at3.addAll(List.of("--set", "job.parallelism=3"));
        job =
            cluster.submit(layout.jobJar(), "io.moesearch.jobs.search.SearchJob", at3, checkpoint);
        cluster.awaitRunning(job, Duration.ofMinutes(4));
        for (int i = PER_PHASE; i < 2 * PER_PHASE; i++) {
          send.test(i);
        }
        producer.flush();
        awaitAnswers(results, answers, 2 * PER_PHASE);

        // Its own checkpoints subsume the one it was restored from; then a TaskManager crashes.
        awaitCompletedCheckpoints(cluster, job, 3);
        List<Integer> busy = cluster.busyTaskManagers();
        assertThat(busy).as("TaskManagers running tasks").isNotEmpty();
        cluster.killTaskManager(busy.get(0));
        cluster.startTaskManager();
        for (int i = 2 * PER_PHASE; i < 3 * PER_PHASE; i++) {
          send.test(i);
        }
        producer.flush();
        awaitAnswers(results, answers, 3 * PER_PHASE);
      }
      assertThat(cluster.rest("/jobs/" + job + "/checkpoints"))
          .as("checkpoint statistics of the rescaled job")
          .containsPattern("\"restored\"\\s*:\\s*\\{");
      assertThat(answers).as("queries answered").hasSize(3 * PER_PHASE);
    }
  }

  private static void readFromStart(KafkaConsumer<String, String> results) {
    List<TopicPartition> partitions =
        results.partitionsFor("search-results").stream()
            .map(i -> new TopicPartition(i.topic(), i.partition()))
            .toList();
    results.assign(partitions);
    results.seekToBeginning(partitions);
  }

  private static void createTopics(LocalCluster cluster) {
    cluster.createTopics(
        2,
        List.of(
            "search-queries",
            "search-results",
            "search-dead-letters",
            "search-cache-fill",
            "search-expert-stats",
            "search-catalog-updates"),
        List.of("search-cache-fill"));
  }

  /** The settings both tests' jobs share: the small index, the cluster's broker and storage. */
  private Map<String, String> jobSettings(LocalCluster cluster, Path artifact) {
    Map<String, String> set = new LinkedHashMap<>();
    set.put("index.path", artifact.toString());
    set.put("kafka.bootstrap-servers", cluster.bootstrapServers());
    set.put("kafka.starting-offsets", "earliest");
    set.put("job.checkpoint-dir", cluster.checkpointDir().toUri().toString());
    set.put("job.checkpoint-interval-ms", "1000");
    set.put("routing.activation", "0.9");
    set.put("routing.max-experts", "4");
    set.put("batch.max-size", "16");
    set.put("cache.fill-key-file", tmp.resolve("cache-fill.key").toString());
    return set;
  }

  private static List<String> asArgs(Map<String, String> set) {
    List<String> args = new ArrayList<>();
    set.forEach((k, v) -> args.addAll(List.of("--set", k + "=" + v)));
    return args;
  }

  /** Waits until {@code job} has completed at least {@code n} checkpoints (REST statistics). */
  private static void awaitCompletedCheckpoints(LocalCluster cluster, JobID job, int n)
      throws Exception {
    long deadline = System.nanoTime() + PHASE_DEADLINE.toNanos();
    int completed = 0;
    while (System.nanoTime() < deadline) {
      String body = cluster.rest("/jobs/" + job + "/checkpoints");
      if (body != null) {
        completed =
            new org.apache.flink.shaded.jackson2.com.fasterxml.jackson.databind.ObjectMapper()
                .readTree(body)
                .path("counts")
                .path("completed")
                .asInt();
        if (completed >= n) {
          return;
        }
      }
      Thread.sleep(250);
    }
    assertThat(completed).as("checkpoints completed by " + job).isGreaterThanOrEqualTo(n);
  }

  /** The Prometheus text of every live TaskManager, concatenated. */
  private static String scrapeTaskManagers(LocalCluster cluster) {
    StringBuilder scraped = new StringBuilder();
    for (int tm : cluster.liveTaskManagers()) {
      String body =
          LocalCluster.get(
              URI.create("http://127.0.0.1:" + cluster.prometheusPort(tm) + "/metrics"));
      if (body != null) {
        scraped.append(body);
      }
    }
    return scraped.toString();
  }

  private static void awaitAnswers(
      KafkaConsumer<String, String> results, Map<String, List<String>> answers, int n) {
    long deadline = System.nanoTime() + PHASE_DEADLINE.toNanos();
    while (answers.size() < n && System.nanoTime() < deadline) {
      poll(results, answers);
    }
    assertThat(answers)
        .as("queries answered within " + PHASE_DEADLINE)
        .hasSizeGreaterThanOrEqualTo(n);
  }

  private static void poll(
      KafkaConsumer<String, String> results, Map<String, List<String>> answers) {
    for (ConsumerRecord<String, String> r : results.poll(Duration.ofMillis(200))) {
      // A record read again at the same offset is not a second answer.
      if (SEEN.add(r.partition() + "@" + r.offset())) {
        answers.computeIfAbsent(r.key(), k -> new ArrayList<>()).add(r.value());
      }
    }
  }

  private static KafkaProducer<String, byte[]> producer(String bootstrap) {
    Properties p = new Properties();
    p.put("bootstrap.servers", bootstrap);
    p.put("key.serializer", StringSerializer.class.getName());
    p.put("value.serializer", ByteArraySerializer.class.getName());
    p.put("enable.idempotence", "true");
    p.put("acks", "all");
    p.put("linger.ms", "1");
    return new KafkaProducer<>(p);
  }

  private static KafkaConsumer<String, String> consumer(String bootstrap) {
    Properties p = new Properties();
    p.put("bootstrap.servers", bootstrap);
    p.put("isolation.level", "read_committed");
    p.put("auto.offset.reset", "earliest");
    p.put("enable.auto.commit", "false");
    p.put("key.deserializer", StringDeserializer.class.getName());
    p.put("value.deserializer", StringDeserializer.class.getName());
    return new KafkaConsumer<>(p);
  }
}
