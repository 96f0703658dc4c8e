package io.moesearch.core.overload;

import static io.moesearch.core.overload.DegradationLevel.*;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.moesearch.core.gate.Route;
import org.junit.jupiter.api.Test;

class DegradationPolicyTest {

  @Test
  void levelRisesWithTheBacklogOneStepPerQuarterOfTheBound() {
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
  void aBurstJumpsStraightToTheLevelItsBacklogNeeds() {
    assertThat(new DegradationPolicy(100).admit(80)).isEqualTo(FAST_PATH);
  }

  @Test
  void levelFallsOnlyWhenTheBacklogDrainsBelowHalfTheThreshold() {
    DegradationPolicy p = new DegradationPolicy(100);
    p.admit(100);
    assertThat(p.admit(99)).as("just below the bound: stays").isEqualTo(OVERLOADED);
    assertThat(p.admit(50)).isEqualTo(OVERLOADED);
    assertThat(p.admit(49)).isEqualTo(FAST_PATH);
    assertThat(p.admit(40)).isEqualTo(FAST_PATH);
    assertThat(p.admit(30)).as("below 75/2, not below 50/2").isEqualTo(FEWER_CANDIDATES);
    assertThat(p.admit(11)).isEqualTo(NONE);
    assertThat(p.level()).isEqualTo(NONE);
  }

  @Test
  void rejectsABoundTooSmallForFourStepsAndNegativeBacklogs() {
    assertThatThrownBy(() -> new DegradationPolicy(3)).hasMessageContaining("overload.max-backlog");
    assertThatThrownBy(() -> new DegradationPolicy(8).admit(-1))
        .isInstanceOf(IllegalArgumentException.class);
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
