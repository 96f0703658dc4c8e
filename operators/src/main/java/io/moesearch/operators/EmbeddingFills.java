package io.moesearch.operators;

import io.moesearch.connectors.message.CacheFill;
import io.moesearch.core.cache.QueryNormalizer;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.functions.RichFlatMapFunction;
import org.apache.flink.metrics.Counter;
import org.apache.flink.util.Collector;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Turns each embedding the model computed into a cache fill for the embedding cache (L3); vectors
 * that came from the cache are not written back. An embedding no fill can carry (a value that is
 * not finite) is not cached, and is counted ({@code embeddingFillsFailed}) and logged ({@link
 * FailureLogging}) instead of failing the task: the cache is an optimisation, the query is answered
 * anyway.
 */
public final class EmbeddingFills extends RichFlatMapFunction<EmbeddedQuery, CacheFill> {
  private static final Logger LOG = LoggerFactory.getLogger(EmbeddingFills.class);

  private final String modelId;
  private transient Counter failed;

  public EmbeddingFills(String modelId) {
    if (modelId == null || modelId.isBlank()) {
      throw new IllegalArgumentException("model id is required");
    }
    this.modelId = modelId;
  }

  @Override
  public void open(OpenContext ctx) {
    failed = getRuntimeContext().getMetricGroup().counter("embeddingFillsFailed");
  }

  @Override
  public void flatMap(EmbeddedQuery q, Collector<CacheFill> out) {
    if (q.embeddingCached() || q.isOverloaded() || !q.cacheFill()) {
      return;
    }
    CacheFill fill;
    try {
      fill = CacheFill.embedding(QueryNormalizer.normalize(q.query().text()), modelId, q.vector());
    } catch (RuntimeException e) {
      failed.inc();
      if (FailureLogging.logs(failed.getCount())) {
        LOG.warn("embedding of query {} not cached", q.query().queryId(), e);
      }
      return;
    }
    out.collect(fill);
  }
}
