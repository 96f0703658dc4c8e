package io.moesearch.tools.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.lang.management.ManagementFactory;
import org.junit.jupiter.api.Test;

class JvmActivityTest {

  /** Spins this thread until it has used {@code nanos} of CPU by its own account. */
  private static long spin(long nanos) {
    var threads = ManagementFactory.getThreadMXBean();
    long start = threads.getCurrentThreadCpuTime();
    long x = 0;
    while (threads.getCurrentThreadCpuTime() - start < nanos) {
      x += Long.numberOfTrailingZeros(x + System.nanoTime());
    }
    return x;
  }

  @Test
  void processCpuCoversTheCpuThisThreadBurnt() {
    JvmActivity.Reading before = JvmActivity.read();
    spin(200_000_000L);
    JvmActivity a = before.since();

    // 0.2 s of this thread's CPU is in the process's CPU over the phase: cores × seconds ≥ 0.2.
    assertThat(a.cpuCores() * a.seconds()).isGreaterThanOrEqualTo(0.19);
    assertThat(a.processors()).isEqualTo(Runtime.getRuntime().availableProcessors());
    assertThat(a.gcSeconds()).isGreaterThanOrEqualTo(0);
  }

  @Test
  void readsTheCompilerThreadsCpuOnLinux() {
    // HotSpot on Linux: the compiler threads exist and have run (this test's code was compiled).
    assertThat(JvmActivity.compilerCpuNanos()).isPositive();
  }

  @Test
  void recognisesCompilerThreadsAndSchedstatLines() {
    assertThat(JvmActivity.isCompilerThread("C2 CompilerThre")).isTrue();
    assertThat(JvmActivity.isCompilerThread("C1 CompilerThre")).isTrue();
    assertThat(JvmActivity.isCompilerThread("expert-retrieva")).isFalse();
    assertThat(JvmActivity.onCpuNanos("33939568698 46525439654 21441\n")).isEqualTo(33939568698L);
  }

  @Test
  void differencesOfTwoReadingsAreTheActivityBetweenThem() {
    JvmActivity.Reading a = new JvmActivity.Reading(1_000_000_000L, 0, 0, 100, 20);
    JvmActivity.Reading b =
        new JvmActivity.Reading(3_000_000_000L, 3_000_000_000L, 400_000_000L, 600, 220);

    JvmActivity between = a.since(b);

    assertThat(between.seconds()).isEqualTo(2.0);
    assertThat(between.cpuCores()).isEqualTo(1.5);
    assertThat(between.jitCpuSeconds()).isEqualTo(0.4);
    assertThat(between.jitElapsedSeconds()).isEqualTo(0.5);
    assertThat(between.gcSeconds()).isEqualTo(0.2);
    assertThat(between.jitShareOfCores())
        .isEqualTo(0.4 / (2.0 * Runtime.getRuntime().availableProcessors()));
    assertThat(between.describe())
        .contains("JIT compiler threads 0.4 s of CPU")
        .contains("GC 0.2 s");
  }

  @Test
  void unknownCountersStayUnknown() {
    JvmActivity unknown =
        new JvmActivity.Reading(0, 0, -1, -1, 0)
            .since(new JvmActivity.Reading(1_000_000_000L, 0, -1, -1, 0));

    assertThat(unknown.jitCpuSeconds()).isEqualTo(-1);
    assertThat(unknown.jitElapsedSeconds()).isEqualTo(-1);
    assertThat(unknown.jitShareOfCores()).isEqualTo(-1);
    assertThat(unknown.describe()).contains("JIT compiler threads not measured");
  }

  @Test
  void rejectsImpossibleFigures() {
    assertThatThrownBy(() -> new JvmActivity(-1, 0, 0, 0, 0, 2))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new JvmActivity(1, 0, 0, 0, 0, 0))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
