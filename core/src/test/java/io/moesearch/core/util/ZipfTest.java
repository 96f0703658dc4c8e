package io.moesearch.core.util;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

class ZipfTest {

  @Test
  void frequenciesFollowTheLaw() {
    Zipf z = new Zipf(1000, 1.0, 3);
    int draws = 200_000;
    int[] counts = new int[1000];
    for (int i = 0; i < draws; i++) {
      counts[z.next()]++;
    }
    double h = 0;
    for (int r = 1; r <= 1000; r++) {
      h += 1.0 / r;
    }
    assertThat(z.probability(0)).isCloseTo(1 / h, within(1e-12));
    assertThat(counts[0] / (double) draws).isCloseTo(1 / h, within(0.01));
    assertThat(counts[1] / (double) draws).isCloseTo(0.5 / h, within(0.01));
    assertThat(z.massOfTop(1000)).isEqualTo(1.0);
  }

  @Test
  void sameSeedSameSequenceAndUniformAtZero() {
    Zipf a = new Zipf(50, 1.2, 9);
    Zipf b = new Zipf(50, 1.2, 9);
    for (int i = 0; i < 100; i++) {
      assertThat(a.next()).isEqualTo(b.next());
    }
    Zipf u = new Zipf(4, 0, 1);
    assertThat(u.probability(3)).isCloseTo(0.25, within(1e-12));
  }

  @Test
  void rejectsBadArguments() {
    assertThatThrownBy(() -> new Zipf(0, 1, 1)).hasMessageContaining("n must be");
    assertThatThrownBy(() -> new Zipf(5, -1, 1)).hasMessageContaining("exponent");
  }
}
