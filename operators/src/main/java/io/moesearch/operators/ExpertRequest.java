package io.moesearch.operators;

import io.moesearch.connectors.message.SearchQuery;

/**
 * One query's request to one activated expert.
 *
 * @param expert the expert to search
 * @param experts every expert activated for the query (the merge waits for this many partials)
 */
public record ExpertRequest(
    SearchQuery query,
    float[] vector,
    int expert,
    int[] experts,
    long tsInMillis,
    double embedMs,
    double routeMs) {
  public ExpertRequest {
    if (query == null || vector == null || experts == null || experts.length == 0) {
      throw new IllegalArgumentException("query, vector and experts are required");
    }
    if (expert < 0) {
      throw new IllegalArgumentException("expert must be >= 0, got " + expert);
    }
  }
}
