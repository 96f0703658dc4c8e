package io.moesearch.tools.bench;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.moesearch.connectors.message.CatalogUpdateCodec;
import io.moesearch.connectors.message.MessageJson;
import io.moesearch.connectors.message.SearchQuery;
import io.moesearch.connectors.message.SearchResult;
import io.moesearch.tools.cluster.ClusterLayout;
import io.moesearch.tools.cluster.LocalCluster;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Properties;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.flink.api.common.JobID;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * One chaos run of {@code bench chaos} for one delivery mode: the search job on a {@link
 * LocalCluster} (2 TaskManagers, the broker process) streams queries at a fixed rate while faults
 * are injected on a seeded schedule (SIGKILL of a random TaskManager running tasks, then, once the
 * job has recovered on the survivor's free slots, a fresh one, as a replacement host would come up;
 * SIGKILL of the broker, then a restart on its data directory; once, stop-with-savepoint and
 * resubmission at parallelism 3, or for a job with the state changelog a checkpoint, a cancel and
 * resubmission from the checkpoint), one fault at a time on a cluster back at full strength: the
 * next comes a seeded 4–10 s after the previous one has recovered (and its replacement registered).
 * A read_committed consumer on assigned partitions is the oracle.
 *
 * <p>Catalogue updates ({@link CatalogChurn}) stream beside the queries through every fault: new
 * products listed and some of them deleted. Once the faults are over, each is asked for by its
 * title: a listed product must be found and a deleted one must not (no update lost, none applied
 * twice in a way that brings a deleted product back).
 *
 * <p>Recovery of a fault: from the fault's start to the first result of a query sent after it
 * (seconds). Latency: result received − query sent, p99 over the queries sent outside every fault
 * window (fault start to recovery + 5 s).
 */
public final class ChaosRun {
  /** The delivery modes a run takes ({@code kafka.delivery-guarantee} values), in report order. */
  public static final List<String> MODES = List.of("exactly-once", "at-least-once");

  /** The kinds of injected faults. */
  public enum Fault {
    TASK_MANAGER_KILL,
    BROKER_KILL,
    RESCALE
  }

  /**
   * How the answers of the queries answered more than once compare. Two answers are identical when
   * their {@code items} are (product ids, titles, scores, prices, as JSON); {@code latency}, {@code
   * cache}, {@code ts_in} and {@code ts_out} describe a delivery and are not compared. A
   * non-identical duplicate is <em>degraded</em> when one of its answers was cut by the job
   * (overload degradation, {@code degraded} other than {@code none}, or a merge timeout, {@code
   * partial}), which legitimately answers with less; otherwise every answer was full quality and
   * they should agree.
   *
   * @param duplicated queries answered more than once
   * @param notIdentical of those, the queries whose answers differ
   * @param notIdenticalDegraded of those, the ones with a degraded or partial answer
   * @param notIdenticalFullQuality of those, the ones whose answers were all full quality
   * @param pairs one JSON line per duplicate answer: {@code query_id}, {@code identical}, {@code
   *     degraded}, the {@code first} answer and the {@code other}
   */
  public record Duplicates(
      int duplicated,
      int notIdentical,
      int notIdenticalDegraded,
      int notIdenticalFullQuality,
      List<String> pairs) {
    public Duplicates {
      if (duplicated < 0
          || notIdentical < 0
          || notIdentical > duplicated
          || notIdenticalDegraded + notIdenticalFullQuality != notIdentical
          || notIdenticalDegraded < 0
          || notIdenticalFullQuality < 0) {
        throw new IllegalArgumentException(
            "inconsistent counts: "
                + duplicated
                + " duplicated, "
                + notIdentical
                + " not identical = "
                + notIdenticalDegraded
                + " degraded + "
                + notIdenticalFullQuality
                + " full quality");
      }
      pairs = List.copyOf(pairs);
    }

    /** Every duplicate's answers are identical. */
    public boolean identical() {
      return notIdentical == 0;
    }
  }

