package io.moesearch.state;

/**
 * Live load statistics of one expert, kept in keyed state of the expert retrieval operator:
 * requests served and candidates scored as exponentially decayed counts (a count halves every
 * half-life), an exponentially weighted moving average of search latency, and the time of the last
 * update (to which the counts are decayed). Immutable; {@link #record} returns the updated value.
 *
 * @param activations decayed count of requests served
 * @param candidates decayed count of candidates scored
 */
public record ExpertLoad(
    double activations, double candidates, double latencyEwmaMs, long lastUpdateMillis) {

  /** Weight of the newest latency sample in the moving average. */
  public static final double EWMA_ALPHA = 0.1;

  public static final ExpertLoad EMPTY = new ExpertLoad(0, 0, 0, 0);

  public ExpertLoad {
    if (!(activations >= 0) || !(candidates >= 0) || !(latencyEwmaMs >= 0)) {
      throw new IllegalArgumentException("expert load figures must be non-negative");
    }
  }

  /**
   * The load after serving one request that scored {@code scored} candidates in {@code latencyMs}
   * at {@code nowMillis}, older counts decayed with {@code halfLifeMillis}.
   */
  public ExpertLoad record(long scored, double latencyMs, long nowMillis, long halfLifeMillis) {
    if (scored < 0 || latencyMs < 0) {
      throw new IllegalArgumentException("scored and latency must be non-negative");
    }
    ExpertLoad d = decayedTo(nowMillis, halfLifeMillis);
    double ewma =
        activations == 0 && lastUpdateMillis == 0
            ? latencyMs
            : latencyEwmaMs + EWMA_ALPHA * (latencyMs - latencyEwmaMs);
    return new ExpertLoad(
        d.activations + 1, d.candidates + scored, ewma, Math.max(nowMillis, lastUpdateMillis));
  }

  /** The counts as they stand at {@code nowMillis} (unchanged if that is not later). */
  public ExpertLoad decayedTo(long nowMillis, long halfLifeMillis) {
    if (halfLifeMillis < 1) {
      throw new IllegalArgumentException(
          "the load half-life must be >= 1 ms, got " + halfLifeMillis);
    }
    if (nowMillis <= lastUpdateMillis) {
      return this;
    }
    double f = Math.pow(0.5, (nowMillis - lastUpdateMillis) / (double) halfLifeMillis);
    return new ExpertLoad(activations * f, candidates * f, latencyEwmaMs, nowMillis);
  }
}
