package io.moesearch.core.overload;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class StandingDelayTest {
  @Test
  void aSustainedWaitStandsOnceAWholeIntervalSawIt() {
    StandingDelay d = new StandingDelay(100);
    assertThat(d.observe(0, 300)).as("nothing observed before: not yet standing").isZero();
    assertThat(d.observe(50, 280)).isZero();
    assertThat(d.observe(100, 320)).as("the whole first interval waited >= 280").isEqualTo(280);
    assertThat(d.observe(150, 350)).isEqualTo(280);
    assertThat(d.observe(200, 400)).as("the oldest interval is forgotten").isEqualTo(320);
  }

  @Test
  void aBurstThatDrainsDoesNotStand() {
    StandingDelay d = new StandingDelay(100);
    for (long t = 0; t < 1_000; t += 10) {
      assertThat(d.observe(t, 5)).isLessThanOrEqualTo(5);
    }
    // A 250 ms stall: the queries queued behind it drain, the last of them barely waited.
    assertThat(d.observe(1_250, 250))
        .as("after a gap the previous interval is unobserved")
        .isZero();
    assertThat(d.observe(1_260, 120)).isZero();
    assertThat(d.observe(1_270, 4)).isZero();
    assertThat(d.observe(1_350, 6)).as("the drained interval's least wait").isEqualTo(4);
  }

  @Test
  void argumentsAreChecked() {
    assertThatThrownBy(() -> new StandingDelay(0)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new StandingDelay(10).observe(0, Double.NaN))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
