package io.moesearch.core.overload;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class ReplayWindowTest {
  private static final long RESTORE = 100_000;

  @Test
  void nothingIsServedInFullWithoutARestoreOrAfterTheWindow() {
    ReplayWindow w = new ReplayWindow(60_000);
    assertThat(w.servesInFull(500, 1_000, false)).as("never restored").isFalse();
    assertThat(w.inWindow(1_000)).isFalse();

    w.restoredAt(RESTORE);
    assertThat(w.inWindow(RESTORE + 59_999)).isTrue();
    assertThat(w.servesInFull(1, RESTORE + 59_999, false)).as("last ms").isTrue();
    assertThat(w.servesInFull(1, RESTORE + 60_000, false)).as("window over").isFalse();
    assertThat(w.inWindow(RESTORE + 60_000)).isFalse();
  }

  /**
   * After a restore the backlog behind the replays is served in full too, until a query arrives
   * close to its event time with the model idle; replays stay in full after that.
   */
  @Test
  void theBacklogIsServedInFullUntilCaughtUpAndReplaysAlways() {
    ReplayWindow w = new ReplayWindow(60_000);
    w.restoredAt(RESTORE);
    assertThat(w.servesInFull(RESTORE - 1, RESTORE + 10, false)).as("replay").isTrue();
    assertThat(w.servesInFull(RESTORE + 1_000, RESTORE + 8_000, false))
        .as("backlog, 7 s behind")
        .isTrue();
    assertThat(w.servesInFull(RESTORE + 9_000, RESTORE + 9_500, false))
        .as("recent, but the model still busy")
        .isTrue();
    assertThat(w.servesInFull(0, RESTORE + 9_600, true)).as("event time unknown").isTrue();

    assertThat(w.servesInFull(RESTORE + 9_000, RESTORE + 9_500, true)).as("caught up").isFalse();
    assertThat(w.servesInFull(RESTORE + 2_000, RESTORE + 12_000, false))
        .as("after catching up, even a late query degrades as usual")
        .isFalse();
    assertThat(w.servesInFull(RESTORE - 5, RESTORE + 12_000, false)).as("a replay, still").isTrue();

    w.restoredAt(RESTORE + 20_000);
    assertThat(w.servesInFull(RESTORE + 21_000, RESTORE + 30_000, false))
        .as("a new restore catches up afresh")
        .isTrue();
  }

  @Test
  void aZeroWindowServesNothingInFullAndBadArgumentsFail() {
    ReplayWindow off = new ReplayWindow(0);
    off.restoredAt(RESTORE);
    assertThat(off.servesInFull(1, RESTORE, false)).isFalse();
    assertThatThrownBy(() -> new ReplayWindow(-1))
        .hasMessageContaining("overload.replay-full-quality-ms");
    assertThatThrownBy(() -> off.restoredAt(0)).isInstanceOf(IllegalArgumentException.class);
  }
}
