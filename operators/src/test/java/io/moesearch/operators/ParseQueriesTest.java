package io.moesearch.operators;

import static org.assertj.core.api.Assertions.assertThat;

import io.moesearch.connectors.message.DeadLetter;
import io.moesearch.connectors.message.Filters;
import io.moesearch.connectors.message.QueryCodec;
import io.moesearch.connectors.message.RawMessage;
import io.moesearch.connectors.message.SearchQuery;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Queue;
import org.apache.flink.streaming.api.operators.ProcessOperator;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.OneInputStreamOperatorTestHarness;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Valid queries go downstream, every malformed message goes to the dead-letter side output. */
class ParseQueriesTest {
  private static final String TOPIC = "search-queries";
  private static final int PARTITION = 3;
  private static final int MAX_BYTES = 256;

  private OneInputStreamOperatorTestHarness<RawMessage, AcceptedQuery> harness;

  @BeforeEach
  void setUp() throws Exception {
    harness =
        Harnesses.withoutGenericTypes(
            new OneInputStreamOperatorTestHarness<>(
                new ProcessOperator<>(new ParseQueries(new QueryCodec(64, MAX_BYTES)))));
    harness.open();
  }

  @AfterEach
  void tearDown() throws Exception {
    harness.close();
  }

  private static RawMessage raw(long offset, byte[] value) {
    return new RawMessage(TOPIC, PARTITION, offset, 1_000 + offset, null, value);
  }

  private static RawMessage raw(long offset, String json) {
    return raw(offset, json.getBytes(StandardCharsets.UTF_8));
  }

  private void process(RawMessage m) throws Exception {
    harness.processElement(new StreamRecord<>(m, m.timestamp()));
  }

  private List<DeadLetter> deadLetters() {
    Queue<StreamRecord<DeadLetter>> side = harness.getSideOutput(ParseQueries.DEAD_LETTERS);
    List<DeadLetter> out = new ArrayList<>();
    if (side != null) {
      side.forEach(r -> out.add(r.getValue()));
    }
    return out;
  }

  @Test
  void validQueriesGoDownstreamAndMalformedOnesToTheDeadLetterOutput() throws Exception {
    String badJson = "{\"query_id\":\"q-2\",\"text\":";
    String noId = "{\"text\":\"wireless mouse\"}";
    byte[] oversized =
        ("{\"query_id\":\"q-4\",\"text\":\"" + "x".repeat(400) + "\"}")
            .getBytes(StandardCharsets.UTF_8);
    byte[] notUtf8 = {'{', '"', 'q', '"', ':', (byte) 0xC3, (byte) 0x28, '}'};
    long before = System.currentTimeMillis();

    process(
        raw(
            10,
            "{\"query_id\":\"q-1\",\"text\":\"  usb c cable \",\"top_k\":5,"
                + "\"filters\":{\"brands\":[\"StarTech.com\"],\"price_max\":50}}"));
    process(raw(11, badJson));
    process(raw(12, noId));
    process(raw(13, oversized));
    process(raw(14, notUtf8));
    process(raw(15, "{\"query_id\":\"q-6\",\"text\":\"toner\"}"));
    process(raw(16, (byte[]) null));
    long after = System.currentTimeMillis();

    assertThat(harness.extractOutputValues())
        .allSatisfy(a -> assertThat(a.tsInMillis()).isBetween(before, after))
        .extracting(AcceptedQuery::query)
        .containsExactly(
            new SearchQuery(
                "q-1",
                "usb c cable",
                5,
                new Filters(new String[] {"startech.com"}, null, 50.0),
                1_010,
                null),
            new SearchQuery("q-6", "toner", SearchQuery.DEFAULT_TOP_K, null, 1_015, null));

    List<DeadLetter> dead = deadLetters();
    assertThat(dead).hasSize(5);
    assertThat(dead)
        .allSatisfy(
            d -> {
              assertThat(d.topic()).isEqualTo(TOPIC);
              assertThat(d.partition()).isEqualTo(PARTITION);
              assertThat(d.ts()).isBetween(before, after);
            });
    assertThat(dead).extracting(DeadLetter::offset).containsExactly(11L, 12L, 13L, 14L, 16L);

    DeadLetter malformed = dead.get(0);
    assertThat(malformed.reason()).startsWith("malformed JSON");
    assertThat(malformed.payload()).isEqualTo(badJson);
    assertThat(malformed.payloadEncoding()).isEqualTo(DeadLetter.UTF8);

    DeadLetter missingId = dead.get(1);
    assertThat(missingId.reason()).isEqualTo("query_id is required");
    assertThat(missingId.payload()).isEqualTo(noId);

    DeadLetter tooBig = dead.get(2);
    assertThat(tooBig.reason())
        .contains(oversized.length + " bytes")
        .contains("maximum of " + MAX_BYTES + " bytes");
    assertThat(tooBig.payloadBytes()).hasSize(MAX_BYTES);
    assertThat(new String(oversized, StandardCharsets.UTF_8)).startsWith(tooBig.payload());

    DeadLetter binary = dead.get(3);
    assertThat(binary.reason()).contains("not valid UTF-8");
    assertThat(binary.payloadEncoding()).isEqualTo(DeadLetter.BASE64);
    assertThat(binary.payloadBytes()).isEqualTo(notUtf8);

    DeadLetter tombstone = dead.get(4);
    assertThat(tombstone.reason()).contains("tombstone");
    assertThat(tombstone.payload()).isEmpty();
  }

