package io.moesearch.connectors.kafka;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.moesearch.connectors.message.SerializationUtil;
import java.util.Map;
import org.apache.flink.connector.base.DeliveryGuarantee;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class KafkaSettingsTest {

  private static KafkaSettings.Builder valid() {
    return KafkaSettings.builder().bootstrapServers("broker-1:9092, broker-2:9093");
  }

  @Test
  void defaults() {
    KafkaSettings s = valid().build();
    assertThat(s.bootstrapServers()).isEqualTo("broker-1:9092,broker-2:9093");
    assertThat(s.queryTopic()).isEqualTo("search-queries");
    assertThat(s.resultTopic()).isEqualTo("search-results");
    assertThat(s.deadLetterTopic()).isEqualTo("search-dead-letters");
    assertThat(s.groupId()).isEqualTo("moe-search");
    assertThat(s.deliveryGuarantee()).isEqualTo(DeliveryGuarantee.AT_LEAST_ONCE);
    assertThat(s.transactionalIdPrefix()).isNull();
    assertThat(s.startingOffsets()).isEqualTo(StartingOffsets.COMMITTED);
    assertThat(s.clientProperties()).isEmpty();
  }

  @Test
  void bootstrapServersMustBeSet() {
    assertThatThrownBy(() -> KafkaSettings.builder().build())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("kafka.bootstrap-servers must be set");
    assertThatThrownBy(() -> KafkaSettings.builder().bootstrapServers(" ").build())
        .hasMessage("kafka.bootstrap-servers must be set");
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "localhost",
        "localhost:",
        ":9092",
        "host:port",
        "host:70000",
        "a:1,,b:2",
        "broker:+9092",
        "broker:\uff19\uff10\uff19\uff12", // full-width digits
        "broker:99999999999",
        "bad host:9092"
      })
  void bootstrapServersMustBeHostPortList(String servers) {
    assertThatThrownBy(() -> KafkaSettings.builder().bootstrapServers(servers).build())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("kafka.bootstrap-servers");
  }

  @Test
  void topicsMustBeLegalAndDistinctFromTheQueryTopic() {
    assertThatThrownBy(() -> valid().queryTopic("").build())
        .hasMessage("kafka.query-topic must be set");
    assertThatThrownBy(() -> valid().resultTopic("bad topic").build())
        .hasMessageStartingWith("kafka.result-topic must be a legal Kafka topic name");
    assertThatThrownBy(() -> valid().deadLetterTopic("x".repeat(250)).build())
        .hasMessageStartingWith("kafka.dead-letter-topic must be a legal Kafka topic name");
    assertThatThrownBy(() -> valid().queryTopic("..").build())
        .hasMessageStartingWith("kafka.query-topic");
    assertThatThrownBy(() -> valid().resultTopic("search-queries").build())
        .hasMessageStartingWith("kafka.result-topic must differ from kafka.query-topic");
    assertThatThrownBy(() -> valid().deadLetterTopic("search-queries").build())
        .hasMessage(
            "kafka.dead-letter-topic must differ from kafka.query-topic (both are 'search-queries')");
  }

  @Test
  void everyTopicSettingNamesATopicOfItsOwn() {
    assertThatThrownBy(() -> valid().resultTopic("search-dead-letters").build())
        .hasMessage(
            "kafka.dead-letter-topic must differ from kafka.result-topic (both are"
                + " 'search-dead-letters')");
    assertThatThrownBy(() -> valid().expertStatsTopic("search-queries").build())
        .hasMessageStartingWith("kafka.expert-stats-topic must differ from kafka.query-topic");
    assertThatThrownBy(() -> valid().expertStatsTopic("search-catalog-updates").build())
        .hasMessageStartingWith("kafka.catalog-topic must differ from kafka.expert-stats-topic");
    assertThatThrownBy(() -> valid().expertStatsTopic("search-cache-fill").build())
        .hasMessageStartingWith("kafka.expert-stats-topic must differ from kafka.cache-fill-topic");
  }

  @Test
  void topicNamesThatCollideInKafkaAreOneTopic() {
    assertThatThrownBy(
            () -> valid().resultTopic("search.results").deadLetterTopic("search_results").build())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith(
            "kafka.dead-letter-topic 'search_results' collides with kafka.result-topic"
                + " 'search.results'");
    assertThat(valid().resultTopic("search.results").build().resultTopic())
        .isEqualTo("search.results");
  }

  @Test
  void clientPropertiesAreCheckedAsTheKafkaClientsReadThem() {
    assertThatThrownBy(() -> valid().property("security.protocol", "BOGUS").build())
        .hasMessageStartingWith("kafka.properties.security.protocol: ")
        .hasMessageContaining("BOGUS");
    assertThatThrownBy(() -> valid().property("max.request.size", "abc").build())
        .hasMessageStartingWith("kafka.properties.max.request.size: ");
    assertThatThrownBy(() -> valid().property("fetch.min.bytes", "-5").build())
        .hasMessageStartingWith("kafka.properties.fetch.min.bytes: ");
    KafkaSettings s =
        valid()
            .property("security.protocol", "SASL_SSL")
            .property("max.request.size", "2097152")
            .property("sasl.login.callback.handler.class", "com.example.OnTheClusterOnly")
            .build();
    assertThat(s.clientProperties()).containsEntry("security.protocol", "SASL_SSL");
  }

  @Test
  void aClientPropertyKeyNoKafkaClientNorTheConnectorDefinesIsRejected() {
    for (String typo : new String[] {"securty.protocol", "sasl.mechanizm", "a.key.nobody.reads"}) {
      assertThatThrownBy(() -> valid().property(typo, "x").build())
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageStartingWith("kafka.properties." + typo + " is unknown");
    }
    KafkaSettings s =
        valid()
            .property("isolation.level", "read_uncommitted") // consumer
            .property("linger.ms", "5") // producer
            .property("bootstrap.controllers", "c:9093") // admin client
            .property("partition.discovery.interval.ms", "60000") // Flink's Kafka source
            .property("register.producer.metrics", "false") // Flink's Kafka sink
            .property("config.providers", "file") // a config provider and its own keys
            .property(
                "config.providers.file.class",
                "org.apache.kafka.common.config.provider.FileConfigProvider")
            .build();
    assertThat(s.clientProperties()).hasSize(7);
  }

  @Test
  void theFlinkConnectorsOptionsAreParsedAsFlinkParsesThem() {
    assertThatThrownBy(
            () -> valid().property("partition.discovery.interval.ms", "ten-seconds").build())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("kafka.properties.partition.discovery.interval.ms: ")
        .hasMessageContaining("ten-seconds");
    assertThatThrownBy(() -> valid().property("commit.offsets.on.checkpoint", "yes").build())
        .hasMessageStartingWith("kafka.properties.commit.offsets.on.checkpoint: ");
    assertThatThrownBy(() -> valid().property("flink.disable-metrics", "maybe").build())
        .hasMessageStartingWith("kafka.properties.flink.disable-metrics: ");
    assertThat(
            valid()
                .property("partition.discovery.interval.ms", "-1")
                .property("client.id.prefix", "moe")
                .build()
                .clientProperties())
        .containsEntry("partition.discovery.interval.ms", "-1");
  }

  @Test
  void producerSettingsTheProducerRefusesTogetherFailNamingThem() {
    KafkaSettings.Builder exactlyOnce =
        valid().deliveryGuarantee(DeliveryGuarantee.EXACTLY_ONCE).transactionalIdPrefix("moe");
    assertThatThrownBy(() -> exactlyOnce.property("enable.idempotence", "false").build())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith(
            "kafka.delivery-guarantee exactly-once with kafka.properties.enable.idempotence=false:")
        .hasMessageContaining("transactional.id");
    assertThatThrownBy(
            () ->
                valid()
                    .deliveryGuarantee(DeliveryGuarantee.EXACTLY_ONCE)
                    .transactionalIdPrefix("moe")
                    .property("acks", "1")
                    .build())
        .hasMessageStartingWith(
            "kafka.delivery-guarantee exactly-once with kafka.properties.acks=1");
    assertThatThrownBy(
            () ->
                valid()
                    .deliveryGuarantee(DeliveryGuarantee.EXACTLY_ONCE)
                    .transactionalIdPrefix("moe")
                    .property("max.in.flight.requests.per.connection", "10")
                    .build())
        .hasMessageContaining("kafka.properties.max.in.flight.requests.per.connection=10");
    // At least once, idempotence asked for explicitly conflicts with acks=1 as well.
    assertThatThrownBy(
            () -> valid().property("enable.idempotence", "true").property("acks", "1").build())
        .hasMessageStartingWith("kafka.delivery-guarantee at-least-once with");
    // Without transactions the producer turns idempotence off by itself for acks=1.
    assertThat(valid().property("acks", "1").build().clientProperties()).containsEntry("acks", "1");
    assertThat(
            valid()
                .deliveryGuarantee(DeliveryGuarantee.EXACTLY_ONCE)
                .transactionalIdPrefix("moe")
                .property("acks", "all")
                .property("partitioner.class", "com.example.OnTheClusterOnly")
                .build()
                .deliveryGuarantee())
        .isEqualTo(DeliveryGuarantee.EXACTLY_ONCE);
  }

  /**
   * Checks the Kafka clients make only when the sink's producer or the source's consumer is
   * constructed, in the running task (a restart loop), are made at start-up naming the setting.
   */
  @Test
  void clientSettingsTheClientsRefuseWhenConstructedFailAtStartUp() {
    assertThatThrownBy(() -> valid().property("delivery.timeout.ms", "1000").build())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith(
            "kafka.properties.delivery.timeout.ms must be at least linger.ms + request.timeout.ms");
    assertThat(
            valid()
                .property("delivery.timeout.ms", "40000")
                .property("request.timeout.ms", "30000")
                .build()
                .clientProperties())
        .containsEntry("delivery.timeout.ms", "40000");
    assertThatThrownBy(
            () ->
                valid()
                    .property("group.protocol", "consumer")
                    .property("session.timeout.ms", "45000")
                    .build())
        .hasMessageStartingWith("kafka.properties.*: the Kafka consumer refuses this combination")
        .hasMessageContaining("session.timeout.ms");
    assertThat(valid().property("group.protocol", "consumer").build().clientProperties())
        .containsEntry("group.protocol", "consumer");
    assertThatThrownBy(() -> valid().property("acks", "0").build())
        .hasMessageStartingWith(
            "kafka.delivery-guarantee at-least-once with kafka.properties.acks=0");
    assertThat(
            valid()
                .deliveryGuarantee(DeliveryGuarantee.NONE)
                .property("acks", "0")
                .build()
                .clientProperties())
        .containsEntry("acks", "0");
    assertThatThrownBy(() -> valid().property("max.request.size", "1024").build())
        .hasMessageStartingWith("kafka.properties.max.request.size must be at least 1000000");
    assertThatThrownBy(() -> valid().property("buffer.memory", "1024").build())
        .hasMessageStartingWith("kafka.properties.buffer.memory must be at least 1000000");
    // Common settings stay accepted: an Event Hubs request size, a large-message request size
    // above the default buffer.
    assertThat(valid().property("max.request.size", "1000000").build().clientProperties())
        .containsEntry("max.request.size", "1000000");
    assertThat(valid().property("max.request.size", "52428800").build().clientProperties())
        .containsEntry("max.request.size", "52428800");
  }

  @Test
  void groupIdGuaranteeAndOffsetsMustBeSet() {
    assertThatThrownBy(() -> valid().groupId(" ").build()).hasMessage("kafka.group-id must be set");
    assertThatThrownBy(() -> valid().deliveryGuarantee(null).build())
        .hasMessage("kafka.delivery-guarantee must be set");
    assertThatThrownBy(() -> valid().startingOffsets(null).build())
        .hasMessage("kafka.starting-offsets must be set");
  }

  @Test
  void exactlyOnceRequiresTransactionalIdPrefix() {
    assertThatThrownBy(() -> valid().deliveryGuarantee(DeliveryGuarantee.EXACTLY_ONCE).build())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage(
            "kafka.transactional-id-prefix must be set when kafka.delivery-guarantee is"
                + " EXACTLY_ONCE");
    assertThatThrownBy(() -> valid().transactionalIdPrefix("  ").build())
        .hasMessage("kafka.transactional-id-prefix must not be blank");
    KafkaSettings s =
        valid()
            .deliveryGuarantee(DeliveryGuarantee.EXACTLY_ONCE)
            .transactionalIdPrefix("moe")
            .build();
    assertThat(s.transactionalIdPrefix()).isEqualTo("moe");
    assertThat(valid().deliveryGuarantee(DeliveryGuarantee.NONE).build().deliveryGuarantee())
        .isEqualTo(DeliveryGuarantee.NONE);
  }

  @Test
  void managedClientPropertiesAreRejected() {
    assertThatThrownBy(() -> valid().property("group.id", "x").build())
        .hasMessage("kafka.properties.group.id is not allowed; use kafka.group-id");
    assertThatThrownBy(() -> valid().property("bootstrap.servers", "x:1").build())
        .hasMessageContaining("kafka.bootstrap-servers");
    assertThatThrownBy(() -> valid().property("value.serializer", "x").build())
        .hasMessageStartingWith("kafka.properties.value.serializer is not allowed");
    assertThatThrownBy(() -> valid().property("security.protocol", null).build())
        .hasMessage("kafka.properties.security.protocol must have a value");
  }

  @Test
  void clientPropertiesArePassedThroughButNotPrinted() {
    KafkaSettings s =
        valid()
            .property("security.protocol", "SASL_SSL")
            .property("sasl.jaas.config", "secret-password")
            .build();
    assertThat(s.clientProperties())
        .containsEntry("security.protocol", "SASL_SSL")
        .containsEntry("sasl.jaas.config", "secret-password");
    assertThat(s.toClientProperties())
        .containsEntry("bootstrap.servers", "broker-1:9092,broker-2:9093")
        .containsEntry("sasl.jaas.config", "secret-password");
    assertThat(s.toString()).contains("sasl.jaas.config").doesNotContain("secret-password");
    assertThatThrownBy(() -> s.clientProperties().put("x", "y"))
        .isInstanceOf(UnsupportedOperationException.class);
  }

  @Test
  void fromMapReadsKafkaKeysAndRejectsUnknownOnes() {
    KafkaSettings s =
        KafkaSettings.fromMap(
            Map.of(
                "kafka.bootstrap-servers", "k:9092",
                "kafka.query-topic", "q",
                "kafka.result-topic", "r",
                "kafka.dead-letter-topic", "d",
                "kafka.group-id", "g",
                "kafka.delivery-guarantee", "exactly-once",
                "kafka.transactional-id-prefix", "tx",
                "kafka.starting-offsets", "LATEST",
                "kafka.properties.security.protocol", "SSL",
                "embedder.model", "ignored"));
    assertThat(s)
        .isEqualTo(
            KafkaSettings.builder()
                .bootstrapServers("k:9092")
                .queryTopic("q")
                .resultTopic("r")
                .deadLetterTopic("d")
                .groupId("g")
                .deliveryGuarantee(DeliveryGuarantee.EXACTLY_ONCE)
                .transactionalIdPrefix("tx")
                .startingOffsets(StartingOffsets.LATEST)
                .property("security.protocol", "SSL")
                .build());
    assertThatThrownBy(() -> KafkaSettings.fromMap(Map.of("kafka.bootstrap.servers", "k:9092")))
        .hasMessageStartingWith("unknown setting kafka.bootstrap.servers");
    assertThatThrownBy(
            () ->
                KafkaSettings.fromMap(
                    Map.of("kafka.bootstrap-servers", "k:1", "kafka.delivery-guarantee", "twice")))
        .hasMessageStartingWith("kafka.delivery-guarantee must be one of");
    assertThatThrownBy(
            () ->
                KafkaSettings.fromMap(
                    Map.of("kafka.bootstrap-servers", "k:1", "kafka.starting-offsets", "middle")))
        .hasMessageStartingWith("kafka.starting-offsets must be committed, earliest or latest");
  }

  @Test
  void toBuilderCopiesAndIsSerializable() throws Exception {
    KafkaSettings s =
        valid()
            .deliveryGuarantee(DeliveryGuarantee.EXACTLY_ONCE)
            .transactionalIdPrefix("p")
            .property("acks", "all")
            .build();
    assertThat(s.toBuilder().build()).isEqualTo(s);
    assertThat(s.toBuilder().resultTopic("other").build()).isNotEqualTo(s);
    assertThat(SerializationUtil.roundTrip(s)).isEqualTo(s);
  }
}
