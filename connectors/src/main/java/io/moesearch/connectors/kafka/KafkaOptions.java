package io.moesearch.connectors.kafka;

import java.util.List;
import org.apache.flink.configuration.ConfigOption;
import org.apache.flink.configuration.ConfigOptions;

/**
 * The {@code kafka.*} settings: each key with its type, default and meaning, read by {@link
 * KafkaSettings#fromMap}. An empty value is an error, except for {@link #BOOTSTRAP_SERVERS}, whose
 * default it is (unset). Extra client properties come from {@code
 * kafka.properties.<client-property>} ({@link KafkaSettings#PROPERTIES_PREFIX}).
 */
public final class KafkaOptions {
  private KafkaOptions() {}

  public static final ConfigOption<String> BOOTSTRAP_SERVERS =
      ConfigOptions.key("kafka.bootstrap-servers")
          .stringType()
          .defaultValue("")
          .withDescription("Comma-separated host:port list; required outside the embedded demo.");

  public static final ConfigOption<String> QUERY_TOPIC =
      ConfigOptions.key("kafka.query-topic")
          .stringType()
          .defaultValue("search-queries")
          .withDescription("Topic the job reads queries from.");

  public static final ConfigOption<String> RESULT_TOPIC =
      ConfigOptions.key("kafka.result-topic")
          .stringType()
          .defaultValue("search-results")
          .withDescription("Topic the job writes results to.");

  public static final ConfigOption<String> DEAD_LETTER_TOPIC =
      ConfigOptions.key("kafka.dead-letter-topic")
          .stringType()
          .defaultValue("search-dead-letters")
          .withDescription("Topic of rejected queries and cache fills.");

  public static final ConfigOption<String> CACHE_FILL_TOPIC =
      ConfigOptions.key("kafka.cache-fill-topic")
          .stringType()
          .defaultValue("search-cache-fill")
          .withDescription("Topic of computed results and embeddings that warm the caches.");

  public static final ConfigOption<String> EXPERT_STATS_TOPIC =
      ConfigOptions.key("kafka.expert-stats-topic")
          .stringType()
          .defaultValue("search-expert-stats")
          .withDescription("Topic the job publishes per-expert load statistics to.");

  public static final ConfigOption<String> CATALOG_TOPIC =
      ConfigOptions.key("kafka.catalog-topic")
          .stringType()
          .defaultValue("search-catalog-updates")
          .withDescription(
              "Topic of catalogue updates (upsert, patch, delete; key = product id) the job applies"
                  + " live.");

  public static final ConfigOption<String> GROUP_ID =
      ConfigOptions.key("kafka.group-id")
          .stringType()
          .defaultValue("moe-search")
          .withDescription("Consumer group of the query source.");

  public static final ConfigOption<String> STARTING_OFFSETS =
      ConfigOptions.key("kafka.starting-offsets")
          .stringType()
          .defaultValue("committed")
          .withDescription(
              "Where a job without a savepoint starts reading queries: committed, earliest or"
                  + " latest.");

  public static final ConfigOption<String> DELIVERY_GUARANTEE =
      ConfigOptions.key("kafka.delivery-guarantee")
          .stringType()
          .defaultValue("at-least-once")
          .withDescription("at-least-once, exactly-once (transactional) or none.");

  public static final ConfigOption<String> TRANSACTIONAL_ID_PREFIX =
      ConfigOptions.key("kafka.transactional-id-prefix")
          .stringType()
          .defaultValue("moe-search")
          .withDescription(
              "Prefix of the exactly-once sinks' transactional ids; required with exactly-once"
                  + " (the builder leaves it unset).");

  /** Every {@code kafka.*} option. */
  public static final List<ConfigOption<String>> ALL =
      List.of(
          BOOTSTRAP_SERVERS,
          QUERY_TOPIC,
          RESULT_TOPIC,
          DEAD_LETTER_TOPIC,
          CACHE_FILL_TOPIC,
          EXPERT_STATS_TOPIC,
          CATALOG_TOPIC,
          GROUP_ID,
          STARTING_OFFSETS,
          DELIVERY_GUARANTEE,
          TRANSACTIONAL_ID_PREFIX);
}
