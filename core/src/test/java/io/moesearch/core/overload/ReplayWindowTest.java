package io.moesearch.core.overload;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class ReplayWindowTest {
  @Test
  void onlyQueriesOlderThanTheRestoreAndOnlyWithinTheWindowAreReplays() {
    ReplayWindow w = new ReplayWindow(60_000);
    assertThat(w.isReplay(500, 1_000)).as("never restored").isFalse();

    w.restoredAt(10_000);
    assertThat(w.isReplay(9_999, 10_001)).isTrue();
    assertThat(w.isReplay(1, 69_999)).as("last ms of the window").isTrue();
    assertThat(w.isReplay(9_999, 70_000)).as("window over").isFalse();
    assertThat(w.isReplay(10_000, 10_001)).as("not older than the restore").isFalse();
    assertThat(w.isReplay(0, 10_001)).as("event time unknown").isFalse();
  }

  @Test
  void aZeroWindowMakesNothingAReplayAndBadArgumentsFail() {
    ReplayWindow off = new ReplayWindow(0);
    off.restoredAt(10_000);
    assertThat(off.isReplay(1, 10_000)).isFalse();
    assertThatThrownBy(() -> new ReplayWindow(-1))
        .hasMessageContaining("overload.replay-full-quality-ms");
    assertThatThrownBy(() -> off.restoredAt(0)).isInstanceOf(IllegalArgumentException.class);
  }
}
