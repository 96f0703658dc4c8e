package io.moesearch.core.overload;

/**
 * Maps the backlog of queries waiting for the embedding model (in one embedding subtask) to a
 * {@link DegradationLevel}, with hysteresis so the level does not flap at a boundary.
 *
 * <p>With a bound {@code B} ({@code overload.max-backlog}), level {@code i} (1 = {@link
 * DegradationLevel#FEWER_EXPERTS} ... 4 = {@link DegradationLevel#OVERLOADED}) is entered when the
 * backlog reaches {@code ceil(B × i / 4)}, and left (one step down) only when the backlog falls
 * below half of that threshold. So at most {@code B} queries ever wait for the model: from there
 * on, new misses are answered "overloaded" at once, and queries admitted under pressure cost less
 * downstream. Not thread-safe: one per subtask, called from its task thread.
 */
public final class DegradationPolicy {
  private final int maxBacklog;
  private DegradationLevel level = DegradationLevel.NONE;

  /**
   * @param maxBacklog the backlog at which queries are answered "overloaded", {@code >= 4}
   * @throws IllegalArgumentException if {@code maxBacklog < 4}
   */
  public DegradationPolicy(int maxBacklog) {
    if (maxBacklog < 4) {
      throw new IllegalArgumentException("overload.max-backlog must be >= 4, got " + maxBacklog);
    }
    this.maxBacklog = maxBacklog;
  }

  /** The backlog at which level {@code i} (1..4) is entered. */
  public int threshold(int i) {
    if (i < 1 || i > 4) {
      throw new IllegalArgumentException("level must be in 1..4, got " + i);
    }
    return (int) Math.ceil(maxBacklog * i / 4.0);
  }

  /** The level for a query admitted while {@code backlog} queries wait; updates the state. */
  public DegradationLevel admit(int backlog) {
    if (backlog < 0) {
      throw new IllegalArgumentException("backlog must be >= 0, got " + backlog);
    }
    int i = level.ordinal();
    while (i < 4 && backlog >= threshold(i + 1)) {
      i++;
    }
    while (i > 0 && backlog < threshold(i) / 2) {
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
