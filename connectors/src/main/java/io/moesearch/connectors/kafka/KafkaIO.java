package io.moesearch.connectors.kafka;

import io.moesearch.connectors.message.CacheFill;
import io.moesearch.connectors.message.DeadLetter;
import io.moesearch.connectors.message.ExpertStats;
import io.moesearch.connectors.message.FillSigner;
import io.moesearch.connectors.message.MessageJson;
import io.moesearch.connectors.message.RawMessage;
import io.moesearch.connectors.message.SearchResult;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.flink.connector.base.DeliveryGuarantee;
import org.apache.flink.connector.kafka.sink.KafkaRecordSerializationSchema;
import org.apache.flink.connector.kafka.sink.KafkaSink;
import org.apache.flink.connector.kafka.sink.KafkaSinkBuilder;
import org.apache.flink.connector.kafka.source.KafkaSource;
import org.apache.flink.connector.kafka.source.KafkaSourceBuilder;
import org.apache.flink.connector.kafka.source.KafkaSourceOptions;
import org.apache.flink.connector.kafka.source.enumerator.initializer.OffsetsInitializer;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.clients.admin.ListOffsetsOptions;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.clients.consumer.OffsetResetStrategy;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.IsolationLevel;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.config.ConfigResource;

/**
 * Builds the Flink Kafka source and sinks of the search pipeline from {@link KafkaSettings}.
 *
 * <p>With {@link DeliveryGuarantee#EXACTLY_ONCE} the sinks write in Kafka transactions committed on
 * Flink checkpoints (so checkpointing must be enabled and downstream consumers must use {@code
 * isolation.level=read_committed}). Each sink gets its own transactional id prefix, {@code
 * <prefix>-results} and {@code <prefix>-dead-letters}, because two sinks sharing a prefix would
 * fence each other.
 */
public final class KafkaIO {
  /** Producer {@code transaction.timeout.ms} used unless overridden; below the broker's 15 min. */
  public static final String DEFAULT_TRANSACTION_TIMEOUT_MS = "600000";

  static final String RESULTS_TRANSACTION_SUFFIX = "-results";
  static final String DEAD_LETTERS_TRANSACTION_SUFFIX = "-dead-letters";
  static final String CACHE_FILL_TRANSACTION_SUFFIX = "-cache-fill";

  private KafkaIO() {}

  /**
   * Source of raw query-topic records. Deserialization never fails; parsing and validation happen
   * downstream (see {@code QueryCodec}). Reads with {@code isolation.level=read_committed} unless
   * overridden, and commits offsets to the consumer group on checkpoints; without checkpointed
   * offsets it starts from the group's committed ones by default ({@link StartingOffsets}), so a
   * resubmitted job does not answer the whole topic again.
   */
  public static KafkaSource<RawMessage> querySource(KafkaSettings settings) {
    requireSettings(settings);
    return rawSource(settings, settings.queryTopic(), settings.startingOffsets());
  }

  /**
   * Source of raw catalogue-update records (parsed downstream by {@code CatalogUpdateCodec}).
   * Without checkpointed offsets it reads the topic from the beginning unless {@code latest} is
   * configured: the live catalogue delta is rebuilt from the topic's history, and applying an
   * update again is harmless (updates older than the applied one are ignored).
   */
  public static KafkaSource<RawMessage> catalogSource(KafkaSettings settings) {
    requireSettings(settings);
    return rawSource(
        settings,
        settings.catalogTopic(),
        settings.startingOffsets() == StartingOffsets.LATEST
            ? StartingOffsets.LATEST
            : StartingOffsets.EARLIEST);
  }

