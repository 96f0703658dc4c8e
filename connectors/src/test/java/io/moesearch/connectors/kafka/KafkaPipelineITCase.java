package io.moesearch.connectors.kafka;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.moesearch.connectors.message.DeadLetter;
import io.moesearch.connectors.message.MessageJson;
import io.moesearch.connectors.message.ParseOutcome;
import io.moesearch.connectors.message.QueryCodec;
import io.moesearch.connectors.message.RankedItem;
import io.moesearch.connectors.message.RawMessage;
import io.moesearch.connectors.message.SearchQuery;
import io.moesearch.connectors.message.SearchResult;
import io.moesearch.connectors.message.StageLatency;
import io.moesearch.tools.kafka.EmbeddedKafka;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.function.Function;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.PipelineOptions;
import org.apache.flink.connector.base.DeliveryGuarantee;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.streaming.api.datastream.SingleOutputStreamOperator;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.streaming.api.functions.ProcessFunction;
import org.apache.flink.util.Collector;
import org.apache.flink.util.OutputTag;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * Source, codec and both sinks in a real Flink job against the embedded broker, exactly-once and
 * with generic (Kryo) types disabled.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class KafkaPipelineITCase {
  private static final OutputTag<DeadLetter> DEAD_LETTERS =
      new OutputTag<>("dead-letters", TypeInformation.of(DeadLetter.class));

  private EmbeddedKafka kafka;

  @BeforeAll
  void startBroker() {
    kafka = EmbeddedKafka.start();
  }

  @AfterAll
  void stopBroker() {
    if (kafka != null) {
      kafka.close();
    }
  }

  /** Parses raw messages; valid queries go to the main output, dead letters to a side output. */
  static final class ParseFunction extends ProcessFunction<RawMessage, SearchQuery> {
    private final QueryCodec codec = QueryCodec.withDefaults();

    @Override
    public void processElement(RawMessage raw, Context ctx, Collector<SearchQuery> out) {
      switch (codec.parse(raw)) {
        case ParseOutcome.Accepted accepted -> out.collect(accepted.query());
        case ParseOutcome.Rejected rejected -> ctx.output(DEAD_LETTERS, rejected.deadLetter());
      }
    }
  }

  static SearchResult answer(SearchQuery q) {
    return new SearchResult(
        q.queryId(),
        q.text(),
        new RankedItem[] {new RankedItem("p-" + q.topK(), "echo " + q.text(), 1f)},
        new int[] {0},
        "it",
        StageLatency.ZERO,
        SearchResult.CACHE_MISS,
        Math.max(0, q.ts()),
        System.currentTimeMillis());
  }

  /**
   * An exactly-once transaction timeout the broker would refuse ({@code transaction.max.timeout.ms}
   * is 15 minutes by default) fails before the job starts, naming the setting: the sinks' producers
   * were refused in the running job, which restarted for ever. A timeout it accepts passes.
   */
  @Test
  void aTransactionTimeoutTheBrokerRefusesFailsBeforeTheJob() {
    KafkaSettings.Builder exactlyOnce =
        KafkaSettings.builder()
            .bootstrapServers(kafka.bootstrapServers())
            .deliveryGuarantee(DeliveryGuarantee.EXACTLY_ONCE)
            .transactionalIdPrefix("it-timeout");
    Duration wait = Duration.ofSeconds(20);
    assertThat(KafkaIO.requireTransactionTimeoutAccepted(exactlyOnce.build(), wait))
        .as("the broker's bound, above the default 600000")
        .isEqualTo(900_000);
    KafkaSettings tooLong = exactlyOnce.property("transaction.timeout.ms", "3600000").build();
    assertThatThrownBy(() -> KafkaIO.requireTransactionTimeoutAccepted(tooLong, wait))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("kafka.properties.transaction.timeout.ms (3600000)")
        .hasMessageContaining("transaction.max.timeout.ms (900000)");
    KafkaSettings atLeastOnce =
        KafkaSettings.builder()
            .bootstrapServers(kafka.bootstrapServers())
            .deliveryGuarantee(DeliveryGuarantee.AT_LEAST_ONCE)
            .property("transaction.timeout.ms", "3600000")
            .build();
    assertThat(KafkaIO.requireTransactionTimeoutAccepted(atLeastOnce, wait)).isEqualTo(-1);
  }

  @Test
  void exactlyOncePipelineAnswersValidQueriesAndDeadLettersTheRest() throws Exception {
    KafkaSettings settings =
        KafkaSettings.builder()
            .bootstrapServers(kafka.bootstrapServers())
            .queryTopic("it-queries")
            .resultTopic("it-results")
            .deadLetterTopic("it-dead-letters")
            .groupId("it-pipeline")
            .deliveryGuarantee(DeliveryGuarantee.EXACTLY_ONCE)
            .transactionalIdPrefix("it-pipeline")
            .build();
    kafka.createTopics(
        2, settings.queryTopic(), settings.resultTopic(), settings.deadLetterTopic());

    Configuration conf = new Configuration();
    conf.set(PipelineOptions.GENERIC_TYPES, false);
    StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment(conf);
    env.setParallelism(2);
    env.enableCheckpointing(300);
    SingleOutputStreamOperator<SearchQuery> queries =
        env.fromSource(KafkaIO.querySource(settings), WatermarkStrategy.noWatermarks(), "queries")
            .process(new ParseFunction())
            .returns(SearchQuery.class);
    queries
        .map(KafkaPipelineITCase::answer)
        .returns(SearchResult.class)
        .sinkTo(KafkaIO.resultSink(settings))
        .name("results") // distinct names avoid metric name collisions between the two sinks
        .uid("results-sink");
    queries
        .getSideOutput(DEAD_LETTERS)
        .sinkTo(KafkaIO.deadLetterSink(settings))
        .name("dead-letters")
        .uid("dead-letters-sink");
    JobClient job = env.executeAsync("kafka-pipeline-it");
    try {
      try (KafkaProducer<byte[], byte[]> producer =
          new KafkaProducer<>(
              kafka.clientProperties(), new ByteArraySerializer(), new ByteArraySerializer())) {
        for (String json :
            List.of(
                "{\"query_id\":\"q1\",\"text\":\"red shoes\",\"top_k\":3}",
                "{\"query_id\":\"q2\",\"text\":\"tv\",\"ts\":1700000000000}",
                "{\"query_id\":\"q3\",\"text\":\"laptop\",\"filters\":{\"price_max\":900}}",
                "{\"query_id\":\"bad\",\"text\":\"x\",\"top_k\":0}",
                "not json")) {
          producer.send(
              new ProducerRecord<>(settings.queryTopic(), json.getBytes(StandardCharsets.UTF_8)));
        }
        producer.send(new ProducerRecord<>(settings.queryTopic(), new byte[] {(byte) 0xC3, 0x28}));
        producer.flush();
      }

      MessageJson json = new MessageJson();
      List<SearchResult> results = readCommitted(settings.resultTopic(), 3, json::decodeResult);
      List<DeadLetter> deadLetters =
          readCommitted(settings.deadLetterTopic(), 3, json::decodeDeadLetter);

      assertThat(results)
          .extracting(SearchResult::queryId)
          .containsExactlyInAnyOrder("q1", "q2", "q3");
      assertThat(results)
          .filteredOn(r -> r.queryId().equals("q1"))
          .singleElement()
          .satisfies(r -> assertThat(r.items()[0].productId()).isEqualTo("p-3"));
      assertThat(deadLetters)
          .extracting(DeadLetter::reason)
          .containsExactlyInAnyOrder(
              "top_k must be between 1 and 100, got 0",
              "payload is not valid UTF-8",
              "malformed JSON: Unrecognized token 'not': was expecting (JSON String, Number,"
                  + " Array, Object or token 'null', 'true' or 'false') (line 1, column 4)");
      assertThat(deadLetters)
          .allSatisfy(d -> assertThat(d.topic()).isEqualTo(settings.queryTopic()));
    } finally {
      job.cancel().get();
    }
  }

  private <T> List<T> readCommitted(String topic, int expected, Function<byte[], T> decode) {
    Properties props = kafka.clientProperties();
    props.setProperty("group.id", "reader-" + topic);
    props.setProperty("auto.offset.reset", "earliest");
    props.setProperty("isolation.level", "read_committed");
    List<T> out = new ArrayList<>();
    try (KafkaConsumer<byte[], byte[]> consumer =
        new KafkaConsumer<>(props, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
      consumer.subscribe(List.of(topic));
      long deadline = System.nanoTime() + Duration.ofSeconds(90).toNanos();
      while (out.size() < expected && System.nanoTime() < deadline) {
        consumer.poll(Duration.ofMillis(200)).forEach(r -> out.add(decode.apply(r.value())));
      }
      // Exactly once: nothing beyond the expected records may show up.
      consumer.poll(Duration.ofSeconds(1)).forEach(r -> out.add(decode.apply(r.value())));
    }
    return out;
  }
}
