package io.moesearch.tools.bench;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.function.IntConsumer;
import java.util.function.Supplier;

/**
 * Warms a JVM until its JIT compiler has settled: runs rounds of a warm-up workload until the
 * compiler threads used at most a given share of the cores during the last round, or a time cap
 * passes.
 *
 * <p>Why: on 2 cores, the first two or so minutes of the embedded pipeline under load are spent
 * with the C2 compiler busy (measured with {@link JvmActivity}: 18–24% of both cores in the first
 * minute of {@code bench overload}, 11% in the second, 4% in the third), so a capacity or latency
 * measured early describes the JIT's warm-up and moved 60–94 q/s between runs. A fixed number of
 * warm-up queries cannot know when the JIT is done; this loop asks the JVM (as a benchmark
 * harness's warm-up iterations do).
 */
public final class JitSettling {

  /**
   * How the warm-up ended.
   *
   * @param rounds rounds run (at least 1)
   * @param seconds wall-clock time of all rounds
   * @param lastRound the JVM's activity during the last round
   * @param settled whether the last round's compiler share was at most the bound ({@code false}:
   *     the cap ended the warm-up, or the compiler's CPU cannot be read here)
   * @param perRound the JVM's activity in each round, in order (with rounds of equal work, their
   *     {@code seconds} show how much faster the warmed JVM runs it)
   */
  public record Result(
      int rounds,
      double seconds,
      JvmActivity lastRound,
      boolean settled,
      List<JvmActivity> perRound) {
    public Result {
      perRound = List.copyOf(perRound);
      if (rounds != perRound.size()) {
        throw new IllegalArgumentException("one activity per round");
      }
    }
  }

  private final double maxJitShareOfCores;
  private final Duration maxTime;
  private final Supplier<JvmActivity.Reading> reader;

  /**
   * @param maxJitShareOfCores the compiler threads' CPU during a round, as a share of all cores,
   *     below which the JIT counts as settled, in (0, 1]
   * @param maxTime no new round starts after this much warm-up (positive)
   */
  public JitSettling(double maxJitShareOfCores, Duration maxTime) {
    this(maxJitShareOfCores, maxTime, JvmActivity::read);
  }

  JitSettling(double maxJitShareOfCores, Duration maxTime, Supplier<JvmActivity.Reading> reader) {
    if (!(maxJitShareOfCores > 0 && maxJitShareOfCores <= 1)) {
      throw new IllegalArgumentException(
          "the settled JIT share must be in (0, 1], got " + maxJitShareOfCores);
    }
    if (maxTime.isNegative() || maxTime.isZero()) {
      throw new IllegalArgumentException("the warm-up's time cap must be positive, got " + maxTime);
    }
    this.maxJitShareOfCores = maxJitShareOfCores;
    this.maxTime = maxTime;
    this.reader = Objects.requireNonNull(reader);
  }

  /**
   * Runs {@code round} with round numbers 0, 1, 2, ... until the JIT has settled or the time cap
   * has passed; a round should be long enough to see the JIT's work (seconds, not milliseconds) and
   * bring the code paths the measurement will run.
   */
  public Result warm(IntConsumer round) {
    JvmActivity.Reading start = reader.get();
    JvmActivity.Reading before = start;
    List<JvmActivity> perRound = new ArrayList<>();
    for (int i = 0; ; i++) {
      round.accept(i);
      JvmActivity.Reading after = reader.get();
      JvmActivity last = before.since(after);
      perRound.add(last);
      double total = start.since(after).seconds();
      double share = last.jitShareOfCores();
      boolean settled = share >= 0 && share <= maxJitShareOfCores;
      if (settled || share < 0 || total >= maxTime.toNanos() / 1e9) {
        return new Result(i + 1, total, last, settled, perRound);
      }
      before = after;
    }
  }
}