  /**
   * Fails within about {@code timeout}, naming {@code kafka.bootstrap-servers}, when no broker of
   * {@code settings} answers (unreachable, unresolvable, or not a Kafka broker): what a command
   * that needs the broker checks before its work, instead of a client's minute-long retries and a
   * stack trace at the end.
   *
   * @throws IllegalArgumentException when no broker answered
   */
  public static void requireBroker(KafkaSettings settings, Duration timeout) {
    requireSettings(settings);
    int ms = timeoutMs(timeout);
    Properties props = adminProperties(settings, ms);
    String where = "kafka.bootstrap-servers " + settings.bootstrapServers();
    Admin admin;
    try {
      admin = Admin.create(props);
    } catch (org.apache.kafka.common.KafkaException e) {
      // The client names only its own step ("Failed to create new NetworkClient"); the cause
      // below it says what is wrong (an unresolvable host, a missing SSL store, a JAAS line).
      List<String> causes = new ArrayList<>();
      Set<Throwable> seen = Collections.newSetFromMap(new IdentityHashMap<>());
      for (Throwable c = e; c != null && causes.size() < 4 && seen.add(c); c = c.getCause()) {
        String m = c.getMessage() == null ? c.getClass().getSimpleName() : c.getMessage();
        if (causes.isEmpty() || !causes.get(causes.size() - 1).contains(m)) {
          causes.add(m);
        }
      }
      String chain = String.join(": ", causes);
      throw new IllegalArgumentException(
          where
              + (chain.contains("bootstrap") ? "" : " (with its kafka.properties)")
              + ": "
              + chain);
    }
    try {
      admin.describeCluster().nodes().get(ms, TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted waiting for " + where, e);
    } catch (ExecutionException | TimeoutException e) {
      throw new IllegalArgumentException(
          where + ": no broker answered within " + Math.round(ms / 1000.0) + " s");
    } finally {
      admin.close(Duration.ofSeconds(1));
    }
  }

  /** {@code timeout} in whole milliseconds, 1 .. {@link Integer#MAX_VALUE}. */
  private static int timeoutMs(Duration timeout) {
    return (int) Math.max(1, Math.min(Integer.MAX_VALUE, timeout.toMillis()));
  }

  /** An admin client's properties for {@code settings}, each request bounded by {@code ms}. */
  private static Properties adminProperties(KafkaSettings settings, int ms) {
    Properties props = new Properties();
    props.putAll(settings.clientProperties());
    props.setProperty(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, settings.bootstrapServers());
    props.setProperty(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, Integer.toString(ms));
    props.setProperty(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, Integer.toString(ms));
    return props;
  }

  /** The broker setting that bounds a producer's {@code transaction.timeout.ms}. */
  static final String TRANSACTION_MAX_TIMEOUT = "transaction.max.timeout.ms";

  /**
   * With exactly-once delivery, fails naming {@code kafka.properties.transaction.timeout.ms} when a
   * broker of {@code settings} answers within {@code timeout} that its {@value
   * #TRANSACTION_MAX_TIMEOUT} is below the sinks' transaction timeout ({@link
   * #transactionTimeoutMs}): every sink's producer would be refused when the job starts it, and the
   * job restart for ever. Best effort: a broker that does not answer in time, or does not tell, is
   * not checked (the job needs it later anyway); other delivery guarantees are not checked.
   *
   * @return the broker's {@value #TRANSACTION_MAX_TIMEOUT}, or -1 when not checked
   * @throws IllegalArgumentException when the broker refuses the timeout
   */
  public static long requireTransactionTimeoutAccepted(KafkaSettings settings, Duration timeout) {
    requireSettings(settings);
    if (settings.deliveryGuarantee() != DeliveryGuarantee.EXACTLY_ONCE) {
      return -1;
    }
    long wanted = transactionTimeoutMs(settings);
    int ms = timeoutMs(timeout);
    Properties props = adminProperties(settings, ms);
    long max;
    Admin admin = null;
    try {
      admin = Admin.create(props);
      var node = admin.describeCluster().nodes().get(ms, TimeUnit.MILLISECONDS).iterator().next();
      ConfigResource broker = new ConfigResource(ConfigResource.Type.BROKER, node.idString());
      ConfigEntry entry =
          admin
              .describeConfigs(List.of(broker))
              .all()
              .get(ms, TimeUnit.MILLISECONDS)
              .get(broker)
              .get(TRANSACTION_MAX_TIMEOUT);
      if (entry == null || entry.value() == null) {
        return -1;
      }
      max = Long.parseLong(entry.value().strip());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return -1;
    } catch (ExecutionException
        | TimeoutException
        | RuntimeException e) { // KafkaException, NumberFormatException, NoSuchElementException
      return -1;
    } finally {
      if (admin != null) {
        admin.close(Duration.ofSeconds(1));
      }
    }
    if (wanted > max) {
      throw new IllegalArgumentException(
          "kafka.properties.transaction.timeout.ms ("
              + wanted
              + ") is above the broker's "
              + TRANSACTION_MAX_TIMEOUT
              + " ("
              + max
              + ") at "
              + settings.bootstrapServers()
              + ": the broker would refuse every exactly-once sink; lower it (and"
              + " job.checkpoint-interval-ms below it) or raise the broker's bound");
    }
    return max;
  }

  /**
   * The catalogue topic's end offsets as a {@code read_committed} consumer sees them now: partition
   * → the offset after its last committed record (what {@code index compact} folds up to).
   *
   * @throws IllegalStateException if the broker does not answer within {@code timeout} or the topic
   *     does not exist
   */
  public static Map<Integer, Long> catalogEndOffsets(KafkaSettings settings, Duration timeout) {
    requireSettings(settings);
    Properties props = new Properties();
    props.putAll(settings.clientProperties());
    props.setProperty(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, settings.bootstrapServers());
    String topic = settings.catalogTopic();
    try (Admin admin = Admin.create(props)) {
      TopicDescription d =
          admin
              .describeTopics(List.of(topic))
              .allTopicNames()
              .get(timeout.toMillis(), TimeUnit.MILLISECONDS)
              .get(topic);
      Map<TopicPartition, OffsetSpec> specs = new HashMap<>();
      d.partitions()
          .forEach(p -> specs.put(new TopicPartition(topic, p.partition()), OffsetSpec.latest()));
      Map<Integer, Long> out = new TreeMap<>();
      admin
          .listOffsets(specs, new ListOffsetsOptions(IsolationLevel.READ_COMMITTED))
          .all()
          .get(timeout.toMillis(), TimeUnit.MILLISECONDS)
          .forEach((tp, info) -> out.put(tp.partition(), info.offset()));
      return out;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted reading the end offsets of " + topic, e);
    } catch (ExecutionException | TimeoutException e) {
      throw new IllegalStateException(
          "cannot read the end offsets of topic "
              + topic
              + " ("
              + KafkaOptions.CATALOG_TOPIC.key()
              + ") at "
              + settings.bootstrapServers()
              + ": "
              + e.getMessage(),
          e);
    }
  }

  /**
   * A bounded source of the catalogue topic's raw records, per partition from {@code from}
   * (inclusive; a partition not in it from the earliest offset) to {@code to} (exclusive): a
   * snapshot that {@code index compact} folds. Commits no offsets.
   */
  public static KafkaSource<RawMessage> catalogSnapshotSource(
      KafkaSettings settings, Map<Integer, Long> from, Map<Integer, Long> to) {
    requireSettings(settings);
    if (from == null || to == null) {
      throw new IllegalArgumentException("from and to offsets are required");
    }
    String topic = settings.catalogTopic();
    Map<TopicPartition, Long> start = new HashMap<>();
    Map<TopicPartition, Long> stop = new HashMap<>();
    to.forEach(
        (p, end) -> {
          long begin = from.getOrDefault(p, 0L);
          stop.put(new TopicPartition(topic, p), end);
          start.put(new TopicPartition(topic, p), Math.min(begin, end));
        });
    return rawSource(
        settings,
        topic,
        settings.groupId() + "-compact",
        OffsetsInitializer.offsets(start, OffsetResetStrategy.EARLIEST),
        OffsetsInitializer.offsets(stop),
        false);
  }

  /**
   * Source of raw cache-fill records (parsed downstream, like queries). Without checkpointed
   * offsets it reads the topic from the beginning unless {@code latest} is configured, so a new job
   * warms its empty caches from the topic's history (a compacted topic keeps the newest fill per
   * key): a fill answers no query, so reading one again is harmless, unlike a query.
   */
  public static KafkaSource<RawMessage> cacheFillSource(KafkaSettings settings) {
    requireSettings(settings);
    return rawSource(
        settings,
        settings.cacheFillTopic(),
        settings.startingOffsets() == StartingOffsets.LATEST
            ? StartingOffsets.LATEST
            : StartingOffsets.EARLIEST);
  }

  /**
   * Sink writing cache fills: key = normalised text, value = fill JSON, signed by {@code signer}
   * (header {@value FillSigner#HEADER}). Always at-least-once, even when results are exactly-once:
   * a fill must be visible at once for waiting duplicates, and writing one twice is harmless (the
   * newer overwrites the older).
   */
  public static KafkaSink<CacheFill> cacheFillSink(KafkaSettings settings, FillSigner signer) {
    requireSettings(settings);
    return sink(
        atLeastOnce(settings),
        new CacheFillSerializer(settings.cacheFillTopic(), signer),
        CACHE_FILL_TRANSACTION_SUFFIX);
  }

  /**
   * Sink writing expert load statistics: key = expert id, value = stats JSON. At-least-once: the
   * statistics are a monitoring feed, and a repeated snapshot is harmless.
   */
  public static KafkaSink<ExpertStats> expertStatsSink(KafkaSettings settings) {
    requireSettings(settings);
    MessageJson json = new MessageJson();
    String topic = settings.expertStatsTopic();
    return sink(
        atLeastOnce(settings),
        (KafkaRecordSerializationSchema<ExpertStats>)
            (stats, context, timestamp) ->
                new ProducerRecord<>(
                    topic,
                    null,
                    stats.ts(),
                    Integer.toString(stats.expert()).getBytes(StandardCharsets.UTF_8),
                    json.encodeExpertStats(stats)),
        "-expert-stats");
  }

  /** The same settings, delivering at least once whatever the results' guarantee is. */
  private static KafkaSettings atLeastOnce(KafkaSettings settings) {
    return settings.toBuilder().deliveryGuarantee(DeliveryGuarantee.AT_LEAST_ONCE).build();
  }

  private static KafkaSource<RawMessage> rawSource(
      KafkaSettings settings, String topic, StartingOffsets start) {
    // The committed offsets are where a resubmitted job starts (StartingOffsets.COMMITTED).
    return rawSource(settings, topic, settings.groupId(), offsets(start), null, true);
  }

  /**
   * A {@code read_committed} (unless overridden) source of raw records of {@code topic}, from
   * {@code start}, bounded at {@code stop} ({@code null}: unbounded), committing offsets to the
   * group on checkpoints when {@code commitOffsets}.
   */
  private static KafkaSource<RawMessage> rawSource(
      KafkaSettings settings,
      String topic,
      String groupId,
      OffsetsInitializer start,
      OffsetsInitializer stop,
      boolean commitOffsets) {
    Properties props = new Properties();
    props.putAll(settings.clientProperties());
    props.putIfAbsent("isolation.level", "read_committed");
    props.setProperty(
        KafkaSourceOptions.COMMIT_OFFSETS_ON_CHECKPOINT.key(), Boolean.toString(commitOffsets));
    KafkaSourceBuilder<RawMessage> builder =
        KafkaSource.<RawMessage>builder()
            .setProperties(props)
            .setBootstrapServers(settings.bootstrapServers())
            .setTopics(topic)
            .setGroupId(groupId)
            .setStartingOffsets(start)
            .setDeserializer(new RawMessageDeserializer());
    if (stop != null) {
      builder.setBounded(stop);
    }
    return builder.build();
  }

  /** Flink's initializer of {@code start}; committed offsets fall back to the earliest. */
  static OffsetsInitializer offsets(StartingOffsets start) {
    return switch (start) {
      case COMMITTED -> OffsetsInitializer.committedOffsets(OffsetResetStrategy.EARLIEST);
      case EARLIEST -> OffsetsInitializer.earliest();
      case LATEST -> OffsetsInitializer.latest();
    };
  }

  /** Sink writing results to the result topic: key = query id, value = result JSON. */
  public static KafkaSink<SearchResult> resultSink(KafkaSettings settings) {
    requireSettings(settings);
    return sink(
        settings, new SearchResultSerializer(settings.resultTopic()), RESULTS_TRANSACTION_SUFFIX);
  }

  /** Sink writing dead letters to the dead-letter topic: no key, value = dead-letter JSON. */
  public static KafkaSink<DeadLetter> deadLetterSink(KafkaSettings settings) {
    requireSettings(settings);
    return sink(
        settings,
        new DeadLetterSerializer(settings.deadLetterTopic()),
        DEAD_LETTERS_TRANSACTION_SUFFIX);
  }

  /**
   * The producer {@code transaction.timeout.ms} of the exactly-once sinks: {@code
   * kafka.properties.transaction.timeout.ms}, else {@link #DEFAULT_TRANSACTION_TIMEOUT_MS}. A
   * transaction stays open from one checkpoint until the next one completes and commits it.
   */
  public static long transactionTimeoutMs(KafkaSettings settings) {
    requireSettings(settings);
    return Long.parseLong(
        producerProperties(settings.clientProperties(), DeliveryGuarantee.EXACTLY_ONCE)
            .getProperty("transaction.timeout.ms")
            .strip());
  }

  /** Producer properties used by the sinks (exposed for inspection and tests). */
  static Properties producerProperties(KafkaSettings settings) {
    return producerProperties(settings.clientProperties(), settings.deliveryGuarantee());
  }

  /** {@link #producerProperties(KafkaSettings)} of these client properties and guarantee. */
  static Properties producerProperties(
      Map<String, String> clientProperties, DeliveryGuarantee guarantee) {
    Properties props = new Properties();
    props.putAll(clientProperties);
    // A result feed is latency-bound: batch for at most 1 ms (Kafka 4's default is 5 ms).
    props.putIfAbsent("linger.ms", "1");
    if (guarantee == DeliveryGuarantee.EXACTLY_ONCE) {
      props.putIfAbsent("transaction.timeout.ms", DEFAULT_TRANSACTION_TIMEOUT_MS);
    }
    return props;
  }

  private static <T> KafkaSink<T> sink(
      KafkaSettings settings, KafkaRecordSerializationSchema<T> serializer, String suffix) {
    KafkaSinkBuilder<T> builder =
        KafkaSink.<T>builder()
            .setKafkaProducerConfig(producerProperties(settings))
            .setBootstrapServers(settings.bootstrapServers())
            .setRecordSerializer(serializer)
            .setDeliveryGuarantee(settings.deliveryGuarantee());
    if (settings.transactionalIdPrefix() != null) {
      builder.setTransactionalIdPrefix(settings.transactionalIdPrefix() + suffix);
    }
    return builder.build();
  }

  private static void requireSettings(KafkaSettings settings) {
    if (settings == null) {
      throw new IllegalArgumentException("settings must not be null");
    }
  }
}
