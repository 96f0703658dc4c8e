package io.moesearch.core.overload;

/**
 * The delay a queue holds steadily, as opposed to a burst it drains: the least {@linkplain Sojourn
 * sojourn} observed over the last one to two intervals, counted only when the interval before the
 * current one saw a query too (so at low rates two slow queries up to two intervals apart are
 * enough). After a short stall (a checkpoint's synchronous phase, a collector pause) the queries
 * that piled up drain, and one of them with a short wait brings the minimum down, so nothing is
 * degraded for a delay that is already gone; under sustained overload every query waits and the
 * minimum rises. This is CoDel's rule (Nichols and Jacobson, "Controlling Queue Delay", ACM Queue
 * 10(5), 2012: act when the sojourn stayed above the target for an interval), kept as two tumbling
 * minima, O(1) per observation. Not thread-safe: one per subtask, called from its task thread.
 */
public final class StandingDelay {
  private final long intervalMillis;
  private long intervalStart = Long.MIN_VALUE;
  private double current = Double.POSITIVE_INFINITY;
  private double previous = Double.POSITIVE_INFINITY;

  /**
   * @param intervalMillis the interval, {@code > 0}
   * @throws IllegalArgumentException if {@code intervalMillis <= 0}
   */
  public StandingDelay(long intervalMillis) {
    if (intervalMillis <= 0) {
      throw new IllegalArgumentException("interval must be > 0 ms, got " + intervalMillis);
    }
    this.intervalMillis = intervalMillis;
  }

  /**
   * Records the sojourn {@code sojournMillis} ({@code >= 0}) observed at {@code nowMillis} and
   * returns the standing delay: the least sojourn of the previous interval and this one, or 0 when
   * the previous interval observed nothing (idle, or the start).
   */
  public double observe(long nowMillis, double sojournMillis) {
    if (!(sojournMillis >= 0)) {
      throw new IllegalArgumentException("sojourn must be >= 0, got " + sojournMillis);
    }
    if (intervalStart == Long.MIN_VALUE || nowMillis >= intervalStart + intervalMillis) {
      // A gap of more than one interval leaves the previous one unobserved.
      boolean adjacent =
          intervalStart != Long.MIN_VALUE && nowMillis < intervalStart + 2 * intervalMillis;
      previous = adjacent ? current : Double.POSITIVE_INFINITY;
      current = Double.POSITIVE_INFINITY;
      intervalStart = nowMillis;
    }
    current = Math.min(current, sojournMillis);
    return previous == Double.POSITIVE_INFINITY ? 0 : Math.min(previous, current);
  }
}
