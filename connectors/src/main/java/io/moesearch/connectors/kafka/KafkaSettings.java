package io.moesearch.connectors.kafka;

import java.io.Serial;
import java.io.Serializable;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Properties;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Pattern;
import org.apache.flink.connector.base.DeliveryGuarantee;

/**
 * Immutable, validated Kafka settings shared by the query source and the result and dead-letter
 * sinks. Build with {@link #builder()} or {@link #fromMap(Map)}; invalid settings throw {@link
 * IllegalArgumentException} naming the setting (e.g. {@code kafka.bootstrap-servers}).
 *
 * <p>{@link #toString()} prints the names of extra client properties but never their values, which
 * may hold credentials.
 */
public final class KafkaSettings implements Serializable {
  @Serial private static final long serialVersionUID = 1L;

  public static final String BOOTSTRAP_SERVERS = "kafka.bootstrap-servers";
  public static final String QUERY_TOPIC = "kafka.query-topic";
  public static final String RESULT_TOPIC = "kafka.result-topic";
  public static final String DEAD_LETTER_TOPIC = "kafka.dead-letter-topic";
  public static final String GROUP_ID = "kafka.group-id";
  public static final String DELIVERY_GUARANTEE = "kafka.delivery-guarantee";
  public static final String TRANSACTIONAL_ID_PREFIX = "kafka.transactional-id-prefix";
  public static final String STARTING_OFFSETS = "kafka.starting-offsets";
  public static final String CACHE_FILL_TOPIC = "kafka.cache-fill-topic";
  public static final String EXPERT_STATS_TOPIC = "kafka.expert-stats-topic";

  /**
   * Prefix of extra client properties in {@link #fromMap}, e.g. {@code
   * kafka.properties.sasl.mechanism}.
   */
  public static final String PROPERTIES_PREFIX = "kafka.properties.";

  public static final String DEFAULT_QUERY_TOPIC = "search-queries";
  public static final String DEFAULT_RESULT_TOPIC = "search-results";
  public static final String DEFAULT_DEAD_LETTER_TOPIC = "search-dead-letters";
  public static final String DEFAULT_GROUP_ID = "moe-search";
  public static final String DEFAULT_CACHE_FILL_TOPIC = "search-cache-fill";
  public static final String DEFAULT_EXPERT_STATS_TOPIC = "search-expert-stats";

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

  private static final Set<String> KNOWN_KEYS =
      Set.of(
          BOOTSTRAP_SERVERS,
          QUERY_TOPIC,
          RESULT_TOPIC,
          DEAD_LETTER_TOPIC,
          GROUP_ID,
          DELIVERY_GUARANTEE,
          TRANSACTIONAL_ID_PREFIX,
          STARTING_OFFSETS,
          CACHE_FILL_TOPIC,
          EXPERT_STATS_TOPIC);

  private static final Pattern TOPIC_NAME = Pattern.compile("[a-zA-Z0-9._-]{1,249}");

  private final String bootstrapServers;
  private final String queryTopic;
  private final String resultTopic;
  private final String deadLetterTopic;
  private final String cacheFillTopic;
  private final String expertStatsTopic;
  private final String groupId;
  private final DeliveryGuarantee deliveryGuarantee;
  private final String transactionalIdPrefix;
  private final StartingOffsets startingOffsets;
  private final Map<String, String> clientProperties;

