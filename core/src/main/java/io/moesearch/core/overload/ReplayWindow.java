package io.moesearch.core.overload;

/**
 * The window after a subtask is restored from a checkpoint in which it serves every query in full
 * (never degraded, never cut short by a timeout), so that with at-least-once delivery an answer
 * published again after the failure equals the first.
 *
 * <p>After a restore the job reads again the queries after its checkpoint (some answered before the
 * failure) and then those that piled up while it was down, on a cold model. Serving only the
 * replays in full is not enough: whatever it degrades in the catch-up (the backlog, or fresh
 * queries while the model's cost estimate is still cold) it would serve in full after a second
 * failure before the next checkpoint, and the two answers would differ. So the whole window is
 * served in full. Not thread-safe: one per subtask.
 */
public final class ReplayWindow {
  private final long windowMillis;
  private long restoredAtMillis;

  /**
   * @param windowMillis how long after a restore queries are served in full, {@code >= 0} (0 =
   *     never)
   * @throws IllegalArgumentException if {@code windowMillis < 0}
   */
  public ReplayWindow(long windowMillis) {
    this.windowMillis = checked(windowMillis);
  }

  /**
   * {@code windowMillis} if it is a valid window ({@code >= 0}), for callers that keep the window
   * until they open.
   *
   * @throws IllegalArgumentException naming {@code overload.replay-full-quality-ms} if negative
   */
  public static long checked(long windowMillis) {
    if (windowMillis < 0) {
      throw new IllegalArgumentException(
          "overload.replay-full-quality-ms must be >= 0 (0 = off), got " + windowMillis);
    }
    return windowMillis;
  }

  /**
   * The window of a subtask starting at {@code nowMillis} (epoch ms): restored from a checkpoint or
   * savepoint, or afresh (then no query is ever in it).
   */
  public static ReplayWindow starting(long windowMillis, boolean restored, long nowMillis) {
    ReplayWindow w = new ReplayWindow(windowMillis);
    if (restored) {
      w.restoredAt(nowMillis);
    }
    return w;
  }

  /** Marks the subtask restored at {@code nowMillis} (epoch ms, {@code > 0}). */
  public void restoredAt(long nowMillis) {
    if (nowMillis <= 0) {
      throw new IllegalArgumentException("restore time must be > 0, got " + nowMillis);
    }
    restoredAtMillis = nowMillis;
  }

  /** Whether a query arriving at {@code nowMillis} (epoch ms) is served in full. */
  public boolean inWindow(long nowMillis) {
    return restoredAtMillis > 0 && nowMillis - restoredAtMillis < windowMillis;
  }
}
