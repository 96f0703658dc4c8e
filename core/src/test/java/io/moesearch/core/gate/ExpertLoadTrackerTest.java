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
