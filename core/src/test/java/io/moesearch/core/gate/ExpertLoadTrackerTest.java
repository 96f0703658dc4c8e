package io.moesearch.core.gate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

class ExpertLoadTrackerTest {

  @Test
  void aHalfLifeOfEventTimeHalvesACount() {
    ExpertLoadTracker t = new ExpertLoadTracker(3, 1000);
    t.recordActivations(new int[] {0}, 5_000);
    t.recordActivations(new int[] {0}, 5_000);
    assertThat(t.activations(5_000)[0]).isCloseTo(2.0, within(1e-12));
    assertThat(t.activations(6_000)[0]).isCloseTo(1.0, within(1e-12));
    assertThat(t.activations(8_000)[0]).isCloseTo(0.25, within(1e-12));
  }

  @Test
  void candidatesDecayLikeActivations() {
    ExpertLoadTracker t = new ExpertLoadTracker(2, 500);
    t.recordCandidates(1, 40, 0);
    assertThat(t.candidates(500)[1]).isCloseTo(20.0, within(1e-9));
  }

  @Test
  void loadsAreSharesRelativeToUniform() {
    ExpertLoadTracker t = new ExpertLoadTracker(4, 60_000);
    assertThat(t.loads(0)).containsExactly(1.0, 1.0, 1.0, 1.0);
    t.recordActivations(new int[] {0, 1}, 0);
    t.recordActivations(new int[] {0}, 0);
    double[] l = t.loads(0);
    assertThat(l[0]).isCloseTo(4 * 2.0 / 3, within(1e-12));
    assertThat(l[1]).isCloseTo(4 * 1.0 / 3, within(1e-12));
    assertThat(l[2]).isZero();
    assertThat(l[0] + l[1] + l[2] + l[3]).isCloseTo(4.0, within(1e-12));
  }

  @Test
  void theSameTimestampsGiveTheSameLoadsWhateverTheWallClock() {
    long[] ts = {100, 250, 250, 900, 1700, 1600, 4000};
    int[][] experts = {{0}, {1, 2}, {0}, {3}, {0, 3}, {2}, {1}};
    double[] a = replay(ts, experts);
    double[] b = replay(ts, experts);
    assertThat(a).containsExactly(b);
  }

  @Test
  void aLateEventCountsWithItsDecayedWeight() {
    ExpertLoadTracker t = new ExpertLoadTracker(2, 1000);
    t.recordActivations(new int[] {1}, 2000);
    t.recordActivations(new int[] {0}, 1000);
    double[] a = t.activations(2000);
    assertThat(a[0]).isCloseTo(0.5, within(1e-12));
    assertThat(a[1]).isCloseTo(1.0, within(1e-12));
  }

  /**
   * One timestamp an hour ahead (a client's ts) moves the clock by at most {@link
   * ExpertLoadTracker#MAX_STEP_HALF_LIVES} half-lives: the genuine events after it still count (16
   * of them weigh as much as it), so their loads still steer routing.
   */
  @Test
  void oneTimestampFarAheadMovesTheClockByABoundedStep() {
    ExpertLoadTracker t = new ExpertLoadTracker(2, 1000);
    t.recordActivations(new int[] {0}, 10_000);
    t.recordActivations(new int[] {1}, 10_000 + 3_600_000);
    assertThat(t.snapshot().timestampMs()).isEqualTo(10_000 + 4 * 1000);
    for (int i = 1; i <= 32; i++) {
      t.recordActivations(new int[] {0}, 10_000 + i);
    }
    double[] a = t.snapshot().activations();
    assertThat(a[1]).isCloseTo(1.0, within(1e-12));
    assertThat(a[0]).as("32 genuine events, each at about 2^-4, and the first").isBetween(2.0, 2.2);
    assertThat(t.loads(10_000 + 4 * 1000)[0]).isGreaterThan(1.0);
  }

  /**
   * A fresh tracker's clock starts at its first event: when that is an hour ahead, the events after
   * it still weigh 2^-4 each, not 2^-3600 (nothing).
   */
  @Test
  void eventsFarBehindTheClockStillCount() {
    ExpertLoadTracker t = new ExpertLoadTracker(2, 1000);
    t.recordActivations(new int[] {1}, 10_000 + 3_600_000);
    for (int i = 1; i <= 32; i++) {
      t.recordActivations(new int[] {0}, 10_000 + i);
    }
    double[] a = t.snapshot().activations();
    assertThat(a[1]).isCloseTo(1.0, within(1e-12));
    assertThat(a[0]).isCloseTo(32.0 / 16, within(1e-12));
  }

  /** After an idle gap, genuine events catch the clock up, a bounded step each. */
  @Test
  void theClockCatchesUpAfterAGapByBoundedSteps() {
    ExpertLoadTracker t = new ExpertLoadTracker(1, 1000);
    t.recordActivations(new int[] {0}, 0);
    t.recordActivations(new int[] {0}, 10_000);
    assertThat(t.snapshot().timestampMs()).isEqualTo(4_000);
    t.recordActivations(new int[] {0}, 10_000);
    assertThat(t.snapshot().timestampMs()).isEqualTo(8_000);
    t.recordActivations(new int[] {0}, 10_000);
    assertThat(t.snapshot().timestampMs()).isEqualTo(10_000);
    assertThat(t.activations(10_000)[0])
        .isCloseTo(((1.0 / 16 + 1) / 16 + 1) / 4 + 1, within(1e-12));
  }

  @Test
  void snapshotAndRestoreRoundTrip() {
    ExpertLoadTracker t = new ExpertLoadTracker(3, 2000);
    t.recordActivations(new int[] {0, 2}, 10);
    t.recordCandidates(2, 100, 500);
    ExpertLoadTracker.Snapshot s = t.snapshot();
    assertThat(s.timestampMs()).isEqualTo(500);
    ExpertLoadTracker r = ExpertLoadTracker.restore(s, 2000);
    assertThat(r.activations(3000)).containsExactly(t.activations(3000));
    assertThat(r.candidates(3000)).containsExactly(t.candidates(3000));
    r.recordActivations(new int[] {1}, 3000);
    t.recordActivations(new int[] {1}, 3000);
    assertThat(r.loads(4000)).containsExactly(t.loads(4000));
  }

  @Test
  void argumentsAreCheckedUpFront() {
    assertThatThrownBy(() -> new ExpertLoadTracker(2, 0)).hasMessageContaining("halfLifeMs");
    ExpertLoadTracker t = new ExpertLoadTracker(2, 10);
    assertThatThrownBy(() -> t.recordActivations(new int[] {2}, 0)).hasMessageContaining("range");
  }

  private static double[] replay(long[] ts, int[][] experts) {
    ExpertLoadTracker t = new ExpertLoadTracker(4, 700);
    for (int i = 0; i < ts.length; i++) {
      t.recordActivations(experts[i], ts[i]);
    }
    return t.loads(5000);
  }
}
