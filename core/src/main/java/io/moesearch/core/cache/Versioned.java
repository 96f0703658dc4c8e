package io.moesearch.core.cache;

/**
 * A cached value and the version of what produced it (the index version for results, the model id
 * for embeddings). A cache never serves an entry whose version differs from the one being served.
 */
public interface Versioned {
  String version();
}
