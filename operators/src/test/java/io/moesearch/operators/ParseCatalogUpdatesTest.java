package io.moesearch.operators;

import static org.assertj.core.api.Assertions.assertThat;

import io.moesearch.connectors.message.CatalogUpdateCodec;
import io.moesearch.connectors.message.DeadLetter;
import io.moesearch.connectors.message.MessageJson;
import io.moesearch.connectors.message.RawMessage;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.apache.flink.streaming.api.operators.ProcessOperator;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.OneInputStreamOperatorTestHarness;
import org.junit.jupiter.api.Test;

/**
 * Valid catalogue updates go downstream; malformed ones, and records the codec fails on in a way it
 * never foresaw, become bounded dead letters instead of failing the task.
 */
class ParseCatalogUpdatesTest {
  private static final String TOPIC = "search-catalog-updates";

  private static OneInputStreamOperatorTestHarness<RawMessage, ProductUpdate> harness(
      ParseCatalogUpdates parse) throws Exception {
    var h =
        Harnesses.withoutGenericTypes(
            new OneInputStreamOperatorTestHarness<>(new ProcessOperator<>(parse)));
    h.open();
    return h;
  }

  private static RawMessage raw(long offset, String key, String json) {
    return new RawMessage(
        TOPIC,
        0,
        offset,
        1_000 + offset,
        key == null ? null : key.getBytes(StandardCharsets.UTF_8),
        json.getBytes(StandardCharsets.UTF_8));
  }

  private static List<DeadLetter> deadLetters(
      OneInputStreamOperatorTestHarness<RawMessage, ProductUpdate> h) {
    var side = h.getSideOutput(ParseQueries.DEAD_LETTERS);
    List<DeadLetter> out = new ArrayList<>();
    if (side != null) {
      side.forEach(r -> out.add(r.getValue()));
    }
    return out;
  }

  @Test
  void validUpdatesGoDownstreamAndMalformedOnesBecomeDeadLettersNamingTheField() throws Exception {
    try (var h = harness(new ParseCatalogUpdates(CatalogUpdateCodec.withDefaults()))) {
      h.processElement(
          new StreamRecord<>(raw(1, "p1", "{\"op\":\"delete\",\"id\":\"p1\",\"ts\":5}")));
      h.processElement(
          new StreamRecord<>(
              raw(2, "p2", "{\"op\":\"patch\",\"id\":\"p2\",\"price\":-3,\"ts\":5}")));
      assertThat(h.extractOutputValues())
          .extracting(ProductUpdate::productId)
          .containsExactly("p1");
      assertThat(deadLetters(h))
          .singleElement()
          .satisfies(
              d -> {
                assertThat(d.offset()).isEqualTo(2);
                assertThat(d.reason()).contains("price");
              });
    }
  }

  /**
   * A failure the codec never foresaw (here a parser throwing a runtime exception with an endless
   * message) is dead-lettered with the exception as its reason, cut to the bounded size, and the
   * next record is processed as usual.
   */
  @Test
  void anUnforeseenFailureOfTheParserIsADeadLetterNotAFailedTask() throws Exception {
    CatalogUpdateCodec codec = CatalogUpdateCodec.withDefaults();
    ParseCatalogUpdates.Parser flaky =
        (raw, now) -> {
          if (raw.offset() == 1) {
            throw new IllegalStateException("x".repeat(100_000));
          }
          if (raw.offset() == 2) {
            throw new NullPointerException();
          }
          return codec.parse(raw, now);
        };
    try (var h = harness(new ParseCatalogUpdates(flaky))) {
      for (long offset = 1; offset <= 3; offset++) {
        h.processElement(
            new StreamRecord<>(
                raw(
                    offset,
                    "p" + offset,
                    "{\"op\":\"delete\",\"id\":\"p" + offset + "\",\"ts\":5}")));
      }
      assertThat(h.extractOutputValues())
          .extracting(ProductUpdate::productId)
          .containsExactly("p3");
      List<DeadLetter> dead = deadLetters(h);
      assertThat(dead).extracting(DeadLetter::offset).containsExactly(1L, 2L);
      assertThat(dead.get(0).reason()).startsWith("catalogue update could not be processed");
      assertThat(dead.get(1).reason()).contains("NullPointerException");
      for (DeadLetter d : dead) {
        assertThat(d.topic()).isEqualTo(TOPIC);
        assertThat(new MessageJson().encodeDeadLetter(d).length)
            .isLessThanOrEqualTo(DeadLetter.MAX_ENCODED_BYTES);
      }
    }
  }
}
