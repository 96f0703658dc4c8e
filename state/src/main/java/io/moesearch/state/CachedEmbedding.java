package io.moesearch.state;

import io.moesearch.core.cache.Versioned;

/** A query embedding in the embedding cache (L3), with the id of the model that computed it. */
public record CachedEmbedding(String version, float[] vector) implements Versioned {
  public CachedEmbedding {
    if (version == null || vector == null || vector.length == 0) {
      throw new IllegalArgumentException("version and a non-empty vector are required");
    }
  }
}