  /** What a run measured. */
  public record Report(
      String mode,
      int sent,
      int answeredOnce,
      Duplicates duplicates,
      int lost,
      List<Fault> faults,
      List<Double> recoverySeconds,
      double p99OutsideFaultsMs,
      int catalogUpdatesSent,
      CatalogChurn.Verdict catalog) {
    public double maxRecoverySeconds() {
      return recoverySeconds.stream().mapToDouble(d -> d).max().orElse(0);
    }

    public int duplicated() {
      return duplicates.duplicated();
    }

    public boolean duplicatesIdentical() {
      return duplicates.identical();
    }

    /** The JSON fields of {@code bench chaos}. */
    public Map<String, Object> json() {
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("sent", sent);
      m.put("answeredOnce", answeredOnce);
      m.put("duplicated", duplicated());
      m.put("duplicatesIdentical", duplicatesIdentical());
      m.put("duplicatesNotIdentical", duplicates.notIdentical());
      m.put("notIdenticalDegraded", duplicates.notIdenticalDegraded());
      m.put("notIdenticalFullQuality", duplicates.notIdenticalFullQuality());
      m.put("lost", lost);
      m.put("faults", faults.size());
      m.put("maxRecoverySeconds", Math.round(maxRecoverySeconds() * 10) / 10.0);
      m.put("faultKinds", faults.stream().map(Enum::name).toList());
      m.put(
          "recoverySeconds", recoverySeconds.stream().map(d -> Math.round(d * 10) / 10.0).toList());
      m.put("p99OutsideFaultsMs", Math.round(p99OutsideFaultsMs));
      if (catalog != null) {
        Map<String, Object> c = new LinkedHashMap<>();
        c.put("updatesSent", catalogUpdatesSent);
        c.put("listed", catalog.listed());
        c.put("deleted", catalog.deleted());
        c.put("probesAnswered", catalog.probesAnswered());
        c.put("listedMissing", catalog.listedMissing());
        c.put("deletedServed", catalog.deletedServed());
        m.put("catalog", c);
      }
      return m;
    }
  }

  private final ClusterLayout layout;
  private final Path work;
  private final List<String> texts;
  private final List<String> jobSettings;
  private final boolean rescaleFromCheckpoint;
  private final PrintWriter log;

  /**
   * @param texts query texts, sent round-robin (ids are unique per run)
   * @param jobSettings {@code --set key=value} pairs for the job (index, cache key file, ...)
   * @param rescaleFromCheckpoint the rescale cancels the job after a checkpoint and restarts it
   *     from that checkpoint, as a job with the state changelog must ({@code job.state-changelog});
   *     otherwise it stops the job with a savepoint and restarts it from the savepoint
   */
  public ChaosRun(
      ClusterLayout layout,
      Path work,
      List<String> texts,
      List<String> jobSettings,
      boolean rescaleFromCheckpoint,
      PrintWriter log) {
    if (texts.isEmpty()) {
      throw new IllegalArgumentException("no query texts");
    }
    this.layout = layout;
    this.work = work;
    this.texts = List.copyOf(texts);
    this.jobSettings = List.copyOf(jobSettings);
    this.rescaleFromCheckpoint = rescaleFromCheckpoint;
    this.log = log;
  }

