package io.moesearch.core.live;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

/** The largest recent value, forgotten once it leaves the window. */
class RecentMaxTest {
  @Test
  void aValueCountsForTheWindowThenIsForgotten() {
    RecentMax m = new RecentMax(60_000, 6);
    assertThat(m.max(1_000)).isZero();
    m.record(1_000, 5_000);
    m.record(15_000, 200);
    m.record(16_000, -3);
    assertThat(m.max(16_000)).isEqualTo(5_000);
    assertThat(m.max(59_000)).isEqualTo(5_000);
    assertThat(m.max(61_000)).as("the 0-10 s bucket left the window").isEqualTo(200);
    assertThat(m.max(200_000)).isZero();
    m.record(180_000, 7);
    assertThat(m.max(180_001)).as("a reused bucket starts afresh").isEqualTo(7);
  }

  @Test
  void argumentsAreChecked() {
    assertThatThrownBy(() -> new RecentMax(5, 6)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new RecentMax(60_000, 0)).isInstanceOf(IllegalArgumentException.class);
  }
}