  @Test
  void recordsKeepTheirTimestampsOnBothOutputs() throws Exception {
    process(raw(1, "{\"query_id\":\"q-1\",\"text\":\"toner\"}"));
    process(raw(2, "not json"));

    assertThat(harness.extractOutputStreamRecords())
        .singleElement()
        .satisfies(r -> assertThat(r.getTimestamp()).isEqualTo(1_001L));
    assertThat(harness.getSideOutput(ParseQueries.DEAD_LETTERS))
        .singleElement()
        .satisfies(r -> assertThat(r.getTimestamp()).isEqualTo(1_002L));
  }

  @Test
  void theEventTimeIsTheClientsTsElseTheRecordsTimestampNeverTheWallClock() throws Exception {
    process(raw(1, "{\"query_id\":\"q-1\",\"text\":\"toner\"}"));
    process(raw(2, "{\"query_id\":\"q-2\",\"text\":\"toner\",\"ts\":42}"));
    RawMessage untimed =
        new RawMessage(
            TOPIC,
            PARTITION,
            3,
            -1,
            null,
            "{\"query_id\":\"q-3\",\"text\":\"toner\"}".getBytes(StandardCharsets.UTF_8));
    harness.processElement(new StreamRecord<>(untimed));
    // A replay of the first record (after a failure) is stamped as the first delivery was.
    process(raw(1, "{\"query_id\":\"q-1\",\"text\":\"toner\"}"));

    assertThat(harness.extractOutputValues())
        .extracting(a -> a.query().ts())
        .containsExactly(1_001L, 42L, 0L, 1_001L);
  }

  @Test
  void aTsFarAheadOfItsRecordIsNotTheEventTime() throws Exception {
    // Long.MAX_VALUE would move the router's decayed loads to the end of time for good.
    process(raw(1, "{\"query_id\":\"q-1\",\"text\":\"toner\",\"ts\":9223372036854775807}"));
    long ahead = 1_002 + ParseQueries.MAX_CLOCK_SKEW_MS;
    process(raw(2, "{\"query_id\":\"q-2\",\"text\":\"toner\",\"ts\":" + ahead + "}"));
    process(raw(3, "{\"query_id\":\"q-3\",\"text\":\"toner\",\"ts\":" + (ahead + 2) + "}"));
    assertThat(harness.extractOutputValues())
        .extracting(a -> a.query().ts())
        .containsExactly(1_001L, ahead, 1_003L);
    assertThat(deadLetters()).isEmpty();
  }

  /**
   * A record stamped 0 (a producer may set it) or without a timestamp has nothing to bound its
   * client's ts by but the acceptance time: a ts far ahead of that is not the event time either.
   */
  @Test
  void aTsFarAheadOfTheAcceptanceIsNotTheEventTimeOfARecordWithoutTimestamp() throws Exception {
    long now = System.currentTimeMillis();
    for (long recordTs : new long[] {0, -1}) {
      for (String ts :
          List.of(
              "9223372036854775807",
              Long.toString(now + 2 * ParseQueries.MAX_CLOCK_SKEW_MS),
              "42",
              Long.toString(now))) {
        harness.processElement(
            new StreamRecord<>(
                new RawMessage(
                    TOPIC,
                    PARTITION,
                    7,
                    recordTs,
                    null,
                    ("{\"query_id\":\"q\",\"text\":\"toner\",\"ts\":" + ts + "}")
                        .getBytes(StandardCharsets.UTF_8))));
      }
    }
    assertThat(harness.extractOutputValues())
        .extracting(a -> a.query().ts())
        .containsExactly(0L, 0L, 42L, now, 0L, 0L, 42L, now);
    assertThat(deadLetters()).isEmpty();
  }

  @Test
  void stampingTheEventTimeKeepsEveryOtherField() throws Exception {
    process(raw(5, "{\"query_id\":\"q-5\",\"text\":\"toner\",\"explain\":true}"));
    assertThat(harness.extractOutputValues())
        .singleElement()
        .satisfies(
            a -> {
              assertThat(a.query().ts()).isEqualTo(1_005L);
              assertThat(a.query().explain()).isTrue();
            });
  }

  @Test
  void aStreamOfOnlyBadMessagesIsDeadLetteredWithoutFailing() throws Exception {
    List<String> bad =
        List.of(
            "",
            "   ",
            "[]",
            "42",
            "{\"query_id\":\"q\",\"text\":\"x\"} trailing",
            "{\"query_id\":\"q\",\"query_id\":\"r\",\"text\":\"x\"}",
            "{\"query_id\":\"q\",\"text\":\"x\",\"top_k\":1000}",
            "{\"query_id\":\"q\",\"text\":\"x\",\"filters\":{\"colour\":\"red\"}}",
            "[".repeat(200) + "]".repeat(200));
    for (int i = 0; i < bad.size(); i++) {
      process(raw(i, bad.get(i)));
    }

    assertThat(harness.extractOutputValues()).isEmpty();
    assertThat(deadLetters())
        .hasSize(bad.size())
        .allSatisfy(d -> assertThat(d.reason()).isNotBlank())
        .extracting(DeadLetter::offset)
        .containsExactly(0L, 1L, 2L, 3L, 4L, 5L, 6L, 7L, 8L);
  }

  @Test
  void withNothingBadThereIsNoDeadLetterOutput() throws Exception {
    process(raw(1, "{\"query_id\":\"q-1\",\"text\":\"toner\"}"));
    assertThat(harness.extractOutputValues()).hasSize(1);
    assertThat(deadLetters()).isEmpty();
  }
}