  /**
   * Runs one mode ({@code exactly-once} or {@code at-least-once}) with {@code faults} faults (one
   * of them the rescale) at {@code rate} queries per second and {@code updatesPerSec} catalogue
   * updates per second ({@link CatalogChurn}; 0: none).
   */
  public Report run(String mode, int faults, double rate, long seed, double updatesPerSec)
      throws Exception {
    if (!MODES.contains(mode)) {
      throw new IllegalArgumentException("mode must be one of " + MODES + ", got " + mode);
    }
    if (faults < 1) {
      throw new IllegalArgumentException("faults must be >= 1, got " + faults);
    }
    if (!(updatesPerSec >= 0)) {
      throw new IllegalArgumentException("updatesPerSec must be >= 0, got " + updatesPerSec);
    }
    CatalogChurn churn = updatesPerSec > 0 ? new CatalogChurn("chaos-" + mode, seed) : null;
    Random random = new Random(seed);
    List<Fault> schedule = new ArrayList<>();
    for (int i = 0; i < faults - 1; i++) {
      schedule.add(random.nextBoolean() ? Fault.TASK_MANAGER_KILL : Fault.BROKER_KILL);
    }
    schedule.add(faults / 2, Fault.RESCALE);
    Map<String, Long> sentAt = new ConcurrentHashMap<>();
    Map<String, List<String>> answers = new ConcurrentHashMap<>();
    Map<String, Long> answeredAt = new ConcurrentHashMap<>();
    List<long[]> windows = new ArrayList<>();
    List<Double> recoveries = new ArrayList<>();
    try (LocalCluster cluster = LocalCluster.start(layout, work.resolve(mode), 2, true, Map.of())) {
      cluster.createTopics(
          2,
          List.of(
              "search-queries",
              "search-results",
              "search-dead-letters",
              "search-cache-fill",
              "search-expert-stats",
              CATALOG_TOPIC),
          List.of("search-cache-fill"));
      List<String> args = new ArrayList<>();
      for (String s : jobSettings) {
        args.addAll(List.of("--set", s));
      }
      args.addAll(
          List.of(
              "--set", "kafka.bootstrap-servers=" + cluster.bootstrapServers(),
              "--set", "kafka.delivery-guarantee=" + mode,
              "--set", "kafka.transactional-id-prefix=chaos-" + mode,
              "--set", "kafka.starting-offsets=earliest",
              "--set", "job.checkpoint-dir=" + cluster.checkpointDir().toUri(),
              "--set", "job.checkpoint-interval-ms=2000"));
      List<String> at2 = new ArrayList<>(args);
      at2.addAll(List.of("--set", "job.parallelism=2"));
      JobID job = cluster.submit(layout.jobJar(), SEARCH_JOB, at2, null);
      cluster.awaitRunning(job, Duration.ofMinutes(4));
      log.printf("%s: job %s running; %d faults: %s%n", mode, job, faults, schedule);
      log.flush();

      AtomicBoolean sending = new AtomicBoolean(true);
      AtomicInteger sent = new AtomicInteger();
      Thread sender =
          new Thread(
              () -> send(cluster.bootstrapServers(), mode, rate, sending, sent, sentAt), "sender");
      AtomicBoolean reading = new AtomicBoolean(true);
      Thread reader =
          new Thread(
              () -> read(cluster.bootstrapServers(), reading, answers, answeredAt), "oracle");
      AtomicInteger updatesSent = new AtomicInteger();
      Thread updater =
          new Thread(
              () -> {
                if (churn != null) {
                  sendUpdates(
                      cluster.bootstrapServers(), churn, updatesPerSec, sending, updatesSent);
                }
              },
              "catalog-updater");
      reader.start();
      sender.start();
      updater.start();
      Thread.sleep(10_000);
      for (Fault fault : schedule) {
        long t0 = System.currentTimeMillis();
        switch (fault) {
          case TASK_MANAGER_KILL -> {
            // One that runs part of the job (an idle one's loss is no fault of the job).
            List<Integer> busy = cluster.busyTaskManagers();
            List<Integer> pick = busy.isEmpty() ? cluster.liveTaskManagers() : busy;
            cluster.killTaskManager(pick.get(random.nextInt(pick.size())));
          }
          case BROKER_KILL -> {
            cluster.broker().kill();
            cluster.broker().start();
          }
          case RESCALE -> {
            String snapshot =
                rescaleFromCheckpoint
                    ? cluster.cancelWithCheckpoint(job)
                    : cluster.stopWithSavepoint(job);
            List<String> at3 = new ArrayList<>(args);
            at3.addAll(List.of("--set", "job.parallelism=3"));
            job = cluster.submit(layout.jobJar(), SEARCH_JOB, at3, snapshot);
          }
        }
        double recovery = awaitRecovery(t0, sentAt, answeredAt, Duration.ofMinutes(3));
        recoveries.add(recovery);
        windows.add(new long[] {t0, t0 + (long) (recovery * 1000) + 5_000});
        log.printf("  %-17s recovered in %5.1f s%n", fault, recovery);
        log.flush();
        if (fault == Fault.TASK_MANAGER_KILL) {
          // The replacement comes up once the job has recovered onto the survivor's free slots,
          // as a replacement host would on a real cluster: on one 2-core machine its JVM start
          // (15-35 s of CPU here) would otherwise compete with the recovery it takes no part in.
          long s0 = System.nanoTime();
          int registered = cluster.liveTaskManagers().size() + 1;
          cluster.startTaskManager();
          cluster.awaitTaskManagers(registered);
          log.printf(
              "  replacement TaskManager registered in %.1f s%n", (System.nanoTime() - s0) / 1e9);
          log.flush();
        }
        Thread.sleep(4_000 + random.nextInt(6_000));
      }
      sending.set(false);
      sender.join();
      updater.join();
      long deadline = System.currentTimeMillis() + 180_000;
      while (answers.size() < sent.get() && System.currentTimeMillis() < deadline) {
        Thread.sleep(200);
      }
      Thread.sleep(15_000); // late duplicates: several checkpoints
      CatalogChurn.Verdict catalog =
          churn == null ? null : probe(cluster.bootstrapServers(), mode, churn, rate, answers);
      reading.set(false);
      reader.join();
      Report report =
          report(
              mode,
              sent.get(),
              sentAt,
              answers,
              answeredAt,
              schedule,
              recoveries,
              windows,
              updatesSent.get(),
              catalog);
      if (catalog != null) {
        log.printf(
            "%s: catalogue: %d updates, %d listed, %d deleted; probes answered %d, listed"
                + " missing %d, deleted served %d%n",
            mode,
            updatesSent.get(),
            catalog.listed(),
            catalog.deleted(),
            catalog.probesAnswered(),
            catalog.listedMissing(),
            catalog.deletedServed());
      }
      Path pairs = work.resolve(mode).resolve("duplicates.jsonl");
      Files.write(pairs, report.duplicates().pairs(), StandardCharsets.UTF_8);
      log.printf(
          "%s: %d duplicated, %d not identical (%d with a degraded or partial answer, %d full"
              + " quality); pairs in %s%n",
          mode,
          report.duplicated(),
          report.duplicates().notIdentical(),
          report.duplicates().notIdenticalDegraded(),
          report.duplicates().notIdenticalFullQuality(),
          pairs);
      log.flush();
      return report;
    }
  }

