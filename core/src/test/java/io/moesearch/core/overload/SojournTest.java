package io.moesearch.core.overload;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class SojournTest {
  @Test
  void isTheTimeInTheJobLessTheEmbedding() {
    assertThat(Sojourn.afterEmbedding(1_500, 1_000, 120)).isEqualTo(380);
  }

  @Test
  void neverNegativeAndIgnoresAnUnusableEmbeddingTime() {
    assertThat(Sojourn.afterEmbedding(1_000, 1_000, 50)).isZero();
    assertThat(Sojourn.afterEmbedding(900, 1_000, 0)).isZero();
    assertThat(Sojourn.afterEmbedding(1_300, 1_000, Double.NaN)).isEqualTo(300);
    assertThat(Sojourn.afterEmbedding(1_300, 1_000, -5)).isEqualTo(300);
  }
}
