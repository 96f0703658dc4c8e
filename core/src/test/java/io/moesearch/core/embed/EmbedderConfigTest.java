package io.moesearch.core.embed;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class EmbedderConfigTest {
  @Test
  void everySettingThatChangesTheVectorsChangesTheModelIdAndTheThreadsDoNot() {
    EmbedderConfig base = EmbedderConfig.bundled();
    assertThat(base.modelId()).isEqualTo("sentence-transformers/all-MiniLM-L6-v2|mean|128");
    assertThat(new EmbedderConfig(null, null, "cls", true, 128, 1).modelId())
        .isNotEqualTo(base.modelId());
    assertThat(new EmbedderConfig(null, null, "mean", true, 256, 1).modelId())
        .isNotEqualTo(base.modelId());
    assertThat(base.withIntraOpThreads(4).modelId()).isEqualTo(base.modelId());
  }

  @Test
  void unnormalisedEmbeddingsAreRefused() {
    assertThatThrownBy(() -> new EmbedderConfig(null, null, "mean", false, 128, 1))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("embedder.normalize must be true")
        .hasMessageContaining("unit vectors");
  }
}
