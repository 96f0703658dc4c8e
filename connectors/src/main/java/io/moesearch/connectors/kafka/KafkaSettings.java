package io.moesearch.connectors.kafka;

import java.io.Serial;
import java.io.Serializable;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.Consumer;
import java.util.regex.Pattern;
import org.apache.flink.configuration.ConfigOption;
import org.apache.flink.configuration.ConfigOptions;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.connector.base.DeliveryGuarantee;
import org.apache.flink.connector.kafka.source.KafkaSourceOptions;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.config.AbstractConfig;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigException;
import org.apache.kafka.common.internals.Topic;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.utils.Utils;

/**
 * Immutable, validated Kafka settings shared by the query source and the result and dead-letter
 * sinks. Build with {@link #builder()} or {@link #fromMap(Map)}; invalid settings throw {@link
 * IllegalArgumentException} naming the setting (e.g. {@code kafka.bootstrap-servers}). The keys and
 * defaults are the {@link KafkaOptions}.
 *
 * <p>{@link #toString()} prints the names of extra client properties but never their values, which
 * may hold credentials.
 *
 * @param transactionalIdPrefix the transactional id prefix, or {@code null} when not set
 * @param clientProperties extra client properties (unmodifiable), passed to every Kafka client
 */
public record KafkaSettings(
    String bootstrapServers,
    String queryTopic,
    String resultTopic,
    String deadLetterTopic,
    String cacheFillTopic,
    String expertStatsTopic,
    String catalogTopic,
    String groupId,
    DeliveryGuarantee deliveryGuarantee,
    String transactionalIdPrefix,
    StartingOffsets startingOffsets,
    Map<String, String> clientProperties)
    implements Serializable {
  @Serial private static final long serialVersionUID = 3L;

  public static final String BOOTSTRAP_SERVERS = KafkaOptions.BOOTSTRAP_SERVERS.key();
  public static final String QUERY_TOPIC = KafkaOptions.QUERY_TOPIC.key();
  public static final String RESULT_TOPIC = KafkaOptions.RESULT_TOPIC.key();
  public static final String DEAD_LETTER_TOPIC = KafkaOptions.DEAD_LETTER_TOPIC.key();
  public static final String GROUP_ID = KafkaOptions.GROUP_ID.key();
  public static final String DELIVERY_GUARANTEE = KafkaOptions.DELIVERY_GUARANTEE.key();
  public static final String TRANSACTIONAL_ID_PREFIX = KafkaOptions.TRANSACTIONAL_ID_PREFIX.key();
  public static final String STARTING_OFFSETS = KafkaOptions.STARTING_OFFSETS.key();
  public static final String CACHE_FILL_TOPIC = KafkaOptions.CACHE_FILL_TOPIC.key();
  public static final String EXPERT_STATS_TOPIC = KafkaOptions.EXPERT_STATS_TOPIC.key();
  public static final String CATALOG_TOPIC = KafkaOptions.CATALOG_TOPIC.key();

  /**
   * Prefix of extra client properties in {@link #fromMap}, e.g. {@code
   * kafka.properties.sasl.mechanism}.
   */
  public static final String PROPERTIES_PREFIX = "kafka.properties.";

  public static final String DEFAULT_QUERY_TOPIC = KafkaOptions.QUERY_TOPIC.defaultValue();
  public static final String DEFAULT_RESULT_TOPIC = KafkaOptions.RESULT_TOPIC.defaultValue();
  public static final String DEFAULT_DEAD_LETTER_TOPIC =
      KafkaOptions.DEAD_LETTER_TOPIC.defaultValue();
  public static final String DEFAULT_GROUP_ID = KafkaOptions.GROUP_ID.defaultValue();
  public static final String DEFAULT_CACHE_FILL_TOPIC =
      KafkaOptions.CACHE_FILL_TOPIC.defaultValue();
  public static final String DEFAULT_EXPERT_STATS_TOPIC =
      KafkaOptions.EXPERT_STATS_TOPIC.defaultValue();
  public static final String DEFAULT_CATALOG_TOPIC = KafkaOptions.CATALOG_TOPIC.defaultValue();

  /** Client properties that are managed by dedicated settings or by Flink itself. */
  private static final Map<String, String> RESERVED_PROPERTIES =
      Map.of(
          "bootstrap.servers", "use " + BOOTSTRAP_SERVERS,
          "group.id", "use " + GROUP_ID,
          "transactional.id", "use " + TRANSACTIONAL_ID_PREFIX,
          "key.serializer", "it is managed by the connector",
          "value.serializer", "it is managed by the connector",
          "key.deserializer", "it is managed by the connector",
          "value.deserializer", "it is managed by the connector");

  private static final Pattern TOPIC_NAME = Pattern.compile("[a-zA-Z0-9._-]{1,249}");

  public KafkaSettings {
    bootstrapServers = validateBootstrapServers(bootstrapServers);
    Map<String, String> topics = new LinkedHashMap<>();
    topics.put(QUERY_TOPIC, queryTopic);
    topics.put(RESULT_TOPIC, resultTopic);
    topics.put(DEAD_LETTER_TOPIC, deadLetterTopic);
    topics.put(CACHE_FILL_TOPIC, cacheFillTopic);
    topics.put(EXPERT_STATS_TOPIC, expertStatsTopic);
    topics.put(CATALOG_TOPIC, catalogTopic);
    requireDistinctTopics(topics);
    if (groupId == null || groupId.isBlank()) {
      throw new IllegalArgumentException(GROUP_ID + " must be set");
    }
    groupId = groupId.strip();
    if (deliveryGuarantee == null) {
      throw new IllegalArgumentException(DELIVERY_GUARANTEE + " must be set");
    }
    if (transactionalIdPrefix != null && transactionalIdPrefix.isBlank()) {
      throw new IllegalArgumentException(TRANSACTIONAL_ID_PREFIX + " must not be blank");
    }
    if (deliveryGuarantee == DeliveryGuarantee.EXACTLY_ONCE && transactionalIdPrefix == null) {
      throw new IllegalArgumentException(
          TRANSACTIONAL_ID_PREFIX + " must be set when " + DELIVERY_GUARANTEE + " is EXACTLY_ONCE");
    }
    transactionalIdPrefix = transactionalIdPrefix == null ? null : transactionalIdPrefix.strip();
    if (startingOffsets == null) {
      throw new IllegalArgumentException(STARTING_OFFSETS + " must be set");
    }
    if (clientProperties == null) {
      throw new IllegalArgumentException(PROPERTIES_PREFIX + "* must not be null");
    }
    TreeMap<String, String> props = new TreeMap<>();
    for (Map.Entry<String, String> e : clientProperties.entrySet()) {
      String key = e.getKey();
      if (key == null || key.isBlank()) {
        throw new IllegalArgumentException(PROPERTIES_PREFIX + "* keys must not be blank");
      }
      String reserved = RESERVED_PROPERTIES.get(key);
      if (reserved != null) {
        throw new IllegalArgumentException(
            PROPERTIES_PREFIX + key + " is not allowed; " + reserved);
      }
      if (e.getValue() == null) {
        throw new IllegalArgumentException(PROPERTIES_PREFIX + key + " must have a value");
      }
      props.put(key, e.getValue());
    }
    validateClientProperties(props);
    validateProducer(props, deliveryGuarantee, transactionalIdPrefix, bootstrapServers);
    validateConsumer(props, bootstrapServers);
    clientProperties = Collections.unmodifiableMap(props);
  }

  /**
   * Every topic setting names a valid topic of its own: the job reads and writes each with one
   * meaning (its stats in its query topic would be dead letters, its results in the dead-letter
   * topic unreadable). Two names Kafka holds to collide ({@link Topic#hasCollision}: {@code .} and
   * {@code _} are one character in its metric names, so a broker refuses to create the second) are
   * one topic too.
   *
   * @param topics setting key to topic, in the order the errors name them
   * @throws IllegalArgumentException naming the setting, or both settings of a shared topic
   */
  private static void requireDistinctTopics(Map<String, String> topics) {
    Map<String, String> settingOf = new LinkedHashMap<>();
    for (Map.Entry<String, String> t : topics.entrySet()) {
      validateTopic(t.getValue(), t.getKey());
      for (Map.Entry<String, String> seen : settingOf.entrySet()) {
        if (seen.getKey().equals(t.getValue())) {
          throw new IllegalArgumentException(
              t.getKey()
                  + " must differ from "
                  + seen.getValue()
                  + " (both are '"
                  + t.getValue()
                  + "')");
        }
        if (Topic.hasCollision(seen.getKey(), t.getValue())) {
          throw new IllegalArgumentException(
              t.getKey()
                  + " '"
                  + t.getValue()
                  + "' collides with "
                  + seen.getValue()
                  + " '"
                  + seen.getKey()
                  + "' in Kafka ('.' and '_' are the same in its metric names): name topics"
                  + " that differ otherwise");
        }
      }
      settingOf.put(t.getValue(), t.getKey());
    }
  }

  /**
   * The Flink Kafka connector's own keys among the client properties, with their types: the
   * source's {@link KafkaSourceOptions} (read by its split enumerator on the JobManager) and the
   * sink's two metric switches (plain strings in its {@code KafkaWriter}).
   */
  static final Map<String, ConfigOption<?>> FLINK_OPTIONS = flinkOptions();

  private static Map<String, ConfigOption<?>> flinkOptions() {
    Map<String, ConfigOption<?>> out = new TreeMap<>();
    for (Field f : KafkaSourceOptions.class.getFields()) {
      if (Modifier.isStatic(f.getModifiers()) && f.getType() == ConfigOption.class) {
        try {
          ConfigOption<?> o = (ConfigOption<?>) f.get(null);
          out.put(o.key(), o);
        } catch (IllegalAccessException e) {
          throw new IllegalStateException(e);
        }
      }
    }
    for (String sinkKey : new String[] {"flink.disable-metrics", "register.producer.metrics"}) {
      out.put(sinkKey, ConfigOptions.key(sinkKey).booleanType().noDefaultValue());
    }
    return Collections.unmodifiableMap(out);
  }

  /** The keys the Kafka clients define. */
  private static final Set<String> CLIENT_KEYS = clientKeys();

  private static Set<String> clientKeys() {
    Set<String> keys = new TreeSet<>(ConsumerConfig.configNames());
    keys.addAll(ProducerConfig.configNames());
    keys.addAll(AdminClientConfig.configNames());
    return Collections.unmodifiableSet(keys);
  }

  /**
   * The keys and values of {@code kafka.properties.*} as their readers will take them, so a bad one
   * fails at start-up naming the setting instead of in the job's sources and sinks: each key must
   * be a setting of a Kafka client (consumer, producer or admin: their {@code configNames()}) or of
   * the Flink Kafka connector ({@link #FLINK_OPTIONS}), so a misspelt key is not silently ignored;
   * a client's value is parsed by the client's own config definitions (types, ranges,
   * enumerations), class names excepted (they may be on the cluster's class path only); a connector
   * option's is parsed as a Flink {@link Configuration} parses its type.
   *
   * @throws IllegalArgumentException naming {@code kafka.properties.<key>}
   */
  private static void validateClientProperties(Map<String, String> props) {
    for (String key : props.keySet()) {
      if (!CLIENT_KEYS.contains(key)
          && !FLINK_OPTIONS.containsKey(key)
          // A config provider's own keys: config.providers.<name>.class, .param.<param>.
          && !key.startsWith(AbstractConfig.CONFIG_PROVIDERS_CONFIG + ".")) {
        throw new IllegalArgumentException(
            PROPERTIES_PREFIX
                + key
                + " is unknown: not a setting of the Kafka consumer, producer or admin client nor"
                + " of the Flink Kafka connector");
      }
    }
    for (ConfigDef def :
        new ConfigDef[] {
          ConsumerConfig.configDef(), ProducerConfig.configDef(), AdminClientConfig.configDef()
        }) {
      for (Map.Entry<String, String> e : props.entrySet()) {
        ConfigDef.ConfigKey key = def.configKeys().get(e.getKey());
        if (key == null || key.type == ConfigDef.Type.CLASS) {
          continue; // a class may be on the cluster's class path only
        }
        try {
          Object value = ConfigDef.parseType(key.name, e.getValue(), key.type);
          if (key.validator != null) {
            key.validator.ensureValid(key.name, value);
          }
        } catch (ConfigException | IllegalArgumentException ex) {
          throw new IllegalArgumentException(
              PROPERTIES_PREFIX + e.getKey() + ": " + ex.getMessage(), ex);
        }
      }
    }
    Configuration flink = Configuration.fromMap(props);
    for (ConfigOption<?> option : FLINK_OPTIONS.values()) {
      try {
        flink.get(option);
      } catch (IllegalArgumentException ex) {
        throw new IllegalArgumentException(
            PROPERTIES_PREFIX + option.key() + ": " + ex.getMessage(), ex);
      }
    }
  }

  /** The producer settings whose combination the producer checks (with a transactional id). */
  private static final List<String> PRODUCER_COMBINATION =
      List.of(
          ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG,
          ProducerConfig.ACKS_CONFIG,
          ProducerConfig.RETRIES_CONFIG,
          ProducerConfig.MAX_IN_FLIGHT_REQUESTS_PER_CONNECTION);

  /**
   * The Kafka producer's own combined checks (idempotence against acks, retries and requests in
   * flight, and with exactly-once a transactional id, which needs idempotence), run by its {@link
   * ProducerConfig} on the properties the sinks' producers get ({@link KafkaIO}), so a combination
   * it refuses fails at start-up naming the settings instead of in the running sink.
   *
   * @throws IllegalArgumentException naming {@code kafka.delivery-guarantee} and the {@code
   *     kafka.properties.*} the producer combines
   */
  private static void validateProducer(
      Map<String, String> props,
      DeliveryGuarantee guarantee,
      String transactionalIdPrefix,
      String bootstrapServers) {
    Properties p = KafkaIO.producerProperties(props, guarantee);
    // Classes may be on the cluster's class path only; config providers would be instantiated.
    ProducerConfig.configDef()
        .configKeys()
        .forEach(
            (k, key) -> {
              if (key.type == ConfigDef.Type.CLASS) {
                p.remove(k);
              }
            });
    p.keySet().removeIf(k -> k.toString().startsWith(AbstractConfig.CONFIG_PROVIDERS_CONFIG));
    p.setProperty(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
    p.setProperty(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
    p.setProperty(
        ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
    if (guarantee == DeliveryGuarantee.EXACTLY_ONCE) {
      // As the sink names its producers: <prefix>-results-<subtask>-<checkpoint>.
      p.setProperty(
          ProducerConfig.TRANSACTIONAL_ID_CONFIG,
          transactionalIdPrefix + KafkaIO.RESULTS_TRANSACTION_SUFFIX + "-0-1");
    }
    ProducerConfig config;
    try {
      config = new ProducerConfig(p);
    } catch (ConfigException e) {
      StringBuilder set = new StringBuilder();
      for (String key : PRODUCER_COMBINATION) {
        if (props.containsKey(key)) {
          set.append(set.isEmpty() ? " with " : ", ")
              .append(PROPERTIES_PREFIX)
              .append(key)
              .append('=')
              .append(props.get(key));
        }
      }
      throw new IllegalArgumentException(
          DELIVERY_GUARANTEE
              + " "
              + guarantee.name().toLowerCase(Locale.ROOT).replace('_', '-')
              + set
              + ": the Kafka producer refuses this combination: "
              + e.getMessage(),
          e);
    }
    if (guarantee != DeliveryGuarantee.NONE && "0".equals(props.get(ProducerConfig.ACKS_CONFIG))) {
      // The producer would not wait for the broker: a checkpoint's flush would not make the answers
      // durable, and records lost in a broker failure would be counted as delivered.
      throw new IllegalArgumentException(
          DELIVERY_GUARANTEE
              + " "
              + guarantee.name().toLowerCase(Locale.ROOT).replace('_', '-')
              + " with "
              + PROPERTIES_PREFIX
              + "acks=0: the broker's acknowledgement is what the guarantee rests on; use acks=1 or"
              + " all, or "
              + DELIVERY_GUARANTEE
              + " none");
    }
    // KafkaProducer's own check when it is constructed (in the running sink): an explicit delivery
    // timeout must cover a batch's linger and one request.
    if (props.containsKey(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG)) {
      long delivery = config.getInt(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG);
      long needed =
          config.getLong(ProducerConfig.LINGER_MS_CONFIG)
              + config.getInt(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG);
      requireAtLeast(
          ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG,
          delivery,
          needed,
          "linger.ms + request.timeout.ms (" + needed + ")");
    }
    // Every record the job writes must fit in a request and in the producer's buffer; a record
    // that does not fails the sink, and its replay fails it again.
    requireAtLeast(
        ProducerConfig.MAX_REQUEST_SIZE_CONFIG,
        config.getInt(ProducerConfig.MAX_REQUEST_SIZE_CONFIG),
        MIN_MAX_REQUEST_SIZE,
        MIN_MAX_REQUEST_SIZE
            + " (the largest result or cache fill the job writes is under 960 KiB, with its key"
            + " and headers)");
    requireAtLeast(
        ProducerConfig.BUFFER_MEMORY_CONFIG,
        config.getLong(ProducerConfig.BUFFER_MEMORY_CONFIG),
        MIN_MAX_REQUEST_SIZE,
        MIN_MAX_REQUEST_SIZE + " (a record the job writes must fit in it)");
  }

  /**
   * @throws IllegalArgumentException "kafka.properties.{@code key} must be at least {@code least},
   *     got {@code value}" when {@code value < min}
   */
  private static void requireAtLeast(String key, long value, long min, String least) {
    if (value < min) {
      throw new IllegalArgumentException(
          PROPERTIES_PREFIX + key + " must be at least " + least + ", got " + value);
    }
  }

  /**
   * The least {@code max.request.size} and {@code buffer.memory}: the largest record the job writes
   * (a result or cache fill, under 1 MiB less 64 KiB whatever its inputs: {@code OutputBoundsTest})
   * with its key, headers and framing; 1,000,000 bytes, as services such as Azure Event Hubs ask.
   */
  static final int MIN_MAX_REQUEST_SIZE = 1_000_000;

  /**
   * The Kafka consumer's own combined checks (for example {@code group.protocol=consumer} refuses
   * {@code session.timeout.ms} and {@code partition.assignment.strategy}), run by its {@link
   * ConsumerConfig} on the properties the sources' consumers get, so a combination it refuses fails
   * at start-up instead of in the running source.
   *
   * @throws IllegalArgumentException naming {@code kafka.properties.*}
   */
  private static void validateConsumer(Map<String, String> props, String bootstrapServers) {
    Properties p = new Properties();
    ConsumerConfig.configDef()
        .configKeys()
        .forEach(
            (k, key) -> {
              // Only the consumer's own settings; classes may be on the cluster's class path only.
              if (props.containsKey(k) && key.type != ConfigDef.Type.CLASS) {
                p.setProperty(k, props.get(k));
              }
            });
    p.keySet().removeIf(k -> k.toString().startsWith(AbstractConfig.CONFIG_PROVIDERS_CONFIG));
    p.setProperty(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
    p.setProperty(
        ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
    p.setProperty(
        ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
    p.putIfAbsent(ConsumerConfig.GROUP_ID_CONFIG, "moe-search-validation");
    try {
      new ConsumerConfig(p);
    } catch (
        KafkaException e) { // ConfigException, InvalidConfigurationException (group.instance.id)
      throw new IllegalArgumentException(
          PROPERTIES_PREFIX + "*: the Kafka consumer refuses this combination: " + e.getMessage(),
          e);
    }
  }

  public static Builder builder() {
    return new Builder();
  }

  /**
   * Reads settings from flat configuration, using the keys of {@link KafkaOptions}; extra client
   * properties come from {@code kafka.properties.<client-property>}. Keys outside {@code kafka.}
   * are ignored; unknown {@code kafka.} keys are rejected to catch typos.
   */
  public static KafkaSettings fromMap(Map<String, String> config) {
    if (config == null) {
      throw new IllegalArgumentException("config must not be null");
    }
    Builder b = builder();
    for (Map.Entry<String, String> e : config.entrySet()) {
      String key = e.getKey();
      if (key == null || !key.startsWith("kafka.")) {
        continue;
      }
      if (key.startsWith(PROPERTIES_PREFIX)) {
        b.property(key.substring(PROPERTIES_PREFIX.length()), e.getValue());
      } else if (KafkaOptions.ALL.stream().noneMatch(o -> o.key().equals(key))) {
        throw new IllegalArgumentException(
            "unknown setting "
                + key
                + " (known: "
                + new TreeSet<>(KafkaOptions.ALL.stream().map(ConfigOption::key).toList())
                + ")");
      }
    }
    set(config, KafkaOptions.BOOTSTRAP_SERVERS, b::bootstrapServers);
    set(config, KafkaOptions.QUERY_TOPIC, b::queryTopic);
    set(config, KafkaOptions.RESULT_TOPIC, b::resultTopic);
    set(config, KafkaOptions.DEAD_LETTER_TOPIC, b::deadLetterTopic);
    set(config, KafkaOptions.CACHE_FILL_TOPIC, b::cacheFillTopic);
    set(config, KafkaOptions.EXPERT_STATS_TOPIC, b::expertStatsTopic);
    set(config, KafkaOptions.CATALOG_TOPIC, b::catalogTopic);
    set(config, KafkaOptions.GROUP_ID, b::groupId);
    set(config, KafkaOptions.DELIVERY_GUARANTEE, v -> b.deliveryGuarantee(parseGuarantee(v)));
    set(config, KafkaOptions.TRANSACTIONAL_ID_PREFIX, b::transactionalIdPrefix);
    set(config, KafkaOptions.STARTING_OFFSETS, v -> b.startingOffsets(StartingOffsets.parse(v)));
    return b.build();
  }

  private static void set(
      Map<String, String> config, ConfigOption<String> option, Consumer<String> setter) {
    String value = config.get(option.key());
    if (value != null) {
      setter.accept(value);
    }
  }

  public Builder toBuilder() {
    Builder b =
        builder()
            .bootstrapServers(bootstrapServers)
            .queryTopic(queryTopic)
            .resultTopic(resultTopic)
            .deadLetterTopic(deadLetterTopic)
            .cacheFillTopic(cacheFillTopic)
            .expertStatsTopic(expertStatsTopic)
            .catalogTopic(catalogTopic)
            .groupId(groupId)
            .deliveryGuarantee(deliveryGuarantee)
            .startingOffsets(startingOffsets)
            .properties(clientProperties);
    if (transactionalIdPrefix != null) {
      b.transactionalIdPrefix(transactionalIdPrefix);
    }
    return b;
  }

  /** A fresh {@link Properties} with {@code bootstrap.servers} and the extra client properties. */
  public Properties toClientProperties() {
    Properties props = new Properties();
    props.putAll(clientProperties);
    props.setProperty("bootstrap.servers", bootstrapServers);
    return props;
  }

  @Override
  public String toString() {
    return "KafkaSettings{bootstrapServers="
        + bootstrapServers
        + ", queryTopic="
        + queryTopic
        + ", resultTopic="
        + resultTopic
        + ", deadLetterTopic="
        + deadLetterTopic
        + ", cacheFillTopic="
        + cacheFillTopic
        + ", expertStatsTopic="
        + expertStatsTopic
        + ", catalogTopic="
        + catalogTopic
        + ", groupId="
        + groupId
        + ", deliveryGuarantee="
        + deliveryGuarantee
        + ", transactionalIdPrefix="
        + transactionalIdPrefix
        + ", startingOffsets="
        + startingOffsets
        + ", clientPropertyNames="
        + clientProperties.keySet()
        + "}";
  }

  private static String validateBootstrapServers(String value) {
    if (value == null || value.isBlank()) {
      throw new IllegalArgumentException(BOOTSTRAP_SERVERS + " must be set");
    }
    String[] servers = value.split(",", -1);
    StringBuilder normalised = new StringBuilder();
    for (String raw : servers) {
      String server = raw.strip();
      int colon = server.lastIndexOf(':');
      if (colon <= 0 || colon == server.length() - 1) {
        throw new IllegalArgumentException(
            BOOTSTRAP_SERVERS + " entries must look like host:port, got '" + server + "'");
      }
      // Parsed as the Kafka clients parse bootstrap.servers (ASCII digits only: Java's parseInt
      // would also take "+9092" or full-width digits, which the clients refuse).
      Integer port;
      try {
        port = Utils.getHost(server) == null ? null : Utils.getPort(server);
      } catch (NumberFormatException e) {
        port = null;
      }
      if (port == null || port < 1 || port > 65535) {
        throw new IllegalArgumentException(
            BOOTSTRAP_SERVERS + " has an invalid port in '" + server + "'");
      }
      if (!normalised.isEmpty()) {
        normalised.append(',');
      }
      normalised.append(server);
    }
    return normalised.toString();
  }

  private static String validateTopic(String topic, String setting) {
    if (topic == null || topic.isBlank()) {
      throw new IllegalArgumentException(setting + " must be set");
    }
    if (!TOPIC_NAME.matcher(topic).matches() || topic.equals(".") || topic.equals("..")) {
      throw new IllegalArgumentException(
          setting
              + " must be a legal Kafka topic name (1-249 of [a-zA-Z0-9._-]), got '"
              + topic
              + "'");
    }
    return topic;
  }

  private static DeliveryGuarantee parseGuarantee(String value) {
    String normalised = value.strip().toUpperCase(Locale.ROOT).replace('-', '_');
    for (DeliveryGuarantee g : DeliveryGuarantee.values()) {
      if (g.name().equals(normalised)) {
        return g;
      }
    }
    throw new IllegalArgumentException(
        DELIVERY_GUARANTEE + " must be one of exactly-once, at-least-once, none, got " + value);
  }

  /** Mutable builder; {@link #build()} validates. */
  public static final class Builder {
    private String bootstrapServers;
    private String queryTopic = DEFAULT_QUERY_TOPIC;
    private String resultTopic = DEFAULT_RESULT_TOPIC;
    private String deadLetterTopic = DEFAULT_DEAD_LETTER_TOPIC;
    private String cacheFillTopic = DEFAULT_CACHE_FILL_TOPIC;
    private String expertStatsTopic = DEFAULT_EXPERT_STATS_TOPIC;
    private String catalogTopic = DEFAULT_CATALOG_TOPIC;
    private String groupId = DEFAULT_GROUP_ID;
    private DeliveryGuarantee deliveryGuarantee =
        parseGuarantee(KafkaOptions.DELIVERY_GUARANTEE.defaultValue());
    private String transactionalIdPrefix;
    private StartingOffsets startingOffsets =
        StartingOffsets.parse(KafkaOptions.STARTING_OFFSETS.defaultValue());
    private final Map<String, String> clientProperties = new LinkedHashMap<>();

    private Builder() {}

    /** Required: comma-separated {@code host:port} list. */
    public Builder bootstrapServers(String bootstrapServers) {
      this.bootstrapServers = bootstrapServers;
      return this;
    }

    /** Default {@link KafkaOptions#QUERY_TOPIC}. */
    public Builder queryTopic(String queryTopic) {
      this.queryTopic = queryTopic;
      return this;
    }

    /** Default {@link KafkaOptions#RESULT_TOPIC}. */
    public Builder resultTopic(String resultTopic) {
      this.resultTopic = resultTopic;
      return this;
    }

    /** Default {@link KafkaOptions#DEAD_LETTER_TOPIC}. */
    public Builder deadLetterTopic(String deadLetterTopic) {
      this.deadLetterTopic = deadLetterTopic;
      return this;
    }

    /** Default {@link KafkaOptions#CACHE_FILL_TOPIC}. */
    public Builder cacheFillTopic(String cacheFillTopic) {
      this.cacheFillTopic = cacheFillTopic;
      return this;
    }

    /** Default {@link KafkaOptions#EXPERT_STATS_TOPIC}. */
    public Builder expertStatsTopic(String expertStatsTopic) {
      this.expertStatsTopic = expertStatsTopic;
      return this;
    }

    public Builder catalogTopic(String catalogTopic) {
      this.catalogTopic = catalogTopic;
      return this;
    }

    /** Consumer group of the query source; default {@link KafkaOptions#GROUP_ID}. */
    public Builder groupId(String groupId) {
      this.groupId = groupId;
      return this;
    }

    /** Default {@link DeliveryGuarantee#AT_LEAST_ONCE}. */
    public Builder deliveryGuarantee(DeliveryGuarantee deliveryGuarantee) {
      this.deliveryGuarantee = deliveryGuarantee;
      return this;
    }

    /** Required with {@link DeliveryGuarantee#EXACTLY_ONCE}; must be unique per job. */
    public Builder transactionalIdPrefix(String transactionalIdPrefix) {
      this.transactionalIdPrefix = transactionalIdPrefix;
      return this;
    }

    /** Default {@link StartingOffsets#COMMITTED}. */
    public Builder startingOffsets(StartingOffsets startingOffsets) {
      this.startingOffsets = startingOffsets;
      return this;
    }

    /** Adds one client property (e.g. {@code security.protocol}) passed to every client. */
    public Builder property(String key, String value) {
      clientProperties.put(key, value);
      return this;
    }

    /** Adds all given client properties. */
    public Builder properties(Map<String, String> properties) {
      if (properties == null) {
        throw new IllegalArgumentException(PROPERTIES_PREFIX + "* must not be null");
      }
      clientProperties.putAll(properties);
      return this;
    }

    public KafkaSettings build() {
      return new KafkaSettings(
          bootstrapServers,
          queryTopic,
          resultTopic,
          deadLetterTopic,
          cacheFillTopic,
          expertStatsTopic,
          catalogTopic,
          groupId,
          deliveryGuarantee,
          transactionalIdPrefix,
          startingOffsets,
          clientProperties);
    }
  }
}