  private KafkaSettings(Builder b) {
    this.bootstrapServers = validateBootstrapServers(b.bootstrapServers);
    this.queryTopic = validateTopic(b.queryTopic, QUERY_TOPIC);
    this.resultTopic = validateTopic(b.resultTopic, RESULT_TOPIC);
    this.deadLetterTopic = validateTopic(b.deadLetterTopic, DEAD_LETTER_TOPIC);
    if (resultTopic.equals(queryTopic)) {
      throw new IllegalArgumentException(RESULT_TOPIC + " must differ from " + QUERY_TOPIC);
    }
    if (deadLetterTopic.equals(queryTopic)) {
      throw new IllegalArgumentException(DEAD_LETTER_TOPIC + " must differ from " + QUERY_TOPIC);
    }
    this.cacheFillTopic = validateTopic(b.cacheFillTopic, CACHE_FILL_TOPIC);
    this.expertStatsTopic = validateTopic(b.expertStatsTopic, EXPERT_STATS_TOPIC);
    if (java.util.Set.of(queryTopic, resultTopic, deadLetterTopic).contains(cacheFillTopic)) {
      throw new IllegalArgumentException(
          CACHE_FILL_TOPIC + " must differ from the query, result and dead-letter topics");
    }
    if (b.groupId == null || b.groupId.isBlank()) {
      throw new IllegalArgumentException(GROUP_ID + " must be set");
    }
    this.groupId = b.groupId.strip();
    if (b.deliveryGuarantee == null) {
      throw new IllegalArgumentException(DELIVERY_GUARANTEE + " must be set");
    }
    this.deliveryGuarantee = b.deliveryGuarantee;
    if (b.transactionalIdPrefix != null && b.transactionalIdPrefix.isBlank()) {
      throw new IllegalArgumentException(TRANSACTIONAL_ID_PREFIX + " must not be blank");
    }
    if (deliveryGuarantee == DeliveryGuarantee.EXACTLY_ONCE && b.transactionalIdPrefix == null) {
      throw new IllegalArgumentException(
          TRANSACTIONAL_ID_PREFIX + " must be set when " + DELIVERY_GUARANTEE + " is EXACTLY_ONCE");
    }
    this.transactionalIdPrefix =
        b.transactionalIdPrefix == null ? null : b.transactionalIdPrefix.strip();
    if (b.startingOffsets == null) {
      throw new IllegalArgumentException(STARTING_OFFSETS + " must be set");
    }
    this.startingOffsets = b.startingOffsets;
    TreeMap<String, String> props = new TreeMap<>();
    for (Map.Entry<String, String> e : b.clientProperties.entrySet()) {
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
    this.clientProperties = Collections.unmodifiableMap(props);
  }

  public static Builder builder() {
    return new Builder();
  }

  /**
   * Reads settings from flat configuration, using the {@code kafka.*} keys defined here; extra
   * client properties come from {@code kafka.properties.<client-property>}. Keys outside {@code
   * kafka.} are ignored; unknown {@code kafka.} keys are rejected to catch typos.
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
      } else if (!KNOWN_KEYS.contains(key)) {
        throw new IllegalArgumentException(
            "unknown setting " + key + " (known: " + new TreeSet<>(KNOWN_KEYS) + ")");
      }
    }
    String value;
    if ((value = config.get(BOOTSTRAP_SERVERS)) != null) {
      b.bootstrapServers(value);
    }
    if ((value = config.get(QUERY_TOPIC)) != null) {
      b.queryTopic(value);
    }
    if ((value = config.get(RESULT_TOPIC)) != null) {
      b.resultTopic(value);
    }
    if ((value = config.get(DEAD_LETTER_TOPIC)) != null) {
      b.deadLetterTopic(value);
    }
    if ((value = config.get(CACHE_FILL_TOPIC)) != null) {
      b.cacheFillTopic(value);
    }
    if ((value = config.get(EXPERT_STATS_TOPIC)) != null) {
      b.expertStatsTopic(value);
    }
    if ((value = config.get(GROUP_ID)) != null) {
      b.groupId(value);
    }
    if ((value = config.get(DELIVERY_GUARANTEE)) != null) {
      b.deliveryGuarantee(parseGuarantee(value));
    }
    if ((value = config.get(TRANSACTIONAL_ID_PREFIX)) != null) {
      b.transactionalIdPrefix(value);
    }
    if ((value = config.get(STARTING_OFFSETS)) != null) {
      b.startingOffsets(StartingOffsets.parse(value));
    }
    return b.build();
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
            .groupId(groupId)
            .deliveryGuarantee(deliveryGuarantee)
            .startingOffsets(startingOffsets)
            .properties(clientProperties);
    if (transactionalIdPrefix != null) {
      b.transactionalIdPrefix(transactionalIdPrefix);
    }
    return b;
  }

  public String bootstrapServers() {
    return bootstrapServers;
  }

  public String queryTopic() {
    return queryTopic;
  }

  public String resultTopic() {
    return resultTopic;
  }

  public String deadLetterTopic() {
    return deadLetterTopic;
  }

  /** Topic of computed results and embeddings that warm the job's caches. */
  public String cacheFillTopic() {
    return cacheFillTopic;
  }

  /** Topic the job publishes per-expert load statistics to. */
  public String expertStatsTopic() {
    return expertStatsTopic;
  }

  public String groupId() {
    return groupId;
  }

  public DeliveryGuarantee deliveryGuarantee() {
    return deliveryGuarantee;
  }

  /** The transactional id prefix, or {@code null} when not set. */
  public String transactionalIdPrefix() {
    return transactionalIdPrefix;
  }

  public StartingOffsets startingOffsets() {
    return startingOffsets;
  }

  /** Extra client properties (unmodifiable), passed to every Kafka client. */
  public Map<String, String> clientProperties() {
    return clientProperties;
  }

  /** A fresh {@link Properties} with {@code bootstrap.servers} and the extra client properties. */
  public Properties toClientProperties() {
    Properties props = new Properties();
    props.putAll(clientProperties);
    props.setProperty("bootstrap.servers", bootstrapServers);
    return props;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof KafkaSettings s
        && bootstrapServers.equals(s.bootstrapServers)
        && queryTopic.equals(s.queryTopic)
        && resultTopic.equals(s.resultTopic)
        && deadLetterTopic.equals(s.deadLetterTopic)
        && cacheFillTopic.equals(s.cacheFillTopic)
        && expertStatsTopic.equals(s.expertStatsTopic)
        && groupId.equals(s.groupId)
        && deliveryGuarantee == s.deliveryGuarantee
        && Objects.equals(transactionalIdPrefix, s.transactionalIdPrefix)
        && startingOffsets == s.startingOffsets
        && clientProperties.equals(s.clientProperties);
  }

  @Override
  public int hashCode() {
    return Objects.hash(
        bootstrapServers,
        queryTopic,
        resultTopic,
        deadLetterTopic,
        cacheFillTopic,
        expertStatsTopic,
        groupId,
        deliveryGuarantee,
        transactionalIdPrefix,
        startingOffsets,
        clientProperties);
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
      int port;
      try {
        port = Integer.parseInt(server.substring(colon + 1));
      } catch (NumberFormatException e) {
        port = -1;
      }
      if (port < 1 || port > 65535) {
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
    String normalised = value.strip().toUpperCase(java.util.Locale.ROOT).replace('-', '_');
    for (DeliveryGuarantee g : DeliveryGuarantee.values()) {
      if (g.name().equals(normalised)) {
        return g;
      }
    }
    throw new IllegalArgumentException(
        DELIVERY_GUARANTEE + " must be one of EXACTLY_ONCE, AT_LEAST_ONCE, NONE, got " + value);
  }

  /** Mutable builder; {@link #build()} validates. */
  public static final class Builder {
    private String bootstrapServers;
    private String queryTopic = DEFAULT_QUERY_TOPIC;
    private String resultTopic = DEFAULT_RESULT_TOPIC;
    private String deadLetterTopic = DEFAULT_DEAD_LETTER_TOPIC;
    private String cacheFillTopic = DEFAULT_CACHE_FILL_TOPIC;
    private String expertStatsTopic = DEFAULT_EXPERT_STATS_TOPIC;
    private String groupId = DEFAULT_GROUP_ID;
    private DeliveryGuarantee deliveryGuarantee = DeliveryGuarantee.AT_LEAST_ONCE;
    private String transactionalIdPrefix;
    private StartingOffsets startingOffsets = StartingOffsets.COMMITTED;
    private final Map<String, String> clientProperties = new LinkedHashMap<>();

    private Builder() {}

    /** Required: comma-separated {@code host:port} list. */
    public Builder bootstrapServers(String bootstrapServers) {
      this.bootstrapServers = bootstrapServers;
      return this;
    }

    /** Default {@value KafkaSettings#DEFAULT_QUERY_TOPIC}. */
    public Builder queryTopic(String queryTopic) {
      this.queryTopic = queryTopic;
      return this;
    }

    /** Default {@value KafkaSettings#DEFAULT_RESULT_TOPIC}. */
    public Builder resultTopic(String resultTopic) {
      this.resultTopic = resultTopic;
      return this;
    }

    /** Default {@value KafkaSettings#DEFAULT_DEAD_LETTER_TOPIC}. */
    public Builder deadLetterTopic(String deadLetterTopic) {
      this.deadLetterTopic = deadLetterTopic;
      return this;
    }

    /** Default {@value KafkaSettings#DEFAULT_CACHE_FILL_TOPIC}. */
    public Builder cacheFillTopic(String cacheFillTopic) {
      this.cacheFillTopic = cacheFillTopic;
      return this;
    }

    /** Default {@value KafkaSettings#DEFAULT_EXPERT_STATS_TOPIC}. */
    public Builder expertStatsTopic(String expertStatsTopic) {
      this.expertStatsTopic = expertStatsTopic;
      return this;
    }

    /** Consumer group of the query source; default {@value KafkaSettings#DEFAULT_GROUP_ID}. */
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
      return new KafkaSettings(this);
    }
  }
}
