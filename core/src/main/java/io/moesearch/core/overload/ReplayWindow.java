package io.moesearch.core.overload;

/**
 * Whether a subtask just restored from a checkpoint serves its queries in full (never degraded,
 * never cut short by a timeout), so that with at-least-once delivery an answer published again
 * after the failure equals the first.
 *
 * <p>After a restore the job reads again the queries after its checkpoint (some answered before the
 * failure: <em>replays</em>) and then those that piled up while it was down. If the replays were
 * served in full but the backlog behind them were degraded, a second failure before the next
 * checkpoint would replay those degraded answers in full, and they would differ. So for at most
 * {@code windowMillis} after a restore: a replay (event time before the restore) is served in full,
 * and so is every query until the subtask has <em>caught up</em>: a query arrives within {@link
 * #CAUGHT_UP_LAG_MS} of its event time while nothing waits for the model. From then on (or after
 * the window) queries degrade as usual. Not thread-safe: one per subtask.
 */
public final class ReplayWindow {
  /** How close to its event time a query must arrive for its subtask to count as caught up. */
  public static final long CAUGHT_UP_LAG_MS = 1_000;

  private final long windowMillis;
  private long restoredAtMillis;
  private boolean caughtUp;

  /**
   * @param windowMillis how long after a restore queries may be served in full, {@code >= 0} (0 =
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

  /** Marks the subtask restored at {@code nowMillis} (epoch ms, {@code > 0}). */
  public void restoredAt(long nowMillis) {
    if (nowMillis <= 0) {
      throw new IllegalArgumentException("restore time must be > 0, got " + nowMillis);
    }
    restoredAtMillis = nowMillis;
    caughtUp = false;
  }

  /** Whether {@code nowMillis} is less than the window after a restore. */
  public boolean inWindow(long nowMillis) {
    return restoredAtMillis > 0 && nowMillis - restoredAtMillis < windowMillis;
  }

  /**
   * Whether a query with event time {@code eventTimeMillis} (epoch ms; {@code <= 0} = unknown),
   * arriving at {@code nowMillis}, is served in full; updates the caught-up state.
   *
   * @param modelIdle whether nothing of this subtask waits for the model as the query arrives
   */
  public boolean servesInFull(long eventTimeMillis, long nowMillis, boolean modelIdle) {
    if (!inWindow(nowMillis)) {
      return false;
    }
    boolean known = eventTimeMillis > 0;
    if (known && eventTimeMillis < restoredAtMillis) {
      return true; // a replay: maybe answered before the failure
    }
    if (!caughtUp && modelIdle && known && nowMillis - eventTimeMillis <= CAUGHT_UP_LAG_MS) {
      caughtUp = true;
    }
    return !caughtUp;
  }
}
