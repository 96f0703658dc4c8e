package io.moesearch.core.embed;

import java.util.List;

/**
 * Turns text into unit-length vectors. Not thread-safe: one per thread (see {@link
 * EmbeddingModel#newEmbedder()}).
 */
public interface Embedder extends AutoCloseable {

  /** Embeds a batch in one model call; the result has one vector per input, in order. */
  float[][] embed(List<String> texts);

  default float[] embed(String text) {
    return embed(List.of(text))[0];
  }

  int dimension();

  @Override
  void close();
}
