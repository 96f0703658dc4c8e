package io.moesearch.core.cache;

import java.io.Serializable;

/**
 * What a cached result is keyed by: the normalised text, plus the variant of the request that
 * changes its answer ({@code top_k} and the canonical filter string). Embeddings depend on the text
 * alone, so the streaming cache partitions by {@link #text()} and keeps results per {@link
 * #variant()}.
 *
 * @param text normalised query text ({@link QueryNormalizer}), non-blank
 * @param topK number of results, at least 1
 * @param filters canonical filter string, empty for none; never {@code null}
 */
public record CacheKey(String text, int topK, String filters) implements Serializable {
  public CacheKey {
    if (text == null || text.isBlank()) {
      throw new IllegalArgumentException("cache key text must be non-blank");
    }
    if (topK < 1) {
      throw new IllegalArgumentException("cache key top_k must be >= 1, got " + topK);
    }
    if (filters == null) {
      throw new IllegalArgumentException("cache key filters must not be null (use \"\")");
    }
  }

  /** Builds a key from text as typed. */
  public static CacheKey of(String rawText, int topK, String filters) {
    return new CacheKey(QueryNormalizer.normalize(rawText), topK, filters);
  }

  /** The request variant within one text: {@code top_k} and filters. */
  public String variant() {
    return filters.isEmpty() ? Integer.toString(topK) : topK + "|" + filters;
  }

  /** One string for the whole key, e.g. for an in-heap map or a Kafka record key. */
  public String full() {
    return text + '\u0001' + variant();
  }
}
