package io.moesearch.operators;

import io.moesearch.connectors.message.SearchQuery;

/**
 * A validated query and the wall time the job accepted it (the start of its in-job latency).
 *
 * @param tsInMillis epoch millis when the query was parsed, non-negative
 */
public record AcceptedQuery(SearchQuery query, long tsInMillis) {
  public AcceptedQuery {
    if (query == null) {
      throw new IllegalArgumentException("query is required");
    }
    if (tsInMillis < 0) {
      throw new IllegalArgumentException("tsInMillis must be >= 0, got " + tsInMillis);
    }
  }
}
