package io.moesearch.operators;

import static org.assertj.core.api.Assertions.assertThat;

import io.moesearch.connectors.message.CacheFill;
import io.moesearch.connectors.message.SearchQuery;
import io.moesearch.core.overload.DegradationLevel;
import java.util.List;
import org.apache.flink.streaming.api.operators.StreamFlatMap;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.OneInputStreamOperatorTestHarness;
import org.junit.jupiter.api.Test;

/** Which embeddings become cache fills. */
class EmbeddingFillsTest {
  private static final SearchQuery Q = new SearchQuery("q", "USB cable", 10, null, 0, null);
  private static final float[] V = {0.6f, 0.8f};

  private static List<CacheFill> fills(EmbeddedQuery q) throws Exception {
    try (var h =
        new OneInputStreamOperatorTestHarness<>(
            new StreamFlatMap<>(new EmbeddingFills("model-1")))) {
      h.open();
      h.processElement(new StreamRecord<>(q));
      return h.extractOutputValues();
    }
  }

  @Test
  void onlyAModelsEmbeddingOfAnAdmittedTextIsFilled() throws Exception {
    assertThat(fills(new EmbeddedQuery(Q, V, 1, 2, false)))
        .singleElement()
        .satisfies(f -> assertThat(f.text()).isEqualTo("usb cable"));
    assertThat(fills(new EmbeddedQuery(Q, V, 1, 2, true))).as("from the cache").isEmpty();
    assertThat(fills(new EmbeddedQuery(Q, V, 1, 2, false, DegradationLevel.NONE, false)))
        .as("not admitted by the cache")
        .isEmpty();
    assertThat(fills(EmbeddedQuery.overloaded(Q, 1, 2))).as("not embedded").isEmpty();
  }

  /** An embedding no fill can carry is not cached, and the task goes on. */
  @Test
  void anEmbeddingWithANonFiniteValueIsNotCachedAndFailsNothing() throws Exception {
    assertThat(fills(new EmbeddedQuery(Q, new float[] {Float.NaN, 1f}, 1, 2, false))).isEmpty();
  }
}