  static final String SEARCH_JOB = "io.moesearch.jobs.search.SearchJob";

  /**
   * Seconds from {@code t0} to the first answer to a query sent after {@code t0}, or the timeout.
   * For the rescale this counts answers of the old job while stop-with-savepoint drains it, so it
   * understates the pause (see docs/benchmarks.md).
   */
  private static double awaitRecovery(
      long t0, Map<String, Long> sentAt, Map<String, Long> answeredAt, Duration timeout)
      throws InterruptedException {
    long deadline = t0 + timeout.toMillis();
    while (System.currentTimeMillis() < deadline) {
      long first = Long.MAX_VALUE;
      for (var e : answeredAt.entrySet()) {
        Long s = sentAt.get(e.getKey());
        if (s != null && s >= t0) {
          first = Math.min(first, e.getValue());
        }
      }
      if (first != Long.MAX_VALUE) {
        return (first - t0) / 1000.0;
      }
      Thread.sleep(100);
    }
    return timeout.toSeconds();
  }

  private void send(
      String bootstrap,
      String mode,
      double rate,
      AtomicBoolean sending,
      AtomicInteger sent,
      Map<String, Long> sentAt) {
    MessageJson json = new MessageJson();
    long periodNanos = (long) (1e9 / rate);
    long next = System.nanoTime();
    try (KafkaProducer<String, byte[]> producer =
        new KafkaProducer<>(producerProperties(bootstrap))) {
      for (int i = 0; sending.get(); i++) {
        String id = mode + "-" + i;
        String text = texts.get(i % texts.size()) + " " + (i / texts.size());
        sentAt.put(id, System.currentTimeMillis());
        producer.send(
            new ProducerRecord<>(
                "search-queries",
                id,
                json.encodeQuery(new SearchQuery(id, text.strip(), 10, null, 0, null))));
        sent.incrementAndGet();
        next = pace(next, periodNanos);
      }
      producer.flush();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** Sends {@code churn}'s updates at {@code rate} per second while {@code sending}. */
  private static void sendUpdates(
      String bootstrap,
      CatalogChurn churn,
      double rate,
      AtomicBoolean sending,
      AtomicInteger sent) {
    CatalogUpdateCodec codec = CatalogUpdateCodec.withDefaults();
    long periodNanos = (long) (1e9 / rate);
    long next = System.nanoTime();
    try (KafkaProducer<String, byte[]> producer =
        new KafkaProducer<>(producerProperties(bootstrap))) {
      while (sending.get()) {
        CatalogChurn.Step step = churn.next();
        producer.send(
            new ProducerRecord<>(
                CATALOG_TOPIC,
                step.productId(),
                codec.encode(step.at(System.currentTimeMillis()))));
        sent.incrementAndGet();
        next = pace(next, periodNanos);
      }
      producer.flush();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /**
   * Sleeps until {@code next + periodNanos} (of {@link System#nanoTime}), the next send of a stream
   * paced at one per {@code periodNanos}, and returns that time.
   */
  private static long pace(long next, long periodNanos) throws InterruptedException {
    long at = next + periodNanos;
    long sleep = at - System.nanoTime();
    if (sleep > 0) {
      Thread.sleep(sleep / 1_000_000, (int) (sleep % 1_000_000));
    }
    return at;
  }

  /** Rounds of probes: an answer the job cut under load is asked again, up to this often. */
  static final int PROBE_ROUNDS = 5;

  /**
   * Asks for every product {@code churn} listed by its title once the faults are over, at {@code
   * rate} per second, and waits (at most 2 minutes a round) for the answers the oracle reads into
   * {@code answers}. A probe answered degraded or partial (the job cut its work under the burst of
   * probes) is asked again in the next round, up to {@value #PROBE_ROUNDS} rounds; only full
   * answers count.
   */
  private CatalogChurn.Verdict probe(
      String bootstrap,
      String mode,
      CatalogChurn churn,
      double rate,
      Map<String, List<String>> answers)
      throws InterruptedException {
    MessageJson json = new MessageJson();
    ObjectMapper mapper = new ObjectMapper();
    Map<String, String> titles = new TreeMap<>(churn.probes());
    Map<String, List<String>> items = new LinkedHashMap<>();
    long periodNanos = (long) (1e9 / rate);
    try (KafkaProducer<String, byte[]> producer =
        new KafkaProducer<>(producerProperties(bootstrap))) {
      for (int round = 0; round < PROBE_ROUNDS && items.size() < titles.size(); round++) {
        Map<String, String> ids = new LinkedHashMap<>();
        long next = System.nanoTime();
        for (var e : titles.entrySet()) {
          if (items.containsKey(e.getKey())) {
            continue;
          }
          String id = "probe-" + mode + "-" + e.getKey() + "-" + round;
          ids.put(e.getKey(), id);
          producer.send(
              new ProducerRecord<>(
                  "search-queries",
                  id,
                  json.encodeQuery(new SearchQuery(id, e.getValue(), 10, null, 0, null))));
          next = pace(next, periodNanos);
        }
        producer.flush();
        long deadline = System.currentTimeMillis() + 120_000;
        while (System.currentTimeMillis() < deadline
            && !ids.values().stream().allMatch(answers::containsKey)) {
          Thread.sleep(200);
        }
        ids.forEach(
            (product, id) -> {
              List<String> a = answers.get(id);
              JsonNode answer = a == null ? null : parse(mapper, a.get(0));
              if (answer != null && !degraded(answer)) {
                List<String> found = new ArrayList<>();
                answer.path("items").forEach(i -> found.add(i.path("product_id").asText()));
                items.put(product, found);
              }
            });
        log.printf(
            "%s: probe round %d: %d asked, %d full answers so far of %d%n",
            mode, round + 1, ids.size(), items.size(), titles.size());
        log.flush();
      }
    }
    return churn.verdict(items);
  }

  static final String CATALOG_TOPIC = "search-catalog-updates";

  private static Properties producerProperties(String bootstrap) {
    Properties p = new Properties();
    p.put("bootstrap.servers", bootstrap);
    p.put("key.serializer", StringSerializer.class.getName());
    p.put("value.serializer", ByteArraySerializer.class.getName());
    p.put("enable.idempotence", "true");
    p.put("acks", "all");
    p.put("linger.ms", "1");
    p.put("delivery.timeout.ms", "600000");
    return p;
  }

  private static void read(
      String bootstrap,
      AtomicBoolean reading,
      Map<String, List<String>> answers,
      Map<String, Long> answeredAt) {
    Properties p = new Properties();
    p.put("bootstrap.servers", bootstrap);
    p.put("isolation.level", "read_committed");
    p.put("key.deserializer", StringDeserializer.class.getName());
    p.put("value.deserializer", StringDeserializer.class.getName());
    Set<String> seen = new HashSet<>();
    try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(p)) {
      List<TopicPartition> partitions =
          consumer.partitionsFor("search-results").stream()
              .map(i -> new TopicPartition(i.topic(), i.partition()))
              .toList();
      consumer.assign(partitions);
      consumer.seekToBeginning(partitions);
      while (reading.get()) {
        for (ConsumerRecord<String, String> r : consumer.poll(Duration.ofMillis(200))) {
          if (seen.add(r.partition() + "@" + r.offset())) {
            answers.computeIfAbsent(r.key(), k -> new ArrayList<>()).add(r.value());
            answeredAt.putIfAbsent(r.key(), System.currentTimeMillis());
          }
        }
      }
    }
  }

  private static Report report(
      String mode,
      int sent,
      Map<String, Long> sentAt,
      Map<String, List<String>> answers,
      Map<String, Long> answeredAt,
      List<Fault> faults,
      List<Double> recoveries,
      List<long[]> windows,
      int catalogUpdatesSent,
      CatalogChurn.Verdict catalog)
      throws Exception {
    int once = 0;
    for (String id : sentAt.keySet()) {
      List<String> a = answers.get(id);
      if (a != null && a.size() == 1) {
        once++;
      }
    }
    Map<String, List<String>> sentAnswers = new TreeMap<>();
    for (String id : sentAt.keySet()) {
      if (answers.containsKey(id)) {
        sentAnswers.put(id, answers.get(id));
      }
    }
    Duplicates duplicates = duplicates(sentAnswers);
    int lost = 0;
    for (String id : sentAt.keySet()) {
      if (!answers.containsKey(id)) {
        lost++;
      }
    }
    List<Long> latencies = new ArrayList<>();
    for (var e : sentAt.entrySet()) {
      Long done = answeredAt.get(e.getKey());
      long s = e.getValue();
      if (done != null && windows.stream().noneMatch(w -> s >= w[0] && s <= w[1])) {
        latencies.add(done - s);
      }
    }
    long[] sorted = latencies.stream().mapToLong(Long::longValue).sorted().toArray();
    double p99 =
        sorted.length == 0
            ? Double.NaN
            : sorted[Math.min(sorted.length - 1, (int) Math.ceil(0.99 * sorted.length) - 1)];
    return new Report(
        mode,
        sent,
        once,
        duplicates,
        lost,
        List.copyOf(faults),
        recoveries,
        p99,
        catalogUpdatesSent,
        catalog);
  }

  /**
   * Compares the answers of every query answered more than once ({@link Duplicates}), each answer
   * with the query's first, in the order received.
   *
   * @param answers the result records' values by query id, in the order the oracle read them
   * @throws IllegalArgumentException if an answer is not a JSON object
   */
  public static Duplicates duplicates(Map<String, List<String>> answers) {
    ObjectMapper json = new ObjectMapper();
    int duplicated = 0;
    int notIdentical = 0;
    int degradedCount = 0;
    List<String> pairs = new ArrayList<>();
    for (var e : answers.entrySet()) {
      List<String> a = e.getValue();
      if (a.size() < 2) {
        continue;
      }
      duplicated++;
      JsonNode first = parse(json, a.get(0));
      boolean same = true;
      boolean cut = degraded(first);
      for (String value : a.subList(1, a.size())) {
        JsonNode other = parse(json, value);
        boolean identical = Objects.equals(first.get("items"), other.get("items"));
        boolean pairCut = degraded(first) || degraded(other);
        same &= identical;
        cut |= degraded(other);
        ObjectNode line = json.createObjectNode();
        line.put("query_id", e.getKey());
        line.put("identical", identical);
        line.put("degraded", pairCut);
        line.set("first", first);
        line.set("other", other);
        pairs.add(line.toString());
      }
      if (!same) {
        notIdentical++;
        if (cut) {
          degradedCount++;
        }
      }
    }
    return new Duplicates(
        duplicated, notIdentical, degradedCount, notIdentical - degradedCount, pairs);
  }

  /** The job cut the answer's work: an overload degradation level or a merge timeout. */
  static boolean degraded(JsonNode answer) {
    JsonNode level = answer.get("degraded");
    boolean cut = level != null && !level.asText().equals(SearchResult.NOT_DEGRADED);
    return cut || answer.path("partial").asBoolean(false);
  }

  private static JsonNode parse(ObjectMapper json, String value) {
    try {
      JsonNode node = json.readTree(value);
      if (node == null || !node.isObject()) {
        throw new IllegalArgumentException("an answer is not a JSON object: " + value);
      }
      return node;
    } catch (JsonProcessingException e) {
      throw new IllegalArgumentException("an answer is not JSON: " + value, e);
    }
  }

  /** Query texts: the given lines, blank ones dropped. */
  public static List<String> texts(String... lines) {
    return Arrays.stream(lines).filter(s -> !s.isBlank()).toList();
  }
}
