package io.moesearch.connectors.kafka;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.moesearch.connectors.message.DeadLetter;
import io.moesearch.connectors.message.MessageJson;
import io.moesearch.connectors.message.RankedItem;
import io.moesearch.connectors.message.RawMessage;
import io.moesearch.connectors.message.SearchResult;
import io.moesearch.connectors.message.SerializationUtil;
import io.moesearch.connectors.message.StageLatency;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.apache.flink.api.common.functions.util.ListCollector;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.connector.source.Boundedness;
import org.apache.flink.connector.base.DeliveryGuarantee;
import org.apache.flink.connector.kafka.source.KafkaSource;
import org.apache.flink.connector.kafka.source.split.KafkaPartitionSplit;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.OffsetResetStrategy;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;

class KafkaIOTest {
  private static final KafkaSettings AT_LEAST_ONCE =
      KafkaSettings.builder().bootstrapServers("localhost:9092").build();
  private static final KafkaSettings EXACTLY_ONCE =
      AT_LEAST_ONCE.toBuilder()
          .deliveryGuarantee(DeliveryGuarantee.EXACTLY_ONCE)
          .transactionalIdPrefix("moe")
          .build();

  private final MessageJson json = new MessageJson();

  @Test
  void querySourceIsUnboundedAndProducesRawMessages() {
    KafkaSource<RawMessage> source = KafkaIO.querySource(AT_LEAST_ONCE);
    assertThat(source.getBoundedness()).isEqualTo(Boundedness.CONTINUOUS_UNBOUNDED);
    assertThat(source.getProducedType()).isEqualTo(TypeInformation.of(RawMessage.class));
  }

  @Test
  void sourcesStartFromTheGroupsCommittedOffsetsElseTheEarliest() {
    assertThat(AT_LEAST_ONCE.startingOffsets()).isEqualTo(StartingOffsets.COMMITTED);
    TopicPartition tp = new TopicPartition("q", 0);
    var committed = KafkaIO.offsets(StartingOffsets.COMMITTED);
    assertThat(committed.getPartitionOffsets(List.of(tp), null))
        .containsEntry(tp, KafkaPartitionSplit.COMMITTED_OFFSET);
    assertThat(committed.getAutoOffsetResetStrategy()).isEqualTo(OffsetResetStrategy.EARLIEST);
    assertThat(KafkaIO.offsets(StartingOffsets.EARLIEST).getPartitionOffsets(List.of(tp), null))
        .containsEntry(tp, KafkaPartitionSplit.EARLIEST_OFFSET);
    assertThat(KafkaIO.offsets(StartingOffsets.LATEST).getAutoOffsetResetStrategy())
        .isEqualTo(OffsetResetStrategy.LATEST);
  }

  @Test
  void deserializerWrapsRecordsWithoutInterpretingThem() throws Exception {
    RawMessageDeserializer deserializer = SerializationUtil.roundTrip(new RawMessageDeserializer());
    List<RawMessage> out = new ArrayList<>();
    byte[] garbage = {(byte) 0xff, 0, 1};
    deserializer.deserialize(
        new ConsumerRecord<>("q", 3, 77L, "k".getBytes(), garbage), new ListCollector<>(out));
    deserializer.deserialize(
        new ConsumerRecord<>("q", 0, 78L, null, null), new ListCollector<>(out));
    assertThat(out)
        .containsExactly(
            new RawMessage("q", 3, 77L, ConsumerRecord.NO_TIMESTAMP, "k".getBytes(), garbage),
            new RawMessage("q", 0, 78L, ConsumerRecord.NO_TIMESTAMP, null, null));
  }

  @Test
  void exactlyOnceCapsTransactionTimeoutBelowBrokerMaximumUnlessOverridden() {
    assertThat(KafkaIO.producerProperties(EXACTLY_ONCE))
        .containsEntry("transaction.timeout.ms", "600000");
    KafkaSettings overridden =
        EXACTLY_ONCE.toBuilder().property("transaction.timeout.ms", "60000").build();
    assertThat(KafkaIO.producerProperties(overridden))
        .containsEntry("transaction.timeout.ms", "60000");
    assertThat(KafkaIO.producerProperties(AT_LEAST_ONCE))
        .doesNotContainKey("transaction.timeout.ms");
  }

  @Test
  void resultProducersLingerOneMillisecondUnlessOverridden() {
    assertThat(KafkaIO.producerProperties(AT_LEAST_ONCE)).containsEntry("linger.ms", "1");
    KafkaSettings overridden = AT_LEAST_ONCE.toBuilder().property("linger.ms", "20").build();
    assertThat(KafkaIO.producerProperties(overridden)).containsEntry("linger.ms", "20");
  }

