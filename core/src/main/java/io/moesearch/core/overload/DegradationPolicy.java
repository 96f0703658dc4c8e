package io.moesearch.core.overload;

/**
 * Maps the wait a new query would face in front of the embedding model (in one embedding subtask)
 * to a {@link DegradationLevel}, with hysteresis so the level does not flap at a boundary.
 *
 * <p>With a bound {@code W} ({@code overload.max-wait-ms}), level {@code i} (1 = {@link
 * DegradationLevel#FEWER_EXPERTS} ... 4 = {@link DegradationLevel#OVERLOADED}) is entered when the
 * estimated wait reaches {@code W × i / 4}, and left (one step down) only when it falls below half
 * of that threshold. So no query is queued for longer than about {@code W}: from there on, new
 * misses are answered "overloaded" at once, and queries admitted under pressure cost less
 * downstream. Not thread-safe: one per subtask, called from its task thread.
 */
public final class DegradationPolicy {
  private final double maxWaitMillis;
  private DegradationLevel level = DegradationLevel.NONE;

  /**
   * @param maxWaitMillis the estimated wait at which queries are answered "overloaded", {@code > 0}
   * @throws IllegalArgumentException if {@code maxWaitMillis <= 0}
   */
  public DegradationPolicy(double maxWaitMillis) {
    if (!(maxWaitMillis > 0)) {
      throw new IllegalArgumentException("overload.max-wait-ms must be > 0, got " + maxWaitMillis);
    }
    this.maxWaitMillis = maxWaitMillis;
  }

  /** The estimated wait (ms) at which level {@code i} (1..4) is entered. */
  public double threshold(int i) {
    if (i < 1 || i > 4) {
      throw new IllegalArgumentException("level must be in 1..4, got " + i);
    }
    return maxWaitMillis * i / 4.0;
  }

  /**
   * The level for a query admitted while the estimated wait is {@code waitMillis}; updates the
   * state.
   */
  public DegradationLevel admit(double waitMillis) {
    if (!(waitMillis >= 0)) {
      throw new IllegalArgumentException("wait must be >= 0, got " + waitMillis);
    }
    int i = level.ordinal();
    while (i < 4 && waitMillis >= threshold(i + 1)) {
      i++;
    }
    while (i > 0 && waitMillis < threshold(i) / 2) {
      i--;
    }
    level = DegradationLevel.values()[i];
    return level;
  }

  /** The current level (the last {@link #admit} result). */
  public DegradationLevel level() {
    return level;
  }
}
