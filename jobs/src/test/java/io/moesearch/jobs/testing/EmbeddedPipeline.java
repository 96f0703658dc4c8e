package io.moesearch.jobs.testing;

import io.moesearch.connectors.kafka.KafkaIO;
import io.moesearch.connectors.kafka.KafkaSettings;
import io.moesearch.connectors.message.CatalogUpdate;
import io.moesearch.connectors.message.CatalogUpdateCodec;
import io.moesearch.connectors.message.DeadLetter;
import io.moesearch.connectors.message.MessageJson;
import io.moesearch.connectors.message.SearchResult;
import io.moesearch.core.artifact.IndexArtifact;
import io.moesearch.jobs.config.JobOptions;
import io.moesearch.jobs.config.MoeSearchConfig;
import io.moesearch.jobs.search.SearchJob;
import io.moesearch.tools.kafka.EmbeddedKafka;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.function.UnaryOperator;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.core.execution.SavepointFormatType;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * The whole pipeline on one machine: a real in-process Kafka broker (KRaft) with the query, result,
 * dead-letter and cache-fill topics, and the search job running asynchronously on the given
 * environment (Flink's MiniCluster locally). Used by the demo, the pipeline benchmark and the
 * integration tests. Closing it cancels the job and stops the broker.
 */
public final class EmbeddedPipeline implements AutoCloseable {
  private final EmbeddedKafka kafka;
  private final MoeSearchConfig config;
  private final IndexArtifact artifact;
  private final UnaryOperator<DataStream<SearchResult>> tap;
  private JobClient job;
  private final KafkaProducer<byte[], byte[]> producer;
  private final MessageJson json = new MessageJson();

  private EmbeddedPipeline(
      EmbeddedKafka kafka,
      MoeSearchConfig config,
      IndexArtifact artifact,
      UnaryOperator<DataStream<SearchResult>> tap) {
    this.kafka = kafka;
    this.config = config;
    this.artifact = artifact;
    this.tap = tap;
    Properties p = kafka.clientProperties();
    p.put("key.serializer", ByteArraySerializer.class.getName());
    p.put("value.serializer", ByteArraySerializer.class.getName());
    p.put("linger.ms", "1");
    this.producer = new KafkaProducer<>(p);
  }

  /**
   * Starts the broker, creates the topics ({@code queryPartitions} partitions for queries), and
   * submits the job. {@code tap} may transform the result stream before the sink (tests inject
   * failures there).
   */
  public static EmbeddedPipeline start(
      MoeSearchConfig base,
      StreamExecutionEnvironment env,
      IndexArtifact artifact,
      int queryPartitions,
      UnaryOperator<DataStream<SearchResult>> tap)
      throws Exception {
    EmbeddedKafka kafka = EmbeddedKafka.start();
    try {
      MoeSearchConfig config =
          base.with(Map.of("kafka.bootstrap-servers", kafka.bootstrapServers()));
      KafkaSettings s = config.kafka();
      kafka.createTopics(queryPartitions, s.queryTopic());
      kafka.createTopics(
          queryPartitions,
          s.resultTopic(),
          s.deadLetterTopic(),
          s.cacheFillTopic(),
          s.expertStatsTopic(),
          s.catalogTopic());
      EmbeddedPipeline pipeline = new EmbeddedPipeline(kafka, config, artifact, tap);
      pipeline.submit(env);
      return pipeline;
    } catch (Exception | Error e) {
      kafka.close();
      throw e;
    }
  }

  private void submit(StreamExecutionEnvironment env) throws Exception {
    KafkaSettings s = config.kafka();
    DataStream<SearchResult> results =
        tap.apply(
            SearchJob.results(
                env,
                config,
                artifact,
                KafkaIO.querySource(s),
                KafkaIO.deadLetterSink(s),
                new SearchJob.CacheIo(
                    KafkaIO.cacheFillSource(s), KafkaIO.cacheFillSink(s, config.fillSigner())),
                KafkaIO.expertStatsSink(s),
                KafkaIO.catalogSource(s)));
    results.sinkTo(KafkaIO.resultSink(s)).name("results").uid("results-sink");
    job = env.executeAsync(config.get(JobOptions.NAME) + " " + artifact.version());
  }

  /**
   * Stops the job with a savepoint under {@code dir} and returns the savepoint's path; the broker
   * keeps running, so {@link #restart} can pick up where the job left off.
   */
  public String stopWithSavepoint(Path dir) throws Exception {
    String path =
        job.stopWithSavepoint(false, dir.toUri().toString(), SavepointFormatType.CANONICAL)
            .get(120, TimeUnit.SECONDS);
    job.getJobExecutionResult().handle((r, e) -> null).get(60, TimeUnit.SECONDS);
    return path;
  }

  /**
   * Submits the job again on the same broker, e.g. on an environment configured to restore a
   * savepoint ({@code execution.savepoint.path}).
   */
  public void restart(StreamExecutionEnvironment env) throws Exception {
    submit(env);
  }

  /**
   * Cancels the job without a savepoint; the broker keeps running, so {@link #restart} submits it
   * afresh (starting from the consumer group's committed offsets by default).
   */
  public void cancel() throws Exception {
    job.cancel().get(60, TimeUnit.SECONDS);
    job.getJobExecutionResult().handle((r, e) -> null).get(60, TimeUnit.SECONDS);
  }

  /** The embedded default: the job on a local MiniCluster configured from {@code base}. */
  public static EmbeddedPipeline startLocal(MoeSearchConfig base, IndexArtifact artifact)
      throws Exception {
    return start(
        base,
        StreamExecutionEnvironment.getExecutionEnvironment(SearchJob.flinkConfiguration(base)),
        artifact,
        2,
        s -> s);
  }

  public MoeSearchConfig config() {
    return config;
  }

  public JobClient job() {
    return job;
  }

  public String bootstrapServers() {
    return kafka.bootstrapServers();
  }

  /**
   * Waits until the job has consumed everything on the cache-fill topic up to now: its consumer
   * group's offsets, committed when a checkpoint completes (so every operator has processed the
   * fills before them), reach the topic's end. Returns false on timeout.
   */
  public boolean awaitFillsConsumed(Duration timeout) throws Exception {
    return awaitConsumed(config.kafka().cacheFillTopic(), timeout);
  }

  /**
   * The records on the cache-fill topic so far (the sum of its partitions' end offsets): the fills
   * the job (and any prewarm job) wrote that the broker has received.
   */
  public long cacheFillRecords() throws Exception {
    String topic = config.kafka().cacheFillTopic();
    try (Admin admin = Admin.create(kafka.clientProperties())) {
      Map<TopicPartition, OffsetSpec> latest = new HashMap<>();
      for (var p :
          admin.describeTopics(List.of(topic)).allTopicNames().get().get(topic).partitions()) {
        latest.put(new TopicPartition(topic, p.partition()), OffsetSpec.latest());
      }
      long n = 0;
      for (var e : admin.listOffsets(latest).all().get().values()) {
        n += e.offset();
      }
      return n;
    }
  }

  /**
   * Waits until the job's consumer group has committed offsets at the end of the query topic (as
   * written up to now), i.e. a checkpoint covers every query sent so far. Returns false on timeout.
   */
  public boolean awaitQueriesConsumed(Duration timeout) throws Exception {
    return awaitConsumed(config.kafka().queryTopic(), timeout);
  }

  /**
   * Waits until the job has consumed everything on the catalogue-update topic up to now (offsets
   * committed by a completed checkpoint). Returns false on timeout.
   */
  public boolean awaitUpdatesConsumed(Duration timeout) throws Exception {
    return awaitConsumed(config.kafka().catalogTopic(), timeout);
  }

  private boolean awaitConsumed(String topic, Duration timeout) throws Exception {
    long deadline = System.currentTimeMillis() + timeout.toMillis();
    try (Admin admin = Admin.create(kafka.clientProperties())) {
      var partitions =
          admin
              .describeTopics(List.of(topic))
              .allTopicNames()
              .get()
              .get(topic)
              .partitions()
              .stream()
              .map(p -> new TopicPartition(topic, p.partition()))
              .toList();
      Map<TopicPartition, OffsetSpec> latest = new HashMap<>();
      partitions.forEach(tp -> latest.put(tp, OffsetSpec.latest()));
      var ends = admin.listOffsets(latest).all().get();
      while (System.currentTimeMillis() < deadline) {
        var committed =
            admin
                .listConsumerGroupOffsets(config.kafka().groupId())
                .partitionsToOffsetAndMetadata()
                .get();
        boolean done = true;
        for (var tp : partitions) {
          long end = ends.get(tp).offset();
          var c = committed.get(tp);
          if (end > 0 && (c == null || c.offset() < end)) {
            done = false;
          }
        }
        if (done) {
          return true;
        }
        Thread.sleep(100);
      }
      return false;
    }
  }

  /** Sends a raw query payload (not flushed). */
  public void send(String key, byte[] value) {
    producer.send(
        new ProducerRecord<>(
            config.kafka().queryTopic(),
            key == null ? null : key.getBytes(StandardCharsets.UTF_8),
            value));
  }

  /** Sends a catalogue update to the catalogue-update topic, keyed by its product id (flushed). */
  public void sendUpdate(CatalogUpdate update) {
    producer.send(
        new ProducerRecord<>(
            config.kafka().catalogTopic(),
            update.productId().getBytes(StandardCharsets.UTF_8),
            CatalogUpdateCodec.withDefaults().encode(update)));
    producer.flush();
  }

  /** Sends any record, to any topic, with any headers (not flushed). */
  public void send(ProducerRecord<byte[], byte[]> record) {
    producer.send(record);
  }

  public void flush() {
    producer.flush();
  }

  /**
   * A consumer of the result topic from the beginning; {@code readCommitted} for transactional
   * output.
   */
  public Consumer<SearchResult> results(boolean readCommitted) {
    return new Consumer<>(config.kafka().resultTopic(), readCommitted, false, json::decodeResult);
  }

  /** A consumer of the results written from now on (it skips the topic's history). */
  public Consumer<SearchResult> newResults() {
    return new Consumer<>(config.kafka().resultTopic(), false, true, json::decodeResult);
  }

  public Consumer<DeadLetter> deadLetters() {
    return new Consumer<>(config.kafka().deadLetterTopic(), true, false, json::decodeDeadLetter);
  }

  /** Polls one topic and decodes its values. Not thread-safe. */
  public final class Consumer<T> implements AutoCloseable {
    private final KafkaConsumer<byte[], byte[]> consumer;
    private final Function<byte[], T> decode;

    Consumer(String topic, boolean readCommitted, boolean fromEnd, Function<byte[], T> decode) {
      Properties p = kafka.clientProperties();
      p.put("key.deserializer", ByteArrayDeserializer.class.getName());
      p.put("value.deserializer", ByteArrayDeserializer.class.getName());
      p.put("group.id", "reader-" + UUID.randomUUID());
      p.put("auto.offset.reset", "earliest");
      p.put("isolation.level", readCommitted ? "read_committed" : "read_uncommitted");
      this.consumer = new KafkaConsumer<>(p);
      if (fromEnd) {
        // Assigned and positioned now, so nothing written after this returns can be missed.
        List<TopicPartition> parts =
            consumer.partitionsFor(topic).stream()
                .map(i -> new TopicPartition(topic, i.partition()))
                .toList();
        consumer.assign(parts);
        consumer.seekToEnd(parts);
        parts.forEach(consumer::position);
      } else {
        this.consumer.subscribe(List.of(topic));
      }
      this.decode = decode;
    }

    /** Decoded records with their Kafka timestamps (ms) received within {@code timeout}. */
    public List<Timed<T>> poll(Duration timeout) {
      List<Timed<T>> out = new ArrayList<>();
      for (ConsumerRecord<byte[], byte[]> r : consumer.poll(timeout)) {
        out.add(new Timed<>(decode.apply(r.value()), r.timestamp(), System.currentTimeMillis()));
      }
      return out;
    }

    @Override
    public void close() {
      consumer.close(Duration.ofSeconds(5));
    }
  }

  /** A consumed value with its record timestamp and the wall time it was received. */
  public record Timed<T>(T value, long recordTimestamp, long receivedMillis) {}

  @Override
  public void close() {
    producer.close(Duration.ofSeconds(5));
    try {
      job.cancel().get(60, TimeUnit.SECONDS);
      job.getJobExecutionResult().handle((r, e) -> null).get(60, TimeUnit.SECONDS);
    } catch (Exception e) {
      // The job may already have finished or failed; the broker is stopped regardless.
    } finally {
      kafka.close();
    }
  }
}
