package io.moesearch.operators;

import io.moesearch.connectors.message.RankedItem;
import io.moesearch.connectors.message.SearchQuery;

/**
 * One expert's exactly-rescored candidates for a query, best first, cut to the query's {@code
 * top_k}.
 */
public record PartialResult(
    SearchQuery query,
    int expert,
    int[] experts,
    RankedItem[] items,
    long tsInMillis,
    double embedMs,
    double routeMs,
    double retrieveMs) {
  public PartialResult {
    if (query == null || experts == null || items == null) {
      throw new IllegalArgumentException("query, experts and items are required");
    }
  }
}
