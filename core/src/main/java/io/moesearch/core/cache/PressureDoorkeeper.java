package io.moesearch.core.cache;

/**
 * Whether the cache writes the answer of a text computed for the first time, judged by how long
 * computed answers take to come back to the cache (the miss path's round trip, as the lookup sees
 * it: from sending a miss on to its cache fill arriving). While the miss path keeps up, every
 * computed answer is cached. Once the round trip stands above a target for a whole interval (the
 * least round trip of an interval is above it: CoDel's rule, Nichols and Jacobson, "Controlling
 * Queue Delay", ACM Queue 10(5), 2012), the fills of one-off texts are a tax on the bottleneck, so
 * only texts computed before within the cache's lifetime are cached (the doorkeeper of TinyLFU:
 * Einziger, Friedman and Manes, "TinyLFU: A Highly Efficient Cache Admission Policy", ACM ToS
 * 13(4), 2017), plus two first computations per interval, probes whose round trips tell when the
 * pressure is gone. Between two round trips the verdict stands (no evidence, no change), but not
 * for longer than two intervals: under pressure the probes come back more often than that, so a
 * silence that long means nothing is queued any more (the job went idle, or a burst drained).
 *
 * <p>Times are milliseconds of one clock (the caller's). Not thread-safe: one per subtask, called
 * from its task thread; not checkpointed (a restored subtask starts without pressure).
 */
public final class PressureDoorkeeper {
  private static final long NONE = Long.MIN_VALUE;

  private final long targetMillis;
  private final long intervalMillis;
  private long windowStart = NONE;
  private long windowMin = Long.MAX_VALUE;
  private boolean pressured;
  private long lastProbe = NONE;
  private long lastRoundTrip = NONE;

  /**
   * @param targetMillis the round trip above which the miss path is under pressure, {@code > 0}
   * @param intervalMillis how long a round trip must stand above the target, and twice how often a
   *     probe is admitted under pressure, {@code > 1}
   * @throws IllegalArgumentException if either is out of range
   */
  public PressureDoorkeeper(long targetMillis, long intervalMillis) {
    if (targetMillis <= 0) {
      throw new IllegalArgumentException("target must be > 0 ms, got " + targetMillis);
    }
    if (intervalMillis <= 1) {
      throw new IllegalArgumentException("interval must be > 1 ms, got " + intervalMillis);
    }
    this.targetMillis = targetMillis;
    this.intervalMillis = intervalMillis;
  }

  /**
   * Records a computed answer's round trip {@code roundTripMillis} ({@code >= 0}), observed at
   * {@code nowMillis}: the answer came back, or gave up waiting for it after that long.
   *
   * @throws IllegalArgumentException if {@code roundTripMillis < 0}
   */
  public void roundTrip(long nowMillis, long roundTripMillis) {
    if (roundTripMillis < 0) {
      throw new IllegalArgumentException("round trip must be >= 0 ms, got " + roundTripMillis);
    }
    turn(nowMillis);
    if (windowStart == NONE) {
      windowStart = nowMillis;
    }
    windowMin = Math.min(windowMin, roundTripMillis);
    lastRoundTrip = nowMillis;
  }

  /**
   * Whether the miss path is under pressure at {@code nowMillis}: the last interval in which a
   * round trip came back stood above the target, and one came back within two intervals.
   */
  public boolean pressured(long nowMillis) {
    turn(nowMillis);
    if (pressured && nowMillis - lastRoundTrip >= 2 * intervalMillis) {
      pressured = false; // a silence that long: nothing queues any more
    }
    return pressured;
  }

  /**
   * The verdict as of the last call of another method, without closing an interval: for a metric
   * read from another thread (it may see an older verdict).
   */
  public boolean verdict() {
    return pressured;
  }

  /**
   * Under pressure, whether a text computed for the first time is cached anyway at {@code
   * nowMillis}, as a probe of the round trip: twice per interval. Without pressure, always.
   */
  public boolean probe(long nowMillis) {
    if (!pressured(nowMillis)) {
      return true;
    }
    if (lastProbe == NONE || nowMillis - lastProbe >= intervalMillis / 2) {
      lastProbe = nowMillis;
      return true;
    }
    return false;
  }

  /** Closes the interval once it is over: its least round trip is the verdict, if it saw one. */
  private void turn(long nowMillis) {
    if (windowStart == NONE || nowMillis - windowStart < intervalMillis) {
      return;
    }
    if (windowMin != Long.MAX_VALUE) {
      pressured = windowMin > targetMillis;
    }
    windowStart = NONE;
    windowMin = Long.MAX_VALUE;
  }
}
