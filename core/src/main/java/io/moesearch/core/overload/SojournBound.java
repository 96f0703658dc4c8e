package io.moesearch.core.overload;

/**
 * What a stage after the model acts on under {@code overload.max-sojourn-ms}: the {@linkplain
 * StandingDelay standing} {@linkplain Sojourn sojourn after the embedding} of the queries it sees,
 * none in the {@link ReplayWindow} after a restore. One per subtask, made when its state is
 * initialised; not thread-safe.
 */
public final class SojournBound {
  private final long boundMillis;
  private final StandingDelay standing;
  private final ReplayWindow replays;

  /**
   * @param boundMillis {@code overload.max-sojourn-ms}, also the standing delay's interval
   * @param replays the subtask's replay window
   * @throws IllegalArgumentException via {@link #checked}
   */
  public SojournBound(long boundMillis, ReplayWindow replays) {
    this.boundMillis = checked(boundMillis);
    if (replays == null) {
      throw new IllegalArgumentException("a replay window is required");
    }
    this.standing = new StandingDelay(boundMillis);
    this.replays = replays;
  }

  /**
   * {@code boundMillis} if it is a bound ({@code > 0}), for callers that keep it until they open.
   *
   * @throws IllegalArgumentException naming {@code overload.max-sojourn-ms} otherwise
   */
  public static long checked(long boundMillis) {
    if (boundMillis <= 0) {
      throw new IllegalArgumentException(
          "overload.max-sojourn-ms must be > 0 here, got " + boundMillis);
    }
    return boundMillis;
  }

  /** The bound (ms). */
  public long boundMillis() {
    return boundMillis;
  }

  /**
   * Records the sojourn at {@code nowMillis} of a query accepted at {@code acceptedMillis} whose
   * embedding took {@code embedMillis} ({@link Sojourn#afterEmbedding}) and returns the standing
   * wait (ms, at most this query's own); 0, recording nothing, in the replay window.
   */
  public double standingWait(long nowMillis, long acceptedMillis, double embedMillis) {
    if (replays.inWindow(nowMillis)) {
      return 0;
    }
    return standing.observe(
        nowMillis, Sojourn.afterEmbedding(nowMillis, acceptedMillis, embedMillis));
  }
}
