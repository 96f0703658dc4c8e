package io.moesearch.core.cache;

/**
 * Whether the cache writes the answer of a text computed for the first time, judged by how the
 * computations the cache sent through the model come back (the miss path's round trip, as the cache
 * sees it: from sending a miss on to its cache fill arriving, or to giving up waiting). While the
 * miss path keeps up, every computed answer is cached. It is under pressure when, over an interval,
 * the least round trip stood above a target (CoDel's rule, Nichols and Jacobson, "Controlling Queue
 * Delay", ACM Queue 10(5), 2012) or a computation came back shed (degraded or turned away by the
 * overload protection, which keeps the round trips short by shedding). Under pressure the fills of
 * one-off texts are a tax on the bottleneck, so only texts computed before within the cache's
 * lifetime are cached (the doorkeeper of TinyLFU: Einziger, Friedman and Manes, "TinyLFU: A Highly
 * Efficient Cache Admission Policy", ACM ToS 13(4), 2017), plus two first computations per
 * interval, probes whose round trips tell when the pressure is gone. Between two round trips the
 * verdict stands (no evidence, no change), but once no computation is awaited and none came back
 * for two intervals, nothing is queued any more (the job went idle, or a burst drained) and the
 * pressure ends. While computations are awaited the verdict stands however long the silence: a
 * subtask stalled by back pressure hears nothing, and its awaited computations will tell.
 *
 * <p>Times are milliseconds of one clock (the caller's) that does not go backwards. Not
 * thread-safe: one per subtask, called from its task thread ({@link #verdict} excepted); not
 * checkpointed (a restored subtask starts without pressure).
 */
public final class PressureDoorkeeper {
  private static final long NONE = Long.MIN_VALUE;

  private final long targetMillis;
  private final long intervalMillis;
  private long windowStart = NONE;
  private long windowMin = Long.MAX_VALUE;
  private boolean windowShed;
  private volatile boolean pressured;
  private volatile long lastRoundTrip = NONE;
  private long lastProbe = NONE;
  private volatile int awaited;

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

  /** Records that a computation was sent on, whose round trip or shedding will be recorded. */
  public void sent() {
    awaited++;
  }

  /** Forgets every computation sent and not yet recorded (its round trip will not be). */
  public void forgetAwaited() {
    awaited = 0;
  }

  /**
   * Records a computation's round trip {@code roundTripMillis} ({@code >= 0}), observed at {@code
   * nowMillis}: its answer came back after that long, or the cache gave up waiting for it then.
   *
   * @throws IllegalArgumentException if {@code roundTripMillis < 0}
   */
  public void roundTrip(long nowMillis, long roundTripMillis) {
    if (roundTripMillis < 0) {
      throw new IllegalArgumentException("round trip must be >= 0 ms, got " + roundTripMillis);
    }
    observed(nowMillis);
    windowMin = Math.min(windowMin, roundTripMillis);
  }

  /**
   * Records, at {@code nowMillis}, a computation that came back shed: answered degraded or turned
   * away under overload, whatever its round trip. The interval it falls in counts as pressure.
   */
  public void shed(long nowMillis) {
    observed(nowMillis);
    windowShed = true;
  }

  /**
   * Whether the miss path is under pressure at {@code nowMillis}: the last interval with evidence
   * stood above the target or shed, and a computation is awaited or came back within two intervals.
   */
  public boolean pressured(long nowMillis) {
    turn(nowMillis);
    if (pressured && lapsed(nowMillis)) {
      pressured = false; // a silence that long: nothing queues any more
    }
    return pressured;
  }

  /**
   * {@link #pressured} at {@code nowMillis} without changing anything: for a metric read from
   * another thread (it may see the verdict of an interval that is over but not yet closed).
   */
  public boolean verdict(long nowMillis) {
    return pressured && !lapsed(nowMillis);
  }

  /**
   * Whether a text computed for the first time is cached at {@code nowMillis}: without pressure,
   * always; under pressure, as a probe of the round trip, twice per interval (a {@code true} under
   * pressure uses the probe up).
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

  private void observed(long nowMillis) {
    awaited = Math.max(0, awaited - 1);
    turn(nowMillis);
    if (windowStart == NONE) {
      windowStart = nowMillis;
    }
    lastRoundTrip = Math.max(lastRoundTrip, nowMillis);
  }

  private boolean lapsed(long nowMillis) {
    return awaited == 0 && nowMillis - lastRoundTrip >= 2 * intervalMillis;
  }

  /** Closes the interval once it is over: its evidence is the verdict. */
  private void turn(long nowMillis) {
    if (windowStart == NONE || nowMillis - windowStart < intervalMillis) {
      return;
    }
    pressured = windowShed || windowMin > targetMillis;
    windowStart = NONE;
    windowMin = Long.MAX_VALUE;
    windowShed = false;
  }
}