  @Test
  void producerPropertiesCarryExtraClientProperties() {
    KafkaSettings ssl = AT_LEAST_ONCE.toBuilder().property("security.protocol", "SSL").build();
    assertThat(KafkaIO.producerProperties(ssl)).containsEntry("security.protocol", "SSL");
  }

  @Test
  void sinksBuildForEveryGuarantee() {
    for (KafkaSettings s :
        List.of(
            AT_LEAST_ONCE,
            EXACTLY_ONCE,
            AT_LEAST_ONCE.toBuilder().deliveryGuarantee(DeliveryGuarantee.NONE).build())) {
      assertThat(KafkaIO.resultSink(s)).isNotNull();
      assertThat(KafkaIO.deadLetterSink(s)).isNotNull();
    }
    assertThatThrownBy(() -> KafkaIO.resultSink(null)).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void resultRecordIsKeyedByQueryIdAndStampedWithTsOut() throws Exception {
    SearchResult result =
        new SearchResult(
            "q-1",
            "shoes",
            new RankedItem[] {new RankedItem("p", "t", 1f)},
            new int[] {2},
            "v1",
            StageLatency.ZERO,
            "miss",
            100L,
            250L);
    SearchResultSerializer serializer =
        SerializationUtil.roundTrip(new SearchResultSerializer("results"));
    ProducerRecord<byte[], byte[]> record = serializer.serialize(result, null, 999L);
    assertThat(record.topic()).isEqualTo("results");
    assertThat(record.partition()).isNull();
    assertThat(new String(record.key(), StandardCharsets.UTF_8)).isEqualTo("q-1");
    assertThat(record.timestamp()).isEqualTo(250L);
    assertThat(json.decodeResult(record.value())).isEqualTo(result);
  }

  @Test
  void deadLetterRecordHasNoKeyAndJsonValue() throws Exception {
    DeadLetter letter = new DeadLetter("q", 1, 2, "x", "utf8", "malformed JSON", 5L);
    ProducerRecord<byte[], byte[]> record =
        SerializationUtil.roundTrip(new DeadLetterSerializer("dlq")).serialize(letter, null, null);
    assertThat(record.topic()).isEqualTo("dlq");
    assertThat(record.key()).isNull();
    assertThat(record.timestamp()).isEqualTo(5L);
    assertThat(json.decodeDeadLetter(record.value())).isEqualTo(letter);
  }

  /**
   * A command that needs the broker fails fast naming the setting when none answers (prewarm waited
   * a minute for topic metadata and then printed a stack trace; compact said "null").
   */
  @Test
  void aBrokerThatDoesNotAnswerFailsFastNamingTheSetting() throws Exception {
    try (java.net.ServerSocket closed = new java.net.ServerSocket(0)) {
      int port = closed.getLocalPort();
      closed.close(); // nothing listens there now
      KafkaSettings nobody = KafkaSettings.builder().bootstrapServers("localhost:" + port).build();
      long t0 = System.nanoTime();
      assertThatThrownBy(() -> KafkaIO.requireBroker(nobody, java.time.Duration.ofSeconds(1)))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessage(
              "kafka.bootstrap-servers localhost:" + port + ": no broker answered within 1 s");
      assertThat((System.nanoTime() - t0) / 1e9).as("seconds").isLessThan(20);
    }
    KafkaSettings unresolvable =
        KafkaSettings.builder().bootstrapServers("nohost.invalid:9092").build();
    assertThatThrownBy(() -> KafkaIO.requireBroker(unresolvable, java.time.Duration.ofSeconds(1)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("kafka.bootstrap-servers nohost.invalid:9092: ");
  }

  /**
   * A client that cannot be made for a reason in {@code kafka.properties} (an SSL trust store that
   * does not exist) is reported with that reason, not as the client's own step alone ("Failed to
   * create new NetworkClient", which named only the bootstrap servers; found by an attack review).
   */
  @Test
  void aClientThatCannotBeMadeIsReportedWithItsCause() {
    KafkaSettings ssl =
        KafkaSettings.builder()
            .bootstrapServers("localhost:9")
            .property("security.protocol", "SSL")
            .property("ssl.truststore.location", "/nonexistent/truststore.jks")
            .build();
    assertThatThrownBy(() -> KafkaIO.requireBroker(ssl, java.time.Duration.ofSeconds(1)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("kafka.bootstrap-servers localhost:9 (with its kafka.properties): ")
        .hasMessageContaining("/nonexistent/truststore.jks");
  }
}
