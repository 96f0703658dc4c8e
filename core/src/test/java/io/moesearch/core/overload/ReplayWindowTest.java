package io.moesearch.core.overload;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class ReplayWindowTest {
  private static final long RESTORE = 100_000;

  @Test
  void queriesAreServedInFullOnlyInTheWindowAfterARestore() {
    ReplayWindow w = new ReplayWindow(60_000);
    assertThat(w.inWindow(1_000)).as("never restored").isFalse();

    w.restoredAt(RESTORE);
    assertThat(w.inWindow(RESTORE)).isTrue();
    assertThat(w.inWindow(RESTORE + 59_999)).as("last ms").isTrue();
    assertThat(w.inWindow(RESTORE + 60_000)).as("window over").isFalse();

    w.restoredAt(RESTORE + 100_000);
    assertThat(w.inWindow(RESTORE + 100_001)).as("a later restore opens it again").isTrue();
  }

  @Test
  void aSubtaskStartingAfreshIsNeverInTheWindow() {
    assertThat(ReplayWindow.starting(60_000, false, RESTORE).inWindow(RESTORE)).isFalse();
    assertThat(ReplayWindow.starting(60_000, true, RESTORE).inWindow(RESTORE + 1)).isTrue();
  }

  @Test
  void aZeroWindowServesNothingInFullAndBadArgumentsFail() {
    ReplayWindow off = new ReplayWindow(0);
    off.restoredAt(RESTORE);
    assertThat(off.inWindow(RESTORE)).isFalse();
    assertThatThrownBy(() -> new ReplayWindow(-1))
        .hasMessageContaining("overload.replay-full-quality-ms");
    assertThatThrownBy(() -> off.restoredAt(0)).isInstanceOf(IllegalArgumentException.class);
  }
}
