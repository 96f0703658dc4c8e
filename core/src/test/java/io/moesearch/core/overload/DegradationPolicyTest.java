package io.moesearch.core.overload;

import static io.moesearch.core.overload.DegradationLevel.*;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import io.moesearch.core.gate.Route;
import org.junit.jupiter.api.Test;

class DegradationPolicyTest {

  @Test
  void levelRisesWithTheWaitOneStepPerQuarterOfTheBound() {
    DegradationPolicy p = new DegradationPolicy(100);
    assertThat(p.admit(0)).isEqualTo(NONE);
    assertThat(p.admit(24)).isEqualTo(NONE);
    assertThat(p.admit(25)).isEqualTo(FEWER_EXPERTS);
    assertThat(p.admit(50)).isEqualTo(FEWER_CANDIDATES);
    assertThat(p.admit(75)).isEqualTo(FAST_PATH);
    assertThat(p.admit(100)).isEqualTo(OVERLOADED);
    assertThat(p.admit(1_000)).isEqualTo(OVERLOADED);
  }

  @Test
  void aBurstJumpsStraightToTheLevelItsWaitNeeds() {
    assertThat(new DegradationPolicy(100).admit(80)).isEqualTo(FAST_PATH);
  }

  @Test
  void levelFallsOnlyWhenTheWaitDrainsBelowHalfTheThreshold() {
    DegradationPolicy p = new DegradationPolicy(100);
    p.admit(100);
    assertThat(p.admit(99)).as("just below the bound: stays").isEqualTo(OVERLOADED);
    assertThat(p.admit(50)).isEqualTo(OVERLOADED);
    assertThat(p.admit(49)).isEqualTo(FAST_PATH);
    assertThat(p.admit(40)).isEqualTo(FAST_PATH);
    assertThat(p.admit(30)).as("below 75/2, not below 50/2").isEqualTo(FEWER_CANDIDATES);
    assertThat(p.admit(12.4)).isEqualTo(NONE);
    assertThat(p.level()).isEqualTo(NONE);
  }

  @Test
  void rejectsAnEmptyBoundAndNegativeWaits() {
    assertThatThrownBy(() -> new DegradationPolicy(0)).hasMessageContaining("overload.max-wait-ms");
    assertThatThrownBy(() -> new DegradationPolicy(8).admit(-1))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void theWaitIsTheBacklogTimesTheMeasuredModelTimePerQuery() {
    QueueWaitEstimate w = new QueueWaitEstimate();
    assertThat(w.waitMillis(3)).isEqualTo(3 * QueueWaitEstimate.PRIOR_MILLIS_PER_QUERY);
    w.record(8, 16_000_000); // 2 ms per query: the first measurement replaces the prior
    assertThat(w.waitMillis(10)).isEqualTo(20.0);
    w.record(4, 40_000_000); // 10 ms per query, weighted 0.2
    assertThat(w.millisPerQuery()).isCloseTo(0.8 * 2 + 0.2 * 10, within(1e-9));
    assertThat(w.waitMillis(0)).isZero();
    assertThatThrownBy(() -> w.record(0, 1)).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void eachLevelCutsTheRouteAsDocumented() {
    Route r = new Route(new int[] {7, 3, 9, 1, 4}, false, 0.8, 10, new int[] {17, 13, 19, 11, 14});
    assertThat(NONE.apply(r, 3)).isEqualTo(r);
    Route fewer = FEWER_EXPERTS.apply(r, 3);
    assertThat(fewer.experts()).containsExactly(7, 3);
    assertThat(fewer.slots()).containsExactly(17, 13);
    assertThat(fewer.oversample()).isEqualTo(10);
    Route smaller = FEWER_CANDIDATES.apply(r, 3);
    assertThat(smaller.experts()).containsExactly(7, 3);
    assertThat(smaller.oversample()).isEqualTo(3);
    Route fast = FAST_PATH.apply(r, 3);
    assertThat(fast.experts()).containsExactly(7);
    assertThat(fast.slots()).containsExactly(17);
    assertThat(fast.fast()).isTrue();
    assertThat(fast.oversample()).isEqualTo(3);
    assertThat(FAST_PATH.apply(new Route(new int[] {2}, true, 0.1, 2), 3).oversample())
        .as("never more candidates than the route had")
        .isEqualTo(2);
    assertThatThrownBy(() -> OVERLOADED.apply(r, 3)).isInstanceOf(IllegalStateException.class);
  }

  @Test
  void wireNamesRoundTrip() {
    for (DegradationLevel l : DegradationLevel.values()) {
      assertThat(DegradationLevel.ofWireName(l.wireName())).isEqualTo(l);
    }
    assertThat(OVERLOADED.wireName()).isEqualTo("overloaded");
  }
}
