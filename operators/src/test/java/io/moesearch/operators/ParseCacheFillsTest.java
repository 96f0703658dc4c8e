package io.moesearch.operators;

import static org.assertj.core.api.Assertions.assertThat;

import io.moesearch.connectors.message.CacheFill;
import io.moesearch.connectors.message.MessageJson;
import io.moesearch.connectors.message.RankedItem;
import io.moesearch.connectors.message.RawMessage;
import java.nio.charset.StandardCharsets;
import org.apache.flink.streaming.api.operators.ProcessOperator;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.OneInputStreamOperatorTestHarness;
import org.junit.jupiter.api.Test;

class ParseCacheFillsTest {

  private static RawMessage raw(long offset, byte[] value) {
    return new RawMessage("search-cache-fill", 0, offset, 1L, null, value);
  }

  @Test
  void validFillsPassAndBadOnesAreDeadLetteredWithTheReason() throws Exception {
    CacheFill fill =
        CacheFill.result(
            "toner", 10, "", "v1", new RankedItem[] {new RankedItem("p", "t", 1f)}, new int[] {1});
    byte[] big = new byte[300];
    java.util.Arrays.fill(big, (byte) 'x');
    try (var h =
        Harnesses.withoutGenericTypes(
            new OneInputStreamOperatorTestHarness<>(
                new ProcessOperator<>(new ParseCacheFills(256))))) {
      h.open();
      h.processElement(new StreamRecord<>(raw(1, new MessageJson().encodeCacheFill(fill))));
      h.processElement(new StreamRecord<>(raw(2, "{\"kind\":1}".getBytes(StandardCharsets.UTF_8))));
      h.processElement(new StreamRecord<>(raw(3, big)));
      h.processElement(new StreamRecord<>(raw(4, null)));
      assertThat(h.extractOutputValues()).containsExactly(fill);
      assertThat(h.getSideOutput(ParseQueries.DEAD_LETTERS))
          .extracting(r -> r.getValue().offset() + ": " + r.getValue().reason())
          .containsExactly(
              "2: invalid cache fill: kind must be a string, got number",
              "3: cache fill of 300 bytes exceeds 256 bytes",
              "4: cache fill has no value");
    }
  }

  @Test
  void modelEmbeddingsBecomeFillsButCachedOnesDoNot() {
    var fills = new java.util.ArrayList<CacheFill>();
    var out = new org.apache.flink.api.common.functions.util.ListCollector<>(fills);
    var q = new io.moesearch.connectors.message.SearchQuery("q", " HP  Toner", 10, null, 0, null);
    EmbeddingFills fn = new EmbeddingFills("m1");
    fn.flatMap(new EmbeddedQuery(q, new float[] {1f}, 5, 1.0), out);
    fn.flatMap(new EmbeddedQuery(q, new float[] {1f}, 5, 0.0, true), out);
    assertThat(fills)
        .singleElement()
        .satisfies(
            f -> {
              assertThat(f.text()).isEqualTo("hp toner");
              assertThat(f.version()).isEqualTo("m1");
              assertThat(f.embedding()).containsExactly(1f);
            });
  }
}
