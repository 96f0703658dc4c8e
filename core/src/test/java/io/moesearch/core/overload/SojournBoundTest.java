package io.moesearch.core.overload;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class SojournBoundTest {
  @Test
  void aStandingWaitAfterTheEmbeddingIsReportedOutsideTheReplayWindowOnly() {
    SojournBound fresh = new SojournBound(100, ReplayWindow.starting(60_000, false, 1));
    SojournBound restored = new SojournBound(100, ReplayWindow.starting(60_000, true, 1_000));
    for (long t = 1_000; t <= 1_300; t += 50) {
      // Accepted 500 ms before, 20 ms of it embedding: 480 ms after the embedding.
      fresh.standingWait(t, t - 500, 20);
      assertThat(restored.standingWait(t, t - 500, 20)).isZero();
    }
    assertThat(fresh.standingWait(1_350, 850, 20)).isEqualTo(480);
  }

  @Test
  void theBoundIsChecked() {
    assertThatThrownBy(() -> SojournBound.checked(0))
        .hasMessageContaining("overload.max-sojourn-ms");
    assertThatThrownBy(() -> new SojournBound(100, null))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
