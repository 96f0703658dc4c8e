package io.moesearch.operators;

import io.moesearch.connectors.message.SearchQuery;
import io.moesearch.core.cache.QueryNormalizer;

/**
 * A validated query, the wall time the job accepted it (the start of its in-job latency), and its
 * normalised text (the cache's partitioning key, computed once).
 *
 * @param tsInMillis epoch millis when the query was parsed, non-negative
 * @param normalizedText {@link QueryNormalizer#normalize} of the query text
 */
public record AcceptedQuery(SearchQuery query, long tsInMillis, String normalizedText) {
  public AcceptedQuery {
    if (query == null) {
      throw new IllegalArgumentException("query is required");
    }
    if (tsInMillis < 0) {
      throw new IllegalArgumentException("tsInMillis must be >= 0, got " + tsInMillis);
    }
    if (normalizedText == null || normalizedText.isBlank()) {
      throw new IllegalArgumentException("normalizedText must be non-blank");
    }
  }

  public AcceptedQuery(SearchQuery query, long tsInMillis) {
    this(query, tsInMillis, QueryNormalizer.normalize(requireQuery(query).text()));
  }

  private static SearchQuery requireQuery(SearchQuery q) {
    if (q == null) {
      throw new IllegalArgumentException("query is required");
    }
    return q;
  }
}
