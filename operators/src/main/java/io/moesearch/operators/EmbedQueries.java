package io.moesearch.operators;

import io.moesearch.connectors.message.SearchQuery;
import io.moesearch.core.embed.Embedder;
import io.moesearch.core.embed.EmbedderConfig;
import io.moesearch.core.embed.EmbeddingModel;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.metrics.Histogram;
import org.apache.flink.runtime.metrics.DescriptiveStatisticsHistogram;
import org.apache.flink.streaming.api.functions.async.ResultFuture;
import org.apache.flink.streaming.api.functions.async.RichAsyncFunction;

/**
 * Embeds queries through async I/O with micro-batching: queries queue up and one model thread per
 * subtask takes up to {@code batch.max-size} of them, waiting at most {@code batch.max-wait-ms} for
 * a batch to fill, sorts them by length and runs the model on chunks of {@code modelBatch}
 * similar-length texts (padding to the longest text in a chunk is what makes large mixed batches
 * slow on CPU). The task thread never blocks on the model, and in-flight queries are part of
 * Flink's checkpoints (async I/O replays them after a restore).
 */
public final class EmbedQueries extends RichAsyncFunction<AcceptedQuery, EmbeddedQuery> {
  private final EmbedderConfig embedderConfig;
  private final int maxBatch;
  private final int modelBatch;
  private final long maxWaitMillis;

  private transient EmbeddingModel model;
  private transient Embedder embedder;
  private transient MicroBatcher<Pending> batcher;
  private transient Histogram batchSizes;

  /** A query waiting for the model; {@code queuedNanos} is when it reached this operator. */
  private record Pending(
      SearchQuery query,
      long acceptedMillis,
      long queuedNanos,
      ResultFuture<EmbeddedQuery> future) {}

  public EmbedQueries(
      EmbedderConfig embedderConfig, int maxBatch, int modelBatch, long maxWaitMillis) {
    if (modelBatch < 1 || modelBatch > maxBatch) {
      throw new IllegalArgumentException(
          "batch.model-batch-size must be in 1..batch.max-size ("
              + maxBatch
              + "), got "
              + modelBatch);
    }
    this.embedderConfig = embedderConfig;
    this.maxBatch = maxBatch;
    this.modelBatch = modelBatch;
    this.maxWaitMillis = maxWaitMillis;
  }

  @Override
  public void open(OpenContext ctx) {
    model = EmbeddingModel.load(embedderConfig);
    embedder = model.newEmbedder();
    batchSizes =
        getRuntimeContext()
            .getMetricGroup()
            .histogram("embedBatchSize", new DescriptiveStatisticsHistogram(1000));
    batcher =
        new MicroBatcher<>(
            "embed-" + getRuntimeContext().getTaskInfo().getIndexOfThisSubtask(),
            maxBatch,
            maxWaitMillis,
            this::embedBatch);
  }

  @Override
  public void asyncInvoke(AcceptedQuery accepted, ResultFuture<EmbeddedQuery> future) {
    batcher.add(new Pending(accepted.query(), accepted.tsInMillis(), System.nanoTime(), future));
  }

  private void embedBatch(List<Pending> batch) {
    List<Pending> sorted = new ArrayList<>(batch);
    sorted.sort(Comparator.comparingInt(p -> p.query().text().length()));
    batchSizes.update(batch.size());
    for (int from = 0; from < sorted.size(); from += modelBatch) {
      List<Pending> chunk = sorted.subList(from, Math.min(sorted.size(), from + modelBatch));
      List<String> texts = new ArrayList<>(chunk.size());
      for (Pending p : chunk) {
        texts.add(p.query().text());
      }
      try {
        float[][] vectors = embedder.embed(texts);
        long now = System.nanoTime();
        for (int i = 0; i < chunk.size(); i++) {
          Pending p = chunk.get(i);
          p.future()
              .complete(
                  List.of(
                      new EmbeddedQuery(
                          p.query(),
                          vectors[i],
                          p.acceptedMillis(),
                          (now - p.queuedNanos()) / 1e6)));
        }
      } catch (Throwable e) {
        for (Pending p : chunk) {
          p.future().completeExceptionally(e);
        }
      }
    }
  }

  @Override
  public void close() {
    if (batcher != null && !batcher.stop(30_000)) {
      // Still inside a model call: closing the native session under it would crash the JVM.
      return;
    }
    if (embedder != null) {
      embedder.close();
    }
    if (model != null) {
      model.close();
    }
  }
}
