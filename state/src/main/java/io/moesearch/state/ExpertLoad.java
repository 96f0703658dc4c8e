package io.moesearch.state;

/**
 * Live load statistics of one expert, kept in keyed state of the expert retrieval operator:
 * requests served, candidates returned, an exponentially weighted moving average of search latency,
 * and the time of the last update. Immutable; {@link #record} returns the updated value.
 */
public record ExpertLoad(
    long queries, long candidates, double latencyEwmaMs, long lastUpdateMillis) {

  /** Weight of the newest latency sample in the moving average. */
  public static final double EWMA_ALPHA = 0.1;

  public static final ExpertLoad EMPTY = new ExpertLoad(0, 0, 0, 0);

  public ExpertLoad {
    if (queries < 0 || candidates < 0 || latencyEwmaMs < 0 || Double.isNaN(latencyEwmaMs)) {
      throw new IllegalArgumentException("expert load figures must be non-negative");
    }
  }

  /**
   * The load after serving one request that returned {@code returned} candidates in {@code
   * latencyMs}.
   */
  public ExpertLoad record(int returned, double latencyMs, long nowMillis) {
    if (returned < 0 || latencyMs < 0) {
      throw new IllegalArgumentException("returned and latency must be non-negative");
    }
    double ewma =
        queries == 0 ? latencyMs : latencyEwmaMs + EWMA_ALPHA * (latencyMs - latencyEwmaMs);
    return new ExpertLoad(queries + 1, candidates + returned, ewma, nowMillis);
  }
}
