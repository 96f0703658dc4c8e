package io.moesearch.operators;

import io.moesearch.connectors.message.CacheFill;
import io.moesearch.core.cache.QueryNormalizer;
import org.apache.flink.api.common.functions.FlatMapFunction;
import org.apache.flink.util.Collector;

/**
 * Turns each embedding the model computed into a cache fill for the embedding cache (L3); vectors
 * that came from the cache are not written back.
 */
public final class EmbeddingFills implements FlatMapFunction<EmbeddedQuery, CacheFill> {
  private final String modelId;

  public EmbeddingFills(String modelId) {
    if (modelId == null || modelId.isBlank()) {
      throw new IllegalArgumentException("model id is required");
    }
    this.modelId = modelId;
  }

  @Override
  public void flatMap(EmbeddedQuery q, Collector<CacheFill> out) {
    if (!q.embeddingCached() && !q.isOverloaded() && q.cacheFill()) {
      out.collect(
          CacheFill.embedding(QueryNormalizer.normalize(q.query().text()), modelId, q.vector()));
    }
  }
}
