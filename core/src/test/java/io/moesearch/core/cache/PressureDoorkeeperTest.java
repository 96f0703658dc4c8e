package io.moesearch.core.cache;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class PressureDoorkeeperTest {
  private static final long TARGET = 200;
  private static final long INTERVAL = 1_000;

  /** A doorkeeper whose round trips stood at 3 s for the interval from 0. */
  private static PressureDoorkeeper pressuredAt1s() {
    PressureDoorkeeper d = new PressureDoorkeeper(TARGET, INTERVAL);
    d.roundTrip(0, 3_000);
    d.roundTrip(500, 3_000);
    d.roundTrip(INTERVAL, 3_000);
    assertThat(d.pressured(INTERVAL)).isTrue();
    return d;
  }

  @Test
  void withoutPressureEveryFirstComputationIsCached() {
    PressureDoorkeeper d = new PressureDoorkeeper(TARGET, INTERVAL);
    for (long t = 0; t < 5_000; t += 10) {
      d.roundTrip(t, 40);
      assertThat(d.probe(t)).isTrue();
    }
    assertThat(d.pressured(4_990)).isFalse();
  }

  @Test
  void aRoundTripStandingAboveTheTargetForAnIntervalLetsOnlyProbesThrough() {
    PressureDoorkeeper d = new PressureDoorkeeper(TARGET, INTERVAL);
    for (long t = 0; t < INTERVAL; t += 100) {
      d.roundTrip(t, 900 + t);
      assertThat(d.probe(t)).as("not for a whole interval yet").isTrue();
    }
    d.roundTrip(INTERVAL, 1_900);
    assertThat(d.pressured(INTERVAL)).isTrue();
    assertThat(d.probe(INTERVAL)).as("the first probe").isTrue();
    assertThat(d.probe(INTERVAL + 1)).isFalse();
    assertThat(d.probe(INTERVAL + INTERVAL / 2 - 1)).isFalse();
    assertThat(d.probe(INTERVAL + INTERVAL / 2)).as("two probes per interval").isTrue();
    assertThat(d.probe(INTERVAL + INTERVAL / 2 + 1)).isFalse();
  }

  @Test
  void oneSlowAnswerAmongFastOnesIsNoPressure() {
    PressureDoorkeeper d = new PressureDoorkeeper(TARGET, INTERVAL);
    d.roundTrip(0, 30);
    d.roundTrip(10, 5_000); // a stall: a checkpoint, a collector pause
    d.roundTrip(20, 35);
    d.roundTrip(INTERVAL + 20, 30);
    assertThat(d.pressured(INTERVAL + 20)).as("the interval's least round trip decides").isFalse();
    assertThat(d.probe(INTERVAL + 20)).isTrue();
  }

  @Test
  void thePressureLiftsOnceAnIntervalsRoundTripsAreBackUnderTheTarget() {
    PressureDoorkeeper d = pressuredAt1s();
    assertThat(d.probe(INTERVAL)).as("the probe").isTrue();
    d.roundTrip(INTERVAL + 400, 50); // the probe came back fast
    assertThat(d.probe(INTERVAL + 450)).isFalse();
    assertThat(d.probe(2 * INTERVAL + 100)).as("the interval of fast round trips is over").isTrue();
    assertThat(d.pressured(2 * INTERVAL + 100)).isFalse();
  }

  @Test
  void theVerdictStandsBetweenRoundTripsForAtMostTwoIntervals() {
    PressureDoorkeeper d = pressuredAt1s();
    assertThat(d.pressured(2 * INTERVAL + INTERVAL / 2))
        .as("no round trip since the verdict: it stands")
        .isTrue();
    assertThat(d.probe(2 * INTERVAL + INTERVAL / 2)).isTrue();
    assertThat(d.probe(2 * INTERVAL + INTERVAL / 2 + 1)).isFalse();
    assertThat(d.pressured(3 * INTERVAL - 1)).isTrue();
    assertThat(d.pressured(3 * INTERVAL))
        .as("nothing came back for two intervals: nothing queues")
        .isFalse();
    assertThat(d.probe(3 * INTERVAL + 1)).isTrue();
    assertThat(d.probe(3 * INTERVAL + 2)).isTrue();
  }

  @Test
  void whileAComputationIsAwaitedTheVerdictStandsThroughASilence() {
    PressureDoorkeeper d = pressuredAt1s();
    d.sent(); // a probe: the subtask then stalls behind back pressure and hears nothing
    assertThat(d.pressured(10 * INTERVAL)).as("the probe will tell").isTrue();
    assertThat(d.verdict(10 * INTERVAL)).isTrue();
    d.roundTrip(11 * INTERVAL, 10 * INTERVAL); // it did: given up on
    assertThat(d.pressured(12 * INTERVAL)).isTrue();
    assertThat(d.pressured(13 * INTERVAL)).as("nothing awaited, nothing heard").isFalse();

    PressureDoorkeeper forgetting = pressuredAt1s();
    forgetting.sent();
    assertThat(forgetting.pressured(10 * INTERVAL)).isTrue();
    forgetting.forgetAwaited(); // its round trip will never be recorded
    assertThat(forgetting.pressured(10 * INTERVAL)).isFalse();
  }

  @Test
  void aComputationShedUnderOverloadIsPressureWhateverTheRoundTrips() {
    PressureDoorkeeper d = new PressureDoorkeeper(TARGET, INTERVAL);
    d.roundTrip(0, 20);
    d.shed(300); // answered "overloaded" at once: a short round trip, but the path sheds
    d.roundTrip(600, 20);
    assertThat(d.pressured(INTERVAL)).isTrue();
    d.roundTrip(INTERVAL + 100, 20);
    assertThat(d.pressured(2 * INTERVAL + 100)).as("an interval without shedding").isFalse();
  }

  @Test
  void theMetricsVerdictLapsesWithoutChangingTheDoorkeeper() {
    PressureDoorkeeper d = pressuredAt1s();
    assertThat(d.verdict(INTERVAL + 1)).isTrue();
    assertThat(d.verdict(3 * INTERVAL)).as("two intervals without a round trip").isFalse();
    assertThat(d.verdict(INTERVAL + 2)).as("nothing was changed").isTrue();
  }

  @Test
  void argumentsAreChecked() {
    assertThatThrownBy(() -> new PressureDoorkeeper(0, INTERVAL))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("target");
    assertThatThrownBy(() -> new PressureDoorkeeper(TARGET, 1))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("interval");
    assertThatThrownBy(() -> new PressureDoorkeeper(TARGET, INTERVAL).roundTrip(0, -1))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
