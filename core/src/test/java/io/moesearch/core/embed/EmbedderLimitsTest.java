package io.moesearch.core.embed;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Any text embeds, however long or odd (control characters included), also at the largest {@code
 * embedder.max-tokens}: an exception there would fail the embedding task on every replay of the
 * query or catalogue update.
 */
class EmbedderLimitsTest {
  @Test
  void longAndOddTextsEmbedAtTheLargestMaxTokens() {
    try (EmbeddingModel model =
            EmbeddingModel.load(new EmbedderConfig(null, null, "mean", true, 8192, 1));
        Embedder e = model.newEmbedder()) {
      List<String> texts =
          List.of(
              "word ".repeat(20_000),
              "\u4e2d".repeat(10_000),
              "\ud83d\ude00".repeat(3_000),
              "e" + "\u0301".repeat(2_000),
              "\u0301",
              "",
              " \t\n ",
              "***",
              "x9-".repeat(3_000),
              // catalogue texts are not normalised: NUL and other control characters reach the
              // model in product titles
              "cable\u0000\u0001\u001f\u007f\u2028\ufeff\ufffd end",
              "\u0000".repeat(5_000));
      float[][] v = e.embed(texts);
      assertThat(v.length).isEqualTo(texts.size());
      for (float[] x : v) {
        assertThat(x).hasSize(384);
        for (float f : x) {
          assertThat(Float.isFinite(f)).isTrue();
        }
      }
    }
  }
}
