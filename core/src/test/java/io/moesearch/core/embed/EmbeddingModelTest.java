package io.moesearch.core.embed;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class EmbeddingModelTest {

  private static EmbeddingModel model;

  @BeforeAll
  static void load() {
    model = EmbeddingModel.load(EmbedderConfig.bundled());
  }

  @AfterAll
  static void close() {
    model.close();
  }

  private static double dot(float[] a, float[] b) {
    double s = 0;
    for (int i = 0; i < a.length; i++) {
      s += a[i] * b[i];
    }
    return s;
  }

  @Test
  void matchesTheReferenceSimilaritiesOfAllMiniLmL6V2() {
    try (Embedder e = model.newEmbedder()) {
      float[][] v =
          e.embed(
              List.of(
                  "A man is eating food.",
                  "A man is eating a piece of bread.",
                  "The girl is carrying a baby."));
      assertThat(model.dimension()).isEqualTo(384);
      assertThat(dot(v[0], v[0])).isCloseTo(1.0, within(1e-4));
      assertThat(dot(v[0], v[1])).isCloseTo(0.755, within(0.01));
      assertThat(dot(v[0], v[2])).isCloseTo(-0.105, within(0.01));
    }
  }

  @Test
  void batchedAndSingleEmbeddingsAgree() {
    try (Embedder e = model.newEmbedder()) {
      List<String> texts =
          List.of("usb cable", "a much longer text about a laptop with 16 GB of RAM");
      float[][] batch = e.embed(texts);
      for (int i = 0; i < texts.size(); i++) {
        float[] single = e.embed(texts.get(i));
        assertThat(dot(single, batch[i])).isCloseTo(1.0, within(1e-5));
      }
    }
  }
}
