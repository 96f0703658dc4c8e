package io.moesearch.connectors.message;

/**
 * One replica's load statistics (an expert served from one serving slot), published periodically to
 * the expert-stats topic. Without a replicated layout slot = expert; with one, an expert's load is
 * the sum over its slots and a slot's over its experts.
 *
 * @param expert expert id, non-negative
 * @param slot serving slot, non-negative
 * @param activations requests served, exponentially decayed (half-life {@code
 *     routing.load-half-life-ms}) to {@code ts}
 * @param candidates candidates scored, decayed the same way
 * @param latencyEwmaMs moving average of the expert's search latency
 * @param lastUpdate epoch millis of the expert's last request
 * @param indexVersion index version being served
 * @param ts epoch millis when the statistics were taken
 */
public record ExpertStats(
    int expert,
    int slot,
    double activations,
    double candidates,
    double latencyEwmaMs,
    long lastUpdate,
    String indexVersion,
    long ts) {
  public ExpertStats {
    if (expert < 0) {
      throw new IllegalArgumentException("expert must be >= 0, got " + expert);
    }
    if (slot < 0) {
      throw new IllegalArgumentException("slot must be >= 0, got " + slot);
    }
    Checks.requireNonNegativeFinite(activations, "activations");
    Checks.requireNonNegativeFinite(candidates, "candidates");
    Checks.requireNonNegativeFinite(latencyEwmaMs, "latency_ewma_ms");
    Checks.requireNonNegative(lastUpdate, "last_update");
    Checks.requireNonBlank(indexVersion, "index_version");
    Checks.requireNonNegative(ts, "ts");
  }
}
