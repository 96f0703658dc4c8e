package io.moesearch.operators;

import static org.assertj.core.api.Assertions.assertThat;

import io.moesearch.connectors.message.CacheFill;
import io.moesearch.connectors.message.SearchQuery;
import io.moesearch.core.overload.DegradationLevel;
import java.util.ArrayList;
import java.util.List;
import org.apache.flink.api.common.functions.util.ListCollector;
import org.junit.jupiter.api.Test;

/** Which embeddings become cache fills. */
class EmbeddingFillsTest {
  private static final SearchQuery Q = new SearchQuery("q", "USB cable", 10, null, 0, null);
  private static final float[] V = {0.6f, 0.8f};

  private static List<CacheFill> fills(EmbeddedQuery q) {
    List<CacheFill> out = new ArrayList<>();
    new EmbeddingFills("model-1").flatMap(q, new ListCollector<>(out));
    return out;
  }

  @Test
  void onlyAModelsEmbeddingOfAnAdmittedTextIsFilled() {
    assertThat(fills(new EmbeddedQuery(Q, V, 1, 2, false)))
        .singleElement()
        .satisfies(f -> assertThat(f.text()).isEqualTo("usb cable"));
    assertThat(fills(new EmbeddedQuery(Q, V, 1, 2, true))).as("from the cache").isEmpty();
    assertThat(fills(new EmbeddedQuery(Q, V, 1, 2, false, DegradationLevel.NONE, false)))
        .as("not admitted by the cache")
        .isEmpty();
    assertThat(fills(EmbeddedQuery.overloaded(Q, 1, 2))).as("not embedded").isEmpty();
  }
}
