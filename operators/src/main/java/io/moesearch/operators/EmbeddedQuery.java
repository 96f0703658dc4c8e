package io.moesearch.operators;

import io.moesearch.connectors.message.SearchQuery;
import io.moesearch.core.overload.DegradationLevel;

/**
 * A validated query with its embedding.
 *
 * @param vector the embedding; empty only for an {@link DegradationLevel#OVERLOADED} query, which
 *     was not embedded
 * @param tsInMillis wall time the job accepted the query
 * @param embedMs time from acceptance until the embedding was ready (queueing + batched inference,
 *     or the embedding-cache lookup)
 * @param embeddingCached the vector came from the embedding cache (L3), not the model
 * @param degradation the work cut decided when the query reached the model's queue
 * @param cacheFill whether its answer (and embedding) should be written to the cache: the cache's
 *     doorkeeper says the text was asked before ({@link CacheLookup}); a one-off text is not cached
 */
public record EmbeddedQuery(
    SearchQuery query,
    float[] vector,
    long tsInMillis,
    double embedMs,
    boolean embeddingCached,
    DegradationLevel degradation,
    boolean cacheFill) {
  public EmbeddedQuery {
    if (query == null || vector == null || degradation == null) {
      throw new IllegalArgumentException("query, vector and degradation are required");
    }
    if ((vector.length == 0) != (degradation == DegradationLevel.OVERLOADED)) {
      throw new IllegalArgumentException(
          "a vector is required, and only an overloaded query has none");
    }
  }

  /** A query whose answer may be cached. */
  public EmbeddedQuery(
      SearchQuery query,
      float[] vector,
      long tsInMillis,
      double embedMs,
      boolean embeddingCached,
      DegradationLevel degradation) {
    this(query, vector, tsInMillis, embedMs, embeddingCached, degradation, true);
  }

  /** An embedding computed by the model or taken from the cache, served as configured. */
  public EmbeddedQuery(
      SearchQuery query, float[] vector, long tsInMillis, double embedMs, boolean embeddingCached) {
    this(query, vector, tsInMillis, embedMs, embeddingCached, DegradationLevel.NONE);
  }

  /** An embedding computed by the model. */
  public EmbeddedQuery(SearchQuery query, float[] vector, long tsInMillis, double embedMs) {
    this(query, vector, tsInMillis, embedMs, false);
  }

  /** A query turned away at the model's queue: it is answered "overloaded", not searched. */
  public static EmbeddedQuery overloaded(SearchQuery query, long tsInMillis, double waitedMs) {
    return overloaded(query, tsInMillis, waitedMs, true);
  }

  /**
   * {@link #overloaded(SearchQuery, long, double)} of a query whose answer the cache asked for
   * ({@code cacheFill}) or not.
   */
  public static EmbeddedQuery overloaded(
      SearchQuery query, long tsInMillis, double waitedMs, boolean cacheFill) {
    return new EmbeddedQuery(
        query, new float[0], tsInMillis, waitedMs, false, DegradationLevel.OVERLOADED, cacheFill);
  }

  public boolean isOverloaded() {
    return degradation == DegradationLevel.OVERLOADED;
  }
}
