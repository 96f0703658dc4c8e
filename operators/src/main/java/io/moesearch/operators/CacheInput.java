package io.moesearch.operators;

import io.moesearch.connectors.message.CacheFill;

/**
 * The query cache's keyed input: a query to answer or a fill to store, exactly one of them, keyed
 * by normalised text ({@link #key}).
 */
public record CacheInput(AcceptedQuery query, CacheFill fill) {
  public CacheInput {
    if ((query == null) == (fill == null)) {
      throw new IllegalArgumentException("exactly one of query and fill is required");
    }
  }

  public static CacheInput of(AcceptedQuery q) {
    return new CacheInput(q, null);
  }

  public static CacheInput of(CacheFill f) {
    return new CacheInput(null, f);
  }

  /** The partitioning key: the normalised text. */
  public static String key(CacheInput in) {
    return in.query != null ? CacheLookup.key(in.query) : CacheLookup.key(in.fill);
  }
}
