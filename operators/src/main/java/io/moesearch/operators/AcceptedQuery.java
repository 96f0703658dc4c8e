package io.moesearch.operators;

import io.moesearch.connectors.message.SearchQuery;
import io.moesearch.core.cache.QueryNormalizer;

/**
 * A validated query whose text is in its {@link QueryNormalizer} form, with the wall time the job
 * accepted it (the start of its in-job latency). The normal form is both the cache's partitioning
 * key and the text searched (by the model and BM25) and echoed, so two queries with equal keys
 * always get equal answers, whichever arrives first.
 *
 * @param query the query; a text not in normal form is replaced by its normal form
 * @param tsInMillis epoch millis when the query was parsed, non-negative
 * @param normalizedText the normal form of the query text (the same as {@code query.text()}); a
 *     non-null value that differs from it is rejected
 * @param cacheFill whether its answer (and embedding) should be written to the cache: the cache's
 *     doorkeeper says the text was asked before ({@link CacheLookup}); a one-off text is not cached
 * @throws IllegalArgumentException if the query is missing, the time negative or the text blank
 *     after normalisation
 */
public record AcceptedQuery(
    SearchQuery query, long tsInMillis, String normalizedText, boolean cacheFill) {
  public AcceptedQuery {
    if (query == null) {
      throw new IllegalArgumentException("query is required");
    }
    if (tsInMillis < 0) {
      throw new IllegalArgumentException("tsInMillis must be >= 0, got " + tsInMillis);
    }
    String normal = QueryNormalizer.normalize(query.text());
    if (normal.isEmpty()) {
      throw new IllegalArgumentException("query text must be non-blank after normalisation");
    }
    if (normalizedText != null && !normalizedText.equals(normal)) {
      throw new IllegalArgumentException(
          "normalizedText must be the normal form of the query text");
    }
    normalizedText = normal;
    if (!query.text().equals(normal)) {
      query = query.withText(normal);
    }
  }

  /** A query whose answer may be cached. */
  public AcceptedQuery(SearchQuery query, long tsInMillis, String normalizedText) {
    this(query, tsInMillis, normalizedText, true);
  }

  public AcceptedQuery(SearchQuery query, long tsInMillis) {
    this(query, tsInMillis, null);
  }

  /** This query, its answer cached or not. */
  public AcceptedQuery withCacheFill(boolean fill) {
    return fill == cacheFill ? this : new AcceptedQuery(query, tsInMillis, normalizedText, fill);
  }
}
