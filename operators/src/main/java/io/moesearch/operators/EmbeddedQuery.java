package io.moesearch.operators;

import io.moesearch.connectors.message.SearchQuery;

/**
 * A validated query with its embedding.
 *
 * @param tsInMillis wall time the job accepted the query
 * @param embedMs time from acceptance until the embedding was ready (queueing + batched inference)
 */
public record EmbeddedQuery(SearchQuery query, float[] vector, long tsInMillis, double embedMs) {
  public EmbeddedQuery {
    if (query == null || vector == null || vector.length == 0) {
      throw new IllegalArgumentException("query and vector are required");
    }
  }
}
