package io.moesearch.connectors.message;

/** Per-stage processing latency of one query in milliseconds; all finite and non-negative. */
public record StageLatency(
    double embedMs, double routeMs, double retrieveMs, double rerankMs, double totalMs) {

  public static final StageLatency ZERO = new StageLatency(0, 0, 0, 0, 0);

  public StageLatency {
    Checks.requireNonNegativeFinite(embedMs, "latency.embed_ms");
    Checks.requireNonNegativeFinite(routeMs, "latency.route_ms");
    Checks.requireNonNegativeFinite(retrieveMs, "latency.retrieve_ms");
    Checks.requireNonNegativeFinite(rerankMs, "latency.rerank_ms");
    Checks.requireNonNegativeFinite(totalMs, "latency.total_ms");
  }
}
