package io.moesearch.operators;

import io.moesearch.connectors.message.SearchQuery;
import io.moesearch.core.embed.Embedder;
import io.moesearch.core.embed.EmbedderConfig;
import io.moesearch.core.embed.EmbeddingModel;
import java.util.ArrayList;
import java.util.List;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.metrics.Histogram;
import org.apache.flink.runtime.metrics.DescriptiveStatisticsHistogram;
import org.apache.flink.streaming.api.functions.async.ResultFuture;
import org.apache.flink.streaming.api.functions.async.RichAsyncFunction;

/**
 * Embeds queries through async I/O with micro-batching: queries queue up and one model thread per
 * subtask embeds up to {@code batch.max-size} of them in a single call, waiting at most {@code
 * batch.max-wait-ms} for a batch to fill. The task thread never blocks on the model, and in-flight
 * queries are part of Flink's checkpoints (async I/O replays them after a restore).
 */
public final class EmbedQueries extends RichAsyncFunction<SearchQuery, EmbeddedQuery> {
  private final EmbedderConfig embedderConfig;
  private final int maxBatch;
  private final long maxWaitMillis;

  private transient EmbeddingModel model;
  private transient Embedder embedder;
  private transient MicroBatcher<Pending> batcher;
  private transient Histogram batchSizes;

  private record Pending(SearchQuery query, long acceptedMillis, long acceptedNanos, ResultFuture<EmbeddedQuery> future) {}

  public EmbedQueries(EmbedderConfig embedderConfig, int maxBatch, long maxWaitMillis) {
    this.embedderConfig = embedderConfig;
    this.maxBatch = maxBatch;
    this.maxWaitMillis = maxWaitMillis;
  }

  @Override
  public void open(OpenContext ctx) {
    model = EmbeddingModel.load(embedderConfig);
    embedder = model.newEmbedder();
    batchSizes = getRuntimeContext().getMetricGroup().histogram("embedBatchSize", new DescriptiveStatisticsHistogram(1000));
    batcher = new MicroBatcher<>("embed-" + getRuntimeContext().getTaskInfo().getIndexOfThisSubtask(), maxBatch, maxWaitMillis, this::embedBatch);
  }

  @Override
  public void asyncInvoke(SearchQuery query, ResultFuture<EmbeddedQuery> future) {
    batcher.add(new Pending(query, System.currentTimeMillis(), System.nanoTime(), future));
  }

  private void embedBatch(List<Pending> batch) {
    List<String> texts = new ArrayList<>(batch.size());
    for (Pending p : batch) {
      texts.add(p.query().text());
    }
    try {
      float[][] vectors = embedder.embed(texts);
      batchSizes.update(batch.size());
      long now = System.nanoTime();
      for (int i = 0; i < batch.size(); i++) {
        Pending p = batch.get(i);
        p.future().complete(List.of(new EmbeddedQuery(p.query(), vectors[i], p.acceptedMillis(), (now - p.acceptedNanos()) / 1e6)));
      }
    } catch (RuntimeException e) {
      for (Pending p : batch) {
        p.future().completeExceptionally(e);
      }
    }
  }

  @Override
  public void close() {
    if (batcher != null) {
      batcher.close();
    }
    if (embedder != null) {
      embedder.close();
    }
    if (model != null) {
      model.close();
    }
  }
}
