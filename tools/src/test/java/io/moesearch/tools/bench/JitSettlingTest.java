package io.moesearch.tools.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;

class JitSettlingTest {

  /**
   * Readings 10 s apart whose compiler CPU grows by the given seconds per round (on this machine's
   * cores), so that round i's JIT share is {@code jitSeconds[i] / (10 × cores)}.
   */
  private static Supplier<JvmActivity.Reading> readings(double... jitSecondsPerRound) {
    List<JvmActivity.Reading> list = new ArrayList<>();
    long jit = 0;
    list.add(new JvmActivity.Reading(0, 0, jit, 0, 0));
    for (int i = 0; i < jitSecondsPerRound.length; i++) {
      jit += (long) (jitSecondsPerRound[i] * 1e9);
      list.add(new JvmActivity.Reading((i + 1) * 10_000_000_000L, 0, jit, 0, 0));
    }
    Iterator<JvmActivity.Reading> it = list.iterator();
    return it::next;
  }

  private static double cores() {
    return Runtime.getRuntime().availableProcessors();
  }

  @Test
  void warmsUntilARoundSeesTheCompilerBelowTheBound() {
    // JIT shares per round: 50%, 20%, 3% of the cores; the bound is 5%.
    JitSettling settling =
        new JitSettling(
            0.05,
            Duration.ofMinutes(10),
            readings(5 * cores(), 2 * cores(), 0.3 * cores(), 0.1 * cores()));
    List<Integer> rounds = new ArrayList<>();

    JitSettling.Result r = settling.warm(rounds::add);

    assertThat(rounds).containsExactly(0, 1, 2);
    assertThat(r.settled()).isTrue();
    assertThat(r.rounds()).isEqualTo(3);
    assertThat(r.seconds()).isEqualTo(30.0);
    assertThat(r.perRound()).hasSize(3);
    assertThat(r.perRound().get(0).jitShareOfCores())
        .isCloseTo(0.5, org.assertj.core.data.Offset.offset(1e-9));
    assertThat(r.lastRound().jitShareOfCores())
        .isCloseTo(0.03, org.assertj.core.data.Offset.offset(1e-9));
  }

  @Test
  void stopsAtTheTimeCapUnsettled() {
    JitSettling settling =
        new JitSettling(
            0.05, Duration.ofSeconds(20), readings(5 * cores(), 5 * cores(), 5 * cores()));
    List<Integer> rounds = new ArrayList<>();

    JitSettling.Result r = settling.warm(rounds::add);

    assertThat(rounds).containsExactly(0, 1);
    assertThat(r.settled()).isFalse();
  }

  @Test
  void runsOneRoundWhereTheCompilersCpuCannotBeRead() {
    Iterator<JvmActivity.Reading> it =
        List.of(
                new JvmActivity.Reading(0, 0, -1, -1, 0),
                new JvmActivity.Reading(10_000_000_000L, 0, -1, -1, 0))
            .iterator();
    List<Integer> rounds = new ArrayList<>();

    JitSettling.Result r = new JitSettling(0.05, Duration.ofMinutes(1), it::next).warm(rounds::add);

    assertThat(rounds).containsExactly(0);
    assertThat(r.settled()).isFalse();
  }

  @Test
  void checksItsSettingsUpFront() {
    assertThatThrownBy(() -> new JitSettling(0, Duration.ofSeconds(1)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("share");
    assertThatThrownBy(() -> new JitSettling(0.05, Duration.ZERO))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("cap");
  }
}
