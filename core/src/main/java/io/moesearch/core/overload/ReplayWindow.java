package io.moesearch.core.overload;

/**
 * Which queries a subtask restored from a checkpoint may already have answered before the failure:
 * those whose event time precedes the restore, for a bounded window after it. With at-least-once
 * delivery their answers are published again; serving them at full quality (not degraded, not cut
 * short by a timeout) makes the repeated answer equal the first. Not thread-safe: one per subtask.
 */
public final class ReplayWindow {
  private final long windowMillis;
  private long restoredAtMillis;

  /**
   * @param windowMillis how long after a restore queries older than it count as replays, {@code >=
   *     0} (0 = never)
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
  }

  /**
   * Whether a query with event time {@code eventTimeMillis} (epoch ms; {@code <= 0} = unknown) may
   * have been answered before the restore, asked at {@code nowMillis}: the subtask was restored
   * less than the window ago and the event time precedes the restore.
   */
  public boolean isReplay(long eventTimeMillis, long nowMillis) {
    return restoredAtMillis > 0
        && nowMillis - restoredAtMillis < windowMillis
        && eventTimeMillis > 0
        && eventTimeMillis < restoredAtMillis;
  }
}
