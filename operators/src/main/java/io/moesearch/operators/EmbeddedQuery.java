package io.moesearch.operators;

import io.moesearch.connectors.message.SearchQuery;

/**
 * A validated query with its embedding.
 *
 * @param tsInMillis wall time the job accepted the query
 * @param embedMs time from acceptance until the embedding was ready (queueing + batched inference,
 *     or the embedding-cache lookup)
 * @param embeddingCached the vector came from the embedding cache (L3), not the model
 */
public record EmbeddedQuery(
    SearchQuery query, float[] vector, long tsInMillis, double embedMs, boolean embeddingCached) {
  public EmbeddedQuery {
    if (query == null || vector == null || vector.length == 0) {
      throw new IllegalArgumentException("query and vector are required");
    }
  }

  /** An embedding computed by the model. */
  public EmbeddedQuery(SearchQuery query, float[] vector, long tsInMillis, double embedMs) {
    this(query, vector, tsInMillis, embedMs, false);
  }
}
